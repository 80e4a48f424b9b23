/** @module Buffered writing to stdout (or any stream) in large pieces, with back-pressure. */
import type { Writable } from 'node:stream';

const FLUSH_AT = 256 * 1024;

export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  private blocked: Promise<void> | undefined;

  constructor(private readonly out: Writable = process.stdout) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text) && this.blocked === undefined) {
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
