/** @module Collects what a run saw, bounded in memory, for the replay report. */
import type { Decision, EventKind, SecurityEvent, Service } from '../core/events.js';
import { ATTACK_KINDS, ATTEMPT_CLASS, ATTEMPT_CLASSES, SERVICES } from '../core/events.js';
import type { Alert } from '../detect/alerts.js';
import type { PipelineSink } from './pipeline.js';
import { detach } from '../core/detach.js';

export const MAX_ADDRESSES = 100_000;
const MAX_ACCOUNTS = 50_000;
/** distinct dialled extensions kept for the report */
export const MAX_EXTENSIONS = 50_000;
const MAX_DECISIONS = 100_000;
/** distinct pairs of readings of ambiguous lines kept for the report */
const MAX_AMBIGUOUS_PAIRS = 1000;
/** accounts kept per address for the report (an enumeration tries hundreds) */
const ACCOUNTS_PER_ADDRESS = 8;

/**
 * Attempts and lines of one address or account. Asterisk writes most failed logins twice, to its
 * messages log and to its security log, and a web server a wrong password to its error log and its
 * access log; detection counts each source apart and takes the largest count per class of attempt
 * (AttackWindows keeps a window per service, source and ATTEMPT_CLASS), and so does the report: per
 * service and class, a line is a new attempt only when it makes its source's count the largest.
 */
export interface AttemptCounts {
  attempts: number;
  lines: number;
  /** per service and class of attempt: its key, then the lines of its program's own log and of the other source */
  byKey: number[];
}

const SERVICE_INDEX = new Map<Service, number>(SERVICES.map((s, i) => [s, i]));

/** Counts an event's line; returns whether it is a new attempt. */
function countLine(c: AttemptCounts, ev: SecurityEvent): boolean {
  c.lines++;
  const key = SERVICE_INDEX.get(ev.service)! * ATTEMPT_CLASSES + ATTEMPT_CLASS.get(ev.kind)!;
  const k = c.byKey;
  let i = 0;
  while (i < k.length && k[i] !== key) i += 3;
  if (i === k.length) k.push(key, 0, 0);
  // a service's attempts come from two sources at most: its program's own log, and the security
  // log (Asterisk) or the access log (a web server)
  const own = ev.source === 'log';
  const mine = own ? i + 1 : i + 2;
  const isNew = k[mine]! >= k[own ? i + 2 : i + 1]!;
  k[mine]!++;
  if (isNew) c.attempts++;
  return isNew;
}

const noCounts = (): AttemptCounts => ({ attempts: 0, lines: 0, byKey: [] });

/**
 * Per attacking address, kept for the whole run: one small object and one short array (three numbers
 * per service and kind it was seen with, usually one), because there can be a hundred thousand of
 * them. Sets and longer arrays per address made this the costliest part of an all-attack replay
 * (about 3 s of 7.4 s, measured by disabling it, in session 1); jsonl output keeps none of it.
 */
export interface AddressStats extends AttemptCounts {
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
  /** a gzip file that ends early: its lines up to there were read */
  truncated?: boolean;
  /** lines in a rule's format too long to read, events dated without a timestamp, lines in no known format (ParseNotes) */
  tooLong: number;
  undated: number;
  foreign: number;
  forgeable: number;
}

export class RunSummary implements PipelineSink {
  /**
   * @param perAddress keep per-address and per-account tables (top lists). Off when nothing will
   *   print them (jsonl output): they were a third of an all-attack replay's time.
   */
  constructor(readonly perAddress = true) {}

