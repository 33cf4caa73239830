/**
 * TCP stream graphs of one connection (tcptrace's and Wireshark's): the samples
 * the SVG renderer draws. A GraphCollector is a packet sink for one connection;
 * it keeps, per direction of data (the sender's segments and the other side's
 * ACKs, windows and SACK blocks), a few series of numbers — never a frame's
 * bytes — for the one kind of graph asked for.
 *
 * Memory is bounded: each series holds at most its share of MAX_POINTS. A
 * series that fills up is binned by time (its bin width starts at a quarter of
 * the cap over the span seen, and doubles each time it fills again), and the
 * samples of one bin merge into one (data bars: lowest start to highest end;
 * ACK and window lines: the bin's last value; bytes: summed; RTT: the bin's
 * lowest and highest). A short connection keeps every sample.
 *
 * Sequence numbers are relative to the sender's base (tshark's base_seq: the
 * ISN, so the first data byte is 1) and unwrapped past 2^32, so a connection of
 * more than 4 GiB keeps climbing.
 */
import { IpProto, TcpFlag } from '../../decode/constants.js';
import type { PacketDecoder } from '../../decode/packet-decoder.js';
import type { Frame } from '../../frame.js';
import type { Connection } from '../../track/tcp/connection.js';
import { Analysis, type Tracker } from '../../track/tracker.js';
import { connRecord } from '../../encode/conn-record.js';
import { endpointText, isDrawnConnection } from '../ladder/model.js';

export const GRAPH_KINDS = ['tseq', 'throughput', 'rtt', 'window'] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];

/** The most points one graph keeps in memory and draws (its series share them). */
export const MAX_POINTS = 100_000;

type Merge = 'min' | 'max' | 'last' | 'sum';

/**
 * One series of (time, a, b) samples in time order, binned by time once it
 * holds `cap` samples (see the file's comment). Columns grow by doubling up to cap.
 */
export class Series {
  t = new Float64Array(64);
  a = new Float64Array(64);
  b = new Float64Array(64);
  n = 0;
  /** Bin width in seconds; 0 while every sample is kept. */
  bin = 0;

  constructor(readonly cap: number, private readonly mergeA: Merge, private readonly mergeB: Merge = mergeA) {}

  push(t: number, a: number, b = a): void {
    if (this.bin > 0 && this.n > 0 && Math.floor(t / this.bin) === Math.floor(this.t[this.n - 1]! / this.bin)) {
      this.merge(this.n - 1, a, b);
      return;
    }
    if (this.n === this.cap) this.coarsen(t);
    if (this.n === this.t.length) this.grow();
    this.t[this.n] = t; this.a[this.n] = a; this.b[this.n] = b;
    this.n++;
    // The sample that made room may share the last bin now.
    if (this.bin > 0 && this.n > 1 && Math.floor(t / this.bin) === Math.floor(this.t[this.n - 2]! / this.bin)) {
      this.n--;
      this.merge(this.n - 1, a, b);
    }
  }

  private merge(i: number, a: number, b: number): void {
    this.a[i] = merged(this.mergeA, this.a[i]!, a);
    this.b[i] = merged(this.mergeB, this.b[i]!, b);
  }

  private grow(): void {
    const size = Math.min(this.cap, this.t.length * 2);
    for (const k of ['t', 'a', 'b'] as const) {
      const next = new Float64Array(size);
      next.set(this[k]);
      this[k] = next;
    }
  }

  /** Wider bins until the samples (and `upTo`, the next one) fit in three quarters of the cap. */
  private coarsen(upTo: number): void {
    do {
      this.bin = this.bin === 0 ? Math.max((upTo - this.t[0]!) / (this.cap / 4), 1e-9) : this.bin * 2;
      let j = 0;
      for (let i = 0; i < this.n; i++) {
        if (j > 0 && Math.floor(this.t[i]! / this.bin) === Math.floor(this.t[j - 1]! / this.bin)) {
          this.merge(j - 1, this.a[i]!, this.b[i]!);
        } else {
          this.t[j] = this.t[i]!; this.a[j] = this.a[i]!; this.b[j] = this.b[i]!;
          j++;
        }
      }
      this.n = j;
    } while (this.n > (this.cap * 3) / 4);
  }
}

function merged(m: Merge, old: number, v: number): number {
  switch (m) {
    case 'min': return v < old ? v : old;
    case 'max': return v > old ? v : old;
    case 'sum': return old + v;
    default: return v;
  }
}

/** Outstanding segments waiting for their ACK (the RTT graph): at most this many (the oldest then go unsampled). */
const MAX_OUTSTANDING = 65_536;

