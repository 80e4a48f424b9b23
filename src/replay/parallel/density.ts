/**
 * @module Whether a file is worth parse workers on a machine with few CPUs: only where parsing is
 * most of the work, i.e. most lines yield events. On a typical log (~10% such lines) a worker's
 * start-up and warm-up cost more than its share saves (measured on 2 CPUs: realistic log 0.57 s
 * alone, 0.61 s with one worker; all-attack 2.24 vs 1.57 s).
 */
import { readSync } from 'node:fs';
import { LineParser } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { LineSplitter, type ReadStats } from '../../sources/line-reader.js';

/** Share of lines yielding events from which `workersWhenDense` uses the workers. */
const DENSE_SHARE = 0.25;
/**
 * The sample: the file's first 64 KiB (~300-600 lines). Parsing a whole MiB took ~30 ms on the
 * all-attack log, before the workers were even started.
 */
const SAMPLE_BYTES = 1 << 16;

/** The share of the whole lines in a file's first SAMPLE_BYTES that yield an event (read at offset 0: the descriptor's position stays). */
export function eventShare(fd: number, pack: RulePack, reference: number): number {
  const buf = Buffer.allocUnsafe(SAMPLE_BYTES);
  const n = readSync(fd, buf, 0, SAMPLE_BYTES, 0);
  // the file may have been emptied since it was measured (copytruncate)
  if (n <= 0) return 0;
  const parser = new LineParser(pack, reference, undefined, true);
  const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
  let events = 0;
  const splitter = new LineSplitter((b, start, end, lineNo) => {
    if (parser.eventIn(b, start, end, lineNo) !== undefined) events++;
  }, stats);
  splitter.push(buf, 0, buf.lastIndexOf(10, n - 1) + 1);
  return stats.lines > 0 ? events / stats.lines : 0;
}

/** Whether a file is worth the workers under `workersWhenDense`. */
export function denseEnough(fd: number, pack: RulePack, reference: number): boolean {
  return eventShare(fd, pack, reference) >= DENSE_SHARE;
}
