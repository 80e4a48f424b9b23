/**
 * @module Turns a rule's pattern text into regexes and the facts the matcher needs.
 *
 * Attacker-controlled text is written `{ANY}` in a pattern. Whenever the address is not at the
 * pattern's start, text before it (an {ANY} span, a wildcard, an optional part) may hold a copy of
 * the literal written right before the address (the anchor, e.g. `failed for '`), and a line may
 * read in more than one way. The matcher then tries every occurrence of the anchor, up to the most
 * text the pattern's start can match (maxLength), as the place of the address, using the pattern
 * split in two (before / from the address); if the readings that fit name different addresses, the
 * line is `ambiguous`. When the anchor occurs once, only one reading exists and none of that runs
 * (the common case, and the fast path).
 */
import type { EventKind, EventSource, Service } from '../../core/events.js';
import type { LogFamily } from '../envelope.js';
import type { RuleDef, Sample } from './schema.js';

const V4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const V6 = String.raw`[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{1,43}(?:%[\w.-]{1,32})?`;

const PLACEHOLDERS: Record<string, string> = {
  IP: `(?<ip>${V4}|${V6})`,
  // Asterisk brackets IPv6 when it prints a port; old pjsip also bracketed IPv4
  IP_PORT: String.raw`(?:\[(?<ipb>${V4}|${V6})\](?::(?<portb>\d{1,5}))?|(?<ip>${V4}|${V6})(?::(?<port>\d{1,5}))?)`,
  // a format that always prints the port: an IPv6 address may then be unbracketed (res_pjsip of
  // older releases printed `%s:%d`), and its last `:digits` is the port, never part of the address
  IP_AND_PORT: String.raw`(?:\[(?<ipb>${V4}|${V6})\]:(?<portb>\d{1,5})|(?<ip>${V4}|${V6}):(?<port>\d{1,5}))`,
  // res_security_log address: `IPV4/UDP/192.0.2.1/5060`, IPv6 without brackets (main/json.c ast_json_ipaddr)
  SEC_ADDR: String.raw`IPV[46]/(?:[A-Z]{2,4}/)?(?<ip>${V4}|${V6})/(?<port>\d{1,5})`,
};
const HOST_PLACEHOLDERS = new Set(['IP', 'IP_PORT', 'IP_AND_PORT', 'SEC_ADDR']);
/** the names a rule may capture text under ({ANY:name} or a named group); the placeholders own ip and port */
const CAPTURES = new Set(['account', 'extension', 'from', 'ua', 'service']);
const REGEX_META = /[\\^$.|?*+()[\]{}]/;

/**
 * Longest message a pattern with two or more {ANY} spans is run on: the longest Asterisk writes.
 * Its logger formats a message into at most BUFSIZ bytes (main/logger.c; 8192 with glibc), and a
 * security event's SessionID is the whole SIP Call-ID, so an attacker can make honest lines of
 * several kB; a lower bound let padding hide attacks. Such a regex backtracks polynomially on a
 * message built of decoys (8.2 kB: 21 ms for pjsip's three spans, 12 ms for a security event; 16 kB
 * 150 ms; 47 kB 7 s), which `runnable` keeps from happening. A longer message is not one Asterisk
 * wrote: it yields `too-long`, and the run counts it (`LineParser.notes.tooLong`) instead of reading it.
 */
export const MAX_MULTI_ANY_INPUT = 8192;

/**
 * From this length on, a message with more than MAX_STOPPER_COPIES copies of a pattern's stopper,
 * beyond those its format writes itself, is not run either. Each copy is a place where an {ANY}
 * span may end, and the regex tries every combination: a pjsip line built of 170 copies took 21 ms
 * at 8 kB (3,000 such lines a minute take a CPU). An honest line does not repeat its format's own
 * text, and up to 2 KiB the worst case is ~1 ms whatever the line holds.
 */
export const DECOY_CHECK_FROM = 2048;
export const MAX_STOPPER_COPIES = 8;

