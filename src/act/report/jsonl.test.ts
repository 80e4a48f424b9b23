import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SecurityEvent } from '../../core/events.js';
import { JsonlFormatter } from './jsonl.js';

const ev = (at: number, over: Partial<SecurityEvent> = {}): SecurityEvent => ({ at, source: 'log', service: 'pjsip', kind: 'auth_failure', ip: '192.0.2.1', ruleId: 'r/x', ...over });

test('event times are exact ISO strings whatever order the times come in', () => {
  const f = new JsonlFormatter();
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -1e12, max: 4e12 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 200_000 }), (times, step) => {
      // random times, then runs of nearby times (the cached-minute path)
      for (const t of times) {
        for (const at of [t, t + step, t + 2 * step, t - 1]) {
          const o = JSON.parse(f.event(ev(at))) as { at: string };
          assert.equal(o.at, new Date(at).toISOString());
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('attacker text in accounts is escaped into valid JSON, absent fields are left out', () => {
  const f = new JsonlFormatter();
  const nasty = 'a"b\\c\u0000\u001b[31m\u2028\nx';
  const line = f.event(ev(0, { account: nasty, port: 5060, file: 'x"y.log', line: 7 }));
  assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'));
  const o = JSON.parse(line) as Record<string, unknown>;
  assert.equal(o.account, nasty);
  assert.equal(o.file, 'x"y.log');
  assert.equal(o.line, 7);
  const bare = JSON.parse(f.event(ev(0, { ip: undefined, kind: 'ambiguous' }))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(bare), ['at', 'service', 'kind', 'rule']);
});

test('event lines are what JSON.stringify writes for the same fields, whatever the text', () => {
  const f = new JsonlFormatter();
  const text = fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined });
  fc.assert(
    fc.property(text, text, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.integer({ min: 1, max: 2 ** 31 }), (account, userAgent, port, line) => {
      const e = ev(1_795_564_800_123, { account, userAgent, port, line, file: 'messages', scanner: account === undefined ? undefined : 'friendly-scanner' });
      const expected = { file: e.file, line: e.line, at: new Date(e.at).toISOString(), service: e.service, kind: e.kind, ip: e.ip, port, account, userAgent, scanner: e.scanner, rule: e.ruleId };
      assert.equal(f.event(e), JSON.stringify(expected) + '\n');
    }),
    { numRuns: 2000 },
  );
});
