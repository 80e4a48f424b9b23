/**
 * @module Turns a rule's pattern text into two regexes and the facts the matcher needs.
 *
 * Attacker-controlled text is written `{ANY}` in a pattern. It compiles once greedy and once lazy:
 * when the two readings of a line give different addresses, the attacker has planted a look-alike
 * and the line is `ambiguous`. When the literal right before the address occurs only once in the
 * line, only one reading exists and the lazy regex is skipped (the common case, and the fast path).
 */
import type { EventKind, Service } from '../../core/events.js';
import type { LogFamily } from '../envelope.js';
import type { RuleDef, Sample } from './schema.js';

const V4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const V6 = String.raw`[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{1,43}(?:%[\w.-]{1,32})?`;

const PLACEHOLDERS: Record<string, string> = {
  IP: `(?<ip>${V4}|${V6})`,
  // Asterisk brackets IPv6 when it prints a port; old pjsip also bracketed IPv4
  IP_PORT: String.raw`(?:\[(?<ipb>${V4}|${V6})\](?::(?<portb>\d{1,5}))?|(?<ip>${V4}|${V6})(?::(?<port>\d{1,5}))?)`,
  // res_security_log address: `IPV4/UDP/192.0.2.1/5060`, IPv6 without brackets (main/json.c ast_json_ipaddr)
  SEC_ADDR: String.raw`IPV[46]/(?:[A-Z]{2,4}/)?(?<ip>${V4}|${V6})/(?<port>\d{1,5})`,
};
const HOST_PLACEHOLDERS = new Set(['IP', 'IP_PORT', 'SEC_ADDR']);
const REGEX_META = /[\\^$.|?*+()[\]{}]/;

export interface CompiledPattern {
  greedy: RegExp;
  /** absent when the pattern has no attacker-controlled {ANY} span */
  lazy?: RegExp;
  /** literal text written right before the address; '' when the pattern has regex syntax there */
  anchor: string;
}

export interface CompiledRule {
  id: string;
  file: string;
  log: LogFamily;
  files?: string[];
  programs?: string[];
  service: Service;
  kind: EventKind;
  prefilter: string;
  patterns: CompiledPattern[];
  samples: Sample[];
}

export class PatternError extends Error {}

/** Expands placeholders; `lazy` selects `.*?` for {ANY}. */
function expand(src: string, lazy: boolean): { re: string; hasAny: boolean; anchor: string; hosts: number } {
  let hasAny = false;
  let anchor = '';
  let hosts = 0;
  const re = src.replace(/\{([A-Z_]+)(?::([a-zA-Z]\w*))?\}/g, (whole, name: string, group: string | undefined, offset: number) => {
    if (name === 'ANY') {
      hasAny = true;
      const q = lazy ? '.*?' : '.*';
      return group ? `(?<${group}>${q})` : `(?:${q})`;
    }
    const p = PLACEHOLDERS[name];
    if (p === undefined) throw new PatternError(`unknown placeholder ${whole}`);
    if (group !== undefined) throw new PatternError(`placeholder ${whole} cannot be renamed`);
    if (HOST_PLACEHOLDERS.has(name)) {
      hosts++;
      anchor = literalTail(src.slice(0, offset));
    }
    return p;
  });
  return { re, hasAny, anchor, hosts };
}

/** The literal text at the end of a regex fragment (`\(` counts as `(`; stops at syntax such as `\d`, `)`, `+`). */
function literalTail(fragment: string): string {
  let out = '';
  let i = fragment.length;
  while (i > 0) {
    const c = fragment[i - 1]!;
    const escaped = i >= 2 && fragment[i - 2] === '\\' && !(i >= 3 && fragment[i - 3] === '\\');
    if (escaped) {
      if (!REGEX_META.test(c)) break;
      out = c + out;
      i -= 2;
    } else {
      if (REGEX_META.test(c)) break;
      out = c + out;
      i -= 1;
    }
  }
  return out;
}

export function compileRule(def: RuleDef, file: string): CompiledRule {
  const patterns = def.patterns.map((src, i) => {
    try {
      const g = expand(src, false);
      if (g.hosts !== 1) throw new PatternError(`needs exactly one {IP} or {IP_PORT}, has ${g.hosts}`);
      const compiled: CompiledPattern = { greedy: new RegExp(g.re), anchor: g.anchor };
      if (g.hasAny) compiled.lazy = new RegExp(expand(src, true).re);
      return compiled;
    } catch (e) {
      throw new PatternError(`rule ${def.id}: patterns[${i}]: ${(e as Error).message}`, { cause: e });
    }
  });
  const rule: CompiledRule = {
    id: def.id,
    file,
    log: def.log,
    service: def.service,
    kind: def.kind,
    prefilter: def.prefilter,
    patterns,
    samples: def.samples,
  };
  if (def.files) rule.files = def.files;
  if (def.programs) rule.programs = def.programs;
  return rule;
}
