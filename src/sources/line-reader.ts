/**
 * @module Reads a log file (plain or gzip, or stdin for `-`) in 64 KiB chunks and hands each line
 * to a callback, with its 1-based number. Lines longer than the limit are skipped whole, never
 * cut: a cut line could end inside attacker text that looks like a line's real ending.
 *
 * Lines are decoded as latin1, one char per byte: no decoder state between chunks, the decode is
 * a copy, and nothing is lost: the few fields that leave the process are re-decoded as UTF-8 (see
 * `fromLatin1`).
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** Longest line read, in bytes (one char per byte: see above). */
export const MAX_LINE_CHARS = 64 * 1024;
// Bytes read at a time, from a file, a stream or gunzip. A replay parses a chunk's lines, then runs
// detection and output over its events (run-replay.ts): a small chunk's events are still in the CPU
// caches by then (all-attack log, one thread, 8 runs: 64 KiB 2.08 s, 1 MiB 2.28 s median).
const CHUNK = 1 << 16;

export interface ReadStats {
  lines: number;
  bytes: number;
  /** lines skipped for being longer than MAX_LINE_CHARS */
  oversized: number;
  /** a gzip stream that ends early (a file cut short while written or copied): read up to there */
  truncated?: boolean;
}

export class InputError extends Error {
  override name = 'InputError';
}

/** Called per line with its text (decoded latin1) and its 1-based number. */
export type LineHandler = (line: string, lineNo: number) => void;

/**
 * Called per line with its bytes, `b[start, end)` (CR and LF removed): the hot path decodes only
 * what it needs (see LineParser.eventIn). `b` is reused for the next lines: copy what you keep.
 */
export type ByteLineHandler = (b: Buffer, start: number, end: number, lineNo: number) => void;

/** A byte handler that hands each line on decoded. */
export function decoded(onLine: LineHandler): ByteLineHandler {
  return (b, start, end, lineNo) => onLine(b.toString('latin1', start, end), lineNo);
}

export interface ReadOptions {
  /** called with the number of each line skipped for being longer than MAX_LINE_CHARS */
  onOversized?: (lineNo: number) => void;
  /** called after each chunk; a returned promise pauses reading until it settles */
  afterChunk?: () => Promise<void> | undefined;
  /** bytes read so far, for progress bars */
  onProgress?: (bytes: number) => void;
}

