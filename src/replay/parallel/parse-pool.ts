/**
 * @module Parses a large plain file on worker threads while the main thread runs detection, in file
 * order, on what they send back. Blocks go to the workers in turn and are taken back in order, so
 * every event, decision and JSON line comes out exactly as the single-threaded replay writes them.
 */
import { Worker } from 'node:worker_threads';
import type { SecurityEvent } from '../../core/events.js';
import { LineParser, MAX_SESSIONS } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { LineSplitter, splitBytes, type ReadStats } from '../../sources/line-reader.js';
import { DEFERRED, eventOf, KIND, LINE, REC, TEXT, textAt, type BatchResult, type BlockRequest, type FileRequest, type WorkerFailure } from './batch.js';
import { BlockReader } from './blocks.js';
import type { WorkerOptions } from './parse-worker.js';

/** Blocks handed out and not yet taken back, per worker: enough to keep each busy, bounded in memory. */
const IN_FLIGHT_PER_WORKER = 3;

/** What the pool feeds: events in file order. */
export interface BatchConsumer {
  event(ev: SecurityEvent): void;
  /** after each block; a promise holds reading (output back-pressure) */
  afterBatch?(): Promise<void> | undefined;
  onProgress?(bytes: number): void;
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly results = new Map<number, BatchResult>();
  private waiting: { id: number; resolve: (r: BatchResult) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    size: number,
    private readonly pack: RulePack,
    opts: WorkerOptions,
  ) {
    const fromSource = import.meta.url.endsWith('.ts');
    const script = new URL(`./parse-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
    // run from TypeScript sources (tests, `node --import tsx`), a worker needs tsx registered in it
    // too: Node 20 does not pass module hooks on to worker threads
    const execArgv = fromSource ? [...process.execArgv, '--import', tsxRegistration()] : undefined;
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(script, { workerData: opts, execArgv });
      w.on('message', (m: BatchResult | WorkerFailure) => (m.type === 'error' ? this.fail(new Error(`parse worker: ${m.message}`)) : this.arrived(m)));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`parse worker exited with code ${code}`));
      });
      return w;
    });
  }

  /** Replays one plain file (an open descriptor) through `consumer`; returns its read statistics. */
  async replay(fd: number, name: string, reference: number, blockBytes: number | undefined, consumer: BatchConsumer): Promise<ReadStats> {
    const fileMsg: FileRequest = { type: 'file', name, reference };
    for (const w of this.workers) w.postMessage(fileMsg);
    // the main thread's own parser answers the lines a worker could not (sshd sessions across blocks)
    const parser = new LineParser(this.pack, reference, name, true);
    const blocks = new BlockReader(fd, blockBytes);
    const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
    let sent = 0;
    let taken = 0;
    let done = false;
    for (;;) {
      while (!done && sent - taken < IN_FLIGHT_PER_WORKER * this.workers.length) {
        const b = blocks.next();
        if (b === undefined) {
          done = true;
          break;
        }
        const req: BlockRequest = { type: 'block', id: sent, bytes: b.bytes, lineBefore: b.lineBefore, last: b.last };
        this.workers[sent % this.workers.length]!.postMessage(req, [b.bytes.buffer as ArrayBuffer]);
        sent++;
      }
      if (taken === sent) break;
      const r = await this.take(taken++);
      if (r.deferred > 0 && parser.sessions.size + r.remembered >= MAX_SESSIONS) this.redo(r, parser, consumer);
      else this.consume(r, name, parser, consumer);
      blocks.recycle(r.spent);
      stats.lines += r.lines;
      stats.oversized += r.oversized;
      consumer.onProgress?.(blocks.bytes);
      const wait = consumer.afterBatch?.();
      if (wait) await wait;
    }
    stats.lines += blocks.skippedLines;
    stats.oversized += blocks.skippedLines;
    stats.bytes = blocks.bytes;
    return stats;
  }

  private consume(r: BatchResult, name: string, parser: LineParser, consumer: BatchConsumer): void {
    const ints = r.ints;
    const rules = this.pack.rules;
    for (let i = 0; i < r.count; i++) {
      const b = REC * i;
      if (ints[b + KIND] === DEFERRED) {
        const ev = parser.event(textAt(r, b + TEXT)!, ints[b + LINE]);
        if (ev !== undefined) consumer.event(ev);
      } else {
        consumer.event(eventOf(r, i, rules, name));
      }
    }
    // what this block's processes named, for the deferred lines of later blocks
    for (const [key, ip, at] of r.sessions) parser.sessions.remember(key, ip, at);
  }

  /**
   * Parses a block again on the main thread, in order, discarding the worker's answer. For a block
   * whose handed-back lines might read differently single-threaded: its processes named so many
   * addresses that, in one session table, the address a handed-back line needs may have been
   * pushed out (MAX_SESSIONS) before that line.
   */
  private redo(r: BatchResult, parser: LineParser, consumer: BatchConsumer): void {
    const stats: ReadStats = { lines: r.lineBefore, bytes: 0, oversized: 0 };
    const splitter = new LineSplitter((line, lineNo) => {
      const ev = parser.event(line, lineNo);
      if (ev !== undefined) consumer.event(ev);
    }, stats);
    splitBytes(new Uint8Array(r.spent, r.blockOffset, r.blockLength), splitter);
    if (r.last) splitter.finish();
  }

  private take(id: number): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const r = this.results.get(id);
    if (r !== undefined) {
      this.results.delete(id);
      return Promise.resolve(r);
    }
    return new Promise((resolve, reject) => (this.waiting = { id, resolve, reject }));
  }

  private arrived(r: BatchResult): void {
    if (this.waiting?.id === r.id) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(r);
    } else {
      this.results.set(r.id, r);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.removeAllListeners('exit');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A preload module that registers tsx (a development dependency, present whenever sources run). */
function tsxRegistration(): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `data:text/javascript,${encodeURIComponent(`import { register } from ${JSON.stringify(api)}; register();`)}`;
}