/** What one direction's graph is drawn from: the sender's segments and the receiver's replies. */
export class DirectionSamples {
  /** tseq: data bars (start, end): first sent, retransmitted, out of order. */
  readonly data: Series;
  readonly retransmitted: Series;
  readonly outOfOrder: Series;
  /**
   * tseq: the receiver's ACK number each time it changes (a step line). As tcptrace draws it, an
   * ACK that arrives after a higher one (reordered) steps the line down and the next one up again.
   */
  readonly acks: Series;
  /** tseq: the ACK's ack + its scaled window, when it changes. */
  readonly rwin: Series;
  /** tseq: the receiver's SACK blocks (left, right). */
  readonly sack: Series;
  /** tseq: the receiver's zero-window ACKs (at their ack). */
  readonly zeroWindow: Series;
  /** rtt: samples (seconds), at the ACK's time. */
  readonly rtt: Series;
  /** throughput: bytes of each segment, and those not retransmitted. */
  readonly bytes: Series;
  /** window: the advertised window (scaled), and bytes in flight. */
  readonly window: Series;
  readonly inFlight: Series;

  /** Payload bytes sent (first copies: Endpoint.bytes at the end), data segments, retransmitted, out of order, RTT samples. */
  segments = 0;
  retransmissions = 0;
  outOfOrders = 0;
  rttSamples = 0;
  /** Highest unwrapped end sent, highest cumulative ACK (-1 until one is seen), the last ACK and rwin drawn. */
  maxEnd = 0;
  maxAck = -1;
  lastAck = -1;
  lastRwin = -1;
  /** Unwrapping: the last relative value seen (a 64-bit-safe number). */
  private ref = 0;
  /** RTT bookkeeping: outstanding data segments, oldest first, by end (a deque in typed arrays). */
  private readonly outStart: Float64Array;
  private readonly outEnd: Float64Array;
  private readonly outTime: Float64Array;
  private readonly outTainted: Uint8Array;
  private outHead = 0;
  private outLen = 0;

  constructor(readonly kind: GraphKind) {
    // Each kind's series share MAX_POINTS; the others hold nothing (a cap of 1).
    const share = (n: number, ...kinds: GraphKind[]): number => (kinds.includes(kind) ? n : 1);
    this.data = new Series(share(30_000, 'tseq'), 'min', 'max');
    this.retransmitted = new Series(share(10_000, 'tseq'), 'min', 'max');
    this.outOfOrder = new Series(share(10_000, 'tseq'), 'min', 'max');
    this.acks = new Series(share(15_000, 'tseq'), 'last');
    this.rwin = new Series(share(15_000, 'tseq'), 'last');
    this.sack = new Series(share(15_000, 'tseq'), 'min', 'max');
    this.zeroWindow = new Series(share(5_000, 'tseq'), 'last');
    this.rtt = new Series(share(MAX_POINTS, 'rtt'), 'min', 'max');
    this.bytes = new Series(share(MAX_POINTS, 'throughput'), 'sum');
    this.window = new Series(share(MAX_POINTS / 2, 'window'), 'min');
    this.inFlight = new Series(share(MAX_POINTS / 2, 'window'), 'max');
    const q = kind === 'rtt' ? MAX_OUTSTANDING : 1;
    this.outStart = new Float64Array(q); this.outEnd = new Float64Array(q);
    this.outTime = new Float64Array(q); this.outTainted = new Uint8Array(q);
  }

  /** A 32-bit sequence number relative to the sender's base, unwrapped near the last one seen. */
  unwrap(rel32: number): number {
    const v = this.ref + ((rel32 - (this.ref % 4294967296)) | 0);
    if (v > this.ref) this.ref = v;
    return v;
  }

  /** A data segment [start, end) of the sender at time t, with its analysis flags. */
  sent(t: number, start: number, end: number, analysis: number): void {
    this.segments++;
    const rexmit = (analysis & Analysis.RETRANSMISSION) !== 0;
    const ooo = !rexmit && (analysis & Analysis.OUT_OF_ORDER) !== 0;
    if (rexmit) this.retransmissions++;
    if (ooo) this.outOfOrders++;
    switch (this.kind) {
      case 'tseq': (rexmit ? this.retransmitted : ooo ? this.outOfOrder : this.data).push(t, start, end); break;
      case 'throughput': this.bytes.push(t, end - start, rexmit ? 0 : end - start); break;
      case 'rtt': this.outstanding(t, start, end, rexmit || ooo || start < this.maxEnd); break;
      default: break;
    }
    if (end > this.maxEnd) this.maxEnd = end;
    if (this.kind === 'window' && this.maxAck >= 0) this.inFlight.push(t, Math.max(0, this.maxEnd - this.maxAck));
  }