  readonly files: FileStats[] = [];
  /** things the reader should know about the run itself (files holding the same events, lines out of order) */
  readonly warnings: string[] = [];
  /** how the run went where it is not what the reader may assume (the files read in another order than given) */
  readonly notes: string[] = [];
  /**
   * service → kind → counts, nested so no key string is built per event: attack kinds count
   * attempts (see AttemptCounts) and lines, the other kinds lines only
   */
  readonly byServiceKind = new Map<Service, Map<EventKind, { attempts: number; lines: number }>>();
  readonly addresses = new Map<string, AddressStats>();
  /** account → lines naming it (mutable counts, so the last one can be bumped without a lookup) */
  readonly accounts = new Map<string, AttemptCounts>();
  /** extension → refused calls to it, anonymous or from known endpoints: the numbers toll-fraud probes tried (only the messages log names them) */
  readonly extensions = new Map<string, number>();
  private lastIp = '';
  private lastAddress: AddressStats | undefined;
  private lastAccount: string | undefined;
  private lastAccountCount: AttemptCounts = noCounts();
  readonly decisions: Decision[] = [];
  /** attack lines (an attempt written to both logs is two), and attack attempts (see AttemptCounts) */
  attackEvents = 0;
  attackAttempts = 0;
  otherEvents = 0;
  ambiguous = 0;
  /** events of lines that may be forged (SecurityEvent.forgeable): only counted here */
  forgeable = 0;
  /**
   * The two readings of ambiguous lines, with how many lines gave them (bounded): one of the two is
   * usually the sender, the other a forgery in its text, and whoever investigates needs both.
   */
  readonly ambiguousReadings = new Map<string, { readings: [string, string]; lines: number }>();
  /**
   * Ambiguous lines per reading (bounded): an attacker who varies the forged address in every line
   * leaves many pairs seen once, and the one reading they all share is the sender to look at.
   */
  readonly ambiguousByReading = new Map<string, number>();
  /** addresses that logged in before they failed (bounded): their failures then say so */
  private readonly loggedIn = new Set<string>();
  /** allowlisted addresses that would have been banned (bounded) */
  readonly allowlisted = new Set<string>();
  /** attack lines whose address, account or extension was not kept because a bound was reached */
  dropped = 0;
  /** a table reached its bound: its size is then a lower bound of the distinct values seen */
  addressesCapped = false;
  accountsCapped = false;
  extensionsCapped = false;
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
    // its address may be a forger's choice: no address, account or kind of it is told as an attempt
    if (ev.forgeable === true) {
      this.forgeable++;
      return;
    }
    let kinds = this.byServiceKind.get(ev.service);
    if (kinds === undefined) this.byServiceKind.set(ev.service, (kinds = new Map<EventKind, { attempts: number; lines: number }>()));
    let counts = kinds.get(ev.kind);
    if (counts === undefined) kinds.set(ev.kind, (counts = { attempts: 0, lines: 0 }));
    counts.lines++;
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
      // a known endpoint's refused calls ban nobody, but their numbers are listed: a cracked
      // phone probing for routes shows there
      if (ev.extension !== undefined && this.perAddress) this.noteExtension(ev.extension);
      return;
    }
    this.attackEvents++;
    if (ev.at < this.firstAt) this.firstAt = ev.at;
    if (ev.at > this.lastAt) this.lastAt = ev.at;
    if (!this.perAddress) {
      // no address is tracked (jsonl output, which prints no summary): every line counts
      counts.attempts++;
      this.attackAttempts++;
      return;
    }
    const ip = ev.ip!;
    // attacks come in bursts: a repeat of the last address or account skips the map
    let a = ip === this.lastIp ? this.lastAddress : this.addresses.get(ip);
    // whether something of this line was past a table's bound (the line is counted once)
    let lost = false;
    if (a === undefined) {
      if (this.addresses.size >= MAX_ADDRESSES) {
        lost = true;
        this.addressesCapped = true;
      } else {
        a = { attempts: 0, lines: 0, byKey: [], services: 0, accounts: ev.account !== undefined ? detach(ev.account) : undefined, moreAccounts: false, loggedIn: this.loggedIn.has(ip) };
        this.addresses.set(detach(ip), a);
      }
    }
    // an address past the bound counts every line
    if (a === undefined || countLine(a, ev)) {
      counts.attempts++;
      this.attackAttempts++;
    }
    if (ev.extension !== undefined && !this.noteExtension(ev.extension)) lost = true;
    if (a !== undefined) {
      this.lastIp = ip;
      this.lastAddress = a;
      a.services |= SERVICE_BIT.get(ev.service)!;
      if (ev.account !== undefined) addAccount(a, ev.account);
    }
    if (ev.account !== undefined) {
      if (ev.account === this.lastAccount) {
        countLine(this.lastAccountCount, ev);
      } else {
        let c = this.accounts.get(ev.account);
        if (c === undefined && this.accounts.size < MAX_ACCOUNTS) this.accounts.set(detach(ev.account), (c = noCounts()));
        if (c !== undefined) {
          countLine(c, ev);
          this.lastAccount = ev.account;
          this.lastAccountCount = c;
        } else {
          lost = true;
          this.accountsCapped = true;
        }
      }
    }
    if (lost) this.dropped++;
  }

  /** Counts a refused call's number; false when it is new and the table is full. */
  private noteExtension(extension: string): boolean {
    const n = this.extensions.get(extension);
    if (n !== undefined) this.extensions.set(extension, n + 1);
    else if (this.extensions.size < MAX_EXTENSIONS) this.extensions.set(detach(extension), 1);
    else {
      this.extensionsCapped = true;
      return false;
    }
    return true;
  }

  private noteReadings([a, b]: [string, string]): void {
    for (const r of a === b ? [a] : [a, b]) {
      const n = this.ambiguousByReading.get(r);
      if (n !== undefined) this.ambiguousByReading.set(r, n + 1);
      else if (this.ambiguousByReading.size < MAX_AMBIGUOUS_PAIRS) this.ambiguousByReading.set(detach(r), 1);
    }
    const key = `${a}\n${b}`;
    const seen = this.ambiguousReadings.get(key);
    if (seen !== undefined) seen.lines++;
    // past the bound, new pairs are left out (the count of ambiguous lines still has them)
    else if (this.ambiguousReadings.size < MAX_AMBIGUOUS_PAIRS) this.ambiguousReadings.set(detach(key), { readings: [detach(a), detach(b)], lines: 1 });
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
    return [...this.accounts].map(([a, c]): [string, number] => [a, c.attempts]);
  }

  /** Attempts per address. */
  addressCounts(): Array<[string, number]> {
    return [...this.addresses].map(([ip, a]): [string, number] => [ip, a.attempts]);
  }

  /** Per service and kind: attempts for attack kinds, lines for the others (`count`), and lines. */
  serviceKindCounts(): Array<{ service: Service; kind: EventKind; count: number; lines: number }> {
    const out: Array<{ service: Service; kind: EventKind; count: number; lines: number }> = [];
    for (const [service, kinds] of this.byServiceKind) {
      for (const [kind, c] of kinds) out.push({ service, kind, count: ATTACK_KINDS.has(kind) ? c.attempts : c.lines, lines: c.lines });
    }
    return out.sort((a, b) => b.count - a.count);
  }

  toJSON(): object {
    return {
      files: this.files,
      warnings: this.warnings,
      notes: this.notes,
      lines: this.lines,
      elapsedMs: Math.round(this.elapsedMs),
      attackEvents: this.attackEvents,
      attackAttempts: this.attackAttempts,
      otherEvents: this.otherEvents,
      ambiguous: this.ambiguous,
      forgeable: this.forgeable,
      ambiguousReadings: this.topAmbiguous(20),
      ambiguousByReading: RunSummary.top(this.ambiguousByReading, 10).map(([reading, lines]) => ({ reading, lines })),
      byServiceKind: this.serviceKindCounts(),
      firstAttack: Number.isFinite(this.firstAt) ? new Date(this.firstAt).toISOString() : null,
      lastAttack: Number.isFinite(this.lastAt) ? new Date(this.lastAt).toISOString() : null,
      addresses: this.addresses.size,
      addressesCapped: this.addressesCapped,
      topAddresses: RunSummary.top(this.addressCounts(), 20).map(([ip, attempts]) => {
        const a = this.addresses.get(ip)!;
        return { ip, attempts, events: a.lines, services: servicesOf(a), accounts: accountsOf(a), moreAccounts: a.moreAccounts, loggedIn: a.loggedIn };
      }),
      accountsCapped: this.accountsCapped,
      topAccounts: RunSummary.top(this.accountCounts(), 20).map(([account, attempts]) => ({ account, attempts, events: this.accounts.get(account)!.lines })),
      extensions: this.extensions.size,
      extensionsCapped: this.extensionsCapped,
      topExtensions: RunSummary.top(this.extensions, 20).map(([extension, calls]) => ({ extension, calls })),
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
