/**
 * @module Parses a large plain file on worker threads while the main thread runs detection, in file
 * order, on what they send back; the main thread parses blocks too while it would wait. Blocks are
 * numbered as read and taken back in that order, so every event, decision and JSON line comes out
 * exactly as the single-threaded replay writes them.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { SecurityEvent } from '../../core/events.js';
import { addNotes, LineParser, MAX_SESSIONS, type ParseNotes } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { LineSplitter, splitBytes, type ReadStats } from '../../sources/line-reader.js';
import { batchText, DEFERRED, eventOf, FLAGS, FORGED_BEFORE, KIND, LINE, REC, TEXT, textAt, type BatchResult, type BlockRequest, type FileRequest, type WorkerFailure } from './batch.js';
import { BlockReader } from './blocks.js';
import { BlockParser } from './parse-block.js';
import type { WorkerOptions } from './parse-worker.js';

/** Blocks handed out and not yet taken back, per worker: enough to keep each busy, bounded in memory. */
const IN_FLIGHT_PER_WORKER = 3;
/** Blocks parsed and not yet consumed, at most (the main thread's own ones included). */
const MAX_AHEAD_EXTRA = 4;

/** What the pool feeds: events in file order. */
export interface BatchConsumer {
  event(ev: SecurityEvent): void;
  /** after each block; a promise holds reading (output back-pressure) */
  afterBatch?(): Promise<void> | undefined;
  onProgress?(bytes: number): void;
}

interface PoolWorker {
  worker: Worker;
  /** the main thread's end of the worker's channel: polled with receiveMessageOnPort */
  port: MessagePort;
  inFlight: number;
}

export class ParsePool {
  private readonly workers: PoolWorker[];
  private readonly results = new Map<number, BatchResult>();
  /** bumped by a worker after each message it posts, so the main thread can sleep until one comes */
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly inline: BlockParser;
  private failure: Error | undefined;
  /** Blocks read so far, and those of them the main thread parsed itself (see `replay`). */
  private blockCount = 0;
  private inlineCount = 0;

  get blocks(): number {
    return this.blockCount;
  }

  get inlineBlocks(): number {
    return this.inlineCount;
  }