  /** The receiver's segment at time t: its ACK (unwrapped; -1 without the ACK flag), scaled window (-1: none, an RST's), zero-window flag. */
  replied(t: number, ack: number, window: number, zero: boolean): void {
    if (ack < 0) return;
    const moved = ack > this.maxAck;
    if (moved) {
      if (this.kind === 'rtt') this.acked(t, ack);
      this.maxAck = ack;
    }
    switch (this.kind) {
      case 'tseq': {
        if (ack !== this.lastAck) { this.acks.push(t, ack); this.lastAck = ack; }
        if (window < 0) break;
        const edge = ack + window;
        if (edge !== this.lastRwin) { this.rwin.push(t, edge); this.lastRwin = edge; }
        if (zero) this.zeroWindow.push(t, ack);
        break;
      }
      case 'window':
        if (window >= 0) this.window.push(t, window);
        this.inFlight.push(t, Math.max(0, this.maxEnd - this.maxAck));
        break;
      default: break;
    }
  }

  /** A SACK block [left, right) (tseq). */
  sacked(t: number, left: number, right: number): void {
    if (this.kind === 'tseq' && right > left) this.sack.push(t, left, right);
  }

  /**
   * RTT: a data segment waits for its ACK. A retransmission or an out-of-order segment, and every
   * outstanding segment it overlaps, are tainted (Karn's rule: no sample from a segment sent twice).
   */
  private outstanding(t: number, start: number, end: number, again: boolean): void {
    const cap = this.outEnd.length;
    if (again) {
      for (let k = 0; k < this.outLen; k++) {
        const i = (this.outHead + k) % cap;
        if (this.outStart[i]! < end && this.outEnd[i]! > start) this.outTainted[i] = 1;
      }
    }
    if (end <= this.maxAck) return; // already acknowledged: nothing will ACK it again
    if (this.outLen === cap) { this.outHead = (this.outHead + 1) % cap; this.outLen--; }
    // Kept in order of end: a segment ending before the last one goes back to its place.
    let k = this.outLen;
    while (k > 0 && this.outEnd[(this.outHead + k - 1) % cap]! > end) {
      const from = (this.outHead + k - 1) % cap, to = (this.outHead + k) % cap;
      this.outStart[to] = this.outStart[from]!; this.outEnd[to] = this.outEnd[from]!;
      this.outTime[to] = this.outTime[from]!; this.outTainted[to] = this.outTainted[from]!;
      k--;
    }
    const i = (this.outHead + k) % cap;
    this.outStart[i] = start; this.outEnd[i] = end; this.outTime[i] = t; this.outTainted[i] = again ? 1 : 0;
    this.outLen++;
  }

  /** RTT: the cumulative ACK moved to `ack`: a sample from the segment ending there, when it was sent once. */
  private acked(t: number, ack: number): void {
    const cap = this.outEnd.length;
    let sampleFrom = -1, ending = 0;
    while (this.outLen > 0 && this.outEnd[this.outHead]! <= ack) {
      const i = this.outHead;
      if (this.outEnd[i] === ack) { ending++; sampleFrom = this.outTainted[i] ? -1 : i; }
      this.outHead = (this.outHead + 1) % cap;
      this.outLen--;
    }
    if (ending === 1 && sampleFrom >= 0) {
      this.rtt.push(t, t - this.outTime[sampleFrom]!);
      this.rttSamples++;
    }
  }
}

/** What the graph shows around its samples, known at the end. */
export interface GraphHead {
  id: number;
  kind: GraphKind;
  /** The endpoints of the graphed direction: the data's sender and its receiver. */
  sender: string;
  receiver: string;
  /** Which side sends the data graphed. */
  dir: 'client' | 'server';
  /** Seconds from the connection's first frame to its last. */
  duration: number;
  /** Payload bytes the sender sent, counting each byte once. */
  bytes: number;
  /** Whether window scaling was negotiated (both SYNs seen with the option). */
  scaled: boolean;
  samples: DirectionSamples;
}

/** Connection.viewState of a conversation the graph has looked at: the one asked for, or not. */

const TCP_HEADER_SACK = 5;

export class GraphCollector {
  found = false;
  private conn: Connection | null = null;
  private head: GraphHead | null = null;
  private firstSec = 0;
  private firstNsec = 0;
  private lastT = 0;
  /** By endpoint index (Connection.ep): the samples of the data that endpoint sends (null: not collected). */
  private readonly bySender: (DirectionSamples | null)[];

  /** `dir`: which side's data (null: both are collected, the busier one is drawn). */
  constructor(private readonly selector: { id: number } | { a: string; b: string }, readonly kind: GraphKind,
    private readonly dir: 'client' | 'server' | null) {
    this.bySender = [new DirectionSamples(kind), new DirectionSamples(kind)];
  }

  private wanted(c: Connection): boolean {
    return isDrawnConnection(this.selector, c, this.found);
  }

