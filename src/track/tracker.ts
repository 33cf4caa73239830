/**
 * Tracker: the conversation table and per-segment TCP analysis.
 *
 * observe() takes the decoder after each frame and updates the conversation
 * the frame belongs to: both endpoints' RFC 793 states (tcp-state.ts), Zeek's
 * history and conn_state, tshark's tcp.analysis flags, byte and packet counts.
 * What the frame caused is left in public fields (conn, side, analysis,
 * events) for the views. Timers run on capture time only.
 */
import { IpProto, TcpFlag } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { TcpError } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import { createHash } from 'node:crypto';
import { type Connection, type Endpoint, Hist, MptcpSubflow, newConnection, ZeekState } from './tcp/connection.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './tcp/seq.js';
import { dnsIsResponse } from '../decode/dns.js';
import { DeliverEvent, SendEvent, type TcpState, TcpState as S, onDeliver, onSend } from './tcp/state.js';
import { u32be } from '../bytes.js';

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

/** Kinds of events a frame can cause. */
export const EventKind = {
  STATE: 1, // side moved from → to
  HANDSHAKE_COMPLETE: 2,
  SIMULTANEOUS_OPEN: 3,
  REFUSED: 4,
  RESET: 5, // side sent the connection's first RST
  SIMULTANEOUS_CLOSE: 6,
  HALF_CLOSE: 7, // side sends data after its peer's FIN arrived
  NEW_CONVERSATION: 8, // port reuse: a new SYN on a closed tuple
} as const;

const MAX_EVENTS = 16;
/** tshark's defaults: fast retransmission within 20 ms of a dup ACK, out-of-order within 3 ms. */
const FAST_RXMT_NS = 20e6;
const OOO_NS = 3e6;

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
}

export const defaultTrackerOptions: TrackerOptions = { tcpIdle: 300, udpIdle: 60, closeDelay: 5, maxConns: 100_000 };

export class Tracker {
  /** Conversation of the last frame, or null (ARP, ICMP, fragments, malformed). */
  conn: Connection | null = null;
  /** Side (0 = A, 1 = B) that sent the last frame. */
  side = 0;
  /** tshark analysis bits of the last frame. */
  analysis = 0;
  /** tcpdump's relative seq/ack of the last frame; absolute when `seqAbsolute`. */
  relSeq = 0;
  relAck = 0;
  seqAbsolute = false;
  /** Events of the last frame: kind, side, from/to states, a number (rtt in seconds). */
  eventCount = 0;
  readonly eventKind = new Int32Array(MAX_EVENTS);
  readonly eventSide = new Int32Array(MAX_EVENTS);
  readonly eventFrom: (TcpState | null)[] = new Array(MAX_EVENTS).fill(null);
  readonly eventTo: (TcpState | null)[] = new Array(MAX_EVENTS).fill(null);
  readonly eventValue = new Float64Array(MAX_EVENTS);

  /** Conversations started so far (the next id). */
  nextId = 0;
  active = 0;
  /** Connection objects made; the rest of the conversations reused reported ones (recycle). */
  allocated = 0;

