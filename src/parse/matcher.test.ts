import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope } from './envelope.js';
import { RulePack } from './matcher.js';
import { compileRule, MAX_MULTI_ANY_INPUT } from './rules/compile.js';
import type { RuleDef } from './rules/schema.js';

const rule = (id: string, pattern: string): RuleDef => ({
  id,
  log: 'asterisk',
  files: ['test.c'],
  service: 'sip',
  kind: 'auth_failure',
  prefilter: 'login failed',
  patterns: [pattern],
  samples: [{ line: 'x', expect: 'none' }],
});

const ctx = { at: 0 };
const line = (msg: string) => parseEnvelope(`[2026-11-25 10:00:00] NOTICE[1] test.c: ${msg}`);

test('a line that two rules read with different addresses is ambiguous, whichever rule comes first', () => {
  const a = compileRule(rule('t/user-last', '^login failed from {IP} for user {ANY:account}$'), 'a.yaml');
  const b = compileRule(rule('t/user-first', '^login failed from {ANY:account} for user {IP}$'), 'b.yaml');
  for (const pack of [new RulePack([a, b]), new RulePack([b, a])]) {
    const r = pack.match(line('login failed from 198.51.100.1 for user 203.0.113.9'), ctx);
    assert.equal(r.status, 'ambiguous');
    if (r.status === 'ambiguous') assert.equal(r.event.ip, undefined);
  }
});

test('two rules that agree on the address give a plain event', () => {
  const a = compileRule(rule('t/one', '^login failed from {IP} for user {ANY:account}$'), 'a.yaml');
  const b = compileRule(rule('t/two', '^login failed from {IP}(?: for user {ANY})?$'), 'b.yaml');
  const r = new RulePack([a, b]).match(line('login failed from 198.51.100.1 for user bob'), ctx);
  assert.equal(r.status, 'event');
  if (r.status === 'event') assert.equal(r.event.ip, '198.51.100.1');
});

test('a rule whose literal lead has a char from 128 up (a latin1-decoded log) is still tried', () => {
  // written as the byte it is in a latin1 log (a literal É is refused: see compile.ts checkShape)
  const fr = compileRule({ ...rule('t/fr', String.raw`^\xC9chec de connexion pour {IP}$`), prefilter: 'chec' }, 'fr.yaml');
  const en = compileRule({ ...rule('t/en', '^Failed login for {IP}$'), prefilter: 'Failed' }, 'en.yaml');
  const pack = new RulePack([en, fr]);
  const r = pack.match(line('\u00c9chec de connexion pour 203.0.113.5'), ctx);
  assert.equal(r.status, 'event');
  if (r.status === 'event') assert.equal(r.event.ip, '203.0.113.5');
  assert.equal(pack.match(line('Failed login for 203.0.113.6'), ctx).status, 'event');
});

test('a pattern written with escapes such as \\x27 still matches its lines', () => {
  // the literal-end check once read `\x27` as the text "27" and skipped every line; it is a quote
  const r = compileRule({ ...rule('t/hex', String.raw`^{IP} failed to authenticate as \x27{ANY:account}\x27$`), prefilter: 'failed to' }, 'hex.yaml');
  assert.equal(r.tail, "'");
  const m = new RulePack([r]).match(line("198.51.100.4 failed to authenticate as 'admin'"), ctx);
  assert.equal(m.status, 'event');
  if (m.status === 'event') assert.deepEqual([m.event.ip, m.event.account], ['198.51.100.4', 'admin']);
});

test('a line too long for a later rule that may read it is not trusted with a ban', () => {
  // the second rule has two {ANY} spans, so it is not run on lines over MAX_MULTI_ANY_INPUT: padding
  // a line must not silence the check that another reading names another address
  const a = compileRule(rule('t/one-any', '^login failed from {IP} for user {ANY:account}$'), 'a.yaml');
  const b = compileRule(rule('t/two-any', '^login failed from {ANY} for user {ANY} at {IP}$'), 'b.yaml');
  const pack = new RulePack([a, b]);
  const short = pack.match(line('login failed from 198.51.100.1 for user bob'), ctx);
  assert.equal(short.status, 'event');
  const padded = pack.match(line(`login failed from 198.51.100.1 for user ${'x'.repeat(MAX_MULTI_ANY_INPUT)} at 203.0.113.9`), ctx);
  assert.equal(padded.status, 'ambiguous');
  if (padded.status === 'ambiguous') assert.match(padded.candidates[1], /not checked: line too long/);
});

