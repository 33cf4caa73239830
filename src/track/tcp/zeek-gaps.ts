/**
 * Zeek's content gaps (TCP_Reassembler): bytes of a stream its peer
 * acknowledged that were never captured whole. They give conn.log's
 * missed_bytes and the history letter G. Each endpoint keeps the next byte
 * seen in order (seenNext) and up to MAX_SEEN_HELD ranges seen beyond it.
 */
import type { Connection, Endpoint } from './connection.js';
import type { TcpSegment } from './segment.js';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.js';
import { addHistory, isClean, isThreshold } from './zeek.js';

/** Out-of-order ranges an endpoint keeps for Zeek's gap accounting. */
const MAX_SEEN_HELD = 16;

/** What segment g from E (side s, peer P) shows of E's stream, and what its ACK says of P's. */
export function contentGaps(c: Connection, s: number, E: Endpoint, P: Endpoint, g: TcpSegment): void {
  if (g.syn && !E.seenSet) { E.seenNext = seqAdd(g.seq, 1); E.seenSet = true; }
  if (g.len > 0 && g.whole) seen(E, g.syn ? seqAdd(g.seq, 1) : g.seq, g.len);
  if (g.hasAck) acked(c, P, s ^ 1, g.ack);
}

/** Segment [start, start + len) of E's stream was captured whole (Zeek's reassembler gets only those). */
function seen(E: Endpoint, start: number, len: number): void {
  const end = seqAdd(start, len);
  if (!E.seenSet) { E.seenNext = start; E.seenSet = true; }
  if (seqLe(end, E.seenNext)) return; // old data
  if (seqLe(start, E.seenNext)) {
    E.seenNext = end;
    if (E.seenHeld !== null && E.seenHeld.length > 0) drainSeen(E);
    return;
  }
  // Beyond a hole: keep the range (sorted, merged) until the hole fills or is acknowledged.
  let h = E.seenHeld;
  if (h === null) h = E.seenHeld = [];
  let i = 0;
  while (i < h.length && seqLt(h[i + 1]!, start)) i += 2;
  if (i < h.length && seqLe(h[i]!, end)) {
    // Overlaps or touches range i: widen it, then swallow the ranges it now reaches.
    if (seqLt(start, h[i]!)) h[i] = start;
    if (seqGt(end, h[i + 1]!)) h[i + 1] = end;
    while (i + 2 < h.length && seqLe(h[i + 2]!, h[i + 1]!)) {
      if (seqGt(h[i + 3]!, h[i + 1]!)) h[i + 1] = h[i + 3]!;
      h.splice(i + 2, 2);
    }
    return;
  }
  if (h.length >= MAX_SEEN_HELD * 2) return; // bound: this range will count as missing if acknowledged
  h.splice(i, 0, start, end);
}

/** Held ranges that now continue the in-order stream. */
function drainSeen(E: Endpoint): void {
  const h = E.seenHeld!;
  let n = 0;
  while (n < h.length && seqLe(h[n]!, E.seenNext)) {
    if (seqGt(h[n + 1]!, E.seenNext)) E.seenNext = h[n + 1]!;
    n += 2;
  }
  if (n > 0) h.splice(0, n);
}

/**
 * The peer of E acknowledged `ack` (TCP_Reassembler::AckReceived, Undelivered): bytes of E's
 * stream before it that were never seen are a content gap, one per hole. Zeek stops at the FIN
 * and reports gaps (history G/g, missed_bytes) only while both ends are established or closed
 * from established (is_clean), after this packet's state change.
 */
function acked(c: Connection, E: Endpoint, side: number, ack: number): void {
  if (!E.seenSet) return;
  let upTo = ack;
  if (E.finSeq >= 0 && seqGt(upTo, E.finSeq)) upTo = E.finSeq;
  if (!seqGt(upTo, E.seenNext)) return;
  const d = seqDiff(upTo, E.seenNext);
  if (d >= 1 << 30) return; // not a plausible acknowledgement of this stream
  const P = c.ep[side ^ 1];
  const report = isClean(E) && isClean(P);
  const h = E.seenHeld;
  while (seqLt(E.seenNext, upTo)) {
    const next = h !== null && h.length > 0 && seqLt(h[0]!, upTo) ? h[0]! : upTo;
    if (seqGt(next, E.seenNext)) {
      if (report) {
        E.gapBytes += seqDiff(next, E.seenNext);
        E.gapCount++;
        if (isThreshold(E.gapCount)) addHistory(c, side === c.clientSide, 'G');
      }
      E.seenNext = next;
    }
    if (h !== null && h.length > 0) drainSeen(E);
  }
}
