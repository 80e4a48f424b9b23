/** @module Address validation and normalisation: the only gate between log text and a ban. */
import { BlockList, isIP } from 'node:net';
import type IpAddr from 'ipaddr.js';
import { requireCommonJs } from './commonjs.js';
import { detach } from './detach.js';

/**
 * Returns the canonical form of an IP address taken from a log, or undefined when it is not one.
 * IPv6 is compressed and lower-cased, an IPv4-mapped IPv6 address becomes plain IPv4, and a zone
 * (`%eth0`) is dropped because a firewall set cannot hold it. IPv4 with leading zeros is refused:
 * `192.030.0.6` may mean octal, and nft and sshd read it differently. Text already in canonical
 * form is returned as it is: it may share memory with the line it was cut from (`detach` to keep it).
 */
export function normalizeIp(raw: string): string | undefined {
  if (raw.length > 64) return undefined;
  if (isCanonicalIpv4(raw) || isCanonicalIpv6(raw)) return raw;
  // IPv6 validation and parsing are the costly part (ipaddr.js): attackers repeat themselves, so
  // remember answers; the cache holds only text isIP has seen
  const known = v6Cache.get(raw);
  if (known !== undefined) return known === '' ? undefined : known;
  if (isIP(raw) === 4) return raw;
  const canonical = canonicalIpv6(raw);
  if (v6Cache.size >= V6_CACHE_MAX) v6Cache.clear();
  v6Cache.set(detach(raw), canonical ?? '');
  return canonical;
}

// attack logs hold tens of thousands of IPv6 sources (24k in the 1M-line benchmark log)
const V6_CACHE_MAX = 65_536;
const v6Cache = new Map<string, string>();

/** Dotted quad, four decimal octets 0-255 without leading zeros: the form every logger writes. */
function isCanonicalIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let dots = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

/**
 * Whether `s` is already the RFC 5952 text of an IPv6 address (what inet_ntop writes) and not an
 * IPv4-mapped one: then it is its own canonical form, found in one pass instead of a cache lookup
 * (which cost ~500 ns an event on the all-attack log: the table outgrows the CPU caches).
 */
export function isCanonicalIpv6(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 39) return false;
  // a leading colon is the start of `::`
  if (s.charCodeAt(0) === 0x3a && s.charCodeAt(1) !== 0x3a) return false;
  let groups = 0;
  /** explicit groups before `::` (-1: none yet) */
  let gap = -1;
  /** the explicit zero groups just read, and the longest such run before and after `::` */
  let run = 0;
  let longestBefore = 0;
  let longestAfter = 0;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    gap = 0;
    i = 2;
  }
  while (i < n) {
    // a group: 1-4 lower-case hex digits, no leading zero
    const first = i;
    let zero = true;
    for (; i < n && i - first < 4; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x3a) break;
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
      if (c !== 0x30) zero = false;
    }
    if (i === first || (s.charCodeAt(first) === 0x30 && i - first > 1)) return false;
    groups++;
    if (zero) {
      // a zero group next to `::` belongs in it
      if (gap >= 0 && gap === groups - 1) return false;
      run++;
    } else {
      if (gap < 0) longestBefore = Math.max(longestBefore, run);
      else longestAfter = Math.max(longestAfter, run);
      run = 0;
    }
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (s.charCodeAt(i) === 0x3a) {
      if (gap >= 0 || run > 0) return false;
      gap = groups;
      i++;
    } else if (i === n) {
      return false;
    }
  }
  if (gap < 0) return groups === 8 && Math.max(longestBefore, run) < 2;
  // `::` stands for the longest run of two or more zero groups, the first one on a tie
  const compressed = 8 - groups;
  // ::ffff:a:b is IPv4-mapped, written as IPv4: left to the full path
  if (gap === 0 && groups === 3 && s.startsWith('::ffff:')) return false;
  return compressed >= 2 && longestBefore < compressed && Math.max(longestAfter, run) <= compressed;
}