  private readonly opts: TrackerOptions;
  /** Hash table: chains through Connection.nextInBucket; grows by doubling (load ≤ 1). */
  private buckets: (Connection | null)[] = new Array<Connection | null>(1024).fill(null);
  private bucketMask = 1023;
  /**
   * Reported conversations waiting for reuse (when recycling). Bounded by
   * maxConns, and in practice by the most conversations held at once: a
   * smaller cap dropped the surplus of every burst of endings to the garbage
   * collector, and the old generation grew with the file (bench/big-stream.mjs).
   */
  private readonly pool: Connection[] = [];
  private lruHead: Connection | null = null;
  private lruTail: Connection | null = null;
  private readonly key = new Uint32Array(8);
  private nowSec = 0;
  private nowNsec = 0;

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...defaultTrackerOptions, ...opts };
  }

  observe(d: PacketDecoder, tsSec: number, tsNsec: number): void {
    this.conn = null;
    this.analysis = 0;
    this.eventCount = 0;
    this.seqAbsolute = false;
    this.nowSec = tsSec;
    this.nowNsec = tsNsec;
    this.expire();
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
    const k = this.key;
    if (d.ipVersion === 4) {
      k[0] = 0; k[1] = 0; k[2] = 0xffff; k[3] = d.ip4.src;
      k[4] = 0; k[5] = 0; k[6] = 0xffff; k[7] = d.ip4.dst;
    } else {
      // Zeek's key: the final destination of a routing header, the home address of a destination option.
      const b = d.ip6.buf, s = d.ip6.keySrcOff, t = d.ip6.keyDstOff;
      for (let i = 0; i < 4; i++) { k[i] = u32be(b, s + 4 * i); k[4 + i] = u32be(b, t + 4 * i); }
    }
    const h = (mix(k[0]!, k[1]!, k[2]!, k[3]!, sport) ^ mix(k[4]!, k[5]!, k[6]!, k[7]!, dport) ^ proto) | 0;
    let c: Connection | null = this.buckets[h & this.bucketMask]!;
    let side = 0;
    for (; c !== null; c = c.nextInBucket) {
      if (c.proto !== proto) continue;
      if (matches(c, k, 0, sport, dport, v6)) { side = 0; break; }
      if (matches(c, k, 4, sport, dport, v6)) { side = 1; break; }
    }
    if (proto === IpProto.TCP && c !== null && (d.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      // Port reuse: a SYN starts a new conversation on a tuple whose connection has closed (Zeek's
      // IsReuse), or when its sequence number is not the base of its sender's direction (tshark's
      // rule in dissect_tcp: a new ISN, whatever the state; a retransmitted SYN keeps its ISN).
      const E = c.ep[side];
      if (c.finished || (E.tsBaseSet && d.tcp.seq !== E.tsBase)) {
        this.remove(c);
        this.ended(c);
        c = null;
      }
    }
    let fresh = false;
    if (c === null) {
      c = this.create(h, proto, v6, sport, dport, tsSec, tsNsec);
      side = 0;
      fresh = true;
    } else {
      this.touch(c);
    }
    c.lastSec = tsSec;
    c.lastNsec = tsNsec;
    this.conn = c;
    this.side = side;
    const ep = c.ep[side];
    ep.packets++;
    // A first fragment's upper-layer length is unknown here: count only the payload it carries.
    const fragment = v6 ? d.ip6.hasFragment && d.ip6.fragMf : d.ip4.mf;
    if (proto === IpProto.UDP) {
      c.zeekLastSec = tsSec;
      c.zeekLastNsec = tsNsec;
      if (fresh && sport === 53 && dnsIsResponse(d.udp.buf, d.udp.payloadOff, d.udp.payloadEnd) && !isMulticast(k, v6)) {
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
      this.segment(c, side, d, fragment);
    }
  }

  /**
   * The conversations held now, least recently active first (for live views
   * such as `capture --top`). Read-only: do not observe() while iterating.
   */
  *conversations(): IterableIterator<Connection> {
    for (let c = this.lruHead; c !== null; c = c.lruNext) yield c;
  }

  /** Ends the trace: delivers what is pending and reports every remaining conversation in id order. */
  finish(): void {
    const rest: Connection[] = [];
    for (let c = this.lruHead; c !== null; c = c.lruNext) rest.push(c);
    rest.sort((a, b) => a.id - b.id);
    for (const c of rest) {
      this.settle(c);
      this.ended(c);
    }
    this.buckets.fill(null);
    this.lruHead = this.lruTail = null;
    this.active = 0;
  }

  // ------------------------------------------------------------ TCP segment

  private segment(c: Connection, s: number, d: PacketDecoder, fragment: boolean): void {
    const t = d.tcp;
    const flags = t.flags;
    const captured = t.payloadEnd - t.payloadOff;
    const seq = t.seq, ack = t.ack, len = fragment ? (captured > 0 ? captured : 0) : t.payloadLength;
    const syn = (flags & TcpFlag.SYN) !== 0, fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0, hasAck = (flags & TcpFlag.ACK) !== 0;
    const E = c.ep[s], P = c.ep[s ^ 1];
    const first = E.packets + P.packets === 1;
    // Zeek's last_time: packets after both ends closed do not extend the connection.
    if (!E.didClose || !P.didClose) { c.zeekLastSec = this.nowSec; c.zeekLastNsec = this.nowNsec; }
    // tshark's base_seq of each direction (tcp_analyze_sequence_number).
    if (!E.tsBaseSet) { E.tsBase = syn ? seq : (seq - 1) >>> 0; E.tsBaseSet = true; }
    if (!P.tsBaseSet && hasAck) { P.tsBase = (ack - 1) >>> 0; P.tsBaseSet = true; }

    if (first) this.firstSegment(c, s, syn, hasAck, t.sport, t.dport);
    if (t.mptcpOff >= 0) this.mptcpOption(c, s, d, syn, hasAck);

    // tcpdump's relative sequence numbers (print-tcp.c): only segments with ACK use the table; the
    // first such segment of a conversation, and every SYN-ACK, set a new base and print absolute.
    if (!hasAck) {
      this.seqAbsolute = true;
    } else if (!c.tdSet || syn) {
      c.tdSet = true;
      if (s === 0) { c.tdBaseA = seq | 0; c.tdBaseB = (ack - 1) | 0; } else { c.tdBaseB = seq | 0; c.tdBaseA = (ack - 1) | 0; }
      this.seqAbsolute = true;
    }
    if (this.seqAbsolute) {
      this.relSeq = seq;
      this.relAck = ack;
    } else {
      this.relSeq = (seq - c.tdBase(s)) >>> 0;
      this.relAck = (ack - c.tdBase(s ^ 1)) >>> 0;
    }

    this.analyze(c, E, P, seq, ack, len, flags, t.window);
    if (this.analysis & Analysis.RETRANSMISSION) E.retransmissions++;

    // Payload bytes, without retransmitted ones.
    if (len > 0) {
      const start = syn ? seqAdd(seq, 1) : seq;
      const end = seqAdd(start, len);
      if (!E.hasNext) E.bytes += len;
      else {
        const fresh = seqDiff(end, E.nextSeq);
        E.bytes += fresh <= 0 ? 0 : fresh > len ? len : fresh;
      }
    }

    this.history(c, E, s, flags, seq, len, t.window);
    const ez = E.zeek, pz = P.zeek;
    this.zeekState(E, P, syn, fin, rst, hasAck);
    if (E.zeek !== ez) E.zeekPrev = ez;
    if (P.zeek !== pz) P.zeekPrev = pz;
    if (fin || rst) E.didClose = true;
    // Zeek's content gaps: what this segment carries whole, then what its ACK says was sent.
    if (syn && !E.seenSet) { E.seenNext = seqAdd(seq, 1); E.seenSet = true; }
    if (len > 0 && !fragment && captured >= len) this.seen(E, syn ? seqAdd(seq, 1) : seq, len);
    if (hasAck) this.acked(c, P, s ^ 1, ack);
    this.states(c, s, E, P, syn, fin, rst, hasAck, ack, len);

    // Sequence bookkeeping after analysis (tshark updates nextseq last).
    if (syn && !E.hasIsn) { E.isn = seq; E.hasIsn = true; }
    if (syn) { if (t.wscale >= 0) E.wscale = t.wscale; else E.wscale = -1; }
    const zwp = (this.analysis & Analysis.ZERO_WINDOW_PROBE) !== 0;
    if (!rst) {
      const end = seqAdd(seq, len + (syn ? 1 : 0) + (fin ? 1 : 0));
      // A zero-window probe does not advance nextseq (tshark).
      if ((!E.hasNext || seqGt(end, E.nextSeq)) && !zwp) {
        E.nextSeq = end;
        E.hasNext = true;
        E.nextSeqSec = this.nowSec;
        E.nextSeqNsec = this.nowNsec;
      }
    }
    // tshark's maxseqtobeacked: "the highest continuous seq number seen so far". A segment that
    // starts where it stands (or the first one) raises it to nextseq, so a retransmission that
    // fills a hole covers the bytes seen beyond the hole too. 0 means unset, as in tshark.
    if ((seq === E.maxToAck || E.maxToAck === 0) && !zwp && E.hasNext) E.maxToAck = E.nextSeq;
    if (fin && E.finSeq < 0) E.finSeq = seqAdd(seq, len);
    if (hasAck) {
      if (!E.hasAck || ack !== E.lastAck) E.dupAcks = 0;
      E.lastAck = ack;
      E.hasAck = true;
    }
    E.window = t.window;
    E.lastWasKeepAlive = (this.analysis & Analysis.KEEP_ALIVE) !== 0;
    if (fin) E.finSeen = true;
    if (rst) E.rstSeen = true;
    if ((E.finSeen || E.rstSeen) && (P.finSeen || P.rstSeen || rst)) c.finished = true;
  }

  private firstSegment(c: Connection, s: number, syn: boolean, hasAck: boolean, sport: number, dport: number): void {
    if (syn && !hasAck) {
      c.handshakeSeen = true;
      c.clientSide = s as 0 | 1;
      c.synSec = this.nowSec;
      c.synNsec = this.nowNsec;
    } else if (syn && hasAck) {
      c.clientSide = (s ^ 1) as 0 | 1; // the SYN-ACK's receiver sent the (uncaptured) SYN
      c.synAckSeen = true;
    } else {
      c.clientSide = (serverIsDestination(sport, dport) ? s : s ^ 1) as 0 | 1;
    }
    c.flipped = c.clientSide !== s;
    if (c.flipped) c.history += '^';
  }

  // ------------------------------------------------------------ Zeek content gaps

  /** Segment [start, start + len) of E's stream was captured whole (Zeek's reassembler gets only those). */
  private seen(E: Endpoint, start: number, len: number): void {
    const end = seqAdd(start, len);
    if (!E.seenSet) { E.seenNext = start; E.seenSet = true; }
    if (seqLe(end, E.seenNext)) return; // old data
    if (seqLe(start, E.seenNext)) {
      E.seenNext = end;
      if (E.seenHeld !== null && E.seenHeld.length > 0) this.drainSeen(E);
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
  private drainSeen(E: Endpoint): void {
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
  private acked(c: Connection, E: Endpoint, side: number, ack: number): void {
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
          if (isThreshold(E.gapCount)) this.add(c, side === c.clientSide, 'G');
        }
        E.seenNext = next;
      }
      if (h !== null && h.length > 0) this.drainSeen(E);
    }
  }

  // ------------------------------------------------------------ Multipath TCP

  /**
   * RFC 8684: a subflow that opens with MP_CAPABLE starts an MPTCP connection;
   * each side's key names it by a token (hashTokenOf), and a subflow that
   * opens with MP_JOIN carries the token of the connection it joins. Keys are
   * in the SYN (version 0, the client's), the SYN-ACK (the server's) and the
   * third ACK (version 1, both).
   */
  private mptcpOption(c: Connection, s: number, d: PacketDecoder, syn: boolean, hasAck: boolean): void {
    const t = d.tcp;
    const b = t.buf, p = t.mptcpOff, len = t.mptcpLen;
    const subtype = b[p + 2]! >> 4, version = b[p + 2]! & 0xf;
    if (subtype === 0) { // MP_CAPABLE
      if (!syn && c.mptcp === MptcpSubflow.NONE) return; // only a handshake makes a subflow the initial one
      c.mptcp = MptcpSubflow.INITIAL;
      const fromClient = s === c.clientSide;
      if (syn && len >= 12 && (c.mptcpKeys & (fromClient ? 2 : 1)) === 0) { // a key of its sender
        const token = mptcpTokenOf(b, p + 4, version);
        this.rememberMptcpToken(token, c.id);
        if (fromClient) c.mptcpKeys |= 2; else { c.mptcpKeys |= 1; c.mptcpToken = token; }
      } else if (!syn && len >= 20 && (c.mptcpKeys & 3) !== 3) { // the third ACK: sender's and receiver's keys
        const client = mptcpTokenOf(b, p + (fromClient ? 4 : 12), version);
        const server = mptcpTokenOf(b, p + (fromClient ? 12 : 4), version);
        this.rememberMptcpToken(client, c.id);
        this.rememberMptcpToken(server, c.id);
        c.mptcpToken = server;
        c.mptcpKeys = 3;
      }
    } else if (subtype === 1 && syn) { // MP_JOIN
      c.mptcp = MptcpSubflow.ADDITIONAL;
      if (!hasAck && len === 12) {
        c.mptcpToken = u32be(b, p + 4);
        c.mptcpOf = this.mptcpTokens.get(c.mptcpToken) ?? -1;
      }
    }
  }

  /** Token → id of the initial subflow, for the MP_JOINs that follow (the oldest dropped past 65536). */
  private readonly mptcpTokens = new Map<number, number>();
  private rememberMptcpToken(token: number, id: number): void {
    if (this.mptcpTokens.size >= 65536) this.mptcpTokens.delete(this.mptcpTokens.keys().next().value!);
    this.mptcpTokens.set(token, id);
  }

  // ------------------------------------------------------------ RFC 793 states

  private states(c: Connection, s: number, E: Endpoint, P: Endpoint,
    syn: boolean, fin: boolean, rst: boolean, hasAck: boolean, ack: number, len: number): void {
    if (rst) {
      E.pendingSyn = E.pendingFin = false;
      P.pendingSyn = P.pendingFin = false;
      if (c.resetBy < 0) {
        c.resetBy = s;
        // A SYN answered by RST: nothing listened.
        if (s !== c.clientSide && P.state === S.SYN_SENT && !c.synAckSeen && c.handshakeSeen) {
          c.refused = true;
          this.event(EventKind.REFUSED, s, null, null, 0);
        } else {
          this.event(EventKind.RESET, s, null, null, 0);
        }
      }
      this.move(s, E, S.CLOSED);
      if (P.state !== null) this.move(s ^ 1, P, S.CLOSED);
      return;
    }
    // Did this segment's sender receive what its peer sent earlier? Crossing SYNs and FINs say no.
    const crossingSyn = E.pendingSyn && syn && !hasAck;
    const crossingFin = E.pendingFin && fin && P.finSeq >= 0 && (!hasAck || seqLt(ack, seqAdd(P.finSeq, 1)));
    if (crossingSyn && !c.simultaneousOpen) { c.simultaneousOpen = true; this.event(EventKind.SIMULTANEOUS_OPEN, s, null, null, 0); }
    if (crossingFin && !c.simultaneousClose) { c.simultaneousClose = true; this.event(EventKind.SIMULTANEOUS_CLOSE, s, null, null, 0); }
    if (!crossingSyn && !crossingFin) this.deliverPending(c, s, E);

    // The sender's own transition.
    if (E.state === null) {
      if (syn && !hasAck) { this.move(s, E, S.CLOSED); }
      else if (syn) { this.move(s, E, S.LISTEN); }
      else { this.move(s, E, S.ESTABLISHED); }
    }
    if (E.state === S.CLOSE_WAIT && len > 0 && !c.halfCloseData) {
      // Data sent after the peer's FIN arrived: the half-close pattern.
      c.halfCloseData = true;
      this.event(EventKind.HALF_CLOSE, s, null, null, 0);
    }
    const sendEv = syn ? (hasAck ? SendEvent.SYN_ACK : SendEvent.SYN) : fin ? SendEvent.FIN : SendEvent.NONE;
    this.move(s, E, onSend(E.state!, sendEv));
    if (crossingSyn || crossingFin) this.deliverPending(c, s, E);

    // What the peer receives: the ACK at once (before any FIN, RFC 793 §3.9) …
    if (hasAck && P.state !== null) {
      if (P.hasIsn && seqGe(ack, seqAdd(P.isn, 1)) && (P.state === S.SYN_SENT || P.state === S.SYN_RCVD)) {
        const wasSynRcvd = P.state === S.SYN_RCVD;
        this.move(s ^ 1, P, onDeliver(P.state, DeliverEvent.ACK_OF_SYN));
        if (wasSynRcvd && !syn && !c.handshakeDone && !c.simultaneousOpen && s === c.clientSide) {
          c.handshakeDone = true;
          if (c.handshakeSeen) c.rtt = (this.nowSec - c.synSec) + (this.nowNsec - c.synNsec) / 1e9;
          this.event(EventKind.HANDSHAKE_COMPLETE, s, null, null, c.rtt);
        }
      }
      if (P.finSeq >= 0 && seqGe(ack, seqAdd(P.finSeq, 1))) {
        this.move(s ^ 1, P, onDeliver(P.state!, DeliverEvent.ACK_OF_FIN));
      }
    }
    if (syn && hasAck) {
      c.synAckSeen = true;
      if (P.state !== null) this.move(s ^ 1, P, onDeliver(P.state, DeliverEvent.SYN));
    }
    // … while a SYN or FIN is held until the peer shows whether it arrived before its own.
    if (syn && !hasAck) P.pendingSyn = true;
    if (fin) P.pendingFin = true;
  }

  /** Applies a SYN/FIN the peer sent earlier to endpoint E (side s). */
  private deliverPending(c: Connection, s: number, E: Endpoint): void {
    if (E.pendingSyn) {
      E.pendingSyn = false;
      if (E.state === null) this.move(s, E, S.LISTEN);
      this.move(s, E, onDeliver(E.state!, DeliverEvent.SYN));
    }
    if (E.pendingFin) {
      E.pendingFin = false;
      if (E.state !== null) this.move(s, E, onDeliver(E.state, DeliverEvent.FIN));
    }
  }

  private move(s: number, E: Endpoint, next: TcpState): void {
    const from = E.state;
    // An endpoint's first state is where it starts, not a transition: no event for it.
    if (E.enter(next) && from !== null) this.event(EventKind.STATE, s, from, next, 0);
  }

  private event(kind: number, side: number, from: TcpState | null, to: TcpState | null, value: number): void {
    const i = this.eventCount;
    if (i >= MAX_EVENTS) return;
    this.eventKind[i] = kind;
    this.eventSide[i] = side;
    this.eventFrom[i] = from;
    this.eventTo[i] = to;
    this.eventValue[i] = value;
    this.eventCount = i + 1;
  }

  /** End of trace or eviction: SYNs and FINs still held are taken as delivered. */
  private settle(c: Connection): void {
    this.eventCount = 0;
    for (let s = 0; s < 2; s++) {
      const E = c.ep[s]!;
      if (E.state === null) { E.pendingSyn = E.pendingFin = false; continue; }
      this.deliverPending(c, s, E);
    }
    this.eventCount = 0;
  }

  // ------------------------------------------------------------ tshark analysis

  private analyze(c: Connection, E: Endpoint, P: Endpoint, seq: number, ack: number, len: number, flags: number, window: number): void {
    let a = 0;
    const ctl = (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0;
    const hasAck = (flags & TcpFlag.ACK) !== 0;
    finished: {
      if (E.hasNext && len === 1 && seq === E.nextSeq && P.hasNext && P.window === 0) {
        a |= Analysis.ZERO_WINDOW_PROBE;
        break finished;
      }
      if (window === 0 && !ctl) a |= Analysis.ZERO_WINDOW;
      if (E.hasNext && seqGt(seq, E.nextSeq) && (flags & TcpFlag.RST) === 0) a |= Analysis.LOST_SEGMENT;
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
      if (len === 0 && E.hasAck && hasAck && window !== 0 && window === E.window && seq === E.nextSeq && ack === E.lastAck && !ctl) {
        a |= Analysis.DUP_ACK;
        // tshark: a count of -1 (an ACK-lost-segment was flagged) restarts at 1.
        E.dupAcks = E.dupAcks === -1 ? 1 : E.dupAcks + 1;
        E.lastDupAckSec = this.nowSec;
        E.lastDupAckNsec = this.nowNsec;
      }
    }
    // tshark 4.0's "ACKed segment that wasn't captured" (TCP_A_ACK_LOST_PACKET in
    // tcp_analyze_sequence_number): the ACK goes beyond the peer's maxseqtobeacked (0: unset).
    // The frame is flagged when the peer's dup-ACK count is 0 (or maxseqtobeacked had passed the
    // peer's nextseq); the count becomes -1, so the same hole is not flagged again until the peer's
    // ACK number moves, and maxseqtobeacked is brought to the peer's nextseq. (Checked against
    // tshark 4.0.17 on built traces: test/analysis-diff.test.ts.)
    if (hasAck && P.maxToAck !== 0 && seqGt(ack, P.maxToAck)) {
      if (P.maxToAck > P.nextSeq || P.dupAcks === 0) a |= Analysis.ACK_LOST_SEGMENT;
      P.dupAcks = -1;
      P.maxToAck = P.nextSeq;
    }
    const carries = len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
    if (carries && E.hasNext && (a & Analysis.KEEP_ALIVE) === 0 && seqLt(seq, E.nextSeq)) {
      // tshark's order (tcp_analyze_sequence_number): fast retransmission, out-of-order,
      // spurious retransmission, then a plain retransmission.
      const sinceNext = (this.nowSec - E.nextSeqSec) * 1e9 + (this.nowNsec - E.nextSeqNsec);
      const sinceDup = (this.nowSec - P.lastDupAckSec) * 1e9 + (this.nowNsec - P.lastDupAckNsec);
      // Out-of-order threshold: the connection's initial RTT once known, else 3 ms.
      const oooNs = c.rtt > 0 ? c.rtt * 1e9 : OOO_NS;
      if (P.dupAcks >= 2 && P.lastAck === seq && sinceDup < FAST_RXMT_NS) {
        a |= Analysis.FAST_RETRANSMISSION | Analysis.RETRANSMISSION;
      } else if (sinceNext < oooNs && seqAdd(seq, len + ((flags & TcpFlag.SYN) ? 1 : 0) + ((flags & TcpFlag.FIN) ? 1 : 0)) !== E.nextSeq) {
        a |= Analysis.OUT_OF_ORDER;
      } else if (P.hasAck && len > 0 && seqGe(P.lastAck, seqAdd(seq, len))) {
        a |= Analysis.SPURIOUS_RETRANSMISSION | Analysis.RETRANSMISSION;
      } else {
        a |= Analysis.RETRANSMISSION;
      }
    }
    this.analysis = a;
  }

  // ------------------------------------------------------------ Zeek

  /** Zeek's update_history (analyzer/protocol/tcp/TCPSessionAdapter.cc). */
  private history(c: Connection, E: Endpoint, s: number, flags: number, seq: number, len: number, window: number): void {
    const orig = s === c.clientSide;
    const syn = (flags & TcpFlag.SYN) !== 0, fin = (flags & TcpFlag.FIN) !== 0, rst = (flags & TcpFlag.RST) !== 0;
    // Zeek's rel_seq: relative to the endpoint's ISN (the first SYN is 0).
    const rel = E.hasIsn ? seqDiff(seq, E.isn) : syn ? 0 : seq;
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) this.once(c, E, orig, Hist.FIN_RST, 'I');
      else this.once(c, E, orig, Hist.MULTI, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const code = (flags & TcpFlag.ACK) !== 0 ? 'H' : 'S';
        if (this.once(c, E, orig, Hist.SYN, code) && rel !== E.histLastSyn) this.add(c, orig, code);
        E.histLastSyn = rel;
      }
      if (fin) {
        if (this.once(c, E, orig, Hist.FIN, 'F') && rel + len !== E.histLastFin) this.add(c, orig, 'F');
        E.histLastFin = rel + len;
      }
      if (rst) {
        if (this.once(c, E, orig, Hist.RST, 'R') && rel !== E.histLastRst) this.add(c, orig, 'R');
        E.histLastRst = rel;
      }
    } else if (len > 0) {
      this.once(c, E, orig, Hist.DATA, 'D');
    } else if ((flags & TcpFlag.ACK) !== 0) {
      this.once(c, E, orig, Hist.ACK, 'A');
    }
    if (len > 0 && (this.analysis & Analysis.RETRANSMISSION) !== 0) {
      E.histRxmitCount++;
      if (isThreshold(E.histRxmitCount)) this.add(c, orig, 'T');
    }
    if (window === 0 && !rst && !syn) {
      E.histWin0Count++;
      if (isThreshold(E.histWin0Count)) this.add(c, orig, 'W');
    }
  }

  /** Zeek's CheckHistory: records the letter the first time; true when it had been seen before. */
  private once(c: Connection, E: Endpoint, orig: boolean, mask: number, code: string): boolean {
    if ((E.histMask & mask) !== 0) return true;
    E.histMask |= mask;
    this.add(c, orig, code);
    return false;
  }

  private add(c: Connection, orig: boolean, code: string): void {
    c.history += orig ? code : RESPONDER_LETTER[code]!;
  }

  /** Zeek's endpoint states as conn_state needs them. */
  private zeekState(E: Endpoint, P: Endpoint, syn: boolean, fin: boolean, rst: boolean, hasAck: boolean): void {
    if (rst) { E.zeek = ZeekState.RESET; return; }
    if (E.zeek === ZeekState.RESET) return;
    if (syn) {
      if (E.zeek === ZeekState.INACTIVE) E.zeek = hasAck ? ZeekState.SYN_ACK_SENT : ZeekState.SYN_SENT;
      else if (hasAck && E.zeek === ZeekState.SYN_SENT) E.zeek = ZeekState.SYN_ACK_SENT; // simultaneous open
      if (hasAck && (P.zeek === ZeekState.SYN_SENT || P.zeek === ZeekState.SYN_ACK_SENT) && E.zeek === ZeekState.SYN_ACK_SENT && P.zeek === ZeekState.SYN_ACK_SENT) {
        E.zeek = P.zeek = ZeekState.ESTABLISHED;
      }
      if (fin) E.zeek = ZeekState.CLOSED;
      return;
    }
    if (E.zeek === ZeekState.INACTIVE) E.zeek = ZeekState.PARTIAL;
    if (hasAck && (E.zeek === ZeekState.SYN_SENT || E.zeek === ZeekState.SYN_ACK_SENT)
      && (P.zeek === ZeekState.SYN_ACK_SENT || P.zeek === ZeekState.ESTABLISHED || P.zeek === ZeekState.SYN_SENT)) {
      E.zeek = ZeekState.ESTABLISHED;
      if (P.zeek === ZeekState.SYN_ACK_SENT || P.zeek === ZeekState.SYN_SENT) P.zeek = ZeekState.ESTABLISHED;
    }
    if (fin) E.zeek = ZeekState.CLOSED;
  }

  // ------------------------------------------------------------ table

  private create(h: number, proto: number, v6: boolean, sport: number, dport: number, sec: number, nsec: number): Connection {
    let c = this.pool.pop();
    if (c === undefined) {
      c = newConnection(this.nextId++, proto, v6);
      this.allocated++;
    } else {
      c.reset(this.nextId++, proto, v6);
    }
    for (let i = 0; i < 8; i++) c.addr[i] = this.key[i]! | 0;
    c.port[0] = sport;
    c.port[1] = dport;
    c.portPair = (sport << 16) | dport;
    c.addrA3 = this.key[3]! | 0;
    c.addrB7 = this.key[7]! | 0;
    c.firstSec = c.lastSec = sec;
    c.firstNsec = c.lastNsec = nsec;
    c.hash = h;
    if (this.active >= this.buckets.length) this.grow();
    const i = h & this.bucketMask;
    c.nextInBucket = this.buckets[i]!;
    this.buckets[i] = c;
    // append to LRU tail
    c.lruPrev = this.lruTail;
    if (this.lruTail !== null) this.lruTail.lruNext = c; else this.lruHead = c;
    this.lruTail = c;
    this.active++;
    if (this.active > this.opts.maxConns && this.lruHead !== null && this.lruHead !== c) this.evict(this.lruHead);
    return c;
  }

  private touch(c: Connection): void {
    if (this.lruTail === c) return;
    // unlink
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext; else this.lruHead = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev;
    // append
    c.lruPrev = this.lruTail;
    c.lruNext = null;
    if (this.lruTail !== null) this.lruTail.lruNext = c;
    this.lruTail = c;
  }

  /** Doubles the bucket array and rehashes every held conversation. */
  private grow(): void {
    const size = this.buckets.length * 2;
    const next = new Array<Connection | null>(size).fill(null);
    const mask = size - 1;
    for (let c = this.lruHead; c !== null; c = c.lruNext) {
      const i = c.hash & mask;
      c.nextInBucket = next[i]!;
      next[i] = c;
    }
    this.buckets = next;
    this.bucketMask = mask;
  }

  private remove(c: Connection): void {
    const i = c.hash & this.bucketMask;
    let head: Connection | null = this.buckets[i]!;
    if (head === c) {
      this.buckets[i] = c.nextInBucket;
    } else {
      for (; head !== null; head = head.nextInBucket) {
        if (head.nextInBucket === c) { head.nextInBucket = c.nextInBucket; break; }
      }
    }
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext; else this.lruHead = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev; else this.lruTail = c.lruPrev;
    c.lruPrev = c.lruNext = c.nextInBucket = null;
    this.active--;
  }

  private evict(c: Connection): void {
    this.remove(c);
    const saved = this.eventCount;
    this.settle(c);
    this.eventCount = saved;
    this.ended(c);
  }

  /** Reports a conversation once; keeps its objects for reuse when onEnd allows it. */
  private ended(c: Connection): void {
    this.opts.onEnd?.(c);
    if (this.opts.recycle === true && this.pool.length < this.opts.maxConns) this.pool.push(c);
  }

  /** Evicts idle conversations from the LRU head (capture time). */
  private expire(): void {
    for (let c = this.lruHead; c !== null; c = this.lruHead) {
      const idle = this.nowSec - c.lastSec;
      const limit = c.proto !== IpProto.TCP ? this.opts.udpIdle : c.finished ? this.opts.closeDelay : this.opts.tcpIdle;
      if (idle <= limit) return;
      this.evict(c);
    }
  }
}

