/**
 * @module Splits a log line into its envelope (who wrote it, when, from which source file) and the
 * message. The envelope is written by the logging program, never by the attacker, so rules only
 * ever see the message, and pick their rules by the envelope (program, Asterisk source file).
 */
import { detach } from '../core/detach.js';

export type LogFamily = 'asterisk' | 'sshd' | 'apache-error' | 'nginx-error' | 'http-access' | 'syslog' | 'unknown';

export interface Envelope {
  family: LogFamily;
  /** timestamp text as written (resolved later, only for lines that yield an event) */
  ts?: string;
  /**
   * the syslog or journal time around an Asterisk line that carries its own `[date]` too: used when
   * Asterisk's is in a dateformat pbxguard does not read
   */
  outerTs?: string;
  /** program name from a syslog or journal prefix */
  program?: string;
  /** process id from the prefix (sshd only: one process per connection, so it ties lines together) */
  pid?: string;
  /** Asterisk source file (`chan_sip.c`, `res_pjsip/pjsip_distributor.c`; dialplan `Log()` lines are `Ext.`) */
  file?: string;
  /** the message after the envelope */
  msg: string;
  /** rsyslog collapsed this many more copies of the message into the line (`message repeated N times: [ … ]`) */
  repeats?: number;
  /** written in a form whose writer leaves line breaks in client text: this line and every later line of the file may be forged (see FREEPBX_SECURITY_RE's use) */
  forgeable?: true;
  /** a line of FreePBX's own log file (freepbx_security.log), not through syslog: read only in such a file (LineParser) */
  ownFile?: true;
}

// BSD syslog (`Nov  4 18:30:40 host prog[pid]: `), RFC 3339 syslog, journalctl's other short forms
// (`-o short-full`: `Thu 2026-11-26 12:00:01 CET host prog[pid]: `, `-o short-unix`:
// `1764158401.123456 host prog[pid]: `), or a journal line without a timestamp (`host prog[pid]: `,
// journalctl -o short without time, fail2ban's journal samples).
// The host may be missing (`Feb 17 17:40:17 sshd[1]: error: …`); it never holds brackets, so
// `sshd[1]:` cannot be taken for a host and `error:` for the program.
const SYSLOG_RE =
  /^(?:<\d{1,3}>)?(?:([A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)?)|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?|[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? (?:[A-Z][A-Za-z]{0,5}|[+-]\d\d(?:\d\d)?)|\d{9,11}\.\d{6})) (?:[^\s[\]]{1,255} )?([A-Za-z][\w./-]{0,63})(?:\[(\d{1,10})\])?: /;
