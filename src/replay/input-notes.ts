/**
 * @module What replay tells its reader about the input itself, beside the attacks: rotated files of
 * one log given newest first, lines of one file going back in time, two files holding the same
 * events, a file that is no log at all or a gzip file cut short, and lines in an attack format too
 * long to read. All end up in the summary's warnings.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { SecurityEvent } from '../core/events.js';
import type { PipelineSink } from '../pipeline/pipeline.js';
import { afterNuls } from '../sources/line-reader.js';
import { SIP_DEBUG_MARKER, type ForgeableForm, type ParseNotes } from '../parse/line-parser.js';
import { fmtDuration } from '../detect/attack-windows.js';
import { DECOY_CHECK_FROM, MAX_MULTI_ANY_INPUT } from '../parse/rules/compile.js';
import { logOf } from './file-order.js';

/**
 * The checks on the input that look at every event, as one pipeline sink: each sink more on the
 * per-event path cost more than its own work (a fourth sink class made the call site megamorphic:
 * ~2.5% of a realistic replay).
 */
export class InputChecks implements PipelineSink {
  private readonly order = new RotationOrder();
  private readonly repeated = new RepeatedEvents();

  event(ev: SecurityEvent): void {
    this.order.event(ev);
    this.repeated.event(ev);
  }

  /** Ends a file; returns the warnings about it. */
  fileDone(name: string): string[] {
    const [first, last] = this.order.span();
    return [...this.order.fileDone(name), ...this.repeated.fileDone(name, first, last)];
  }
}

/**
 * Notices files of one log that overlap in time, and a file whose own lines go back in time:
 * windows and ban times run on the lines' own times in the order read (file-order.ts reads the
 * files of a log by their first times), so a burst across such a jump may be missed. Files of
 * different logs (messages, security) overlap in time by nature and are not compared.
 */
export class RotationOrder {
  private first = Infinity;
  private last = -Infinity;
  /** the furthest an event of this file went back before the latest one read before it, and where to */
  private back = 0;
  private backTo = 0;
  /** latest event time of each log read so far (by name without rotation suffixes) */
  private readonly lastByLog = new Map<string, { at: number; file: string }>();

  /** Every event of the file being read (a pipeline sink: the same events whoever parsed them). */
  event(ev: SecurityEvent): void {
    if (ev.at < this.first) this.first = ev.at;
    if (ev.at > this.last) this.last = ev.at;
    else if (this.last - ev.at > this.back) {
      this.back = this.last - ev.at;
      this.backTo = ev.at;
    }
  }

  /** The times of the file's first and last events so far. */
  span(): [number, number] {
    return [this.first, this.last];
  }

  /**
   * Ends a file; returns warnings when it starts before an earlier file of the same log ended, and
   * when its own lines go back in time further than threads log late.
   */
  fileDone(name: string): string[] {
    const log = logOf(name);
    const prev = this.lastByLog.get(log);
    const warnings: string[] = [];
    if (prev !== undefined && this.first < prev.at - ORDER_SLACK_MS) {
      warnings.push(`${name} starts (${isoTime(this.first)}) before ${prev.file} ends (${isoTime(prev.at)}): files of one log that overlap in time (copies, or a file whose first lines have no time pbxguard reads) are read one after the other, so a burst across them may have been missed`);
    }
    if (this.back > ORDER_SLACK_MS) {
      // local times of the hour the clocks go back over name two instants; the first is taken
      const dst = inRepeatedHour(this.backTo)
        ? '; that is in the hour repeated when the clocks went back, where a time without a UTC offset is read as the first of its two instants, an hour early for lines of the second'
        : '';
      // to the minute past an hour (fmtDuration writes what it is given exactly)
      const back = this.back >= 3_600_000 ? Math.round(this.back / 60_000) * 60_000 : this.back;
      warnings.push(`${name}: its lines go back in time by up to ${fmtDuration(back)} (to ${isoTime(this.backTo)}): windows counted them by their own times, but only those ending within a minute after such a line were judged (a burst across the jump may have been missed), and decisions came in the order read${dst}`);
    }
    if (this.last > (prev?.at ?? -Infinity)) this.lastByLog.set(log, { at: this.last, file: name });
    this.first = Infinity;
    this.last = -Infinity;
    this.back = 0;
    return warnings;
  }
}

/** Whether the local wall-clock time at `t` comes again an hour later (the clocks went back). */
function inRepeatedHour(t: number): boolean {
  const a = new Date(t);
  const b = new Date(t + 3_600_000);
  return a.getHours() === b.getHours() && a.getMinutes() === b.getMinutes() && a.getDate() === b.getDate();
}

