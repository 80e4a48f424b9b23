import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecurityEvent } from '../core/events.js';
import { AttackWindows, DEFAULT_DETECTOR_CONFIG } from './attack-windows.js';

const T0 = Date.UTC(2026, 10, 25, 10);
const ev = (over: Partial<SecurityEvent>): SecurityEvent => ({
  at: T0,
  source: 'log',
  service: 'pjsip',
  kind: 'auth_failure',
  ip: '203.0.113.5',
  account: '1001',
  ruleId: 'test/rule',
  ...over,
});

test('five failures within ten minutes complete a maxretry alert, four do not', () => {
  const w = new AttackWindows();
  for (let i = 0; i < 4; i++) assert.deepEqual(w.observe(ev({ at: T0 + i * 1000 })), []);
  const alerts = w.observe(ev({ at: T0 + 4000 }));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.detector, 'maxretry');
  assert.equal(alerts[0]!.events, 5);
  assert.match(alerts[0]!.reason, /5 failures within 10m/);
});

test("a web login sent on parallel connections is one attempt a second; other services' are each one", () => {
  // a browser back after an idle spell: its stale Digest nonce fails on six parallel requests
  const w = new AttackWindows();
  const stale = Array.from({ length: 6 }, (_, i) => ev({ at: T0 + 100 + i * 50, service: 'http', source: 'access-log', account: 'admin' }));
  assert.deepEqual(stale.flatMap((e) => w.observe(e)), []);
  // a guess a second counts in full; so do a tool's guesses on more connections than a browser
  // opens, in one second (the seventh on is an attempt each: 250 guesses in a second are a ban)
  const b = new AttackWindows();
  const brute = Array.from({ length: 5 }, (_, i) => ev({ at: T0 + i * 1000, service: 'http', source: 'access-log', account: 'admin' }));
  assert.equal(brute.flatMap((e) => b.observe(e)).length, 1);
  const h = new AttackWindows();
  const hydra = Array.from({ length: 10 }, (_, i) => ev({ at: T0 + 5 * i, service: 'http', source: 'access-log', account: 'admin' }));
  assert.deepEqual(
    hydra.map((e) => h.observe(e).length),
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
  );
  const c = new AttackWindows();
  const accounts = Array.from({ length: 5 }, (_, i) => ev({ at: T0, service: 'http', source: 'access-log', account: `user${i % 2}` }));
  assert.equal(accounts.flatMap((e) => c.observe(e)).length, 1);
  // svcrack's guesses at one SIP account in one second are each an attempt
  const s = new AttackWindows();
  assert.equal(Array.from({ length: 5 }, () => s.observe(ev({ at: T0 + 10 }))).flat().length, 1);
});

test('failures older than findtime fall out of the window on event time', () => {
  const w = new AttackWindows();
  for (let i = 0; i < 4; i++) w.observe(ev({ at: T0 + i * 60_000 }));
  // the fifth comes 11 minutes after the first: only four remain in the window
  assert.deepEqual(w.observe(ev({ at: T0 + 11 * 60_000 })), []);
});

test('the messages log and the security log reporting the same attempts are not added up', () => {
  const w = new AttackWindows();
  const out = [];
  for (let i = 0; i < 4; i++) {
    out.push(...w.observe(ev({ at: T0 + i * 1000, source: 'log' })));
    out.push(...w.observe(ev({ at: T0 + i * 1000, source: 'security-log' })));
  }
  assert.deepEqual(out, [], 'four attempts seen twice are still four');
  assert.equal(w.observe(ev({ at: T0 + 5000, source: 'security-log' })).length, 1);
});

test('a web server\'s error log and access log reporting the same wrong passwords are not added up', () => {
  const w = new AttackWindows();
  const out = [];
  for (let i = 0; i < 4; i++) {
    out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'http', source: 'log', account: 'admin' })));
    out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'http', source: 'access-log', account: 'admin' })));
  }
  assert.deepEqual(out, [], 'four wrong passwords in both logs are still four');
  assert.equal(w.observe(ev({ at: T0 + 5000, service: 'http', source: 'access-log', account: 'admin' })).length, 1);
});

