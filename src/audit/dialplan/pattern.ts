/** @module Asterisk extension patterns (`_NXXXXXX`, `_X.`, `_[2-9]!`): matching a dialled string and ranking matches as Asterisk does. */

/** One position of a pattern: the characters it accepts. `tail` positions (`.` one or more, `!` zero or more) end the pattern. */
type Position = { kind: 'set'; chars: string } | { kind: 'tail'; min: 0 | 1 };

export interface ExtenPattern {
  /** as written, e.g. `_011.` or `100` */
  text: string;
  isPattern: boolean;
  positions: Position[];
  /** true when `.` or `!` lets the caller append anything, `&` and `,` included */
  open: boolean;
}

const DIGITS = '0123456789';

function expandClass(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const to = body[i + 2];
    if (body[i + 1] === '-' && to !== undefined) {
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0) && out.length < 256; code++) out += String.fromCharCode(code);
      i += 2;
    } else out += c;
  }
  return out;
}

export function parsePattern(text: string): ExtenPattern {
  if (!text.startsWith('_')) return { text, isPattern: false, positions: [...text].map((c) => ({ kind: 'set', chars: c })), open: false };
  const positions: Position[] = [];
  let open = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    const upper = c.toUpperCase();
    if (upper === 'X') positions.push({ kind: 'set', chars: DIGITS });
    else if (upper === 'Z') positions.push({ kind: 'set', chars: DIGITS.slice(1) });
    else if (upper === 'N') positions.push({ kind: 'set', chars: DIGITS.slice(2) });
    else if (c === '[') {
      const end = text.indexOf(']', i + 1);
      const body = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
      positions.push({ kind: 'set', chars: expandClass(body) });
      i = end < 0 ? text.length : end;
    } else if (c === '.' || c === '!') {
      positions.push({ kind: 'tail', min: c === '.' ? 1 : 0 });
      open = true;
      break; // Asterisk stops comparing at a wildcard: it takes the rest of the string
    } else if (c === '-') continue; // dashes are for readability and ignored by the matcher
    else positions.push({ kind: 'set', chars: c });
  }
  return { text, isPattern: true, positions, open };
}

export function matches(p: ExtenPattern, s: string): boolean {
  if (!p.isPattern) return p.text === s;
  let i = 0;
  for (const pos of p.positions) {
    if (pos.kind === 'tail') return s.length - i >= pos.min;
    if (i >= s.length || !pos.chars.includes(s[i]!)) return false;
    i++;
  }
  return i === s.length;
}

/** How many characters each position accepts; a wildcard counts as more than any set, so specific patterns sort first. */
function weights(p: ExtenPattern): number[] {
  return p.positions.map((pos) => (pos.kind === 'tail' ? 1000 + (1 - pos.min) : pos.chars.length));
}

/** Orders extensions as Asterisk picks among several matches: literal names first, then the more specific pattern at the first position that differs. */
export function comparePatterns(a: ExtenPattern, b: ExtenPattern): number {
  if (a.isPattern !== b.isPattern) return a.isPattern ? 1 : -1;
  const wa = weights(a);
  const wb = weights(b);
  for (let i = 0; i < Math.min(wa.length, wb.length); i++) if (wa[i] !== wb[i]) return wa[i]! - wb[i]!;
  return wa.length - wb.length;
}

/**
 * A string the pattern accepts, steered towards `target` where the pattern allows: with an
 * international target this finds out whether the pattern lets a caller dial abroad.
 */
export function sampleFor(p: ExtenPattern, target: string): string {
  if (!p.isPattern) return p.text;
  let out = '';
  for (const pos of p.positions) {
    if (pos.kind === 'tail') {
      const rest = target.slice(out.length);
      return out + (rest.length >= pos.min && rest.length > 0 ? rest : '5550123');
    }
    const want = target[out.length];
    out += want !== undefined && pos.chars.includes(want) ? want : pos.chars.includes('5') ? '5' : (pos.chars[0] ?? '5');
  }
  return out;
}
