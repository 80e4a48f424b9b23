/**
 * @module `--format jsonl` as a pipeline sink: each event's line, and each decision's right after
 * the event that caused it. Events parsed on worker threads arrive with their lines already encoded
 * (a block's worth of bytes); those are copied through, cut where a decision goes in.
 */
import type { Decision, SecurityEvent } from '../../core/events.js';
import type { PipelineSink } from '../../pipeline/pipeline.js';
import { JsonlFormatter } from './jsonl.js';
import type { BufferedOutput } from './output.js';

export class JsonlWriter implements PipelineSink {
  private readonly fmt = new JsonlFormatter();
  /** the current block's encoded lines, while its events go through the pipeline */
  private block: Uint8Array | undefined;
  private written = 0;
  /** where the current event's line ends in `block` */
  private end = 0;
  /** the current event is not in `block` (the main thread parsed its line): format it */
  private own = false;

  constructor(private readonly out: BufferedOutput) {}

  event(ev: SecurityEvent): void {
    if (this.block !== undefined && !this.own) return;
    this.catchUp();
    this.out.write(this.fmt.event(ev));
  }

  decision(d: Decision): void {
    this.catchUp();
    this.out.write(this.fmt.decision(d));
  }

  beginBlock(bytes: Uint8Array): void {
    this.block = bytes;
    this.written = 0;
    this.end = 0;
  }

  /** The next event's line is in the block and ends at `end`. */
  blockEvent(end: number): void {
    this.end = end;
    this.own = false;
  }

  /** The next event is not in the block; its line goes in at `at`. */
  ownEvent(at: number): void {
    this.end = at;
    this.own = true;
  }

  endBlock(): void {
    if (this.block === undefined) return;
    this.end = this.block.length;
    this.catchUp();
    this.block = undefined;
    this.own = false;
  }

  private catchUp(): void {
    if (this.block === undefined || this.end <= this.written) return;
    this.out.writeBytes(this.block, this.written, this.end);
    this.written = this.end;
  }
}
