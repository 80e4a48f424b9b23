/**
 * @module Per-address sliding windows over attack events: maxretry within findtime per service,
 * enumeration (many distinct accounts), known scanner tools (at once), and a cracked account
 * (success after failures). Runs on event time, so replay and the daemon decide alike.
 *
 * Trust: an address that authenticated successfully (and not right after a run of failures) gets
 * a higher bar for a while, so one misconfigured phone behind an office NAT cannot get the whole
 * office banned; an unknown address that tries many accounts gets a lower one.
 */
import { ATTACK_KINDS, ATTEMPT_CLASS, ATTEMPT_CLASSES, SERVICES, type EventSource, type SecurityEvent, type Service } from '../core/events.js';
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
  /** addresses tracked at once; the least recently seen are forgotten first */
  maxTrackedAddresses: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  limits: { default: { maxretry: 5, findtime: 10 * 60_000 } },
  enumerationAccounts: 4,
  trustFactor: 4,
  trustTtl: 24 * 3_600_000,
  maxTrackedAddresses: 100_000,
};

const NO_ALERTS: Alert[] = [];
/**
 * How far after an event a failure of its own log may lie and still end a window the event is
 * judged in: a log's lines are not strictly in time order (a thread logs late, by up to a minute;
 * see RotationOrder), and a line that comes late must still complete the windows of the lines
 * logged before it. Each window is findtime long. The other log of the pair gives no ends (read
 * before this one in replay, its later lines are all in), and a login none (failures after it say
 * nothing of how it got in).
 */
const LATE_LINE_SLACK = 60_000;
// New addresses between two sweeps of expired state: at least SWEEP_MIN, and half the tracked
// count, so a sweep costs O(1) per new address. Frequent sweeps let the state of a one-off address
// die young (most addresses of a spread-out attack are seen once per findtime); state kept through
// two young-generation collections is promoted, and a 16k period gave 190-230 MB peak RSS instead
// of 138 MB on the all-attack benchmark, and 10% more time.
const SWEEP_MIN = 1024;
// shared by every fresh state, replaced (never written) on first use: most addresses fail once
const NO_FAILURES: FailureTimes[] = [];
const NO_ACCOUNTS: string[] = [];
const NO_TIMES: number[] = [];

// accounts remembered per address: enough to judge enumeration and to show evidence
const MAX_ACCOUNTS_KEPT = 32;

interface FailureTimes {
  service: Service;
  source: EventSource;
  /** ATTEMPT_CLASS of its events' kind */
  cls: number;
  /** oldest first, at most `cap` */
  times: number[];
  /** the account and second of the last one, and how many with both in a row (see PARALLEL_LOGINS) */
  lastAccount: string | undefined;
  lastSecond: number;
  sameSecond: number;
}

/**
 * Services whose clients send one login on several connections at once: a browser loading a page's
 * parts in parallel with a wrong cached password, or with a Digest nonce gone stale while it sat
 * idle (Apache answers each with a 401, and logs the stale nonce at info level only). Up to
 * BROWSER_CONNECTIONS failures with the same account in the same second are one attempt; each one
 * more is an attempt of its own, so a tool guessing on many connections still counts in full.
 */
const PARALLEL_LOGINS: ReadonlySet<Service> = new Set<Service>(['http']);
/** Whether a login made the address trusted at `at` (AddressState.trustedFrom). */
function trustedAt(st: AddressState, at: number): boolean {
  return st.trustedFrom <= at && at < st.trustedUntil;
}

/** failures before a login, at the least, that make it a cracked secret (the default maxretry) */
const CRACK_MIN_FAILURES = 5;
/** connections a browser opens to one host at once (HTTP/1.1) */
const BROWSER_CONNECTIONS = 6;

interface AddressState {
  /** per service, source and class of attempt (usually one or two entries, so a list) */
  failures: FailureTimes[];
  /** accounts tried (failures only), when first and when last, as parallel arrays: most addresses
   *  try one or two, and there can be a hundred thousand addresses, so no Map per address */
  accounts: string[];
  accountFirst: number[];
  accountTimes: number[];
  /**
   * a login made the address trusted from then until then: only for attempts at those times, since
   * files are read one after the other, and a login read before the failures of the hours before it
   * must not raise their limit
   */
  trustedFrom: number;
  trustedUntil: number;
  /** a ban runs until then: events are still counted, but no alert is built for them */
  quietUntil: number;
  lastSeen: number;
  /** when a cracked account was last reported for this address: its run of failures is told once */
  compromisedAt: number;
}

export class AttackWindows {
  private state = new Map<string, AddressState>();
  private readonly cap: number;
  private readonly longestFindtime: number;
  private readonly limitsByService: Map<Service, WindowLimits>;
  private createdSinceSweep = 0;
  private lastIp = '';
  private lastState: AddressState | undefined;
  /** scratch for failuresSince and failuresAfter: the largest count of a source, per class */
  private readonly mostOfClass = new Int32Array(ATTEMPT_CLASSES);

