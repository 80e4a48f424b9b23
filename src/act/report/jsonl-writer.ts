/** @module `--format jsonl` as a pipeline sink: each event's line, each decision's right after the event that caused it. */
import type { Decision, SecurityEvent } from '../../core/events.js';
import type { PipelineSink } from '../../pipeline/pipeline.js';
import { JsonlFormatter } from './jsonl.js';
import type { BufferedOutput } from './output.js';

export class JsonlWriter implements PipelineSink {
  private readonly fmt = new JsonlFormatter();

  constructor(private readonly out: BufferedOutput) {}

  event(ev: SecurityEvent): void {
    this.out.write(this.fmt.event(ev));
  }

  decision(d: Decision): void {
    this.out.write(this.fmt.decision(d));
  }
}
