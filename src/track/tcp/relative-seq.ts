/**
 * Relative sequence numbers: the bases two tools subtract, each by its own rule.
 *
 * tcpdump (print-tcp.c, the tcp_seq_hash table) keeps one base per direction of
 * a conversation; only segments with ACK use the table, and the first such
 * segment of a conversation, and every SYN-ACK, set new bases and print
 * absolute numbers. The `read` lines print these.
 *
 * tshark (packet-tcp.c, tcp_analyze_sequence_number) keeps base_seq per
 * direction: the first segment's seq (seq - 1 without SYN), or the peer's first
 * ACK - 1. netlens uses it for tshark's port-reuse rule.
 */
import type { Connection, Endpoint } from './connection.js';
import type { TcpSegment } from './segment.js';

/**
 * tcpdump's table for a segment of `side`: sets the conversation's bases when the segment
 * starts them. True when the segment prints absolute numbers.
 */
export function tcpdumpRebase(c: Connection, side: number, g: TcpSegment): boolean {
  if (!g.hasAck) return true;
  if (c.tcpdumpBaseSet && !g.syn) return false;
  c.tcpdumpBaseSet = true;
  if (side === 0) { c.tcpdumpBaseA = g.seq | 0; c.tcpdumpBaseB = (g.ack - 1) | 0; } else { c.tcpdumpBaseB = g.seq | 0; c.tcpdumpBaseA = (g.ack - 1) | 0; }
  return true;
}

/** A sequence number relative to a base held as int32 (Connection.tcpdumpBase). */
export function relativeTo(seq: number, base: number): number {
  return (seq - base) >>> 0;
}

/** tshark's base_seq of the sender E and, from the segment's ACK, of its peer P: each set once. */
export function tsharkBases(E: Endpoint, P: Endpoint, g: TcpSegment): void {
  if (!E.tsharkBaseSet) { E.tsharkBase = g.syn ? g.seq : (g.seq - 1) >>> 0; E.tsharkBaseSet = true; }
  if (!P.tsharkBaseSet && g.hasAck) { P.tsharkBase = (g.ack - 1) >>> 0; P.tsharkBaseSet = true; }
}

/**
 * tshark's port-reuse rule (dissect_tcp): a SYN whose seq is not its direction's base_seq
 * carries a new ISN, so it starts a new conversation whatever the state; a retransmitted SYN keeps its ISN.
 */
export function isNewIsn(E: Endpoint, seq: number): boolean {
  return E.tsharkBaseSet && seq !== E.tsharkBase;
}
