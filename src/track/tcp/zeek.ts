/**
 * Zeek's view of a TCP connection (conn.log): each endpoint's state
 * (analyzer/protocol/tcp/TCP_Endpoint.h), the conn_state those states give
 * (base/protocols/conn/main.zeek), and the history letters
 * (TCPSessionAdapter.cc, update_history). The content gaps (history G,
 * missed_bytes) are in zeek-gaps.ts.
 *
 * zeekStep and zeekConnState are pure functions of states, table-tested in
 * test/track/zeek.test.ts. This file reads endpoints and conversations
 * through the small interfaces below, which Endpoint and Connection
 * (connection.ts) satisfy: connection.ts imports conn_state from here.
 */
import type { TcpSegment } from './segment.js';
import { seqDiff } from './seq.js';

/** Zeek's endpoint states (TCP_Endpoint.h), used for conn_state. */
export const ZeekState = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;
export type ZeekState = (typeof ZeekState)[keyof typeof ZeekState];

/** Bits of an endpoint's history "seen once" mask. */
export const Hist = { SYN: 1, FIN: 2, RST: 4, DATA: 8, ACK: 16, MULTI: 32, FIN_RST: 64 } as const;

/** An endpoint's fields Zeek's bookkeeping reads and writes (Endpoint has them). */
export interface ZeekEndpoint {
  zeekState: number;
  /** Zeek's prev_state, for is_clean() in gap reporting. */
  zeekPrevState: number;
  /** Zeek's did_close: the endpoint sent its FIN or RST. */
  didClose: boolean;
  histMask: number;
  histLastSyn: number;
  histLastFin: number;
  histLastRst: number;
  histRxmitCount: number;
  histWin0Count: number;
  readonly isn: number;
  readonly hasIsn: boolean;
}

/** A conversation's fields the history letters need (Connection has them). */
export interface ZeekConnection {
  history: string;
  readonly clientSide: number;
}

/**
 * The sender's Zeek state `e` and its peer's `p` after a segment with these flags, packed as
 * e | p << 3 (ZeekState fits in 3 bits).
 */
export function zeekStep(e: number, p: number, syn: boolean, fin: boolean, rst: boolean, hasAck: boolean): number {
  if (rst) return ZeekState.RESET | (p << 3);
  if (e === ZeekState.RESET) return e | (p << 3);
  if (syn) {
    if (e === ZeekState.INACTIVE) e = hasAck ? ZeekState.SYN_ACK_SENT : ZeekState.SYN_SENT;
    else if (hasAck && e === ZeekState.SYN_SENT) e = ZeekState.SYN_ACK_SENT; // simultaneous open
    if (hasAck && e === ZeekState.SYN_ACK_SENT && p === ZeekState.SYN_ACK_SENT) e = p = ZeekState.ESTABLISHED;
    if (fin) e = ZeekState.CLOSED;
    return e | (p << 3);
  }
  if (e === ZeekState.INACTIVE) e = ZeekState.PARTIAL;
  if (hasAck && (e === ZeekState.SYN_SENT || e === ZeekState.SYN_ACK_SENT)
    && (p === ZeekState.SYN_ACK_SENT || p === ZeekState.ESTABLISHED || p === ZeekState.SYN_SENT)) {
    e = ZeekState.ESTABLISHED;
    if (p === ZeekState.SYN_ACK_SENT || p === ZeekState.SYN_SENT) p = ZeekState.ESTABLISHED;
  }
  if (fin) e = ZeekState.CLOSED;
  return e | (p << 3);
}

/** Both endpoints' Zeek states after segment g from E (peer P), with prev_state and did_close. */
export function zeekEndpoints(E: ZeekEndpoint, P: ZeekEndpoint, g: TcpSegment): void {
  const ez = E.zeekState, pz = P.zeekState;
  const r = zeekStep(ez, pz, g.syn, g.fin, g.rst, g.hasAck);
  E.zeekState = r & 7;
  P.zeekState = r >>> 3;
  if (E.zeekState !== ez) E.zeekPrevState = ez;
  if (P.zeekState !== pz) P.zeekPrevState = pz;
  if (g.fin || g.rst) E.didClose = true;
}