/**
 * Notices two files that hold the same events: Asterisk's `full` and `messages` logs (logger.conf's
 * defaults write each line to both), sshd's auth.log and a `journalctl -u ssh` export of the same
 * days, one file given twice. Each attempt in both is counted twice, and nothing in a line tells.
 * Each file keeps a bounded sample of its events, chosen by a hash of the event, so two files
 * holding the same event sample it alike; files whose times overlap are compared at the end of
 * the later one.
 */
export class RepeatedEvents {
  private readonly done: SampledFile[] = [];
  private current = new SampledFile();

  event(ev: SecurityEvent): void {
    if (ev.ip !== undefined) this.current.add(ev, ev.ip);
  }

  /** Ends a file (its events' times from `first` to `last`); returns a warning when it holds the events of an earlier one. */
  fileDone(name: string, first: number, last: number): string[] {
    const file = this.current;
    this.current = new SampledFile();
    file.name = name;
    file.first = first;
    file.last = last;
    if (file.keys.size === 0) return [];
    const warnings: string[] = [];
    for (const earlier of this.done) {
      if (earlier.last < file.first || file.last < earlier.first) continue;
      if (!file.sameEventsAs(earlier)) continue;
      warnings.push(`${earlier.name} and ${name} hold the same events (the same log twice, such as Asterisk's full and messages logs, or auth.log and a journalctl export of sshd): each attempt in both was counted twice, so bans may rest on double counts: give each log once`);
      break;
    }
    this.done.push(file);
    if (this.done.length > MAX_FILES_COMPARED) this.done.shift();
    return warnings;
  }
}

/** Files remembered for the comparison (the latest; overlapping files are given near each other). */
const MAX_FILES_COMPARED = 32;
/** Sampled events kept per file: the sampling rate halves when a file has more. */
const MAX_SAMPLED = 2048;
/** Sampled events two files must share, and the share of the smaller sample, to be the same log. */
const MIN_SHARED = 3;
const MIN_SHARED_PART = 0.5;

class SampledFile {
  name = '';
  /** its events' times, from first to last (set when the file is done) */
  first = Infinity;
  last = -Infinity;
  /** an event is kept when its hash is below this: all of them at first */
  threshold = 2 ** 32;
  /** a hash of the event's whole identity (identityOf) → its sampling hash */
  readonly keys = new Map<number, number>();

  add(ev: SecurityEvent, ip: string): void {
    const second = Math.floor(ev.at / 1000);
    // a cheap hash of what differs between events (their second, port and address's end): the same
    // event in two files gets the same one, whatever its line's precision below the second
    let h = Math.imul(second, 0x9e3779b1) ^ Math.imul((ev.port ?? 0) + 1, 0x85ebca6b) ^ (ip.charCodeAt(ip.length - 1) << 8) ^ ip.charCodeAt(ip.length - 2);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    h = (h ^ (h >>> 16)) >>> 0;
    if (h >= this.threshold) return;
    this.keys.set(identityOf(ev, ip, second), h);
    if (this.keys.size <= MAX_SAMPLED) return;
    this.threshold /= 2;
    for (const [key, kh] of this.keys) if (kh >= this.threshold) this.keys.delete(key);
  }

  /** Whether most events sampled by both files' rates are in both. */
  sameEventsAs(other: SampledFile): boolean {
    const t = Math.min(this.threshold, other.threshold);
    let mine = 0;
    let shared = 0;
    for (const [key, h] of this.keys) {
      if (h >= t) continue;
      mine++;
      if (other.keys.has(key)) shared++;
    }
    let theirs = 0;
    for (const h of other.keys.values()) if (h < t) theirs++;
    return shared >= MIN_SHARED && shared >= MIN_SHARED_PART * Math.min(mine, theirs);
  }
}

/**
 * A 32-bit FNV-1a hash of what makes an event the same in two files: source, service, kind,
 * address, port, account and second. A number, not a joined string: no text to build or keep
 * (building one per sampled event cost ~2% of a realistic replay), and two events of a sample of
 * 2,048 meet on a false match about once in two million.
 */
function identityOf(ev: SecurityEvent, ip: string, second: number): number {
  let h = mixText(mixText(mixText(mixText(mixText(0x811c9dc5, ev.source), ev.service), ev.kind), ip), ev.account ?? '');
  h = Math.imul(h ^ (ev.port ?? 0), 0x01000193);
  return Math.imul(h ^ (second | 0), 0x01000193) >>> 0;
}