  constructor(private readonly cfg: DetectorConfig = DEFAULT_DETECTOR_CONFIG) {
    const limits = Object.values(cfg.limits);
    this.cap = Math.max(...limits.map((l) => l.maxretry)) * cfg.trustFactor;
    this.longestFindtime = Math.max(...limits.map((l) => l.findtime));
    this.limitsByService = new Map(SERVICES.map((s) => [s, cfg.limits[s] ?? cfg.limits.default]));
  }

  /** Number of addresses currently tracked (bounded by maxTrackedAddresses). */
  get tracked(): number {
    return this.state.size;
  }

  /** Feeds one event; returns the alerts it completes (usually none). */
  observe(ev: SecurityEvent): Alert[] {
    const ip = ev.ip;
    if (ip === undefined) return NO_ALERTS;
    if (ev.kind === 'auth_success') return this.success(ev, ip);
    if (!ATTACK_KINDS.has(ev.kind)) return NO_ALERTS;

    const st = this.touch(ip, ev.at);
    const limits = this.limitsOf(ev.service);
    const cls = ATTEMPT_CLASS.get(ev.kind)!;
    let own: FailureTimes | undefined;
    for (const f of st.failures) if (f.service === ev.service && f.source === ev.source && f.cls === cls) own = f;
    const from = ev.at - limits.findtime;
    const second = Math.floor(ev.at / 1000);
    if (own === undefined) {
      // exact-size arrays: a pushed-to empty array reserves 17 slots, and most addresses are seen once
      const entry: FailureTimes = { service: ev.service, source: ev.source, cls, times: [ev.at], lastAccount: ev.account, lastSecond: second, sameSecond: 1 };
      st.failures = st.failures.length === 0 ? [entry] : [...st.failures, entry];
    } else {
      const again = own.lastSecond === second && own.lastAccount === ev.account && ev.account !== undefined;
      own.sameSecond = again ? own.sameSecond + 1 : 1;
      own.lastAccount = ev.account;
      own.lastSecond = second;
      if (again && own.sameSecond <= BROWSER_CONNECTIONS && PARALLEL_LOGINS.has(ev.service)) return NO_ALERTS;
      own.times.push(ev.at);
      if (own.times.length > this.cap) own.times.shift();
    }
    // a refused call's account is the caller's own name (`anonymous`), not a guess at one
    if (ev.account !== undefined && ev.kind !== 'unknown_extension') this.noteAccount(st, ev.account, ev.at);

    const trusted = trustedAt(st, ev.at);
    // only a tool's own fingerprint bans at once; other probes (an sshd connection closed before
    // login, a TLS handshake on garbage) also come from health checks, so they are counted
    if (ev.scanner !== undefined) {
      if (ev.at < st.quietUntil) return NO_ALERTS;
      return [this.alert('scanner', ev, this.failuresSince(st, ev.service, from, ev.at), this.accountsSince(st, from, ev.at), `scanner fingerprint "${ev.scanner}"`)];
    }
    const maxretry = trusted ? limits.maxretry * this.cfg.trustFactor : limits.maxretry;
    const enumLimit = trusted ? this.cfg.enumerationAccounts * this.cfg.trustFactor : this.cfg.enumerationAccounts;
    // the window of findtime that ends at this line; and when it comes late (a thread logged it up
    // to a minute after lines of its log already read), each window it completes, ending at one of
    // those later lines, earliest first (none when this is the address's latest event: the usual
    // case). Windows that end while a ban runs are not judged.
    const ends = ev.at < st.lastSeen ? laterOwnTimes(st.failures, ev.service, ev.source, Math.max(ev.at, st.quietUntil - 1), ev.at + LATE_LINE_SLACK) : NO_TIMES;
    for (let i = ev.at < st.quietUntil ? 0 : -1; i < ends.length; i++) {
      const end = i < 0 ? ev.at : ends[i]!;
      const start = end - limits.findtime;
      // fewer accounts kept than the limit: no window can hold enough (most addresses try one or two)
      const accountCount = st.accounts.length < enumLimit ? 0 : this.countAccountsSince(st, start, end);
      if (accountCount >= enumLimit) {
        const why = `${accountCount} different accounts tried within ${fmtDuration(limits.findtime)}${trusted ? ' (trusted address)' : ''}`;
        return [this.alert('enumeration', ev, this.failuresSince(st, ev.service, start, end), this.accountsSince(st, start, end), why, end)];
      }
      const failures = this.failuresSince(st, ev.service, start, end);
      if (failures >= maxretry) {
        const why = `${failures} ${failures === 1 ? 'failure' : 'failures'} within ${fmtDuration(limits.findtime)}${trusted ? ' (trusted address, raised limit)' : ''}`;
        return [this.alert('maxretry', ev, failures, this.accountsSince(st, start, end), why, end)];
      }
    }
    return NO_ALERTS;
  }

