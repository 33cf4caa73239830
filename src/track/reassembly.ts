/**
 * Per-direction TCP stream reassembly (one StreamReassembler per side of a
 * connection).
 *
 * - In-order bytes are delivered at once (`onData(bytes, offset)`; `bytes` is a
 *   view that is only valid during the callback — copy what you keep).
 * - Out-of-order segments are copied and held until the hole before them fills.
 * - Overlaps and retransmissions: the first copy of a byte wins. Bytes already
 *   delivered or already held are never delivered again, whatever a later copy
 *   says. This is Zeek's policy (`TCP_Reassembler`, "first data wins") and also
 *   what tshark's "Follow TCP Stream" shows by default (it keeps the first
 *   segment seen for each sequence range and drops retransmitted bytes).
 * - Gaps (bytes never captured) are reported with their size (`onGap`) and the
 *   stream continues after them. A hole is declared a gap when the peer
 *   acknowledges past it (`ack()`, as Zeek's content-gap detection does), when the
 *   stream ends (FIN reached, RST, `finish()`), or when the hold bound is reached.
 * - SYN fixes the initial sequence number; FIN ends the stream once every byte
 *   before it is delivered; RST ends it at once (held bytes are flushed after
 *   their gaps).
 * - Sequence numbers wrap modulo 2^32 (seq.ts); positions inside the stream are
 *   plain non-negative numbers (`offset`, bytes since the stream start, gaps
 *   included).
 * - Memory: at most `maxHeld` bytes held out of order per stream, and at most
 *   `budget.max` in total over all streams sharing a budget. A segment that
 *   would exceed either is not kept: the stream reports `onLimit` (once) and
 *   does not grow; when the hole is not filled later it becomes a gap.
 */
import { TcpFlag } from '../decode/constants.js';
import { seqAdd, seqDiff } from './tcp/seq.js';

/** Default bounds on bytes held out of order: per stream, and in all streams of a run (--max-held, --max-held-total). */
export const DEFAULT_MAX_HELD = 4 * 1024 * 1024;
export const DEFAULT_MAX_HELD_TOTAL = 64 * 1024 * 1024;

/** The bounds a view's reassemblers are made with. */
export interface ReassemblyBounds {
  maxHeld: number;
  maxHeldTotal: number;
}

/** Bytes held out of order, shared by many reassemblers. */
export class ReassemblyBudget {
  held = 0;
  constructor(readonly max = DEFAULT_MAX_HELD_TOTAL) {}
}

export type EndReason = 'fin' | 'rst' | 'finish';

interface Held {
  /** Stream offset of data[0]. */
  off: number;
  data: Buffer;
}

/** Segments that start further than this past the next expected byte are not this stream's. */
const MAX_JUMP = 1 << 30;

export class StreamReassembler {
  /** Next sequence number expected; valid once `started`. */
  private nextSeq = 0;
  /** Stream offset of nextSeq (bytes delivered plus gap bytes). */
  offset = 0;
  started = false;
  ended = false;
  /** Stream offset of the FIN, or -1. */
  private finOff = -1;
  /**
   * Segments held out of order, sorted, from index `hh` on: the front is taken by moving hh
   * (no shift per segment, which made draining many held segments quadratic), and the array
   * is compacted once most of it is taken.
   */
  private readonly held: (Held | undefined)[] = [];
  private hh = 0;
  heldBytes = 0;
  /** Counters. */
  delivered = 0;
  gapBytes = 0;
  gaps = 0;
  duplicateBytes = 0;
  limited = false;
  limitDrops = 0;

  private dataCb: ((bytes: Buffer, offset: number) => void) | null = null;
  private gapCb: ((size: number, offset: number) => void) | null = null;
  private endCb: ((reason: EndReason) => void) | null = null;
  private limitCb: ((heldBytes: number) => void) | null = null;

  constructor(readonly maxHeld = DEFAULT_MAX_HELD, readonly budget: ReassemblyBudget = new ReassemblyBudget()) {}

  onData(cb: (bytes: Buffer, offset: number) => void): this { this.dataCb = cb; return this; }
  onGap(cb: (size: number, offset: number) => void): this { this.gapCb = cb; return this; }
  onEnd(cb: (reason: EndReason) => void): this { this.endCb = cb; return this; }
  onLimit(cb: (heldBytes: number) => void): this { this.limitCb = cb; return this; }