/** ipaddr.js, loaded when first needed: only IPv6 with an embedded IPv4 part goes to it */
let ipaddr: typeof IpAddr | undefined;
function ipaddrLib(): typeof IpAddr {
  return (ipaddr ??= requireCommonJs('ipaddr.js') as typeof IpAddr);
}

function canonicalIpv6(raw: string): string | undefined {
  let addr = raw;
  const pct = addr.indexOf('%');
  if (pct > 0) addr = addr.slice(0, pct);
  if (isIP(addr) !== 6) return undefined;
  if (!addr.includes('.')) return compressIpv6(addr);
  const parsed = ipaddrLib().IPv6.parse(addr);
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  return parsed.toString();
}

/**
 * RFC 5952 text of a valid IPv6 address without an embedded IPv4 part: lower case, no leading
 * zeros, the longest run (two or more) of zero groups as `::`, the first run on a tie.
 */
function compressIpv6(addr: string): string {
  const lower = addr.toLowerCase();
  const dbl = lower.indexOf('::');
  let groups: number[];
  if (dbl < 0) {
    groups = lower.split(':').map((h) => parseInt(h, 16));
  } else {
    const head = dbl === 0 ? [] : lower.slice(0, dbl).split(':').map((h) => parseInt(h, 16));
    const tail = dbl + 2 === lower.length ? [] : lower.slice(dbl + 2).split(':').map((h) => parseInt(h, 16));
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  if (groups.length === 4 + 4 && groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    // ::ffff:a.b.c.d written in hex groups is still IPv4-mapped
    const [g6, g7] = [groups[6]!, groups[7]!];
    return `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += groups[i]!.toString(16);
  }
  return out;
}

/** The family of a normalised address. */
export function ipFamily(ip: string): 'ipv4' | 'ipv6' {
  return ip.includes(':') ? 'ipv6' : 'ipv4';
}

/** A set of addresses and networks (CIDR), for allowlists. Built once, checked per event. */
export class AddressSet {
  // one list per family: a BlockList checks an IPv4 address against its IPv6 networks too (as
  // ::ffff:a.b.c.d), so `::/0` would have allowed every IPv4 address; mapped addresses and networks
  // are unmapped before they get here
  private readonly v4 = new BlockList();
  private readonly v6 = new BlockList();
  private readonly entries: string[] = [];

  /** @throws Error naming the entry when it is neither an address nor a CIDR */
  add(entry: string): void {
    const [addrPart, lenPart, ...rest] = entry.trim().split('/');
    const addr = addrPart === undefined ? undefined : normalizeIp(addrPart);
    if (addr === undefined || rest.length > 0) throw new Error(`not an IP address or CIDR network: ${JSON.stringify(entry)}`);
    const family = ipFamily(addr);
    const list = family === 'ipv4' ? this.v4 : this.v6;
    if (lenPart === undefined) {
      list.addAddress(addr, family);
    } else {
      const len = /^\d{1,3}$/.test(lenPart) ? Number(lenPart) : NaN;
      // an IPv4-mapped network (::ffff:192.0.2.0/120) is the IPv4 one its last 32 bits give, as
      // its addresses are compared unmapped
      const mapped = family === 'ipv4' && addrPart!.includes(':');
      const [min, max] = mapped ? [96, 128] : family === 'ipv4' ? [0, 32] : [0, 128];
      if (!(len >= min && len <= max)) throw new Error(`bad prefix length in ${JSON.stringify(entry)} (${min}-${max}${mapped ? ', an IPv4-mapped network' : ''})`);
      list.addSubnet(addr, mapped ? len - 96 : len, family);
    }
    this.entries.push(entry.trim());
  }

  has(ip: string): boolean {
    return ipFamily(ip) === 'ipv4' ? this.v4.check(ip, 'ipv4') : this.v6.check(ip, 'ipv6');
  }

  get size(): number {
    return this.entries.length;
  }

}
