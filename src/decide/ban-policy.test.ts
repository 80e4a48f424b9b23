import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressSet } from '../core/ip.js';
import type { Decision } from '../core/events.js';
import type { Alert } from '../detect/alerts.js';
import { BanPolicy, DEFAULT_BAN_POLICY } from './ban-policy.js';

const T0 = Date.UTC(2026, 10, 25, 10);
const alert = (over: Partial<Alert> = {}): Alert => ({
  detector: 'maxretry',
  ip: '203.0.113.5',
  service: 'pjsip',
  at: T0,
  events: 5,
  accounts: ['1001'],
  reason: 'pjsip: 5 failures within 10m',
  ...over,
});

function bans(p: BanPolicy, a: Alert) {
  const out = p.decide(a);
  return out.kind === 'decisions' ? out.decisions : [];
}

test('a first offence is banned for the configured bantime with the reason kept', () => {
  const [d] = bans(new BanPolicy(), alert());
  assert.equal(d?.action, 'ban');
  assert.equal(d?.until, T0 + DEFAULT_BAN_POLICY.bantime);
  assert.equal(d?.reason, 'pjsip: 5 failures within 10m');
});

test('an allowlisted network is never banned', () => {
  const allow = new AddressSet();
  allow.add('203.0.113.0/24');
  const p = new BanPolicy({ ...DEFAULT_BAN_POLICY, allowlist: allow });
  assert.equal(p.decide(alert()).kind, 'allowlisted');
  assert.equal(p.decide(alert({ ip: '2001:db8::1' })).kind, 'decisions');
});

test('a scanner is banned for at least the bantime given, however long that is', () => {
  const p = new BanPolicy({ ...DEFAULT_BAN_POLICY, bantime: 2 * 86_400_000 });
  const [scan] = bans(p, alert({ detector: 'scanner' }));
  assert.equal(scan?.until, T0 + 2 * 86_400_000);
  const [plain] = bans(new BanPolicy(), alert({ detector: 'scanner' }));
  assert.equal(plain?.until, T0 + DEFAULT_BAN_POLICY.severeBantime);
});

test('loopback addresses are never banned, with or without an allowlist', () => {
  const p = new BanPolicy();
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1']) assert.equal(p.decide(alert({ ip })).kind, 'allowlisted', ip);
  assert.equal(p.decide(alert({ ip: '128.0.0.1' })).kind, 'decisions');
});

test('a cracked account on an allowlisted network is still an alert, only not banned', () => {
  const allow = new AddressSet();
  allow.add('203.0.113.0/24');
  const p = new BanPolicy({ ...DEFAULT_BAN_POLICY, allowlist: allow });
  const out = bans(p, alert({ detector: 'compromise', reason: 'pjsip: account 1001 logged in after 8 failures' }));
  assert.deepEqual(
    out.map((d) => d.action),
    ['alert'],
  );
  assert.match(out[0]!.reason, /logged in after 8 failures \(allowlisted address: not banned\)/);
});

test('an address is not banned again while its ban runs', () => {
  const p = new BanPolicy();
  bans(p, alert());
  assert.equal(p.decide(alert({ at: T0 + 60_000 })).kind, 'already-banned');
});

test('repeat offenders get longer bans and finally a permanent one', () => {
  const p = new BanPolicy();
  const lengths: Array<number | 'permanent'> = [];
  let at = T0;
  for (let i = 0; i < 5; i++) {
    const [d] = bans(p, alert({ at }));
    lengths.push(d!.permanent ? 'permanent' : d!.until! - at);
    at = d!.permanent ? at : d!.until! + 1;
  }
  const h = 3_600_000;
  assert.deepEqual(lengths, [h, 4 * h, 16 * h, 64 * h, 256 * h]);
  // as the report shows them: days past one
  assert.deepEqual(
    lengths.map((l) => BanPolicy.describeLength({ at: 0, until: l, permanent: false } as Decision)),
    ['1h', '4h', '16h', '2d16h', '10d16h'],
  );
  assert.equal(BanPolicy.describeLength({ at: 0, until: 49.5 * h, permanent: false } as Decision), '2d1h30m');
  assert.equal(BanPolicy.describeLength({ at: 0, until: 24.5 * h, permanent: false } as Decision), '1d30m');
  const [last] = bans(p, alert({ at }));
  assert.equal(last?.permanent, true, '1024h is 42 days, past the 30-day maximum: permanent');
  assert.equal(last?.until, undefined);
});

test('a first ban lasts what was asked, even past the maximum; forever is permanent from the first', () => {
  const d = 86_400_000;
  const long = new BanPolicy({ ...DEFAULT_BAN_POLICY, bantime: 31 * d });
  const [first] = bans(long, alert());
  assert.equal(first!.until! - first!.at, 31 * d);
  const [second] = bans(long, alert({ at: first!.until! + 1 }));
  assert.equal(second!.permanent, true);
  const [forever] = bans(new BanPolicy({ ...DEFAULT_BAN_POLICY, bantime: Infinity }), alert());
  assert.deepEqual([forever!.permanent, forever!.until], [true, undefined]);
  // a ban is remembered for 30 days from its end, then forgotten
  const p = new BanPolicy();
  const [one] = bans(p, alert());
  const [two] = bans(p, alert({ at: one!.until! + 29 * d }));
  assert.equal(two!.until! - two!.at, 4 * DEFAULT_BAN_POLICY.bantime);
  const [three] = bans(p, alert({ at: two!.until! + 31 * d }));
  assert.equal(three!.until! - three!.at, DEFAULT_BAN_POLICY.bantime);
});

test('a cracked account found while its address is banned lengthens the ban and raises an alert', () => {
  const p = new BanPolicy();
  bans(p, alert());
  const out = p.decide(alert({ detector: 'compromise', at: T0 + 1000, reason: 'pjsip: account 1004 logged in after 8 failures' }));
  assert.equal(out.kind, 'decisions');
  const ds = out.kind === 'decisions' ? out.decisions : [];
  assert.deepEqual(
    ds.map((d) => d.action),
    ['alert', 'ban'],
  );
  assert.equal(ds[1]!.until, T0 + 1000 + DEFAULT_BAN_POLICY.severeBantime);
  // a later maxretry alert does not shorten it
  assert.equal(p.decide(alert({ at: T0 + 2000 })).kind, 'already-banned');
});