test('attempts only one log reports add up with those of the other: refused calls and guessed INVITE passwords', () => {
  const w = new AttackWindows();
  const out = [];
  // chan_sip writes a guest's refused call to the messages log only, an INVITE's wrong password
  // (with an address) to the security log only
  for (let i = 0; i < 2; i++) out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'sip', kind: 'auth_failure', source: 'security-log' })));
  for (let i = 2; i < 4; i++) out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'sip', kind: 'unknown_extension', source: 'log', account: undefined })));
  assert.deepEqual(out, []);
  const [alert] = w.observe(ev({ at: T0 + 4000, service: 'sip', kind: 'unknown_extension', source: 'log', account: undefined }));
  assert.equal(alert?.detector, 'maxretry');
  assert.equal(alert.events, 5);
});

test('a failed login the two logs report as different kinds is still one attempt', () => {
  const w = new AttackWindows();
  const out = [];
  // manager.c: `failed to authenticate as 'x'` in messages, InvalidAccountID in the security log
  for (let i = 0; i < 4; i++) {
    out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'ami', kind: 'auth_failure', source: 'log', account: 'admin' })));
    out.push(...w.observe(ev({ at: T0 + i * 1000, service: 'ami', kind: 'unknown_account', source: 'security-log', account: 'admin' })));
  }
  assert.deepEqual(out, [], 'four logins seen twice are four');
});

test('four distinct accounts from an unknown address are enumeration before maxretry', () => {
  const w = new AttackWindows();
  for (const a of ['100', '101', '102']) assert.deepEqual(w.observe(ev({ account: a, kind: 'unknown_account' })), []);
  const [alert] = w.observe(ev({ account: '103', kind: 'unknown_account' }));
  assert.equal(alert?.detector, 'enumeration');
  assert.deepEqual(alert?.accounts, ['100', '101', '102', '103']);
});

test('an address that logged in is trusted: a mistyping phone is not banned at five failures', () => {
  const w = new AttackWindows();
  assert.deepEqual(w.observe(ev({ kind: 'auth_success', at: T0 - 60_000 })), []);
  for (let i = 0; i < 19; i++) assert.deepEqual(w.observe(ev({ at: T0 + i * 1000 })), [], `failure ${i + 1}`);
  const [alert] = w.observe(ev({ at: T0 + 19_000 }));
  assert.equal(alert?.detector, 'maxretry');
  assert.match(alert.reason, /trusted address/);
});

test('a scanner fingerprint alerts on the first event', () => {
  const w = new AttackWindows();
  const [alert] = w.observe(ev({ scanner: 'sipvicious', kind: 'unknown_account' }));
  assert.equal(alert?.detector, 'scanner');
  assert.match(alert.reason, /sipvicious/);
});

test('a cracked account is reported once per run of failures', () => {
  const w = new AttackWindows();
  for (let i = 0; i < 5; i++) w.observe(ev({ at: T0 + i * 1000, account: '1005' }));
  assert.equal(w.observe(ev({ at: T0 + 6000, kind: 'auth_success', account: '1005' }))[0]?.detector, 'compromise');
  // the same news again: no second alert until a new run of failures
  assert.deepEqual(w.observe(ev({ at: T0 + 7000, kind: 'auth_success', account: '1005' })), []);
  for (let i = 0; i < 5; i++) w.observe(ev({ at: T0 + 8000 + i * 1000, account: '1005' }));
  assert.equal(w.observe(ev({ at: T0 + 14_000, kind: 'auth_success', account: '1005' }))[0]?.detector, 'compromise');
});

test('a login raises the limit for the attempts after it, not for those before it read later', () => {
  // the security log's login at 12:00 read first, then the full log's refused calls of 09:00
  const w = new AttackWindows();
  w.observe(ev({ at: T0 + 3 * 3_600_000, kind: 'auth_success', account: '1001' }));
  const early = Array.from({ length: 5 }, (_, i) => w.observe(ev({ at: T0 + i * 1000, kind: 'unknown_extension', account: 'anonymous' }))).flat();
  assert.deepEqual(
    early.map((a) => a.detector),
    ['maxretry'],
  );
  // after it the office's limit is raised
  const later = Array.from({ length: 5 }, (_, i) => w.observe(ev({ at: T0 + 3 * 3_600_000 + (i + 1) * 1000 }))).flat();
  assert.deepEqual(later, []);
});