  /**
   * Started, not ended, nothing held out of order, no FIN waiting, never over
   * the bounds: every byte up to `next` was delivered. A view may then let this
   * stream go and later continue on a reset() one with resumeAt(next) (the HTTP
   * view does for idle connections); offsets then count from 0 again.
   */
  get settled(): boolean { return this.started && !this.ended && this.heldBytes === 0 && this.finOff < 0 && !this.limited; }
  /** The next sequence number expected (valid once started). */
  get next(): number { return this.nextSeq; }
  /** A reset stream continues a settled one that expected `next`. */
  resumeAt(next: number): void { this.started = true; this.nextSeq = next >>> 0; }

  /**
   * One segment of this direction: its sequence number, flags, and payload
   * `buf[from, to)` (not kept: copied if it has to be held).
   */
  push(seq: number, flags: number, buf: Buffer, from = 0, to = buf.length): void {
    if (this.ended) return;
    if ((flags & TcpFlag.SYN) !== 0) {
      if (!this.started) { this.started = true; this.nextSeq = seqAdd(seq, 1); }
      seq = seqAdd(seq, 1); // data on a SYN follows the SYN's sequence number
    } else if (!this.started) {
      if (to <= from && (flags & TcpFlag.FIN) === 0) {
        if ((flags & TcpFlag.RST) !== 0) this.end('rst');
        return;
      }
      // Picked up mid-stream: the stream starts at the first byte seen.
      this.started = true;
      this.nextSeq = seq >>> 0;
    }
    const len = to - from;
    if (len > 0) this.data(seq, buf, from, to);
    if ((flags & TcpFlag.FIN) !== 0 && this.finOff < 0) {
      const rel = seqDiff(seqAdd(seq, len), this.nextSeq);
      if (rel >= 0 && rel < MAX_JUMP) this.finOff = this.offset + rel;
    }
    if ((flags & TcpFlag.RST) !== 0) { this.flushHeld(); this.end('rst'); return; }
    if (this.finOff >= 0 && this.offset >= this.finOff) this.end('fin');
  }

  /** The peer acknowledged `ackNo`: anything before it that was never seen is a gap. */
  ack(ackNo: number): void {
    if (!this.started || this.ended) return;
    const rel = seqDiff(ackNo, this.nextSeq);
    if (rel <= 0 || rel >= MAX_JUMP) return;
    let target = this.offset + rel;
    if (this.finOff >= 0 && target > this.finOff) target = this.finOff; // the FIN's own sequence number
    this.advanceTo(target);
    if (this.finOff >= 0 && this.offset >= this.finOff) this.end('fin');
  }

  /** End of the capture (or of the connection): held bytes are delivered after their gaps. */
  finish(): void {
    if (this.ended) return;
    this.flushHeld();
    this.end('finish');
  }

