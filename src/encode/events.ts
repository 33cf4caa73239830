/** Words for the events a frame caused (EventKind, track/tcp/transitions.ts), in the human and the JSON views. */
import type { Connection } from '../track/tcp/connection.js';
import { EventKind, type Tracker } from '../track/tracker.js';
import { ArpProto, type ArpAddress, type ArpTable } from '../track/arp-table.js';
import { ipv4, ipv6At, macNum } from './addr.js';
import { glyphs } from './glyphs.js';

/** A duration in seconds as a short human figure: 47µs, 1.25ms, 2.300s. */
export function formatDuration(sec: number): string {
  if (sec < 0.001) return `${Math.round(sec * 1e6)}${glyphs().micro}s`;
  if (sec < 1) return `${(sec * 1e3).toFixed(2)}ms`;
  return `${sec.toFixed(3)}s`;
}

/**
 * Event i of the tracker's last frame. `human`: the line view's words
 * ("client FIN_WAIT_1 → FIN_WAIT_2", "handshake complete, rtt 47µs");
 * otherwise stable machine words for JSON ("client FIN_WAIT_1 -> FIN_WAIT_2", "handshake-complete").
 */
export function eventText(t: Tracker, i: number, c: Connection, human: boolean): string {
  const side = t.eventSide[i] === c.clientSide ? 'client' : 'server';
  switch (t.eventKind[i]) {
    case EventKind.STATE: return `${side} ${t.eventFrom[i] ?? 'none'} ${human ? glyphs().arrow : '->'} ${t.eventTo[i]}`;
    case EventKind.HANDSHAKE_COMPLETE:
      if (!human) return 'handshake-complete';
      return t.eventValue[i]! >= 0 ? `handshake complete, rtt ${formatDuration(t.eventValue[i]!)}` : 'handshake complete';
    case EventKind.SIMULTANEOUS_OPEN: return human ? 'simultaneous open' : 'simultaneous-open';
    case EventKind.REFUSED: return human ? 'connection refused' : 'refused';
    case EventKind.RESET: return human ? `reset by ${side}` : `reset-by-${side}`;
    case EventKind.SIMULTANEOUS_CLOSE: return human ? 'simultaneous close' : 'simultaneous-close';
    case EventKind.HALF_CLOSE: return human ? `half-close: ${side} sends after the peer's FIN` : `half-close-data-by-${side}`;
    default: return 'event';
  }
}

/** An ARP / ND table entry's address as text. */
export function addrText(e: ArpAddress): string {
  return e.v6 === null ? ipv4(e.v4) : ipv6At(e.v6 as Buffer, 0);
}

/** The line view's annotation for the conflict this frame caused ('' when none). */
export function arpConflictText(arp: ArpTable | null): string {
  const c = arp?.conflict;
  if (c === null || c === undefined) return '';
  return `${c.addr.proto === ArpProto.ndp ? 'ND' : 'ARP'} conflict: ${addrText(c.addr)} was ${macNum(arp!.conflictWas)}, now ${macNum(c.addr.current!.mac)}`;
}

