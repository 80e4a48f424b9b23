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

test('the hand-written IPv6 compression agrees with ipaddr.js on many addresses', async () => {
  const { default: ipaddr } = await import('ipaddr.js');
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, upper) => {
      // many zero groups, so that runs and ties occur
      const g = groups.map((x) => (x % 3 === 0 ? 0 : x));
      let text = g.map((x) => x.toString(16).padStart(upper ? 4 : 1, '0')).join(':');
      if (upper) text = text.toUpperCase();
      const expected = ipaddr.IPv6.parse(text);
      const want = expected.isIPv4MappedAddress() ? expected.toIPv4Address().toString() : expected.toString();
      assert.equal(normalizeIp(text), want, text);
    }),
    { numRuns: 3000 },
  );
  for (const [raw, want] of [
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['1::', '1::'],
    ['::ffff:c000:0201', '192.0.2.1'],
  ]) {
    assert.equal(normalizeIp(raw!), want, raw);
  }
});
