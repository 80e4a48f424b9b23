/** @module Durations as people write them in flags and config: `90s`, `10m`, `1h`, `7d`, `2w`; a bare number is seconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** @throws Error naming the text when it is not a duration */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text);
  if (!m) throw new Error(`expected a duration like "10m", "1h" or "600", got ${JSON.stringify(text)}`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`duration must be positive, got ${JSON.stringify(text)}`);
  return Math.round(ms);
}
