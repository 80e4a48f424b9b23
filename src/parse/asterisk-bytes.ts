/**
 * @module Reads the envelope of an Asterisk log line (`[date] LEVEL[lwp][C-id] file: msg`) from its
 * bytes, before the line is decoded: a line from a source file no rule reads (pbx.c, app_dial.c:
 * ~90% of a busy PBX's log) is then dropped without ever becoming a string (dropping one took
 * ~170 ns: decode, envelope scan, rule lookup; this takes about a third), and any other line of
 * that shape is decoded with its envelope already found, so it is not scanned a second time.
 *
 * Only the common shape is taken (not a space before `[lwp]`, a colon before the file, `Ext. `),
 * read exactly as `asteriskFileOf` reads it (envelope.ts): a change to one is a change to the other,
 * and a test checks on generated and mutated envelopes that both give the same envelope. Any
 * other line goes to the string parser as before.
 */
import { detach } from '../core/detach.js';
import { MAX_CACHED_NAME, MAX_RECENT_FILES } from './envelope.js';

/** What `read` found. */
export const NOT_SHAPED = 0;
/** an Asterisk line of a file no rule reads: drop it */
export const RULELESS = 1;
/** an Asterisk line of another file: its parts are in the reader's fields */
export const SHAPED = 2;

/** hash slots: a power of two, four times the most files the table takes (MAX_RECENT_FILES), so probes stay short and always end */
const SLOTS = 2 ** Math.ceil(Math.log2(4 * MAX_RECENT_FILES));

/** One step of the name hash (the same in `learn` and `read`). */
const hashStep = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0;

export class AsteriskBytes {
  /** source files seen, as bytes, with their name as one shared string */
  private readonly files: KnownFile[] = [];
  /** by hash of the name (open addressing): 1 + the file's index, 0 for none */
  private readonly slots = new Int32Array(SLOTS);
  /** the names in `files`, for `learn` (it runs per line of a shape `read` does not take) */
  private readonly known = new Set<string>();

  // where the parts of the last SHAPED line are, from its start: `[` ts `] ` … file `: ` msg
  tsEnd = 0;
  fileStart = 0;
  fileEnd = 0;
  msgStart = 0;
  /** the last SHAPED line's file, when it is a known one (else the caller cuts it from the line) */
  file: string | undefined;

  /**
   * The parser read a line of `file` (an Asterisk source file) and found whether a rule reads it:
   * lines of a file no rule reads are dropped from then on, and the name of another is not cut
   * from each of its lines again.
   */
  learn(file: string, ruleless: boolean): void {
    // names come from log text: as few and as short as the envelope's own cache of them
    if (this.known.has(file) || file.length > MAX_CACHED_NAME || this.files.length >= MAX_RECENT_FILES) return;
    // kept for the run: not a slice that would keep its line alive
    const name = detach(file);
    this.known.add(name);
    const bytes = Buffer.from(name, 'latin1');
    let h = 0;
    for (let i = 0; i < bytes.length; i++) h = hashStep(h, bytes[i]!);
    this.files.push({ bytes, name, ruleless, hash: h });
    let at = h & (SLOTS - 1);
    while (this.slots[at] !== 0) at = (at + 1) & (SLOTS - 1);
    this.slots[at] = this.files.length;
  }

  /** Reads `b[start, end)`: NOT_SHAPED, RULELESS or SHAPED (with the parts in the fields). */
  read(b: Uint8Array, start: number, end: number): number {
    if (b[start] !== 0x5b /* [ */) return NOT_SHAPED;
    // the timestamp ends at the first `] `, which starts within 48 chars
    let i = start + 1;
    const tsEnd = Math.min(end - 1, start + 48);
    while (i < tsEnd && !(b[i] === 0x5d && b[i + 1] === 0x20)) i++;
    if (i >= tsEnd) return NOT_SHAPED;
    const close = i;
    i += 2;
    // LEVEL[lwp]: 3-10 capitals, 1-10 digits
    const level = i;
    while (i < end && b[i]! >= 0x41 && b[i]! <= 0x5a) i++;
    if (i - level < 3 || i - level > 10 || b[i] !== 0x5b) return NOT_SHAPED;
    const digits = ++i;
    while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i === digits || i - digits > 10 || b[i] !== 0x5d) return NOT_SHAPED;
    i++;
    // [C-id]: 1-16 lower-case hex digits
    if (b[i] === 0x5b) {
      if (b[i + 1] !== 0x43 || b[i + 2] !== 0x2d) return NOT_SHAPED;
      const hex = (i += 3);
      while (i < end && ((b[i]! >= 0x30 && b[i]! <= 0x39) || (b[i]! >= 0x61 && b[i]! <= 0x66))) i++;
      if (i === hex || i - hex > 16 || b[i] !== 0x5d) return NOT_SHAPED;
      i++;
    }
    if (b[i] !== 0x20) return NOT_SHAPED;
    const file = i + 1;
    // `Ext. ` (dialplan Log()) names its file differently: left to the string parser
    if (b[file] === 0x45 && b[file + 1] === 0x78 && b[file + 2] === 0x74 && b[file + 3] === 0x2e && b[file + 4] === 0x20) return NOT_SHAPED;
    // the file runs to the first colon, and the message starts after `: `; the name is hashed on
    // the way (a search of the table by comparing names took a tenth of a busy PBX's replay)
    let colon = file;
    let h = 0;
    for (; colon < end; colon++) {
      const c = b[colon]!;
      if (c === 0x3a) break;
      h = hashStep(h, c);
    }
    if (colon + 1 >= end || b[colon + 1] !== 0x20) return NOT_SHAPED;
    const files = this.files;
    const slots = this.slots;
    let known: KnownFile | undefined;
    for (let at = h & (SLOTS - 1), k = slots[at]!; k !== 0; at = (at + 1) & (SLOTS - 1), k = slots[at]!) {
      const f = files[k - 1]!;
      if (f.hash !== h || f.bytes.length !== colon - file || !sameBytes(b, file, f.bytes)) continue;
      if (f.ruleless) return RULELESS;
      known = f;
      break;
    }
    this.file = known?.name;
    this.tsEnd = close - start;
    this.fileStart = file - start;
    this.fileEnd = colon - start;
    this.msgStart = colon + 2 - start;
    return SHAPED;
  }
}

interface KnownFile {
  bytes: Buffer;
  name: string;
  ruleless: boolean;
  hash: number;
}

function sameBytes(b: Uint8Array, at: number, n: Buffer): boolean {
  for (let j = 0; j < n.length; j++) if (b[at + j] !== n[j]) return false;
  return true;
}
