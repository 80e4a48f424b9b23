/**
 * @module A parse worker: turns blocks of whole lines into packed events, in parallel with the
 * main thread, which runs detection (and writes the output) in file order. Everything a line needs
 * is in the line, except the address sshd's `address: session` lines take from an earlier line of
 * the same process: the worker answers that from its own block only, and hands a line it cannot
 * answer back to the main thread (DEFERRED), which knows every earlier block.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { CompiledRule } from '../../parse/rules/compile.js';
import { Fingerprinter } from '../../parse/fingerprints.js';
import { RulePack } from '../../parse/matcher.js';
import type { FingerprintDef } from '../../parse/rules/schema.js';
import type { BlockRequest, FileRequest, WorkerFailure } from './batch.js';
import { BlockParser } from './parse-block.js';

export interface WorkerOptions {
  /** the main thread's pack: its rules as compiled there (a structured clone keeps the regexes), and its fingerprints */
  rules: readonly CompiledRule[];
  fingerprints: FingerprintDef[];
  /** requests come in and results go out here; the main thread polls it without the event loop */
  port: MessagePort;
  /** slot 0 is bumped and notified after each result, for the main thread's Atomics.wait */
  signal: Int32Array;
}

const opts = workerData as WorkerOptions;
const blocks = new BlockParser(new RulePack(opts.rules, new Fingerprinter(opts.fingerprints)));
let file: FileRequest | undefined;

opts.port.on('message', (msg: FileRequest | BlockRequest) => {
  try {
    if (msg.type === 'file') {
      file = msg;
      return;
    }
    const { result, transfer } = blocks.parse(msg, file!);
    opts.port.postMessage(result, transfer);
  } catch (e) {
    const failure: WorkerFailure = { type: 'error', message: (e as Error).stack ?? String(e) };
    opts.port.postMessage(failure);
  }
  Atomics.add(opts.signal, 0, 1);
  Atomics.notify(opts.signal, 0);
});
