/** @module Substitutes `${…}` in dialplan text for one concrete call, the way Asterisk does before an application splits its arguments. */

/** Stands for any value the audit cannot know (a database lookup, an expression): it matches no digit and names no context. */
export const UNKNOWN = '\uFFFD';

export interface ExpandEnv {
  exten: string;
  context: string;
  vars: ReadonlyMap<string, string>;
  globals: ReadonlyMap<string, string>;
}

const MAX_DEPTH = 8;
const MAX_LENGTH = 4096;

/** Finds the index of the `}` or `]` closing the opener at `start` (which points at `$`). */
function closing(text: string, start: number): number {
  const open = text[start + 1]!;
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** Characters allowed by FILTER()'s first argument: single characters and ranges like `0-9`. */
function filterAllowed(spec: string): string {
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const to = spec[i + 2];
    if (spec[i + 1] === '-' && to !== undefined) {
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0) && out.length < 512; code++) out += String.fromCharCode(code);
      i += 2;
    } else out += c === '\\' && spec[i + 1] !== undefined ? spec[++i]! : c;
  }
  return out;
}

function substring(value: string, spec: string): string {
  const [offText, lenText] = spec.split(':');
  let off = Number(offText ?? 0);
  if (!Number.isInteger(off)) return UNKNOWN;
  if (off < 0) off = Math.max(0, value.length + off);
  let out = value.slice(off);
  if (lenText !== undefined && lenText !== '') {
    const len = Number(lenText);
    if (!Number.isInteger(len)) return UNKNOWN;
    out = len >= 0 ? out.slice(0, len) : out.slice(0, Math.max(0, out.length + len));
  }
  return out;
}

function variable(name: string, env: ExpandEnv): string {
  if (name === 'EXTEN') return env.exten;
  if (name === 'CONTEXT') return env.context;
  return env.vars.get(name) ?? env.globals.get(name) ?? UNKNOWN;
}

function evalInner(inner: string, env: ExpandEnv, depth: number): string {
  const expandedInner = expand(inner, env, depth + 1);
  const fn = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(expandedInner);
  if (fn) {
    const name = fn[1]!.toUpperCase();
    const arg = fn[2]!;
    if (name === 'FILTER') {
      const comma = arg.indexOf(',');
      if (comma < 0) return UNKNOWN;
      const allowed = filterAllowed(arg.slice(0, comma));
      return [...arg.slice(comma + 1)].filter((c) => c !== UNKNOWN && allowed.includes(c)).join('');
    }
    if (name === 'GLOBAL') return env.globals.get(arg.trim()) ?? UNKNOWN;
    return UNKNOWN;
  }
  const colon = expandedInner.indexOf(':');
  if (colon > 0) return substring(variable(expandedInner.slice(0, colon), env), expandedInner.slice(colon + 1));
  return variable(expandedInner, env);
}

/** Replaces every `${…}` and `$[…]`; unknown values become UNKNOWN. Bounded in depth and length. */
export function expand(text: string, env: ExpandEnv, depth = 0): string {
  if (depth > MAX_DEPTH || !text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length && out.length < MAX_LENGTH) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '[')) {
      const end = closing(text, i);
      if (end < 0) {
        out += text.slice(i);
        break;
      }
      out += text[i + 1] === '{' ? evalInner(text.slice(i + 2, end), env, depth) : UNKNOWN;
      i = end + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.slice(0, MAX_LENGTH);
}

/** Splits application arguments on commas outside parentheses, brackets, braces and quotes, as AST_STANDARD_APP_ARGS does. */
export function splitArgs(text: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '(' || c === '[' || c === '{')) depth++;
    else if (!quoted && (c === ')' || c === ']' || c === '}')) depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}
