/**
 * @module Makes attacker-controlled text safe to print on a terminal: control characters (ANSI
 * escapes, CR, NUL), C1 controls and bidirectional overrides are shown as \xNN / \u{…} escapes,
 * and a backslash as two, so text that spells an escape (`\x1b`) cannot pass for one.
 */
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

export function safeText(s: string, max = 120): string {
  const clipped = s.length > max ? s.slice(0, max) + '…' : s;
  return clipped.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    const code = c.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** characters JSON may carry raw that a terminal acts on or shows misleadingly (C1, bidi) */
const JSON_UNSAFE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON.stringify, with the characters it leaves raw that a terminal would act on (C1 controls such
 * as U+009B, a CSI) or that reorder what is shown (bidirectional overrides) written as \uXXXX
 * escapes: the same value to a JSON reader, and harmless when the output is shown on a terminal.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
