import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SecurityEvent } from '../../core/events.js';
import { JsonlEncoder } from './jsonl.js';
import type { ByteRoom } from './output.js';
import { jsonText } from './safe-text.js';

/** One event's line as the encoder writes it, decoded; the room starts mid-buffer with stale bytes around. */
class Line implements ByteRoom {
  private buf = Buffer.alloc(64, 0x78);
  used = 0;
  private readonly enc = new JsonlEncoder();

  room(n: number): Buffer {
    // a new buffer per call, sized to the request plus stale bytes: writing past `n` is caught
    this.buf = Buffer.alloc(n + 16, 0x78);
    this.used = 8;
    return this.buf;
  }

  event(e: SecurityEvent): string {
    this.enc.event(e, this, true);
    const room = this.buf.length - 16;
    assert.ok(this.used <= room + 8, `wrote ${this.used - 8} bytes into room for ${room}`);
    assert.equal(this.buf[this.used], 0x78, 'wrote past its end');
    return this.buf.subarray(8, this.used).toString('utf8');
  }
}

const ev = (at: number, over: Partial<SecurityEvent> = {}): SecurityEvent => ({ at, source: 'log', service: 'pjsip', kind: 'auth_failure', ip: '192.0.2.1', ruleId: 'r/x', ...over });

test('event times are exact ISO strings whatever order the times come in', () => {
  const f = new Line();
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
  const f = new Line();
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

test('event lines are what JSON.stringify writes for the same fields (terminal controls escaped), whatever the text', () => {
  const f = new Line();
  const text = fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined });
  fc.assert(
    fc.property(text, text, text, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.integer({ min: 1, max: 2 ** 31 }), (account, extension, userAgent, port, line) => {
      // an ambiguous line's second reading may be attacker text too
      const readings: [string, string] | undefined = userAgent === undefined ? undefined : ['192.0.2.1', userAgent];
      const e = ev(1_795_564_800_123, { account, extension, userAgent, port, line, file: 'messages', scanner: account === undefined ? undefined : 'friendly-scanner', readings });
      const expected = { file: e.file, line: e.line, at: new Date(e.at).toISOString(), service: e.service, kind: e.kind, ip: e.ip, port, account, extension, userAgent, scanner: e.scanner, readings, rule: e.ruleId };
      assert.equal(f.event(e), jsonText(expected) + '\n');
      assert.deepEqual(JSON.parse(f.event(e)), JSON.parse(JSON.stringify(expected)));
    }),
    { numRuns: 2000 },
  );
});

test('C1 controls and bidirectional overrides in attacker text are escaped, so a terminal showing the line does not act on them', () => {
  const f = new Line();
  const account = 'x\u009b31mred\u202egnp.exe';
  const line = f.event(ev(1_795_564_800_123, { account }));
  assert.ok(!/[\u0080-\u009f\u202e]/.test(line), line);
  assert.match(line, /"account":"x\\u009b31mred\\u202egnp\.exe"/);
  assert.equal((JSON.parse(line) as { account: string }).account, account);
});

test('an event line never outgrows the room it asked for, whatever its text', () => {
  const f = new Line();
  const worst = ['\u0001'.repeat(128), '😀'.repeat(64), '\u00ff'.repeat(128), '"'.repeat(128), '\ud800'.repeat(128), '\u009b'.repeat(128), '\u202e'.repeat(128)];
  for (const account of worst) {
    for (const userAgent of worst) {
      const e = ev(8.64e15, { account, extension: userAgent, userAgent, scanner: account, readings: [account, userAgent], port: 65535, line: 2 ** 53 - 1, file: `${account}.log` });
      const o = JSON.parse(f.event(e)) as Record<string, unknown>;
      assert.equal(o.account, account);
      assert.equal(o.extension, userAgent);
      assert.equal(o.userAgent, userAgent);
      assert.equal(o.line, 2 ** 53 - 1);
    }
  }
});
