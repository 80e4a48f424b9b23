/**
 * @module The rule pack at work: picks the rules for a line by its envelope, tests the cheap
 * prefilter and the literal text a rule's patterns start and end with, runs the patterns, and
 * turns a match into a SecurityEvent with a validated address.
 */
import { EVENT_KINDS, SERVICES, type SecurityEvent, type Service } from '../core/events.js';
import { normalizeIp } from '../core/ip.js';
import type { Envelope, LogFamily } from './envelope.js';
import { runnable, type CompiledPattern, type CompiledRule, type GroupSlots } from './rules/compile.js';
import type { Fingerprinter } from './fingerprints.js';
import type { RuleSet } from './rules/load.js';
import { fromLatin1 } from '../sources/line-reader.js';

/** Longest attacker-controlled text kept in an event (accounts, User-Agents). */
export const MAX_FIELD = 128;

const SERVICE_NAMES: Record<string, Service> = { pjsip: 'pjsip', sip: 'sip', ami: 'ami', iax2: 'iax2', iax: 'iax2' };

export type MatchResult =
  | { status: 'event'; rule: CompiledRule; event: SecurityEvent }
  | { status: 'ambiguous'; rule: CompiledRule; event: SecurityEvent; candidates: [string, string] }
  | { status: 'bad-address'; rule: CompiledRule; address: string }
  | { status: 'no-match' }
  | { status: 'too-long'; rule: CompiledRule }
  | { status: 'no-session'; rule: CompiledRule }
  /** a line that ends a connection whose earlier lines were counted (LineParser) */
  | { status: 'counted-before'; rule: CompiledRule; event: SecurityEvent }
  | { status: 'no-rules' };

/** How the matcher's own `eventFor` ends (the line parser adds `counted-before`). */
type MatcherStatus = Exclude<MatchResult['status'], 'counted-before'>;

// shared: most lines end here, and they need no object of their own
const NO_MATCH: MatchResult = { status: 'no-match' };
const NO_RULES: MatchResult = { status: 'no-rules' };

/** What every match needs besides the line: where it came from and when. */
export interface MatchContext {
  at: number;
  file?: string;
  line?: number;
  /** the line was decoded byte-per-char (latin1) by the file reader: restore UTF-8 in fields */
  latin1?: boolean;
  /** the address an earlier line of this line's process named, for `address: session` rules */
  sessionIp?: string;
}

/**
 * The rules for one source, with a dispatch on one character of the message: rules whose literal
 * lead reaches past `pos` can only match a message with their lead's character there. A security
 * log line then meets the one or two rules of its event type instead of fifteen `startsWith` tests.
 */
export interface RuleList {
  /** every rule, in pack order */
  all: CompiledRule[];
  pos: number;
  /** by the char code at `pos` (below 128): the rules that may match, in pack order */
  byChar: CompiledRule[][];
  /** for any other char (or none): the rules whose lead does not reach past `pos`, and those whose lead has a char from 128 up there */
  other: CompiledRule[];
}

function dispatch(all: CompiledRule[]): RuleList {
  const leads = all.map((r) => r.lead).filter((l) => l !== '');
  let pos = 0;
  if (leads.length > 0) {
    const first = leads[0]!;
    while (pos < first.length && leads.every((l) => l.charCodeAt(pos) === first.charCodeAt(pos))) pos++;
  }
  const wild = (r: CompiledRule) => r.lead.length <= pos;
  const byChar = Array.from({ length: 128 }, (_, c) => all.filter((r) => wild(r) || r.lead.charCodeAt(pos) === c));
  // leads from latin1-decoded logs may hold any char there: they share one list with the wild ones
  const other = all.filter((r) => wild(r) || r.lead.charCodeAt(pos) >= 128);
  return { all, pos, byChar, other };
}

const NO_RULE_LIST: RuleList = dispatch([]);

