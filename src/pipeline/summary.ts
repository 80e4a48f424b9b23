/** @module Collects what a run saw, bounded in memory, for the replay report. */
import type { Decision, EventKind, EventSource, SecurityEvent, Service } from '../core/events.js';
import { ATTACK_KINDS, SERVICES } from '../core/events.js';
import type { Alert } from '../detect/alerts.js';
import type { PipelineSink } from './pipeline.js';
import { detach } from '../core/detach.js';

const MAX_ADDRESSES = 100_000;
const MAX_ACCOUNTS = 50_000;
const MAX_DECISIONS = 100_000;
/** distinct pairs of readings of ambiguous lines kept for the report */
const MAX_AMBIGUOUS_PAIRS = 1000;
/** accounts kept per address for the report (an enumeration tries hundreds) */
const ACCOUNTS_PER_ADDRESS = 8;

/**
 * Lines counted by the log they came from. Asterisk writes most attempts twice, to its messages log
 * and to its security log, so what is reported is the larger of the two counts, never the sum, as
 * detection counts them (AttackWindows keeps a window per source).
 */
export interface SourceCounts {
  /** lines of the security log */
  security: number;
  /** lines of any other log */
  log: number;
}

/** Attempts: the larger count of the two logs. */
export const attemptsOf = (c: SourceCounts): number => Math.max(c.security, c.log);

/** Lines of both logs. */
export const linesOf = (c: SourceCounts): number => c.security + c.log;

function bump(c: SourceCounts, source: EventSource): void {
  if (source === 'security-log') c.security++;
  else c.log++;
}

/**
 * Per attacking address, kept for the whole run: one small object, because there can be a hundred
 * thousand of them. Arrays and sets per address made this the costliest part of an all-attack
 * replay (about 3 s of 7.4 s, measured by disabling it).
 */
export interface AddressStats extends SourceCounts {
  /** bit i = SERVICES[i] */
  services: number;
  /** the first account, then a list once there are more (up to ACCOUNTS_PER_ADDRESS) */
  accounts: string | string[] | undefined;
  /** more accounts were tried than the list keeps */
  moreAccounts: boolean;
  /** a login succeeded from this address too */
  loggedIn: boolean;
}

const SERVICE_BIT = new Map<Service, number>(SERVICES.map((s, i) => [s, 1 << i]));

export function servicesOf(a: AddressStats): Service[] {
  return SERVICES.filter((_, i) => (a.services & (1 << i)) !== 0);
}

export function accountsOf(a: AddressStats): string[] {
  return a.accounts === undefined ? [] : typeof a.accounts === 'string' ? [a.accounts] : a.accounts;
}

export interface FileStats {
  name: string;
  lines: number;
  bytes: number;
  oversized: number;
  /** lines in a rule's format too long to read, and events dated without a timestamp (ParseNotes) */
  tooLong: number;
  undated: number;
}

export class RunSummary implements PipelineSink {
  /**
   * @param perAddress keep per-address and per-account tables (top lists). Off when nothing will
   *   print them (jsonl output): they were a third of an all-attack replay's time.
   */
  constructor(readonly perAddress = true) {}

  readonly files: FileStats[] = [];
  /** things the reader should know about the run itself (files given out of order) */
  readonly warnings: string[] = [];
  /** service → kind → count; nested so no key string is built per event */
  readonly byServiceKind = new Map<Service, Map<EventKind, SourceCounts>>();
  readonly addresses = new Map<string, AddressStats>();
  /** account → lines naming it (mutable counts, so the last one can be bumped without a lookup) */
  readonly accounts = new Map<string, SourceCounts>();
  private lastIp = '';
  private lastAddress: AddressStats | undefined;
  private lastAccount: string | undefined;
  private lastAccountCount: SourceCounts = { security: 0, log: 0 };
  readonly decisions: Decision[] = [];
  /** attack lines (an attempt written to both logs is two); attempts are `attempts()` */
  attackEvents = 0;
  otherEvents = 0;
  ambiguous = 0;
  /**
   * The two readings of ambiguous lines, with how many lines gave them (bounded): one of the two is
   * usually the sender, the other a forgery in its text, and whoever investigates needs both.
   */
  readonly ambiguousReadings = new Map<string, { readings: [string, string]; lines: number }>();
  /** addresses that logged in before they failed (bounded): their failures then say so */
  private readonly loggedIn = new Set<string>();
  /** allowlisted addresses that would have been banned (bounded) */
  readonly allowlisted = new Set<string>();
  /** addresses or accounts not kept because a bound was reached */
  dropped = 0;
  /** all decisions, also those beyond the MAX_DECISIONS kept for the report */
  bansTotal = 0;
  alertsTotal = 0;
  firstAt = Infinity;
  lastAt = -Infinity;
  elapsedMs = 0;

