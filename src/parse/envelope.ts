/**
 * @module Splits a log line into its envelope (who wrote it, when, at what level) and the message.
 * The envelope is written by the logging program, never by the attacker, so rules only ever see
 * the message, and pick their rules by the envelope (program, Asterisk source file).
 */

export type LogFamily = 'asterisk' | 'sshd' | 'apache-error' | 'nginx-error' | 'http-access' | 'syslog' | 'unknown';

export interface Envelope {
  family: LogFamily;
  /** timestamp text as written (resolved later, only for lines that yield an event) */
  ts?: string;
  /** program name from a syslog or journal prefix */
  program?: string;
  /** Asterisk level (NOTICE, SECURITY, …) */
  level?: string;
  /** Asterisk source file (`chan_sip.c`, `res_pjsip/pjsip_distributor.c`; dialplan `Log()` lines are `Ext.`) */
  file?: string;
  /** the message after the envelope */
  msg: string;
}

// BSD syslog (`Nov  4 18:30:40 host prog[pid]: `), RFC 3339 syslog, or a journal line without a
// timestamp (`host prog[pid]: `, journalctl -o short without time, fail2ban's journal samples).
const SYSLOG_RE =
  /^(?:<\d{1,3}>)?(?:([A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)?)|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)) (?:\S+ )?([A-Za-z][\w./-]{0,63})(?:\[\d{1,10}\])?: /;
const JOURNAL_SHORT_RE = /^[\w.-]{1,255} ([A-Za-z][\w./-]{0,63})\[\d{1,10}\]: /;
const ASTERISK_LEVEL_RE = /^([A-Z]{3,10}) ?\[\d{1,10}\](?:\[C-[0-9a-f]{1,16}\])?:? /;
const APACHE_ERROR_RE = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[/;
const NGINX_ERROR_RE = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[[a-z]+\] /;
const ACCESS_RE = /^[0-9A-Fa-f:.]{2,45} \S{1,256} \S{1,1024} \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "/;

const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);

/** Parses the envelope; never throws, and returns family `unknown` for lines it cannot place. */
export function parseEnvelope(line: string): Envelope {
  const c0 = line.charCodeAt(0);
  if (c0 === 0x5b /* [ */) {
    const close = line.indexOf('] ', 1);
    if (close > 0 && close < 48) {
      const env = parseAsteriskBody(line.slice(close + 2));
      if (env) {
        env.ts = line.slice(1, close);
        return env;
      }
    }
    const a = APACHE_ERROR_RE.exec(line);
    if (a) return { family: 'apache-error', ts: a[1]!, msg: line.slice(a[0].length - 1) };
    return { family: 'unknown', msg: line };
  }

  const sys = SYSLOG_RE.exec(line) ?? JOURNAL_SHORT_RE.exec(line);
  if (sys) {
    const journalOnly = sys.length === 2;
    const program = (journalOnly ? sys[1] : sys[3])!;
    const ts = journalOnly ? undefined : (sys[1] ?? sys[2]);
    const rest = line.slice(sys[0].length);
    return withProgram(program, ts, rest);
  }

  if (c0 >= 0x30 && c0 <= 0x39) {
    const n = NGINX_ERROR_RE.exec(line);
    if (n) return { family: 'nginx-error', ts: n[1]!, msg: line.slice(n[0].length) };
  }
  const acc = ACCESS_RE.exec(line);
  if (acc) return { family: 'http-access', ts: acc[1]!, msg: line };

  // Asterisk through journald: the level without a timestamp
  const ast = parseAsteriskBody(line);
  if (ast) return ast;
  return { family: 'unknown', msg: line };
}

function withProgram(program: string, ts: string | undefined, rest: string): Envelope {
  if (program === 'asterisk') {
    // the Asterisk line inside syslog may carry its own `[date] ` too
    let body = rest;
    let ownTs: string | undefined;
    if (body.charCodeAt(0) === 0x5b) {
      const close = body.indexOf('] ', 1);
      if (close > 0 && close < 48 && !ASTERISK_LEVEL_RE.test(body)) {
        ownTs = body.slice(1, close);
        body = body.slice(close + 2);
      }
    }
    const env = parseAsteriskBody(body);
    if (env) {
      env.program = program;
      env.ts = ownTs ?? ts;
      return env;
    }
  }
  const env: Envelope = { family: SSHD_PROGRAMS.has(program) ? 'sshd' : 'syslog', program, msg: rest };
  if (ts !== undefined) env.ts = ts;
  return env;
}

/** `LEVEL[lwp][C-id] file: msg` (default format) or `LEVEL[lwp]: file:line [in] function: msg` (plain, syslog). */
function parseAsteriskBody(body: string): Envelope | undefined {
  const m = ASTERISK_LEVEL_RE.exec(body);
  if (!m) return undefined;
  const start = m[0].length;
  const colon = body.indexOf(':', start);
  if (colon < 0) return undefined;
  const sep = body.indexOf(': ', start);
  if (sep < 0) return undefined;
  let file = body.slice(start, colon);
  if (file.startsWith('Ext. ')) file = 'Ext.';
  return { family: 'asterisk', level: m[1]!, file, msg: body.slice(sep + 2) };
}
