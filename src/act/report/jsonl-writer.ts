/**
 * @module Event lines as a pipeline sink: `--format jsonl` (each event's line, each decision's right
 * after the event that caused it) or the events array of `--format json`.
 */
import type { Decision, SecurityEvent } from '../../core/events.js';
import type { PipelineSink } from '../../pipeline/pipeline.js';
import { JsonlEncoder } from './jsonl.js';
import type { BufferedOutput } from './output.js';

/** events held at most before they are written anyway */
const HOLD_MAX = 4096;

export class JsonlWriter implements PipelineSink {
  private readonly enc = new JsonlEncoder();
  /**
   * Events not written yet: they are encoded a run at a time, at a flush or before a decision.
   * One loop of encoding, apart from parsing and detection, keeps the encoder's code and data in
   * the CPU caches (all-attack log, one thread: ~5% faster than a line per event as it comes).
   */
  private readonly held: SecurityEvent[] = [];
  private first = true;

  /** `document`: the elements of a JSON array (`--format json`), with no decisions among them */
  constructor(
    private readonly out: BufferedOutput,
    private readonly document = false,
  ) {}

  event(ev: SecurityEvent): void {
    if (this.held.push(ev) >= HOLD_MAX) this.flush();
  }

  decision(d: Decision): void {
    // a document holds no decision lines: its events need not be written before one
    if (this.document) return;
    this.flush();
    this.out.write(this.enc.decision(d));
  }

  flush(): void {
    const held = this.held;
    for (let i = 0; i < held.length; i++) {
      if (this.document) {
        this.out.write(this.first ? '\n' : ',\n');
        this.first = false;
      }
      this.enc.event(held[i]!, this.out, !this.document);
    }
    held.length = 0;
  }
}