/** Where the matcher finds each capture it reads in a match array (0: the pattern has no such group). */
export interface GroupSlots {
  ip: number;
  ipb: number;
  port: number;
  portb: number;
  from: number;
  account: number;
  extension: number;
  ua: number;
  service: number;
  /** the process a line is about (rule `connectionOf`) */
  pid: number;
}

export interface CompiledPattern {
  /** group names dropped (see `positional`); captures are read through `slots` */
  whole: RegExp;
  slots: GroupSlots;
  /** the pattern is not run on longer messages (see MAX_MULTI_ANY_INPUT) */
  maxInput: number;
  /**
   * With two or more {ANY} spans: the literal text right after each, where attacker text may end,
   * and the most copies of it a long message may hold to be run (see DECOY_CHECK_FROM).
   */
  stoppers: Array<{ text: string; limit: number }>;
  /** literal text written right before the address */
  anchor: string;
  /** present when the address is not at the pattern's start: text before it may hold a copy of the anchor */
  split?: {
    /** the pattern up to the address, anchored at the end of the text it is tested on */
    before: RegExp;
    /** the pattern from the address on, anchored at the start */
    after: RegExp;
    afterSlots: GroupSlots;
    /** the most chars `before` can match (see maxLength): an anchor further on is no place for the address */
    beforeMax: number;
  };
}

export interface CompiledRule {
  id: string;
  file: string;
  log: LogFamily;
  files?: string[];
  programs?: string[];
  service: Service;
  kind: EventKind;
  /** `security-log` for res_security_log lines, which repeat what the messages log says */
  source: EventSource;
  /** the address comes from an earlier line of the same process (rule `address: session`) */
  fromSession: boolean;
  /** the line ends a connection (rule `endsConnection`): counted only if nothing before it was */
  endsConnection: boolean;
  /** the connection is this program's process with the pid the line names (rule `connectionOf`), not the line's own */
  connectionOf?: string;
  prefilter: string;
  /**
   * Literal text every pattern of the rule starts with (after `^`), or ''. A message that does not
   * start with it cannot match, which `startsWith` tells without scanning the message.
   */
  lead: string;
  /**
   * Literal text every pattern of the rule ends with (before `$`), or ''. A message that does not
   * end with it cannot match, which `endsWith` tells without scanning the message: most Asterisk
   * formats end in a fixed reason, and a search for the prefilter scanned the whole message.
   */
  tail: string;
  /** the prefilter is part of the lead or the tail, so a message that has both holds it */
  prefilterImplied: boolean;
  patterns: CompiledPattern[];
  samples: Sample[];
}

export class PatternError extends Error {
  /** which of the rule's patterns, when the error is about one */
  pattern?: number;
}

