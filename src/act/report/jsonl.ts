/**
 * @module JSON Lines for events and decisions. Events are written by hand: this runs once per
 * event, and the fields are either validated (addresses, ids) or escaped (attacker text).
 */
import type { Decision, SecurityEvent } from '../../core/events.js';
import { putAscii, putBytes, putUint, type ByteSink } from './byte-sink.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const AT = enc('"at":"');
const IP = enc(',"ip":"');
const PORT = enc(',"port":');
const ACCOUNT = enc(',"account":');
const USER_AGENT = enc(',"userAgent":');
const SCANNER = enc(',"scanner":');
const LINE = enc('"line":');
// the longest event line without its free-text fields (file, account, user agent) is well below this
const FIXED_BYTES = 512;

/**
 * Writes events as JSON objects straight into a byte buffer: the same text as JSON.stringify of
 * the fields in this order, without a string per event (building, joining and encoding strings
 * cost ~0.5 µs per event, a third of an all-attack replay's time on the worker threads).
 */
export class EventJsonEncoder {
  private minuteStart = NaN;
  /** `2026-11-25T10:00:` of the last minute seen: consecutive events share it */
  private minutePrefix: Uint8Array = new Uint8Array(0);
  private lastFile: string | undefined;
  private fileStart: Uint8Array = enc('{');
  private readonly ruleEnds = new Map<string, Uint8Array>();
  private readonly serviceKinds = new Map<string, Map<string, Uint8Array>>();

  /** Appends `ev` as one JSON object, and a newline when `newline`. */
  write(ev: SecurityEvent, sink: ByteSink, newline: boolean): void {
    if (ev.file !== this.lastFile) {
      this.lastFile = ev.file;
      this.fileStart = enc(ev.file === undefined ? '{' : `{"file":${JSON.stringify(ev.file)},`);
    }
    sink.ensure(FIXED_BYTES + this.fileStart.length);
    putBytes(sink, this.fileStart);
    if (ev.line !== undefined) {
      putBytes(sink, LINE);
      putUint(sink, ev.line);
      sink.buf[sink.used++] = 0x2c; // ,
    }
    putBytes(sink, AT);
    this.putIso(sink, ev.at);
    putBytes(sink, this.serviceKind(ev));
    if (ev.ip !== undefined) {
      putBytes(sink, IP);
      putAscii(sink, ev.ip);
      sink.buf[sink.used++] = 0x22; // "
    }
    if (ev.port !== undefined) {
      putBytes(sink, PORT);
      putUint(sink, ev.port);
    }
    if (ev.account !== undefined) {
      putBytes(sink, ACCOUNT);
      putJsonString(sink, ev.account);
    }
    if (ev.userAgent !== undefined) {
      putBytes(sink, USER_AGENT);
      putJsonString(sink, ev.userAgent);
    }
    if (ev.scanner !== undefined) {
      putBytes(sink, SCANNER);
      putJsonString(sink, ev.scanner);
    }
    let end = this.ruleEnds.get(ev.ruleId);
    if (end === undefined) this.ruleEnds.set(ev.ruleId, (end = enc(`,"rule":${JSON.stringify(ev.ruleId)}}`)));
    sink.ensure(end.length + 1);
    putBytes(sink, end);
    if (newline) sink.buf[sink.used++] = 0x0a;
  }

  /** The ISO time and its closing quote; the minute's prefix is cached. */
  private putIso(sink: ByteSink, at: number): void {
    const inMinute = at - this.minuteStart;
    if (!(inMinute >= 0 && inMinute < 60_000)) {
      const full = new Date(at).toISOString();
      // years before 0 or after 9999 have a longer form: no shortcut for them
      if (at >= 0 && full.length === 24) {
        this.minuteStart = at - (at % 60_000);
        this.minutePrefix = enc(full.slice(0, 17));
      }
      putAscii(sink, full);
      sink.buf[sink.used++] = 0x22;
      return;
    }
    putBytes(sink, this.minutePrefix);
    const sec = Math.floor(inMinute / 1000);
    const ms = inMinute % 1000;
    const buf = sink.buf;
    let i = sink.used;
    buf[i++] = 48 + Math.floor(sec / 10);
    buf[i++] = 48 + (sec % 10);
    buf[i++] = 0x2e; // .
    buf[i++] = 48 + Math.floor(ms / 100);
    buf[i++] = 48 + (Math.floor(ms / 10) % 10);
    buf[i++] = 48 + (ms % 10);
    buf[i++] = 0x5a; // Z
    buf[i++] = 0x22;
    sink.used = i;
  }

  private serviceKind(ev: SecurityEvent): Uint8Array {
    let byKind = this.serviceKinds.get(ev.service);
    if (byKind === undefined) this.serviceKinds.set(ev.service, (byKind = new Map<string, Uint8Array>()));
    let b = byKind.get(ev.kind);
    if (b === undefined) byKind.set(ev.kind, (b = enc(`,"service":"${ev.service}","kind":"${ev.kind}"`)));
    return b;
  }
}

/**
 * A JSON string literal: printable ASCII without `"` and `\` is copied byte by byte (the common
 * case); anything else goes through JSON.stringify and UTF-8.
 */
function putJsonString(sink: ByteSink, s: string): void {
  const n = s.length;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) {
    sink.ensure(n + 2);
    sink.buf[sink.used++] = 0x22;
    putAscii(sink, s);
    sink.buf[sink.used++] = 0x22;
    return;
  }
  const json = JSON.stringify(s);
  // a UTF-16 unit takes at most 3 bytes of UTF-8
  sink.ensure(json.length * 3);
  sink.used += sink.buf.write(json, sink.used, 'utf8');
}

/** A decision as one JSON line. */
export function decisionLine(d: Decision): string {
  return JSON.stringify(decisionObject(d)) + '\n';
}

/** A decision as JSON output shows it (`decision` first, times as ISO strings). */
export function decisionObject(d: Decision): Record<string, unknown> {
  const o: Record<string, unknown> = { decision: d.action, ip: d.target, at: new Date(d.at).toISOString() };
  if (d.permanent) o.permanent = true;
  else if (d.until !== undefined) o.until = new Date(d.until).toISOString();
  o.service = d.service;
  o.detector = d.detector;
  o.reason = d.reason;
  o.events = d.events;
  o.accounts = d.accounts;
  o.origin = d.origin;
  return o;
}
