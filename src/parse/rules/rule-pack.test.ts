import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulePack } from './load.js';
import { checkSamples } from './samples.js';

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
