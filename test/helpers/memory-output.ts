/** An Output (src/encode/sink.ts) whose bytes are kept in memory instead of written to a file descriptor. */
import { Output } from '../../src/encode/sink.js';

export class MemoryOutput extends Output {
  private chunks: Buffer[] = [];
  /** `size`: the buffer; small ones make records straddle its end. */
  constructor(size?: number) { super(-1, size); }
  override flush(): void {
    const self = this as unknown as { buf: Buffer; pos: number };
    this.chunks.push(Buffer.from(self.buf.subarray(0, self.pos)));
    self.pos = 0;
  }
  /** Everything written since the last take(), as UTF-8 text. */
  take(): string { this.flush(); const s = Buffer.concat(this.chunks).toString('utf8'); this.chunks = []; return s; }
}
