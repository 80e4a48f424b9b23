import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { test } from 'node:test';
import { compileRuleSet, BUNDLED_RULES_DIR, loadRulePack, writeRuleSnapshot } from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'pbxguard-rules-'));
/** The validated rule set a pack was loaded from (from sources, the bundled pack has no snapshot). */
const readRuleSet = async (dir: string, snapshot?: string) => (await loadRulePack(dir, snapshot)).ruleSet!;

test('a snapshot of the rule pack gives exactly what parsing the YAML gives', async () => {
  const snap = join(tmp, 'snap.bin');
  await writeRuleSnapshot(snap);
  assert.deepEqual(await readRuleSet(BUNDLED_RULES_DIR, snap), await readRuleSet(BUNDLED_RULES_DIR));
});

test("a snapshot's compiled rules are what compiling the YAML gives, regexes included", async () => {
  const snap = join(tmp, 'compiled.bin');
  await writeRuleSnapshot(snap);
  const { rules } = deserialize(readFileSync(snap)) as { rules: unknown };
  assert.deepEqual(rules, compileRuleSet(await readRuleSet(BUNDLED_RULES_DIR)));
});

test('a snapshot is used only by the code that wrote it (Node version and the rule code)', async () => {
  const snap = join(tmp, 'other-node.bin');
  await writeRuleSnapshot(snap);
  const content = deserialize(readFileSync(snap)) as { code: string; rules: unknown[] };
  const all = content.rules.length;
  content.rules = content.rules.slice(0, 1);
  writeFileSync(snap, serialize(content));
  // the same code: the snapshot's (here cut down) rules are used as they are
  assert.equal((await loadRulePack(BUNDLED_RULES_DIR, snap)).rules.length, 1);
  content.code = '0'.repeat(64);
  writeFileSync(snap, serialize(content));
  assert.equal((await loadRulePack(BUNDLED_RULES_DIR, snap)).rules.length, all);
});

test('a snapshot whose hash no longer matches the YAML is ignored', async () => {
  const snap = join(tmp, 'stale.bin');
  await writeRuleSnapshot(snap);
  const stale = deserialize(readFileSync(snap)) as { set: { hash: string; files: unknown[] } };
  stale.set.files = [];
  stale.set.hash = 'f'.repeat(64);
  writeFileSync(snap, serialize(stale));
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
  await assert.rejects(loadRulePack(dir), /bad\.yaml:5: rule x\/one: kind: /);
});

test('a rule may not give the kind ambiguous, which is the matcher\'s verdict on a line', async () => {
  const dir = join(tmp, 'ambiguous-kind');
  mkdirSync(dir);
  writeFileSync(join(dir, 'r.yaml'), ['rules:', '  - id: x/one', '    log: asterisk', '    service: sip', '    kind: ambiguous', '    prefilter: a', '    patterns: ["^a {IP}$"]', '    samples: []', ''].join('\n'));
  await assert.rejects(loadRulePack(dir), /r\.yaml:5: rule x\/one: kind: /);
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
  await assert.rejects(loadRulePack(dir), /r\.yaml:7: rule x\/one: patterns\[0\] "\^a \(\?:x\)\?\{IP\}\$": the address placeholder must/);
});

test('a pattern that is no regular expression is reported as its author wrote it, at its line', async () => {
  const dir = join(tmp, 'badregex');
  mkdirSync(dir);
  writeFileSync(join(dir, 'fingerprints.yaml'), 'fingerprints:\n  - id: x\n    userAgent: [abcd]\n');
  const rule = ['rules:', '  - id: x/one', '    log: asterisk', '    service: sip', '    kind: auth_failure', '    prefilter: a', '    patterns:', '      - "^a from {IP}$"', '      - "^a from {IP} ("', '    samples:', '      - { line: "a", expect: none }', '      - { line: "a from 1.2.3.4", expect: { ip: 1.2.3.4 } }', ''];
  writeFileSync(join(dir, 'r.yaml'), rule.join('\n'));
  const err = await loadRulePack(dir).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(err?.message ?? '', /r\.yaml:9: rule x\/one: patterns\[1\] "\^a from \{IP\} \(": not a valid regular expression \(Unterminated group\)/);
  assert.ok(!err!.message.includes('\\d{1,3}'), 'no expanded regex in the message');
});

