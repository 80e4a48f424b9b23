import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decoded, LineSplitter, MAX_LINE_CHARS, type ReadStats } from './line-reader.js';

/** Every line the splitter gives for `text` fed in pieces of the given sizes (cycled). */
function split(text: Buffer, sizes: readonly number[]): { lines: Array<[number, string]>; stats: ReadStats } {
  const lines: Array<[number, string]> = [];
  const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
  const splitter = new LineSplitter(decoded((line, n) => lines.push([n, line])), stats);
  // pieces are views of one larger buffer, as the file reader's are: bytes past `to` must be ignored
  const padded = Buffer.concat([Buffer.from('x\n'), text, Buffer.from('\ny\n')]);
  let at = 2;
  for (let k = 0; at < 2 + text.length; k++) {
    const to = Math.min(2 + text.length, at + sizes[k % sizes.length]!);
    splitter.push(padded, at, to);
    // an empty piece between any two (a stream may give one), of another buffer
    splitter.push(Buffer.alloc(0));
    at = to;
  }
  splitter.finish();
  return { lines, stats };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('lines come out the same however the bytes are cut into pieces', () => {
  const rand = prng(7);
  const parts = ['a', 'b\r', '\r\n', '\n', '\r', 'é', '\u0000', ' ', 'line'];
  for (let round = 0; round < 200; round++) {
    let s = '';
    const n = Math.floor(rand() * 60);
    for (let i = 0; i < n; i++) s += parts[Math.floor(rand() * parts.length)];
    // a line exactly at, and one past, the limit; sometimes ending in CR before its LF
    if (round % 10 === 0) s += 'L'.repeat(MAX_LINE_CHARS) + '\r\n' + 'M'.repeat(MAX_LINE_CHARS + 1) + '\n' + 'N'.repeat(MAX_LINE_CHARS + 2);
    const text = Buffer.from(s, 'utf8');
    const whole = split(text, [text.length + 1]);
    const raw = s.split('\n');
    // no last line after the last newline, nor one of NULs only (the reader drops a line's NULs as they come)
    if (s.endsWith('\n') || s === '' || /^\u0000+$/.test(raw.at(-1)!)) raw.pop();
    // a line's CR before its LF and its leading NULs are not part of it
    const expected = raw.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).replace(/^\u0000+/, ''));
    assert.equal(whole.stats.lines, expected.length);
    assert.deepEqual(
      whole.lines.map(([, l]) => l),
      expected.map((l) => Buffer.from(l, 'utf8').toString('latin1')).filter((l) => l.length <= MAX_LINE_CHARS),
    );
    for (const sizes of [[1], [2, 3], [7], [4096], [MAX_LINE_CHARS + 1], [Math.floor(rand() * 50) + 1, 1]]) {
      const cut = split(text, sizes);
      assert.deepEqual(cut.lines, whole.lines, `pieces ${sizes.join(',')} of ${JSON.stringify(s.slice(0, 80))}`);
      assert.deepEqual(cut.stats, whole.stats);
    }
  }
});
