/** @module One log line in, one match result out: envelope, timestamp and rule pack together. */
import type { Envelope } from './envelope.js';
import { asteriskEnvelope, asteriskEnvelopeAt, asteriskFileOf, fileName, parseEnvelope } from './envelope.js';
import type { MatchContext, MatchResult, RulePack } from './matcher.js';
import { ATTACK_KINDS, type EventKind, type SecurityEvent } from '../core/events.js';
import { TimestampResolver } from './timestamp.js';
import { detach } from '../core/detach.js';
import { AsteriskBytes, RULELESS, SHAPED } from './asterisk-bytes.js';

/**
 * The address each process's lines named last, for lines that carry none (sshd's `Disconnecting:
 * Too many authentication failures`, kex errors), and whether the connection was counted already,
 * for the line that ends it. Bounded in size and age: a pid is reused, and an address older than
 * SESSION_TTL is not trusted to still be that process's peer. A connection's end is kept as such
 * (`ended`): the process is known to have no peer now, which a parse worker must tell apart from a
 * process it never saw.
 */
export class SessionAddresses {
  private readonly byKey = new Map<string, Session>();

  lookup(key: string, now: number): string | undefined {
    const s = this.live(key, now);
    return s !== undefined && !s.ended ? s.ip : undefined;
  }

  /**
   * Whether an earlier line of the process's connection from `ip` and `port` was counted (an attack
   * kind, or its end). Port 0 is unknown and matches any: a reused pid's new connection from the
   * same address has another port.
   */
  counted(key: string, ip: string, port: number, now: number): boolean {
    const s = this.live(key, now);
    return s !== undefined && s.counted && s.ip === ip && (port === 0 || s.port === 0 || s.port === port);
  }

  private live(key: string, now: number): Session | undefined {
    const s = this.byKey.get(key);
    return s !== undefined && Math.abs(now - s.at) <= SESSION_TTL ? s : undefined;
  }

