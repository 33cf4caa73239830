/** Buffered synchronous stdout: one write per 64 KiB, quiet exit when the reader goes away (EPIPE). */
import { writeSync } from 'node:fs';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class Output {
  private chunks: string[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly fd = 1, private readonly limit = 1 << 16) {}

  line(s: string): void {
    if (this.closed) return;
    this.chunks.push(s);
    this.size += s.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  raw(b: Buffer): void {
    this.flush();
    this.writeAll(b);
  }

  flush(): void {
    if (this.size === 0 || this.closed) return;
    const text = this.chunks.join('\n') + '\n';
    this.chunks = [];
    this.size = 0;
    this.writeAll(Buffer.from(text, 'utf8'));
  }

  private writeAll(b: Buffer): void {
    let off = 0;
    while (off < b.length && !this.closed) {
      try {
        off += writeSync(this.fd, b, off, b.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { Atomics.wait(sleepCell, 0, 0, 1); continue; }
        if (code === 'EPIPE') { this.closed = true; return; }
        throw e;
      }
    }
  }
}
