/** @module A byte buffer that formatters append to directly, without building strings first. */

/** `ensure(n)` makes room for n more bytes at `buf[used]`; the writer then stores them and moves `used`. */
export interface ByteSink {
  buf: Buffer;
  used: number;
  ensure(bytes: number): void;
}

/** A sink that keeps everything, doubling its buffer as needed. */
export class GrowingBytes implements ByteSink {
  buf: Buffer;
  used = 0;

  constructor(initial = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(initial);
  }

  ensure(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + bytes));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }

  /** The bytes written, as a view of the buffer (which may then be handed to another thread). */
  bytes(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.used);
  }
}

/** Appends an ASCII string (every char below 0x80; the caller knows). */
export function putAscii(sink: ByteSink, s: string): void {
  const buf = sink.buf;
  let at = sink.used;
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  sink.used = at;
}

/** Appends bytes prepared earlier (short constant pieces: a loop beats a native copy call). */
export function putBytes(sink: ByteSink, b: Uint8Array): void {
  const buf = sink.buf;
  let at = sink.used;
  for (let i = 0; i < b.length; i++) buf[at++] = b[i]!;
  sink.used = at;
}

/** Appends a non-negative integer in decimal. */
export function putUint(sink: ByteSink, n: number): void {
  if (n < 10) {
    sink.buf[sink.used++] = 48 + n;
    return;
  }
  putAscii(sink, String(n));
}