test('a rule whose patterns read one line two ways gives an ambiguous line, as two rules would', () => {
  const two = compileRule(
    { ...rule('t/two-patterns', '^Blocked {IP} {ANY:account}$'), prefilter: 'Blocked', patterns: ['^Blocked {IP} {ANY:account}$', '^Blocked {ANY:account} from {IP}$'] },
    'two.yaml',
  );
  const r = new RulePack([two]).match(line('Blocked 203.0.113.66 x from 198.51.100.26'), ctx);
  assert.equal(r.status, 'ambiguous');
  if (r.status === 'ambiguous') assert.deepEqual(r.candidates, ['203.0.113.66', '198.51.100.26']);
  // one reading only: an event
  const one = new RulePack([two]).match(line('Blocked 198.51.100.26 bob'), ctx);
  assert.equal(one.status, 'event');
});

test('attacker text written as a wildcard instead of {ANY} is checked for a second address too', () => {
  const lazy = compileRule({ ...rule('t/lazy', "^Toll try by (?<account>.+?) from {IP_PORT} to .*$"), prefilter: 'Toll try' }, 'lazy.yaml');
  const r = new RulePack([lazy]).match(line('Toll try by x from 203.0.113.66:5060 to 1 from 198.51.100.26:5060 to 00972'), ctx);
  assert.equal(r.status, 'ambiguous');
  assert.equal(new RulePack([lazy]).match(line('Toll try by 100 from 198.51.100.26:5060 to 00972'), ctx).status, 'event');
});

test('a bounded field before the address is checked for a second address as a wildcard is', () => {
  const bounded = compileRule({ ...rule('t/bounded', '^Bad user .{1,64} from {IP}(?: port \\d{1,5})?(?:: .{0,200})?$'), prefilter: 'Bad user' }, 'b.yaml');
  const r = new RulePack([bounded]).match(line('Bad user x from 203.0.113.66 port 1: y from 198.51.100.7 port 22'), ctx);
  assert.equal(r.status, 'ambiguous');
});

test('a later pattern that reads the same address is still checked for another reading of its own', () => {
  const two = compileRule(
    {
      ...rule('t/later', '^user {ANY:account} from {IP} port \\d{1,5}(?: .*)?$'),
      prefilter: 'user',
      patterns: ['^user {ANY:account} from {IP} port \\d{1,5}(?: .*)?$', '^user {ANY:account} from {IP}(?: .*)?$'],
    },
    'later.yaml',
  );
  const r = new RulePack([two]).match(line('user x from 203.0.113.66 port 5 from 198.51.100.7'), ctx);
  assert.equal(r.status, 'ambiguous');
});

test('an optional or repeated part before the address cannot hide a second reading', () => {
  // the attacker's text after the real address brings the fake one; the part before the address
  // can swallow the real address and its anchor (found by a review: each gave the fake address)
  const cases: Array<[string, string]> = [
    ['^login:(?: (?<account>\\S+))? {IP} {ANY}$', 'login: 198.51.100.1 203.0.113.9 hello'],
    ['^login:(?: (?<account>\\S{1,32}))? {IP} {ANY}$', 'login: 198.51.100.1 203.0.113.9 hello'],
    ['^sent by(?: \\S+)* {IP} {ANY}$', 'sent by 198.51.100.1 203.0.113.9 x'],
    ['^(?:\\[(?<account>[\\w.-]{1,32})\\] )?\\[{IP}\\] {ANY}$', '[198.51.100.1] [203.0.113.9] hi'],
  ];
  for (const [pattern, text] of cases) {
    const r = new RulePack([compileRule({ ...rule('t/opt', pattern), prefilter: '' }, 'opt.yaml')]).match(line(text), ctx);
    assert.equal(r.status, 'ambiguous', `${pattern} on ${text}`);
  }
});

test('attacker text kept in an event is cut at 128 chars on a character boundary, its UTF-8 restored', () => {
  const r = compileRule({ ...rule('t/call', "^call to '{ANY:extension}' from {IP}$"), prefilter: 'call to' }, 'c.yaml');
  const pack = new RulePack([r]);
  const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const extensionOfBytes = (bytes: string): string | undefined => {
    const m = pack.match(line(`call to '${bytes}' from 198.51.100.4`), { at: 0, latin1: true });
    return m.status === 'event' ? m.event.extension : 'no event';
  };
  const extensionOf = (x: string) => extensionOfBytes(latin1(x));
  assert.equal(extensionOf('Müller'), 'Müller');
  // the euro sign's three bytes straddle the 128th: the whole character goes, not half of it
  assert.equal(extensionOf('x'.repeat(127) + '€€'), 'x'.repeat(127));
  assert.equal(extensionOf('x'.repeat(126) + '€€'), 'x'.repeat(126));
  assert.equal(extensionOf('x'.repeat(125) + '€€'), 'x'.repeat(125) + '€');
  assert.equal(extensionOf('y'.repeat(300)), 'y'.repeat(128));
  // continuation bytes with no lead (no UTF-8): cut where the bound is
  assert.equal(extensionOfBytes('\u0080'.repeat(200)), '\ufffd'.repeat(128));
});
