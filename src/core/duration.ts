/**
 * @module Durations as people write them in flags and config: `90s`, `10m`, `1h`, `7d`, `2w`, and
 * sums of them (`1h30m`, `1d 12h`); a bare number is seconds.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*/y;

/** @throws Error naming the text when it is not a duration */
export function parseDuration(text: string): number {
  const t = text.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    ms = 0;
    PART.lastIndex = 0;
    let parts = 0;
    for (let m = PART.exec(t); m !== null; m = PART.exec(t)) {
      ms += Number(m[1]) * UNITS[m[2]!]!;
      parts++;
      if (PART.lastIndex === t.length) break;
    }
    if (parts === 0 || PART.lastIndex !== t.length) throw new Error(`expected a duration like "10m", "1h30m" or "600", got ${JSON.stringify(text)}`);
  }
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`duration must be positive, got ${JSON.stringify(text)}`);
  return Math.round(ms);
}
