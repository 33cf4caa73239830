/**
 * `follow`: one conversation's byte streams. A FollowCollector is a packet
 * sink; for TCP it reassembles each direction (src/track/reassembly.ts), for
 * UDP it takes datagram by datagram, and writes in capture order:
 *
 * - text: blocks of consecutive bytes from one side under a header
 *   (`>>> client 10.0.0.1:40000 (12 bytes)` / `<<< server …`), escaped as
 *   tcpdump -A does (printable ASCII, space, tab and newline kept, a CR before
 *   a LF dropped, every other byte '.'), so no payload can drive a terminal;
 * - hex: the same blocks as a hex dump (stream offset, 16 bytes, ASCII column);
 * - raw: exactly one side's reassembled bytes, binary.
 *
 * Gaps (bytes never captured) are shown as a `[N bytes missing]` line (raw mode:
 * counted and reported by the caller, nothing written).
 *
 * Memory: a block's header gives its byte count, so a block is held until the
 * other side speaks (or a gap, or the end): in memory up to 8 MiB, past that
 * in a temporary file (ByteSpill, src/report/spill.ts). It is then escaped or
 * dumped chunk by chunk straight into the output, so no string or line is ever
 * larger than a 64 KiB buffer, whatever the block's size. Raw mode holds
 * nothing. Per conversation of the capture, nothing: the verdict (is it the
 * one asked for?) is kept on the Connection itself, and the followed one is
 * let go when it ends, so the tracker recycles every Connection.
 */
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../frame.js';
import type { Connection } from '../track/tcp/connection.js';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL, ReassemblyBudget, type ReassemblyBounds, TcpStreams } from '../track/reassembly.js';
import type { Tracker } from '../track/tracker.js';
import { hex2 } from '../encode/addr.js';
import { connRecord } from '../encode/conn-record.js';
import { endpointText, selectorMatches } from './ladder/model.js';
import type { Palette } from '../encode/palette.js';
import { ByteSpill, DEFAULT_SPILL_MEMORY } from './spill.js';

export interface FollowOutput {
  line(s: string): void;
  bytes(b: Buffer): void;
}

export type FollowMode = { kind: 'text' } | { kind: 'hex' } | { kind: 'raw'; side: 'client' | 'server' };

/** tcpdump's -A printing of a byte range, split into lines at '\n'. */
export function escapeLines(b: Buffer): string[] {
  const lines: string[] = [];
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x0a) { lines.push(s); s = ''; continue; }
    if (c === 0x0d) { if (i + 1 < b.length && b[i + 1] === 0x0a) continue; s += '.'; continue; }
    s += (c >= 0x20 && c < 0x7f) || c === 0x09 ? String.fromCharCode(c) : '.';
  }
  if (s !== '' || lines.length === 0) lines.push(s);
  return lines;
}

/** A hex dump: offset, 16 bytes in hex, the ASCII column ('.' for anything not printable). */
export function hexLines(b: Buffer, startOffset: number): string[] {
  const lines: string[] = [];
  for (let p = 0; p < b.length; p += 16) {
    let h = '', a = '';
    for (let i = 0; i < 16; i++) {
      if (p + i < b.length) {
        const c = b[p + i]!;
        h += hex2(c) + ' ';
        a += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      } else h += '   ';
      if (i === 7) h += ' ';
    }
    lines.push(`${(startOffset + p).toString(16).padStart(8, '0')}  ${h} |${a}|`);
  }
  return lines;
}

/** Bytes the text view prints as they are (printable ASCII and tab); every other byte is '.'. CR and LF are handled apart. */
const SHOWN = new Uint8Array(256);
for (let c = 0; c < 256; c++) SHOWN[c] = (c >= 0x20 && c < 0x7f) || c === 0x09 ? c : 0x2e;
const HEX = Buffer.from('0123456789abcdef');

/** A palette colour as the codes around a line (chalk: open + text + close for a non-empty line without ESC or LF). */
function codesOf(paint: (s: string) => string): [Buffer, Buffer] {
  const probe = paint('x');
  const i = probe.indexOf('x');
  return [Buffer.from(probe.slice(0, i), 'latin1'), Buffer.from(probe.slice(i + 1), 'latin1')];
}

/**
 * A block's bytes, escaped (escapeLines) or dumped (hexLines), written chunk by
 * chunk into the output: the same bytes as painting and printing each line of
 * those functions, without making the lines. Bounded: one 64 KiB buffer.
 */
