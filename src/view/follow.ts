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
 */
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../source/frame.js';
import type { Connection } from '../track/connection.js';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL, ReassemblyBudget, type ReassemblyBounds, TcpStreams } from '../track/reassembly.js';
import type { Tracker } from '../track/tracker.js';
import { hex2 } from './addr.js';
import { connSummary } from './json.js';
import { endpointText, selectorMatches } from './ladder.js';
import type { Palette } from './palette.js';

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

export class FollowCollector {
  conn: Connection | null = null;
  private streams: TcpStreams | null = null;
  private readonly verdicts = new Map<number, boolean>();
  /** The block being collected: side (tracker side index), pieces, stream offset of its first byte. */
  private blockSide = -1;
  private blockPieces: Buffer[] = [];
  private blockBytes = 0;
  private blockOffset = 0;
  /** Bytes written per tracker side, and gap bytes. */
  readonly bytes = [0, 0];
  readonly gapBytes = [0, 0];
  limited = false;

  constructor(private readonly selector: { id: number } | { a: string; b: string }, private readonly mode: FollowMode,
    private readonly out: FollowOutput, private readonly palette: Palette,
    private readonly bounds: ReassemblyBounds = { maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL }) {}

  private wanted(c: Connection): boolean {
    let v = this.verdicts.get(c.id);
    if (v === undefined) {
      v = selectorMatches(this.selector, c);
      // A tuple names the first conversation on it.
      if (v && this.conn !== null && this.conn !== c) v = false;
      this.verdicts.set(c.id, v);
    }
    return v;
  }

  packet(_n: number, _f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || !this.wanted(c)) return;
    if (this.conn === null) this.conn = c;
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

  /** Called at the end of the source. Returns false when the conversation was not found. */
  end(): boolean {
    if (this.conn === null) return false;
    this.streams?.finish();
    this.flushBlock();
    return true;
  }

  private isClient(side: number): boolean {
    return side === this.conn!.clientSide;
  }

  private deliver(side: number, b: Buffer, offset: number): void {
    if (this.mode.kind === 'raw') {
      if (this.isClient(side) === (this.mode.side === 'client')) this.out.bytes(b);
      this.bytes[side] += b.length;
      return;
    }
    if (b.length === 0 && this.conn!.proto === IpProto.TCP) return;
    if (side !== this.blockSide) this.flushBlock();
    if (this.blockSide < 0) { this.blockSide = side; this.blockOffset = offset; }
    this.blockPieces.push(Buffer.from(b));
    this.blockBytes += b.length;
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
    const data = Buffer.concat(this.blockPieces, this.blockBytes);
    this.blockSide = -1;
    this.blockPieces = [];
    this.blockBytes = 0;
    const sum = connSummary(this.conn!);
    const client = this.isClient(side);
    const paint = client ? this.palette.client : this.palette.server;
    const ep = client ? sum.client : sum.server;
    const unit = this.conn!.proto === IpProto.UDP ? 'datagram, ' : '';
    this.out.line(paint(`${client ? '>>> client' : '<<< server'} ${endpointText(ep.ip, ep.port)} (${unit}${data.length} bytes)`));
    const lines = this.mode.kind === 'hex' ? hexLines(data, this.blockOffset) : escapeLines(data);
    for (const l of lines) this.out.line(paint(l));
  }
}