test('three typos and a login are no crack, even with a maxretry of three', () => {
  const limits = { default: { maxretry: 3, findtime: 600_000 } };
  const w = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, limits });
  const typos = [0, 1, 2].flatMap((i) => w.observe(ev({ at: T0 + i * 1000, service: 'ssh', account: 'admin' })));
  // the three typos are a ban at that maxretry, the login after them no cracked secret
  assert.deepEqual(
    typos.map((a) => a.detector),
    ['maxretry'],
  );
  assert.deepEqual(w.observe(ev({ at: T0 + 4000, kind: 'auth_success', service: 'ssh', account: 'admin' })), []);
  // five failures and a login are, whatever maxretry says
  const v = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, limits });
  for (let i = 0; i < 5; i++) v.observe(ev({ at: T0 + i * 1000, service: 'ssh', account: 'admin' }));
  assert.equal(v.observe(ev({ at: T0 + 6000, kind: 'auth_success', service: 'ssh', account: 'admin' }))[0]?.detector, 'compromise');
});

test("another account's login after failures is no crack (a second phone behind one office NAT)", () => {
  const w = new AttackWindows();
  for (let i = 0; i < 5; i++) w.observe(ev({ at: T0 + i * 1000, account: '1005' }));
  assert.deepEqual(w.observe(ev({ at: T0 + 5000, kind: 'auth_success', account: '1001' })), []);
});

test('a login after a run of failures is a cracked account and earns no trust', () => {
  const w = new AttackWindows();
  for (let i = 0; i < 5; i++) w.observe(ev({ at: T0 + i, account: '1004' }));
  const [alert] = w.observe(ev({ at: T0 + 10, kind: 'auth_success', account: '1004' }));
  assert.equal(alert?.detector, 'compromise');
  assert.match(alert.reason, /account 1004 logged in after 5 failures/);
  // no trust was granted: a new run of five failures bans at the normal limit
  for (let i = 0; i < 4; i++) assert.deepEqual(w.observe(ev({ at: T0 + 11 * 60_000 + i })), []);
  assert.equal(w.observe(ev({ at: T0 + 11 * 60_000 + 10 })).length, 1);
});

test('a login after fewer failures than ban an address is typing, not a crack', () => {
  const w = new AttackWindows();
  // an admin mistypes four times, then gets in: no alert, and the address earns trust
  for (let i = 0; i < 4; i++) w.observe(ev({ at: T0 + i * 1000, service: 'ssh', account: 'admin' }));
  assert.deepEqual(w.observe(ev({ at: T0 + 5000, kind: 'auth_success', service: 'ssh', account: 'admin' })), []);
  // later, a trusted address needs as many failures as would ban it (twenty) before a login means a crack
  const later = T0 + 20 * 60_000;
  for (let i = 0; i < 19; i++) w.observe(ev({ at: later + i, service: 'ssh', account: 'admin' }));
  assert.deepEqual(w.observe(ev({ at: later + 100, kind: 'auth_success', service: 'ssh', account: 'admin' })), []);
  w.observe(ev({ at: later + 101, service: 'ssh', account: 'admin' }));
  assert.equal(w.observe(ev({ at: later + 102, kind: 'auth_success', service: 'ssh', account: 'admin' }))[0]?.detector, 'compromise');
});

test('ambiguous events and events without an address never count', () => {
  const w = new AttackWindows();
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(w.observe(ev({ kind: 'ambiguous', ip: undefined })), []);
    assert.deepEqual(w.observe(ev({ kind: 'challenge' })), []);
  }
});

test('the number of tracked addresses stays within its bound, forgetting the least recently seen', () => {
  const w = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, maxTrackedAddresses: 100 });
  const four = (ip: string, at: number) => {
    for (let k = 0; k < 4; k++) w.observe(ev({ ip, at }));
  };
  four('203.0.113.1', T0); // seen first, then crowded out
  for (let i = 0; i < 1000; i++) {
    if (i === 960) four('203.0.113.2', T0 + i); // seen recently
    w.observe(ev({ ip: `198.51.${i >> 8}.${i & 255}`, at: T0 + i }));
    assert.ok(w.tracked <= 100, `tracking ${w.tracked}`);
  }
  assert.equal(w.observe(ev({ ip: '203.0.113.2', at: T0 + 1000 })).length, 1, 'the recent attacker was kept');
  assert.equal(w.observe(ev({ ip: '203.0.113.1', at: T0 + 1000 })).length, 0, 'the old one was forgotten');
});

