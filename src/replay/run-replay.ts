/**
 * @module `replay` as a library call: files through the shared pipeline on event time, into a
 * summary and optional streaming sinks. The CLI only parses flags and renders.
 */
import { statSync } from 'node:fs';
import type { AddressSet } from '../core/ip.js';
import { BanPolicy, DEFAULT_BAN_POLICY, type BanPolicyConfig } from '../decide/ban-policy.js';
import { AttackWindows, DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../detect/attack-windows.js';
import { LineParser } from '../parse/line-parser.js';
import type { RulePack } from '../parse/matcher.js';
import { Pipeline, type PipelineSink } from '../pipeline/pipeline.js';
import { RunSummary } from '../pipeline/summary.js';
import { readLines } from '../sources/line-reader.js';

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
  /** ms since epoch used to date year-less timestamps of stdin (files use their mtime) */
  now?: number;
}

function fanOut(sinks: PipelineSink[]): PipelineSink {
  const withEvent = sinks.filter((s) => s.event !== undefined);
  const withDecision = sinks.filter((s) => s.decision !== undefined);
  const withSuppressed = sinks.filter((s) => s.suppressed !== undefined);
  const withLine = sinks.filter((s) => s.line !== undefined);
  const out: PipelineSink = {
    event: (e) => {
      for (const s of withEvent) s.event!(e);
    },
    decision: (d) => {
      for (const s of withDecision) s.decision!(d);
    },
    suppressed: (a, w) => {
      for (const s of withSuppressed) s.suppressed!(a, w);
    },
  };
  if (withLine.length > 0) {
    out.line = (p, t, n) => {
      for (const s of withLine) s.line!(p, t, n);
    };
  }
  return out;
}

export async function runReplay(opts: ReplayOptions): Promise<RunSummary> {
  const summary = new RunSummary(opts.perAddressSummary ?? true);
  const windows = new AttackWindows({ ...DEFAULT_DETECTOR_CONFIG, ...opts.detector });
  const policyCfg: BanPolicyConfig = { ...DEFAULT_BAN_POLICY, ...opts.policy };
  if (opts.allowlist) policyCfg.allowlist = opts.allowlist;
  const pipeline = new Pipeline(windows, new BanPolicy(policyCfg), fanOut([summary, ...(opts.sinks ?? [])]));
  const perLine = (opts.sinks ?? []).some((s) => s.line !== undefined);
  const started = performance.now();
  let doneBytes = 0;
  for (const file of opts.files) {
    const reference = file === '-' ? (opts.now ?? Date.now()) : statSync(file).mtimeMs;
    const name = file === '-' ? 'stdin' : file;
    const parser = new LineParser(opts.pack, reference, name, true);
    const base = doneBytes;
    // per-line sinks (--explain) need the parse details; otherwise only events go on
    const onLine = perLine
      ? (text: string, lineNo: number) => pipeline.handle(parser.parse(text, lineNo), text, lineNo)
      : (text: string, lineNo: number) => {
          const ev = parser.event(text, lineNo);
          if (ev !== undefined) pipeline.handleEvent(ev);
        };
    const stats = await readLines(file, onLine, {
      afterChunk: opts.backpressure,
      onProgress: opts.onProgress ? (b) => opts.onProgress!(base + b) : undefined,
    });
    doneBytes += stats.bytes;
    summary.files.push({ name, ...stats });
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}
