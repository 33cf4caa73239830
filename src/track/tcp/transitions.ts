/**
 * Both endpoints' RFC 793 states as one segment moves them, and the events
 * it causes. The segment's sender moves at once (onSend); its peer receives
 * the ACK at once and any SYN or FIN later: those are held (pendingSyn,
 * pendingFin) until the peer's next segment shows whether they arrived before
 * its own, which is how crossing SYNs (simultaneous open) and crossing FINs
 * (simultaneous close) are told apart. The machine itself is state.ts.
 */
import type { Connection, Endpoint } from './connection.js';
import type { TcpSegment } from './segment.js';
import { seqAdd, seqGe, seqLt } from './seq.js';
import { DeliverEvent, SendEvent, TcpState as S, type TcpState, onDeliver, onSend } from './state.js';

/** Kinds of events a frame can cause. */
export const EventKind = {
  STATE: 1, // side moved from → to
  HANDSHAKE_COMPLETE: 2,
  SIMULTANEOUS_OPEN: 3,
  REFUSED: 4,
  RESET: 5, // side sent the connection's first RST
  SIMULTANEOUS_CLOSE: 6,
  HALF_CLOSE: 7, // side sends data after its peer's FIN arrived
} as const;

/** Events held for one frame; more are dropped. */
export const MAX_EVENTS = 16;

/** Where the events of the current frame go: kind, side, from/to states, a number (rtt in seconds). The Tracker is one. */
export interface EventLog {
  eventCount: number;
  readonly eventKind: Int32Array;
  readonly eventSide: Int32Array;
  readonly eventFrom: (TcpState | null)[];
  readonly eventTo: (TcpState | null)[];
  readonly eventValue: Float64Array;
}

function logEvent(log: EventLog, kind: number, side: number, from: TcpState | null, to: TcpState | null, value: number): void {
  const i = log.eventCount;
  if (i >= MAX_EVENTS) return;
  log.eventKind[i] = kind;
  log.eventSide[i] = side;
  log.eventFrom[i] = from;
  log.eventTo[i] = to;
  log.eventValue[i] = value;
  log.eventCount = i + 1;
}

/** The states segment g from E (side s; peer P) gives both endpoints of c. */
export function tcpStates(c: Connection, s: number, E: Endpoint, P: Endpoint, g: TcpSegment, log: EventLog): void {
  const syn = g.syn, fin = g.fin, hasAck = g.hasAck, ack = g.ack;
  if (g.rst) {
    E.pendingSyn = E.pendingFin = false;
    P.pendingSyn = P.pendingFin = false;
    if (c.resetBy < 0) {
      c.resetBy = s;
      // A SYN answered by RST: nothing listened.
      if (s !== c.clientSide && P.state === S.SYN_SENT && !c.synAckSeen && c.handshakeSeen) {
        c.refused = true;
        logEvent(log, EventKind.REFUSED, s, null, null, 0);
      } else {
        logEvent(log, EventKind.RESET, s, null, null, 0);
      }
    }
    move(log, s, E, S.CLOSED);
    if (P.state !== null) move(log, s ^ 1, P, S.CLOSED);
    return;
  }
  // Did this segment's sender receive what its peer sent earlier? Crossing SYNs and FINs say no.
  const crossingSyn = E.pendingSyn && syn && !hasAck;
  const crossingFin = E.pendingFin && fin && P.finSeq >= 0 && (!hasAck || seqLt(ack, seqAdd(P.finSeq, 1)));
  if (crossingSyn && !c.simultaneousOpen) { c.simultaneousOpen = true; logEvent(log, EventKind.SIMULTANEOUS_OPEN, s, null, null, 0); }
  if (crossingFin && !c.simultaneousClose) { c.simultaneousClose = true; logEvent(log, EventKind.SIMULTANEOUS_CLOSE, s, null, null, 0); }
  if (!crossingSyn && !crossingFin) deliverPending(log, s, E);

  // The sender's own transition.
  if (E.state === null) {
    if (syn && !hasAck) { move(log, s, E, S.CLOSED); }
    else if (syn) { move(log, s, E, S.LISTEN); }
    else { move(log, s, E, S.ESTABLISHED); }
  }
  if (E.state === S.CLOSE_WAIT && g.len > 0 && !c.halfCloseData) {
    // Data sent after the peer's FIN arrived: the half-close pattern.
    c.halfCloseData = true;
    logEvent(log, EventKind.HALF_CLOSE, s, null, null, 0);
  }
  const sendEv = syn ? (hasAck ? SendEvent.SYN_ACK : SendEvent.SYN) : fin ? SendEvent.FIN : SendEvent.NONE;
  move(log, s, E, onSend(E.state!, sendEv));
  if (crossingSyn || crossingFin) deliverPending(log, s, E);

  // What the peer receives: the ACK at once (before any FIN, RFC 793 §3.9) …
  if (hasAck && P.state !== null) {
    if (P.hasIsn && seqGe(ack, seqAdd(P.isn, 1)) && (P.state === S.SYN_SENT || P.state === S.SYN_RCVD)) {
      const wasSynRcvd = P.state === S.SYN_RCVD;
      move(log, s ^ 1, P, onDeliver(P.state, DeliverEvent.ACK_OF_SYN));
      if (wasSynRcvd && !syn && !c.handshakeDone && !c.simultaneousOpen && s === c.clientSide) {
        c.handshakeDone = true;
        if (c.handshakeSeen) c.rtt = (g.sec - c.synSec) + (g.nsec - c.synNsec) / 1e9;
        logEvent(log, EventKind.HANDSHAKE_COMPLETE, s, null, null, c.rtt);
      }
    }
    if (P.finSeq >= 0 && seqGe(ack, seqAdd(P.finSeq, 1))) {
      move(log, s ^ 1, P, onDeliver(P.state!, DeliverEvent.ACK_OF_FIN));
    }
  }
  if (syn && hasAck) {
    c.synAckSeen = true;
    if (P.state !== null) move(log, s ^ 1, P, onDeliver(P.state, DeliverEvent.SYN));
  }
  // … while a SYN or FIN is held until the peer shows whether it arrived before its own.
  if (syn && !hasAck) P.pendingSyn = true;
  if (fin) P.pendingFin = true;
}

/**
 * End of trace or eviction: SYNs and FINs still held are taken as delivered. The events
 * this causes are not reported: the log is left empty.
 */
export function settle(c: Connection, log: EventLog): void {
  log.eventCount = 0;
  for (let s = 0; s < 2; s++) {
    const E = c.ep[s]!;
    if (E.state === null) { E.pendingSyn = E.pendingFin = false; continue; }
    deliverPending(log, s, E);
  }
  log.eventCount = 0;
}

/** Applies a SYN/FIN the peer sent earlier to endpoint E (side s). */
function deliverPending(log: EventLog, s: number, E: Endpoint): void {
  if (E.pendingSyn) {
    E.pendingSyn = false;
    if (E.state === null) move(log, s, E, S.LISTEN);
    move(log, s, E, onDeliver(E.state!, DeliverEvent.SYN));
  }
  if (E.pendingFin) {
    E.pendingFin = false;
    if (E.state !== null) move(log, s, E, onDeliver(E.state, DeliverEvent.FIN));
  }
}

function move(log: EventLog, s: number, E: Endpoint, next: TcpState): void {
  const from = E.state;
  // An endpoint's first state is where it starts, not a transition: no event for it.
  if (E.enter(next) && from !== null) logEvent(log, EventKind.STATE, s, from, next, 0);
}
