/**
 * Buffered synchronous stdout: lines are encoded straight into one reused
 * 1 MiB buffer and written when it fills; quiet exit when the reader goes away (EPIPE).
 */
import { writeSync } from 'node:fs';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const SIZE = 1 << 20;

export class Output {
  private buf = Buffer.allocUnsafe(SIZE);
  private pos = 0;
  closed = false;

  constructor(private readonly fd = 1) {}

  line(s: string): void {
    if (this.closed) return;
    // Worst case 3 bytes per UTF-16 unit, plus the newline.
    const need = s.length * 3 + 1;
    if (this.pos + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    this.pos += this.buf.write(s, this.pos);
    this.buf[this.pos++] = 10;
  }

  // Byte-level writing for the hot line path: no intermediate strings.

  /** Makes room for n more bytes (flushing what is buffered). */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
  }

  /** An ASCII string (the caller guarantees ASCII and has reserved room). */
  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, UTF-8 encoded (reserves its own room). */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /** Bytes already encoded (the caller has reserved room). */
  bytes(b: Uint8Array): void {
    if (b.length <= 16) {
      const d = this.buf;
      let p = this.pos;
      for (let i = 0; i < b.length; i++) d[p++] = b[i]!;
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += b.length;
    }
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53 in decimal. */
  dec(n: number): void {
    const b = this.buf;
    if (n < 10) { b[this.pos++] = 48 + n; return; }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      b[--p] = 48 + (n - q * 10);
      n = q;
    }
    b[--p] = 48 + n;
  }

  /** A non-negative integer, zero-padded on the left to `width` digits. */
  decPad(n: number, width: number): void {
    const b = this.buf;
    let p = this.pos + width;
    this.pos = p;
    for (let i = 0; i < width; i++) {
      const q = Math.floor(n / 10);
      b[--p] = 48 + (n - q * 10);
      n = q;
    }
  }

  /** An IPv4 address held as a 32-bit number. */
  ipv4(n: number): void {
    this.dec(n >>> 24); this.buf[this.pos++] = 46;
    this.dec((n >>> 16) & 255); this.buf[this.pos++] = 46;
    this.dec((n >>> 8) & 255); this.buf[this.pos++] = 46;
    this.dec(n & 255);
  }

  endLine(): void {
    this.buf[this.pos++] = 10;
  }

  flush(): void {
    if (this.pos === 0 || this.closed) return;
    this.writeAll(this.buf, this.pos);
    this.pos = 0;
  }

  private writeAll(b: Buffer, len: number): void {
    let off = 0;
    while (off < len && !this.closed) {
      try {
        off += writeSync(this.fd, b, off, len - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { Atomics.wait(sleepCell, 0, 0, 1); continue; }
        if (code === 'EPIPE') { this.closed = true; return; }
        throw e;
      }
    }
  }
}
