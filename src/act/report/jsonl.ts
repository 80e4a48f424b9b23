/**
 * @module JSON Lines for events and decisions. Built by hand: this runs once per event, and the
 * fields are either validated (addresses, ids) or escaped with JSON.stringify (attacker text).
 */
import type { Decision, SecurityEvent } from '../../core/events.js';

export class JsonlFormatter {
  private lastSecond = NaN;
  /** `2026-11-25T10:00:01.` of the last second seen: most events share their second with the previous one */
  private secondPrefix = '';
  private lastFile: string | undefined;
  private lastFileJson = '';

  private iso(at: number): string {
    if (at < 0) return new Date(at).toISOString();
    const ms = at % 1000;
    const second = at - ms;
    if (second !== this.lastSecond) {
      const full = new Date(at).toISOString();
      if (full.length !== 24) return full; // years beyond 9999 or before 0: no shortcut
      this.lastSecond = second;
      this.secondPrefix = full.slice(0, 20);
    }
    return `${this.secondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }

  event(ev: SecurityEvent): string {
    let s = '{';
    if (ev.file !== undefined) {
      if (ev.file !== this.lastFile) {
        this.lastFile = ev.file;
        this.lastFileJson = JSON.stringify(ev.file);
      }
      s += `"file":${this.lastFileJson},`;
    }
    if (ev.line !== undefined) s += `"line":${ev.line},`;
    s += `"at":"${this.iso(ev.at)}","service":"${ev.service}","kind":"${ev.kind}"`;
    if (ev.ip !== undefined) s += `,"ip":"${ev.ip}"`;
    if (ev.port !== undefined) s += `,"port":${ev.port}`;
    if (ev.account !== undefined) s += `,"account":${JSON.stringify(ev.account)}`;
    if (ev.userAgent !== undefined) s += `,"userAgent":${JSON.stringify(ev.userAgent)}`;
    if (ev.scanner !== undefined) s += `,"scanner":"${ev.scanner}"`;
    return s + `,"rule":"${ev.ruleId}"}\n`;
  }

  decision(d: Decision): string {
    return JSON.stringify(decisionObject(d)) + '\n';
  }
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
