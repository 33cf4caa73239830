/**
 * Streaming reader for classic pcap and pcapng capture files (and stdin).
 *
 * Formats:
 *  - classic pcap: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/
 *    magics a1b2c3d4 (µs) and a1b23c4d (ns), in either byte order.
 *  - pcapng: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/
 *    sections in either byte order; IDB (link type, if_tsresol, if_tsoffset),
 *    EPB, SPB, OPB; every other block is skipped.
 *
 * The reader reads the file in chunks into ONE reused buffer and hands out the
 * one reused Frame (see frame.ts): memory stays flat whatever the file size.
 * It is synchronous (fs.readSync) so a file is read without an event-loop hop
 * per chunk.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { type Frame, newFrame, SourceError } from '../frame.js';
import { u16be, u16le, u32be, u32le } from '../bytes.js';

const CHUNK = 4 * 1024 * 1024;
/** libpcap's INITIAL_MAX_BLOCKSIZE (sf-pcapng.c): the largest pcapng block until an interface needs more. */
const INITIAL_MAX_BLOCK = 16 * 1024 * 1024;
/** The most fill() ever holds: a DBUS record (128 MiB, the largest max_snaplen_for_dlt) in its pcapng block. */
const MAX_RECORD = 128 * 1024 * 1024 + 131072 + 64;

/**
 * libpcap's max_snaplen_for_dlt (pcap-common.c): the largest captured length
 * it accepts for a link type; a record beyond it is damage (tcpdump stops there).
 */
export function maxSnaplenForLinkType(linkType: number): number {
  switch (linkType) {
    case 231: return 128 * 1024 * 1024; // DBUS
    case 279: return 8 * 1024 * 1024; // EBHSCR
    case 249: return 1024 * 1024; // USBPCAP
    default: return 262144; // MAXIMUM_SNAPLEN
  }
}

