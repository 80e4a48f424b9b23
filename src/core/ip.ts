/** @module Address validation and normalisation: the only gate between log text and a ban. */
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Returns the canonical form of an IP address taken from a log, or undefined when it is not one.
 * IPv6 is compressed and lower-cased, an IPv4-mapped IPv6 address becomes plain IPv4, and a zone
 * (`%eth0`) is dropped because a firewall set cannot hold it. IPv4 with leading zeros is refused:
 * `192.030.0.6` may mean octal, and nft and sshd read it differently.
 */
export function normalizeIp(raw: string): string | undefined {
  if (raw.length > 64) return undefined;
  const v = isIP(raw);
  if (v === 4) return raw;
  let addr = raw;
  const pct = addr.indexOf('%');
  if (pct > 0) addr = addr.slice(0, pct);
  if (isIP(addr) !== 6) return undefined;
  const parsed = ipaddr.IPv6.parse(addr);
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  return parsed.toString();
}

/** The family of a normalised address. */
export function ipFamily(ip: string): 'ipv4' | 'ipv6' {
  return ip.includes(':') ? 'ipv6' : 'ipv4';
}

/** A set of addresses and networks (CIDR), for allowlists. Built once, checked per event. */
export class AddressSet {
  private readonly list = new BlockList();
  private readonly entries: string[] = [];

  /** @throws Error naming the entry when it is neither an address nor a CIDR */
  add(entry: string): void {
    const [addrPart, lenPart, ...rest] = entry.trim().split('/');
    const addr = addrPart === undefined ? undefined : normalizeIp(addrPart);
    if (addr === undefined || rest.length > 0) throw new Error(`not an IP address or CIDR network: ${JSON.stringify(entry)}`);
    const family = ipFamily(addr);
    if (lenPart === undefined) {
      this.list.addAddress(addr, family);
    } else {
      const len = /^\d{1,3}$/.test(lenPart) ? Number(lenPart) : NaN;
      const max = family === 'ipv4' ? 32 : 128;
      if (!(len >= 0 && len <= max)) throw new Error(`bad prefix length in ${JSON.stringify(entry)} (0-${max})`);
      this.list.addSubnet(addr, len, family);
    }
    this.entries.push(entry.trim());
  }

  has(ip: string): boolean {
    return this.list.check(ip, ipFamily(ip));
  }

  get size(): number {
    return this.entries.length;
  }

  toJSON(): string[] {
    return [...this.entries];
  }
}