/** Expands placeholders, and notes where the host placeholder starts in the expanded text. */
function expand(src: string): { re: string; anyCount: number; anchor: string; hosts: number; hostAt: number; atStart: boolean; stoppers: CompiledPattern['stoppers'] } {
  let atStart = false;
  const stoppers: Array<{ text: string; limit: number }> = [];
  let anyCount = 0;
  let anchor = '';
  let hosts = 0;
  let hostAt = -1;
  let out = '';
  let last = 0;
  // any {Name…} is meant as a placeholder (a regex quantifier starts with a digit): a misspelt one is an error, not literal text
  for (const m of src.matchAll(/\{([A-Za-z_]\w*)(?::([a-zA-Z]\w*))?\}/g)) {
    const [whole, name, group] = m as unknown as [string, string, string | undefined];
    out += src.slice(last, m.index);
    last = m.index + whole.length;
    if (name === 'ANY') {
      if (group !== undefined && !CAPTURES.has(group)) throw new PatternError(`${whole}: unknown name "${group}" (an {ANY} span is captured as ${[...CAPTURES].join(', ')})`);
      anyCount++;
      const text = literalHead(src.slice(last));
      // the copies the format writes itself (a security event's many `"`), and a few more
      if (text !== '' && !stoppers.some((x) => x.text === text)) stoppers.push({ text, limit: copiesIn(literalText(src), text) + MAX_STOPPER_COPIES });
      // lazy: measured 3x faster than greedy on pjsip lines; which reading is found first does
      // not matter, because when readings differ the matcher finds the other one (split)
      out += group ? `(?<${group}>.*?)` : '(?:.*?)';
      continue;
    }
    const p = PLACEHOLDERS[name];
    if (p === undefined) throw new PatternError(`unknown placeholder ${whole}`);
    if (group !== undefined) throw new PatternError(`placeholder ${whole} cannot be renamed`);
    if (HOST_PLACEHOLDERS.has(name)) {
      if (groupDepth(src, m.index) > 0) throw new PatternError(`${whole} must not stand inside a group: write it at the top level, after literal text (e.g. "from {IP}")`);
      if ('?*+'.includes(src[last] ?? ' ') || /^\{\d/.test(src.slice(last))) throw new PatternError(`${whole} must not be optional or repeated: a line that matches must name an address`);
      hosts++;
      anchor = literalTail(src.slice(0, m.index));
      atStart = src.slice(0, m.index) === '^';
      hostAt = out.length;
    }
    out += p;
  }
  out += src.slice(last);
  return { re: out, anyCount, anchor, hosts, hostAt, atStart, stoppers };
}

/**
 * What a pattern must look like before its placeholders are expanded: anchored at its start (a
 * pattern without `^` is searched for from every position, a wildcard in front of it), with no
 * alternative at its top level (one alternative could hold no address: write two patterns), and
 * naming only groups a rule may capture (a group named `ip` would take the address from anywhere).
 */
function checkShape(src: string): void {
  if (!src.startsWith('^')) throw new PatternError('a pattern starts with ^ (one without is searched for from every position of the line)');
  if (hasTopLevelAlternative(src)) throw new PatternError('no | at the top level of a pattern: write each alternative as a pattern of its own');
  // files are read a byte a char (latin1): a non-ASCII letter in a pattern would never match there
  if (/\\[pP]\{/.test(src)) throw new PatternError('\\p{…} needs the u flag, which patterns are not compiled with: write a class such as [A-Za-z]');
  if (/[^\x00-\x7f]/.test(src)) throw new PatternError('non-ASCII text in a pattern: logs are read a byte a char, so write a byte as \\xHH (a UTF-8 letter is two or more bytes) or match it with a wildcard');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(src, i);
    else if (c === '(' && src.startsWith('?<', i + 1) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const name = src.slice(i + 3, src.indexOf('>', i));
      if (!CAPTURES.has(name) && name !== 'port' && name !== 'pid') throw new PatternError(`unknown group name "${name}" (a rule captures ${[...CAPTURES].join(', ')}, port and pid)`);
    } else if (c === '(' && /^\?<?[=!]/.test(src.slice(i + 1))) {
      // the ambiguity check tests the pattern in two pieces: a lookaround reaching over the whole
      // line would see only its piece there, and could hide a second reading
      const body = src.slice(i, groupEnd(src, i) + 1);
      if (/[*+]|\{\d+,\}|\{[A-Za-z]/.test(body)) throw new PatternError(`a lookaround may hold no unbounded repeat (*, +, {n,}) and no placeholder: ${body}`);
    }
  }
  // (x+)+, (\w+\s?)* and ({ANY},)+ try every way of sharing a run among the repeats: exponential
  // time on a line made to almost match, and no time bound stops a regex once it runs. (A group
  // that starts with fixed text, such as `(?:error:[\w:]*…)+`, is left to its author.)
  // (a group left open is reported by the regex compiler, in its words)
  if (!groupsClose(src)) return;
  for (const [i, c] of syntax(src)) {
    if (c !== '(') continue;
    const end = groupEnd(src, i);
    if (UNBOUNDED.test(src.slice(end + 1)) && startsWithUnboundedRepeat(groupBody(src.slice(i + 1, end)))) {
      throw new PatternError(`a repeated group starts with a repeat, which can take exponential time on a line made for it: ${src.slice(i, end + 2)} (bound one of them, e.g. {0,64})`);
    }
  }
}

/** Whether every `(` of a regex source has its `)`. */
function groupsClose(src: string): boolean {
  let open = 0;
  for (const [, c] of syntax(src)) {
    if (c === '(') open++;
    else if (c === ')' && --open < 0) return false;
  }
  return open === 0;
}

/** A group's text without its `?:` or `?<name>` (what it matches). */
const groupBody = (inner: string): string => inner.replace(/^\?(?::|<[A-Za-z_]\w*>)/, '');

/** `*`, `+` or `{n,}` (lazy or not) at the start of the text */
const UNBOUNDED = /^(?:[*+]|\{\d+,\})/;

/** Whether a regex fragment's first atom is repeated without bound (a {ANY} placeholder is `.*?`). */
function startsWithUnboundedRepeat(fragment: string): boolean {
  if (/^\{ANY\b/.test(fragment)) return true;
  let end: number;
  const c = fragment[0];
  if (c === undefined) return false;
  if (c === '\\') end = escapeExtent(fragment, 0);
  else if (c === '[') end = classEnd(fragment, 0);
  else if (c === '(') {
    end = groupEnd(fragment, 0);
    // a group that itself starts with a repeat, or is repeated
    if (startsWithUnboundedRepeat(groupBody(fragment.slice(1, end)))) return true;
  } else end = 0;
  return UNBOUNDED.test(fragment.slice(end + 1));
}

/** A fragment's fixed text, its runs apart (NUL in between: no stopper holds one). */
function literalText(fragment: string): string {
  return literalAtoms(fragment)
    .map((a) => a ?? '\u0000')
    .join('');
}

/** Copies of `text` in `s`, not overlapping, counted up to `most + 1`. */
function copiesIn(s: string, text: string, most = Infinity): number {
  let copies = 0;
  for (let at = s.indexOf(text); at >= 0 && copies <= most; at = s.indexOf(text, at + text.length)) copies++;
  return copies;
}

/** The index of the `)` that closes the group opened at `open`. */
function groupEnd(src: string, open: number): number {
  for (const [i, c, depth] of syntax(src, open)) if (c === ')' && depth === 1) return i;
  throw new PatternError('unterminated group');
}

/**
 * The characters of a regex source from `from` on that are syntax (outside escapes and classes),
 * each with the depth of open groups before it: what groupEnd, groupDepth and
 * hasTopLevelAlternative walk.
 */
function* syntax(src: string, from = 0): Generator<[number, string, number]> {
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      i = classEnd(src, i);
      continue;
    }
    yield [i, c, depth];
    if (c === '(') depth++;
    else if (c === ')') depth--;
  }
}

/**
 * The most characters a regex source can match, or Infinity: a char, class or escape is one, a
 * group its longest alternative, a quantifier multiplies, lookarounds and anchors are none. The
 * ambiguity check uses it to try only the places where the text before the address can end: after
 * a fixed prefix such as Apache's, a copy of its one-space anchor further on is no place at all.
 */
export function maxLength(src: string): number {
  let total = 0;
  let best = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    let atom = 1;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      // a back-reference repeats text of unknown length (`\k` counts as one, though compiled rules refuse it)
      if ((next >= '1' && next <= '9') || next === 'k') atom = Infinity;
      i = escapeExtent(src, i);
    } else if (c === '[') {
      i = classEnd(src, i);
    } else if (c === '(') {
      const end = groupEnd(src, i);
      const inner = src.slice(i + 1, end);
      atom = /^\?<?[=!]/.test(inner) ? 0 : maxLength(groupBody(inner));
      i = end;
    } else if (c === '|') {
      best = Math.max(best, total);
      total = 0;
      continue;
    } else if (c === '^' || c === '$') {
      continue;
    } else if (c === '*' || c === '+' || c === '?') {
      // a quantifier with nothing to repeat: the pattern would not compile
      continue;
    }
    // the quantifier after the atom, if any (and its lazy `?`); a `{` that is none is an atom of its own
    const q = /^(?:([*+])|(\?)|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(i + 1));
    let times = 1;
    if (q !== null) {
      if (q[1] !== undefined) times = Infinity;
      else if (q[2] !== undefined) times = 1;
      else times = q[4] === undefined ? Number(q[3]) : q[5] === '' ? Infinity : Number(q[5]);
      i += q[0].length;
    }
    total += atom === 0 || times === 0 ? 0 : atom * times;
  }
  return Math.max(best, total);
}

