import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressSet, normalizeIp } from './ip.js';

test('addresses are validated and put in canonical form', () => {
  assert.equal(normalizeIp('192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeIp('2001:DB8:0:0::1'), '2001:db8::1');
  assert.equal(normalizeIp('::ffff:192.0.2.1'), '192.0.2.1', 'IPv4-mapped IPv6 is unmapped');
  assert.equal(normalizeIp('fe80::1%eth0'), 'fe80::1', 'a zone cannot go in a firewall set');
});

test('names, leading-zero octets and junk are refused, never resolved', () => {
  for (const bad of ['example.com', '192.030.0.6', '1.2.3.4.5', '256.1.1.1', '1.2.3.4:5060', '[::1]', '', ':::', 'x'.repeat(100)]) {
    assert.equal(normalizeIp(bad), undefined, bad);
  }
});

test('an address set matches addresses and networks of both families', () => {
  const s = new AddressSet();
  s.add('10.0.0.0/8');
  s.add('2001:db8::/32');
  s.add('192.0.2.7');
  assert.ok(s.has('10.1.2.3') && s.has('2001:db8:1::5') && s.has('192.0.2.7'));
  assert.ok(!s.has('11.0.0.1') && !s.has('2001:db9::1') && !s.has('192.0.2.8'));
});

test('a bad allowlist entry is refused with the entry named', () => {
  const s = new AddressSet();
  assert.throws(() => s.add('10.0.0.0/33'), /10\.0\.0\.0\/33/);
  assert.throws(() => s.add('office.example'), /office\.example/);
});
