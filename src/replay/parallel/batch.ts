/**
 * @module The message a parse worker sends back for one block of lines: its events packed in typed
 * arrays and one string, so the main thread gets them without a structured clone of objects (the
 * cost that sank an earlier worker prototype).
 */
import { SERVICES, type SecurityEvent } from '../../core/events.js';
import type { ParseNotes } from '../../parse/line-parser.js';
import type { CompiledRule } from '../../parse/rules/compile.js';

/** Ints per record in `BatchResult.ints`. */
export const REC = 19;

/** Record kinds (slot KIND). */
export const EVENT = 0;
/** a line whose address comes from an earlier line of its process, which the worker has not seen */
export const DEFERRED = 1;

// slots of a record
export const KIND = 0;
export const LINE = 1;
export const RULE = 2;
/** bit 0: ambiguous; bit 1: undated; bit 2: forgeable; bits 8-15: index in SERVICES; a DEFERRED record's: FORGED_BEFORE */
export const FLAGS = 3;
/** a DEFERRED record's flag: its block showed a line of a forgeable form before it (LineParser.forgedFile) */
export const FORGED_BEFORE = 1;
export const PORT = 4;
/** string slots are (offset, length) into the batch's text; length -1 means absent, offset -1 - i means `wide[i]` */
export const IP = 5;
/** a DEFERRED record's line text uses the IP slot */
export const TEXT = 5;
export const ACCOUNT = 7;
export const USER_AGENT = 9;
export const SCANNER = 11;
/** an ambiguous event's two readings */
export const READING_A = 13;
export const READING_B = 15;
export const EXTENSION = 17;

export interface BlockRequest {
  type: 'block';
  id: number;
  bytes: Uint8Array;
  /** number of the line before the block's first line */
  lineBefore: number;
  /** the last block of the file (it may end without a newline) */
  last: boolean;
}

export interface FileRequest {
  type: 'file';
  /** the file's name as events show it */
  name: string;
  /** dates year-less timestamps (the file's mtime) */
  reference: number;
  /** the file is FreePBX's own log (isFreePbxLog of its head): decided once for all its blocks */
  freePbxLog: boolean;
}

export interface BatchResult {
  type: 'batch';
  id: number;
  /** lines and over-long lines in the block */
  lines: number;
  oversized: number;
  /** what the block's parser could not read as it should */
  notes: ParseNotes;
  count: number;
  ints: Int32Array;
  ats: Float64Array;
  /**
   * The records' strings as latin1 bytes (`textLength` of them), handed over without a copy and
   * decoded once per block: a string per field (joined at the end) kept every line the fields were
   * cut from alive until then, and the join read them all again (~100 ns an event). A string with a
   * char above U+00FF (an account decoded as UTF-8) goes in `wide` instead.
   */
  textBytes: Uint8Array;
  textLength: number;
  wide: string[];
  /** the block showed a line of a forgeable form (LineParser.forgedFile): every later line of the file is suspect */
  forgedFile: boolean;
  /** each process's state at the end of this block, oldest first (SessionAddresses.entries) */
  sessions: Array<[string, string, number, number, boolean, boolean]>;
  /** the block's buffer, handed back for the next block (fresh memory costs page faults) */
  spent: ArrayBuffer;
  /** the block as requested: `blockLength` bytes of `spent` from `blockOffset` */
  blockOffset: number;
  blockLength: number;
  lineBefore: number;
  last: boolean;
  /** DEFERRED records, and addresses the block's processes named (see ParsePool.redo) */
  deferred: number;
  remembered: number;
}

export interface WorkerFailure {
  type: 'error';
  message: string;
}

const SERVICE_INDEX = new Map<string, number>(SERVICES.map((s, i) => [s, i]));

/** Packs events on the worker side. */
export class BatchWriter {
  count = 0;
  ints = new Int32Array(REC * 1024);
  ats = new Float64Array(1024);
  textBytes: Uint8Array;
  textLength = 0;
  readonly wide: string[] = [];

  private lastRuleId = '';
  private lastRuleIndex = 0;

  /** `textBytes`: a first guess at the bytes the strings take (the buffer grows past it) */
  constructor(
    private readonly ruleIndex: ReadonlyMap<string, number>,
    textBytes = 4096,
  ) {
    this.textBytes = new Uint8Array(textBytes);
  }

