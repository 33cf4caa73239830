/**
 * The RFC 793 connection state machine as seen from a capture point.
 *
 * A segment is reduced once to a control event; then `onSend` gives the
 * sender's next state and `onDeliver` the receiver's. Both are pure
 * functions of (state, event) — the table-driven tests walk every arm.
 * Names are the contract's (shared/spec/CONTRACT.md).
 */
export const TcpState = {
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RCVD',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN_WAIT_1',
  FIN_WAIT_2: 'FIN_WAIT_2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** What a segment does to its sender. */
export const SendEvent = {
  SYN: 1, // SYN without ACK: active open
  SYN_ACK: 2, // SYN with ACK: passive open answered
  FIN: 3, // FIN (after its ACK part)
  RST: 4,
  NONE: 5, // data or pure ACK
} as const;
export type SendEvent = (typeof SendEvent)[keyof typeof SendEvent];

/** What a delivered segment does to its receiver. */
export const DeliverEvent = {
  SYN: 1, // a SYN without ACK arrives
  ACK_OF_SYN: 2, // the segment acknowledges the receiver's SYN (SYN-ACK or ACK)
  ACK_OF_FIN: 3, // the segment acknowledges the receiver's FIN
  FIN: 4, // a FIN arrives
} as const;
export type DeliverEvent = (typeof DeliverEvent)[keyof typeof DeliverEvent];

/** Sender side. Returns the new state, or the same state when the event changes nothing. */
export function onSend(state: TcpState, ev: SendEvent): TcpState {
  switch (ev) {
    case SendEvent.RST:
      // RFC 793 §3.4: a reset aborts the connection from any state.
      return TcpState.CLOSED;
    case SendEvent.SYN:
      // RFC 793 §3.4 fig. 7: CLOSED --active OPEN / snd SYN--> SYN_SENT. A retransmitted SYN changes nothing.
      return state === TcpState.CLOSED ? TcpState.SYN_SENT : state;
    case SendEvent.SYN_ACK:
      // LISTEN --rcv SYN / snd SYN,ACK--> SYN_RCVD; in simultaneous open SYN_RCVD stays SYN_RCVD.
      return state === TcpState.LISTEN || state === TcpState.SYN_SENT ? TcpState.SYN_RCVD : state;
    case SendEvent.FIN:
      // RFC 793 §3.5: CLOSE in ESTABLISHED or SYN_RCVD → FIN_WAIT_1; in CLOSE_WAIT → LAST_ACK.
      if (state === TcpState.ESTABLISHED || state === TcpState.SYN_RCVD) return TcpState.FIN_WAIT_1;
      if (state === TcpState.CLOSE_WAIT) return TcpState.LAST_ACK;
      return state; // a retransmitted FIN, or a FIN from a state that already sent one
    case SendEvent.NONE:
      return state;
  }
}

/** Receiver side, one event at a time; the caller applies ACK events before FIN (RFC 793 §3.9). */
export function onDeliver(state: TcpState, ev: DeliverEvent): TcpState {
  switch (ev) {
    case DeliverEvent.SYN:
      // LISTEN rcv SYN → SYN_RCVD; SYN_SENT rcv SYN (simultaneous open, §3.4 fig. 8) → SYN_RCVD.
      return state === TcpState.LISTEN || state === TcpState.SYN_SENT ? TcpState.SYN_RCVD : state;
    case DeliverEvent.ACK_OF_SYN:
      // SYN_SENT rcv SYN,ACK → ESTABLISHED; SYN_RCVD rcv ACK of SYN → ESTABLISHED.
      return state === TcpState.SYN_SENT || state === TcpState.SYN_RCVD ? TcpState.ESTABLISHED : state;
    case DeliverEvent.ACK_OF_FIN:
      // §3.9 "FIN-WAIT-1: if our FIN is now acknowledged then enter FIN-WAIT-2";
      // CLOSING: → TIME_WAIT; LAST_ACK: → CLOSED.
      if (state === TcpState.FIN_WAIT_1) return TcpState.FIN_WAIT_2;
      if (state === TcpState.CLOSING) return TcpState.TIME_WAIT;
      if (state === TcpState.LAST_ACK) return TcpState.CLOSED;
      return state;
    case DeliverEvent.FIN:
      // §3.9 eighth step: SYN_RCVD/ESTABLISHED → CLOSE_WAIT; FIN_WAIT_1 (FIN not acked) → CLOSING;
      // FIN_WAIT_2 → TIME_WAIT.
      if (state === TcpState.ESTABLISHED || state === TcpState.SYN_RCVD) return TcpState.CLOSE_WAIT;
      if (state === TcpState.FIN_WAIT_1) return TcpState.CLOSING;
      if (state === TcpState.FIN_WAIT_2) return TcpState.TIME_WAIT;
      return state;
  }
}