/** Zeek's is_clean (TCP_Reassembler.cc): established, or closed from established. */
export function isClean(E: ZeekEndpoint): boolean {
  return E.zeekState === ZeekState.ESTABLISHED || (E.zeekState === ZeekState.CLOSED && E.zeekPrevState === ZeekState.ESTABLISHED);
}

/** Zeek's conn_state (base/protocols/conn/main.zeek, conn_state()) from the originator's and responder's states. */
export function zeekConnState(os: number, rs: number, origBytes: number, respBytes: number, history: string): string {
  const oInactive = os === ZeekState.INACTIVE || os === ZeekState.PARTIAL;
  const rInactive = rs === ZeekState.INACTIVE || rs === ZeekState.PARTIAL;
  if (rs === ZeekState.RESET) {
    if (os === ZeekState.SYN_SENT || os === ZeekState.SYN_ACK_SENT || (os === ZeekState.RESET && origBytes === 0 && respBytes === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === ZeekState.RESET) {
    if (rInactive) return /^\^?S[^HAFGIQ]*R.*/.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === ZeekState.CLOSED && os === ZeekState.CLOSED) return 'SF';
  if (os === ZeekState.CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === ZeekState.CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === ZeekState.SYN_SENT && rs === ZeekState.INACTIVE) return 'S0';
  if (os === ZeekState.ESTABLISHED && rs === ZeekState.ESTABLISHED) return 'S1';
  return 'OTH';
}

/**
 * Zeek's update_history for segment g from E; `orig`: E is the originator (the client),
 * `retransmitted`: tshark's analysis flagged the segment a retransmission.
 */
export function zeekHistory(c: ZeekConnection, E: ZeekEndpoint, orig: boolean, g: TcpSegment, retransmitted: boolean): void {
  const syn = g.syn, fin = g.fin, rst = g.rst, len = g.len;
  // Zeek's rel_seq: relative to the endpoint's ISN (the first SYN is 0).
  const rel = E.hasIsn ? seqDiff(g.seq, E.isn) : syn ? 0 : g.seq;
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) once(c, E, orig, Hist.FIN_RST, 'I');
    else once(c, E, orig, Hist.MULTI, 'Q');
  } else if (bits === 1) {
    if (syn) {
      const code = g.hasAck ? 'H' : 'S';
      if (once(c, E, orig, Hist.SYN, code) && rel !== E.histLastSyn) addHistory(c, orig, code);
      E.histLastSyn = rel;
    }
    if (fin) {
      if (once(c, E, orig, Hist.FIN, 'F') && rel + len !== E.histLastFin) addHistory(c, orig, 'F');
      E.histLastFin = rel + len;
    }
    if (rst) {
      if (once(c, E, orig, Hist.RST, 'R') && rel !== E.histLastRst) addHistory(c, orig, 'R');
      E.histLastRst = rel;
    }
  } else if (len > 0) {
    once(c, E, orig, Hist.DATA, 'D');
  } else if (g.hasAck) {
    once(c, E, orig, Hist.ACK, 'A');
  }
  if (len > 0 && retransmitted) {
    E.histRxmitCount++;
    if (isThreshold(E.histRxmitCount)) addHistory(c, orig, 'T');
  }
  if (g.window === 0 && !rst && !syn) {
    E.histWin0Count++;
    if (isThreshold(E.histWin0Count)) addHistory(c, orig, 'W');
  }
}

/** Zeek's CheckHistory: records the letter the first time; true when it had been seen before. */
function once(c: ZeekConnection, E: ZeekEndpoint, orig: boolean, mask: number, code: string): boolean {
  if ((E.histMask & mask) !== 0) return true;
  E.histMask |= mask;
  addHistory(c, orig, code);
  return false;
}

/** Appends a history letter: upper case for the originator, lower case for the responder. */
export function addHistory(c: ZeekConnection, orig: boolean, code: string): void {
  c.history += orig ? code : RESPONDER_LETTER[code]!;
}

/** History letters of the responder (Zeek's lower case), without a toLowerCase() per letter. */
const RESPONDER_LETTER: Readonly<Record<string, string>> = Object.fromEntries([...'SHADFRIQTWGC'].map((l) => [l, l.toLowerCase()]));

/** Zeek logs repeated history letters at 1, 10, 100, … occurrences. */
export function isThreshold(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000;
}