test('per-service limits apply to their service only', () => {
  const w = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, limits: { default: { maxretry: 5, findtime: 600_000 }, ami: { maxretry: 2, findtime: 600_000 } } });
  assert.deepEqual(w.observe(ev({ service: 'ami' })), []);
  assert.equal(w.observe(ev({ service: 'ami' })).length, 1);
  assert.deepEqual(w.observe(ev({ service: 'pjsip', ip: '203.0.113.6' })), []);
});

test('a second log read after the first (security after messages) is not counted with failures still to come', () => {
  const w = new AttackWindows();
  // the messages log: five failures at 10:00
  const fromMessages = [];
  for (let i = 0; i < 5; i++) fromMessages.push(...w.observe(ev({ at: T0 + i * 1000, source: 'log' })));
  assert.equal(fromMessages.length, 1);
  // then the security log of the same night, an hour earlier: one failure is one failure
  assert.deepEqual(w.observe(ev({ at: T0 - 3_600_000, source: 'security-log' })), []);
});

test('a line logged late still completes the window of the lines before it', () => {
  const w = new AttackWindows();
  // a thread logged the attempt of 10:00:03 after the one of 10:00:04
  for (const s of [0, 1, 2, 4]) assert.deepEqual(w.observe(ev({ at: T0 + s * 1000 })), []);
  const [alert] = w.observe(ev({ at: T0 + 3000 }));
  assert.equal(alert?.detector, 'maxretry');
  // the window ends at its latest line: its accounts are all there, and the ban starts then
  assert.deepEqual(alert.accounts, ['1001']);
  assert.equal(alert.at, T0 + 4000);
});

test('a late line judges windows of findtime, never one stretched by the slack', () => {
  const w = new AttackWindows();
  const at = (m: number, s: number) => T0 + m * 60_000 + s * 1000;
  // four accounts over 10m40s, the third one's line logged 50 s late: no 10 minutes hold four
  const seen = [];
  for (const [t, a] of [[at(0, 0), '101'], [at(10, 30), '102'], [at(10, 40), '103'], [at(9, 50), '104']] as const) {
    seen.push(...w.observe(ev({ at: t, kind: 'unknown_account', account: a })));
  }
  assert.deepEqual(seen, []);
  // five failures within ten minutes of the late line's own time still ban, though a later line was read before it
  const v = new AttackWindows();
  for (const t of [at(0, 0), at(0, 1), at(0, 2), at(0, 3), at(10, 40)]) v.observe(ev({ at: t }));
  const [alert] = v.observe(ev({ at: at(9, 59) }));
  assert.equal(alert?.detector, 'maxretry');
  assert.equal(alert.at, at(9, 59));
});

test('a late line completes every window of findtime it falls in, up to the latest line of its log', () => {
  const at = (m: number, s: number) => T0 + m * 60_000 + s * 1000;
  const feed = (w: AttackWindows, lines: Array<[number, string]>) => lines.flatMap(([t, a]) => w.observe(ev({ at: t, account: a })));
  // the only full window ends at a line between the late one and the latest one
  const [mid] = feed(new AttackWindows(), [[at(0, 25), '1'], [at(0, 26), '1'], [at(10, 10), '1'], [at(10, 20), '1'], [at(11, 0), '1'], [at(10, 0), '1']]);
  assert.equal(mid?.detector, 'maxretry');
  assert.equal(mid.at, at(10, 20));
  // four accounts in 30 s, the late one among them: the window with the accounts is judged too
  const [enumeration] = feed(new AttackWindows(), [[at(0, 1), '100'], [at(0, 2), '100'], [at(0, 3), '100'], [at(10, 10), '101'], [at(10, 20), '102'], [at(10, 30), '103'], [at(10, 0), '104']]);
  assert.equal(enumeration?.detector, 'enumeration');
  assert.deepEqual([...enumeration.accounts].sort(), ['101', '102', '103', '104']);
  // an account tried again after the window still counts in it (its first try is inside)
  const [retried] = feed(new AttackWindows(), [[at(0, 10), '101'], [at(0, 11), '102'], [at(0, 12), '103'], [at(10, 50), '101'], [at(10, 0), '104']]);
  assert.equal(retried?.detector, 'enumeration');
  assert.equal(retried.at, at(10, 0));
});

