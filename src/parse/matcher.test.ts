import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope } from './envelope.js';
import { RulePack } from './matcher.js';
import { compileRule } from './rules/compile.js';
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