export class RulePack {
  /** family → (Asterisk file or program) → rules; two levels so no key string is built per line */
  private readonly byKey = new Map<string, Map<string, RuleList>>();
  private cached = 0;
  private static readonly MAX_KEYS = 4096;

  /**
   * How the last `eventFor` call ended, kept as plain fields so the hot path builds no result
   * object per line; `match` turns them into a MatchResult for `--explain` and the samples.
   */
  private status: MatcherStatus = 'no-match';
  private lastRule: CompiledRule | undefined;
  /** the two readings of an ambiguous line; lastOther is also the text that was not an address */
  private lastFirst = '';
  private lastOther = '';
  /** the pid the last event's line names, for a rule with `connectionOf` */
  lastPid: string | undefined;

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly fingerprints?: Fingerprinter,
    /** what the pack was compiled from, when loaded from a rule directory (parse workers get its fingerprints) */
    readonly ruleSet?: RuleSet,
  ) {
    // the shared constants, not the copies the YAML parser, a snapshot or a structured clone made:
    // equality tests and Set/Map lookups on every event then compare pointers instead of characters
    for (const rule of rules) {
      rule.service = SERVICES.find((s) => s === rule.service)!;
      rule.kind = EVENT_KINDS.find((k) => k === rule.kind)!;
    }
  }

  /** Rules that apply to an envelope, in pack order; cached by (family, file or program). */
  candidates(env: Envelope): CompiledRule[] {
    return this.rulesFor(env.family, subOf(env)).all;
  }

  /** Rules for a family and an Asterisk source file or a program name. */
  rulesFor(family: LogFamily, sub: string): RuleList {
    // lines come in runs from one source file (its name is one shared string, see envelope.ts)
    if (sub === this.lastSub && family === this.lastFamily) return this.lastList;
    const list = this.lookupRules(family, sub);
    this.lastFamily = family;
    this.lastSub = sub;
    this.lastList = list;
    return list;
  }

  private lastFamily: LogFamily | undefined;
  private lastSub = '';
  private lastList: RuleList = NO_RULE_LIST;

  private lookupRules(family: LogFamily, sub: string): RuleList {
    let inner = this.byKey.get(family);
    if (inner === undefined) this.byKey.set(family, (inner = new Map<string, RuleList>()));
    let list = inner.get(sub);
    if (list === undefined) {
      list = dispatch(
        this.rules.filter(
          (r) =>
            r.log === family &&
            (r.files === undefined || r.files.includes(sub)) &&
            (r.programs === undefined || r.programs.includes(sub)),
        ),
      );
      // program names come from the log, so the cache is bounded
      if (this.cached < RulePack.MAX_KEYS) {
        inner.set(sub, list);
        this.cached++;
      }
    }
    return list;
  }

  /** The line's result with its details (rule, both readings, the bad address); for `--explain` and tests. */
  match(env: Envelope, ctx: MatchContext): MatchResult {
    return this.lastResult(this.eventFor(env, ctx));
  }

  /** The details of the last `eventFor` call, which returned `event`. */
  lastResult(event: SecurityEvent | undefined): MatchResult {
    const rule = this.lastRule!;
    switch (this.status) {
      case 'event':
        return { status: 'event', rule, event: event! };
      case 'ambiguous':
        return { status: 'ambiguous', rule, event: event!, candidates: [this.lastFirst, this.lastOther] };
      case 'bad-address':
        return { status: 'bad-address', rule, address: this.lastOther };
      case 'too-long':
        return { status: 'too-long', rule };
      case 'no-session':
        return { status: 'no-session', rule };
      case 'no-rules':
        return NO_RULES;
      case 'no-match':
        return NO_MATCH;
    }
  }

  /**
   * The hot path: the event a line yields (an `ambiguous` one included, with no address), or
   * undefined. How it ended is left in the `last*` fields for `match`.
   */
  eventFor(env: Envelope, ctx: MatchContext): SecurityEvent | undefined {
    const rules = this.rulesFor(env.family, subOf(env));
    if (rules.all.length === 0) return this.end('no-rules', undefined);
    const msg = env.msg;
    const c = msg.charCodeAt(rules.pos);
    const list = c < 128 ? rules.byChar[c]! : rules.other;
    // rules of one source often share a lead or a prefilter: test each distinct one once per line
    let lastLead = '';
    let leadFound = true;
    let lastPrefilter = '';
    let lastFound = false;
    let skipped: CompiledRule | undefined;
    for (let r = 0; r < list.length; r++) {
      const rule = list[r]!;
      if (rule.lead !== lastLead) {
        lastLead = rule.lead;
        leadFound = msg.startsWith(lastLead);
      }
      if (!leadFound) continue;
      if (!msg.endsWith(rule.tail)) continue;
      // a prefilter inside the lead or the tail is known present
      if (!rule.prefilterImplied) {
        if (rule.prefilter !== lastPrefilter) {
          lastPrefilter = rule.prefilter;
          lastFound = msg.includes(lastPrefilter);
        }
        if (!lastFound) continue;
      }
      for (let pi = 0; pi < rule.patterns.length; pi++) {
        const p = rule.patterns[pi]!;
        if (!runnable(p, msg)) {
          skipped ??= rule;
          continue;
        }
        const m = p.whole.exec(msg);
        if (m === null) continue;
        const slots = p.slots;
        if (rule.fromSession) {
          if (ctx.sessionIp === undefined) return this.end('no-session', rule);
          this.end('event', rule);
          return this.makeEvent(rule, m, slots, ctx.sessionIp, ctx);
        }
        const rawIp = addressIn(m, slots);
        // patterns are compiled so that a match always has its address (not optional, no top-level |)
        if (rawIp === undefined) continue;
        const ip = normalizeIp(rawIp);
        if (ip === undefined) {
          this.lastOther = rawIp;
          return this.end('bad-address', rule);
        }
        const event = this.makeEvent(rule, m, slots, ip, ctx);
        // every other way the line could read: the same pattern split elsewhere, a rule or pattern
        // that could not be run on it, the rule's later patterns, and the later rules
        const other =
          (p.split !== undefined ? otherReading(msg, p.anchor, p.split, ip) : undefined) ??
          (skipped !== undefined ? notChecked(skipped) : undefined) ??
          otherPatterns(rule, pi + 1, msg, ip) ??
          otherRule(list, r, msg, ip);
        if (other === undefined) {
          this.end('event', rule);
          return event;
        }
        this.lastOther = other;
        this.end('ambiguous', rule);
        event.ip = undefined;
        event.port = undefined;
        event.kind = 'ambiguous';
        // the other reading may be attacker text (a forged address that is none): bounded, as accounts are
        event.readings = [ip, clip(other, ctx.latin1)];
        this.lastFirst = ip;
        return event;
      }
    }
    if (skipped !== undefined) return this.end('too-long', skipped);
    return this.end('no-match', undefined);
  }

  /** How the last `eventFor` call ended. */
  get lastStatus(): MatcherStatus {
    return this.status;
  }

  /** The rule of the last `eventFor` call's event. */
  get lastEventRule(): CompiledRule | undefined {
    return this.lastRule;
  }

  private end(status: MatcherStatus, rule: CompiledRule | undefined): undefined {
    this.status = status;
    this.lastRule = rule;
    return undefined;
  }

  /** For `--explain`: the rules whose lead, literal end and prefilter occur in the message (their patterns did not fit). */
  triedFor(env: Envelope): string[] {
    return this.candidates(env)
      .filter((r) => mayMatch(r, env.msg))
      .map((r) => r.id);
  }

  /**
   * Every event gets all fields, in one order, `undefined` where absent: one object shape for every
   * event, so the property reads of detectors and sinks see a single hidden class.
   */
  private makeEvent(rule: CompiledRule, m: RegExpExecArray, slots: GroupSlots, ip: string, ctx: MatchContext): SecurityEvent {
    let service = rule.service;
    const serviceText = slots.service !== 0 ? m[slots.service] : undefined;
    if (serviceText !== undefined) service = SERVICE_NAMES[serviceText.toLowerCase()] ?? service;
    const portText = slots.portb !== 0 ? (m[slots.portb] ?? m[slots.port]) : slots.port !== 0 ? m[slots.port] : undefined;
    const portNum = portText === undefined ? 0 : Number(portText);
    const from = slots.from !== 0 ? m[slots.from] : undefined;
    const rawAccount = slots.account !== 0 ? m[slots.account] : from !== undefined ? uriUser(from) : undefined;
    const account = rawAccount === undefined || rawAccount === '' ? undefined : clip(rawAccount, ctx.latin1);
    const extensionText = slots.extension !== 0 ? m[slots.extension] : undefined;
    const extension = extensionText === undefined || extensionText === '' ? undefined : clip(extensionText, ctx.latin1);
    const ua = slots.ua !== 0 ? m[slots.ua] : undefined;
    this.lastPid = slots.pid !== 0 ? m[slots.pid] : undefined;
    const userAgent = ua === undefined || ua === '' ? undefined : clip(ua, ctx.latin1);
    return {
      at: ctx.at,
      source: rule.source,
      service,
      kind: rule.kind,
      ip,
      port: portNum > 0 && portNum < 65536 ? portNum : undefined,
      account,
      extension,
      userAgent,
      scanner: this.fingerprints?.identify(userAgent, from ?? account),
      readings: undefined,
      ruleId: rule.id,
      file: ctx.file,
      line: ctx.line,
      undated: undefined,
      forgeable: undefined,
    };
  }
}

