/** @module `--format jsonl` as a pipeline sink: each event's line, each decision's right after the event that caused it. */
import type { Decision, SecurityEvent } from '../../core/events.js';
import type { PipelineSink } from '../../pipeline/pipeline.js';
import { JsonlEncoder } from './jsonl.js';
import type { BufferedOutput } from './output.js';

export class JsonlWriter implements PipelineSink {
  private readonly enc = new JsonlEncoder();

  constructor(private readonly out: BufferedOutput) {}

  event(ev: SecurityEvent): void {
    this.enc.event(ev, this.out, true);
  }

  decision(d: Decision): void {
    this.out.write(this.enc.decision(d));
  }
}