  packet(_n: number, f: Frame, d: PacketDecoder, tr: Tracker): void {
    const c = tr.conn;
    if (c === null || c.proto !== IpProto.TCP || this.head !== null || !this.wanted(c)) return;
    if (!this.found) {
      this.found = true;
      this.conn = c;
      this.firstSec = f.tsSec;
      this.firstNsec = f.tsNsec;
      if (this.dir !== null) {
        // Only the direction asked for is collected.
        const wantedSender = this.dir === 'client' ? c.clientSide : c.clientSide ^ 1;
        this.bySender[wantedSender ^ 1] = null;
      }
    }
    const t = (f.tsSec - this.firstSec) + (f.tsNsec - this.firstNsec) / 1e9;
    this.lastT = t;
    const tcp = d.tcp;
    const s = tr.side;
    const E = c.ep[s], P = c.ep[s ^ 1];
    // This endpoint as the sender of data.
    const own = this.bySender[s];
    if (own !== null && tcp.payloadLength > 0 && E.tsharkBaseSet && (tcp.flags & TcpFlag.RST) === 0) {
      const start = own.unwrap((tcp.seq - E.tsharkBase) >>> 0);
      own.sent(t, start, start + tcp.payloadLength, tr.analysis);
    }
    // This endpoint as the receiver of the other's data: its ACK, window and SACK blocks.
    const peer = this.bySender[s ^ 1];
    if (peer !== null && (tcp.flags & TcpFlag.ACK) !== 0 && P.tsharkBaseSet) {
      const ack = peer.unwrap((tcp.ack - P.tsharkBase) >>> 0);
      // RFC 7323 §2.2: a SYN's window is never scaled; the others by the sender's shift once both offered one.
      const shift = (tcp.flags & TcpFlag.SYN) === 0 && E.wscale >= 0 && P.wscale >= 0 ? Math.min(E.wscale, 14) : 0;
      // An RST's window means nothing (tcptrace draws none either).
      const window = (tcp.flags & TcpFlag.RST) !== 0 ? -1 : tcp.window * 2 ** shift;
      peer.replied(t, ack, window, (tr.analysis & Analysis.ZERO_WINDOW) !== 0);
      if (this.kind === 'tseq' && tcp.headerLength > 20 && tcp.error === null) this.sackBlocks(t, d, peer, P.tsharkBase);
    }
  }

  /** The SACK option's blocks (RFC 2018 §3), read from the header without copying it. */
  private sackBlocks(t: number, d: PacketDecoder, peer: DirectionSamples, base: number): void {
    const tcp = d.tcp, b = tcp.buf;
    let p = tcp.off + 20;
    const end = tcp.off + tcp.headerLength;
    while (p < end) {
      const kind = b[p]!;
      if (kind === 0) return;
      if (kind === 1) { p++; continue; }
      if (p + 1 >= end) return;
      const len = b[p + 1]!;
      if (len < 2 || p + len > end) return;
      if (kind === TCP_HEADER_SACK) {
        for (let q = p + 2; q + 8 <= p + len; q += 8) {
          const left = peer.unwrap((b.readUInt32BE(q) - base) >>> 0);
          const right = peer.unwrap((b.readUInt32BE(q + 4) - base) >>> 0);
          peer.sacked(t, left, right);
        }
      }
      p += len;
    }
  }

  /** PacketSink.conn: when the graphed connection ends, its head is taken now (the Connection may be reused after). */
  connEnded(c: Connection): void {
    if (c === this.conn) this.finishWith(c);
  }

  /** The end of the source: the graph's head (null when the connection was not found). */
  finish(): GraphHead | null {
    if (this.head === null && this.conn !== null) this.finishWith(this.conn);
    return this.head;
  }

  private finishWith(c: Connection): void {
    const sum = connRecord(c);
    const client = endpointText(sum.client.ip, sum.client.port), server = endpointText(sum.server.ip, sum.server.port);
    const clientIdx = c.clientSide, serverIdx = c.clientSide ^ 1;
    // The busier direction unless --dir said (a tie: the server's, as in a download).
    const dir = this.dir ?? (c.ep[clientIdx].bytes > c.ep[serverIdx].bytes ? 'client' : 'server');
    const senderIdx = dir === 'client' ? clientIdx : serverIdx;
    this.head = {
      id: c.id, kind: this.kind, dir,
      sender: dir === 'client' ? client : server,
      receiver: dir === 'client' ? server : client,
      duration: this.lastT,
      bytes: c.ep[senderIdx].bytes,
      scaled: c.ep[0].wscale >= 0 && c.ep[1].wscale >= 0,
      samples: this.bySender[senderIdx]!,
    };
    this.conn = null;
  }
}
