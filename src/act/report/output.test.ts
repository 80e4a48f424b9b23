import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { BufferedOutput } from './output.js';

test('everything written comes out once, in order, as UTF-8, across groups, buffers and a slow reader', async () => {
  const chunks: Buffer[] = [];
  // a reader that asks the writer to wait after every chunk
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  const out = new BufferedOutput(sink);
  const pieces: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const s = i % 997 === 0 ? 'x'.repeat(300_000) + '\n' : `{"n":${i},"account":"Müller-Негодяй-${'€'.repeat(i % 7)}"}\n`;
    pieces.push(s);
    out.write(s);
    const wait = out.backpressure();
    if (wait) await wait;
  }
  await out.end();
  assert.equal(Buffer.concat(chunks).toString('utf8'), pieces.join(''));
});