/**
 * The index of the last character of the escape whose backslash is at `i`, read as JavaScript reads
 * a pattern without flags, for maxLength. Unlike escapeEnd, which may read an escape too long (the
 * literal text it finds is then only shorter, which is safe), this one must never: maxLength would
 * undercount. `\xHH`
 * and `\uHHHH` with their digits, `\cX` with a letter (else the backslash alone), `\1`… with theirs;
 * `\0`, `\p`, `\k` and the rest one character.
 */
function escapeExtent(src: string, i: number): number {
  const c = src[i + 1] ?? '';
  if (c === 'c') return /[A-Za-z]/.test(src[i + 2] ?? '') ? i + 2 : i;
  if (c === 'x' || c === 'u' || (c >= '1' && c <= '9')) return escapeEnd(src, i);
  return i + 1;
}

/** How many groups are open at `at` in a pattern's source. */
function groupDepth(src: string, at: number): number {
  for (const [i, , depth] of syntax(src)) if (i >= at) return depth;
  return 0;
}

/**
 * A regex fragment (as written in a rule, placeholders included) as atoms, read from the start so
 * that every escape is seen whole: the character an atom matches, or undefined for anything that
 * is no fixed text (a group, a class, `.`, an anchor, a placeholder, an escape such as `\d`, `\cJ`,
 * `\1`, `\k<n>`, `\p{L}`, and an atom a quantifier makes optional or repeated). `\x41` and `\u0041`
 * are the character they name.
 */