  /** Whether any line of this process named an address or ended its connection (however long ago). */
  knows(key: string): boolean {
    return this.byKey.has(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** calls of `set` so far */
  remembered = 0;

  /**
   * An event of the process named `ip`: an attack kind counts its connection. Any other (a
   * `connect`, a login) leaves it uncounted, whatever came before: what a line leaves must not
   * depend on earlier lines, or a parse worker, which has not seen them, would leave another state.
   */
  remember(key: string, ip: string, port: number, at: number, kind: EventKind): void {
    this.set(key, ip, port, at, ATTACK_KINDS.has(kind), false);
  }

  /**
   * The process's connection with `ip` ended, counted either way (by its earlier lines or by the
   * line that ends it): another line ending it adds nothing, and a line without an address takes none from it.
   */
  end(key: string, ip: string, port: number, at: number): void {
    this.set(key, ip, port, at, true, true);
  }

  /** As `entries` gave it (the main thread takes a parse worker's table this way). */
  set(key: string, ip: string, port: number, at: number, counted: boolean, ended: boolean): void {
    this.remembered++;
    this.byKey.delete(key);
    if (this.byKey.size >= MAX_SESSIONS) this.dropOldest();
    this.byKey.set(detach(key), { ip: detach(ip), port, at, counted, ended });
  }

  /**
   * Drops the least recently changed process. Through one iterator kept across calls: a new one
   * per drop walked the deleted entries before the first live one, all of them each time (a quarter
   * of a replay of 120k sshd connections). Entries before the iterator are all dropped or moved
   * to the back (changed again), so its next one is the oldest.
   */
  private dropOldest(): void {
    let next = this.oldest?.next();
    if (next === undefined || next.done === true) {
      this.oldest = this.byKey.keys();
      next = this.oldest.next();
    }
    if (next.done !== true) this.byKey.delete(next.value);
  }

  private oldest: Iterator<string> | undefined;

  /** Whether one of `keys` is among the `n` least recently changed processes (the next `n` a full table drops). */
  amongOldest(keys: ReadonlySet<string>, n: number): boolean {
    for (const key of this.byKey.keys()) {
      if (n-- <= 0) return false;
      if (keys.has(key)) return true;
    }
    return false;
  }

  /** Every process's state, least recently changed first: [key, ip, port, at, counted, ended]. */
  entries(): Array<[string, string, number, number, boolean, boolean]> {
    return [...this.byKey].map(([key, s]) => [key, s.ip, s.port, s.at, s.counted, s.ended]);
  }
}

interface Session {
  ip: string;
  /** 0 when the line named none */
  port: number;
  at: number;
  /** a line of the connection was counted */
  counted: boolean;
  /** a line ended the connection: the process has no peer until a line names one again */
  ended: boolean;
}

/** The process a line comes from (`sshd[812]`), when its envelope names one. */
function sessionKeyOf(env: Envelope): string | undefined {
  return env.pid !== undefined ? `${env.program ?? ''}[${env.pid}]` : undefined;
}

const SESSION_TTL = 10 * 60_000;
/** the start of a file's first line in no known format kept for its warning */
const FOREIGN_SAMPLE_CHARS = 120;
// Every connection's end is kept (a scanner's one-line connections too), and a parse worker's
// block is parsed again on the main thread once the table may have evicted what a handed-back line
// needs (ParsePool.redo): room for a busy host's connections of a long log (~10 MB at most). Not
// pruned by age: with lines out of time order, what is expired for one line is not for the next.
export const MAX_SESSIONS = 65_536;

/** What a parser could not read as it should, counted per file; the run's warnings say so. */
export interface ParseNotes {
  /**
   * lines in a rule's format too long to be one its program wrote, or long and full of decoys (see
   * `runnable`): not read, and counted, because padding a line must not make it vanish unseen
   */
  tooLong: number;
  /** events whose line has no timestamp pbxguard reads: dated with the file's time instead */
  undated: number;
  /** lines in no log format pbxguard reads (a file of them all is likely the wrong file) */
  foreign: number;
  /** the first of them (its start) and its line number, for the warning: its shape often tells what the file is */
  firstForeign?: string;
  firstForeignLine?: number;
  /** the first timestamp text pbxguard could not read (an Asterisk dateformat of its own), for the warning */
  firstUnreadTime?: string;
  /** what made the file's later lines forgeable (LineParser.forgedFile), and at which line */
  forgedBy?: ForgeableForm;
  forgedLine?: number;
}

/**
 * Forms of a line that mean the rest of its file may be forged: FreePBX 14's freepbx_security.log
 * (Envelope.forgeable), and a SIP packet that SIP debugging wrote into Asterisk's log (its text is
 * the sender's, line breaks included, so a packet can hold whole lines shaped like Asterisk's).
 */
export type ForgeableForm = 'freepbx' | 'sip-packet';

/**
 * The line SIP debugging writes before each packet it copies into the log: chan_sip's (`sip set
 * debug on`, a line of no log format) and res_pjsip_logger's (`pjsip set logger on`, the message of
 * an Asterisk line). Only an administrator turns either on. Not a packet's own first line: a packet
 * pjproject could not parse is copied into the log by default (older pjproject) whatever it holds,
 * and a scanner's malformed packet would then stop all counting (left as it is: see PACKET_LOGGERS).
 */
export const SIP_DEBUG_MARKER = /^<-{2,3} (?:SIP read from|Transmitting|Reliably Transmitting|Received SIP)/;
/** Asterisk source files whose lines a rule never reads, but whose SIP debug markers are looked for */
const PACKET_LOGGERS: ReadonlySet<string> = new Set(['res_pjsip_logger.c']);

/** Adds `b`'s counts to `a`. */
export function addNotes(a: ParseNotes, b: ParseNotes): void {
  a.tooLong += b.tooLong;
  a.undated += b.undated;
  a.foreign += b.foreign;
  // the earliest line's, whichever parser saw it (a block parsed again on the main thread comes last)
  if (b.firstForeign !== undefined && (a.firstForeign === undefined || before(b.firstForeignLine, a.firstForeignLine))) {
    a.firstForeign = b.firstForeign;
    a.firstForeignLine = b.firstForeignLine;
  }
  a.firstUnreadTime ??= b.firstUnreadTime;
  if (b.forgedBy !== undefined && (a.forgedBy === undefined || before(b.forgedLine, a.forgedLine))) {
    a.forgedBy = b.forgedBy;
    a.forgedLine = b.forgedLine;
  }
}

/** Whether line `x` comes before line `y` (a line without a number comes last). */
const before = (x: number | undefined, y: number | undefined): boolean => (x ?? Infinity) < (y ?? Infinity);

export interface ParsedLine {
  env: Envelope;
  result: MatchResult;
  /** the source the line came from */
  file: string | undefined;
  /** attempts its event stands for (LineParser.repeats) */
  repeats: number;
}

/**
 * Parses the lines of one source; `referenceMs` dates year-less timestamps and lines without any.
 * `latin1`: lines come from the file reader, one char per byte (see sources/line-reader.ts).
 */
export class LineParser {
  private readonly ts: TimestampResolver;

  constructor(
    private readonly pack: RulePack,
    private readonly referenceMs: number,
    private readonly file?: string,
    latin1 = false,
    /**
     * A parse worker's parser: a line that depends on earlier lines it has not seen (missedEarlier)
     * gives no event and no note, since the main thread parses it again and counts it then.
     */
    private readonly handsBack = false,
    /**
     * The file is FreePBX's own log (isFreePbxLog of its head); undefined: decided by its first line
     * in a known format (stdin, which cannot be looked at ahead). Its lines are read only in such a file.
     */
    private freePbxLog: boolean | undefined = undefined,
  ) {
    this.ts = new TimestampResolver(referenceMs);
    this.ctx = { at: referenceMs, file, latin1 };
  }

  private readonly ctx: MatchContext;

  /** The line with its envelope and the rule pack's full answer (for `--explain` and tests). */
  parse(line: string, lineNo?: number): ParsedLine {
    // as eventOf places it, so --explain tells what was read
    const env = this.placed(parseEnvelope(line));
    this.countedBefore = undefined;
    const event = this.eventOf(env, lineNo);
    const before = this.countedBefore;
    const result: MatchResult = before !== undefined ? { status: 'counted-before', rule: this.pack.lastEventRule!, event: before } : this.pack.lastResult(event);
    return { env, result, file: this.file, repeats: this.repeats };
  }

  /** The hot path: the event the line yields, if any (`ambiguous` ones too). */
  event(line: string, lineNo?: number): SecurityEvent | undefined {
    // most lines of an Asterisk log come from source files no rule reads: drop them unparsed
    const file = asteriskFileOf(line);
    if (file !== undefined && this.dropsFile(file)) return undefined;
    return this.eventOf(file !== undefined ? asteriskEnvelope(line, file) : parseEnvelope(line), lineNo);
  }

  /**
   * The hot path of file input: `event` of the line `b[start, end)` (latin1), with Asterisk's own
   * envelope read from the bytes. A line of a file no rule reads is not even decoded, and any other
   * line of that shape is not scanned again as a string.
   */
  eventIn(b: Buffer, start: number, end: number, lineNo: number): SecurityEvent | undefined {
    const bytes = this.bytes;
    const shape = bytes.read(b, start, end);
    if (shape === RULELESS) {
      this.missedEarlier = false;
      // an Asterisk line: this is no FreePBX log
      this.freePbxLog ??= false;
      return undefined;
    }
    const line = b.toString('latin1', start, end);
    if (shape !== SHAPED) return this.event(line, lineNo);
    let file = bytes.file;
    if (file === undefined) {
      file = fileName(line, bytes.fileStart, bytes.fileEnd);
      if (this.dropsFile(file)) return undefined;
      bytes.learn(file, false);
    }
    return this.eventOf(asteriskEnvelopeAt(line, file, bytes.tsEnd, bytes.msgStart), lineNo);
  }

  /** Whether no rule reads lines of this Asterisk source file (then the line is done with). */
  private dropsFile(file: string): boolean {
    if (this.pack.rulesFor('asterisk', file).all.length > 0 || PACKET_LOGGERS.has(file)) return false;
    this.bytes.learn(file, true);
    this.missedEarlier = false;
    // an Asterisk line: this is no FreePBX log
    this.freePbxLog ??= false;
    return true;
  }

  /** Asterisk envelopes read from bytes, and the source files seen (whether rules read them, and their names). */
  private readonly bytes = new AsteriskBytes();

  /** What this parser could not read as it should, for the run's warnings. */
  readonly notes: ParseNotes = { tooLong: 0, undated: 0, foreign: 0 };

  /**
   * The file has shown a line of a form whose writer leaves line breaks in client text
   * (ForgeableForm): any later line of it, in any format, may be a forgery. A parse worker's parser
   * knows only its block; the main thread marks the blocks after (ParsePool).
   */
  forgedFile = false;

  /**
   * The last `event` call found a line that depends on earlier lines this parser has not seen: one
   * that takes its address from earlier lines of its process, or ends a connection they may have
   * counted already, when no line of that process was seen (an expired one counts as seen: it was
   * the newest). A parse worker hands such a line to the main thread, which has seen every earlier
   * line.
   */
  missedEarlier = false;

  /** Attempts the last line's event stands for: more than one for a line of repeats rsyslog collapsed. */
  repeats = 1;

  /** The event of the last line, when it ended a connection that was counted already (not returned). */
  private countedBefore: SecurityEvent | undefined;

  /**
   * The envelope as this file reads it: FreePBX's bare form inside another log is a line someone
   * else's text put there, of no format. Decides whether the file is FreePBX's own log, when not told.
   */
  private placed(env: Envelope): Envelope {
    if (env.ownFile === true) {
      this.freePbxLog ??= true;
      return this.freePbxLog ? env : { family: 'unknown', msg: env.msg };
    }
    if (env.family !== 'unknown') this.freePbxLog ??= false;
    return env;
  }

  private eventOf(placedOrNot: Envelope, lineNo: number | undefined): SecurityEvent | undefined {
    const env = this.placed(placedOrNot);
    if (env.family === 'unknown') this.foreign(env.msg, lineNo);
    else if (env.file !== undefined && PACKET_LOGGERS.has(env.file) && SIP_DEBUG_MARKER.test(env.msg)) this.forged('sip-packet', lineNo);
    if (env.forgeable === true) this.forged('freepbx', lineNo);
    this.repeats = env.repeats ?? 1;
    // one context per source, updated per line: the matcher copies what it keeps
    const ctx = this.ctx;
    ctx.line = lineNo;
    const sessionKey = sessionKeyOf(env);
    ctx.sessionIp = undefined;
    // a process's line is dated before matching (its session may have expired); others only when they match
    let at: number | undefined;
    if (sessionKey !== undefined) {
      at = this.timeIn(env);
      ctx.sessionIp = this.sessions.lookup(sessionKey, at ?? this.referenceMs);
    }
    const event = this.pack.eventFor(env, ctx);
    if (event === undefined) {
      const status = this.pack.lastStatus;
      this.missedEarlier = sessionKey !== undefined && status === 'no-session' && !this.sessions.knows(sessionKey);
      if (status === 'too-long') this.notes.tooLong++;
      return undefined;
    }
    this.missedEarlier = false;
    if (this.forgedFile) event.forgeable = true;
    if (sessionKey === undefined) at = this.timeIn(env);
    // a line without a time it reads keeps the reference time the matcher gave the event
    if (at !== undefined) event.at = at;
    else event.undated = true;
    const connection = this.connectionKey(sessionKey);
    const counted = connection === undefined ? event : this.sessionEvent(connection, event);
    if (counted !== undefined && at === undefined) {
      this.notes.undated++;
      if (env.ts !== undefined) this.notes.firstUnreadTime ??= this.sample(env.ts);
    }
    return counted;
  }

  /** From this line on, the file's lines may be forged. */
  private forged(form: ForgeableForm, lineNo: number | undefined): void {
    if (this.forgedFile) return;
    this.forgedFile = true;
    this.notes.forgedBy = form;
    this.notes.forgedLine = lineNo;
  }

  /** A line in no known format; the first that is not blank is kept for the warning. */
  private foreign(line: string, lineNo: number | undefined): void {
    this.notes.foreign++;
    if (SIP_DEBUG_MARKER.test(line)) this.forged('sip-packet', lineNo);
    if (this.notes.firstForeign !== undefined || line.trim() === '') return;
    this.notes.firstForeign = this.sample(line);
    this.notes.firstForeignLine = lineNo;
  }

  /** The start of a line's text as a warning quotes it, decoded as the matcher decodes fields. */
  private sample(text: string): string {
    const start = text.slice(0, FOREIGN_SAMPLE_CHARS);
    return this.ctx.latin1 ? Buffer.from(start, 'latin1').toString('utf8') : detach(start);
  }

  /**
   * The processes whose earlier lines a line's event may depend on (see missedEarlier): its own, and
   * the one a `connectionOf` rule reads its pid from. For a parse pool deciding whether a block
   * must be parsed again (ParsePool.mayHaveDropped); not a hot path.
   */
  processesOf(line: string): string[] {
    const env = parseEnvelope(line);
    const own = sessionKeyOf(env);
    const keys = own !== undefined ? [own] : [];
    for (const rule of this.pack.candidates(env)) {
      if (rule.connectionOf === undefined) continue;
      for (const p of rule.patterns) {
        const m = p.whole.exec(env.msg);
        if (m !== null) keys.push(`${rule.connectionOf}[${m[p.slots.pid]}]`);
      }
    }
    return keys;
  }

  /** The process whose connection the last event is about: the line's own, or the one it names (rule `connectionOf`). */
  private connectionKey(own: string | undefined): string | undefined {
    const of = this.pack.lastEventRule!.connectionOf;
    return of !== undefined ? `${of}[${this.pack.lastPid}]` : own;
  }

  /** An event of a line of a process (sshd's), with what the process's earlier lines make of it. */
  private sessionEvent(key: string, event: SecurityEvent): SecurityEvent | undefined {
    if (this.pack.lastEventRule!.endsConnection) {
      const ended = this.connectionEnd(key, event);
      return this.handsBack && this.missedEarlier ? undefined : ended;
    }
    if (event.ip !== undefined) this.sessions.remember(key, event.ip, event.port ?? 0, event.at, event.kind);
    return event;
  }

  /**
   * A line that ends its process's connection: an attempt of its own only if no earlier line of the
   * connection was counted (sshd writes `Connection closed by invalid user …` after the failures it
   * closes, and counting it too made one mistyped user name a ban).
   */
  private connectionEnd(key: string, event: SecurityEvent): SecurityEvent | undefined {
    this.missedEarlier = !this.sessions.knows(key);
    // a connection ends once: rsyslog's repeats of its last line are not more attempts
    this.repeats = 1;
    // an ambiguous line names no address: it counts as nothing anyway, and ends nothing it cannot name
    if (event.ip === undefined) return event;
    const port = event.port ?? 0;
    const counted = this.sessions.counted(key, event.ip, port, event.at);
    this.sessions.end(key, event.ip, port, event.at);
    if (!counted) return event;
    this.countedBefore = event;
    return undefined;
  }

  /** The time the line's timestamp gives, if it has one pbxguard reads. */
  private timeIn(env: Envelope): number | undefined {
    const at = env.ts !== undefined ? this.ts.resolve(env.ts) : undefined;
    return at === undefined && env.outerTs !== undefined ? this.ts.resolve(env.outerTs) : at;
  }

  /** addresses named by earlier lines, per process (sshd runs one per connection) */
  readonly sessions = new SessionAddresses();
}