/**
 * Whether a rule's patterns may match a message: it starts with their literal lead, ends with their
 * literal end, and holds the prefilter. (`eventFor` tests the same, remembering the last lead and
 * prefilter tested, since the rules of one source often share them.)
 */
function mayMatch(rule: CompiledRule, msg: string): boolean {
  return msg.startsWith(rule.lead) && msg.endsWith(rule.tail) && (rule.prefilterImplied || msg.includes(rule.prefilter));
}

/** What picks an envelope's rules besides its family: the Asterisk source file or the program. */
function subOf(env: Envelope): string {
  return env.family === 'asterisk' ? (env.file ?? '') : (env.program ?? '');
}

/**
 * An address that a later rule for the same source reads from the line, when it differs: attacker
 * text can make one line fit two formats (an nginx user name shaped like a whole error line), and
 * then neither reading may ban. `list` is the dispatched list the line met, and a rule is run only
 * when its lead, its literal end and its prefilter occur, so this costs a `startsWith`, an
 * `endsWith` or an `includes` per later rule.
 */
function otherRule(list: readonly CompiledRule[], matched: number, msg: string, ip: string): string | undefined {
  for (let r = matched + 1; r < list.length; r++) {
    const rule = list[r]!;
    if (rule.fromSession || !mayMatch(rule, msg)) continue;
    const other = otherPatterns(rule, 0, msg, ip);
    if (other !== undefined) return other;
  }
  return undefined;
}

