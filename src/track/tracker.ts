/**
 * Tracker: the conversations (TCP and UDP) of a capture, frame by frame.
 *
 * observe() takes the decoder after each frame, finds or starts the
 * conversation the frame belongs to (flow-table.ts) and, for a TCP segment,
 * reduces it once (tcp/segment.ts) and runs the analyses on it in order:
 * tshark's and tcpdump's sequence bases (tcp/relative-seq.ts), Multipath TCP
 * (tcp/mptcp.ts), tshark's tcp.analysis flags (tcp/analysis.ts), Zeek's
 * history, endpoint states and content gaps (tcp/zeek.ts, tcp/zeek-gaps.ts),
 * both endpoints' RFC 793 states and the events they cause
 * (tcp/transitions.ts). What the frame caused is left in public fields (conn,
 * side, analysis, relSeq/relAck, events) for the views. Conversations end by
 * port reuse, idle timeout, eviction, or finish(); timers run on capture time only.
 */
import { IpProto } from '../decode/constants.js';
import { dnsIsResponse } from '../decode/dns.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { TcpError, type TcpView } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import { u32be } from '../bytes.js';
import { FlowTable } from './flow-table.js';
import { Analysis, advance, analyze, newBytes } from './tcp/analysis.js';
import type { Connection } from './tcp/connection.js';
import { MptcpTokens, mptcpOption } from './tcp/mptcp.js';
import { isNewIsn, relativeTo, tcpdumpRebase, tsharkBases } from './tcp/relative-seq.js';
import { TcpSegment } from './tcp/segment.js';
import type { TcpState } from './tcp/state.js';
import { type EventLog, MAX_EVENTS, settle, tcpStates } from './tcp/transitions.js';
import { zeekEndpoints, zeekHistory } from './tcp/zeek.js';
import { contentGaps } from './tcp/zeek-gaps.js';

// What a frame caused is told in these terms; the views import them from here.
export { Analysis, AnalysisNames } from './tcp/analysis.js';
export { EventKind } from './tcp/transitions.js';

export interface TrackerOptions {
  /** Idle timeouts in seconds of capture time. */
  tcpIdle: number;
  udpIdle: number;
  /** A TCP connection closed on both ends (FIN or RST) is kept this long for late segments (Zeek's tcp_close_delay). */
  closeDelay: number;
  /** Conversations held at once; the least recently active is evicted beyond it. */
  maxConns: number;
  /** Called once per conversation: when evicted, or at finish(). */
  onEnd?: (c: Connection) => void;
  /**
   * onEnd keeps nothing of the Connection it is given: once it returns, the
   * object is reset and reused for a later conversation. Saves the allocation
   * and the garbage collection of every conversation.
   */
  recycle?: boolean;
  /**
   * Seconds of capture time between interim reports (0: none). At the first
   * frame at or past each multiple of `interim` since the first frame, before
   * that frame is tracked (and after the idle conversations it ends are
   * reported), onInterim is told each conversation still open, in id order.
   */
  interim?: number;
  onInterim?: (c: Connection) => void;
}

export const defaultTrackerOptions: TrackerOptions = { tcpIdle: 300, udpIdle: 60, closeDelay: 5, maxConns: 100_000 };

export class Tracker implements EventLog {
  /** Conversation of the last frame, or null (ARP, ICMP, fragments, malformed). */
  conn: Connection | null = null;
  /** Side (0 = A, 1 = B) that sent the last frame. */
  side = 0;
  /** tshark analysis bits (Analysis) of the last frame. */
  analysis = 0;
  /** tcpdump's relative seq/ack of the last frame; absolute when `seqAbsolute`. */
  relSeq = 0;
  relAck = 0;
  seqAbsolute = false;
  /**
   * Whether the next frame is one a view prints (the pipeline says; a filter
   * that picks lines says false for the others): only printed frames move
   * tcpdump's relative-sequence bases, as only they reach tcpdump's table.
   */
  shown = true;
  /** Events (EventKind) of the last frame: kind, side, from/to states, a number (rtt in seconds). */
  eventCount = 0;
  readonly eventKind = new Int32Array(MAX_EVENTS);
  readonly eventSide = new Int32Array(MAX_EVENTS);
  readonly eventFrom: (TcpState | null)[] = new Array(MAX_EVENTS).fill(null);
  readonly eventTo: (TcpState | null)[] = new Array(MAX_EVENTS).fill(null);
  readonly eventValue = new Float64Array(MAX_EVENTS);

