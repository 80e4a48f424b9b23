import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimestampResolver } from './timestamp.js';

const ref = new Date(2026, 10, 25, 12, 0, 0).getTime();

test('ISO-like Asterisk dates with and without milliseconds resolve in local time', () => {
  const r = new TimestampResolver(ref);
  assert.equal(r.resolve('2026-11-25 10:00:01'), new Date(2026, 10, 25, 10, 0, 1).getTime());
  assert.equal(r.resolve('2026-11-25 10:00:01.123'), new Date(2026, 10, 25, 10, 0, 1, 123).getTime());
});

test('an explicit UTC offset is honoured', () => {
  const r = new TimestampResolver(ref);
  assert.equal(r.resolve('2026-11-25T10:00:01.5+02:00'), Date.UTC(2026, 10, 25, 8, 0, 1, 500));
  assert.equal(r.resolve('25/Nov/2026:10:00:01 -0100'), Date.UTC(2026, 10, 25, 11, 0, 1));
});

test("journalctl's short-full and short-unix times, and Asterisk's %s, resolve", () => {
  const r = new TimestampResolver(ref);
  assert.equal(r.resolve('Thu 2026-11-26 12:00:01 UTC'), Date.UTC(2026, 10, 26, 12, 0, 1));
  assert.equal(r.resolve('Thu 2026-11-26 12:00:01.250 +03'), Date.UTC(2026, 10, 26, 9, 0, 1, 250));
  // an abbreviation that names one offset is that offset: the two 02:30 of the night the clocks go back
  assert.equal(r.resolve('Sun 2026-10-25 02:30:00 CEST'), Date.UTC(2026, 9, 25, 0, 30));
  assert.equal(r.resolve('Sun 2026-10-25 02:30:00 CET'), Date.UTC(2026, 9, 25, 1, 30));
  assert.equal(r.resolve('Thu 2026-11-26 07:00:01 EST'), Date.UTC(2026, 10, 26, 12, 0, 1));
  // one that names several (China's or Central's CST) is read as local time, as a time without any
  assert.equal(r.resolve('Thu 2026-11-26 12:00:01 CST'), new Date(2026, 10, 26, 12, 0, 1).getTime());
  assert.equal(r.resolve('Thu 2026-11-26 12:00:01 constructor'), undefined);
  assert.equal(r.resolve('1764158401.123456'), 1764158401123);
  assert.equal(r.resolve('1795600860'), 1795600860000);
  assert.equal(r.resolve('Thu 2026-11-26 12:00:01 Central European Time'), undefined);
});

test('year-less dates take the reference year, or the year before when they would be in the future', () => {
  const r = new TimestampResolver(ref);
  assert.equal(r.resolve('Nov 25 10:00:01'), new Date(2026, 10, 25, 10, 0, 1).getTime());
  assert.equal(r.resolve('Dec 31 23:59:59'), new Date(2025, 11, 31, 23, 59, 59).getTime());
  const jan2 = new TimestampResolver(new Date(2027, 0, 2).getTime());
  assert.equal(jan2.resolve('Dec 31 23:00:00'), new Date(2026, 11, 31, 23).getTime());
});

test('apache and nginx error-log dates resolve; nonsense gives undefined', () => {
  const r = new TimestampResolver(ref);
  // FreePBX 15+'s Monolog date
  assert.equal(r.resolve('2025-Mar-14 10:00:00'), new Date(2025, 2, 14, 10, 0, 0).getTime());
  assert.equal(r.resolve('2025-Foo-14 10:00:00'), undefined);
  assert.equal(r.resolve('Tue Mar 16 15:39:29 2010'), new Date(2010, 2, 16, 15, 39, 29).getTime());
  assert.equal(r.resolve('2012/04/09 11:53:29'), new Date(2012, 3, 9, 11, 53, 29).getTime());
  for (const bad of ['', 'Foo 12 10:00:00', '2026-13-45 99:99:99x', 'yesterday']) assert.equal(r.resolve(bad), undefined, bad);
});

test('Asterisk ISO dates resolve exactly, whatever order the minutes come in (the minute cache)', () => {
  const r = new TimestampResolver(ref);
  const p2 = (n: number) => String(n).padStart(2, '0');
  let seed = 7;
  const next = (mod: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % mod;
  for (let i = 0; i < 5000; i++) {
    const [y, mo, d, h, mi, s, ms] = [2000 + next(40), 1 + next(12), 1 + next(28), next(24), next(60), next(60), next(1000)];
    const text = `${y}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(s)}`;
    assert.equal(r.resolve(text), new Date(y, mo - 1, d, h, mi, s).getTime(), text);
    const withMs = `${text}.${String(ms).padStart(3, '0')}`;
    assert.equal(r.resolve(withMs), new Date(y, mo - 1, d, h, mi, s, ms).getTime(), withMs);
  }
  for (const bad of ['2026-11-25 10:00:6x', '2026-11-25 10:0x:01', '2026-11-25 10:00:01.12x']) assert.equal(r.resolve(bad), undefined, bad);
});