  get lines(): number {
    return this.files.reduce((n, f) => n + f.lines, 0);
  }

  event(ev: SecurityEvent): void {
    let kinds = this.byServiceKind.get(ev.service);
    if (kinds === undefined) this.byServiceKind.set(ev.service, (kinds = new Map<EventKind, SourceCounts>()));
    let counts = kinds.get(ev.kind);
    if (counts === undefined) kinds.set(ev.kind, (counts = { security: 0, log: 0 }));
    bump(counts, ev.source);
    if (ev.kind === 'ambiguous') {
      this.ambiguous++;
      if (ev.readings !== undefined) this.noteReadings(ev.readings);
      return;
    }
    if (!ATTACK_KINDS.has(ev.kind)) {
      this.otherEvents++;
      // a failing address that also logs in is likely a phone with a stale secret, or a cracked one
      if (ev.kind === 'auth_success' && this.perAddress && ev.ip !== undefined) {
        const a = this.addresses.get(ev.ip);
        if (a !== undefined) a.loggedIn = true;
        else if (this.loggedIn.size < MAX_ADDRESSES) this.loggedIn.add(detach(ev.ip));
      }
      return;
    }
    this.attackEvents++;
    if (ev.at < this.firstAt) this.firstAt = ev.at;
    if (ev.at > this.lastAt) this.lastAt = ev.at;
    if (!this.perAddress) return;
    const ip = ev.ip!;
    // attacks come in bursts: a repeat of the last address or account skips the map
    let a = ip === this.lastIp ? this.lastAddress : this.addresses.get(ip);
    if (a === undefined) {
      if (this.addresses.size >= MAX_ADDRESSES) {
        this.dropped++;
      } else {
        a = { security: 0, log: 0, services: 0, accounts: ev.account !== undefined ? detach(ev.account) : undefined, moreAccounts: false, loggedIn: this.loggedIn.has(ip) };
        this.addresses.set(detach(ip), a);
      }
    }
    if (a !== undefined) {
      bump(a, ev.source);
      this.lastIp = ip;
      this.lastAddress = a;
      a.services |= SERVICE_BIT.get(ev.service)!;
      if (ev.account !== undefined) addAccount(a, ev.account);
    }
    if (ev.account !== undefined) {
      if (ev.account === this.lastAccount) {
        bump(this.lastAccountCount, ev.source);
        return;
      }
      let c = this.accounts.get(ev.account);
      if (c === undefined) {
        if (this.accounts.size >= MAX_ACCOUNTS) {
          this.dropped++;
          return;
        }
        this.accounts.set(detach(ev.account), (c = { security: 0, log: 0 }));
      }
      bump(c, ev.source);
      this.lastAccount = ev.account;
      this.lastAccountCount = c;
    }
  }

  private noteReadings([a, b]: [string, string]): void {
    const key = `${a}\n${b}`;
    const seen = this.ambiguousReadings.get(key);
    if (seen !== undefined) seen.lines++;
    else if (this.ambiguousReadings.size < MAX_AMBIGUOUS_PAIRS) this.ambiguousReadings.set(detach(key), { readings: [detach(a), detach(b)], lines: 1 });
    else this.dropped++;
  }