/** The first address a rule's patterns from `from` on read from the line that differs from `ip`. */
function otherPatterns(rule: CompiledRule, from: number, msg: string, ip: string): string | undefined {
  for (let i = from; i < rule.patterns.length; i++) {
    const p = rule.patterns[i]!;
    // a pattern that may read the line but is not run on it (too long, or full of decoys): its
    // reading is unknown, so the line is not trusted either (padding must not switch the check off)
    if (!runnable(p, msg)) return notChecked(rule);
    const m = p.whole.exec(msg);
    if (m === null) continue;
    const raw = addressIn(m, p.slots);
    if (raw === undefined) continue;
    const other = normalizeIp(raw) ?? raw;
    if (other !== ip) return other;
    // the same address this way: the pattern may still read the line another way too
    const split = p.split !== undefined ? otherReading(msg, p.anchor, p.split, ip) : undefined;
    if (split !== undefined) return split;
  }
  return undefined;
}

const notChecked = (rule: CompiledRule): string => `${rule.id}'s reading (not checked: line too long or full of decoys)`;

/**
 * Another address the line could name: tries every place where the anchor occurs as the start of
 * the address, keeping readings where the pattern fits both before and after. Runs only when the
 * anchor occurs more than once, which attacker text must arrange.
 */
const READING_BUDGET = 64 * 1024;