  /** Conversations started so far (the next id). */
  nextId = 0;

  private readonly opts: TrackerOptions;
  private readonly table: FlowTable;
  /** The TCP segment being analysed (one object, refilled). */
  private readonly seg = new TcpSegment();
  private readonly mptcpTokens = new MptcpTokens();
  /** The next interim boundary (capture time); -Infinity until the first frame sets the origin, +Infinity when off. */
  private interimSec = Infinity;
  private interimNsec = 0;
  private interimOriginSec = 0;
  private interimOriginNsec = 0;
  /** The conversations of one interim report, sorted by id (reused). */
  private readonly interimList: Connection[] = [];

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...defaultTrackerOptions, ...opts };
    this.table = new FlowTable(this.opts.maxConns);
    if ((this.opts.interim ?? 0) > 0 && this.opts.onInterim !== undefined) this.interimSec = -Infinity;
  }

  /** Conversations held now. */
  get active(): number { return this.table.size; }
  /** Connection objects made; the rest of the conversations reused reported ones (recycle). */
  get allocated(): number { return this.table.allocated; }

  observe(d: PacketDecoder, tsSec: number, tsNsec: number): void {
    this.conn = null;
    this.analysis = 0;
    this.eventCount = 0;
    this.seqAbsolute = false;
    this.expire(tsSec);
    // One comparison per frame; the exact test (nanoseconds) only in the boundary's second.
    if (tsSec >= this.interimSec) this.interimAt(tsSec, tsNsec);
    if (d.ipVersion === 0 || d.laterFragment) return;
    let sport: number, dport: number;
    const proto = d.l4;
    const v6 = d.ipVersion === 6;
    if (proto === IpProto.TCP) {
      if (d.tcp.error === TcpError.short || d.tcp.error === TcpError.offset) return;
      sport = d.tcp.sport; dport = d.tcp.dport;
    } else if (proto === IpProto.UDP) {
      if (d.udp.error === UdpError.short) return;
      sport = d.udp.sport; dport = d.udp.dport;
    } else {
      return;
    }
    const table = this.table;
    const k = table.key;
    if (d.ipVersion === 4) {
      k[0] = 0; k[1] = 0; k[2] = 0xffff; k[3] = d.ip4.src;
      k[4] = 0; k[5] = 0; k[6] = 0xffff; k[7] = d.ip4.dst;
    } else {
      // Zeek's key: the final destination of a routing header, the home address of a destination option.
      const b = d.ip6.buf, s = d.ip6.keySrcOff, t = d.ip6.keyDstOff;
      for (let i = 0; i < 4; i++) { k[i] = u32be(b, s + 4 * i); k[4 + i] = u32be(b, t + 4 * i); }
    }
    // A first fragment's upper-layer length is unknown here: count only the payload it carries.
    const fragment = v6 ? d.ip6.hasFragment && d.ip6.fragMf : d.ip4.mf;
    const h = table.hash(proto, sport, dport);
    let c = table.find(h, proto, sport, dport, v6);
    let side = table.side;
    const g = this.seg;
    if (proto === IpProto.TCP) g.reduce(d.tcp, fragment, tsSec, tsNsec);
    if (proto === IpProto.TCP && c !== null && g.syn && !g.hasAck) {
      // Port reuse: a SYN starts a new conversation on a tuple whose connection has closed (Zeek's
      // IsReuse), or when it carries a new ISN (tshark's rule).
      if (c.finished || isNewIsn(c.ep[side], g.seq)) {
        table.remove(c);
        this.ended(c);
        c = null;
      }
    }
    let fresh = false;
    if (c === null) {
      c = table.add(this.nextId++, h, proto, v6, sport, dport, tsSec, tsNsec);
      side = 0;
      fresh = true;
      const oldest = table.oldest;
      if (table.size > this.opts.maxConns && oldest !== null && oldest !== c) this.evict(oldest);
    } else {
      table.touch(c);
    }
    c.lastSec = tsSec;
    c.lastNsec = tsNsec;
    this.conn = c;
    this.side = side;
    const ep = c.ep[side];
    ep.packets++;
    // Zeek's ConnSize analyzer: the IP header's total length (IPv6: payload length + 40).
    ep.ipBytes += v6 ? d.ip6.payloadLength + 40 : d.ip4.totalLength;
    if (proto === IpProto.UDP) {
      c.zeekLastSec = tsSec;
      c.zeekLastNsec = tsNsec;
      if (fresh && sport === 53 && dnsIsResponse(d.udp.buf, d.udp.payloadOff, d.udp.payloadEnd) && !table.destinationIsMulticast(v6)) {
        // Zeek's DNS analyzer (DNS_Interpreter::ParseMessage): a conversation whose first message is
        // a response is flipped, its sender being the server (unless it was sent to a multicast group).
        c.clientSide = 1;
        c.flipped = true;
      }
      if (fragment) {
        const n = d.udp.payloadEnd - d.udp.payloadOff;
        ep.bytes += n > 0 ? n : 0;
      } else {
        ep.bytes += d.udp.payloadLength;
      }
    } else {
      this.segment(c, side, g, d.tcp);
    }
  }

  /**
   * The conversations held now, least recently active first (for live views
   * such as `capture --top`). Read-only: do not observe() while iterating.
   */
  conversations(): IterableIterator<Connection> {
    return this.table.conversations();
  }

  /** Ends the trace: delivers what is pending and reports every remaining conversation in id order. */
  finish(): void {
    const rest = [...this.table.conversations()];
    rest.sort((a, b) => a.id - b.id);
    for (const c of rest) {
      settle(c, this);
      this.ended(c);
    }
    this.table.clear();
  }

  /**
   * A frame at (sec, nsec) and the next interim boundary at or before it:
   * the open conversations are reported once (a gap over several intervals
   * reports once: nothing changed in between), and the boundary moves to the
   * first multiple of the interval after the frame.
   */
  private interimAt(sec: number, nsec: number): void {
    if (this.interimSec === -Infinity) {
      this.interimOriginSec = sec;
      this.interimOriginNsec = nsec;
    } else if (sec === this.interimSec && nsec < this.interimNsec) {
      return;
    } else {
      const list = this.interimList;
      list.length = 0;
      // A conversation closed on both ends is not open: its final record follows within closeDelay.
      for (const c of this.table.conversations()) if (!c.finished) list.push(c);
      list.sort((a, b) => a.id - b.id);
      for (const c of list) this.opts.onInterim!(c);
      list.length = 0;
    }
    const stepNs = this.opts.interim! * 1e9;
    const elapsedNs = (sec - this.interimOriginSec) * 1e9 + (nsec - this.interimOriginNsec);
    // Boundaries are origin + k × interval, k counted from the origin (no drift from adding intervals up).
    const k = Math.floor(elapsedNs / stepNs) + 1;
    const at = this.interimOriginNsec + Math.round(k * stepNs);
    const whole = Math.floor(at / 1e9);
    this.interimSec = this.interimOriginSec + whole;
    this.interimNsec = at - whole * 1e9;
  }

  /** A TCP segment g (of view t) from side s of c: every analysis, in order. */
  private segment(c: Connection, s: number, g: TcpSegment, t: TcpView): void {
    const E = c.ep[s], P = c.ep[s ^ 1];
    // Zeek's last_time: packets after both ends closed do not extend the connection.
    if (!E.didClose || !P.didClose) { c.zeekLastSec = g.sec; c.zeekLastNsec = g.nsec; }
    tsharkBases(E, P, g);
    if (E.packets + P.packets === 1) this.orient(c, s, g);
    if (t.mptcpOff >= 0) mptcpOption(c, s, t, g.syn, g.hasAck, this.mptcpTokens);

    // Frames not printed never reach tcpdump's table: its bases stay as they are.
    this.seqAbsolute = this.shown ? tcpdumpRebase(c, s, g) : false;
    if (this.seqAbsolute) {
      this.relSeq = g.seq;
      this.relAck = g.ack;
    } else {
      this.relSeq = relativeTo(g.seq, c.tcpdumpBase(s));
      this.relAck = relativeTo(g.ack, c.tcpdumpBase(s ^ 1));
    }

    const a = analyze(c, E, P, g);
    this.analysis = a;
    const retransmitted = (a & Analysis.RETRANSMISSION) !== 0;
    if (retransmitted) E.retransmissions++;
    E.bytes += newBytes(E, g);

    zeekHistory(c, E, s === c.clientSide, g, retransmitted);
    zeekEndpoints(E, P, g);
    contentGaps(c, s, E, P, g);
    tcpStates(c, s, E, P, g, this);

    // Sequence bookkeeping after analysis (tshark updates nextseq last).
    advance(E, g, a);
    if (g.fin) E.finSeen = true;
    if (g.rst) E.rstSeen = true;
    if ((E.finSeen || E.rstSeen) && (P.finSeen || P.rstSeen || g.rst)) c.finished = true;
  }

  /** The conversation's first segment, from side s: which side is the client, and the handshake's start. */
  private orient(c: Connection, s: number, g: TcpSegment): void {
    if (g.syn && !g.hasAck) {
      c.handshakeSeen = true;
      c.clientSide = s as 0 | 1;
      c.synSec = g.sec;
      c.synNsec = g.nsec;
    } else if (g.syn && g.hasAck) {
      c.clientSide = (s ^ 1) as 0 | 1; // the SYN-ACK's receiver sent the (uncaptured) SYN
      c.synAckSeen = true;
    } else {
      c.clientSide = (serverIsDestination(g.sport, g.dport) ? s : s ^ 1) as 0 | 1;
    }
    c.flipped = c.clientSide !== s;
    if (c.flipped) c.history += '^';
  }

  private evict(c: Connection): void {
    this.table.remove(c);
    const saved = this.eventCount;
    settle(c, this);
    this.eventCount = saved;
    this.ended(c);
  }

  /** Reports a conversation once; keeps its objects for reuse when onEnd allows it. */
  private ended(c: Connection): void {
    this.opts.onEnd?.(c);
    if (this.opts.recycle === true) this.table.release(c);
  }

  /** Evicts idle conversations, least recently active first (capture time). */
  private expire(nowSec: number): void {
    const o = this.opts;
    for (let c = this.table.oldest; c !== null; c = this.table.oldest) {
      const idle = nowSec - c.lastSec;
      const limit = c.proto !== IpProto.TCP ? o.udpIdle : c.finished ? o.closeDelay : o.tcpIdle;
      if (idle <= limit) return;
      this.evict(c);
    }
  }
}

/**
 * Which side of a mid-stream conversation is the server (Zeek-like port
 * heuristics): true when the destination port looks like the service.
 */
function serverIsDestination(sport: number, dport: number): boolean {
  const sWell = sport < 1024, dWell = dport < 1024;
  if (sWell !== dWell) return dWell;
  if (sWell && dWell) return dport <= sport;
  const sEph = sport >= 32768, dEph = dport >= 32768;
  if (sEph !== dEph) return sEph;
  return true;
}