const JOURNAL_SHORT_RE = /^[\w.-]{1,255} ([A-Za-z][\w./-]{0,63})\[(\d{1,10})\]: /;
// Old syslogd and some BSDs write the program in brackets with no host: `Mar  3 00:17:22 [sshd]: `
// (the colon is sometimes missing).
const BRACKET_PROGRAM_RE = /^([A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d) \[([A-Za-z][\w./-]{0,63})\]:? /;
// RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID ` then structured data (`-` or `[…]…`).
const RFC5424_RE = /^<\d{1,3}>1 (\S{1,64}) \S{1,255} ([A-Za-z][\w./-]{0,47}) (\S{1,128}) \S{1,32} /;
// Solaris syslog tags each message with `[ID <msgid> <facility>.<level>] `.
const SOLARIS_ID_RE = /^\[ID \d{1,12} [a-z0-9]{1,16}\.[a-z]{1,8}\] /;
// A kernel-style uptime stamp that some journal exports put before the message (fail2ban accepts it too).
const KERNEL_STAMP_RE = /^kernel: ?\[ *\d{1,10}\.\d{1,9}\]:? /;
// nginx through journald repeats its own prefix, sometimes behind `host nginx: `.
const NGINX_IN_SYSLOG_RE = /^(?:\S{1,255} nginx: )?(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[[a-z]+\] /;
// FreePBX's security log (freepbx_security.log): `[2024-01-01 10:00:00] ` then either the message
// (framework up to 14) or Monolog's `[freepbx_security.NOTICE]: ` and the message.
// FreePBX 15+'s Monolog logger (BMO/Logger.class.php) dates with PHP's "Y-M-d H:i:s", a month name
// (`[2025-Mar-14 10:00:00]`); framework 14's file_put_contents wrote "Y-m-d H:i:s".
const FREEPBX_SECURITY_RE = /^\[(\d{4}-(?:\d\d|[A-Z][a-z]{2})-\d\d \d\d:\d\d:\d\d)\] /;
const APACHE_ERROR_RE = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[/;
const NGINX_ERROR_RE = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[[a-z]+\] /;
// Apache's `vhost_combined` (Debian's other_vhosts_access.log): the virtual host (a name, an
// address, `[v6]`) and port before the combined format
const VHOST_PREFIX_RE = /^[\w.:[\]-]{1,255}:\d{1,5} /;
/** `[25/Nov/2026:10:00:01 +0100] "`: the access formats' date, and the quote that opens the request */
const ACCESS_DATE = String.raw` \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "`;
const ACCESS_RE = new RegExp(String.raw`^[0-9A-Fa-f:.]{2,45} \S{1,256} \S{1,1024}` + ACCESS_DATE);
// A user name may hold spaces (neither server escapes them; both escape quotes, and Apache writes
// an empty one as `""`): the fields up to the first ` [date] "`, which a user name cannot imitate
// without a raw quote.
const ACCESS_SPACED_RE = new RegExp(String.raw`^[0-9A-Fa-f:.]{2,45} \S{1,256} (?:""|(?:[^"\\]|\\.){1,1024}?)` + ACCESS_DATE);

const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);
// `ErrorLog syslog` names the program httpd or apache2; `ErrorLog syslog:local1` with a tag adds `/name`.
const APACHE_PROGRAMS = new Set(['httpd', 'apache2', 'apache']);
const FREEPBX_SECURITY_PROGRAM = 'freepbx_security';

/**
 * FreePBX up to framework 14 writes `[date] Authentication failure for USER from ADDR` to
 * freepbx_security.log with file_put_contents and the user name as sent, line breaks included:
 * one login whose user name holds line breaks writes whole lines of its own, of any log's format,
 * naming any address. Monolog (framework 15 on) turns line breaks into spaces and tags its lines
 * (`[freepbx_security.NOTICE]: `), and syslog escapes them. A line of the old form marks its file:
 * from there on no line of it is counted (LineParser.forgedFile).
 */
const MONOLOG_TAG = '[freepbx_security.';
/** `Asterisk 18.20.2 built by mockbuild @ jenkins7 on a x86_64 running Linux on 2024-01-10 15:32:15 UTC` */
const ASTERISK_HEADER_RE = /^Asterisk \S{1,64} built by \S{0,64} @ \S{0,64} on a \S{1,32} running \S{1,32} on /;

/**
 * Whether lines are those of FreePBX's own log file: the first of them in a known format is one of
 * its lines (`[date] message`, Envelope.ownFile), or undefined when none is in a known format.
 * That form is a bare timestamp before any text, so a line of it in another log (a SIP packet in
 * Asterisk's full log, a line break in client text) is no FreePBX line, and must neither count nor
 * mark the file forgeable.
 */
export function isFreePbxLog(lines: Iterable<string>): boolean | undefined {
  for (const line of lines) {
    const env = parseEnvelope(line);
    if (env.ownFile === true) return true;
    if (env.family !== 'unknown') return false;
  }
  return undefined;
}

/**
 * Parses the envelope; never throws, and returns family `unknown` for lines it cannot place.
 * `colours`: a line that reads as nothing is tried once more without colour codes (uncoloured).
 */
export function parseEnvelope(line: string, colours = true): Envelope {
  const c0 = line.charCodeAt(0);
  if (c0 === 0x5b /* [ */) {
    const file = asteriskFileOf(line);
    if (file !== undefined) return asteriskEnvelope(line, file);
    const a = APACHE_ERROR_RE.exec(line);
    if (a) return { family: 'apache-error', ts: a[1]!, msg: line.slice(a[0].length - 1) };
    // only reached when the line is not Asterisk's, so the Asterisk path pays nothing for it
    const coloured = colours ? uncoloured(line) : undefined;
    if (coloured !== undefined) return coloured;
    const f = FREEPBX_SECURITY_RE.exec(line);
    if (f) {
      const msg = line.slice(f[0].length);
      // the first line of every file Asterisk opens (logger.c make_logchannel): its own, no FreePBX line
      if (ASTERISK_HEADER_RE.test(msg)) return { family: 'asterisk', ts: f[1]!, msg };
      const env: Envelope = { family: 'syslog', program: FREEPBX_SECURITY_PROGRAM, ts: f[1]!, msg, ownFile: true };
      if (!msg.startsWith(MONOLOG_TAG)) env.forgeable = true;
      return env;
    }
    return { family: 'unknown', msg: line };
  }

  const sys = SYSLOG_RE.exec(line) ?? JOURNAL_SHORT_RE.exec(line);
  if (sys) {
    const journalOnly = sys.length === 3;
    const program = (journalOnly ? sys[1] : sys[3])!;
    const ts = journalOnly ? undefined : (sys[1] ?? sys[2]);
    const rest = line.slice(sys[0].length);
    return withProgram(program, ts, rest, journalOnly ? sys[2] : sys[4]);
  }

  if (c0 === 0x3c /* < */) {
    const r = parseRfc5424(line);
    if (r) return r;
  }
  // `Mon` starts this form; Asterisk's bare `NOTICE[…]` never reaches the regex
  const c1 = line.charCodeAt(1);
  if (c0 >= 0x41 && c0 <= 0x5a && c1 >= 0x61 && c1 <= 0x7a) {
    const br = BRACKET_PROGRAM_RE.exec(line);
    if (br) return withProgram(br[2]!, br[1], line.slice(br[0].length));
  }

  if (c0 >= 0x30 && c0 <= 0x39) {
    const n = NGINX_ERROR_RE.exec(line);
    if (n) return { family: 'nginx-error', ts: n[1]!, msg: line.slice(n[0].length) };
  }
  const acc = ACCESS_RE.exec(line);
  if (acc) return { family: 'http-access', ts: acc[1]!, msg: line };
  // Apache's vhost_combined puts `%v:%p ` first: the rest is the combined format. (No plain line
  // with a one-word user name reads this way too: its client, ident and user fields would be a
  // fourth field before `[`.)
  const vhost = VHOST_PREFIX_RE.exec(line);
  const rest = vhost ? line.slice(vhost[0].length) : undefined;
  if (rest !== undefined) {
    const v = ACCESS_RE.exec(rest);
    if (v) return { family: 'http-access', ts: v[1]!, msg: rest };
  }
  const spaced = accessWithSpacedUser(line, rest);
  if (spaced) return spaced;

  // Asterisk through journald: the level without a timestamp
  const ast = parseAsteriskBody(line, 0);
  if (ast) return ast;
  return (colours ? uncoloured(line) : undefined) ?? { family: 'unknown', msg: line };
}

// SGR sequences (colours, bold): Asterisk's console colours its level and source file, and they
// stay in what `docker logs`, `journalctl -o cat` or a terminal capture keep of it
const SGR_RE = /\x1b\[[0-9;]{0,32}m/g;

/**
 * The envelope of a coloured Asterisk console line, once its colour codes are taken out: only an
 * Asterisk envelope is taken, since only Asterisk's console colours its lines, so attacker text
 * holding escape codes in another program's line (a FreePBX user name) changes nothing. One pass,
 * parsed once more without this fallback: nested codes (`\x1b[\x1b[mm`) cost one scan, not one per
 * level. What is left is text the attacker could have written directly.
 */
function uncoloured(line: string): Envelope | undefined {
  if (!line.includes('\x1b[')) return undefined;
  const plain = line.replace(SGR_RE, '');
  if (plain === line) return undefined;
  const env = parseEnvelope(plain, false);
  return env.family === 'asterisk' ? env : undefined;
}

/**
 * An access line whose user name holds spaces, vhost_combined or plain. Such a name makes the two
 * forms overlap (`vhost:80 client - a b` also reads as client `vhost:80` with ident `client`):
 * vhost_combined is taken first, as for one-word names above, since a plain line reads that way
 * only with an address for its ident (identd's answer).
 */
function accessWithSpacedUser(line: string, vhostRest: string | undefined): Envelope | undefined {
  const vhost = vhostRest !== undefined ? ACCESS_SPACED_RE.exec(vhostRest) : null;
  if (vhost !== null) return { family: 'http-access', ts: vhost[1]!, msg: vhostRest! };
  const plain = ACCESS_SPACED_RE.exec(line);
  return plain !== null ? { family: 'http-access', ts: plain[1]!, msg: line } : undefined;
}

// rsyslog's RepeatedMsgReduction (on in Ubuntu's rsyslog.conf) writes the repeats of a message as
// one line: `sshd[9]: message repeated 5 times: [ Failed password for root from … ssh2]`, the
// message after `[ ` (up to 800 chars), and the count of copies it stands for.
const REPEATED_RE = /^message repeated (\d{1,9}) times: \[ ?(.*)\]$/;
/** copies one line stands for, at most: bounded work whatever the count says */
export const MAX_REPEATS = 100;

function withProgram(program: string, ts: string | undefined, rest: string, pid?: string): Envelope {
  // sshd's messages start with its own words, so this prefix is rsyslog's; a program whose message
  // may start with client text could forge it and multiply one line into a ban: sshd only
  const repeated = SSHD_PROGRAMS.has(program) && rest.startsWith('message repeated ') ? REPEATED_RE.exec(rest) : null;
  if (repeated === null) return programEnvelope(program, ts, rest, pid);
  const env = programEnvelope(program, ts, repeated[2]!, pid);
  env.repeats = Math.min(MAX_REPEATS, Number(repeated[1]));
  return env;
}

function programEnvelope(program: string, ts: string | undefined, rest: string, pid?: string): Envelope {
  if (program === 'asterisk') {
    // the Asterisk line inside syslog may carry its own `[date] ` too
    let body = rest;
    let ownTs: string | undefined;
    if (body.charCodeAt(0) === 0x5b) {
      const close = body.indexOf('] ', 1);
      if (close > 0 && close < 48 && parseAsteriskBody(body, 0) === undefined) {
        ownTs = body.slice(1, close);
        body = body.slice(close + 2);
      }
    }
    const env = parseAsteriskBody(body, 0);
    if (env) {
      env.program = program;
      env.ts = ownTs ?? ts;
      if (ownTs !== undefined && ts !== undefined) env.outerTs = ts;
      return env;
    }
  }
  if (SSHD_PROGRAMS.has(program)) {
    const env: Envelope = { family: 'sshd', program, msg: stripSshdTags(rest) };
    if (ts !== undefined) env.ts = ts;
    if (pid !== undefined) env.pid = pid;
    return env;
  }
  const slash = program.indexOf('/');
  if (APACHE_PROGRAMS.has(slash < 0 ? program : program.slice(0, slash))) {
    const env: Envelope = { family: 'apache-error', program, msg: rest };
    if (ts !== undefined) env.ts = ts;
    return env;
  }
  if (program === 'nginx') {
    const n = NGINX_IN_SYSLOG_RE.exec(rest);
    if (n) return { family: 'nginx-error', program, ts: n[1]!, msg: rest.slice(n[0].length) };
  }
  if (program === FREEPBX_SECURITY_PROGRAM) {
    // Monolog through syslog keeps its own `[date] ` before the channel
    const f = FREEPBX_SECURITY_RE.exec(rest);
    if (f) return { family: 'syslog', program, ts: f[1]!, msg: rest.slice(f[0].length) };
  }
  const env: Envelope = { family: 'syslog', program, msg: rest };
  if (ts !== undefined) env.ts = ts;
  return env;
}

/** Solaris `[ID n auth.info] ` and a kernel-style uptime stamp are envelope, not sshd's message. */
function stripSshdTags(msg: string): string {
  if (msg.charCodeAt(0) === 0x5b /* [ */) {
    const m = SOLARIS_ID_RE.exec(msg);
    if (m) return msg.slice(m[0].length);
  } else if (msg.startsWith('kernel:')) {
    const m = KERNEL_STAMP_RE.exec(msg);
    if (m) return msg.slice(m[0].length);
  }
  return msg;
}

/**
 * RFC 5424 header and structured data. SD-PARAM values are quoted and may hold `]` and `\"`
 * escapes, so the data is scanned, not matched with a regex.
 */
function parseRfc5424(line: string): Envelope | undefined {
  const h = RFC5424_RE.exec(line);
  if (!h) return undefined;
  let i = h[0].length;
  if (line.charCodeAt(i) === 0x2d /* - */) {
    i += 1;
  } else {
    while (line.charCodeAt(i) === 0x5b /* [ */) {
      i++;
      let quoted = false;
      for (; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (quoted) {
          if (c === 0x5c /* \ */) i++;
          else if (c === 0x22 /* " */) quoted = false;
        } else if (c === 0x22) {
          quoted = true;
        } else if (c === 0x5d /* ] */) {
          break;
        }
      }
      if (i >= line.length) return undefined;
      i++;
    }
  }
  if (line.charCodeAt(i) !== 0x20) return undefined;
  let rest = line.slice(i + 1);
  // a UTF-8 byte order mark may start MSG (three chars when the file reader decoded bytes as latin1)
  if (rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
  else if (rest.startsWith('\u00ef\u00bb\u00bf')) rest = rest.slice(3);
  return withProgram(h[2]!, h[1], rest, h[3] === '-' ? undefined : h[3]);
}

/**
 * `LEVEL[lwp][C-id] file: msg` (default format) or `LEVEL[lwp]: file:line [in] function: msg`
 * (plain, syslog), starting at `from`. Scanned by hand: this runs on every Asterisk line, and the
 * equivalent regex was 2-3% of parse time in profiles, with a match array per line.
 */
function parseAsteriskBody(line: string, from: number): Envelope | undefined {
  if (!scanAsteriskBody(line, from)) return undefined;
  return { family: 'asterisk', file: fileName(line, scan.fileStart, scan.fileEnd), msg: line.slice(scan.msgStart), ts: undefined };
}

/** Where the last successful `scanAsteriskBody` found the parts (one shared record: no object per line). */
const scan = { fileStart: 0, fileEnd: 0, msgStart: 0, tsEnd: 0 };

function scanAsteriskBody(line: string, from: number): boolean {
  let i = from;
  const n = line.length;
  while (i < n && i - from <= 10) {
    const c = line.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) break;
    i++;
  }
  const levelLength = i - from;
  if (levelLength < 3 || levelLength > 10) return false;
  if (line.charCodeAt(i) === 0x20) i++;
  if (line.charCodeAt(i) !== 0x5b /* [ */) return false;
  const digits = ++i;
  while (i < n && i - digits <= 10 && line.charCodeAt(i) >= 0x30 && line.charCodeAt(i) <= 0x39) i++;
  if (i === digits || i - digits > 10 || line.charCodeAt(i) !== 0x5d /* ] */) return false;
  i++;
  if (line.charCodeAt(i) === 0x5b && line.charCodeAt(i + 1) === 0x43 /* C */ && line.charCodeAt(i + 2) === 0x2d /* - */) {
    const close = line.indexOf(']', i + 3);
    if (close < 0 || close - (i + 3) > 16 || close === i + 3) return false;
    for (let j = i + 3; j < close; j++) {
      const c = line.charCodeAt(j);
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
    }
    i = close + 1;
  }
  if (line.charCodeAt(i) === 0x3a /* : */) i++;
  if (line.charCodeAt(i) !== 0x20) return false;
  const start = i + 1;
  const colon = line.indexOf(':', start);
  if (colon < 0) return false;
  // the message starts after the first `: `, usually the colon after the file
  const sep = line.charCodeAt(colon + 1) === 0x20 ? colon : line.indexOf(': ', colon + 1);
  if (sep < 0) return false;
  scan.fileStart = start;
  scan.fileEnd = line.charCodeAt(start) === 0x45 /* E */ && line.startsWith('Ext. ', start) ? start + 4 : colon;
  scan.msgStart = sep + 2;
  return true;
}

/**
 * The Asterisk source file of a line in Asterisk's own file format (`[date] LEVEL[…] file: …`),
 * read exactly as `parseEnvelope` reads it, or undefined for any other line. Builds nothing:
 * most lines of a busy PBX's log come from files no rule reads (pbx.c, app_dial.c), and the
 * replay hot path drops them with this alone. `asteriskEnvelope` then builds the envelope of a
 * line this accepted, without reading it again. asterisk-bytes.ts reads the same envelope from
 * bytes: a change here is a change there (its test checks the two agree).
 */
export function asteriskFileOf(line: string): string | undefined {
  if (line.charCodeAt(0) !== 0x5b /* [ */) return undefined;
  const close = line.indexOf('] ', 1);
  if (close <= 0 || close >= 48 || !scanAsteriskBody(line, close + 2)) return undefined;
  scan.tsEnd = close;
  return fileName(line, scan.fileStart, scan.fileEnd);
}

/** The envelope of the line `asteriskFileOf` just accepted, whose file it returned. */
export function asteriskEnvelope(line: string, file: string): Envelope {
  return asteriskEnvelopeAt(line, file, scan.tsEnd, scan.msgStart);
}

/** The envelope of an Asterisk line whose parts were found elsewhere (asterisk-bytes.ts). */
export function asteriskEnvelopeAt(line: string, file: string, tsEnd: number, msgStart: number): Envelope {
  return { family: 'asterisk', file, msg: line.slice(msgStart), ts: line.slice(1, tsEnd) };
}

// Asterisk source file names seen recently, so a line's file is one shared string: rule lookup by
// file then hashes nothing, and no name is cut from the line (a log has a few dozen files)
const recentFiles: string[] = [];
export const MAX_RECENT_FILES = 64;
export const MAX_CACHED_NAME = 64;

/** The source file name at `line[start, end)`, as one shared string per name (see recentFiles). */
export function fileName(line: string, start: number, end: number): string {
  const length = end - start;
  for (let k = 0; k < recentFiles.length; k++) {
    const f = recentFiles[k]!;
    if (f.length === length && line.startsWith(f, start)) {
      // move towards the front: the busiest files are found first
      if (k > 0) {
        recentFiles[k] = recentFiles[k - 1]!;
        recentFiles[k - 1] = f;
      }
      return f;
    }
  }
  const name = line.slice(start, end);
  // a full cache is not grown, nor does it take long names: those are cut per line (any local user
  // can write `asterisk` lines to syslog)
  if (recentFiles.length < MAX_RECENT_FILES && length <= MAX_CACHED_NAME) recentFiles.push(detach(name));
  return name;
}