test('a pack is read through symbolic links, any fingerprints file adds to the others, and a file of another name is an error', async () => {
  const pack = join(tmp, 'linked');
  cpSync(BUNDLED_RULES_DIR, pack, { recursive: true });
  const shared = join(tmp, 'shared-rules');
  mkdirSync(shared);
  const local = [
    'rules:',
    '  - id: local/blocked',
    '    log: asterisk',
    '    files: [local.c]',
    '    service: sip',
    '    kind: acl_denied',
    '    prefilter: Blocked',
    '    patterns: ["^Blocked {IP}$"]',
    '    samples:',
    '      - { line: "[2026-11-25 10:00:00] NOTICE[1] local.c: Blocked 198.51.100.3", expect: { ip: 198.51.100.3 } }',
    '      - { line: "[2026-11-25 10:00:00] NOTICE[1] local.c: Allowed 198.51.100.3", expect: none }',
    '',
  ].join('\n');
  writeFileSync(join(shared, 'local.yaml'), local);
  writeFileSync(join(shared, 'fingerprints.yaml'), 'fingerprints:\n  - id: mytool\n    userAgent: [mytool-scan]\n');
  symlinkSync(shared, join(pack, 'shared'));
  symlinkSync(join(shared, 'local.yaml'), join(pack, 'local-link.yaml'));
  // the same folder twice (a link back into itself) is read once
  symlinkSync(pack, join(shared, 'loop'));
  await assert.rejects(loadRulePack(pack), /local(?:-link)?\.yaml:2: rule id local\/blocked is defined twice/);
  unlinkSync(join(pack, 'local-link.yaml'));
  const set = await readRuleSet(pack);
  assert.ok(set.files.some((f) => f.rules.some((r) => r.id === 'local/blocked')));
  const ids = set.fingerprints.map((f) => f.id);
  assert.ok(ids.includes('mytool') && ids.length > 5, ids.join());
  // a file named like one is not a fingerprints file
  writeFileSync(join(pack, 'sip-fingerprints.yaml'), local.replace('local/blocked', 'local/blocked-too'));
  assert.equal((await readRuleSet(pack)).fingerprints.length, set.fingerprints.length);
  unlinkSync(join(pack, 'sip-fingerprints.yaml'));
  writeFileSync(join(pack, 'local.rules'), local);
  await assert.rejects(readRuleSet(pack), /local\.rules: not a rule file: rule files end in \.yaml or \.yml/);
  unlinkSync(join(pack, 'local.rules'));
  symlinkSync(join(tmp, 'nowhere.yaml'), join(pack, 'dangling.yaml'));
  await assert.rejects(readRuleSet(pack), /dangling\.yaml: cannot read: ENOENT/);
});

test('schema errors name the rule, point at the key, and prefer a misspelt key to the missing one', async () => {
  const dir = join(tmp, 'schema-errors');
  mkdirSync(dir);
  const rule = (extra: string[]) =>
    ['rules:', '  - id: x/one', '    log: asterisk', '    service: sip', '    kind: auth_failure', '    prefilter: a', ...extra, '    samples: []', ''].join('\n');
  const file = join(dir, 'r.yaml');
  writeFileSync(file, rule(['    patterns: ["^a {IP}$"]', '    severity: high']));
  await assert.rejects(readRuleSet(dir), /r\.yaml:8: rule x\/one: Unrecognized key: "severity"/);
  writeFileSync(file, rule(['    pattern: ["^a {IP}$"]']));
  await assert.rejects(readRuleSet(dir), /r\.yaml:7: rule x\/one: Unrecognized key: "pattern"/);
  writeFileSync(file, rule([]).replace('    service: sip\n', '') + '');
  await assert.rejects(readRuleSet(dir), /rule x\/one: service: missing: /);
  writeFileSync(file, '# nothing yet\n');
  await assert.rejects(readRuleSet(dir), /r\.yaml: the file is empty/);
});