  constructor(
    size: number,
    private readonly pack: RulePack,
  ) {
    const fingerprints = pack.ruleSet?.fingerprints;
    if (fingerprints === undefined) throw new Error('parse workers need a rule pack loaded from a rule directory (loadRulePack)');
    this.inline = new BlockParser(pack);
    const fromSource = import.meta.url.endsWith('.ts');
    const script = new URL(`./parse-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
    // run from TypeScript sources (tests, `node --import tsx`), a worker needs tsx registered in it
    // too: Node 20 does not pass module hooks on to worker threads
    const execArgv = fromSource ? [...process.execArgv, '--import', tsxRegistration()] : undefined;
    this.workers = Array.from({ length: size }, () => {
      const { port1, port2 } = new MessageChannel();
      const workerData: WorkerOptions = { rules: pack.rules, fingerprints, port: port2, signal: this.signal };
      // a parser's garbage dies young: half the default young generation is as fast (all-attack,
      // --workers 1: 1.61-1.67 vs 1.65-1.75 s) and keeps ~15 MB less (172-179 vs 190-194 MB)
      const resourceLimits = { maxYoungGenerationSizeMb: 24 };
      const worker = new Worker(script, { workerData, transferList: [port2], execArgv, resourceLimits });
      worker.on('error', (e) => this.fail(e));
      // any exit before close() is a failure: the blocks it held would never come back
      worker.on('exit', (code) => this.fail(new Error(`parse worker exited with code ${code}`)));
      return { worker, port: port1, inFlight: 0 };
    });
  }

  /**
   * Replays one plain file (an open descriptor) through `consumer`; returns its read statistics.
   * While the next block in order is not back from a worker, the main thread parses a later block
   * itself: it also runs detection and output, so on few CPUs it would otherwise wait or the
   * workers would, and every thread more than CPUs slows all of them.
   */
  async replay(fd: number, file: Omit<FileRequest, 'type'>, blockBytes: number | undefined, consumer: BatchConsumer): Promise<{ stats: ReadStats; notes: ParseNotes }> {
    const fileMsg: FileRequest = { type: 'file', ...file };
    const { name, reference } = file;
    for (const w of this.workers) w.port.postMessage(fileMsg);
    // the main thread's own parser answers the lines a worker could not (sshd sessions across blocks)
    const parser = new LineParser(this.pack, reference, name, true, false, file.freePbxLog);
    const blocks = new BlockReader(fd, blockBytes);
    const stats: ReadStats = { lines: 0, bytes: 0, oversized: 0 };
    const notes: ParseNotes = { tooLong: 0, undated: 0, foreign: 0 };
    const maxAhead = IN_FLIGHT_PER_WORKER * this.workers.length + MAX_AHEAD_EXTRA;
    let sent = 0;
    let taken = 0;
    let done = false;
    const request = (): BlockRequest | undefined => {
      const b = done ? undefined : blocks.next();
      if (b === undefined) {
        done = true;
        return undefined;
      }
      this.blockCount++;
      return { type: 'block', id: sent++, bytes: b.bytes, lineBefore: b.lineBefore, last: b.last };
    };
    for (;;) {
      for (const w of this.workers) {
        while (w.inFlight < IN_FLIGHT_PER_WORKER && sent - taken < maxAhead) {
          const req = request();
          if (req === undefined) break;
          w.port.postMessage(req, [req.bytes.buffer as ArrayBuffer]);
          w.inFlight++;
        }
      }
      if (taken === sent) break;
      this.poll();
      let r = this.results.get(taken);
      if (r === undefined && sent - taken < maxAhead) {
        const req = request();
        if (req !== undefined) {
          this.results.set(req.id, this.inline.parse(req, fileMsg).result);
          this.inlineCount++;
          continue;
        }
      }
      r ??= await this.wait(taken);
      this.results.delete(taken++);
      if (r.deferred > 0 && this.mayHaveDropped(r, parser)) {
        this.redo(r, parser, consumer);
      } else {
        this.consume(r, name, parser, consumer);
        addNotes(notes, r.notes);
      }
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
    // the main thread's parser read the handed-back lines and the blocks done again
    addNotes(notes, parser.notes);
    return { stats, notes };
  }

  private consume(r: BatchResult, name: string, parser: LineParser, consumer: BatchConsumer): void {
    const ints = r.ints;
    const rules = this.pack.rules;
    const text = batchText(r);
    for (let i = 0; i < r.count; i++) {
      const b = REC * i;
      if (ints[b + KIND] === DEFERRED) {
        const ev = parser.event(textAt(r, text, b + TEXT)!, ints[b + LINE]);
        if (ev === undefined) continue;
        // the block's own lines before it may have shown a forgeable form (the worker saw them, this parser did not)
        if ((ints[b + FLAGS]! & FORGED_BEFORE) !== 0) ev.forgeable = true;
        for (let k = parser.repeats; k > 0; k--) consumer.event(ev);
      } else {
        const ev = eventOf(r, text, i, rules, name);
        // an earlier block showed a forgeable form: the worker, which saw only this block, could not know
        if (parser.forgedFile) ev.forgeable = true;
        consumer.event(ev);
      }
    }
    // what this block's processes named, and whether it showed a forgeable form, for the lines of later blocks
    for (const [key, ip, port, at, counted, ended] of r.sessions) parser.sessions.set(key, ip, port, at, counted, ended);
    if (r.forgedFile) parser.forgedFile = true;
  }

  /**
   * Parses a block again on the main thread, in order, discarding the worker's answer. For a block
   * whose handed-back lines might read differently single-threaded: its processes named so many
   * addresses that, in one session table, the address a handed-back line needs may have been
   * pushed out (MAX_SESSIONS) before that line.
   */
  private redo(r: BatchResult, parser: LineParser, consumer: BatchConsumer): void {
    const stats: ReadStats = { lines: r.lineBefore, bytes: 0, oversized: 0 };
    const splitter = new LineSplitter((b, start, end, lineNo) => {
      const ev = parser.eventIn(b, start, end, lineNo);
      if (ev !== undefined) for (let k = parser.repeats; k > 0; k--) consumer.event(ev);
    }, stats);
    splitBytes(new Uint8Array(r.spent, r.blockOffset, r.blockLength), splitter);
    if (r.last) splitter.finish();
  }

  /**
   * Whether, on one thread, the block's own lines could have pushed a process that a handed-back
   * line needs out of the session table before that line: the table is full, and the process is
   * among the oldest, as many as the block's changes could drop. (Any full table once meant every
   * block with a handed-back line, and a scanner's one-line connections fill it, so a long sshd
   * log was parsed twice.)
   */
  private mayHaveDropped(r: BatchResult, parser: LineParser): boolean {
    // each change of a full table drops at most one process, the least recently changed
    const drops = parser.sessions.size + r.remembered - MAX_SESSIONS;
    if (drops < 0) return false;
    const text = batchText(r);
    const keys = new Set<string>();
    for (let i = 0; i < r.count; i++) {
      if (r.ints[REC * i + KIND] !== DEFERRED) continue;
      for (const key of parser.processesOf(textAt(r, text, REC * i + TEXT)!)) keys.add(key);
    }
    return parser.sessions.amongOldest(keys, drops + 1);
  }

  /** Takes every result the workers have posted, without the event loop. */
  private poll(): void {
    for (const w of this.workers) {
      for (let m = receiveMessageOnPort(w.port); m !== undefined; m = receiveMessageOnPort(w.port)) {
        const msg = m.message as BatchResult | WorkerFailure;
        if (msg.type === 'error') {
          this.fail(new Error(`parse worker: ${msg.message}`));
        } else {
          w.inFlight--;
          this.results.set(msg.id, msg);
        }
      }
    }
  }

  /** Sleeps until block `id` is back; lets the event loop run now and then, for worker errors and exits. */
  private async wait(id: number): Promise<BatchResult> {
    for (;;) {
      if (this.failure) throw this.failure;
      const seen = Atomics.load(this.signal, 0);
      this.poll();
      const r = this.results.get(id);
      if (r !== undefined) return r;
      if (Atomics.wait(this.signal, 0, seen, 20) === 'timed-out') await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
  }

  async close(): Promise<void> {
    for (const w of this.workers) {
      w.worker.removeAllListeners('exit');
      w.worker.removeAllListeners('error');
      w.port.close();
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** A preload module that registers tsx (a development dependency, present whenever sources run). */
function tsxRegistration(): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `data:text/javascript,${encodeURIComponent(`import { register } from ${JSON.stringify(api)}; register();`)}`;
}
