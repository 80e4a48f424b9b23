/**
 * @module Decides from a firewall ruleset (nft JSON or iptables-save text) whether a new packet from any address reaches a port.
 * Rules with conditions that a stranger's packet need not meet (source address, interface, conntrack state, sets) are skipped:
 * they cannot be what stops an arbitrary attacker.
 */

export interface PortRule {
  proto?: 'tcp' | 'udp';
  /** undefined: any port */
  ports?: number[];
  /** true when the rule has a condition an arbitrary new packet may not meet */
  constrained: boolean;
  verdict: 'accept' | 'drop' | 'other';
}

export interface InputChain {
  policy: 'accept' | 'drop';
  rules: PortRule[];
}

/** True when a new packet from anywhere to proto/port is accepted by every chain (all input chains must pass it). */
export function reachableFromAnywhere(chains: InputChain[], proto: 'tcp' | 'udp', port: number): boolean {
  return chains.every((chain) => {
    for (const r of chain.rules) {
      if (r.constrained) continue;
      if (r.proto && r.proto !== proto) continue;
      if (r.ports && !r.ports.includes(port)) continue;
      if (r.verdict === 'accept') return true;
      if (r.verdict === 'drop') return false;
    }
    return chain.policy === 'accept';
  });
}

function portList(v: unknown): number[] | undefined {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => portList(x) ?? []);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('set' in o) return portList(o.set);
    if (Array.isArray(o.range) && o.range.length === 2) {
      const [a, b] = o.range as [number, number];
      const out: number[] = [];
      for (let p = a; p <= b && out.length < 70000; p++) out.push(p);
      return out;
    }
  }
  return undefined;
}

/** Reads `nft -j list ruleset`: every base chain hooked on input, with its rules in order. */
export function parseNftJson(text: string): InputChain[] {
  const doc = JSON.parse(text) as { nftables?: Record<string, unknown>[] };
  const items = doc.nftables ?? [];
  const chains = new Map<string, InputChain>();
  for (const item of items) {
    const c = item.chain as { family: string; table: string; name: string; hook?: string; policy?: string } | undefined;
    if (c && c.hook === 'input') chains.set(`${c.family}/${c.table}/${c.name}`, { policy: c.policy === 'drop' ? 'drop' : 'accept', rules: [] });
  }
  for (const item of items) {
    const r = item.rule as { family: string; table: string; chain: string; expr?: Record<string, unknown>[] } | undefined;
    const chain = r && chains.get(`${r.family}/${r.table}/${r.chain}`);
    if (!r || !chain) continue;
    const rule: PortRule = { constrained: false, verdict: 'other' };
    for (const e of r.expr ?? []) {
      if ('accept' in e) rule.verdict = 'accept';
      else if ('drop' in e || 'reject' in e) rule.verdict = 'drop';
      else if ('match' in e) {
        const m = e.match as { left?: Record<string, unknown>; right?: unknown; op?: string };
        const payload = m.left?.payload as { protocol?: string; field?: string } | undefined;
        if (payload && (payload.protocol === 'tcp' || payload.protocol === 'udp') && payload.field === 'dport' && (m.op === '==' || m.op === 'in')) {
          rule.proto = payload.protocol;
          rule.ports = portList(m.right);
          if (!rule.ports) rule.constrained = true;
        } else if (m.left && 'meta' in m.left && (m.left.meta as { key?: string }).key === 'l4proto' && typeof m.right === 'string' && (m.right === 'tcp' || m.right === 'udp')) {
          rule.proto = m.right;
        } else rule.constrained = true;
      } else if ('counter' in e || 'log' in e || 'comment' in e) continue;
      else if ('jump' in e || 'goto' in e) rule.verdict = 'other';
      else rule.constrained = true;
    }
    chain.rules.push(rule);
  }
  return [...chains.values()];
}

/** Reads the filter table's INPUT chain from `iptables-save` (or `ip6tables-save`) text. */
export function parseIptablesSave(text: string): InputChain[] {
  let inFilter = false;
  const chain: InputChain = { policy: 'accept', rules: [] };
  let seen = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) inFilter = line === '*filter';
    if (!inFilter) continue;
    const pol = /^:INPUT\s+(\S+)/.exec(line);
    if (pol) {
      chain.policy = pol[1] === 'DROP' || pol[1] === 'REJECT' ? 'drop' : 'accept';
      seen = true;
      continue;
    }
    if (!line.startsWith('-A INPUT ')) continue;
    const args = line.split(/\s+/).slice(2);
    const rule: PortRule = { constrained: false, verdict: 'other' };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const v = args[i + 1] ?? '';
      if (a === '-p' || a === '--protocol') {
        if (v === 'tcp' || v === 'udp') rule.proto = v;
        else if (v !== 'all') rule.constrained = true;
        i++;
      } else if (a === '--dport' || a === '--destination-port' || a === '--dports' || a === '--destination-ports') {
        rule.ports = v.split(',').flatMap((p) => {
          const [lo, hi] = p.split(':').map(Number);
          if (lo === undefined || !Number.isInteger(lo)) return [];
          const out: number[] = [];
          for (let x = lo; x <= (hi ?? lo) && out.length < 70000; x++) out.push(x);
          return out;
        });
        i++;
      } else if (a === '-j' || a === '--jump') {
        rule.verdict = v === 'ACCEPT' ? 'accept' : v === 'DROP' || v === 'REJECT' ? 'drop' : 'other';
        i++;
      } else if (a === '-m') {
        if (v !== 'tcp' && v !== 'udp' && v !== 'multiport' && v !== 'comment') rule.constrained = true;
        i++;
      } else if (a === '--comment') {
        i++;
      } else if (a.startsWith('-')) {
        rule.constrained = true; // -s, -i, --state, --ctstate, !, …
      }
    }
    chain.rules.push(rule);
  }
  return seen ? [chain] : [];
}
