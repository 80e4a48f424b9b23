import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventSource, SecurityEvent, Service } from '../core/events.js';
import { MAX_ADDRESSES, MAX_EXTENSIONS, RunSummary } from './summary.js';
import { renderText } from '../act/report/text.js';

const event = (ip: string, service: Service, source: EventSource, account: string): SecurityEvent => ({
  at: 0,
  source,
  service,
  kind: 'auth_failure',
  ip,
  port: undefined,
  account,
  extension: undefined,
  userAgent: undefined,
  scanner: undefined,
  readings: undefined,
  ruleId: 't/rule',
  file: undefined,
  line: undefined,
});

const byIp = (s: RunSummary) => Object.fromEntries(s.addressCounts());

test('an attempt in both Asterisk logs counts once, attempts in one log only each count', () => {
  const s = new RunSummary();
  // 4 attempts written to both logs, 2 more only to the messages log, 3 from another address only to the security log
  for (let i = 0; i < 4; i++) {
    s.event(event('198.51.100.1', 'pjsip', 'log', '100'));
    s.event(event('198.51.100.1', 'pjsip', 'security-log', '100'));
  }
  s.event(event('198.51.100.1', 'pjsip', 'log', '100'));
  s.event(event('198.51.100.1', 'pjsip', 'log', '100'));
  for (let i = 0; i < 3; i++) s.event(event('203.0.113.7', 'pjsip', 'security-log', '200'));
  assert.deepEqual(byIp(s), { '198.51.100.1': 6, '203.0.113.7': 3 });
  assert.deepEqual([s.attackAttempts, s.attackEvents], [9, 13]);
  assert.deepEqual(Object.fromEntries(s.accountCounts()), { '100': 6, '200': 3 });
  assert.deepEqual(
    s.serviceKindCounts().map((k) => [k.service, k.kind, k.count, k.lines]),
    [['pjsip', 'auth_failure', 9, 13]],
  );
});

test('a wrong password in a web server\'s error log and its access log counts once', () => {
  const s = new RunSummary();
  for (let i = 0; i < 3; i++) {
    s.event(event('198.51.100.3', 'http', 'log', 'admin'));
    s.event(event('198.51.100.3', 'http', 'access-log', 'admin'));
  }
  // a 401 the error log does not name (an application's own Basic auth) is an attempt of its own
  s.event(event('198.51.100.3', 'http', 'access-log', 'admin'));
  assert.deepEqual(byIp(s), { '198.51.100.3': 4 });
  assert.deepEqual([s.attackAttempts, s.attackEvents], [4, 7]);
});

test('a failed login reported as different kinds by the two logs counts once; a call only one log reports adds up', () => {
  const s = new RunSummary();
  for (let i = 0; i < 3; i++) {
    s.event(event('198.51.100.4', 'ami', 'log', 'admin'));
    s.event({ ...event('198.51.100.4', 'ami', 'security-log', 'admin'), kind: 'unknown_account' });
  }
  s.event({ ...event('198.51.100.4', 'sip', 'log', 'x'), kind: 'unknown_extension', account: undefined });
  s.event({ ...event('198.51.100.4', 'sip', 'security-log', '2001') });
  assert.deepEqual(byIp(s), { '198.51.100.4': 5 });
  assert.deepEqual([s.attackAttempts, s.attackEvents], [5, 8]);
});

test('attempts of one address on two services add up, as detection counts them apart', () => {
  const s = new RunSummary();
  for (let i = 0; i < 6; i++) s.event(event('198.51.100.2', 'ssh', 'log', 'root'));
  for (let i = 0; i < 6; i++) s.event(event('198.51.100.2', 'pjsip', 'security-log', '100'));
  assert.deepEqual(byIp(s), { '198.51.100.2': 12 });
  assert.equal(s.attackAttempts, 12);
});

test('without per-address tables (jsonl) every attack line counts', () => {
  const s = new RunSummary(false);
  s.event(event('198.51.100.1', 'pjsip', 'log', '100'));
  s.event(event('198.51.100.1', 'pjsip', 'security-log', '100'));
  assert.deepEqual([s.attackAttempts, s.attackEvents], [2, 2]);
});

test('refused calls are counted per extension dialled, in the per-address tables only', () => {
  const s = new RunSummary();
  const call = (ip: string, extension: string): SecurityEvent => ({ ...event(ip, 'sip', 'log', ''), kind: 'unknown_extension', account: undefined, extension });
  for (const x of ['0097259', '0097259', '011972', '0097259']) s.event(call('198.51.100.1', x));
  s.event(call('203.0.113.7', '011972'));
  assert.deepEqual(RunSummary.top(s.extensions, 10), [
    ['0097259', 3],
    ['011972', 2],
  ]);
  const jsonl = new RunSummary(false);
  jsonl.event(call('198.51.100.1', '0097259'));
  assert.equal(jsonl.extensions.size, 0);
});

test('distinct extensions are kept up to a bound; the rest are counted as dropped', () => {
  const s = new RunSummary();
  const call = (x: string): SecurityEvent => ({ ...event('198.51.100.1', 'sip', 'log', ''), kind: 'unknown_extension', account: undefined, extension: x });
  for (let i = 0; i <= MAX_EXTENSIONS; i++) s.event(call(`00${i}`));
  s.event(call('000'));
  assert.equal(s.extensions.size, MAX_EXTENSIONS);
  assert.equal(s.dropped, 1);
  // one already kept still counts past the bound
  assert.equal(s.extensions.get('000'), 2);
  // a known endpoint's refused call is no attack line: past the bound it is not counted as one
  s.event({ ...call('00x'), kind: 'refused_call' });
  assert.equal(s.dropped, 1);
  assert.equal(s.extensionsCapped, true);
});

test('past the bound of addresses kept, the report says at least, and counts the lines it did not itemise', () => {
  const s = new RunSummary();
  const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  for (let i = 0; i < MAX_ADDRESSES + 3; i++) s.event(event(ip(i), 'ssh', 'log', 'root'));
  assert.equal(s.addresses.size, MAX_ADDRESSES);
  assert.equal(s.dropped, 3);
  assert.equal((s.toJSON() as { addressesCapped: boolean }).addressesCapped, true);
  const text = renderText(s, false);
  assert.match(text, /from at least 100,000 addresses/);
  assert.match(text, /3 attack lines with an address, account or number past the report's memory bound: counted, not itemised/);
  assert.doesNotMatch(renderText(new RunSummary(), false), /at least/);
  // a line past two bounds at once (a new address and a new number) is one line not itemised
  for (let i = 0; i < MAX_EXTENSIONS; i++) s.event({ ...event(ip(0), 'sip', 'log', 'root'), kind: 'unknown_extension', extension: `x${i}` });
  s.event({ ...event('198.51.100.250', 'sip', 'log', 'root'), kind: 'unknown_extension', extension: 'y' });
  assert.equal(s.dropped, 4);
});

test("a known endpoint's refused calls list their numbers but count as no attack", () => {
  const s = new RunSummary();
  s.event({ ...event('198.51.100.77', 'pjsip', 'log', '1001'), kind: 'refused_call', extension: '0097259' });
  assert.deepEqual([s.attackEvents, s.otherEvents, s.addresses.size], [0, 1, 0]);
  assert.deepEqual(RunSummary.top(s.extensions, 10), [['0097259', 1]]);
});
