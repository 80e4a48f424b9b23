/**
 * @module Per-address sliding windows over attack events: maxretry within findtime per service,
 * enumeration (many distinct accounts), known scanner tools (at once), and a cracked account
 * (success after failures). Runs on event time, so replay and the daemon decide alike.
 *
 * Trust: an address that authenticated successfully (and not right after a run of failures) gets
 * a higher bar for a while, so one misconfigured phone behind an office NAT cannot get the whole
 * office banned; an unknown address that tries many accounts gets a lower one.
 */
import { ATTACK_KINDS, type EventSource, type SecurityEvent, type Service } from '../core/events.js';
import type { Alert } from './alerts.js';
import { detach } from '../core/detach.js';

export interface WindowLimits {
  /** failures that trigger a ban… */
  maxretry: number;
  /** …within this many ms */
  findtime: number;
}

export interface DetectorConfig {
  /** limits per service; `default` for services without their own */
  limits: Partial<Record<Service, WindowLimits>> & { default: WindowLimits };
  /** distinct accounts tried from one untrusted address within findtime that mean enumeration */
  enumerationAccounts: number;
  /** how much higher the bars are for a trusted address */
  trustFactor: number;
  /** how long a successful login keeps an address trusted (ms) */
  trustTtl: number;
  /** failures within findtime before a success that mean the account was cracked */
  compromiseFailures: number;
  /** addresses tracked at once; the least recently seen are forgotten first */
  maxTrackedAddresses: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  limits: { default: { maxretry: 5, findtime: 10 * 60_000 } },
  enumerationAccounts: 4,
  trustFactor: 4,
  trustTtl: 24 * 3_600_000,
  compromiseFailures: 3,
  maxTrackedAddresses: 100_000,
};

// accounts remembered per address: enough to judge enumeration and to show evidence
const MAX_ACCOUNTS_KEPT = 32;

interface FailureTimes {
  service: Service;
  source: EventSource;
  /** oldest first, at most `cap` */
  times: number[];
}

interface AddressState {
  /** per service and source (usually one or two entries, so a list) */
  failures: FailureTimes[];
  /** account → last time it was tried (failures only) */
  accounts: Map<string, number>;
  trustedUntil: number;
  lastSeen: number;
}

export class AttackWindows {
  private readonly state = new Map<string, AddressState>();
  private readonly cap: number;

  constructor(private readonly cfg: DetectorConfig = DEFAULT_DETECTOR_CONFIG) {
    const maxLimit = Math.max(...Object.values(cfg.limits).map((l) => l.maxretry));
    this.cap = Math.max(maxLimit * cfg.trustFactor, cfg.compromiseFailures);
  }

  /** Number of addresses currently tracked (bounded by maxTrackedAddresses). */
  get tracked(): number {
    return this.state.size;
  }

  /** Feeds one event; returns the alerts it completes (usually none). */
  observe(ev: SecurityEvent): Alert[] {
    const ip = ev.ip;
    if (ip === undefined) return [];
    if (ev.kind === 'auth_success') return this.success(ev, ip);
    if (!ATTACK_KINDS.has(ev.kind)) return [];

    const st = this.touch(ip, ev.at);
    const limits = this.cfg.limits[ev.service] ?? this.cfg.limits.default;
    let own = st.failures.find((f) => f.service === ev.service && f.source === ev.source);
    if (own === undefined) st.failures.push((own = { service: ev.service, source: ev.source, times: [] }));
    const from = ev.at - limits.findtime;
    own.times.push(ev.at);
    if (own.times.length > this.cap) own.times.shift();
    const failures = this.failuresSince(st, ev.service, from);
    if (ev.account !== undefined) this.noteAccount(st, ev.account, ev.at);

    const trusted = st.trustedUntil > ev.at;
    // only a tool's own fingerprint bans at once; other probes (an sshd connection closed before
    // login, a TLS handshake on garbage) also come from health checks, so they are counted
    if (ev.scanner !== undefined) {
      return [this.alert('scanner', ev, failures, this.accountsSince(st, from), `scanner fingerprint "${ev.scanner}"`)];
    }
    const maxretry = trusted ? limits.maxretry * this.cfg.trustFactor : limits.maxretry;
    const enumLimit = trusted ? this.cfg.enumerationAccounts * this.cfg.trustFactor : this.cfg.enumerationAccounts;
    const window = fmtDuration(limits.findtime);
    const accountCount = this.countAccountsSince(st, from);
    if (accountCount >= enumLimit) {
      const why = `${accountCount} different accounts tried within ${window}${trusted ? ' (trusted address)' : ''}`;
      return [this.alert('enumeration', ev, failures, this.accountsSince(st, from), why)];
    }
    if (failures >= maxretry) {
      return [this.alert('maxretry', ev, failures, this.accountsSince(st, from), `${failures} failures within ${window}${trusted ? ' (trusted address, raised limit)' : ''}`)];
    }
    return [];
  }

