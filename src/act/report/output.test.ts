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

test('jsonl lines come out as UTF-8 whether their text is plain ASCII or not (the copy path and the encode path)', async () => {
  const { JsonlWriter } = await import('./jsonl-writer.js');
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const out = new BufferedOutput(sink);
  const writer = new JsonlWriter(out);
  const accounts = ['1001', 'ü', 'Müller', 'a"b', 'é\u0000', '\u00ff', 'Негодяй', '😀', 'plain'];
  const expected: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const account = accounts[i % accounts.length]!;
    writer.event({ at: 0, source: 'log', service: 'sip', kind: 'auth_failure', ip: '192.0.2.1', account, userAgent: i % 3 === 0 ? `UA ${account}` : undefined, ruleId: 'r/x', file: i % 500 === 0 ? 'dösch.log' : 'messages', line: i });
    expected.push(account);
  }
  writer.flush();
  await out.end();
  const got = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { account: string }).account);
  assert.deepEqual(got, expected);
});