test("an account counts in a window only by a try inside it: the other log's later tries make no enumeration", () => {
  const at = (m: number, s: number) => T0 + m * 60_000 + s * 1000;
  const attempts: Array<[number, string]> = [[at(0, 0), 'a'], [at(0, 1), 'b'], [at(0, 2), 'c'], [at(15, 0), 'd'], [at(30, 0), 'a'], [at(30, 1), 'b'], [at(30, 2), 'c']];
  const w = new AttackWindows();
  // the messages log is read whole before the security log, which reports the same attempts
  const out = [
    ...attempts.flatMap(([t, a]) => w.observe(ev({ at: t, account: a, source: 'log' }))),
    ...attempts.flatMap(([t, a]) => w.observe(ev({ at: t, account: a, source: 'security-log' }))),
  ];
  assert.deepEqual(out, [], 'no ten minutes hold four accounts');
});

test('a window a late line completes after a ban ended is judged, though the late line falls within the ban', () => {
  const w = new AttackWindows();
  const at = (m: number, s: number) => T0 + m * 60_000 + s * 1000;
  for (let i = 0; i < 4; i++) w.observe(ev({ at: at(0, i) }));
  const [first] = w.observe(ev({ at: at(0, 4) }));
  assert.equal(first?.detector, 'maxretry');
  w.quiet('203.0.113.5', at(10, 4));
  for (const t of [at(9, 30), at(10, 10), at(10, 20), at(10, 30)]) assert.deepEqual(w.observe(ev({ at: t })), []);
  const [second] = w.observe(ev({ at: at(10, 0) }));
  assert.equal(second?.detector, 'maxretry');
  assert.equal(second.at, at(10, 30));
});

test('lines out of time order are counted by their times, not by the order read', () => {
  const w = new AttackWindows();
  // rotated logs given newest first: three failures at 11:00, then three at 10:00 (an hour apart)
  const out = [];
  for (let i = 0; i < 3; i++) out.push(...w.observe(ev({ at: T0 + 3_600_000 + i * 1000 })));
  for (let i = 0; i < 3; i++) out.push(...w.observe(ev({ at: T0 + i * 1000 })));
  assert.deepEqual(out, []);
  // two more at 11:00 make five within ten minutes there
  w.observe(ev({ at: T0 + 3_600_000 + 5000 }));
  assert.equal(w.observe(ev({ at: T0 + 3_600_000 + 6000 }))[0]?.detector, 'maxretry');
});

test("refused calls count as attempts, but their caller names are no accounts tried (no enumeration)", () => {
  const w = new AttackWindows();
  const out = [];
  for (const a of ['1001', '1002', '1003', '1004']) out.push(...w.observe(ev({ kind: 'unknown_extension', account: a, extension: '0044' })));
  assert.deepEqual(out, []);
  assert.equal(w.observe(ev({ kind: 'unknown_extension', account: 'anonymous' }))[0]?.detector, 'maxretry');
});

test("the other log's later failures neither stretch a window nor make a login a crack", () => {
  const m = (sec: number) => ev({ at: T0 + sec * 1000, source: 'log' });
  const sec = (t: number) => ev({ at: T0 + t * 1000, source: 'security-log' });
  // replay reads the messages log first: five failures spanning 10m30s, then the same five in the security log
  const w = new AttackWindows();
  const out = [];
  for (const t of [0, 20, 40, 590, 630]) out.push(...w.observe(m(t)));
  for (const t of [0, 20, 40, 590, 630]) out.push(...w.observe(sec(t)));
  assert.deepEqual(out, [], 'five failures over more than ten minutes are no burst, in either log or both');
  // four failures, a login nine minutes later, one more failure after it (a second phone with the old secret)
  const v = new AttackWindows();
  for (const t of [0, 10, 20, 30, 640]) v.observe(m(t));
  assert.deepEqual(v.observe({ ...sec(590), kind: 'auth_success' }), []);
});