function otherReading(msg: string, anchor: string, split: NonNullable<CompiledPattern['split']>, ip: string): string | undefined {
  let at = msg.indexOf(anchor);
  if (at < 0 || msg.indexOf(anchor, at + 1) < 0) return undefined;
  // each try runs two regexes over the line: bound the work per line (a short anchor such as a
  // space occurs often in honest lines, so the bound is on tries times length)
  const maxTries = Math.max(16, Math.floor(READING_BUDGET / msg.length));
  let tries = 0;
  for (; at >= 0; at = msg.indexOf(anchor, at + 1)) {
    const hostAt = at + anchor.length;
    // past the longest text the pattern's start can match: no place for the address (Apache's
    // fixed prefix ends within ~150 chars, and a long path full of spaces holds no reading)
    if (hostAt > split.beforeMax) break;
    // a line with this many decoys is no honest line: ban nobody
    if (++tries > maxTries) return 'many readings';
    if (!split.before.test(msg.slice(0, hostAt))) continue;
    const m = split.after.exec(msg.slice(hostAt));
    if (m === null) continue;
    const raw = addressIn(m, split.afterSlots);
    if (raw === undefined) continue;
    const candidate = normalizeIp(raw) ?? raw;
    if (candidate !== ip) return candidate;
  }
  return undefined;
}

/** The address text a match captured (bracketed IPv6 or plain). */
function addressIn(m: RegExpExecArray, slots: GroupSlots): string | undefined {
  return slots.ipb !== 0 ? (m[slots.ipb] ?? m[slots.ip]) : m[slots.ip];
}

/** The user part of the first SIP URI in a From/To text: the account it names. */
function uriUser(from: string): string | undefined {
  // by hand: a regex search over the whole From cost 6% of matching time. A loop, not recursion:
  // a From made of 20,000 "sip" overflowed the stack when each miss recursed.
  for (let at = from.indexOf('sip'); at >= 0; at = from.indexOf('sip', at + 3)) {
    let i = at + 3;
    if (from.charCodeAt(i) === 115 /* s */) i++;
    if (from.charCodeAt(i) !== 58 /* : */) continue;
    const start = i + 1;
    const end = Math.min(from.length, start + 129);
    for (let j = start; j < end; j++) {
      const c = from.charCodeAt(j);
      if (c === 64 /* @ */) return j > start ? from.slice(start, j) : undefined;
      if (c === 59 || c === 62 || c === 39 || c === 34 || c === 32 || c === 9) return undefined; // ; > ' " space tab
    }
    return undefined;
  }
  return undefined;
}

/** Bounds attacker text and restores its UTF-8 (lines are read as latin1). */
function clip(s: string, latin1: boolean | undefined): string {
  if (latin1 !== true) return s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
  if (s.length <= MAX_FIELD) return fromLatin1(s);
  // a byte a char: a cut inside a UTF-8 sequence would leave half a character (U+FFFD), so the
  // cut moves back over continuation bytes (10xxxxxx) to the start of the character it splits
  let end = MAX_FIELD;
  for (let back = 0; back < 3 && (s.charCodeAt(end) & 0xc0) === 0x80; back++) end--;
  if ((s.charCodeAt(end) & 0xc0) === 0x80) end = MAX_FIELD;
  return fromLatin1(s.slice(0, end));
}