function literalAtoms(fragment: string): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i]!;
    if (c === '\\') {
      const next = fragment[i + 1] ?? '';
      const end = escapeEnd(fragment, i);
      if (next !== '' && !/[A-Za-z0-9]/.test(next)) {
        // `\.`, `\(`, `\:`, `\ `: a sign escaped stands for itself
        out.push(next);
      } else if (next === 'x' || next === 'u') {
        // `\x27`, `\u0027`: the character they name; without their digits, the letter itself
        out.push(end > i + 1 ? String.fromCharCode(parseInt(fragment.slice(i + 2, end + 1), 16)) : next);
      } else {
        out.push(undefined);
      }
      i = end;
    } else if (c === '[') {
      i = classEnd(fragment, i);
      out.push(undefined);
    } else if (c === '{' && /[A-Za-z_]/.test(fragment[i + 1] ?? '')) {
      // a placeholder ({ANY}, {IP_PORT}…)
      i = Math.max(i, fragment.indexOf('}', i));
      out.push(undefined);
    } else if (REGEX_META.test(c)) {
      if (c === '?' || c === '*' || c === '+' || c === '{') out[out.length - 1] = undefined;
      out.push(undefined);
    } else {
      out.push(c);
    }
  }
  return out;
}

/**
 * The index of the last character of the escape whose backslash is at `i`: `\x41` and `\u0041` with
 * their digits (without them, the letter alone), `\cJ`, `\k<n>`, `\p{L}`, `\12`; else the one char.
 */