/** Size in bytes when known (regular files), for progress. */
export function inputSize(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * Cuts bytes into lines and numbers them: CR before LF dropped, lines longer than MAX_LINE_CHARS
 * counted in `stats` and skipped whole. Fed piece by piece; a line may span pieces.
 *
 * Lines are handed on as bytes: the handler decodes only those it reads (most lines of a busy
 * PBX's log are dropped from their bytes, see asterisk-bytes.ts), each on its own into a flat
 * string, so a line that outlives its parse (an address kept in a map) holds its own bytes, not
 * a whole chunk's.
 */
export class LineSplitter {
  /** the pieces of an unfinished line from earlier pushes (joined once, when its newline comes) */
  private carry: Buffer[] = [];
  private carryLength = 0;
  private skipping = false;

  /** `stats.lines` is the number of the line before the first one fed (0 at a file's start). */
  constructor(
    private readonly onLine: ByteLineHandler,
    readonly stats: ReadStats,
    private readonly onOversized?: (lineNo: number) => void,
  ) {}

  /** Feeds `bytes[from, to)`. */
  push(bytes: Buffer, from = 0, to = bytes.length): void {
    // an empty piece changes nothing (and `hold` reads its last byte)
    if (from >= to) return;
    let start = from;
    if (this.carryLength > 0 || this.skipping) {
      const nl = newlineIn(bytes, from, to);
      if (nl < 0) {
        if (!this.skipping) this.hold(bytes, from, to);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else {
        this.carry.push(bytes.subarray(from, nl));
        const whole = Buffer.concat(this.carry);
        this.line(whole, 0, whole.length);
      }
      this.carry = [];
      this.carryLength = 0;
      start = nl + 1;
    }
    for (;;) {
      const nl = newlineIn(bytes, start, to);
      if (nl < 0) break;
      this.line(bytes, start, nl);
      start = nl + 1;
    }
    if (start < to) this.hold(bytes, start, to);
  }

  /** One whole line, `bytes[start, nl)` with `nl` at its newline (or the end of the text). */
  private line(bytes: Buffer, from: number, nl: number): void {
    const start = afterNuls(bytes, from, nl);
    let end = nl;
    if (end > start && bytes[end - 1] === 13) end--;
    this.stats.lines++;
    if (end - start > MAX_LINE_CHARS) this.oversized();
    else this.onLine(bytes, start, end, this.stats.lines);
  }

  /** Keeps (a copy of) the unfinished line's next piece, or drops the line once it is too long. */
  private hold(bytes: Buffer, piece: number, to: number): void {
    // a line's leading NULs are dropped as they come, however many (see afterNuls)
    const from = this.carryLength === 0 ? afterNuls(bytes, piece, to) : piece;
    if (from === to) return;
    const n = this.carryLength + to - from;
    // it may end in the CR of a CRLF whose LF is in the next piece: up to one byte more than the
    // limit is not yet too long
    if (n > MAX_LINE_CHARS + 1 || (n === MAX_LINE_CHARS + 1 && bytes[to - 1] !== 13)) {
      // drop the over-long line's head now and the rest up to its newline later
      this.stats.lines++;
      this.oversized();
      this.skipping = true;
      this.carry = [];
      this.carryLength = 0;
      return;
    }
    this.carry.push(Buffer.from(bytes.subarray(from, to)));
    this.carryLength = n;
  }

  private oversized(): void {
    this.stats.oversized++;
    this.onOversized?.(this.stats.lines);
  }

  /** The last line, when the text did not end with a newline. */
  finish(): void {
    const tail = Buffer.concat(this.carry);
    this.carry = [];
    this.carryLength = 0;
    if (this.skipping || tail.length === 0) return;
    this.line(tail, 0, tail.length);
  }
}

/**
 * Where `bytes[from, to)` starts once a run of NUL bytes before it is skipped. A line never starts
 * with NUL (Asterisk, sshd and web servers write C strings), but a log rotated by `copytruncate`
 * while its writer still holds the old offset starts with a hole of NULs up to that offset: the
 * first line after it is read without them, whatever the hole's size.
 */
export function afterNuls(bytes: Uint8Array, from: number, to: number): number {
  while (from < to && bytes[from] === 0) from++;
  return from;
}

/** The first LF in `bytes[from, to)`, or -1. */
function newlineIn(bytes: Buffer, from: number, to: number): number {
  if (from >= to) return -1;
  const nl = bytes.indexOf(10, from);
  return nl >= 0 && nl < to ? nl : -1;
}

export async function readLines(path: string, onLine: ByteLineHandler, opts: ReadOptions = {}): Promise<ReadStats> {
  const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
  const splitter = new LineSplitter(onLine, stats, opts.onOversized);

  const take = async (bytes: Buffer, from: number, to: number): Promise<void> => {
    stats.bytes += to - from;
    splitter.push(bytes, from, to);
    opts.onProgress?.(stats.bytes);
    const wait = opts.afterChunk?.();
    if (wait) await wait;
  };

  try {
    // pipes and devices (`<(zcat x.gz)`, /dev/stdin) are streamed like stdin: they cannot be read at an offset
    const fd = path === '-' || !statSync(path).isFile() ? undefined : openPlainFile(path);
    if (fd !== undefined) {
      // a plain file: synchronous reads into one reused buffer (the stream path's per-chunk async
      // reads cost ~10% of a replay when profiled)
      const buf = Buffer.allocUnsafe(CHUNK);
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, CHUNK, null);
          if (n === 0) break;
          await take(buf, 0, n);
        }
      } finally {
        closeSync(fd);
      }
    } else {
      const raw: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK });
      try {
        for await (const chunk of decompressed(raw)) await take(chunk, 0, chunk.length);
      } catch (e) {
        // what came before the cut is good: keep it, and say so (the replay warns)
        if ((e as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') throw e;
        stats.truncated = true;
      }
    }
  } catch (e) {
    throw inputError(path, e);
  }
  // the text after the last newline of a cut gzip stream is part of a line (its address may be cut
  // short too): not read
  if (stats.truncated !== true) splitter.finish();
  return stats;
}

/** Feeds a block of bytes (a worker's, or one parsed again) to a splitter. */
export function splitBytes(bytes: Uint8Array, splitter: LineSplitter): void {
  splitter.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}

export function inputError(path: string, e: unknown): InputError {
  const err = e as NodeJS.ErrnoException;
  return new InputError(`${path === '-' ? 'stdin' : path}: ${err.code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : err.message}`, { cause: e });
}

/**
 * Opens `path` for the synchronous path, or returns undefined when it is gzip-compressed (the
 * stream path decompresses it). Open errors propagate.
 */
export function openPlainFile(path: string): number | undefined {
  const fd = openSync(path, 'r');
  const magic = Buffer.alloc(2);
  const n = readSync(fd, magic, 0, 2, 0);
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    closeSync(fd);
    return undefined;
  }
  return fd;
}

/** Undoes the latin1 decoding for text that leaves the process (accounts, User-Agents). */
export function fromLatin1(s: string): string {
  return /[\u0080-\u00ff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/** The stream's chunks, gunzipped when the first bytes are the gzip magic (works for stdin too). */
async function* decompressed(raw: Readable): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done === true) return;
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value;
    for (;;) {
      const n = await it.next();
      if (n.done === true) return;
      yield n.value;
    }
  }
  if (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    const source = Readable.from(all());
    const gunzip = createGunzip({ chunkSize: CHUNK });
    source.on('error', (e) => gunzip.destroy(e));
    yield* source.pipe(gunzip) as AsyncIterable<Buffer>;
  } else {
    yield* all();
  }
}
