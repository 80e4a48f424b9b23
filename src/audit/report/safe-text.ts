/** @module Neutralises attacker-influenced text (config values) before it reaches a terminal: no escape sequences, no bidi tricks. */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

/** Shows control characters (ESC, CR, NUL, C1) and bidirectional overrides as `\xNN` / `\u{…}`, and clips long text. */
export function terminalSafe(s: string, max = 400): string {
  const clipped = s.length > max ? `${s.slice(0, max)}…` : s;
  return clipped.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
