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
