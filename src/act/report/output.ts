/**
 * @module Buffered writing to stdout (or any stream) in large pieces, with back-pressure. Small
 * strings are gathered in groups and each group is encoded into a byte buffer with one call:
 * joining everything at once was the hottest line of the all-attack benchmark, and one encode
 * call per event line was the next (8% of samples). Writers of bytes (event lines, see jsonl.ts)
 * write straight into the buffer.
 */
import type { Writable } from 'node:stream';

const BUFFER_BYTES = 256 * 1024;
// strings gathered before one encode call; small enough that joining them is cheap
const GROUP = 64;

/** Where a writer of bytes writes: `room(n)` gives a buffer with `n` bytes free from `used` on. */
export interface ByteRoom {
  room(n: number): Buffer;
  used: number;
}

export class BufferedOutput implements ByteRoom {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  used = 0;
  private group: string[] = [];
  private blocked: Promise<void> | undefined;

  constructor(private readonly out: Writable = process.stdout) {}

  write(s: string): void {
    this.group.push(s);
    if (this.group.length >= GROUP) this.encodeGroup();
  }

  room(n: number): Buffer {
    // strings written before go first
    if (this.group.length > 0) this.encodeGroup();
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    return this.buf;
  }

  private encodeGroup(): void {
    if (this.group.length === 0) return;
    const s = this.group.length === 1 ? this.group[0]! : this.group.join('');
    this.group = [];
    // a UTF-8 char is at most 3 bytes per UTF-16 unit
    if (this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.send(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  flush(): void {
    this.encodeGroup();
    if (this.used === 0) return;
    const full = this.buf.subarray(0, this.used);
    // the stream may keep the bytes until written: hand it this buffer and start a new one
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES);
    this.used = 0;
    this.send(full);
  }

  private send(bytes: Buffer): void {
    if (!this.out.write(bytes) && this.blocked === undefined) {
      this.blocked = new Promise((resolve) => {
        this.out.once('drain', () => {
          this.blocked = undefined;
          resolve();
        });
      });
    }
  }

  /** A promise while the stream is full: the reader waits on it before reading more. */
  backpressure(): Promise<void> | undefined {
    return this.blocked;
  }

  /** Flushes and resolves once everything is handed to the OS. */
  async end(): Promise<void> {
    this.flush();
    if (this.blocked) await this.blocked;
  }
}
