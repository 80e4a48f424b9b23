/**
 * @module Recognises from its bytes a line the parser would drop unread: Asterisk's own format
 * (`[date] LEVEL[lwp][C-id] file: msg`) from a source file no rule reads (pbx.c, app_dial.c: ~90%
 * of a busy PBX's log). Such a line is then never decoded into a string: dropping one took ~170 ns
 * (decode, envelope scan, rule lookup), the byte test takes about a third of that.
 *
 * Only the common shape is recognised, and only files the parser itself has dropped a line of: a
 * line this takes is one the parser drops (a test checks it on generated envelopes); any other
 * line goes to the parser as before. It reads the envelope as `asteriskFileOf` does (envelope.ts):
 * a change to one is a change to the other.
 */
import { MAX_CACHED_NAME, MAX_RECENT_FILES } from './envelope.js';

export class RulelessLines {
  /** files no rule reads, as bytes; the busiest move to the front */
  private readonly names: Buffer[] = [];
  /** the same names as strings: `learn` runs for every line dropped in a shape `drops` does not take */
  private readonly known = new Set<string>();

  /** The parser dropped a line of `file` (an Asterisk source file) because no rule reads it. */
  learn(file: string): void {
    // names come from log text: as few and as short as the envelope's own cache of them
    if (this.known.has(file) || file.length > MAX_CACHED_NAME || this.names.length >= MAX_RECENT_FILES) return;
    this.known.add(file);
    this.names.push(Buffer.from(file, 'latin1'));
  }

  /**
   * Whether `b[start, end)` is a line the parser drops unread. Reads it exactly as
   * `asteriskFileOf` does, less its rarer variants (a space before `[lwp]`, a colon before the
   * file, `Ext. `), which are left to the parser.
   */
  drops(b: Uint8Array, start: number, end: number): boolean {
    if (this.names.length === 0 || b[start] !== 0x5b /* [ */) return false;
    // the timestamp ends at the first `] `, which starts within 48 chars
    let i = start + 1;
    const tsEnd = Math.min(end - 1, start + 48);
    while (i < tsEnd && !(b[i] === 0x5d && b[i + 1] === 0x20)) i++;
    if (i >= tsEnd) return false;
    i += 2;
    // LEVEL[lwp]: 3-10 capitals, 1-10 digits
    const level = i;
    while (i < end && b[i]! >= 0x41 && b[i]! <= 0x5a) i++;
    if (i - level < 3 || i - level > 10 || b[i] !== 0x5b) return false;
    const digits = ++i;
    while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i === digits || i - digits > 10 || b[i] !== 0x5d) return false;
    i++;
    // [C-id]: 1-16 lower-case hex digits
    if (b[i] === 0x5b) {
      if (b[i + 1] !== 0x43 || b[i + 2] !== 0x2d) return false;
      const hex = (i += 3);
      while (i < end && ((b[i]! >= 0x30 && b[i]! <= 0x39) || (b[i]! >= 0x61 && b[i]! <= 0x66))) i++;
      if (i === hex || i - hex > 16 || b[i] !== 0x5d) return false;
      i++;
    }
    if (b[i] !== 0x20) return false;
    const file = i + 1;
    // a known name up to the first colon, and the message after `: ` (learned names hold no colon)
    const names = this.names;
    for (let k = 0; k < names.length; k++) {
      const n = names[k]!;
      const colon = file + n.length;
      if (colon + 1 >= end || b[colon] !== 0x3a || b[colon + 1] !== 0x20 || !sameBytes(b, file, n)) continue;
      if (k > 0) {
        names[k] = names[k - 1]!;
        names[k - 1] = n;
      }
      return true;
    }
    return false;
  }
}

function sameBytes(b: Uint8Array, at: number, n: Buffer): boolean {
  for (let j = 0; j < n.length; j++) if (b[at + j] !== n[j]) return false;
  return true;
}
