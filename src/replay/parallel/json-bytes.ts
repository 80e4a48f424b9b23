/**
 * @module JSON lines encoded into one growing byte buffer, with the offset where each one ends (the
 * main thread puts decisions right after the event that caused them).
 */
import type { SecurityEvent } from '../../core/events.js';
import type { JsonlFormatter } from '../../act/report/jsonl.js';

// lines gathered before one encode call (one call per line cost 8% of a profile; see output.ts)
const GROUP = 64;

export class JsonBytes {
  private buf: Buffer;
  private used = 0;
  private group: string[] = [];
  /** characters gathered in `group` */
  private pendingChars = 0;

  private lastFile: string | undefined;
  private fileAscii = true;

  /** `reuse`: a buffer an earlier block's lines were in, handed back by the main thread */
  constructor(
    private readonly fmt: JsonlFormatter,
    reuse?: ArrayBuffer,
  ) {
    this.buf = reuse !== undefined ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(1 << 20);
  }

  /** Bytes so far (the gathered lines are encoded first). */
  get length(): number {
    this.flushGroup();
    return this.used;
  }

  /** Adds an event's line; returns the offset where it ends. */
  add(ev: SecurityEvent): number {
    const line = this.fmt.event(ev);
    // rule and scanner ids are ASCII by the rule schema; the file name is checked once
    if (ev.file !== this.lastFile) {
      this.lastFile = ev.file;
      this.fileAscii = isAscii(ev.file);
    }
    if (!this.fileAscii || !isAscii(ev.account) || !isAscii(ev.userAgent)) {
      // UTF-8 takes more bytes than chars: encode this line alone to know where it ends
      this.flushGroup();
      this.reserve(line.length * 3);
      this.used += this.buf.write(line, this.used, 'utf8');
      return this.used;
    }
    this.group.push(line);
    this.pendingChars += line.length;
    const end = this.used + this.pendingChars;
    if (this.group.length >= GROUP) this.flushGroup();
    return end;
  }

  /** Encodes the gathered lines, all ASCII (one byte per char, so their offsets were exact). */
  private flushGroup(): void {
    if (this.group.length === 0) return;
    const s = this.group.length === 1 ? this.group[0]! : this.group.join('');
    this.reserve(s.length);
    this.used += this.buf.write(s, this.used, 'latin1');
    this.group = [];
    this.pendingChars = 0;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + bytes));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }

  finish(): Uint8Array {
    this.flushGroup();
    return new Uint8Array(this.buf.buffer, 0, this.used);
  }
}

function isAscii(s: string | undefined): boolean {
  if (s === undefined) return true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