  private success(ev: SecurityEvent, ip: string): Alert[] {
    const st = this.touch(ip, ev.at);
    const limits = this.cfg.limits[ev.service] ?? this.cfg.limits.default;
    const from = ev.at - limits.findtime;
    const recent = this.failuresSince(st, ev.service, from);
    if (recent >= this.cfg.compromiseFailures) {
      // a success after a run of failures is a cracked secret, not a real phone: no trust
      const accounts = this.accountsSince(st, from);
      const who = ev.account !== undefined ? `account ${ev.account}` : 'an account';
      return [this.alert('compromise', ev, recent, accounts, `${who} logged in after ${recent} failures from this address: the secret is probably cracked`)];
    }
    st.trustedUntil = ev.at + this.cfg.trustTtl;
    return [];
  }

  /**
   * Failures of a service since `from`: the largest count of any one source, because the
   * messages log and the security log each report the same attempts. Drops expired entries.
   */
  private failuresSince(st: AddressState, service: Service, from: number): number {
    let n = 0;
    for (const f of st.failures) {
      if (f.service !== service) continue;
      const times = f.times;
      while (times.length > 0 && times[0]! < from) times.shift();
      if (times.length > n) n = times.length;
    }
    return n;
  }

  private touch(ip: string, at: number): AddressState {
    let st = this.state.get(ip);
    if (st === undefined) {
      if (this.state.size >= this.cfg.maxTrackedAddresses) this.evictOldest();
      st = { failures: [], accounts: new Map(), trustedUntil: 0, lastSeen: at };
      this.state.set(detach(ip), st);
    } else if (at > st.lastSeen) {
      st.lastSeen = at;
    }
    return st;
  }

  /**
   * Forgets the least recently seen tenth of the addresses at once: cheaper than keeping a
   * strict LRU order on every event, and it only runs when the bound is reached.
   */
  private evictOldest(): void {
    const seen = new Float64Array(this.state.size);
    let i = 0;
    for (const st of this.state.values()) seen[i++] = st.lastSeen;
    seen.sort();
    const cutoff = seen[Math.max(0, Math.floor(seen.length / 10) - 1)]!;
    for (const [ip, st] of this.state) {
      if (st.lastSeen <= cutoff) this.state.delete(ip);
    }
  }

  private noteAccount(st: AddressState, account: string, at: number): void {
    if (st.accounts.has(account)) {
      st.accounts.set(account, at);
      return;
    }
    if (st.accounts.size >= MAX_ACCOUNTS_KEPT) {
      let oldest: string | undefined;
      let t = Infinity;
      for (const [a, seen] of st.accounts) if (seen < t) [oldest, t] = [a, seen];
      if (oldest !== undefined) st.accounts.delete(oldest);
    }
    st.accounts.set(detach(account), at);
  }

  private countAccountsSince(st: AddressState, from: number): number {
    let n = 0;
    for (const t of st.accounts.values()) if (t >= from) n++;
    return n;
  }

  private accountsSince(st: AddressState, from: number): string[] {
    const out: string[] = [];
    for (const [a, t] of st.accounts) if (t >= from) out.push(a);
    return out;
  }

  private alert(detector: Alert['detector'], ev: SecurityEvent, events: number, accounts: string[], reason: string): Alert {
    return { detector, ip: ev.ip!, service: ev.service, at: ev.at, events, accounts, reason: `${ev.service}: ${reason}` };
  }
}

/** `600000` → `10m`; for reasons a person reads. */
export function fmtDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
