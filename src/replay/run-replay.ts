/**
 * @module `replay` as a library call: files through the shared pipeline on event time, into a
 * summary and optional streaming sinks. The CLI only parses flags and renders.
 */
import { closeSync, statSync } from 'node:fs';
import type { SecurityEvent } from '../core/events.js';
import type { AddressSet } from '../core/ip.js';
import { BanPolicy, DEFAULT_BAN_POLICY, type BanPolicyConfig } from '../decide/ban-policy.js';
import { AttackWindows, DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../detect/attack-windows.js';
import { LineParser, type ParseNotes } from '../parse/line-parser.js';
import type { RulePack } from '../parse/matcher.js';
import { Pipeline, type PipelineSink } from '../pipeline/pipeline.js';
import { RunSummary } from '../pipeline/summary.js';
import { decoded, inputError, openPlainFile, readLines, type ByteLineHandler, type ReadStats } from '../sources/line-reader.js';
import { JsonlWriter } from '../act/report/jsonl-writer.js';
import type { BufferedOutput } from '../act/report/output.js';
import { ParsePool } from './parallel/parse-pool.js';
import { headFacts, readingOrder, type HeadFacts } from './file-order.js';
import { binaryWarning, cutGzipWarning, emptyWarning, forgeableWarning, InputChecks, parseWarnings } from './input-notes.js';
import { denseEnough } from './parallel/density.js';

export interface ReplayOptions {
  files: string[];
  pack: RulePack;
  /** keep per-address and per-account tables in the summary (default true; off for jsonl) */
  perAddressSummary?: boolean;
  detector?: Partial<DetectorConfig>;
  policy?: Partial<BanPolicyConfig>;
  allowlist?: AddressSet;
  /** extra sinks (jsonl writer, explain printer) beside the summary */
  sinks?: PipelineSink[];
  /** a promise while output is full; reading waits for it */
  backpressure?: () => Promise<void> | undefined;
  onProgress?: (bytesSoFar: number) => void;
  /** write events and decisions here as JSON lines */
  jsonl?: BufferedOutput;
  /**
   * Parse workers for large plain files (0: parse on the main thread). Output is the same either
   * way; workers only make it faster.
   */
  workers?: number;
  /** Use the workers only for a file mostly of lines that yield events, by a 64 KiB sample (see density.ts). */
  workersWhenDense?: boolean;
  /** ms since epoch used to date year-less timestamps of stdin (files use their mtime) */
  now?: number;
  /** files at least this big go to the workers (default 64 MiB; tests lower it) */
  parallelMinBytes?: number;
  /** bytes per block handed to a worker (default 1 MiB; tests lower it) */
  blockBytes?: number;
}

function fanOut(sinks: PipelineSink[]): PipelineSink {
  const withEvent = sinks.filter((s) => s.event !== undefined);
  const withDecision = sinks.filter((s) => s.decision !== undefined);
  const withSuppressed = sinks.filter((s) => s.suppressed !== undefined);
  const withLine = sinks.filter((s) => s.line !== undefined);
  const withFlush = sinks.filter((s) => s.flush !== undefined);
  // indexed loops: this runs per event, and the array iterator showed in profiles
  const out: PipelineSink = {
    event: (e) => {
      for (let i = 0; i < withEvent.length; i++) withEvent[i]!.event!(e);
    },
    decision: (d) => {
      for (let i = 0; i < withDecision.length; i++) withDecision[i]!.decision!(d);
    },
    suppressed: (a, w) => {
      for (let i = 0; i < withSuppressed.length; i++) withSuppressed[i]!.suppressed!(a, w);
    },
    flush: () => {
      for (let i = 0; i < withFlush.length; i++) withFlush[i]!.flush!();
    },
  };
  if (withLine.length > 0) {
    out.line = (p, t, n) => {
      for (let i = 0; i < withLine.length; i++) withLine[i]!.line!(p, t, n);
    };
    out.oversized = (f, n) => {
      for (const s of withLine) s.oversized?.(f, n);
    };
  }
  return out;
}

/**
 * Files smaller than this are parsed on the main thread: starting workers costs more than it saves
 * (measured on 2 CPUs, all-attack log, 2 workers vs none: 34 MB 0.64 vs 0.56 s, 60 MB 0.81 vs
 * 0.84 s, 120 MB 1.29 vs 1.44 s, 228 MB 1.78 vs 2.40 s).
 */
const PARALLEL_MIN_BYTES = 64 << 20;

export async function runReplay(opts: ReplayOptions): Promise<RunSummary> {
  const summary = new RunSummary(opts.perAddressSummary ?? true);
  const windows = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, ...opts.detector });
  const policyCfg: BanPolicyConfig = { ...DEFAULT_BAN_POLICY, ...opts.policy };
  if (opts.allowlist) policyCfg.allowlist = opts.allowlist;
  const jsonl = opts.jsonl !== undefined ? new JsonlWriter(opts.jsonl) : undefined;
  const sinks: PipelineSink[] = [summary, ...(opts.sinks ?? [])];
  if (jsonl !== undefined) sinks.push(jsonl);
  // files overlapping in time, and the same log given twice (Asterisk's full and messages,
  // auth.log and a journal export), are told from the events, whoever parsed them
  const checks = new InputChecks();
  sinks.push(checks);
  const fanned = fanOut(sinks);
  const pipeline = new Pipeline(windows, new BanPolicy(policyCfg), fanned);
  const perLine = sinks.some((s) => s.line !== undefined);
  const workers = perLine ? 0 : (opts.workers ?? 0);
  let pool: ParsePool | undefined;
  // after each chunk or block: what sinks hold back is written before output may pause reading
  const chunkDone = (): Promise<void> | undefined => {
    pipeline.flush();
    return opts.backpressure?.();
  };
  const started = performance.now();
  let doneBytes = 0;
  // each file's head is read once: for the reading order, and for what its parser must know
  const facts = new Map<string, HeadFacts | undefined>(opts.files.map((f) => [f, f === '-' ? undefined : headFacts(f)]));
  const files = readingOrder(opts.files, (f) => facts.get(f));
  if (files.some((f, i) => f !== opts.files[i])) summary.notes.push(`files read in this order (Asterisk's security log first, each log's files by their first lines' times): ${shortList(files)}`);
  try {
    for (const file of files) {
      const st = file === '-' ? undefined : statSync(file);
      // a pipe's mtime says nothing of its lines: like stdin, it is read now
      const reference = st?.isFile() === true ? st.mtimeMs : (opts.now ?? Date.now());
      const name = file === '-' ? 'stdin' : file;
      const base = doneBytes;
      const forgeableBefore = summary.forgeable;
      // FreePBX's own log is told by its head, once for every thread that parses a part of it; a
      // file whose head has no line in a known format, like a pipe, is told by its first such line,
      // which only one thread can do
      const freePbxLog = facts.get(file)?.freePbxLog;
      const onProgress = opts.onProgress ? (b: number) => opts.onProgress!(base + b) : undefined;
      const fd = workers > 0 && freePbxLog !== undefined && st !== undefined && st.size >= (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES) ? plainFile(file) : undefined;
      let stats: ReadStats | undefined;
      let notes: ParseNotes = { tooLong: 0, undated: 0, foreign: 0 };
      if (fd !== undefined) {
        try {
          if (opts.workersWhenDense !== true || denseEnough(fd, opts.pack, reference)) {
            pool ??= new ParsePool(workers, opts.pack);
            ({ stats, notes } = await pool.replay(fd, { name, reference, freePbxLog: freePbxLog! }, opts.blockBytes, {
              event: (ev) => pipeline.handleEvent(ev),
              afterBatch: chunkDone,
              onProgress,
            }));
          }
        } catch (e) {
          // a failed read names the file, as on the single-threaded path
          if ((e as NodeJS.ErrnoException).syscall === 'read') throw inputError(file, e);
          throw e;
        } finally {
          closeSync(fd);
        }
      }
      // not worth the workers (or none): read on this thread
      if (stats === undefined) {
        const parser = new LineParser(opts.pack, reference, name, true, false, freePbxLog);
        // a chunk's lines are parsed, then its events go through detection and output: each stage's
        // code and data stay in the CPU caches (all-attack log, one thread: ~5% faster than an
        // event at a time)
        const parsed: SecurityEvent[] = [];
        const handleParsed = (): void => {
          for (let i = 0; i < parsed.length; i++) pipeline.handleEvent(parsed[i]!);
          parsed.length = 0;
        };
        // per-line sinks (--explain) need the parse details; otherwise only events go on
        const onLine: ByteLineHandler = perLine
          ? decoded((text, lineNo) => pipeline.handle(parser.parse(text, lineNo), text, lineNo))
          : (b, start, end, lineNo) => {
              const ev = parser.eventIn(b, start, end, lineNo);
              if (ev !== undefined) for (let k = parser.repeats; k > 0; k--) parsed.push(ev);
            };
        try {
          stats = await readLines(file, onLine, {
            afterChunk: () => {
              handleParsed();
              return chunkDone();
            },
            onProgress,
            onOversized: perLine ? (n) => fanned.oversized?.(name, n) : undefined,
          });
        } finally {
          // the lines read before a failure, and a last line without a newline (read after the last chunk)
          handleParsed();
        }
        notes = parser.notes;
      }
      doneBytes += stats.bytes;
      // the counts, not the sample line (that is for the warning)
      const forgeable = summary.forgeable - forgeableBefore;
      summary.files.push({ name, ...stats, tooLong: notes.tooLong, undated: notes.undated, foreign: notes.foreign, forgeable });
      if (forgeable > 0) summary.warnings.push(forgeableWarning(name, forgeable, notes.forgedBy, notes.forgedLine));
      if (stats.lines === 0) summary.warnings.push(emptyWarning(name));
      const binary = st?.isFile() === true ? binaryWarning(file, name) : undefined;
      if (binary !== undefined) summary.warnings.push(binary);
      // a binary file's "lines" in no known format are said by its own warning
      const read = binary !== undefined ? { ...notes, foreign: 0, firstForeign: undefined } : notes;
      summary.warnings.push(...parseWarnings(name, read, reference, st?.isFile() !== true, stats.lines - stats.oversized));
      if (stats.truncated === true) summary.warnings.push(cutGzipWarning(name, stats.lines));
      summary.warnings.push(...checks.fileDone(name));
    }
  } finally {
    pipeline.flush();
    await pool?.close();
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** File names for a note: the first ten, and how many more. */
function shortList(files: readonly string[]): string {
  const more = files.length - 10;
  return files.slice(0, 10).join(' ') + (more > 0 ? ` and ${more} more` : '');
}

/** An open descriptor when `file` can be cut into blocks (not gzip), else undefined. */
function plainFile(file: string): number | undefined {
  try {
    return openPlainFile(file);
  } catch (e) {
    throw inputError(file, e);
  }
}
