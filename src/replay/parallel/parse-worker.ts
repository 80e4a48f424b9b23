/**
 * @module A parse worker: turns blocks of whole lines into packed events, in parallel with the
 * main thread, which runs detection (and writes the output) in file order. Everything a line needs
 * is in the line, except the address sshd's `address: session` lines take from an earlier line of
 * the same process: the worker answers that from its own block only, and hands a line it cannot
 * answer back to the main thread (DEFERRED), which knows every earlier block.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineParser } from '../../parse/line-parser.js';
import { rulePackOf, type RuleSet } from '../../parse/rules/load.js';
import { LineSplitter, splitBytes, type ReadStats } from '../../sources/line-reader.js';
import { BatchWriter, REC, type BatchResult, type BlockRequest, type FileRequest, type WorkerFailure } from './batch.js';

export interface WorkerOptions {
  /** the rule set the main thread loaded */
  rules: RuleSet;
}

const port = parentPort!;
const opts = workerData as WorkerOptions;
const pack = rulePackOf(opts.rules);
const ruleIndex = new Map(pack.rules.map((r, i) => [r.id, i]));
let file: FileRequest | undefined;

port.on('message', (msg: FileRequest | BlockRequest) => {
  try {
    if (msg.type === 'file') file = msg;
    else {
      const { result, transfer } = parseBlock(msg, file!);
      port.postMessage(result, transfer);
    }
  } catch (e) {
    const failure: WorkerFailure = { type: 'error', message: (e as Error).stack ?? String(e) };
    port.postMessage(failure);
  }
});

function parseBlock(req: BlockRequest, f: FileRequest): { result: BatchResult; transfer: ArrayBuffer[] } {
  // a new parser per block: what it remembers of sshd processes must come from this block only
  const parser = new LineParser(pack, f.reference, f.name, true);
  const batch = new BatchWriter(ruleIndex);
  const stats: ReadStats = { lines: req.lineBefore, bytes: 0, oversized: 0 };
  const splitter = new LineSplitter((line, lineNo) => {
    const ev = parser.event(line, lineNo);
    if (ev !== undefined) batch.event(ev);
    else if (parser.missedSession) batch.deferred(line, lineNo);
  }, stats);
  splitBytes(req.bytes, splitter);
  if (req.last) splitter.finish();
  const result: BatchResult = {
    type: 'batch',
    id: req.id,
    lines: stats.lines - req.lineBefore,
    oversized: stats.oversized,
    count: batch.count,
    ints: batch.ints.subarray(0, batch.count * REC),
    ats: batch.ats.subarray(0, batch.count),
    text: batch.text(),
    sessions: parser.sessions.entries(),
    spent: req.bytes.buffer as ArrayBuffer,
    blockOffset: req.bytes.byteOffset,
    blockLength: req.bytes.length,
    lineBefore: req.lineBefore,
    last: req.last,
    deferred: batch.deferredCount,
    remembered: parser.sessions.remembered,
  };
  const transfer = [result.ints.buffer as ArrayBuffer, result.ats.buffer as ArrayBuffer, result.spent];
  return { result, transfer };
}
