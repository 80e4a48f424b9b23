import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.js';

test('durations: one unit, sums of units, bare seconds', () => {
  const cases: Array<[string, number]> = [
    ['600', 600_000],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['1d 12h', 129_600_000],
    [' 2w ', 1_209_600_000],
    ['500ms', 500],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('anything else is an error that quotes the text', () => {
  for (const bad of ['', 'h', '1h30', '10 minutes', '-5m', '0', '1x', '1h-30m', 'm10']) {
    assert.throws(() => parseDuration(bad), new RegExp(JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), bad);
  }
});