/** Whether c is the conversation of key k (side A at word `at`) and these ports. */
function matches(c: Connection, k: Uint32Array, at: number, sport: number, dport: number, v6: boolean): boolean {
  if (c.v6 !== v6) return false;
  if (at === 0) {
    if (c.portPair !== ((sport << 16) | dport) || c.addrA3 !== (k[3]! | 0) || c.addrB7 !== (k[7]! | 0)) return false;
  } else if (c.portPair !== ((dport << 16) | sport) || c.addrA3 !== (k[7]! | 0) || c.addrB7 !== (k[3]! | 0)) {
    return false;
  }
  if (!v6) return true; // IPv4: the other words are the fixed IPv4-mapped prefix
  const a = c.addr;
  if (at === 0) {
    return a[0] === (k[0]! | 0) && a[1] === (k[1]! | 0) && a[2] === (k[2]! | 0)
      && a[4] === (k[4]! | 0) && a[5] === (k[5]! | 0) && a[6] === (k[6]! | 0);
  }
  return a[0] === (k[4]! | 0) && a[1] === (k[5]! | 0) && a[2] === (k[6]! | 0)
    && a[4] === (k[0]! | 0) && a[5] === (k[1]! | 0) && a[6] === (k[2]! | 0);
}

function mix(a: number, b: number, c: number, d: number, port: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ port ^ (h >>> 16), 0x27d4eb2f);
  return h ^ (h >>> 15);
}

