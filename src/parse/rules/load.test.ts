import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUNDLED_RULES_DIR, loadRulePack, readRuleSet, writeRuleSnapshot } from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'pbxguard-rules-'));

test('a snapshot of the rule pack gives exactly what parsing the YAML gives', async () => {
  const snap = join(tmp, 'snap.json');
  await writeRuleSnapshot(snap);
  assert.deepEqual(await readRuleSet(BUNDLED_RULES_DIR, snap), await readRuleSet(BUNDLED_RULES_DIR));
});

test('a snapshot whose hash no longer matches the YAML is ignored', async () => {
  const snap = join(tmp, 'stale.json');
  await writeRuleSnapshot(snap);
  const stale = JSON.parse(readFileSync(snap, 'utf8')) as { hash: string; files: unknown[] };
  stale.files = [];
  stale.hash = 'f'.repeat(64);
  writeFileSync(snap, JSON.stringify(stale));
  assert.ok((await readRuleSet(BUNDLED_RULES_DIR, snap)).files.length > 5);
});

test('a broken rule file is reported with its file and line', async () => {
  const dir = join(tmp, 'broken');
  mkdirSync(dir);
  writeFileSync(join(dir, 'fingerprints.yaml'), 'fingerprints:\n  - id: x\n    userAgent: [abcd]\n');
  writeFileSync(
    join(dir, 'bad.yaml'),
    ['rules:', '  - id: x/one', '    log: asterisk', '    service: sip', '    kind: not_a_kind', '    prefilter: a', '    patterns: ["^a {IP}$"]', '    samples: []', ''].join('\n'),
  );
  await assert.rejects(loadRulePack(dir), /bad\.yaml:5: rules\.0\.kind: /);
});

test('a pattern without an anchor before its address is refused when the pack loads', async () => {
  const dir = join(tmp, 'noanchor');
  mkdirSync(dir);
  writeFileSync(join(dir, 'fingerprints.yaml'), 'fingerprints:\n  - id: x\n    userAgent: [abcd]\n');
  const rule = [
    'rules:',
    '  - id: x/one',
    '    log: asterisk',
    '    service: sip',
    '    kind: auth_failure',
    '    prefilter: a',
    '    patterns: ["^a (?:x)?{IP}$"]',
    '    samples:',
    '      - { line: "a", expect: none }',
    '      - { line: "a 1.2.3.4", expect: { ip: 1.2.3.4 } }',
    '',
  ];
  writeFileSync(join(dir, 'r.yaml'), rule.join('\n'));
  await assert.rejects(loadRulePack(dir), /x\/one: patterns\[0\] "\^a \(\?:x\)\?\{IP\}\$": the address placeholder must/);
});

test('a pattern that is no regular expression is reported as its author wrote it', async () => {
  const dir = join(tmp, 'badregex');
  mkdirSync(dir);
  writeFileSync(join(dir, 'fingerprints.yaml'), 'fingerprints:\n  - id: x\n    userAgent: [abcd]\n');
  const rule = ['rules:', '  - id: x/one', '    log: asterisk', '    service: sip', '    kind: auth_failure', '    prefilter: a', '    patterns: ["^a from {IP} ("]', '    samples:', '      - { line: "a", expect: none }', '      - { line: "a from 1.2.3.4 (", expect: { ip: 1.2.3.4 } }', ''];
  writeFileSync(join(dir, 'r.yaml'), rule.join('\n'));
  const err = await loadRulePack(dir).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(err?.message ?? '', /x\/one: patterns\[0\] "\^a from \{IP\} \(": not a valid regular expression \(Unterminated group\)/);
  assert.ok(!err!.message.includes('\\d{1,3}'), 'no expanded regex in the message');
});
