/**
 * @module JSON Lines for events and decisions. Built by hand: this runs once per event, and the
 * fields are either validated (addresses, ids) or escaped with JSON.stringify (attacker text).
 */
import type { Decision, SecurityEvent } from '../../core/events.js';

export class JsonlFormatter {
  private minuteStart = NaN;
  /** `2026-11-25T10:00:` of the last minute seen: consecutive events share it */
  private minutePrefix = '';
  private lastFile: string | undefined;
  private lastFileJson = '';

  private iso(at: number): string {
    const inMinute = at - this.minuteStart;
    if (!(inMinute >= 0 && inMinute < 60_000)) {
      const full = new Date(at).toISOString();
      // years before 0 or after 9999 have a longer form: no shortcut for them
      if (at < 0 || full.length !== 24) return full;
      this.minuteStart = at - (at % 60_000);
      this.minutePrefix = full.slice(0, 17);
      return full;
    }
    let tail = this.inMinute[inMinute];
    if (tail === undefined) {
      const sec = Math.floor(inMinute / 1000);
      const ms = inMinute % 1000;
      this.inMinute[inMinute] = tail = `${sec < 10 ? '0' : ''}${sec}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
    }
    return this.minutePrefix + tail;
  }

  // `ss.mmmZ` by ms within the minute, and `,"port":n` by port: formatted once each (number to
  // text conversions were a third of the formatting time)
  private readonly inMinute = new Array<string | undefined>(60_000);
  private readonly ports = new Array<string | undefined>(65_536);

  event(ev: SecurityEvent): string {
    let s = '{';
    if (ev.file !== undefined) {
      if (ev.file !== this.lastFile) {
        this.lastFile = ev.file;
        this.lastFileJson = `"file":${JSON.stringify(ev.file)},`;
      }
      s += this.lastFileJson;
    }
    if (ev.line !== undefined) s += `"line":${ev.line},`;
    s += `"at":"${this.iso(ev.at)}${this.serviceKind(ev)}`;
    if (ev.ip !== undefined) s += `,"ip":"${ev.ip}"`;
    if (ev.port !== undefined) s += this.ports[ev.port] ?? (this.ports[ev.port] = `,"port":${ev.port}`);
    if (ev.account !== undefined) s += `,"account":${jsonString(ev.account)}`;
    if (ev.userAgent !== undefined) s += `,"userAgent":${JSON.stringify(ev.userAgent)}`;
    if (ev.scanner !== undefined) s += `,"scanner":"${ev.scanner}"`;
    let end = this.ruleEnds.get(ev.ruleId);
    if (end === undefined) this.ruleEnds.set(ev.ruleId, (end = `,"rule":"${ev.ruleId}"}\n`));
    return s + end;
  }

  // the constant parts of a line, built once: fewer pieces to join per event
  private readonly ruleEnds = new Map<string, string>();
  private readonly serviceKinds = new Map<string, Map<string, string>>();

  private serviceKind(ev: SecurityEvent): string {
    let byKind = this.serviceKinds.get(ev.service);
    if (byKind === undefined) this.serviceKinds.set(ev.service, (byKind = new Map<string, string>()));
    let s = byKind.get(ev.kind);
    if (s === undefined) byKind.set(ev.kind, (s = `","service":"${ev.service}","kind":"${ev.kind}"`));
    return s;
  }

  decision(d: Decision): string {
    return JSON.stringify(decisionObject(d)) + '\n';
  }
}

/** A JSON string literal; plain printable ASCII (most accounts) needs no escaping pass. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
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