  /** A service's limits; a Map of the known services, since a keyed read of the config object was megamorphic per event. */
  private limitsOf(service: Service): WindowLimits {
    return this.limitsByService.get(service) ?? this.cfg.limits.default;
  }

  private success(ev: SecurityEvent, ip: string): Alert[] {
    const st = this.touch(ip, ev.at);
    const limits = this.limitsOf(ev.service);
    const from = ev.at - limits.findtime;
    const recent = this.failuresSince(st, ev.service, from, ev.at);
    // a success after as many failures as ban an address (maxretry, raised for a trusted one) is a
    // cracked secret, not a real phone: no trust, and an alert, once per run (more logins after it
    // are the same news). Fewer are a person's typos or a phone's secret being fixed, and another
    // account's login (a second phone behind one office NAT) is an ordinary success.
    // at least CRACK_MIN_FAILURES whatever maxretry says: three typos and a login are a person (a
    // maxretry of 3, common in fail2ban jails, called that a cracked secret and banned the office)
    const maxretry = Math.max(limits.maxretry * (trustedAt(st, ev.at) ? this.cfg.trustFactor : 1), CRACK_MIN_FAILURES);
    if (recent >= maxretry && this.failedAs(st, ev.account, from)) {
      const fresh = st.compromisedAt < from ? recent : this.failuresAfter(st, ev.service, st.compromisedAt, ev.at);
      if (fresh < maxretry) return NO_ALERTS;
      st.compromisedAt = ev.at;
      const accounts = this.accountsSince(st, from, ev.at);
      const who = ev.account !== undefined ? `account ${ev.account}` : 'an account';
      return [this.alert('compromise', ev, recent, accounts, `${who} logged in after ${recent} failures from this address: the secret is probably cracked`)];
    }
    // a login inside a trust already running keeps its start; one outside it (before, when read
    // late) starts it there
    if (!trustedAt(st, ev.at)) st.trustedFrom = ev.at;
    st.trustedUntil = Math.max(st.trustedUntil, ev.at + this.cfg.trustTtl);
    return NO_ALERTS;
  }

  /**
   * No alerts for this address until `until` (its ban runs; a firewall would keep it out). Its
   * events still count, so a success after the run of failures is still seen as a cracked account.
   */
  quiet(ip: string, until: number): void {
    const st = this.state.get(ip);
    if (st !== undefined && until > st.quietUntil) st.quietUntil = until;
  }

