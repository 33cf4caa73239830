/**
 * Multipath TCP (RFC 8684; version 0: RFC 6824). A subflow that opens with
 * MP_CAPABLE starts an MPTCP connection; each side's key names it by a token
 * (mptcpTokenOf), and a subflow that opens with MP_JOIN carries the token of
 * the connection it joins. Keys are in the SYN (version 0, the client's), the
 * SYN-ACK (the server's) and the third ACK (version 1, both).
 */
import { createHash } from 'node:crypto';
import { u32be } from '../../bytes.js';
import type { TcpView } from '../../decode/tcp.js';
import { type Connection, MptcpSubflow } from './connection.js';

/** Token → id of the initial subflow, for the MP_JOINs that follow (the oldest dropped past 65536). */
export class MptcpTokens {
  private readonly ids = new Map<number, number>();

  remember(token: number, id: number): void {
    if (this.ids.size >= 65536) this.ids.delete(this.ids.keys().next().value!);
    this.ids.set(token, id);
  }

  /** The initial subflow's id, or -1 when its handshake was not captured. */
  idOf(token: number): number {
    return this.ids.get(token) ?? -1;
  }
}

/** The first MPTCP option of segment t (TcpView.mptcpOff ≥ 0), from side s of conversation c. */
export function mptcpOption(c: Connection, s: number, t: TcpView, syn: boolean, hasAck: boolean, tokens: MptcpTokens): void {
  const b = t.buf, p = t.mptcpOff, len = t.mptcpLen;
  const subtype = b[p + 2]! >> 4, version = b[p + 2]! & 0xf;
  if (subtype === 0) { // MP_CAPABLE
    if (!syn && c.mptcp === MptcpSubflow.NONE) return; // only a handshake makes a subflow the initial one
    c.mptcp = MptcpSubflow.INITIAL;
    const fromClient = s === c.clientSide;
    if (syn && len >= 12 && (c.mptcpKeys & (fromClient ? 2 : 1)) === 0) { // a key of its sender
      const token = mptcpTokenOf(b, p + 4, version);
      tokens.remember(token, c.id);
      if (fromClient) c.mptcpKeys |= 2; else { c.mptcpKeys |= 1; c.mptcpToken = token; }
    } else if (!syn && len >= 20 && (c.mptcpKeys & 3) !== 3) { // the third ACK: sender's and receiver's keys
      const client = mptcpTokenOf(b, p + (fromClient ? 4 : 12), version);
      const server = mptcpTokenOf(b, p + (fromClient ? 12 : 4), version);
      tokens.remember(client, c.id);
      tokens.remember(server, c.id);
      c.mptcpToken = server;
      c.mptcpKeys = 3;
    }
  } else if (subtype === 1 && syn) { // MP_JOIN
    c.mptcp = MptcpSubflow.ADDITIONAL;
    if (!hasAck && len === 12) {
      c.mptcpToken = u32be(b, p + 4);
      c.mptcpOf = tokens.idOf(c.mptcpToken);
    }
  }
}

/**
 * An MPTCP key's token (RFC 8684 §3.2): the most significant 32 bits of the
 * key's SHA-256 hash (version 1), or of its SHA-1 hash (version 0, RFC 6824).
 */
export function mptcpTokenOf(b: Uint8Array, keyOff: number, version: number): number {
  return createHash(version === 0 ? 'sha1' : 'sha256').update(b.subarray(keyOff, keyOff + 8)).digest().readUInt32BE(0);
}
