/** @module Extension pattern matching and ranking, per Asterisk's rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePatterns, matches, parsePattern, sampleFor } from './pattern.js';

void test('X, Z, N, classes and literals match one character each', () => {
  const p = parsePattern('_1NXX[2-4a]Z');
  assert.equal(matches(p, '1200a1'), true);
  assert.equal(matches(p, '1100a1'), false, 'N is 2-9');
  assert.equal(matches(p, '1200b1'), false);
  assert.equal(matches(p, '1200a0'), false, 'Z is 1-9');
  assert.equal(matches(p, '1200a12'), false, 'no wildcard: exact length');
});

void test('. needs one or more further characters and ! zero or more, of any kind', () => {
  assert.equal(matches(parsePattern('_9.'), '9'), false);
  assert.equal(matches(parsePattern('_9.'), '9011&DAHDI/g1'), true);
  assert.equal(matches(parsePattern('_9!'), '9'), true);
  assert.equal(parsePattern('_9.').open, true);
  assert.equal(parsePattern('_9XXX').open, false);
});

void test('dashes in patterns are ignored and literal names match exactly', () => {
  assert.equal(matches(parsePattern('_1-NXX-XXXX'), '12125550'), true);
  assert.equal(matches(parsePattern('100'), '100'), true);
  assert.equal(matches(parsePattern('100'), '1000'), false);
});

void test('literal names rank before patterns, and narrower patterns before wider ones', () => {
  const sorted = ['_X.', '_011.', '_0XX', '100', '_NXX'].map(parsePattern).sort(comparePatterns).map((p) => p.text);
  assert.deepEqual(sorted, ['100', '_011.', '_0XX', '_NXX', '_X.']);
});

void test('a sample follows the target where the pattern allows it and stays inside the pattern', () => {
  assert.equal(sampleFor(parsePattern('_X.'), '011442079460123'), '011442079460123');
  const s = sampleFor(parsePattern('_NXXNXXXXXX'), '011442079460123');
  assert.equal(matches(parsePattern('_NXXNXXXXXX'), s), true);
});