  /**
   * Failures of a service from `from` to `to`: per class of attempt (ATTEMPT_CLASS) the largest
   * count of any one source, because the messages log and the security log each report the same
   * failed logins, and the classes added up. Every kept time is looked at (at most `cap` of them),
   * since lines need not come in time order: a rotated log given newest first or a clock set back
   * an hour is no burst. Times after `to` are not counted: a source read earlier (messages before
   * security in replay) holds attempts that have not happened yet at this event's time.
   */
  private failuresSince(st: AddressState, service: Service, from: number, to: number): number {
    const most = this.mostOfClass.fill(0);
    for (const f of st.failures) {
      if (f.service !== service) continue;
      const times = f.times;
      let inWindow = 0;
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        if (t >= from && t <= to) inWindow++;
      }
      if (inWindow > most[f.cls]!) most[f.cls] = inWindow;
    }
    return sum(most);
  }

  /** Failures of a service after `after` up to `to` (counted as failuresSince counts), without dropping any. */
  private failuresAfter(st: AddressState, service: Service, after: number, to: number): number {
    const most = this.mostOfClass.fill(0);
    for (const f of st.failures) {
      if (f.service !== service) continue;
      let k = 0;
      for (const t of f.times) if (t > after && t <= to) k++;
      if (k > most[f.cls]!) most[f.cls] = k;
    }
    return sum(most);
  }

  /** Whether `account` is one the failures since `from` tried (or they named none, or it is unknown). */
  private failedAs(st: AddressState, account: string | undefined, from: number): boolean {
    if (account === undefined) return true;
    let named = false;
    for (let i = 0; i < st.accounts.length; i++) {
      if (st.accountTimes[i]! < from) continue;
      if (st.accounts[i] === account) return true;
      named = true;
    }
    return !named;
  }

  private touch(ip: string, at: number): AddressState {
    // attacks come in bursts from one address: skip the map for a repeat of the last one
    let st = ip === this.lastIp ? this.lastState : this.state.get(ip);
    if (st === undefined) {
      if (++this.createdSinceSweep >= SWEEP_MIN && this.createdSinceSweep >= this.state.size >> 1) this.sweep(at);
      if (this.state.size >= this.cfg.maxTrackedAddresses) this.evictOldest();
      st = { failures: NO_FAILURES, accounts: NO_ACCOUNTS, accountFirst: NO_TIMES, accountTimes: NO_TIMES, trustedFrom: Infinity, trustedUntil: 0, quietUntil: 0, lastSeen: at, compromisedAt: -Infinity };
      this.state.set(detach(ip), st);
    } else if (at > st.lastSeen) {
      st.lastSeen = at;
    }
    this.lastIp = ip;
    this.lastState = st;
    return st;
  }

  /**
   * Forgets addresses with nothing left to remember: failures older than every findtime, no trust
   * and no running ban. Keeps the map (and memory) the size of the current attack, not of history.
   */
  private sweep(now: number): void {
    this.createdSinceSweep = 0;
    this.lastIp = '';
    const horizon = now - this.longestFindtime;
    // into a new map: deleting most entries of a big one leaves its table sparse until it rehashes
    const kept = new Map<string, AddressState>();
    for (const [ip, st] of this.state) {
      if (st.lastSeen >= horizon || st.trustedUntil >= now || st.quietUntil >= now) kept.set(ip, st);
    }
    this.state = kept;
  }

  /**
   * Forgets the least recently seen tenth of the addresses at once: cheaper than keeping a
   * strict LRU order on every event, and it only runs when the bound is reached.
   */
  private evictOldest(): void {
    this.lastIp = '';
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
    const i = st.accounts.indexOf(account);
    if (i >= 0) {
      // the span of its tries, whatever order the lines come in
      if (at > st.accountTimes[i]!) st.accountTimes[i] = at;
      if (at < st.accountFirst[i]!) st.accountFirst[i] = at;
      return;
    }
    if (st.accounts.length === 0) {
      st.accounts = [detach(account)];
      st.accountFirst = [at];
      st.accountTimes = [at];
      return;
    }
    if (st.accounts.length < MAX_ACCOUNTS_KEPT) {
      st.accounts.push(detach(account));
      st.accountFirst.push(at);
      st.accountTimes.push(at);
      return;
    }
    // full (an enumeration run): the new account takes the place of the least recent one
    let oldest = 0;
    for (let j = 1; j < st.accountTimes.length; j++) if (st.accountTimes[j]! < st.accountTimes[oldest]!) oldest = j;
    st.accounts[oldest] = detach(account);
    st.accountFirst[oldest] = at;
    st.accountTimes[oldest] = at;
  }

  /**
   * Whether account `i` was tried from `from` to `to`, as far as the span of its tries tells (lines
   * may come out of time order: see failuresSince; a line read late may lie before a later try).
   */
  private triedWithin(st: AddressState, i: number, from: number, to: number): boolean {
    const first = st.accountFirst[i]!;
    const last = st.accountTimes[i]!;
    // one of the two tries it keeps must lie inside: a span around the window may have none in it
    return (first >= from && first <= to) || (last >= from && last <= to);
  }

  private countAccountsSince(st: AddressState, from: number, to: number): number {
    let n = 0;
    for (let i = 0; i < st.accounts.length; i++) if (this.triedWithin(st, i, from, to)) n++;
    return n;
  }

  private accountsSince(st: AddressState, from: number, to: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < st.accounts.length; i++) if (this.triedWithin(st, i, from, to)) out.push(st.accounts[i]!);
    return out;
  }

  private alert(detector: Alert['detector'], ev: SecurityEvent, events: number, accounts: string[], reason: string, at = ev.at): Alert {
    return { detector, ip: ev.ip!, service: ev.service, at, events, accounts, reason: `${ev.service}: ${reason}` };
  }
}

/** `600000` → `10m`; for reasons a person reads. */
export function fmtDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  // repeat offenders' bans grow fourfold: 256h reads better as 10d16h, 2970m as 2d1h30m
  if (ms > 86_400_000 && ms % 60_000 === 0) {
    const d = Math.floor(ms / 86_400_000);
    const h = Math.floor((ms % 86_400_000) / 3_600_000);
    const m = (ms % 3_600_000) / 60_000;
    return `${d}d${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}`;
  }
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The distinct failure times of a service and source from `from` (exclusive) to `until`, in order. */
function laterOwnTimes(failures: readonly FailureTimes[], service: Service, source: EventSource, from: number, until: number): number[] {
  const out: number[] = [];
  for (const f of failures) {
    if (f.service !== service || f.source !== source) continue;
    for (const t of f.times) if (t > from && t <= until) out.push(t);
  }
  if (out.length > 1) out.sort((a, b) => a - b);
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

function sum(counts: Int32Array): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  return n;
}
