/**
 * @module Cuts a plain file into blocks of whole lines for the parse workers, numbering lines as it
 * goes (a worker must know the number of its block's first line before it can write events). Each
 * block is its own buffer, handed over to the worker without a copy.
 */
import { readSync } from 'node:fs';
import { afterNuls, MAX_LINE_CHARS } from '../../sources/line-reader.js';

export const BLOCK_BYTES = 1 << 20;

export interface Block {
  bytes: Uint8Array;
  /** number of the line before the block's first line */
  lineBefore: number;
  /** the file's end: the block may end without a newline */
  last: boolean;
}

export class BlockReader {
  /** bytes read, and lines over MAX_LINE_CHARS that are skipped here (never sent) */
  bytes = 0;
  skippedLines = 0;
  private lineBefore = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(
    private readonly fd: number,
    private readonly blockBytes = BLOCK_BYTES,
  ) {}

  /** Buffers of blocks the workers are done with, reused: fresh memory costs a page fault per 4 KiB. */
  private readonly spare: ArrayBuffer[] = [];

  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.blockBytes && this.spare.length < 4) this.spare.push(buffer);
  }

  next(): Block | undefined {
    while (!this.ended) {
      // a line may outgrow a block: the buffer then doubles, up to the longest line that is read
      const size = Math.max(this.blockBytes, this.carry.length < this.blockBytes ? 0 : this.carry.length * 2);
      const spare = size === this.blockBytes ? this.spare.pop() : undefined;
      const buf = spare !== undefined ? Buffer.from(spare) : Buffer.allocUnsafeSlow(size);
      buf.set(this.carry, 0);
      let n = this.carry.length;
      const read = readSync(this.fd, buf, n, size - n, null);
      this.bytes += read;
      n += read;
      if (read === 0) {
        this.ended = true;
        this.carry = new Uint8Array(0);
        return n > 0 ? { bytes: buf.subarray(0, n), lineBefore: this.lineBefore, last: true } : undefined;
      }
      const lastNewline = buf.lastIndexOf(10, n - 1);
      // the line under way starts with NULs: dropped now, as the splitter drops them (a hole may be longer than a block)
      const text = lastNewline < 0 ? afterNuls(buf, 0, n) : 0;
      if (text > 0) {
        this.carry = buf.subarray(text, n);
        continue;
      }
      if (lastNewline < 0) {
        // no newline within MAX_LINE_CHARS + 2 bytes (a CR may end the line): too long to read
        if (n > MAX_LINE_CHARS + 1) this.skipLongLine();
        else this.carry = buf.subarray(0, n);
        continue;
      }
      this.carry = Uint8Array.prototype.slice.call(buf, lastNewline + 1, n);
      const block = { bytes: buf.subarray(0, lastNewline + 1), lineBefore: this.lineBefore, last: false };
      this.lineBefore += countNewlines(buf, lastNewline + 1);
      return block;
    }
    return undefined;
  }

  /** Reads on to the end of the current line; what follows it becomes the carry. */
  private skipLongLine(): void {
    this.skippedLines++;
    this.lineBefore++;
    const buf = Buffer.allocUnsafe(this.blockBytes);
    for (;;) {
      const read = readSync(this.fd, buf, 0, this.blockBytes, null);
      this.bytes += read;
      if (read === 0) {
        this.ended = true;
        this.carry = new Uint8Array(0);
        return;
      }
      const nl = buf.indexOf(10);
      if (nl >= 0 && nl < read) {
        this.carry = Uint8Array.prototype.slice.call(buf, nl + 1, read);
        return;
      }
    }
  }
}

function countNewlines(buf: Buffer, end: number): number {
  // a view that ends at `end`: past it lies the carry and stale bytes
  const view = buf.subarray(0, end);
  let n = 0;
  for (let at = view.indexOf(10); at >= 0; at = view.indexOf(10, at + 1)) n++;
  return n;
}