function escapeEnd(src: string, i: number): number {
  const c = src[i + 1] ?? '';
  const digits = c === 'x' ? 2 : c === 'u' ? 4 : 0;
  if (digits > 0) {
    const hex = src.slice(i + 2, i + 2 + digits);
    return hex.length === digits && /^[0-9A-Fa-f]+$/.test(hex) ? i + 1 + digits : i + 1;
  }
  if (c === 'c') return i + 2;
  if ((c === 'k' && src[i + 2] === '<') || ((c === 'p' || c === 'P') && src[i + 2] === '{')) {
    const at = src.indexOf(c === 'k' ? '>' : '}', i);
    return at < 0 ? src.length - 1 : at;
  }
  let j = i + 1;
  if (c >= '0' && c <= '9') while ((src[j + 1] ?? '') >= '0' && (src[j + 1] ?? '') <= '9') j++;
  return j;
}

/** The literal text a regex fragment ends with (`\(` counts as `(`; stops at syntax such as `\d`, `)`, `+`). */
function literalTail(fragment: string): string {
  const atoms = literalAtoms(fragment);
  let start = atoms.length;
  while (start > 0 && atoms[start - 1] !== undefined) start--;
  return atoms.slice(start).join('');
}

/** The literal text a regex fragment starts with. */
function literalHead(fragment: string): string {
  const atoms = literalAtoms(fragment);
  const end = atoms.indexOf(undefined);
  return atoms.slice(0, end < 0 ? atoms.length : end).join('');
}

/** What a pattern is not run on: only one with two or more {ANY} spans backtracks enough to need it. */
function inputBounds(e: { anyCount: number; stoppers: CompiledPattern['stoppers'] }): Pick<CompiledPattern, 'maxInput' | 'stoppers'> {
  return e.anyCount >= 2 ? { maxInput: MAX_MULTI_ANY_INPUT, stoppers: e.stoppers } : { maxInput: Infinity, stoppers: [] };
}


/**
 * Whether a pattern is run on a message: not on one longer than its bound, nor on a long one full of
 * copies of text its format writes after attacker text. Such a line is counted as `too-long`.
 */
export function runnable(p: CompiledPattern, msg: string): boolean {
  if (msg.length > p.maxInput) return false;
  if (msg.length < DECOY_CHECK_FROM) return true;
  for (const s of p.stoppers) if (copiesIn(msg, s.text, s.limit) > s.limit) return false;
  return true;
}

export function compileRule(def: RuleDef, file: string): CompiledRule {
  const patterns = def.patterns.map((src, i) => {
    try {
      checkShape(src);
      const e = expand(src);
      if (def.address === 'session') {
        if (e.hosts !== 0) throw new PatternError('a rule with address: session takes the address from its session; its patterns hold none');
        const p = positional(e.re);
        return { whole: new RegExp(p.source), slots: p.slots, anchor: '', ...inputBounds(e) };
      }
      if (e.hosts !== 1) throw new PatternError(`needs exactly one {IP}, {IP_PORT}, {IP_AND_PORT} or {SEC_ADDR}, has ${e.hosts}`);
      if (e.anchor === '' && !e.atStart) {
        throw new PatternError('the address placeholder must start the pattern (^{IP}) or follow literal text, e.g. "from {IP}"');
      }
      const p = positional(e.re);
      if (def.connectionOf !== undefined && p.slots.pid === 0) throw new PatternError('a rule with connectionOf captures the pid of the connection it ends: (?<pid>\\d{1,10})');
      const compiled: CompiledPattern = { whole: new RegExp(p.source), slots: p.slots, anchor: e.anchor, ...inputBounds(e) };
      // an address at the very start has one possible place; elsewhere attacker text may fake the
      // anchor, in an {ANY} span or in any field before it, optional parts included
      if (!e.atStart) {
        const before = e.re.slice(0, e.hostAt);
        const after = e.re.slice(e.hostAt);
        const a = positional(`^(?:${after})`);
        compiled.split = { before: new RegExp(`(?:${positional(before).source})$`), after: new RegExp(a.source), afterSlots: a.slots, beforeMax: maxLength(before) };
      }
      return compiled;
    } catch (e) {
      // the pattern as its author wrote it, not the regex its placeholders expand to
      const m = (e as Error).message;
      const why = e instanceof SyntaxError ? `not a valid regular expression (${m.slice(m.lastIndexOf('/: ') + 3)})` : m;
      const err = new PatternError(`rule ${def.id}: patterns[${i}] ${JSON.stringify(src)}: ${why}`, { cause: e });
      err.pattern = i;
      throw err;
    }
  });
  const lead = commonPrefix(patterns.map((p) => literalLead(p.whole.source)));
  const tail = commonSuffix(patterns.map((p) => literalEnd(p.whole.source)));
  const rule: CompiledRule = {
    id: def.id,
    file,
    log: def.log,
    service: def.service,
    kind: def.kind,
    source: def.files?.includes('res_security_log.c') ? 'security-log' : def.log === 'http-access' ? 'access-log' : 'log',
    fromSession: def.address === 'session',
    endsConnection: def.endsConnection === true,
    prefilter: def.prefilter,
    lead,
    tail,
    prefilterImplied: lead.includes(def.prefilter) || tail.includes(def.prefilter),
    patterns,
    samples: def.samples,
  };
  if (def.connectionOf !== undefined) rule.connectionOf = def.connectionOf;
  if (def.files) rule.files = def.files;
  if (def.programs) rule.programs = def.programs;
  return rule;
}

