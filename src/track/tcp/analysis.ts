/**
 * tshark's tcp.analysis flags (packet-tcp.c, tcp_analyze_sequence_number),
 * and the per-direction sequence state they are computed from: nextseq,
 * maxseqtobeacked, the last ACK and window, dup-ACK counts. analyze() flags a
 * segment against the state before it; advance() then moves the state on, in
 * tshark's order (nextseq last). Checked against tshark by
 * test/oracle/analysis-diff.test.ts.
 */
import type { Connection, Endpoint } from './connection.js';
import type { TcpSegment } from './segment.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';

/** tshark's tcp.analysis.* flags, as bits; names in AnalysisNames order. */
export const Analysis = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  LOST_SEGMENT: 1 << 4,
  ACK_LOST_SEGMENT: 1 << 5,
  DUP_ACK: 1 << 6,
  ZERO_WINDOW: 1 << 7,
  ZERO_WINDOW_PROBE: 1 << 8,
  WINDOW_FULL: 1 << 9,
  WINDOW_UPDATE: 1 << 10,
  KEEP_ALIVE: 1 << 11,
  KEEP_ALIVE_ACK: 1 << 12,
} as const;

export const AnalysisNames = [
  'retransmission', 'fast-retransmission', 'spurious-retransmission', 'out-of-order', 'lost-segment',
  'ack-lost-segment', 'dup-ack', 'zero-window', 'zero-window-probe', 'window-full', 'window-update',
  'keep-alive', 'keep-alive-ack',
] as const;

/** tshark's defaults: fast retransmission within 20 ms of a dup ACK, out-of-order within 3 ms. */
const FAST_RXMT_NS = 20e6;
const OOO_NS = 3e6;

/**
 * The flags of segment g from endpoint E (its peer P). Also counts dup ACKs (E's) and, for an
 * ACK beyond what was seen, brings P's maxseqtobeacked to its nextseq, as tshark does while flagging.
 */
export function analyze(c: Connection, E: Endpoint, P: Endpoint, g: TcpSegment): number {
  const seq = g.seq, ack = g.ack, len = g.len, window = g.window;
  let a = 0;
  const ctl = g.syn || g.fin || g.rst;
  finished: {
    if (E.hasNext && len === 1 && seq === E.nextSeq && P.hasNext && P.window === 0) {
      a |= Analysis.ZERO_WINDOW_PROBE;
      break finished;
    }
    if (window === 0 && !ctl) a |= Analysis.ZERO_WINDOW;
    if (E.hasNext && seqGt(seq, E.nextSeq) && !g.rst) a |= Analysis.LOST_SEGMENT;
    if (E.hasNext && len <= 1 && !ctl && seq === ((E.nextSeq - 1) >>> 0)) {
      a |= Analysis.KEEP_ALIVE;
      break finished;
    }
    if (len === 0 && E.hasAck && window !== E.window && window !== 0 && seq === E.nextSeq && ack === E.lastAck && !ctl) {
      a |= Analysis.WINDOW_UPDATE;
    }
    if (len > 0 && P.hasAck && !ctl && E.hasIsn && P.hasIsn) {
      const scale = E.wscale >= 0 && P.wscale >= 0 ? P.wscale : 0;
      if (seqAdd(seq, len) === seqAdd(P.lastAck, P.window * (1 << (scale > 14 ? 14 : scale)))) a |= Analysis.WINDOW_FULL;
    }
    if (len === 0 && E.hasAck && window === E.window && window !== 0 && seq === E.nextSeq && ack === E.lastAck && P.lastWasKeepAlive && !ctl) {
      a |= Analysis.KEEP_ALIVE_ACK;
      break finished;
    }
    if (len === 0 && E.hasAck && g.hasAck && window !== 0 && window === E.window && seq === E.nextSeq && ack === E.lastAck && !ctl) {
      a |= Analysis.DUP_ACK;
      // tshark: a count of -1 (an ACK-lost-segment was flagged) restarts at 1.
      E.dupAcks = E.dupAcks === -1 ? 1 : E.dupAcks + 1;
      E.lastDupAckSec = g.sec;
      E.lastDupAckNsec = g.nsec;
    }
  }
  // tshark 4.0's "ACKed segment that wasn't captured" (TCP_A_ACK_LOST_PACKET in
  // tcp_analyze_sequence_number): the ACK goes beyond the peer's maxseqtobeacked (0: unset).
  // The frame is flagged when the peer's dup-ACK count is 0 (or maxseqtobeacked had passed the
  // peer's nextseq); the count becomes -1, so the same hole is not flagged again until the peer's
  // ACK number moves, and maxseqtobeacked is brought to the peer's nextseq. (Checked against
  // tshark 4.0.17 on built traces: test/oracle/analysis-diff.test.ts.)
  if (g.hasAck && P.maxToAck !== 0 && seqGt(ack, P.maxToAck)) {
    if (P.maxToAck > P.nextSeq || P.dupAcks === 0) a |= Analysis.ACK_LOST_SEGMENT;
    P.dupAcks = -1;
    P.maxToAck = P.nextSeq;
  }
  const carries = len > 0 || g.syn || g.fin;
  if (carries && E.hasNext && (a & Analysis.KEEP_ALIVE) === 0 && seqLt(seq, E.nextSeq)) {
    // tshark's order (tcp_analyze_sequence_number): fast retransmission, out-of-order,
    // spurious retransmission, then a plain retransmission.
    const sinceNext = (g.sec - E.nextSeqSec) * 1e9 + (g.nsec - E.nextSeqNsec);
    const sinceDup = (g.sec - P.lastDupAckSec) * 1e9 + (g.nsec - P.lastDupAckNsec);
    // Out-of-order threshold: the connection's initial RTT once known, else 3 ms.
    const oooNs = c.rtt > 0 ? c.rtt * 1e9 : OOO_NS;
    if (P.dupAcks >= 2 && P.lastAck === seq && sinceDup < FAST_RXMT_NS) {
      a |= Analysis.FAST_RETRANSMISSION | Analysis.RETRANSMISSION;
    } else if (sinceNext < oooNs && seqAdd(seq, len + (g.syn ? 1 : 0) + (g.fin ? 1 : 0)) !== E.nextSeq) {
      a |= Analysis.OUT_OF_ORDER;
    } else if (P.hasAck && len > 0 && seqGe(P.lastAck, seqAdd(seq, len))) {
      a |= Analysis.SPURIOUS_RETRANSMISSION | Analysis.RETRANSMISSION;
    } else {
      a |= Analysis.RETRANSMISSION;
    }
  }
  return a;
}