export class BlockPrinter {
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;
  private open: Buffer = Buffer.alloc(0);
  private close: Buffer = Buffer.alloc(0);
  private hex = false;
  // text
  private lineOpen = false;
  private lines = 0;
  private pendingCR = false;
  // hex
  private readonly row = Buffer.alloc(16);
  private rowLen = 0;
  private offset = 0;

  constructor(private readonly sink: (b: Buffer) => void) {}

  /** A new block: text or hex (from stream offset `offset`), each line painted with `paint`. */
  start(hex: boolean, offset: number, paint: (s: string) => string): void {
    [this.open, this.close] = codesOf(paint);
    this.hex = hex;
    this.lineOpen = false;
    this.lines = 0;
    this.pendingCR = false;
    this.rowLen = 0;
    this.offset = offset;
  }

  write(b: Buffer): void {
    if (this.hex) { this.writeHex(b); return; }
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c !== 0x0a) this.char(0x2e); // a CR not before a LF: '.'
      }
      if (c === 0x0a) { this.endLine(); continue; }
      if (c === 0x0d) { this.pendingCR = true; continue; }
      this.char(SHOWN[c]!);
    }
  }

  /** The end of the block. */
  end(): void {
    if (this.hex) {
      if (this.rowLen > 0) this.hexRow();
    } else {
      if (this.pendingCR) { this.pendingCR = false; this.char(0x2e); }
      // escapeLines: the last line unless empty, and one (empty) line for an empty block.
      if (this.lineOpen || this.lines === 0) this.endLine();
    }
    this.flush();
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  flush(): void {
    if (this.pos > 0) this.sink(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private put(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  private char(c: number): void {
    if (!this.lineOpen) { this.put(this.open); this.lineOpen = true; }
    if (this.pos === this.buf.length) this.flush();
    this.buf[this.pos++] = c;
  }

  private endLine(): void {
    if (this.lineOpen) this.put(this.close);
    this.room(1);
    this.buf[this.pos++] = 0x0a;
    this.lineOpen = false;
    this.lines++;
  }

  private writeHex(b: Buffer): void {
    let i = 0;
    while (i < b.length) {
      const n = Math.min(16 - this.rowLen, b.length - i);
      b.copy(this.row, this.rowLen, i, i + n);
      this.rowLen += n;
      i += n;
      if (this.rowLen === 16) this.hexRow();
    }
  }

  /** One hexLines line: offset, 16 bytes in hex (a space after the eighth), the ASCII column. */
  private hexRow(): void {
    this.put(this.open);
    this.room(120);
    const o = this.buf;
    let p = this.pos;
    const off = this.offset;
    if (off < 0x1_0000_0000) {
      for (let k = 28; k >= 0; k -= 4) o[p++] = HEX[(off >>> k) & 15]!;
    } else {
      p += o.write(off.toString(16), p, 'latin1');
    }
    o[p++] = 0x20; o[p++] = 0x20;
    for (let k = 0; k < 16; k++) {
      if (k < this.rowLen) {
        const c = this.row[k]!;
        o[p++] = HEX[c >> 4]!; o[p++] = HEX[c & 15]!; o[p++] = 0x20;
      } else {
        o[p++] = 0x20; o[p++] = 0x20; o[p++] = 0x20;
      }
      if (k === 7) o[p++] = 0x20;
    }
    o[p++] = 0x20; o[p++] = 0x7c;
    for (let k = 0; k < this.rowLen; k++) {
      const c = this.row[k]!;
      o[p++] = c >= 0x20 && c < 0x7f ? c : 0x2e;
    }
    o[p++] = 0x7c;
    this.pos = p;
    this.put(this.close);
    this.room(1);
    this.buf[this.pos++] = 0x0a;
    this.offset += this.rowLen;
    this.rowLen = 0;
  }
}

/** Connection.viewState of a conversation follow has looked at: the one asked for, or not. */
const WANTED = Object.freeze({ follow: true });
const UNWANTED = Object.freeze({ follow: false });

export class FollowCollector {
  /** The conversation followed, while the tracker holds it (null before it is seen and once it ended). */
  conn: Connection | null = null;
  /** Whether it was seen; its client's tracker side and protocol (kept: the tracker reuses the Connection once it ended). */
  found = false;
  clientSide = 0;
  private proto = 0;
  /** It ended: nothing more of it can come. */
  private done = false;
  private streams: TcpStreams | null = null;
  /** The block being collected: side (tracker side index), its bytes, stream offset of its first byte. */
  private blockSide = -1;
  private readonly block: ByteSpill;
  private blockOffset = 0;
  private readonly printer: BlockPrinter;
  /** The header's endpoint texts, once known (client, server). */
  private endpoints: [string, string] | null = null;
  /** Bytes written per tracker side, and gap bytes. */
  readonly bytes = [0, 0];
  readonly gapBytes = [0, 0];
  limited = false;

  constructor(private readonly selector: { id: number } | { a: string; b: string }, private readonly mode: FollowMode,
    private readonly out: FollowOutput, private readonly palette: Palette,
    private readonly bounds: ReassemblyBounds = { maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL },
    blockMemory = DEFAULT_SPILL_MEMORY) {
    this.block = new ByteSpill(blockMemory);
    this.printer = new BlockPrinter((b) => out.bytes(b));
  }

  private wanted(c: Connection): boolean {
    if (c.viewState === WANTED) return true;
    if (c.viewState === UNWANTED) return false;
    // A tuple names the first conversation on it.
    const v = !this.found && ('id' in this.selector ? c.id === this.selector.id : selectorMatches(this.selector, c));
    c.viewState = v ? WANTED : UNWANTED;
    return v;
  }

  packet(_n: number, _f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || this.done || !this.wanted(c)) return;
    if (!this.found) {
      this.found = true;
      this.conn = c;
      this.clientSide = c.clientSide;
      this.proto = c.proto;
      const sum = connRecord(c);
      this.endpoints = [endpointText(sum.client.ip, sum.client.port), endpointText(sum.server.ip, sum.server.port)];
    }
    const side = t.side;
    if (c.proto === IpProto.UDP) {
      const u = d.udp;
      this.flushBlock();
      this.deliver(side, u.buf.subarray(u.payloadOff, u.payloadEnd), 0);
      this.flushBlock();
      return;
    }
    if (c.proto !== IpProto.TCP) return;
    if (this.streams === null) {
      const s = new TcpStreams(this.bounds.maxHeld, new ReassemblyBudget(this.bounds.maxHeldTotal));
      for (const i of [0, 1]) {
        s.dir[i]!.onData((b, off) => this.deliver(i, b, off))
          .onGap((size) => this.gap(i, size))
          .onLimit(() => { this.limited = true; });
      }
      this.streams = s;
    }
    const tcp = d.tcp;
    this.streams.segment(side, tcp.seq, tcp.ack, tcp.flags, tcp.buf, tcp.payloadOff, tcp.payloadEnd);
  }

  /**
   * The tracker ended a conversation (PacketSink.conn): when it is the one
   * followed, its streams end now (nothing more of it can arrive) and the
   * Connection is let go, so the tracker may reuse it (PacketSink.recycle).
   */
  connEnded(c: Connection): void {
    if (c !== this.conn) return;
    this.finishConn();
    this.conn = null;
    this.done = true;
  }

  /** Called at the end of the source. Returns false when the conversation was not found. */
  end(): boolean {
    if (!this.found) return false;
    this.finishConn();
    return true;
  }

  private finishConn(): void {
    this.streams?.finish();
    this.flushBlock();
  }

  private isClient(side: number): boolean {
    return side === this.clientSide;
  }

  private deliver(side: number, b: Buffer, offset: number): void {
    if (this.mode.kind === 'raw') {
      if (this.isClient(side) === (this.mode.side === 'client')) this.out.bytes(b);
      this.bytes[side] += b.length;
      return;
    }
    if (b.length === 0 && this.proto === IpProto.TCP) return;
    if (side !== this.blockSide) this.flushBlock();
    if (this.blockSide < 0) { this.blockSide = side; this.blockOffset = offset; }
    this.block.append(b);
    this.bytes[side] += b.length;
  }

  private gap(side: number, size: number): void {
    this.gapBytes[side] += size;
    if (this.mode.kind === 'raw') return;
    this.flushBlock();
    const who = this.isClient(side) ? 'client' : 'server';
    const paint = this.isClient(side) ? this.palette.client : this.palette.server;
    this.out.line(paint(`[${who}: ${size} bytes missing from the capture]`));
  }

  private flushBlock(): void {
    const side = this.blockSide;
    if (side < 0) return;
    this.blockSide = -1;
    const client = this.isClient(side);
    const paint = client ? this.palette.client : this.palette.server;
    const unit = this.proto === IpProto.UDP ? 'datagram, ' : '';
    this.out.line(paint(`${client ? '>>> client' : '<<< server'} ${this.endpoints![client ? 0 : 1]} (${unit}${this.block.length} bytes)`));
    const pr = this.printer;
    pr.start(this.mode.kind === 'hex', this.blockOffset, paint);
    this.block.replay((piece) => pr.write(piece));
    pr.end();
    this.block.clear();
  }
}