const NO_SLOTS: GroupSlots = { ip: 0, ipb: 0, port: 0, portb: 0, from: 0, account: 0, extension: 0, ua: 0, service: 0, pid: 0 };

/**
 * Numbers a regex source's capture groups and drops their names: V8 builds a `groups` object on
 * every match of a regex with named groups (measured: ~25 ns of a ~130 ns pjsip match), and the
 * matcher reads the few captures it needs by position instead.
 */
export function positional(src: string): { source: string; slots: GroupSlots } {
  const slots = { ...NO_SLOTS };
  let out = '';
  let count = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === 'k' && src[i + 2] === '<') throw new PatternError('named back-references (\\k<name>) are not supported');
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      const end = classEnd(src, i);
      out += src.slice(i, end + 1);
      i = end;
    } else if (c === '(' && src[i + 1] === '?' && src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const close = src.indexOf('>', i);
      const name = src.slice(i + 3, close);
      count++;
      if (!(name in slots)) throw new PatternError(`unknown group name "${name}" (a rule captures ${[...CAPTURES].join(', ')}, port and pid)`);
      slots[name as keyof GroupSlots] = count;
      out += '(';
      i = close;
    } else {
      if (c === '(' && src[i + 1] !== '?') count++;
      out += c;
    }
  }
  return { source: out, slots };
}

/** Index of the `]` that closes the character class opening at `open`. */
function classEnd(src: string, open: number): number {
  let i = open + 1;
  if (src[i] === '^') i++;
  for (; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  throw new PatternError('unterminated character class');
}

/** The literal text a regex source requires at the start of the input (`^abc…`), or ''. */
export function literalLead(src: string): string {
  return src[0] !== '^' || hasTopLevelAlternative(src) ? '' : literalHead(src.slice(1));
}

/** The literal text a regex source requires at the end of the input (`…abc$`), or ''. */
export function literalEnd(src: string): string {
  if (!src.endsWith('$') || hasTopLevelAlternative(src)) return '';
  // an odd run of backslashes before it makes the `$` a literal dollar
  let slashes = 0;
  while (src[src.length - 2 - slashes] === '\\') slashes++;
  return slashes % 2 === 0 ? literalTail(src.slice(0, -1)) : '';
}

function hasTopLevelAlternative(src: string): boolean {
  for (const [, c, depth] of syntax(src)) if (c === '|' && depth === 0) return true;
  return false;
}

function commonPrefix(texts: string[]): string {
  let p = texts[0] ?? '';
  for (const t of texts) while (!t.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function commonSuffix(texts: string[]): string {
  let p = texts[0] ?? '';
  for (const t of texts) while (!t.endsWith(p)) p = p.slice(1);
  return p;
}