/** libpcap's pcap_adjust_snapshot: a snaplen of 0 (or beyond the maximum, or negative as an int) means the maximum. */
export function adjustSnaplen(linkType: number, snaplen: number): number {
  const max = maxSnaplenForLinkType(linkType);
  return snaplen === 0 || snaplen > max ? max : snaplen;
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

const BlockType = {
  IDB: 0x00000001,
  OPB: 0x00000002,
  SPB: 0x00000003,
  EPB: 0x00000006,
  SHB: PCAPNG_SHB,
} as const;

export type FileFormat = 'pcap' | 'pcapng';

interface PcapngInterface {
  linkType: number;
  snaplen: number;
  /** snaplen as libpcap adjusts it: the largest caplen a packet of this interface may have. */
  snapshot: number;
  /** Time-stamp units per second (10^6 by default). */
  unitsPerSec: number;
  /** Nanoseconds per unit when unitsPerSec divides 1e9 evenly, else 0. */
  nsPerUnit: number;
  tsOffsetSec: number;
}

/** The members of a capture reader the pipeline and the views use: a file's, or a set's. */
export interface CaptureReader {
  readonly path: string;
  readonly format: FileFormat;
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly littleEndian: boolean;
  readonly linkTypes: number[];
  /** One-line warnings for stderr (a file that ends inside a record, files that overlap…), in the order they arose. */
  readonly warnings: string[];
  cutToSnaplen: boolean;
  next(): Frame | null;
  close(): void;
}

export class CaptureFileReader implements CaptureReader {
  readonly path: string;
  format: FileFormat = 'pcap';
  /** Link type of a classic pcap file, or of the first pcapng interface. */
  linkType = -1;
  snaplen = 0;
  /** True when the file's stamps carry nanoseconds (classic ns magic, or pcapng if_tsresol finer than µs). */
  nanosecond = false;
  /** Set when the file ends inside a record: a one-line warning for stderr. */
  warning: string | null = null;
  /** The warning as a list (CaptureReader's form). */
  get warnings(): string[] { return this.warning === null ? [] : [this.warning]; }
  /** Byte order of the file's headers (of the current section for pcapng). */
  get littleEndian(): boolean { return this.le; }
  /** Frames handed out so far. */
  frames = 0;

  private fd: number;
  private ownsFd: boolean;
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  /** Valid bytes are buf[pos, end). */
  private pos = 0;
  private end = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private eof = false;
  private le = true;
  private nsec = false;
  private interfaces: PcapngInterface[] = [];
  /**
   * Classic pcap, a record longer than the file's snaplen (within the link type's maximum):
   * true cuts it to the snaplen as libpcap does (tcpdump's lines), false keeps every byte as
   * Wireshark's reader does (tshark's fields, the analysis).
   */
  cutToSnaplen = false;
  /** Classic pcap: the file's snaplen as libpcap adjusts it; longer records are cut to it when cutToSnaplen. */
  private snapshot = 262144;
  /** pcapng: the largest block accepted (libpcap's max_blocksize, raised by interfaces whose link type needs it). */
  private maxBlock = INITIAL_MAX_BLOCK;
  private readonly frame: Frame = newFrame();

  /** `path`: the file to read ("-": stdin); `name`: what messages call it (a decompressed file's original name), the path by default. */
  constructor(path: string, name = path) {
    this.path = name;
    if (path === '-') {
      this.fd = 0;
      this.ownsFd = false;
    } else {
      try {
        this.fd = openSync(path, 'r');
        if (fstatSync(this.fd).isDirectory()) {
          closeSync(this.fd);
          throw new SourceError(`${name}: is a directory, not a capture file`);
        }
      } catch (e) {
        if (e instanceof SourceError) throw e;
        throw new SourceError(fsMessage(name, e));
      }
      this.ownsFd = true;
    }
    this.readHeader();
  }

  /** The link types of the interfaces described so far (a classic pcap's one; for a pcapng, those read ahead at the start, then every one met). */
  get linkTypes(): number[] {
    if (this.format === 'pcap') return [this.linkType];
    const out: number[] = [];
    for (const i of this.interfaces) if (!out.includes(i.linkType)) out.push(i.linkType);
    return out;
  }

  close(): void {
    if (this.ownsFd) {
      try { closeSync(this.fd); } catch { /* already closed */ }
      this.ownsFd = false;
    }
  }

  /** The next frame, or null at the end of the file. The returned object is reused. */
  next(): Frame | null {
    return this.format === 'pcap' ? this.nextPcap() : this.nextPcapng();
  }

  // ---------------------------------------------------------------- buffering

  /** Makes at least n bytes available at this.pos; false at end of file. */
  private fill(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (n > this.buf.length) {
      if (n > MAX_RECORD) throw new SourceError(`${this.path}: record of ${n} bytes at offset ${this.base + this.pos} is too large`);
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
      this.buf = bigger;
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    while (this.end - this.pos < n && !this.eof) {
      let got: number;
      try {
        got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { sleepMs(1); continue; }
        if (code === 'EOF') { got = 0; } else throw new SourceError(fsMessage(this.path, e));
      }
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end - this.pos >= n;
  }

  private u32(at: number): number {
    return this.le ? u32le(this.buf, at) : u32be(this.buf, at);
  }

  private u16(at: number): number {
    return this.le ? u16le(this.buf, at) : u16be(this.buf, at);
  }

  private offsetHere(): number {
    return this.base + this.pos;
  }

  // ---------------------------------------------------------------- headers

  private readHeader(): void {
    if (!this.fill(4)) {
      throw new SourceError(`${this.path}: ${this.end === 0 ? 'empty file, not a capture file' : 'file too short to be a capture file'}`);
    }
    const magicLE = u32le(this.buf, this.pos);
    const magicBE = u32be(this.buf, this.pos);
    if (magicLE === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.readSectionHeader();
      // The first interfaces follow the section header: read them now so linkType is known
      // before the first packet (a BPF filter is compiled for it).
      while (this.fill(12) && this.u32(this.pos) === BlockType.IDB) {
        const start = this.offsetHere();
        const total = this.u32(this.pos + 4);
        this.checkBlockLength(total, 20, start);
        if (!this.fill(total)) break;
        this.checkTrailer(total, start);
        const p = this.pos;
        this.pos += total;
        this.readInterface(p, total, start);
      }
      return;
    }
    if (magicLE === PCAP_MAGIC_US || magicLE === PCAP_MAGIC_NS) {
      this.le = true;
      this.nsec = magicLE === PCAP_MAGIC_NS;
    } else if (magicBE === PCAP_MAGIC_US || magicBE === PCAP_MAGIC_NS) {
      this.le = false;
      this.nsec = magicBE === PCAP_MAGIC_NS;
    } else {
      // gzip (1f 8b): files are decompressed before they reach the reader (source/capture-set.ts); stdin is not.
      if (magicBE >>> 16 === 0x1f8b) throw new SourceError(`${this.path === '-' ? 'stdin' : this.path}: gzip-compressed; netlens reads gzip from files, not from stdin (zcat it into netlens, or name the file)`);
      throw new SourceError(`${this.path}: not a pcap or pcapng capture file (magic 0x${magicBE.toString(16).padStart(8, '0')})`);
    }
    if (!this.fill(24)) throw new SourceError(`${this.path}: pcap file header cut short (${this.end} of 24 bytes)`);
    const p = this.pos;
    const major = this.u16(p + 4);
    const minor = this.u16(p + 6);
    if (major !== 2) throw new SourceError(`${this.path}: pcap version ${major}.${minor} is not supported (only 2.x)`);
    this.snaplen = this.u32(p + 16);
    const linkField = this.u32(p + 20);
    // Bits 16-25 are reserved and must be zero; 26-31 carry FCS information (ignored).
    if ((linkField & 0x03ff0000) !== 0) {
      throw new SourceError(`${this.path}: pcap link-type field 0x${linkField.toString(16)} has reserved bits set`);
    }
    this.linkType = linkField & 0xffff;
    this.snapshot = adjustSnaplen(this.linkType, this.snaplen);
    this.nanosecond = this.nsec;
    this.pos += 24;
    this.frame.linkType = this.linkType;
  }

  private readSectionHeader(): void {
    const start = this.offsetHere();
    if (!this.fill(28)) throw new SourceError(`${this.path}: pcapng section header cut short at offset ${start}`);
    const p = this.pos;
    const bom = u32le(this.buf, p + 8);
    if (bom === PCAPNG_BOM) this.le = true;
    else if (u32be(this.buf, p + 8) === PCAPNG_BOM) this.le = false;
    else throw new SourceError(`${this.path}: pcapng section header at offset ${start} has a bad byte-order magic`);
    const total = this.u32(p + 4);
    const major = this.u16(p + 12);
    const minor = this.u16(p + 14);
    if (major !== 1 || minor !== 0) {
      throw new SourceError(`${this.path}: pcapng section version ${major}.${minor} at offset ${start} is not supported (only 1.0)`);
    }
    this.checkBlockLength(total, 28, start);
    if (!this.fill(total)) throw this.cutShort(start);
    this.checkTrailer(total, start);
    this.checkOptions(p + 24, p + total - 4, start);
    this.interfaces = [];
    this.pos += total;
  }

  private checkBlockLength(total: number, min: number, start: number): void {
    if (total < min || total % 4 !== 0) {
      throw new SourceError(`${this.path}: pcapng block at offset ${start} has a bad length ${total}`);
    }
    if (total > this.maxBlock) throw new SourceError(`${this.path}: pcapng block at offset ${start} is too large (${total} bytes, the most is ${this.maxBlock})`);
  }

  private checkTrailer(total: number, start: number): void {
    const trailer = this.u32(this.pos + total - 4);
    if (trailer !== total) {
      throw new SourceError(`${this.path}: pcapng block at offset ${start}: trailing length ${trailer} does not match ${total}`);
    }
  }

  /** Walks an options list, throwing when an option runs past its block. */
  private checkOptions(from: number, to: number, start: number): void {
    let o = from;
    while (o + 4 <= to) {
      const code = this.u16(o);
      const len = this.u16(o + 2);
      if (code === 0) return;
      if (o + 4 + len > to) {
        throw new SourceError(`${this.path}: pcapng block at offset ${start}: option ${code} of length ${len} runs past the block`);
      }
      o += 4 + ((len + 3) & ~3);
    }
  }

  private cutShort(start: number): SourceError {
    return new SourceError(`${this.path}: cut short inside the block at offset ${start}`);
  }

  // ---------------------------------------------------------------- records

  private nextPcap(): Frame | null {
    if (!this.fill(16)) {
      if (this.end > this.pos) this.warning = `${this.path}: file ends inside a record header at offset ${this.offsetHere()}; ${this.frames} packets read`;
      return null;
    }
    let p = this.pos;
    const caplen = this.u32(p + 8);
    const len = this.u32(p + 12);
    // libpcap (sf-pcap.c): beyond the link type's maximum is damage, and tcpdump stops there;
    // beyond the file's snaplen but within the maximum, the record is cut to the snaplen.
    if (caplen > maxSnaplenForLinkType(this.linkType)) {
      throw new SourceError(`${this.path}: record at offset ${this.offsetHere()} has caplen ${caplen}, larger than the snaplen ${this.snapshot}`);
    }
    if (!this.fill(16 + caplen)) {
      this.warning = `${this.path}: file cut short inside the packet at offset ${this.offsetHere()} (${caplen} bytes announced, ${this.end - this.pos - 16} present); ${this.frames} packets read`;
      return null;
    }
    p = this.pos; // fill() may have moved the data
    const f = this.frame;
    f.tsSec = this.u32(p);
    const sub = this.u32(p + 4);
    f.tsNsec = this.nsec ? sub : sub * 1000;
    f.caplen = caplen > this.snapshot && this.cutToSnaplen ? this.snapshot : caplen;
    f.len = len;
    f.buf = this.buf;
    f.offset = p + 16;
    this.pos = p + 16 + caplen;
    this.frames++;
    return f;
  }

  private nextPcapng(): Frame | null {
    for (;;) {
      if (!this.fill(12)) {
        if (this.end > this.pos) this.warning = `${this.path}: file ends inside a block header at offset ${this.offsetHere()}; ${this.frames} packets read`;
        return null;
      }
      const start = this.offsetHere();
      const type = u32le(this.buf, this.pos); // SHB's type reads the same either way
      if (type === PCAPNG_SHB) {
        this.readSectionHeader();
        continue;
      }
      const blockType = this.u32(this.pos);
      const total = this.u32(this.pos + 4);
      this.checkBlockLength(total, 12, start);
      if (!this.fill(total)) {
        this.warning = `${this.path}: file cut short inside the block at offset ${start}; ${this.frames} packets read`;
        return null;
      }
      this.checkTrailer(total, start);
      const p = this.pos;
      this.pos += total;
      switch (blockType) {
        case BlockType.IDB:
          this.readInterface(p, total, start);
          break;
        case BlockType.EPB:
          if (total < 32) throw new SourceError(`${this.path}: enhanced packet block at offset ${start} is too short`);
          return this.packetBlock(start, this.u32(p + 8), this.u32(p + 12), this.u32(p + 16), this.u32(p + 20), this.u32(p + 24), p + 28, total - 32);
        case BlockType.OPB:
          if (total < 32) throw new SourceError(`${this.path}: packet block at offset ${start} is too short`);
          return this.packetBlock(start, this.u16(p + 8), this.u32(p + 12), this.u32(p + 16), this.u32(p + 20), this.u32(p + 24), p + 28, total - 32);
        case BlockType.SPB: {
          if (total < 16) throw new SourceError(`${this.path}: simple packet block at offset ${start} is too short`);
          const iface = this.interfaces[0];
          if (iface === undefined) throw new SourceError(`${this.path}: simple packet block at offset ${start} before any interface description`);
          const len = this.u32(p + 8);
          let caplen = Math.min(len, total - 16);
          if (iface.snaplen > 0 && caplen > iface.snaplen) caplen = iface.snaplen;
          const f = this.frame;
          f.buf = this.buf; f.offset = p + 12; f.caplen = caplen; f.len = len;
          f.tsSec = 0; f.tsNsec = 0; f.linkType = iface.linkType; f.ifIndex = 0;
          this.frames++;
          return f;
        }
        default:
          break; // unknown or uninteresting block: skipped
      }
    }
  }

  private packetBlock(start: number, ifIndex: number, tsHigh: number, tsLow: number, caplen: number, len: number, data: number, room: number): Frame {
    const iface = this.interfaces[ifIndex];
    if (iface === undefined) throw new SourceError(`${this.path}: packet block at offset ${start} names interface ${ifIndex}, which was not described`);
    if (caplen > room) throw new SourceError(`${this.path}: packet block at offset ${start}: captured length ${caplen} exceeds the block`);
    // libpcap (sf-pcapng.c) refuses a packet longer than its interface's snaplen: tcpdump stops there.
    if (caplen > iface.snapshot) throw new SourceError(`${this.path}: packet block at offset ${start} has caplen ${caplen}, larger than the snaplen ${iface.snapshot} of interface ${ifIndex}`);
    const f = this.frame;
    f.buf = this.buf;
    f.offset = data;
    f.caplen = caplen;
    f.len = len;
    f.linkType = iface.linkType;
    f.ifIndex = ifIndex;
    splitTimestamp(tsHigh, tsLow, iface, f);
    this.frames++;
    return f;
  }

  private readInterface(p: number, total: number, start: number): void {
    if (total < 20) throw new SourceError(`${this.path}: interface description block at offset ${start} is too short`);
    const linkType = this.u16(p + 8);
    const snaplen = this.u32(p + 12);
    const iface: PcapngInterface = { linkType, snaplen, snapshot: adjustSnaplen(linkType, snaplen), unitsPerSec: 1e6, nsPerUnit: 1000, tsOffsetSec: 0 };
    // MAX_BLOCKSIZE_FOR_SNAPLEN: an EPB of the largest packet and 128 KiB of options.
    const blockForIface = 12 + 20 + maxSnaplenForLinkType(linkType) + 131072;
    if (blockForIface > this.maxBlock) this.maxBlock = blockForIface;
    const end = p + total - 4;
    this.checkOptions(p + 16, end, start);
    let o = p + 16;
    while (o + 4 <= end) {
      const code = this.u16(o);
      const len = this.u16(o + 2);
      if (code === 0) break;
      if (code === 9 && len >= 1) {
        // if_tsresol: MSB clear = negative power of 10, set = negative power of 2.
        const v = this.buf[o + 4]!;
        const exp = v & 0x7f;
        iface.unitsPerSec = (v & 0x80) ? 2 ** exp : 10 ** exp;
        iface.nsPerUnit = (v & 0x80) === 0 && exp <= 9 ? 10 ** (9 - exp) : 0;
      } else if (code === 14 && len >= 8) {
        // if_tsoffset: seconds added to every stamp (signed 64-bit; small in practice).
        const hi = this.le ? this.buf.readInt32LE(o + 8) : this.buf.readInt32BE(o + 4);
        const lo = this.le ? u32le(this.buf, o + 4) : u32be(this.buf, o + 8);
        iface.tsOffsetSec = hi * 4294967296 + lo;
      }
      o += 4 + ((len + 3) & ~3);
    }
    if (this.interfaces.length === 0 && this.linkType < 0) {
      this.linkType = linkType;
      this.snaplen = snaplen;
    }
    if (iface.unitsPerSec > 1e6) this.nanosecond = true;
    this.interfaces.push(iface);
  }
}

/**
 * Splits a 64-bit pcapng time stamp (high, low words) into seconds and
 * nanoseconds without BigInt: long division by 16-bit digits keeps every
 * intermediate below 2^53.
 */
function splitTimestamp(high: number, low: number, iface: PcapngInterface, f: Frame): void {
  const units = iface.unitsPerSec;
  if (units <= 2 ** 36) {
    let rem = 0;
    let q = 0;
    const digits0 = high >>> 16, digits1 = high & 0xffff, digits2 = low >>> 16, digits3 = low & 0xffff;
    let cur = rem * 65536 + digits0; q = Math.floor(cur / units); rem = cur - q * units;
    cur = rem * 65536 + digits1; let qd = Math.floor(cur / units); rem = cur - qd * units; q = q * 65536 + qd;
    cur = rem * 65536 + digits2; qd = Math.floor(cur / units); rem = cur - qd * units; q = q * 65536 + qd;
    cur = rem * 65536 + digits3; qd = Math.floor(cur / units); rem = cur - qd * units; q = q * 65536 + qd;
    f.tsSec = q + iface.tsOffsetSec;
    f.tsNsec = iface.nsPerUnit > 0 ? rem * iface.nsPerUnit : Math.floor((rem * 1e9) / units);
  } else {
    // Finer than 2^-36 s: precision beyond what any capture clock gives is dropped.
    const t = high * 4294967296 + low;
    const sec = Math.floor(t / units);
    f.tsSec = sec + iface.tsOffsetSec;
    f.tsNsec = Math.min(999999999, Math.floor(((t - sec * units) * 1e9) / units));
  }
}

function fsMessage(path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return `${path}: no such file`;
    case 'EACCES':
    case 'EPERM': return `${path}: permission denied`;
    case 'EISDIR': return `${path}: is a directory, not a capture file`;
    default: return `${path}: ${err.message ?? String(e)}`;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}
