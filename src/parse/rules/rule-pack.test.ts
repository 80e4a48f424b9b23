import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulePack } from './load.js';
import { checkSamples } from './samples.js';
import { compileRule } from './compile.js';
import { RulePack } from '../matcher.js';

const pack = await loadRulePack();

test('the bundled rule pack loads a plausible number of rules', () => {
  // a broken glob or folder must not pass as green
  assert.ok(pack.rules.length >= 30, `only ${pack.rules.length} rules loaded`);
});

for (const rule of pack.rules) {
  test(`rule ${rule.id}: every sample gives what it expects`, () => {
    const failures = checkSamples(pack).filter((f) => f.rule === rule.id);
    assert.deepEqual(failures, []);
  });
}

test('a sample must state the extension of an event that has one, as it must the scanner', () => {
  const line = "[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Call from '' (198.51.100.2:5060) to extension '0044' rejected because extension not found in context 'default'.";
  const def = (expect: { ip: string; extension?: string }) =>
    compileRule(
      {
        id: 't/call',
        log: 'asterisk',
        files: ['chan_sip.c'],
        service: 'sip',
        kind: 'unknown_extension',
        prefilter: 'rejected because',
        patterns: ["^Call from '{ANY:account}' \\({IP_PORT}\\) to extension '{ANY:extension}' rejected because extension not found in context '[^']*'\\.$"],
        samples: [
          { line, expect },
          { line: 'x', expect: 'none' },
        ],
      },
      't.yaml',
    );
  assert.deepEqual(checkSamples(new RulePack([def({ ip: '198.51.100.2', extension: '0044' })])), []);
  assert.equal(checkSamples(new RulePack([def({ ip: '198.51.100.2' })])).length, 1);
  assert.equal(checkSamples(new RulePack([def({ ip: '198.51.100.2', extension: '0045' })])).length, 1);
});
