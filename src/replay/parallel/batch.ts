/**
 * @module The message a parse worker sends back for one block of lines: its events packed in typed
 * arrays and one string, so the main thread gets them without a structured clone of objects (the
 * cost that sank an earlier worker prototype).
 */
import { SERVICES, type SecurityEvent } from '../../core/events.js';
import type { CompiledRule } from '../../parse/rules/compile.js';

/** Ints per record in `BatchResult.ints`. */
export const REC = 17;

/** Record kinds (slot KIND). */
export const EVENT = 0;
/** a line whose address comes from an earlier line of its process, which the worker has not seen */
export const DEFERRED = 1;

// slots of a record
export const KIND = 0;
export const LINE = 1;
export const RULE = 2;
/** bit 0: ambiguous; bits 8-15: index in SERVICES */
export const FLAGS = 3;
export const PORT = 4;
/** string slots are (offset, length) into `text`; length -1 means absent */
export const IP = 5;
/** a DEFERRED record's line text uses the IP slot */
export const TEXT = 5;
export const ACCOUNT = 7;
export const USER_AGENT = 9;
export const SCANNER = 11;
/** an ambiguous event's two readings */
export const READING_A = 13;
export const READING_B = 15;

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
}

export interface BatchResult {
  type: 'batch';
  id: number;
  /** lines and over-long lines in the block */
  lines: number;
  oversized: number;
  count: number;
  ints: Int32Array;
  ats: Float64Array;
  text: string;
  /** the last address each process named in this block, oldest first: [key, ip, at] */
  sessions: Array<[string, string, number]>;
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
  private readonly pieces: string[] = [];
  private textLength = 0;

  private lastRuleId = '';
  private lastRuleIndex = 0;

  constructor(private readonly ruleIndex: ReadonlyMap<string, number>) {}

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
    ints[b + FLAGS] = (ev.kind === 'ambiguous' ? 1 : 0) | (SERVICE_INDEX.get(ev.service)! << 8);
    ints[b + PORT] = ev.port ?? 0;
    this.str(b + IP, ev.ip);
    this.str(b + ACCOUNT, ev.account);
    this.str(b + USER_AGENT, ev.userAgent);
    this.str(b + SCANNER, ev.scanner);
    this.str(b + READING_A, ev.readings?.[0]);
    this.str(b + READING_B, ev.readings?.[1]);
  }

  deferredCount = 0;

  deferred(line: string, lineNo: number): void {
    this.deferredCount++;
    const b = this.slot(0);
    this.ints[b + KIND] = DEFERRED;
    this.ints[b + LINE] = lineNo;
    this.str(b + TEXT, line);
  }

  text(): string {
    return this.pieces.join('');
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
    if (s === undefined) {
      this.ints[at + 1] = -1;
      return;
    }
    this.ints[at] = this.textLength;
    this.ints[at + 1] = s.length;
    this.pieces.push(s);
    this.textLength += s.length;
  }
}

/** Rebuilds record `i` of a batch as the SecurityEvent the worker made (same fields, same order). */
export function eventOf(r: BatchResult, i: number, rules: readonly CompiledRule[], file: string): SecurityEvent {
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
    ip: textAt(r, b + IP),
    port: port !== 0 ? port : undefined,
    account: textAt(r, b + ACCOUNT),
    userAgent: textAt(r, b + USER_AGENT),
    scanner: textAt(r, b + SCANNER),
    readings: ints[b + READING_A + 1]! >= 0 ? [textAt(r, b + READING_A)!, textAt(r, b + READING_B)!] : undefined,
    ruleId: rule.id,
    file,
    line: ints[b + LINE]!,
  };
}

export function textAt(r: BatchResult, slot: number): string | undefined {
  const length = r.ints[slot + 1]!;
  if (length < 0) return undefined;
  const off = r.ints[slot]!;
  return r.text.slice(off, off + length);
}
