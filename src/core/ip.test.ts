import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressSet, isCanonicalIpv6, normalizeIp } from './ip.js';

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

test('an IPv6 network holds no IPv4 address, and an IPv4 one no IPv6 address', () => {
  const s = new AddressSet();
  s.add('::/0');
  assert.ok(s.has('2001:db8::5') && !s.has('192.0.2.9') && !s.has('10.1.1.5'));
  const t = new AddressSet();
  t.add('0.0.0.0/0');
  assert.ok(t.has('192.0.2.9') && !t.has('2001:db8::5') && !t.has('::1'));
});

test('an IPv4-mapped network is the IPv4 network it maps', () => {
  const s = new AddressSet();
  s.add('::ffff:198.51.100.0/120');
  assert.ok(s.has('198.51.100.77') && !s.has('198.51.101.1'));
  assert.throws(() => s.add('::ffff:198.51.100.0/64'), /96-128, an IPv4-mapped network/);
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
    ['::ffff:c000:201', '192.0.2.1'],
  ]) {
    assert.equal(normalizeIp(raw!), want, raw);
  }
});

test('IPv6 text already in canonical form is taken as it is, and any other form is still rewritten', async () => {
  const { default: ipaddr } = await import('ipaddr.js');
  const fc = (await import('fast-check')).default;
  // groups with many zeros (runs and ties), written canonically or in one of the non-canonical ways
  // a logger might use; ipaddr.js says what each text must become
  const forms = ['canonical', 'full', 'leading-zeros', 'upper', 'short-run', 'later-tie', 'single-zero', 'zero-before-gap', 'zero-after-gap'] as const;
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.constantFrom(...forms), (groups, form) => {
      const g = groups.map((x) => (x % 2 === 0 ? 0 : x));
      const parsed = ipaddr.IPv6.parse(g.map((x) => x.toString(16)).join(':'));
      const want = parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().toString() : parsed.toString();
      const text = writeIpv6(g, form);
      if (text === undefined) return;
      assert.equal(normalizeIp(text), want, `${form}: ${text}`);
      // the one-pass check takes exactly the canonical texts (an IPv4-mapped one is written as IPv4)
      assert.equal(isCanonicalIpv6(text), text === want, `${form}: ${text}`);
    }),
    { numRuns: 20000 },
  );
  for (const bad of ['1:2:3:4:5:6:7::8', '1::2::3', ':1::2', '1::2:', '12345::1', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '::01']) {
    if (bad === '::01') assert.equal(normalizeIp(bad), '::1', bad);
    else assert.equal(normalizeIp(bad), undefined, bad);
  }
});

/** Groups as text in one form; undefined when that form does not apply to them. */
function writeIpv6(g: number[], form: string): string | undefined {
  const hex = g.map((x) => x.toString(16));
  // zero runs of two or more: [start, length], in order
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i >= 2) runs.push([i, j - i]);
    i = j > i ? j : i + 1;
  }
  const squeeze = (run: [number, number] | undefined): string => {
    if (run === undefined) return hex.join(':');
    return `${hex.slice(0, run[0]).join(':')}::${hex.slice(run[0] + run[1]).join(':')}`;
  };
  const longest = runs.reduce<[number, number] | undefined>((best, r) => (best === undefined || r[1] > best[1] ? r : best), undefined);
  switch (form) {
    case 'canonical':
      return squeeze(longest);
    case 'full':
      return hex.join(':');
    case 'leading-zeros':
      return squeeze(longest).replace(/(^|:)([0-9a-f]{1,3})(?=:|$)/, (_m, pre: string, h: string) => `${pre}0${h}`);
    case 'upper':
      return /[a-f]/.test(squeeze(longest)) ? squeeze(longest).toUpperCase() : undefined;
    case 'short-run': {
      const other = runs.find((r) => r !== longest && r[1] < longest![1]);
      return other === undefined ? undefined : squeeze(other);
    }
    case 'later-tie': {
      const other = runs.find((r) => r !== longest && r[1] === longest![1]);
      return other === undefined ? undefined : squeeze(other);
    }
    case 'zero-before-gap':
    case 'zero-after-gap': {
      // the longest run squeezed but for one of its zeros
      if (longest === undefined || longest[1] < 3) return undefined;
      const [at, len] = longest;
      const part: [number, number] = form === 'zero-before-gap' ? [at + 1, len - 1] : [at, len - 1];
      return `${hex.slice(0, part[0]).join(':')}::${hex.slice(part[0] + part[1]).join(':')}`;
    }
    case 'single-zero': {
      const at = g.findIndex((x, i) => x === 0 && g[i - 1] !== 0 && g[i + 1] !== 0);
      return at < 0 ? undefined : `${hex.slice(0, at).join(':')}::${hex.slice(at + 1).join(':')}`;
    }
  }
  return undefined;
}
