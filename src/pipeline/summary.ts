/** @module Collects what a run saw, bounded in memory, for the replay report. */
import type { Decision, EventKind, SecurityEvent, Service } from '../core/events.js';
import { ATTACK_KINDS } from '../core/events.js';
import type { Alert } from '../detect/alerts.js';
import type { PipelineSink } from './pipeline.js';
import { detach } from '../core/detach.js';

const MAX_ADDRESSES = 100_000;
const MAX_ACCOUNTS = 50_000;
const MAX_DECISIONS = 100_000;
const ACCOUNTS_PER_ADDRESS = 8;

export interface AddressStats {
  events: number;
  /** distinct, in order of first appearance (few: arrays beat sets here) */
  services: Service[];
  accounts: string[];
}

export interface FileStats {
  name: string;
  lines: number;
  bytes: number;
  oversized: number;
}

export class RunSummary implements PipelineSink {
  readonly files: FileStats[] = [];
  /** service → kind → count; nested so no key string is built per event */
  readonly byServiceKind = new Map<Service, Map<EventKind, number>>();
  readonly addresses = new Map<string, AddressStats>();
  readonly accounts = new Map<string, number>();
  readonly decisions: Decision[] = [];
  attackEvents = 0;
  otherEvents = 0;
  ambiguous = 0;
  /** allowlisted addresses that would have been banned (bounded) */
  readonly allowlisted = new Set<string>();
  /** addresses or accounts not kept because a bound was reached */
  dropped = 0;
  decisionsTotal = 0;
  firstAt = Infinity;
  lastAt = -Infinity;
  startedMs = 0;
  elapsedMs = 0;

  get lines(): number {
    return this.files.reduce((n, f) => n + f.lines, 0);
  }

  event(ev: SecurityEvent): void {
    let kinds = this.byServiceKind.get(ev.service);
    if (kinds === undefined) this.byServiceKind.set(ev.service, (kinds = new Map<EventKind, number>()));
    kinds.set(ev.kind, (kinds.get(ev.kind) ?? 0) + 1);
    if (ev.kind === 'ambiguous') {
      this.ambiguous++;
      return;
    }
    if (!ATTACK_KINDS.has(ev.kind)) {
      this.otherEvents++;
      return;
    }
    this.attackEvents++;
    if (ev.at < this.firstAt) this.firstAt = ev.at;
    if (ev.at > this.lastAt) this.lastAt = ev.at;
    const ip = ev.ip!;
    let a = this.addresses.get(ip);
    if (a === undefined) {
      if (this.addresses.size >= MAX_ADDRESSES) {
        this.dropped++;
      } else {
        a = { events: 0, services: [ev.service], accounts: [] };
        this.addresses.set(detach(ip), a);
      }
    }
    if (a !== undefined) {
      a.events++;
      if (a.services[0] !== ev.service && !a.services.includes(ev.service)) a.services.push(ev.service);
      if (ev.account !== undefined && a.accounts.length < ACCOUNTS_PER_ADDRESS && !a.accounts.includes(ev.account)) a.accounts.push(detach(ev.account));
    }
    if (ev.account !== undefined) {
      const n = this.accounts.get(ev.account);
      if (n !== undefined) this.accounts.set(ev.account, n + 1);
      else if (this.accounts.size < MAX_ACCOUNTS) this.accounts.set(detach(ev.account), 1);
      else this.dropped++;
    }
  }

  decision(d: Decision): void {
    this.decisionsTotal++;
    if (this.decisions.length < MAX_DECISIONS) this.decisions.push(d);
  }

  suppressed(alert: Alert, why: 'allowlisted' | 'already-banned'): void {
    if (why === 'allowlisted' && this.allowlisted.size < MAX_ADDRESSES) this.allowlisted.add(alert.ip);
  }

  /** The n largest entries of a count map. */
  static top<K>(entries: Iterable<[K, number]>, n: number): Array<[K, number]> {
    return [...entries].sort((a, b) => b[1] - a[1]).slice(0, n);
  }

  serviceKindCounts(): Array<{ service: Service; kind: EventKind; count: number }> {
    const out: Array<{ service: Service; kind: EventKind; count: number }> = [];
    for (const [service, kinds] of this.byServiceKind) for (const [kind, count] of kinds) out.push({ service, kind, count });
    return out.sort((a, b) => b.count - a.count);
  }

  toJSON(): object {
    return {
      files: this.files,
      lines: this.lines,
      elapsedMs: Math.round(this.elapsedMs),
      attackEvents: this.attackEvents,
      otherEvents: this.otherEvents,
      ambiguous: this.ambiguous,
      byServiceKind: this.serviceKindCounts(),
      firstAttack: Number.isFinite(this.firstAt) ? new Date(this.firstAt).toISOString() : null,
      lastAttack: Number.isFinite(this.lastAt) ? new Date(this.lastAt).toISOString() : null,
      addresses: this.addresses.size,
      topAddresses: RunSummary.top(
        [...this.addresses].map(([ip, a]) => [ip, a.events] as [string, number]),
        20,
      ).map(([ip, events]) => {
        const a = this.addresses.get(ip)!;
        return { ip, events, services: a.services, accounts: a.accounts };
      }),
      topAccounts: RunSummary.top(this.accounts, 20).map(([account, events]) => ({ account, events })),
      bans: this.decisions.filter((d) => d.action === 'ban').length,
      alerts: this.decisions.filter((d) => d.action === 'alert').length,
      allowlisted: [...this.allowlisted].slice(0, 100),
    };
  }
}