  /** The readings of ambiguous lines, most frequent first. */
  topAmbiguous(n: number): Array<{ readings: [string, string]; lines: number }> {
    return [...this.ambiguousReadings.values()].sort((x, y) => y.lines - x.lines).slice(0, n);
  }

  decision(d: Decision): void {
    if (d.action === 'ban') this.bansTotal++;
    else this.alertsTotal++;
    if (this.decisions.length < MAX_DECISIONS) this.decisions.push(d);
  }

  suppressed(alert: Alert, why: 'allowlisted' | 'already-banned'): void {
    if (why === 'allowlisted' && this.allowlisted.size < MAX_ADDRESSES) this.allowlisted.add(detach(alert.ip));
  }

  /** The n largest entries of a count map. */
  static top<K>(entries: Iterable<[K, number]>, n: number): Array<[K, number]> {
    return [...entries].sort((a, b) => b[1] - a[1]).slice(0, n);
  }

  /** Attempts per account. */
  accountCounts(): Array<[string, number]> {
    return [...this.accounts].map(([a, c]): [string, number] => [a, attemptsOf(c)]);
  }

  /** Attempts per address. */
  addressCounts(): Array<[string, number]> {
    return [...this.addresses].map(([ip, a]): [string, number] => [ip, attemptsOf(a)]);
  }

  /** Per service and kind: attempts (`count`) and the lines of both logs. */
  serviceKindCounts(): Array<{ service: Service; kind: EventKind; count: number; lines: number }> {
    const out: Array<{ service: Service; kind: EventKind; count: number; lines: number }> = [];
    for (const [service, kinds] of this.byServiceKind) for (const [kind, c] of kinds) out.push({ service, kind, count: attemptsOf(c), lines: linesOf(c) });
    return out.sort((a, b) => b.count - a.count);
  }

  /** Attack attempts: per service and kind, the larger count of the two logs. */
  attempts(): number {
    let n = 0;
    for (const kinds of this.byServiceKind.values()) for (const [kind, c] of kinds) if (ATTACK_KINDS.has(kind)) n += attemptsOf(c);
    return n;
  }

  toJSON(): object {
    return {
      files: this.files,
      warnings: this.warnings,
      lines: this.lines,
      elapsedMs: Math.round(this.elapsedMs),
      attackEvents: this.attackEvents,
      attackAttempts: this.attempts(),
      otherEvents: this.otherEvents,
      ambiguous: this.ambiguous,
      ambiguousReadings: this.topAmbiguous(20),
      byServiceKind: this.serviceKindCounts(),
      firstAttack: Number.isFinite(this.firstAt) ? new Date(this.firstAt).toISOString() : null,
      lastAttack: Number.isFinite(this.lastAt) ? new Date(this.lastAt).toISOString() : null,
      addresses: this.addresses.size,
      topAddresses: RunSummary.top(this.addressCounts(), 20).map(([ip, attempts]) => {
        const a = this.addresses.get(ip)!;
        return { ip, attempts, events: linesOf(a), services: servicesOf(a), accounts: accountsOf(a), moreAccounts: a.moreAccounts, loggedIn: a.loggedIn };
      }),
      topAccounts: RunSummary.top(this.accountCounts(), 20).map(([account, attempts]) => ({ account, attempts, events: linesOf(this.accounts.get(account)!) })),
      bans: this.bansTotal,
      alerts: this.alertsTotal,
      allowlisted: [...this.allowlisted].slice(0, 100),
    };
  }
}

function addAccount(a: AddressStats, account: string): void {
  const acc = a.accounts;
  if (acc === undefined) a.accounts = detach(account);
  else if (typeof acc === 'string') {
    if (acc !== account) a.accounts = [acc, detach(account)];
  } else if (!acc.includes(account)) {
    if (acc.length < ACCOUNTS_PER_ADDRESS) a.accounts = [...acc, detach(account)];
    else a.moreAccounts = true;
  }
}
