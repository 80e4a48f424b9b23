/**
 * @module Turns alerts into decisions: never bans allowlisted networks nor loopback (a cracked
 * account there is still an alert), does not ban an address twice while its ban runs, lengthens
 * the ban for repeat offenders (recidive) up to permanent.
 */
import type { Decision } from '../core/events.js';
import { AddressSet } from '../core/ip.js';
import type { Alert } from '../detect/alerts.js';
import { fmtDuration } from '../detect/attack-windows.js';
import { detach } from '../core/detach.js';

export interface BanPolicyConfig {
  /** first ban length (ms; Infinity: every ban is permanent) */
  bantime: number;
  /** ban length for scanner fingerprints and cracked accounts (ms) */
  severeBantime: number;
  /** each further ban of the same address lasts this many times longer */
  increment: number;
  /** a repeat ban that would be longer than this becomes permanent (ms); a first ban lasts what bantime says */
  maxBantime: number;
  /** how long past bans are remembered for recidive, from their end (ms) */
  memory: number;
  allowlist?: AddressSet;
  maxTrackedAddresses: number;
}

export const DEFAULT_BAN_POLICY: BanPolicyConfig = {
  bantime: 3_600_000,
  severeBantime: 86_400_000,
  increment: 4,
  maxBantime: 30 * 86_400_000,
  memory: 30 * 86_400_000,
  maxTrackedAddresses: 100_000,
};

/**
 * The host itself, never banned whatever the allowlist says (fail2ban's default `ignoreip` too): a
 * loopback address in a log is a local client (FreePBX talks to the AMI and its web UI this way),
 * and a firewall rule against it cuts the PBX off from itself.
 */
const LOOPBACK = new AddressSet();
LOOPBACK.add('127.0.0.0/8');
LOOPBACK.add('::1');

/** Whether an address is the host's own, which is never banned (LOOPBACK). */
export function isLoopback(ip: string): boolean {
  return LOOPBACK.has(ip);
}

interface BanRecord {
  count: number;
  until: number;
}

export type PolicyOutcome =
  | { kind: 'decisions'; decisions: Decision[] }
  | { kind: 'allowlisted'; alert: Alert }
  | { kind: 'already-banned'; alert: Alert };

export class BanPolicy {
  private readonly bans = new Map<string, BanRecord>();

  constructor(private readonly cfg: BanPolicyConfig = DEFAULT_BAN_POLICY) {}

  decide(alert: Alert): PolicyOutcome {
    const prev = this.bans.get(alert.ip);
    // checked first: a banned address keeps alerting on every event while replay runs
    if (prev !== undefined && prev.until > alert.at && alert.detector !== 'compromise') return { kind: 'already-banned', alert };
    const loopback = isLoopback(alert.ip);
    const allowlisted = loopback || (this.cfg.allowlist !== undefined && this.cfg.allowlist.size > 0 && this.cfg.allowlist.has(alert.ip));
    // a cracked secret is news wherever the login came from: only the ban is left out
    if (allowlisted && alert.detector !== 'compromise') return { kind: 'allowlisted', alert };
    const decisions: Decision[] = [];
    const base = {
      target: detach(alert.ip),
      at: alert.at,
      detector: alert.detector,
      service: alert.service,
      origin: 'local' as const,
      events: alert.events,
      accounts: alert.accounts.map(detach),
    };
    if (alert.detector === 'compromise') {
      const spared = loopback ? ' (loopback address: not banned)' : allowlisted ? ' (allowlisted address: not banned)' : '';
      decisions.push({ ...base, action: 'alert', reason: alert.reason + spared });
      if (allowlisted) return { kind: 'decisions', decisions };
    }
    const running = prev !== undefined && prev.until > alert.at;
    // a running ban is replaced only to lengthen it (a cracked account found while its address is banned)
    // remembered from the ban's end: a ban longer than the memory still makes the next one longer
    const count = prev !== undefined && alert.at - prev.until < this.cfg.memory ? prev.count + (running ? 0 : 1) : 1;
    // a scanner or a cracked secret is never banned for less than a plain run of failures
    const first = alert.detector === 'scanner' || alert.detector === 'compromise' ? Math.max(this.cfg.severeBantime, this.cfg.bantime) : this.cfg.bantime;
    const length = first * this.cfg.increment ** (count - 1);
    // a first ban as long as asked (an admin's --bantime 31d is 31 days), repeats up to permanent
    const permanent = length === Infinity || (count > 1 && length > this.cfg.maxBantime);
    const until = permanent ? Number.POSITIVE_INFINITY : alert.at + length;
    if (running && until <= prev.until) return { kind: 'decisions', decisions };
    const repeat = count > 1 ? `; ban #${count} for this address` : '';
    const ban: Decision = { ...base, action: 'ban', reason: `${alert.reason}${repeat}` };
    if (permanent) ban.permanent = true;
    else ban.until = until;
    decisions.push(ban);
    this.remember(base.target, { count, until });
    return { kind: 'decisions', decisions };
  }

  /** Human form of a ban's length. */
  static describeLength(d: Decision): string {
    if (d.permanent) return 'permanent';
    return d.until !== undefined ? fmtDuration(d.until - d.at) : '-';
  }

  private remember(ip: string, rec: BanRecord): void {
    this.bans.delete(ip);
    if (this.bans.size >= this.cfg.maxTrackedAddresses) {
      const oldest = this.bans.keys().next().value;
      if (oldest !== undefined) this.bans.delete(oldest);
    }
    this.bans.set(ip, rec);
  }
}