/** FNV-1a of a text's UTF-16 units, and a separator after it. */
function mixText(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0xffff, 0x01000193);
}

// lines of one file are not strictly in order either (threads log late)
const ORDER_SLACK_MS = 60_000;

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '?';
}

/**
 * A warning when a file's first bytes are not text: a binary given by mistake (a core file, a
 * database) replays as noise and finds nothing, which the summary alone would not tell.
 */
export function binaryWarning(file: string, name: string): string | undefined {
  const head = Buffer.alloc(4096);
  let n = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
      // a file whose whole head is NULs is one that copytruncate rotated while its writer held the
      // old offset (the reader skips the hole): what follows the hole is judged, not the hole
      if (n > 0 && afterNuls(head, 0, n) === n) {
        const text = endOfHole(fd, head);
        n = text === undefined ? 0 : readSync(fd, head, 0, head.length, text);
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  // gzip is read decompressed
  if (n === 0 || (head[0] === 0x1f && head[1] === 0x8b)) return undefined;
  const known = KNOWN_BINARIES.find((k) => k.is(head.subarray(0, n)));
  if (known !== undefined) return `${name} is ${known.what}: ${known.read.replaceAll('FILE', name)} | pbxguard replay -`;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x1b) || c === 0x7f) control++;
  }
  return control * 10 > n ? `${name} does not look like a log: ${control} of its first ${n} bytes are control bytes` : undefined;
}

/** Binary files a log is often kept in, by their first bytes, and how to read them. */
const KNOWN_BINARIES: Array<{ is: (head: Buffer) => boolean; what: string; read: string }> = [
  { is: startsWith('LPKSHHRH'), what: 'a binary systemd journal', read: 'journalctl --file FILE -o short-iso' },
  { is: startsWith('\xfd7zXZ\x00'), what: 'xz-compressed (pbxguard reads gzip only)', read: 'xzcat FILE' },
  { is: startsWith('\x28\xb5\x2f\xfd'), what: 'zstd-compressed (pbxguard reads gzip only)', read: 'zstdcat FILE' },
  // `BZh`, the block size, then the first block's own magic (a text line may start with BZh)
  { is: (h) => startsWith('BZh')(h) && h[3]! >= 0x31 && h[3]! <= 0x39 && startsWith('1AY&SY')(h.subarray(4)), what: 'bzip2-compressed (pbxguard reads gzip only)', read: 'bzcat FILE' },
];