  private end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.releaseHeld();
    this.endCb?.(reason);
  }

  private data(seq: number, buf: Buffer, from: number, to: number): void {
    let rel = seqDiff(seq, this.nextSeq);
    if (rel >= MAX_JUMP) return;
    if (rel < 0) {
      // Starts before the next expected byte: the part already delivered is dropped.
      const skip = Math.min(-rel, to - from);
      this.duplicateBytes += skip;
      from += skip;
      rel = 0;
      if (from >= to) return;
    }
    if (rel === 0) {
      // Bytes already held out of order keep their first copy: deliver only up to the first held segment.
      let end = to;
      const h = this.held[this.hh];
      if (h !== undefined && h.off < this.offset + (to - from)) {
        end = from + (h.off - this.offset);
        this.duplicateBytes += to - end;
      }
      this.emit(buf, from, end);
      this.drain();
      return;
    }
    this.hold(this.offset + rel, buf, from, to);
  }

  private emit(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const off = this.offset;
    this.offset += to - from;
    this.nextSeq = seqAdd(this.nextSeq, to - from);
    this.delivered += to - from;
    this.dataCb?.(buf.subarray(from, to), off);
  }

  /** Delivers held segments that are now in order. */
  private drain(): void {
    const held = this.held;
    while (this.hh < held.length) {
      const h = held[this.hh]!;
      if (h.off > this.offset) break;
      held[this.hh++] = undefined;
      this.heldBytes -= h.data.length;
      this.budget.held -= h.data.length;
      const skip = this.offset - h.off;
      if (skip < h.data.length) this.emit(h.data, skip, h.data.length);
    }
    if (this.hh === held.length) { held.length = 0; this.hh = 0; }
    else if (this.hh >= 1024 && this.hh * 2 >= held.length) { held.copyWithin(0, this.hh); held.length -= this.hh; this.hh = 0; }
  }

  /** Holds [off, off + to - from), keeping only the parts not already held (first copy wins). */
  private hold(off: number, buf: Buffer, from: number, to: number): void {
    const end = off + (to - from);
    const held = this.held;
    let cur = off;
    // The first held segment that ends after `off` (binary search: segments are sorted and disjoint);
    // a segment beyond all held ones, the usual case behind a hole, is appended at once.
    let lo = this.hh, hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = held[mid]!;
      if (m.off + m.data.length <= off) lo = mid + 1; else hi = mid;
    }
    let i = lo;
    while (cur < end) {
      const h = held[i];
      if (h !== undefined && h.off + h.data.length <= cur) { i++; continue; }
      const pieceEnd = h === undefined ? end : Math.min(end, h.off);
      if (pieceEnd > cur) {
        const n = pieceEnd - cur;
        if (this.heldBytes + n > this.maxHeld || this.budget.held + n > this.budget.max) {
          this.limitDrops += end - cur;
          if (!this.limited) { this.limited = true; this.limitCb?.(this.heldBytes); }
          return;
        }
        const data = Buffer.allocUnsafe(n);
        buf.copy(data, 0, from + (cur - off), from + (pieceEnd - off));
        if (i === held.length) held.push({ off: cur, data }); else held.splice(i, 0, { off: cur, data });
        this.heldBytes += n;
        this.budget.held += n;
        i++;
        cur = pieceEnd;
        continue;
      }
      // cur lies inside held segment h: those bytes keep their first copy.
      const hEnd = h!.off + h!.data.length;
      this.duplicateBytes += Math.min(end, hEnd) - cur;
      cur = hEnd;
      i++;
    }
  }

  /** Declares everything before `target` that is missing a gap, delivering held bytes on the way. */
  private advanceTo(target: number): void {
    while (this.offset < target) {
      const h = this.held[this.hh];
      if (h !== undefined && h.off <= this.offset) { this.drain(); continue; }
      const stop = h === undefined ? target : Math.min(target, h.off);
      this.gap(stop - this.offset);
      this.drain();
    }
  }

  private gap(size: number): void {
    if (size <= 0) return;
    const off = this.offset;
    this.offset += size;
    this.nextSeq = seqAdd(this.nextSeq, size);
    this.gapBytes += size;
    this.gaps++;
    this.gapCb?.(size, off);
  }

  private flushHeld(): void {
    while (this.hh < this.held.length) {
      const h = this.held[this.hh]!;
      if (h.off > this.offset) this.gap(h.off - this.offset);
      this.drain();
    }
    if (this.finOff > this.offset) this.gap(this.finOff - this.offset);
  }

  private releaseHeld(): void {
    this.budget.held -= this.heldBytes;
    this.heldBytes = 0;
    this.held.length = 0;
    this.hh = 0;
  }

  /** A new stream's state, keeping the callbacks (for reuse by another connection). */
  reset(): void {
    this.releaseHeld();
    this.nextSeq = 0;
    this.offset = 0;
    this.started = false;
    this.ended = false;
    this.finOff = -1;
    this.delivered = 0;
    this.gapBytes = 0;
    this.gaps = 0;
    this.duplicateBytes = 0;
    this.limited = false;
    this.limitDrops = 0;
  }
}

/**
 * Both directions of one TCP connection, indexed by tracker side (0 = A, 1 = B).
 * Feed every segment with `segment()`; acks are passed to the other side's
 * reassembler for gap detection.
 */
export class TcpStreams {
  readonly dir: [StreamReassembler, StreamReassembler];

  constructor(maxHeld?: number, budget?: ReassemblyBudget) {
    this.dir = [new StreamReassembler(maxHeld, budget), new StreamReassembler(maxHeld, budget)];
  }

  segment(side: number, seq: number, ack: number, flags: number, buf: Buffer, from: number, to: number): void {
    this.dir[side & 1]!.push(seq, flags, buf, from, to);
    if ((flags & TcpFlag.ACK) !== 0 && (flags & TcpFlag.RST) === 0) this.dir[(side & 1) ^ 1]!.ack(ack);
  }

  finish(): void {
    this.dir[0].finish();
    this.dir[1].finish();
  }

  reset(): void {
    this.dir[0].reset();
    this.dir[1].reset();
  }
}