  event(ev: SecurityEvent): void {
    const b = this.slot(ev.at);
    const ints = this.ints;
    ints[b + KIND] = EVENT;
    ints[b + LINE] = ev.line ?? 0;
    // events come in runs of one rule
    if (ev.ruleId !== this.lastRuleId) {
      this.lastRuleId = ev.ruleId;
      this.lastRuleIndex = this.ruleIndex.get(ev.ruleId)!;
    }
    ints[b + RULE] = this.lastRuleIndex;
    ints[b + FLAGS] = (ev.kind === 'ambiguous' ? 1 : 0) | (ev.undated === true ? 2 : 0) | (ev.forgeable === true ? 4 : 0) | (SERVICE_INDEX.get(ev.service)! << 8);
    ints[b + PORT] = ev.port ?? 0;
    this.str(b + IP, ev.ip);
    this.str(b + ACCOUNT, ev.account);
    this.str(b + EXTENSION, ev.extension);
    this.str(b + USER_AGENT, ev.userAgent);
    this.str(b + SCANNER, ev.scanner);
    this.str(b + READING_A, ev.readings?.[0]);
    this.str(b + READING_B, ev.readings?.[1]);
  }

  deferredCount = 0;

  deferred(line: string, lineNo: number, forgedBefore: boolean): void {
    this.deferredCount++;
    const b = this.slot(0);
    this.ints[b + KIND] = DEFERRED;
    this.ints[b + LINE] = lineNo;
    this.ints[b + FLAGS] = forgedBefore ? FORGED_BEFORE : 0;
    this.str(b + TEXT, line);
  }

  private slot(at: number): number {
    if (this.count === this.ats.length) {
      const ints = new Int32Array(this.ints.length * 2);
      ints.set(this.ints);
      this.ints = ints;
      const ats = new Float64Array(this.ats.length * 2);
      ats.set(this.ats);
      this.ats = ats;
    }
    this.ats[this.count] = at;
    return REC * this.count++;
  }

  private str(at: number, s: string | undefined): void {
    const ints = this.ints;
    if (s === undefined) {
      ints[at + 1] = -1;
      return;
    }
    const n = s.length;
    const p = this.textLength;
    if (p + n > this.textBytes.length) {
      const grown = new Uint8Array(Math.max(this.textBytes.length * 2, p + n));
      grown.set(this.textBytes.subarray(0, p));
      this.textBytes = grown;
    }
    const t = this.textBytes;
    ints[at + 1] = n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        ints[at] = -1 - this.wide.length;
        this.wide.push(s);
        return;
      }
      t[p + i] = c;
    }
    ints[at] = p;
    this.textLength = p + n;
  }
}

/** The strings of a batch's records, decoded once (the main thread's side of `BatchWriter`'s text). */
export function batchText(r: BatchResult): string {
  return Buffer.from(r.textBytes.buffer, r.textBytes.byteOffset, r.textLength).toString('latin1');
}

/** Rebuilds record `i` of a batch as the SecurityEvent the worker made (same fields, same order). */
export function eventOf(r: BatchResult, text: string, i: number, rules: readonly CompiledRule[], file: string): SecurityEvent {
  const b = REC * i;
  const ints = r.ints;
  const rule = rules[ints[b + RULE]!]!;
  const flags = ints[b + FLAGS]!;
  const port = ints[b + PORT]!;
  return {
    at: r.ats[i]!,
    source: rule.source,
    service: SERVICES[(flags >> 8) & 0xff]!,
    kind: (flags & 1) !== 0 ? 'ambiguous' : rule.kind,
    ip: textAt(r, text, b + IP),
    port: port !== 0 ? port : undefined,
    account: textAt(r, text, b + ACCOUNT),
    extension: textAt(r, text, b + EXTENSION),
    userAgent: textAt(r, text, b + USER_AGENT),
    scanner: textAt(r, text, b + SCANNER),
    readings: ints[b + READING_A + 1]! >= 0 ? [textAt(r, text, b + READING_A)!, textAt(r, text, b + READING_B)!] : undefined,
    ruleId: rule.id,
    file,
    line: ints[b + LINE]!,
    undated: (flags & 2) !== 0 ? true : undefined,
    forgeable: (flags & 4) !== 0 ? true : undefined,
  };
}

/** The string in a record's slot; `text` is the batch's (batchText). */
export function textAt(r: BatchResult, text: string, slot: number): string | undefined {
  const length = r.ints[slot + 1]!;
  if (length < 0) return undefined;
  const off = r.ints[slot]!;
  return off < 0 ? r.wide[-1 - off] : text.slice(off, off + length);
}
