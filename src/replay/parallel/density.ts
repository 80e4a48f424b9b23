/**
 * @module Whether a file is worth parse workers on a machine with few CPUs: only where parsing is
 * most of the work, i.e. most lines yield events. On a typical log (~10% such lines) a worker's
 * start-up and warm-up cost more than its share saves (measured on 2 CPUs: realistic log 0.57 s
 * alone, 0.61 s with one worker; all-attack 2.24 vs 1.57 s).
 */
import { fstatSync, readSync } from 'node:fs';
import { LineParser } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { LineSplitter, type ReadStats } from '../../sources/line-reader.js';

/** Share of lines yielding events from which `workersWhenDense` uses the workers. */
const DENSE_SHARE = 0.25;
/**
 * The sample: 64 KiB (~300-600 lines), in four pieces spread over the file, since the head of a log
 * can be all start-up noise (Asterisk loading its modules). Parsing a whole MiB took ~30 ms on the
 * all-attack log, before the workers were even started.
 */
const PIECES = 4;
const PIECE_BYTES = 1 << 14;

/**
 * The share of the whole lines in the sample that yield an event. Reads at given offsets, so the
 * descriptor's position stays.
 */
export function eventShare(fd: number, pack: RulePack, reference: number): number {
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(PIECE_BYTES);
  const parser = new LineParser(pack, reference, undefined, true);
  const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
  let events = 0;
  const splitter = new LineSplitter((b, start, end, lineNo) => {
    if (parser.eventIn(b, start, end, lineNo) !== undefined) events++;
  }, stats);
  // in a small file the pieces would overlap: each starts at the earliest where the last one ended
  for (let k = 0, read = 0; k < PIECES; k++) {
    const at = Math.max(read, Math.floor((size * k) / PIECES));
    // the file may have been emptied since it was measured (copytruncate)
    const n = readSync(fd, buf, 0, PIECE_BYTES, at);
    if (n <= 0) break;
    read = at + n;
    const piece = buf.subarray(0, n);
    // whole lines only: a piece after the first starts after its first newline
    const from = at === 0 ? 0 : piece.indexOf(10) + 1;
    const to = piece.lastIndexOf(10) + 1;
    if (from < to) splitter.push(piece, from, to);
  }
  return stats.lines > 0 ? events / stats.lines : 0;
}

/** Whether a file is worth the workers under `workersWhenDense`. */
export function denseEnough(fd: number, pack: RulePack, reference: number): boolean {
  return eventShare(fd, pack, reference) >= DENSE_SHARE;
}
