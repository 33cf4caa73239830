/**
 * Writes frames to a capture file: classic pcap (little-endian; nanosecond
 * magic 0xa1b23c4d or microsecond magic 0xa1b2c3d4), or pcapng when the path
 * ends in ".pcapng" (SHB, one IDB per link type with if_tsresol 9 or 6, EPBs).
 * ByteSink is buffered in 1 MiB chunks written with fs.writeSync; close()
 * flushes and closes. path '-' writes to stdout (fd 1, not closed).
 *
 * A failed write (full disk, /dev/full, a closed pipe) throws OutputFailed or
 * OutputClosed once; a regular file is then cut back to the end of its last whole
 * record, so what was written stays a valid capture file.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { outputError, type OutputClosed, type OutputFailed } from '../errors.js';
import { SourceError, type Frame } from '../frame.js';

const CHUNK = 1024 * 1024;
const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_IDB = 0x00000001;
const PCAPNG_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const TWO32 = 0x1_0000_0000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class CaptureWriter {
  /** Holds whole records only: it is flushed before a record that does not fit, so it always starts at a record boundary. */
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private closed = false;
  /** The error of the write that failed; later writes are refused with it. */
  private failure: OutputClosed | OutputFailed | null = null;
  /** Bytes the file holds (written so far). */
  private fileBytes = 0;
  /** pcapng: LINKTYPE -> interface id. */
  private readonly ifaces = new Map<number, number>();

  private constructor(
    private readonly fd: number,
    private readonly ownsFd: boolean,
    readonly path: string,
    readonly linkType: number,
    readonly snaplen: number,
    readonly nanosecond: boolean,
    readonly pcapng: boolean,
  ) {}

  /** `pcapng` defaults to the name's ending; rotated files (name0, name1 …) take it from the -w name instead. */
  static open(path: string, linkType: number, snaplen: number, nanosecond: boolean, pcapng = isPcapngName(path)): CaptureWriter {
    let fd = 1;
    let owns = false;
    if (path !== '-') {
      try {
        fd = openSync(path, 'w');
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new SourceError(`cannot write ${path}: ${err.code ?? ''} ${err.message.split('\n')[0]}`.trim());
      }
      owns = true;
    }
    const snap = snaplen > 0 ? snaplen >>> 0 : 262144;
    const w = new CaptureWriter(fd, owns, path, linkType, snap, nanosecond, pcapng);
    if (pcapng) {
      w.writeShb();
      w.writeIdb(linkType);
    } else {
      w.writePcapHeader();
    }
    return w;
  }

  write(f: Frame): void {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw new SourceError(`capture file ${this.path} is already closed`);
    const caplen = Math.min(f.caplen, this.snaplen);
    const size = this.pcapng ? 32 + 28 + pad4(caplen) + 4 : 16 + caplen; // pcapng: room for a new IDB too
    this.roomFor(size);
    if (this.pcapng) this.writeEpb(f, caplen);
    else this.writePcapRecord(f, caplen);
  }

  /** Flushes before a record that would not fit, so that a flush always ends on a record boundary. */
  private roomFor(size: number): void {
    if (this.pos + size <= this.buf.length) return;
    this.flush();
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
  }

  /** Bytes of the file so far, written or buffered (tcpdump's pcap_dump_ftell, which -C compares). */
  get size(): number {
    return this.fileBytes + this.pos;
  }

  /** True once a write failed (the file holds every whole record before it). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Flushes buffered output and closes the file (stdout stays open); throws if that last write fails. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.failure === null) this.flush();
    } finally {
      if (this.ownsFd) closeSync(this.fd);
    }
  }

  // ---------------------------------------------------------------- classic pcap

  private writePcapHeader(): void {
    const b = this.reserve(24);
    const p = this.pos;
    b.writeUInt32LE(this.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, p);
    b.writeUInt16LE(2, p + 4);
    b.writeUInt16LE(4, p + 6);
    b.writeInt32LE(0, p + 8); // thiszone
    b.writeUInt32LE(0, p + 12); // sigfigs
    b.writeUInt32LE(this.snaplen, p + 16);
    b.writeUInt32LE(this.linkType >>> 0, p + 20);
    this.pos += 24;
  }

  private writePcapRecord(f: Frame, caplen: number): void {
    if (f.linkType !== this.linkType) {
      throw new SourceError(
        `cannot write a link type ${f.linkType} frame into ${this.path} (pcap of link type ${this.linkType}); write .pcapng for mixed link types`,
      );
    }
    const b = this.reserve(16);
    const p = this.pos;
    b.writeUInt32LE(f.tsSec >>> 0, p);
    b.writeUInt32LE(this.nanosecond ? f.tsNsec >>> 0 : Math.floor(f.tsNsec / 1000) >>> 0, p + 4);
    b.writeUInt32LE(caplen, p + 8);
    b.writeUInt32LE(f.len >>> 0, p + 12);
    this.pos += 16;
    this.copy(f.buf, f.offset, caplen);
  }

  // ---------------------------------------------------------------- pcapng

  private writeShb(): void {
    const app = Buffer.from('netlens');
    const optLen = 4 + pad4(app.length) + 4; // shb_userappl + opt_endofopt
    const total = 28 + optLen;
    const b = this.reserve(total);
    let p = this.pos;
    b.writeUInt32LE(PCAPNG_SHB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt32LE(BYTE_ORDER_MAGIC, p + 8);
    b.writeUInt16LE(1, p + 12);
    b.writeUInt16LE(0, p + 14);
    b.writeInt32LE(-1, p + 16); // section length unknown (-1 as i64)
    b.writeInt32LE(-1, p + 20);
    p += 24;
    b.writeUInt16LE(4, p); // shb_userappl
    b.writeUInt16LE(app.length, p + 2);
    app.copy(b, p + 4);
    b.fill(0, p + 4 + app.length, p + 4 + pad4(app.length));
    p += 4 + pad4(app.length);
    b.writeUInt32LE(0, p); // opt_endofopt
    p += 4;
    b.writeUInt32LE(total, p);
    this.pos = p + 4;
  }

  private writeIdb(linkType: number): number {
    const id = this.ifaces.size;
    this.ifaces.set(linkType, id);
    const total = 20 + 8 + 4; // header + if_tsresol option (4 + 1 padded to 4) + endofopt, + trailing length
    const b = this.reserve(total);
    const p = this.pos;
    b.writeUInt32LE(PCAPNG_IDB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt16LE(linkType & 0xffff, p + 8);
    b.writeUInt16LE(0, p + 10);
    b.writeUInt32LE(this.snaplen, p + 12);
    b.writeUInt16LE(9, p + 16); // if_tsresol
    b.writeUInt16LE(1, p + 18);
    b.writeUInt32LE(this.nanosecond ? 9 : 6, p + 20); // value byte + 3 padding bytes
    b.writeUInt32LE(0, p + 24); // opt_endofopt
    b.writeUInt32LE(total, p + 28);
    this.pos += total;
    return id;
  }

  private writeEpb(f: Frame, caplen: number): void {
    let id = this.ifaces.get(f.linkType);
    if (id === undefined) id = this.writeIdb(f.linkType);
    const padded = pad4(caplen);
    const total = 28 + padded + 4;
    // Time stamp in units of 1e-9 or 1e-6 s as a 64-bit value, computed exactly
    // without BigInt: tsSec * m + frac, split into two 32-bit halves.
    const sec = f.tsSec >>> 0;
    let hi: number;
    let lo: number;
    if (this.nanosecond) {
      const a = Math.floor(sec / 65536);
      const x = a * 1e9; // < 2^46
      const y = (sec % 65536) * 1e9 + (f.tsNsec >>> 0); // < 2^47
      const l = (x % 65536) * 65536 + y; // < 2^48, exact
      hi = Math.floor(x / 65536) + Math.floor(l / TWO32);
      lo = l % TWO32;
    } else {
      const u = sec * 1e6 + Math.floor((f.tsNsec >>> 0) / 1000); // < 2^53, exact
      hi = Math.floor(u / TWO32);
      lo = u % TWO32;
    }
    const b = this.reserve(28);
    const p = this.pos;
    b.writeUInt32LE(PCAPNG_EPB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt32LE(id, p + 8);
    b.writeUInt32LE(hi >>> 0, p + 12);
    b.writeUInt32LE(lo >>> 0, p + 16);
    b.writeUInt32LE(caplen, p + 20);
    b.writeUInt32LE(f.len >>> 0, p + 24);
    this.pos += 28;
    this.copy(f.buf, f.offset, caplen);
    const tail = this.reserve(padded - caplen + 4);
    tail.fill(0, this.pos, this.pos + padded - caplen);
    this.pos += padded - caplen;
    tail.writeUInt32LE(total, this.pos);
    this.pos += 4;
  }

  // ---------------------------------------------------------------- buffering

  /** The buffer, with room for n more bytes at this.pos (write() made room for the whole record). */
  private reserve(n: number): Buffer {
    if (this.pos + n > this.buf.length) this.roomFor(n);
    return this.buf;
  }

  private copy(src: Buffer, start: number, len: number): void {
    src.copy(this.buf, this.pos, start, start + len);
    this.pos += len;
  }

  private flush(): void {
    const len = this.pos;
    this.pos = 0;
    if (len === 0) return;
    const start = this.fileBytes;
    let off = 0;
    while (off < len) {
      try {
        const n = writeSync(this.fd, this.buf, off, len - off);
        off += n;
        this.fileBytes += n;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // stdout may be a non-blocking pipe: wait briefly and retry.
        if (err.code === 'EAGAIN') {
          sleepSync(1);
          continue;
        }
        this.failure = outputError(this.path === '-' ? 'stdout' : this.path, e);
        this.cutToLastRecord(start, off);
        throw this.failure;
      }
    }
  }

  /**
   * After a failed write of the buffer (which starts on a record boundary at file
   * offset `start`, and of which `written` bytes reached the file): a regular file
   * is cut back to the end of the last whole record, so it stays a valid capture.
   */
  private cutToLastRecord(start: number, written: number): void {
    if (!this.ownsFd) return;
    let i = 0;
    for (;;) {
      const size = this.recordSizeAt(i, start);
      if (size <= 0 || i + size > written) break;
      i += size;
    }
    if (start + i === this.fileBytes) return;
    try {
      ftruncateSync(this.fd, start + i);
      this.fileBytes = start + i;
    } catch { /* not a regular file (a device, a pipe): nothing to cut */ }
  }

  /** Size of the header, block or record at buffer offset i (0 when not even its length field is there). */
  private recordSizeAt(i: number, start: number): number {
    if (this.pcapng) return i + 8 <= this.buf.length ? this.buf.readUInt32LE(i + 4) : 0;
    if (start === 0 && i === 0) return 24; // the pcap file header
    return i + 16 <= this.buf.length ? 16 + this.buf.readUInt32LE(i + 8) : 0;
  }
}

/** A name ending in .pcapng asks for pcapng; any other, classic pcap. */
export function isPcapngName(path: string): boolean {
  return /\.pcapng$/i.test(path);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
