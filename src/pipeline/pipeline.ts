/**
 * @module The one pipeline every command runs: parsed line → event → attack windows → ban policy →
 * decisions, handed to sinks. `replay` feeds it files and collects a report; the daemon will feed it
 * tails and hand decisions to the firewall. Nothing about detection is written twice.
 */
import type { Decision, SecurityEvent } from '../core/events.js';
import type { BanPolicy } from '../decide/ban-policy.js';
import type { Alert } from '../detect/alerts.js';
import type { AttackWindows } from '../detect/attack-windows.js';
import type { ParsedLine } from '../parse/line-parser.js';

export interface PipelineSink {
  /** every event, attack or not, including `ambiguous` ones */
  event?(ev: SecurityEvent): void;
  decision?(d: Decision): void;
  /** an alert that led to no decision (allowlisted, or the address is banned already) */
  suppressed?(alert: Alert, why: 'allowlisted' | 'already-banned'): void;
  /** every parsed line; only wire this for `--explain`, it is called per line */
  line?(parsed: ParsedLine, text: string, lineNo: number): void;
  /** with `line`: a line too long to read (MAX_LINE_CHARS), skipped unparsed */
  oversized?(file: string, lineNo: number): void;
  /**
   * The events so far are all in (the end of a read chunk, a block, an input): write out what is
   * held back. A sink may hold events until then (the JSON writers do), so whoever feeds a
   * pipeline calls `Pipeline.flush` after each batch of input and at its end.
   */
  flush?(): void;
}

export class Pipeline {
  constructor(
    private readonly windows: AttackWindows,
    private readonly policy: BanPolicy,
    private readonly sink: PipelineSink,
  ) {}

  /** Takes one parsed line through detection and decision. */
  handle(parsed: ParsedLine, text: string, lineNo: number): void {
    this.sink.line?.(parsed, text, lineNo);
    const r = parsed.result;
    if (r.status === 'event' || r.status === 'ambiguous') for (let k = parsed.repeats; k > 0; k--) this.handleEvent(r.event);
  }

  /** Entry for sources that produce events directly (AMI, pcap). */
  handleEvent(ev: SecurityEvent): void {
    this.sink.event?.(ev);
    // its time is the file's, not the attempt's (windows would see every such line at once), or
    // its address may be a forger's choice
    if (ev.undated === true || ev.forgeable === true) return;
    const alerts = this.windows.observe(ev);
    for (const alert of alerts) {
      const out = this.policy.decide(alert);
      if (out.kind !== 'decisions') {
        this.sink.suppressed?.(alert, out.kind);
        continue;
      }
      for (const d of out.decisions) {
        if (d.action === 'ban') this.windows.quiet(d.target, d.permanent ? Infinity : (d.until ?? d.at));
        this.sink.decision?.(d);
      }
    }
  }

  /** The events so far are all in: sinks write out what they hold back. */
  flush(): void {
    this.sink.flush?.();
  }
}
