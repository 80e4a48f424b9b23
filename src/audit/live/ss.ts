/** @module Reads the listening sockets from `ss -H -lntu` text. */

export interface Listener {
  proto: 'tcp' | 'udp';
  /** the bound address without brackets; `*`, `0.0.0.0` and `::` mean every address */
  address: string;
  port: number;
}

export function parseSs(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const net = cols[0]!.toLowerCase();
    if (net !== 'tcp' && net !== 'udp') continue;
    const local = cols[4]!;
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    const port = Number(local.slice(colon + 1));
    if (!Number.isInteger(port) || port < 0 || port > 65535) continue;
    // `0.0.0.0%eth0` is bound to one interface; keep the interface name visible
    const address = local.slice(0, colon).replace(/^\[|\]$/g, '');
    out.push({ proto: net, address, port });
  }
  return out;
}

export function isWildcard(address: string): boolean {
  return address === '*' || address === '0.0.0.0' || address === '::' || address === '::ffff:0.0.0.0';
}
