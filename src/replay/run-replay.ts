/**
 * @module `replay` as a library call: files through the shared pipeline on event time, into a
 * summary and optional streaming sinks. The CLI only parses flags and renders.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { AddressSet } from '../core/ip.js';
import { BanPolicy, DEFAULT_BAN_POLICY, type BanPolicyConfig } from '../decide/ban-policy.js';
import { AttackWindows, DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../detect/attack-windows.js';
import { LineParser } from '../parse/line-parser.js';
import type { RulePack } from '../parse/matcher.js';
import { Pipeline, type PipelineSink } from '../pipeline/pipeline.js';
import { RunSummary } from '../pipeline/summary.js';
import { decoded, inputError, LineSplitter, openPlainFile, readLines, type ByteLineHandler, type ReadStats } from '../sources/line-reader.js';
import { JsonlWriter } from '../act/report/jsonl-writer.js';
import type { BufferedOutput } from '../act/report/output.js';
import { ParsePool } from './parallel/parse-pool.js';
import type { SecurityEvent } from '../core/events.js';

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
  /**
   * Use the workers only for a file whose first MiB is mostly lines that yield events, where
   * parsing is most of the work: on a typical log (~10% such lines) a worker's start-up and
   * warm-up cost more than its share saves (measured on 2 CPUs: realistic log 0.57 s alone, 0.61 s
   * with one worker; all-attack 2.24 vs 1.57 s).
   */
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
  const fanned = fanOut(sinks);
  const pipeline = new Pipeline(windows, new BanPolicy(policyCfg), fanned);
  const perLine = sinks.some((s) => s.line !== undefined);
  const workers = perLine ? 0 : (opts.workers ?? 0);
  let pool: ParsePool | undefined;
  const started = performance.now();
  let doneBytes = 0;
  const order = new RotationOrder();
  const handleEvent = (ev: SecurityEvent): void => {
    order.saw(ev.at);
    pipeline.handleEvent(ev);
  };
  try {
    for (const file of opts.files) {
      const st = file === '-' ? undefined : statSync(file);
      // a pipe's mtime says nothing of its lines: like stdin, it is read now
      const reference = st?.isFile() === true ? st.mtimeMs : (opts.now ?? Date.now());
      const name = file === '-' ? 'stdin' : file;
      const base = doneBytes;
      const onProgress = opts.onProgress ? (b: number) => opts.onProgress!(base + b) : undefined;
      let fd = workers > 0 && st !== undefined && st.size >= (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES) ? plainFile(file) : undefined;
      if (fd !== undefined && opts.workersWhenDense === true && !denseEnough(fd, file, opts.pack, reference)) {
        closeSync(fd);
        fd = undefined;
      }
      let stats: ReadStats;
      if (fd !== undefined) {
        if (opts.pack.ruleSet === undefined) throw new Error('parse workers need a rule pack loaded from a rule set (loadRulePack)');
        pool ??= new ParsePool(workers, opts.pack, opts.pack.ruleSet);
        try {
          stats = await pool.replay(fd, name, reference, opts.blockBytes, {
            event: handleEvent,
            afterBatch: opts.backpressure,
            onProgress,
          });
        } catch (e) {
          // a failed read names the file, as on the single-threaded path
          if ((e as NodeJS.ErrnoException).syscall === 'read') throw inputError(file, e);
          throw e;
        } finally {
          closeSync(fd);
        }
      } else {
        const parser = new LineParser(opts.pack, reference, name, true);
        // per-line sinks (--explain) need the parse details; otherwise only events go on
        const onLine: ByteLineHandler = perLine
          ? decoded((text, lineNo) => {
              const parsed = parser.parse(text, lineNo);
              const r = parsed.result;
              if (r.status === 'event' || r.status === 'ambiguous') order.saw(r.event.at);
              pipeline.handle(parsed, text, lineNo);
            })
          : (b, start, end, lineNo) => {
              const ev = parser.eventIn(b, start, end, lineNo);
              if (ev !== undefined) handleEvent(ev);
            };
        stats = await readLines(file, onLine, {
          afterChunk: opts.backpressure,
          onProgress,
          onOversized: perLine ? (n) => fanned.oversized?.(name, n) : undefined,
        });
      }
      doneBytes += stats.bytes;
      summary.files.push({ name, ...stats });
      const binary = st?.isFile() === true ? binaryWarning(file, name) : undefined;
      if (binary !== undefined) summary.warnings.push(binary);
      const warning = order.fileDone(name);
      if (warning !== undefined) summary.warnings.push(warning);
    }
  } finally {
    await pool?.close();
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/**
 * Notices rotated files of one log given newest first (`replay messages*` expands to `messages
 * messages.1`): windows and ban times run on the lines' own times in the order read, so such a run
 * counts an old burst after a newer one. Files of different logs (messages, security) overlap in
 * time by nature and are not compared.
 */
class RotationOrder {
  private first = Infinity;
  private last = -Infinity;
  /** latest event time of each log read so far (by name without rotation suffixes) */
  private readonly lastByLog = new Map<string, { at: number; file: string }>();

  saw(at: number): void {
    if (at < this.first) this.first = at;
    if (at > this.last) this.last = at;
  }

  /** Ends a file; returns a warning when it starts before an earlier file of the same log ended. */
  fileDone(name: string): string | undefined {
    const log = logOf(name);
    const prev = this.lastByLog.get(log);
    let warning: string | undefined;
    if (prev !== undefined && this.first < prev.at - ORDER_SLACK_MS) {
      const base = basename(log);
      warning = `${name} starts (${isoTime(this.first)}) before ${prev.file} ends (${isoTime(prev.at)}): give rotated files oldest first (${base}.2.gz ${base}.1 ${base}); the windows ran in the order given`;
    }
    if (this.last > (prev?.at ?? -Infinity)) this.lastByLog.set(log, { at: this.last, file: name });
    this.first = Infinity;
    this.last = -Infinity;
    return warning;
  }
}

// lines of one file are not strictly in order either (threads log late)
const ORDER_SLACK_MS = 60_000;

/** `/var/log/asterisk/messages.2.gz`, `./messages-20261120` → `/var/log/asterisk/messages`, `$PWD/messages`. */
function logOf(name: string): string {
  return resolve(name.replace(/(?:\.gz)?$/, '').replace(/(?:\.\d{1,3}|-\d{8}(?:\d{2})?)$/, ''));
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '?';
}

/**
 * A warning when a file's first bytes are not text: a binary given by mistake (a core file, a
 * database) replays as noise and finds nothing, which the summary alone would not tell.
 */
function binaryWarning(file: string, name: string): string | undefined {
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  // gzip is read decompressed
  if (n === 0 || (head[0] === 0x1f && head[1] === 0x8b)) return undefined;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x1b) || c === 0x7f) control++;
  }
  return control * 10 > n ? `${name} does not look like a log: ${control} of its first ${n} bytes are control bytes` : undefined;
}

/** Share of lines yielding events from which `workersWhenDense` uses the workers. */
const DENSE_SHARE = 0.25;
const SAMPLE_BYTES = 1 << 20;

/** The share of the whole lines in a file's first MiB that yield an event (read at offset 0: the descriptor's position stays). */
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

/** Whether a file is worth the workers under `workersWhenDense`; a failed read closes it and names it. */
function denseEnough(fd: number, file: string, pack: RulePack, reference: number): boolean {
  try {
    return eventShare(fd, pack, reference) >= DENSE_SHARE;
  } catch (e) {
    closeSync(fd);
    throw inputError(file, e);
  }
}

/** An open descriptor when `file` can be cut into blocks (not gzip), else undefined. */
function plainFile(file: string): number | undefined {
  try {
    return openPlainFile(file);
  } catch (e) {
    throw inputError(file, e);
  }
}