/** History letters of the responder (Zeek's lower case), without a toLowerCase() per letter. */
const RESPONDER_LETTER: Readonly<Record<string, string>> = Object.fromEntries([...'SHADFRIQTWGC'].map((l) => [l, l.toLowerCase()]));

/** Out-of-order ranges an endpoint keeps for Zeek's gap accounting. */
const MAX_SEEN_HELD = 16;

/** Zeek's is_clean (TCP_Reassembler.cc): established, or closed from established. */
function isClean(E: Endpoint): boolean {
  return E.zeek === ZeekState.ESTABLISHED || (E.zeek === ZeekState.CLOSED && E.zeekPrev === ZeekState.ESTABLISHED);
}

/** Whether the destination of key k (words 4-7) is a multicast address. */
function isMulticast(k: Uint32Array, v6: boolean): boolean {
  return v6 ? k[4]! >>> 24 === 0xff : k[7]! >>> 28 === 0xe;
}

/** Zeek logs repeated history letters at 1, 10, 100, … occurrences. */
function isThreshold(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000;
}

/**
 * Which side of a mid-stream conversation is the server (Zeek-like port
 * heuristics): true when the destination port looks like the service.
 */
export function serverIsDestination(sport: number, dport: number): boolean {
  const sWell = sport < 1024, dWell = dport < 1024;
  if (sWell !== dWell) return dWell;
  if (sWell && dWell) return dport <= sport;
  const sEph = sport >= 32768, dEph = dport >= 32768;
  if (sEph !== dEph) return sEph;
  return true;
}

/**
 * An MPTCP key's token (RFC 8684 §3.2): the most significant 32 bits of the
 * key's SHA-256 hash (version 1), or of its SHA-1 hash (version 0, RFC 6824).
 */
export function mptcpTokenOf(b: Uint8Array, keyOff: number, version: number): number {
  return createHash(version === 0 ? 'sha1' : 'sha256').update(b.subarray(keyOff, keyOff + 8)).digest().readUInt32BE(0);
}
