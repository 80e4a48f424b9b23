/** @module Timestamps of the log formats we read, resolved to ms since epoch (local time unless the text has an offset). */

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// A year-less date more than this far after the reference time is taken to be from last year
// (a log read on Jan 2 holds lines from Dec 31).
const FUTURE_SLACK_MS = 2 * 86_400_000;

const ISO_RE = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?$/;
const CLASSIC_RE = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?: (\d{4}))?$/;
const SLASH_RE = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/;
// FreePBX 15+'s Monolog date, PHP's "Y-M-d H:i:s": `2025-Mar-14 10:00:00`
const MONTH_NAME_RE = /^(\d{4})-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d)$/;
// journalctl -o short-full: a weekday, and the zone's abbreviation (UTC, CET) or offset (+03)
const FULL_RE = /^[A-Z][a-z]{2} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (?:([+-]\d\d(?:\d\d)?)|([A-Z][A-Za-z]{0,5}))$/;
/**
 * Zone abbreviations journalctl writes (the C library's, from tzdata) that name one offset: the
 * label tells the two instants of the hour repeated when the clocks go back apart (CEST, then CET),
 * and a log read on a machine in another zone. Ones that name several (CST: China's or Central's,
 * IST, AST) are not here: such a time is read as local.
 */
const ZONE_OFFSETS: Record<string, string> = {
  UTC: 'Z', GMT: 'Z', Z: 'Z', WET: '+00:00', WEST: '+01:00', BST: '+01:00', CET: '+01:00', CEST: '+02:00', MET: '+01:00', MEST: '+02:00',
  EET: '+02:00', EEST: '+03:00', MSK: '+03:00', SAST: '+02:00', HKT: '+08:00', JST: '+09:00', KST: '+09:00', AWST: '+08:00', ACST: '+09:30',
  ACDT: '+10:30', AEST: '+10:00', AEDT: '+11:00', NZST: '+12:00', NZDT: '+13:00', EST: '-05:00', EDT: '-04:00', MST: '-07:00', MDT: '-06:00',
  PST: '-08:00', PDT: '-07:00', AKST: '-09:00', AKDT: '-08:00', HST: '-10:00', HDT: '-09:00',
};
// seconds since the epoch: journalctl -o short-unix, Asterisk's dateformat %s
const EPOCH_RE = /^(\d{9,11})(?:\.(\d{1,9}))?$/;
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
  /** YYYYMMDDHHMM of the last Asterisk-style timestamp, and its ms */
  private lastMinuteKey = -1;
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
    if ((n !== 19 && n !== 23) || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 32 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return undefined;
    // the minute as a number (YYYYMMDDHHMM): compared without building or comparing strings
    const year = digits(t, 0, 4);
    const month = digits(t, 5, 2);
    const day = digits(t, 8, 2);
    const hour = digits(t, 11, 2);
    const minute = digits(t, 14, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return undefined;
    const key = (((year * 100 + month) * 100 + day) * 100 + hour) * 100 + minute;
    if (key !== this.lastMinuteKey) {
      const ms = new Date(year, month - 1, day, hour, minute).getTime();
      if (!Number.isFinite(ms)) return undefined;
      this.lastMinuteKey = key;
      this.lastMinuteMs = ms;
    }
    const sec = digits(t, 17, 2);
    if (sec < 0 || sec > 59) return undefined;
    let ms = 0;
    if (n === 23) {
      if (t.charCodeAt(19) !== 46) return undefined;
      ms = digits(t, 20, 3);
      if (ms < 0) return undefined;
    }
    return this.lastMinuteMs + sec * 1000 + ms;
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
    m = FULL_RE.exec(text);
    if (m) {
      const [, local, offset, label] = m;
      const zone = offset !== undefined ? offset.padEnd(5, '0') : Object.hasOwn(ZONE_OFFSETS, label!) ? ZONE_OFFSETS[label!]! : '';
      return this.parse(`${local!}${zone}`);
    }
    m = EPOCH_RE.exec(text);
    if (m) return Number(m[1]) * 1000 + msFraction(m[2]);
    m = MONTH_NAME_RE.exec(text);
    if (m) {
      const [, y, mon, d, h, mi, s] = m;
      const month = MONTHS[mon!];
      return month === undefined ? undefined : checked(new Date(+y!, month, +d!, +h!, +mi!, +s!).getTime());
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

/** The decimal number of `count` digits at `from`, or -1 if one is not a digit. */
function digits(t: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function checked(t: number): number | undefined {
  return Number.isFinite(t) ? t : undefined;
}
