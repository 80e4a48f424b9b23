/** @module Asterisk ACL evaluation: default allow, last match wins, named ACLs, negation, undefined names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRules, judgeAcl, onlyLoopback, parseRule } from './acl.js';
import type { ConfSection } from './conf/model.js';

function section(lines: [string, string][]): ConfSection {
  return { name: 's', at: { file: 'x.conf', line: 1 }, isTemplate: false, inherits: [], entries: lines.map(([name, value], i) => ({ name, value, object: false, at: { file: 'x.conf', line: i + 2 } })) };
}
const rule = (allow: boolean, v: string) => parseRule(allow, v)!;

void test('masks may be written as prefix lengths or dotted quads, and bad ones are refused', () => {
  assert.deepEqual(rule(true, '10.0.0.0/255.0.0.0').net[1], 8);
  assert.deepEqual(rule(true, '10.0.0.0/8').net[1], 8);
  assert.equal(rule(true, '10.0.0.1').net[1], 32);
  assert.equal(parseRule(true, '10.0.0.0/33'), undefined);
  assert.equal(parseRule(true, 'example.com'), undefined);
});

void test('addresses are allowed by default and the last matching rule decides', () => {
  assert.equal(applyRules([], '45.95.147.10'), true);
  const lan = [rule(false, '0.0.0.0/0.0.0.0'), rule(true, '192.168.10.0/24')];
  assert.equal(applyRules(lan, '45.95.147.10'), false);
  assert.equal(applyRules(lan, '192.168.10.7'), true);
  assert.equal(applyRules([rule(true, '192.168.10.0/24'), rule(false, '0.0.0.0/0')], '192.168.10.7'), false, 'a later deny wins');
  assert.equal(applyRules([rule(false, '!192.168.10.0/24')], '45.95.147.10'), false, 'negated network');
  assert.equal(applyRules([rule(false, '0.0.0.0/0')], '2001:db8::1'), true, 'an IPv4 rule never matches IPv6');
});

void test('permit lines without a deny confine nothing, and the evidence says why', () => {
  const v = judgeAcl(section([['permit', '192.168.10.0/255.255.255.0']]), new Map());
  assert.equal(v.open, true);
  assert.match(v.detail, /without a deny/);
  assert.equal(judgeAcl(section([['deny', '0.0.0.0/0.0.0.0'], ['permit', '192.168.10.0/24']]), new Map()).open, false);
});

void test('named ACLs must all allow, and a name acl.conf does not define lets nobody in', () => {
  const named = new Map([
    ['lan', [rule(false, '0.0.0.0/0'), rule(true, '192.168.10.0/24')]],
    ['open', [rule(true, '10.0.0.0/8')]],
  ]);
  assert.equal(judgeAcl(section([['acl', 'open']]), named).open, true);
  assert.equal(judgeAcl(section([['acl', 'open,lan']]), named).open, false);
  assert.equal(judgeAcl(section([['acl', 'undefinedacl']]), named).open, false);
  assert.equal(judgeAcl(section([['contact_acl', 'lan']]), named, 'contact_').open, false);
  assert.equal(judgeAcl(section([['contact_acl', 'lan']]), named).open, true, 'a contact ACL does not limit calls');
});

void test('only-loopback needs every permitted network to be loopback', () => {
  assert.equal(onlyLoopback(section([['deny', '0.0.0.0/0.0.0.0'], ['permit', '127.0.0.1/255.255.255.255']]), new Map()), true);
  assert.equal(onlyLoopback(section([['deny', '0.0.0.0/0.0.0.0'], ['permit', '192.168.10.0/24']]), new Map()), false);
  assert.equal(onlyLoopback(section([['permit', '127.0.0.1']]), new Map()), false, 'permit alone lets everyone in');
});

void test('IPv4-mapped IPv6 sources meet IPv4 rules, native IPv6 sources only IPv6 rules', () => {
  const v4only = [rule(false, '0.0.0.0/0'), rule(true, '192.168.10.0/24')];
  assert.equal(applyRules(v4only, '::ffff:45.95.147.10'), false);
  assert.equal(applyRules(v4only, '2a0e:97c0:3e3::10'), true);
  assert.equal(applyRules([...v4only, rule(false, '::/0')], '2a0e:97c0:3e3::10'), false);
});
