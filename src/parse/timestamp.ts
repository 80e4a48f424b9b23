/** @module Timestamps of the log formats we read, resolved to ms since epoch (local time unless the text has an offset). */

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// A year-less date more than this far after the reference time is taken to be from last year
// (a log read on Jan 2 holds lines from Dec 31).
const FUTURE_SLACK_MS = 2 * 86_400_000;

const ISO_RE = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?$/;
const CLASSIC_RE = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?: (\d{4}))?$/;
const SLASH_RE = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/;
const CLF_RE = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/;

function msFraction(frac: string | undefined): number {
  return frac === undefined ? 0 : Math.floor(Number(frac.padEnd(3, '0').slice(0, 3)));
}

/**
 * Resolves timestamp text to ms since epoch; returns undefined for text it does not know.
 * `referenceMs` supplies the year for year-less formats (`Nov 25 10:00:01`).
 * Keeps the last answer: log lines come in runs that share a second.
 */
export class TimestampResolver {
  private lastText = '';
  private lastValue: number | undefined;
  /** `YYYY-MM-DD HH:MM` of the last Asterisk-style timestamp, and its ms */
  private lastMinute = '';
  private lastMinuteMs = 0;

  constructor(private readonly referenceMs: number) {}

  resolve(text: string): number | undefined {
    const fast = this.fastIso(text);
    if (fast !== undefined) return fast;
    if (text === this.lastText) return this.lastValue;
    const v = this.parse(text);
    this.lastText = text;
    this.lastValue = v;
    return v;
  }

  /**
   * `2026-11-25 10:00:01` or `…01.123` (Asterisk's dateformat %F %T[.%3q]): the minute is resolved
   * once, seconds and ms are added by hand. Per-line timestamps with ms differ on every line, so the
   * whole-text cache misses, and the regex parse showed up in profiles of such logs.
   */
  private fastIso(t: string): number | undefined {
    const n = t.length;
    if ((n !== 19 && n !== 23) || t.charCodeAt(10) !== 32 || t.charCodeAt(16) !== 58 || t.charCodeAt(4) !== 45) return undefined;
    if (this.lastMinute === '' || !t.startsWith(this.lastMinute)) {
      const minute = t.slice(0, 16);
      const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)$/.exec(minute);
      if (m === null) return undefined;
      const ms = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!).getTime();
      if (!Number.isFinite(ms)) return undefined;
      this.lastMinute = minute;
      this.lastMinuteMs = ms;
    }
    const s1 = t.charCodeAt(17) - 48;
    const s2 = t.charCodeAt(18) - 48;
    if (s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return undefined;
    let ms = 0;
    if (n === 23) {
      if (t.charCodeAt(19) !== 46) return undefined;
      const a = t.charCodeAt(20) - 48;
      const b = t.charCodeAt(21) - 48;
      const c = t.charCodeAt(22) - 48;
      if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return undefined;
      ms = a * 100 + b * 10 + c;
    }
    return this.lastMinuteMs + (s1 * 10 + s2) * 1000 + ms;
  }

  private parse(text: string): number | undefined {
    let m = ISO_RE.exec(text);
    if (m) {
      const [, y, mo, d, h, mi, s, frac, off] = m;
      const ms = msFraction(frac);
      if (off === undefined) return checked(new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms).getTime());
      const utc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms);
      if (off === 'Z') return checked(utc);
      const sign = off[0] === '-' ? -1 : 1;
      const digits = off.replace(':', '');
      return checked(utc - sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000);
    }
    m = CLASSIC_RE.exec(text);
    if (m) {
      const [, mon, d, h, mi, s, frac, year] = m;
      const month = MONTHS[mon!];
      if (month === undefined) return undefined;
      const ms = msFraction(frac);
      if (year !== undefined) return checked(new Date(+year, month, +d!, +h!, +mi!, +s!, ms).getTime());
      const refYear = new Date(this.referenceMs).getFullYear();
      const t = new Date(refYear, month, +d!, +h!, +mi!, +s!, ms).getTime();
      if (t > this.referenceMs + FUTURE_SLACK_MS) return checked(new Date(refYear - 1, month, +d!, +h!, +mi!, +s!, ms).getTime());
      return checked(t);
    }
    m = SLASH_RE.exec(text);
    if (m) {
      const [, y, mo, d, h, mi, s] = m;
      return checked(new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!).getTime());
    }
    m = CLF_RE.exec(text);
    if (m) {
      const [, d, mon, y, h, mi, s, sign, oh, om] = m;
      const month = MONTHS[mon!];
      if (month === undefined) return undefined;
      const utc = Date.UTC(+y!, month, +d!, +h!, +mi!, +s!);
      return checked(utc - (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000);
    }
    return undefined;
  }
}

function checked(t: number): number | undefined {
  return Number.isFinite(t) ? t : undefined;
}
