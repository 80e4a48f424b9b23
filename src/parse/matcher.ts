/**
 * @module The rule pack at work: picks the rules for a line by its envelope, tests the cheap
 * prefilter, runs the patterns, and turns a match into a SecurityEvent with a validated address.
 */
import type { SecurityEvent, Service } from '../core/events.js';
import { normalizeIp } from '../core/ip.js';
import type { Envelope } from './envelope.js';
import type { CompiledRule } from './rules/compile.js';
import type { Fingerprinter } from './fingerprints.js';

/** Longest attacker-controlled text kept in an event (accounts, User-Agents). */
export const MAX_FIELD = 128;

const SERVICE_NAMES: Record<string, Service> = { pjsip: 'pjsip', sip: 'sip', ami: 'ami', iax2: 'iax2', iax: 'iax2' };

export type MatchResult =
  | { status: 'event'; rule: CompiledRule; event: SecurityEvent }
  | { status: 'ambiguous'; rule: CompiledRule; event: SecurityEvent; candidates: [string, string] }
  | { status: 'bad-address'; rule: CompiledRule; address: string }
  | { status: 'no-match'; tried: string[] }
  | { status: 'no-rules' };

/** What every match needs besides the line: where it came from and when. */
export interface MatchContext {
  at: number;
  file?: string;
  line?: number;
}

export class RulePack {
  private readonly byKey = new Map<string, CompiledRule[]>();
  private static readonly MAX_KEYS = 4096;

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly fingerprints?: Fingerprinter,
  ) {}

  /** Rules that apply to an envelope, in pack order; cached by (family, file or program). */
  candidates(env: Envelope): CompiledRule[] {
    const sub = env.family === 'asterisk' ? (env.file ?? '') : (env.program ?? '');
    const key = `${env.family}\0${sub}`;
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = this.rules.filter(
        (r) =>
          r.log === env.family &&
          (r.files === undefined || r.files.includes(sub)) &&
          (r.programs === undefined || r.programs.includes(sub)),
      );
      // program names come from the log, so the cache is bounded
      if (this.byKey.size < RulePack.MAX_KEYS) this.byKey.set(key, list);
    }
    return list;
  }

  match(env: Envelope, ctx: MatchContext): MatchResult {
    const list = this.candidates(env);
    if (list.length === 0) return { status: 'no-rules' };
    const msg = env.msg;
    let tried: string[] | undefined;
    for (const rule of list) {
      if (!msg.includes(rule.prefilter)) continue;
      for (const p of rule.patterns) {
        const m = p.whole.exec(msg);
        if (m === null) continue;
        const g = m.groups!;
        const rawIp = (g.ip ?? g.ipb)!;
        const ip = normalizeIp(rawIp);
        if (ip === undefined) return { status: 'bad-address', rule, address: rawIp };
        const event = this.makeEvent(rule, g, ip, ctx);
        if (p.split !== undefined) {
          const other = otherReading(msg, p.anchor, p.split, ip);
          if (other !== undefined) {
            delete event.ip;
            delete event.port;
            event.kind = 'ambiguous';
            return { status: 'ambiguous', rule, event, candidates: [ip, other] };
          }
        }
        return { status: 'event', rule, event };
      }
      (tried ??= []).push(rule.id);
    }
    return { status: 'no-match', tried: tried ?? [] };
  }

  private makeEvent(rule: CompiledRule, g: Record<string, string | undefined>, ip: string, ctx: MatchContext): SecurityEvent {
    const ev: SecurityEvent = { at: ctx.at, source: rule.source, service: rule.service, kind: rule.kind, ip, ruleId: rule.id };
    if (g.service !== undefined) {
      const s = SERVICE_NAMES[g.service.toLowerCase()];
      if (s !== undefined) ev.service = s;
    }
    const portText = g.port ?? g.portb;
    if (portText !== undefined) {
      const port = Number(portText);
      if (port > 0 && port < 65536) ev.port = port;
    }
    const account = g.account ?? (g.from !== undefined ? uriUser(g.from) : undefined);
    if (account !== undefined && account !== '') ev.account = clip(account);
    if (g.ua !== undefined && g.ua !== '') ev.userAgent = clip(g.ua);
    if (ctx.file !== undefined) ev.file = ctx.file;
    if (ctx.line !== undefined) ev.line = ctx.line;
    if (this.fingerprints) {
      const s = this.fingerprints.identify(ev.userAgent, g.from ?? ev.account);
      if (s !== undefined) ev.scanner = s;
    }
    return ev;
  }
}

/**
 * Another address the line could name: tries every place where the anchor occurs as the start of
 * the address, keeping readings where the pattern fits both before and after. Runs only when the
 * anchor occurs more than once, which attacker text must arrange.
 */
function otherReading(msg: string, anchor: string, split: { before: RegExp; after: RegExp }, ip: string): string | undefined {
  let at = msg.indexOf(anchor);
  if (at < 0 || msg.indexOf(anchor, at + 1) < 0) return undefined;
  for (; at >= 0; at = msg.indexOf(anchor, at + 1)) {
    const hostAt = at + anchor.length;
    if (!split.before.test(msg.slice(0, hostAt))) continue;
    const g = split.after.exec(msg.slice(hostAt))?.groups;
    if (g === undefined) continue;
    const raw = (g.ip ?? g.ipb)!;
    const candidate = normalizeIp(raw) ?? raw;
    if (candidate !== ip) return candidate;
  }
  return undefined;
}

/** The user part of the first SIP URI in a From/To text: the account it names. */
function uriUser(from: string): string | undefined {
  return SIP_USER_RE.exec(from)?.[1];
}
const SIP_USER_RE = /sips?:([^@;>'"\s]{1,128})@/;

function clip(s: string): string {
  return s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
}
