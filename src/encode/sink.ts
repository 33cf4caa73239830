/**
 * Where records go: the one sink interface every writer in encode/, print/
 * and report/ writes through.
 *
 * ByteSink: buffered synchronous output to a file descriptor (stdout by
 * default): text is encoded straight into one reused 1 MiB buffer and written
 * when it fills. StringSink: the same writer, its bytes kept in memory and
 * taken as a string (tests and the library).
 *
 * When a write fails the output closes (everything after it is dropped, and the
 * buffer is never overrun) and `onFailure` is told, or, when no handler is set,
 * the error is thrown so that an offline view unwinds to main.ts:
 *  - the reader went away (EPIPE: `netlens read big.pcap | head -1`): OutputClosed,
 *    a quiet end with status 0, as tcpdump ends on SIGPIPE;
 *  - any other failure (ENOSPC on /dev/full or a full disk, EBADF on a read-only
 *    or closed stdout, EIO): OutputFailed, one line naming the output and the cause.
 */
import { writeSync } from 'node:fs';
import { outputError, type OutputClosed, type OutputFailed } from '../errors.js';

export { OutputClosed, OutputFailed, outputError } from '../errors.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const SIZE = 1 << 20;

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** "00" … "99" as byte pairs: two digits per division. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) { PAIRS[2 * i] = 48 + Math.floor(i / 10); PAIRS[2 * i + 1] = 48 + (i % 10); }

/** Decimal text of 0 … 255 for IPv4 octets: length in the low byte, then up to three digits. */
const OCTET = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  const s = String(i);
  let v = s.length;
  for (let k = 0; k < s.length; k++) v |= s.charCodeAt(k) << (8 * (k + 1));
  OCTET[i] = v;
}

/** Number of decimal digits of a non-negative integer below 2^53. */
function digitCount(n: number): number {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  if (n < 10000000000) return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
  let d = 11;
  for (let x = n / 1e11; x >= 1; x /= 10) d++;
  return d;
}

export class ByteSink {
  protected buf: Buffer;
  protected pos = 0;
  /** True once a write failed: everything after is dropped. */
  closed = false;
  /** Why it closed (null while open). */
  failure: OutputClosed | OutputFailed | null = null;
  /**
   * Told once when a write fails. Live capture sets it (to stop capturing and
   * report); without one the error is thrown to the caller of the write.
   */
  onFailure: ((e: OutputClosed | OutputFailed) => void) | null = null;

  /** `size`: the buffer (tests make it small, so that records straddle its end). */
  /** `name`: what a failed write names (default stdout, or the fd). */
  constructor(private readonly fd = 1, size = SIZE, private readonly name: string | null = null) {
    this.buf = Buffer.allocUnsafe(size);
  }

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

  /** Any string, UTF-8 encoded, into room the caller has reserved (3 bytes a UTF-16 unit). */
  utf8(s: string): void {
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

  /** A byte as two lower-case hex digits. */
  hex2(x: number): void {
    const b = this.buf;
    b[this.pos++] = HEX_DIGITS[x >>> 4]!;
    b[this.pos++] = HEX_DIGITS[x & 15]!;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53 in decimal. */
  dec(n: number): void {
    const b = this.buf;
    if (n < 10) { b[this.pos++] = 48 + n; return; }
    let p = this.pos + digitCount(n);
    this.pos = p;
    while (n >= 100) {
      const q = Math.floor(n / 100);
      const r = 2 * (n - q * 100);
      b[--p] = PAIRS[r + 1]!;
      b[--p] = PAIRS[r]!;
      n = q;
    }
    if (n >= 10) { b[--p] = PAIRS[2 * n + 1]!; b[--p] = PAIRS[2 * n]!; } else b[--p] = 48 + n;
  }

  /** A non-negative integer, zero-padded on the left to `width` digits. */
  decPad(n: number, width: number): void {
    const b = this.buf;
    let p = this.pos + width;
    this.pos = p;
    let i = width;
    for (; i >= 2; i -= 2) {
      const q = Math.floor(n / 100);
      const r = 2 * (n - q * 100);
      b[--p] = PAIRS[r + 1]!;
      b[--p] = PAIRS[r]!;
      n = q;
    }
    if (i === 1) b[--p] = 48 + (n % 10);
  }

  /** An IPv4 address held as a 32-bit number. */
  ipv4(n: number): void {
    this.octet(n >>> 24); this.buf[this.pos++] = 46;
    this.octet((n >>> 16) & 255); this.buf[this.pos++] = 46;
    this.octet((n >>> 8) & 255); this.buf[this.pos++] = 46;
    this.octet(n & 255);
  }

  private octet(x: number): void {
    const v = OCTET[x]!;
    const b = this.buf;
    let p = this.pos;
    b[p++] = (v >>> 8) & 255;
    if ((v & 255) > 1) b[p++] = (v >>> 16) & 255;
    if ((v & 255) > 2) b[p++] = v >>> 24;
    this.pos = p;
  }

  endLine(): void {
    this.buf[this.pos++] = 10;
  }

  /** Bytes written at once, after what is buffered (a Parquet page: no copy into the line buffer). */
  write(b: Uint8Array): void {
    this.flush();
    if (b.length > 0 && !this.closed) this.writeAll(b, b.length);
  }

  flush(): void {
    const len = this.pos;
    this.pos = 0;
    if (len === 0 || this.closed) return;
    this.writeAll(this.buf, len);
  }

  private writeAll(b: Uint8Array, len: number): void {
    let off = 0;
    while (off < len && !this.closed) {
      try {
        off += writeSync(this.fd, b, off, len - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { Atomics.wait(sleepCell, 0, 0, 1); continue; }
        this.fail(outputError(this.name ?? (this.fd === 1 ? 'stdout' : `fd ${this.fd}`), e));
        return;
      }
    }
  }

  private fail(e: OutputClosed | OutputFailed): void {
    this.closed = true;
    this.failure = e;
    this.pos = 0;
    if (this.onFailure !== null) this.onFailure(e);
    else throw e;
  }
}

/** A ByteSink whose bytes are kept in memory instead of written to a file descriptor: the string sink of tests and the library. */
export class StringSink extends ByteSink {
  private chunks: Buffer[] = [];
  /** `size`: the buffer; small ones make records straddle its end (tests). */
  constructor(size = 1 << 16) { super(-1, size); }
  override flush(): void {
    if (this.pos > 0) this.chunks.push(Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
  }
  /** Everything written since the last take(), as UTF-8 text. */
  take(): string {
    if (this.chunks.length === 0) {
      // All of it still in the buffer (a record, a time stamp): decoded from there, no copy.
      const s = this.buf.toString('utf8', 0, this.pos);
      this.pos = 0;
      return s;
    }
    this.flush();
    const s = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    return s;
  }
}
