/**
 * @module JSON Lines for events and decisions. Built by hand: this runs once per event, and the
 * fields are either validated (addresses, ids) or escaped with JSON.stringify (attacker text).
 */
import type { Decision, SecurityEvent } from '../../core/events.js';

export class JsonlFormatter {
  private lastAt = NaN;
  private lastIso = '';
  private lastFile: string | undefined;
  private lastFileJson = '';

  private iso(at: number): string {
    if (at !== this.lastAt) {
      this.lastAt = at;
      this.lastIso = new Date(at).toISOString();
    }
    return this.lastIso;
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