/** Payload bytes of g that E had not sent before: a retransmitted byte is counted once. */
export function newBytes(E: Endpoint, g: TcpSegment): number {
  const len = g.len;
  if (len <= 0) return 0;
  if (!E.hasNext) return len;
  const end = seqAdd(g.syn ? seqAdd(g.seq, 1) : g.seq, len);
  const fresh = seqDiff(end, E.nextSeq);
  return fresh <= 0 ? 0 : fresh > len ? len : fresh;
}

/** E's sequence state after segment g, flagged `analysis` (tshark updates nextseq last). */
export function advance(E: Endpoint, g: TcpSegment, analysis: number): void {
  const seq = g.seq, len = g.len;
  if (g.syn && !E.hasIsn) { E.isn = seq; E.hasIsn = true; }
  if (g.syn) E.wscale = g.wscale;
  const zwp = (analysis & Analysis.ZERO_WINDOW_PROBE) !== 0;
  if (!g.rst) {
    const end = seqAdd(seq, len + (g.syn ? 1 : 0) + (g.fin ? 1 : 0));
    // A zero-window probe does not advance nextseq (tshark).
    if ((!E.hasNext || seqGt(end, E.nextSeq)) && !zwp) {
      E.nextSeq = end;
      E.hasNext = true;
      E.nextSeqSec = g.sec;
      E.nextSeqNsec = g.nsec;
    }
  }
  // tshark's maxseqtobeacked: "the highest continuous seq number seen so far". A segment that
  // starts where it stands (or the first one) raises it to nextseq, so a retransmission that
  // fills a hole covers the bytes seen beyond the hole too. 0 means unset, as in tshark.
  if ((seq === E.maxToAck || E.maxToAck === 0) && !zwp && E.hasNext) E.maxToAck = E.nextSeq;
  if (g.fin && E.finSeq < 0) E.finSeq = seqAdd(seq, len);
  if (g.hasAck) {
    if (!E.hasAck || g.ack !== E.lastAck) E.dupAcks = 0;
    E.lastAck = g.ack;
    E.hasAck = true;
  }
  E.window = g.window;
  E.lastWasKeepAlive = (analysis & Analysis.KEEP_ALIVE) !== 0;
}
