import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { Decision, SecurityEvent } from '../../core/events.js';
import { JsonlWriter } from './jsonl-writer.js';
import { BufferedOutput } from './output.js';

/** An output that keeps what it is handed. */
function collected(): { out: BufferedOutput; written: () => Array<Record<string, unknown>> } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const out = new BufferedOutput(sink);
  // what the writer has written so far, one parsed object per line
  const written = () => {
    out.flush();
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? [] : text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { out, written };
}

const event = (line: number): SecurityEvent => ({ at: 0, source: 'log', service: 'sip', kind: 'auth_failure', ip: '192.0.2.1', ruleId: 'r/x', file: 'messages', line });
const decision: Decision = { action: 'ban', target: '192.0.2.1', at: 0, until: 60_000, service: 'sip', detector: 'maxretry', reason: 'x', events: 5, accounts: [], origin: 'local' };

test('events are held until a flush or a decision, and a decision comes right after the events before it', () => {
  const { out, written } = collected();
  const writer = new JsonlWriter(out);
  writer.event(event(1));
  writer.event(event(2));
  assert.deepEqual(written(), [], 'held until something is due');
  writer.decision(decision);
  writer.event(event(3));
  assert.deepEqual(
    written().map((o) => o.line ?? o.decision),
    [1, 2, 'ban'],
  );
  writer.flush();
  assert.deepEqual(
    written().map((o) => o.line ?? o.decision),
    [1, 2, 'ban', 3],
  );
});

test('a long run of events is written without waiting for a flush (memory stays bounded)', () => {
  const { out, written } = collected();
  const writer = new JsonlWriter(out);
  for (let i = 1; i <= 10_000; i++) writer.event(event(i));
  const n = written().length;
  assert.ok(n > 0 && n < 10_000, `${n} of 10000 written before the flush`);
  writer.flush();
  assert.deepEqual(
    written().map((o) => o.line),
    Array.from({ length: 10_000 }, (_, i) => i + 1),
  );
});

test('jsonl lines come out as UTF-8 whether their text is plain ASCII or not (the copy path and the encode path)', () => {
  const { out, written } = collected();
  const writer = new JsonlWriter(out);
  const accounts = ['1001', 'ü', 'Müller', 'a"b', 'é\u0000', '\u00ff', 'Негодяй', '😀', 'plain'];
  const expected: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const account = accounts[i % accounts.length]!;
    writer.event({ at: 0, source: 'log', service: 'sip', kind: 'auth_failure', ip: '192.0.2.1', account, userAgent: i % 3 === 0 ? `UA ${account}` : undefined, ruleId: 'r/x', file: i % 500 === 0 ? 'dösch.log' : 'messages', line: i });
    expected.push(account);
  }
  writer.flush();
  assert.deepEqual(
    written().map((o) => o.account),
    expected,
  );
});