function startsWith(latin1: string): (head: Buffer) => boolean {
  const magic = Buffer.from(latin1, 'latin1');
  return (head) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

/** NULs looked through for text before a file is taken for a hole alone (and not judged) */
const MAX_HOLE_LOOKED_THROUGH = 64 << 20;

/** The offset of the first byte that is not NUL, within MAX_HOLE_LOOKED_THROUGH (`buf` is scratch). */
function endOfHole(fd: number, buf: Buffer): number | undefined {
  for (let at = 0; at < MAX_HOLE_LOOKED_THROUGH; ) {
    const n = readSync(fd, buf, 0, buf.length, at);
    if (n === 0) return undefined;
    const text = afterNuls(buf, 0, n);
    if (text < n) return at + text;
    at += n;
  }
  return undefined;
}

/** A SIP request or status line, as a packet copied into a log starts (pjproject ignores their case). */
const SIP_START_LINE = /^(?:[A-Za-z]{3,12} sips?:\S{0,1024} SIP\/2\.0$|SIP\/2\.0 \d{3} )/i;

/** Lines in no known format, at least, and at least a tenth of a file's, for a warning about part of a file. */
const MIN_FOREIGN_WARNED = 10;

/** What a line in no known format suggests the file is, and what to do about it. */
function foreignHint(line: string): string {
  if (line.startsWith('{') && line.includes('"__CURSOR"')) return ' (journalctl -o json: export with -o short-iso instead)';
  if (line.startsWith('__CURSOR=') || line.startsWith('__REALTIME_TIMESTAMP=')) return ' (journalctl -o export: export with -o short-iso instead)';
  if (line.startsWith('-- No entries --')) return " (journalctl matched no entries: is the unit's name right? Debian's sshd is ssh.service)";
  // a packet's text is its sender's, and Asterisk writes it as it came: lines shaped like its own
  // in a packet are read as if Asterisk wrote them
  if (SIP_DEBUG_MARKER.test(line) || SIP_START_LINE.test(line)) return " (SIP packets, as `sip set debug on` or `pjsip set logger on` write them into the log: a packet's text is its sender's, and lines in it shaped like Asterisk's are read as Asterisk's; give the messages log, which holds no packets, or turn SIP debugging off)";
  return ' (if this is a journalctl export: -o cat leaves out the program name pbxguard places lines by, export with -o short-iso)';
}

/** Lines after one of a forgeable form were reported, not counted: why, in the words of the form. */
export function forgeableWarning(name: string, events: number, form: ForgeableForm | undefined, line: number | undefined): string {
  const these = events === 1 ? '1 event' : `${events.toLocaleString('en-US')} events`;
  const from = line !== undefined ? ` from line ${line.toLocaleString('en-US')} on` : '';
  const why =
    form === 'sip-packet'
      ? "the file holds SIP packets that SIP debugging wrote into it (sip set debug on, pjsip set logger on), whose text is the sender's and can hold whole lines shaped like Asterisk's naming any address; give the messages log, which holds none of SIP debugging's packets, or turn SIP debugging off"
      : "the file holds freepbx_security.log lines as FreePBX 14 and earlier write them, where one login's user name with line breaks writes lines of its own, in any log's format, naming any address (FreePBX 15 and later write a form that cannot be forged: after an upgrade, give the files rotated since)";
  return `${name}: ${these}${from} not counted towards bans, nor as attempts: ${why}`;
}

/** A file with no lines at all: a wrong file, or an export that matched nothing. */
export function emptyWarning(name: string): string {
  return `${name} is empty: no lines were read (the wrong file, or a journalctl query that matched nothing?)`;
}

/** A gzip file that ends early (a copy interrupted, a disk full while rotating) was read up to the cut. */
export function cutGzipWarning(name: string, lines: number): string {
  return `${name}: the gzip data ends early (the file was cut short): its ${lines.toLocaleString('en-US')} lines up to there were read, the rest is lost`;
}

/**
 * What the parser of a file could not read as it should. A file with no line in a format pbxguard
 * reads is likely the wrong one. Lines in an attack format too long (or too
 * full of decoys) to read safely were not read: padding is a way to hide an attack, and it must
 * show. Events whose line has no timestamp pbxguard reads were dated with the file's modification
 * time (a pipe's: the time of the run) and not counted: their windows would see them all at once.
 */
export function parseWarnings(name: string, notes: ParseNotes, reference: number, readNow: boolean, lines: number): string[] {
  const out: string[] = [];
  // "no attacks found" in a file pbxguard cannot read says nothing: the reader should know
  const sample = notes.firstForeign !== undefined ? `, such as "${notes.firstForeign}"${foreignHint(notes.firstForeign)}` : '';
  if (lines > 0 && notes.foreign === lines) {
    out.push(`${name}: none of its lines is in a log format pbxguard reads (Asterisk, syslog or journal, Apache, nginx)${sample}: is it the right file?`);
  } else if (notes.foreign >= MIN_FOREIGN_WARNED && notes.foreign * 10 >= lines) {
    // a part of a file unread may be an attack unseen (sshd's lines in a journalctl -o cat export)
    out.push(`${name}: ${notes.foreign.toLocaleString('en-US')} of its ${lines.toLocaleString('en-US')} lines are in no log format pbxguard reads${sample}`);
  }
  if (notes.tooLong > 0) {
    const these = notes.tooLong === 1 ? '1 line' : `${notes.tooLong} lines`;
    out.push(`${name}: ${these} in an attack format not read, over ${MAX_MULTI_ANY_INPUT / 1024} KiB (longer than its program writes) or over ${DECOY_CHECK_FROM / 1024} KiB and full of decoys (padding may hide an attack: --explain shows them)`);
  }
  if (notes.undated > 0) {
    const when = readNow ? 'the time of this run' : `the file's modification time (${isoTime(reference)})`;
    const have = notes.undated === 1 ? '1 event has no timestamp pbxguard reads in its line and was' : `${notes.undated} events have no timestamp pbxguard reads in their lines and were`;
    // a time in a form pbxguard does not read, or none at all
    const why = notes.firstUnreadTime !== undefined ? `times such as "${notes.firstUnreadTime}" are in a form pbxguard does not read (Asterisk's dateformat in logger.conf?)` : 'journalctl -o cat writes no times: export with -o short-iso';
    out.push(`${name}: ${have} dated with ${when} and not counted towards bans (at one time, a slow trickle would look like a burst; ${why})`);
  }
  return out;
}
