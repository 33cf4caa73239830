/**
 * A conversation (TCP or UDP) and its two endpoints.
 *
 * Side A is the sender of the conversation's first packet, side B the other;
 * `clientSide` says which of them is the client (the first SYN's sender, or by
 * port heuristics when the handshake was not captured).
 */
import { DOUBLE, settleFields } from '../../decode/shapes.js';
import { TcpState } from './state.js';
import { ZeekState, zeekConnState } from './zeek.js';

/** One character per state, for an endpoint's compact path of states entered. */
const STATE_ORDER: readonly TcpState[] = Object.values(TcpState);
const STATE_CHAR: Readonly<Record<TcpState, string>> = Object.fromEntries(
  STATE_ORDER.map((st, i) => [st, String.fromCharCode(97 + i)]),
) as Record<TcpState, string>;
/** Decoded paths, shared: a capture has few distinct ones. */
const pathCache = new Map<string, readonly TcpState[]>();

/** The states a path string stands for (shared, frozen: do not modify). */
export function statesOfPath(path: string): readonly TcpState[] {
  let r = pathCache.get(path);
  if (r === undefined) {
    r = Object.freeze([...path].map((ch) => STATE_ORDER[ch.charCodeAt(0) - 97]!));
    if (pathCache.size < 4096) pathCache.set(path, r);
  }
  return r;
}

/** Connection.mptcp: which kind of Multipath TCP subflow a conversation is. */
export const MptcpSubflow = { NONE: 0, INITIAL: 1, ADDITIONAL: 2 } as const;

export class Endpoint {
  /** Current RFC 793 state; null while nothing is known (an endpoint never heard from). */
  declare state: TcpState | null;
  /** States in the order entered, one character each (STATE_CHAR): a string costs far less than an array per endpoint. */
  declare path: string;
  declare isn: number;
  declare hasIsn: boolean;
  /** Highest sequence number sent + 1 (counting SYN and FIN), i.e. tshark's nextseq. */
  declare nextSeq: number;
  declare hasNext: boolean;
  /** Sequence number of this endpoint's FIN, or -1. */
  declare finSeq: number;
  declare finSeen: boolean;
  declare rstSeen: boolean;
  /** Raw window of the last segment, and the window-scale shift from the handshake (-1 = none). */
  declare window: number;
  declare wscale: number;
  declare lastAck: number;
  declare hasAck: boolean;
  declare dupAcks: number;
  declare lastDupAckSec: number;
  declare lastDupAckNsec: number;
  /** tshark's maxseqtobeacked: the end of the new data seen, as the peer may acknowledge it. */
  declare maxToAck: number;
  /** When nextSeq last advanced (tshark's nextseqtime). */
  declare nextSeqSec: number;
  declare nextSeqNsec: number;
  declare lastWasKeepAlive: boolean;
  declare packets: number;
  /** IP bytes sent, from the IP headers' lengths (Zeek's num_bytes_ip: orig_ip_bytes, resp_ip_bytes). */
  declare ipBytes: number;
  /** Payload bytes, without retransmitted bytes. */
  declare bytes: number;
  declare retransmissions: number;
  /** Zeek's endpoint state (ZeekState) and history bookkeeping (zeek.ts). */
  declare zeekState: number;
  declare histMask: number;
  declare histLastSyn: number;
  declare histLastFin: number;
  declare histLastRst: number;
  declare histRxmitCount: number;
  declare histWin0Count: number;
  /**
   * tshark's base_seq (packet-tcp.c): the first segment's seq (seq - 1 without SYN), or the peer's
   * first ACK - 1. A pure SYN with another seq starts a new conversation (port reuse).
   */
  declare tsharkBase: number;
  declare tsharkBaseSet: boolean;
  /** Zeek's prev_state (TCP_Endpoint.h), for is_clean() in gap reporting. */
  declare zeekPrevState: number;
  /** Zeek's did_close: this endpoint sent its FIN or RST; once both did, packets no longer extend the duration. */
  declare didClose: boolean;
  /**
   * Zeek's content gaps (TCP_Reassembler): bytes the peer acknowledged that were never captured
   * whole (zeek-gaps.ts). seenNext is the next byte seen in order; seenHeld the ranges seen beyond it
   * ([start, end) pairs of sequence numbers, made when first needed, at most MAX_SEEN_HELD).
   */
  declare seenNext: number;
  declare seenSet: boolean;
  declare seenHeld: number[] | null;
  /** Bytes of this endpoint's stream reported missing (Zeek's missed_bytes share), and how many holes. */
  declare gapBytes: number;
  declare gapCount: number;
  /** A SYN / FIN from the peer seen on the wire but not yet known to have arrived here. */
  declare pendingSyn: boolean;
  declare pendingFin: boolean;

  /** Made by newEndpoint() only. */
  private constructor() { /* fields come from newEndpoint's literal */ }

  /** States in the order entered. */
  get states(): readonly TcpState[] { return statesOfPath(this.path); }

  enter(next: TcpState): boolean {
    if (this.state === next) return false;
    this.state = next;
    this.path += STATE_CHAR[next];
    return true;
  }

  /** Back to a new endpoint's values (the tracker reuses reported conversations). */
  reset(): void {
    this.state = null;
    this.path = '';
    this.isn = 0;
    this.hasIsn = false;
    this.nextSeq = 0;
    this.hasNext = false;
    this.finSeq = -1;
    this.finSeen = false;
    this.rstSeen = false;
    this.window = 0;
    this.wscale = -1;
    this.lastAck = 0;
    this.hasAck = false;
    this.dupAcks = 0;
    this.lastDupAckSec = 0;
    this.lastDupAckNsec = 0;
    this.maxToAck = 0;
    this.nextSeqSec = 0;
    this.nextSeqNsec = 0;
    this.lastWasKeepAlive = false;
    this.packets = 0;
    this.ipBytes = 0;
    this.bytes = 0;
    this.retransmissions = 0;
    this.zeekState = ZeekState.INACTIVE;
    this.histMask = 0;
    this.histLastSyn = -1;
    this.histLastFin = -1;
    this.histLastRst = -1;
    this.histRxmitCount = 0;
    this.histWin0Count = 0;
    this.tsharkBase = 0;
    this.tsharkBaseSet = false;
    this.zeekPrevState = ZeekState.INACTIVE;
    this.didClose = false;
    this.seenNext = 0;
    this.seenSet = false;
    this.seenHeld = null;
    this.gapBytes = 0;
    this.gapCount = 0;
    this.pendingSyn = false;
    this.pendingFin = false;
  }
}

/** What a factory's literal must hold: the class's data fields (not its methods and getters), and the prototype. */
type LiteralOf<T, Getters extends keyof T> =
  { -readonly [K in keyof T as K extends Getters ? never : T[K] extends (...args: never[]) => unknown ? never : K]: T[K] } & { __proto__: object };

/**
 * A new endpoint. Endpoints and conversations are made by object literals,
 * not `new`: V8 tracks how long a literal's objects live (allocation-site
 * pretenuring) and, once most of them outlive a young-generation collection,
 * as conversations do until they end, allocates them straight in the old
 * generation instead of copying each one twice. Class instances get no such
 * tracking. The prototype keeps the methods.
 */
export function newEndpoint(): Endpoint {
  return {
    __proto__: Endpoint.prototype,
    state: null,
    path: '',
    isn: 0,
    hasIsn: false,
    nextSeq: 0,
    hasNext: false,
    finSeq: -1,
    finSeen: false,
    rstSeen: false,
    window: 0,
    wscale: -1,
    lastAck: 0,
    hasAck: false,
    dupAcks: 0,
    lastDupAckSec: 0,
    lastDupAckNsec: 0,
    maxToAck: 0,
    nextSeqSec: 0,
    nextSeqNsec: 0,
    lastWasKeepAlive: false,
    packets: 0,
    ipBytes: 0,
    bytes: 0,
    retransmissions: 0,
    zeekState: 0, // ZeekState.INACTIVE
    histMask: 0,
    histLastSyn: -1,
    histLastFin: -1,
    histLastRst: -1,
    histRxmitCount: 0,
    histWin0Count: 0,
    tsharkBase: 0,
    tsharkBaseSet: false,
    zeekPrevState: 0, // ZeekState.INACTIVE
    didClose: false,
    seenNext: 0,
    seenSet: false,
    seenHeld: null,
    gapBytes: 0,
    gapCount: 0,
    pendingSyn: false,
    pendingFin: false,
  } satisfies LiteralOf<Endpoint, 'states'> as unknown as Endpoint;
}

export class Connection {
  // Not readonly: the tracker reuses a reported Connection for a new conversation (reset()).
  declare id: number;
  declare proto: number; // 6 TCP, 17 UDP
  declare v6: boolean;
  /**
   * Addresses: words 0-3 side A, 4-7 side B (IPv4 in word 3, IPv4-mapped
   * form), each as int32 (`>>> 0` for the unsigned word): small integers keep
   * the array at 8 bytes a word. A plain array: a typed array per conversation
   * costs more to create than it saves.
   */
  declare readonly addr: number[];
  declare readonly port: number[];
  /**
   * The flow key as small integers held in the object itself, so a lookup
   * touches no array: ports (side A's << 16 | side B's) and the last address
   * word of each side, as int32.
   */
  declare portPair: number;
  declare addrA3: number;
  declare addrB7: number;
  declare readonly ep: [Endpoint, Endpoint];
  declare clientSide: 0 | 1;
  declare firstSec: number;
  declare firstNsec: number;
  declare lastSec: number;
  declare lastNsec: number;
  /**
   * Zeek's Conn last_time (TCPSessionAdapter::Process): the last packet seen before both ends had
   * closed (FIN or RST each), so the final ACK is not in the duration. Every packet for UDP.
   */
  declare zeekLastSec: number;
  declare zeekLastNsec: number;
  /** Hash-bucket chain and LRU list links, owned by FlowTable. */
  declare hash: number;
  declare nextInBucket: Connection | null;
  declare lruPrev: Connection | null;
  declare lruNext: Connection | null;

  // TCP pattern facts.
  declare handshakeSeen: boolean; // the first packet was a SYN
  declare synSec: number;
  declare synNsec: number;
  declare synAckSeen: boolean;
  declare handshakeDone: boolean;
  declare simultaneousOpen: boolean;
  declare simultaneousClose: boolean;
  declare refused: boolean;
  declare resetBy: number; // side that sent the first RST
  declare rtt: number;
  /** Data was sent in CLOSE_WAIT (after the peer's FIN arrived). */
  declare halfCloseData: boolean;
  declare history: string;
  /** History direction flipped (Zeek's '^'): the first packet was the responder's. */
  declare flipped: boolean;
  /** tcpdump's relative-sequence bases (print-tcp.c), side A's and B's, as int32 (subtract, then `>>> 0`). */
  declare tcpdumpBaseA: number;
  declare tcpdumpBaseB: number;
  declare tcpdumpBaseSet: boolean;
  /** Closed by FIN/RST on both ends: a new SYN on the same tuple starts a new conversation. */
  declare finished: boolean;
  /**
   * What a view keeps for this conversation while it lasts (the HTTP view's
   * streams and parsers), or null. The tracker only clears it on reuse; a
   * field here costs less than a Map from conversation id, whose table is
   * rebuilt again and again as conversations come and go.
   */
  declare viewState: object | null;
  /**
   * Multipath TCP (RFC 8684): 0 not seen, MptcpSubflow.INITIAL (MP_CAPABLE
   * handshake), MptcpSubflow.ADDITIONAL (MP_JOIN). mptcpToken: the MPTCP
   * connection's token (the receiver's, -1 while unknown); mptcpOf: the id of
   * the initial subflow an additional one joins (-1 when not captured).
   */
  declare mptcp: number;
  declare mptcpToken: number;
  declare mptcpOf: number;
  /** Keys whose tokens the tracker has taken: 1 the server's, 2 the client's. */
  declare mptcpKeys: number;
  /**
   * The conversation's Community ID, '' until a record asks for it
   * (encode/community-id.ts computes it once), and the seed it was computed with.
   */
  declare communityId: string;
  declare communityIdSeed: number;

  /** Made by newConnection() only. */
  private constructor() { /* fields come from newConnection's literal */ }

  /** Back to a new conversation's values, keeping the objects (see TrackerOptions.recycle). */
  reset(id: number, proto: number, v6: boolean): void {
    this.id = id;
    this.proto = proto;
    this.v6 = v6;
    this.ep[0].reset();
    this.ep[1].reset();
    this.clientSide = 0;
    this.firstSec = this.firstNsec = this.lastSec = this.lastNsec = 0;
    this.zeekLastSec = this.zeekLastNsec = 0;
    this.addr.fill(0);
    this.port[0] = this.port[1] = 0;
    this.hash = 0;
    this.portPair = this.addrA3 = this.addrB7 = 0;
    this.nextInBucket = this.lruPrev = this.lruNext = null;
    this.handshakeSeen = false;
    this.synSec = this.synNsec = 0;
    this.synAckSeen = false;
    this.handshakeDone = false;
    this.simultaneousOpen = false;
    this.simultaneousClose = false;
    this.refused = false;
    this.resetBy = -1;
    this.rtt = -1;
    this.halfCloseData = false;
    this.history = '';
    this.flipped = false;
    this.tcpdumpBaseA = this.tcpdumpBaseB = 0;
    this.tcpdumpBaseSet = false;
    this.finished = false;
    this.viewState = null;
    this.mptcp = 0;
    this.mptcpToken = -1;
    this.mptcpOf = -1;
    this.mptcpKeys = 0;
    this.communityId = '';
    this.communityIdSeed = -1;
  }

  /** tcpdump's relative-sequence base of a side (int32). */
  tcpdumpBase(side: number): number { return side === 0 ? this.tcpdumpBaseA : this.tcpdumpBaseB; }

  get client(): Endpoint { return this.ep[this.clientSide]; }
  get server(): Endpoint { return this.ep[this.clientSide ^ 1]; }
  get packets(): number { return this.ep[0].packets + this.ep[1].packets; }

  /** The contract's handshake pattern. */
  get handshake(): string {
    if (this.simultaneousOpen) return 'simultaneous';
    if (!this.handshakeSeen) return 'not-seen';
    if (this.refused) return 'refused';
    if (this.handshakeDone) return 'complete';
    if (this.synAckSeen) return 'partial';
    return 'unanswered';
  }

  /** The contract's teardown pattern. */
  get teardown(): string {
    if (this.refused) return 'refused';
    if (this.resetBy >= 0) return this.resetBy === this.clientSide ? 'reset-by-client' : 'reset-by-server';
    const c = this.client.finSeen, s = this.server.finSeen;
    if (c && s) return this.simultaneousClose ? 'simultaneous-fin' : 'fin';
    if (c || s) return 'half-closed';
    return 'open';
  }

  /** Zeek's conn_state (base/protocols/conn/main.zeek, conn_state()): see zeek.ts. */
  get connState(): string {
    const orig = this.client, resp = this.server;
    return zeekConnState(orig.zeekState, resp.zeekState, orig.bytes, resp.bytes, this.history);
  }

  /**
   * Zeek's duration (conn.log): from the first packet to the last one seen before both ends had
   * closed, so a TCP teardown's final ACK is not counted (see zeekLastSec). lastTs stays the last packet.
   */
  durationSec(): number {
    return (this.zeekLastSec - this.firstSec) + (this.zeekLastNsec - this.firstNsec) / 1e9;
  }

  /** Zeek's missed_bytes: bytes of both streams acknowledged but never captured whole. */
  get missedBytes(): number { return this.ep[0].gapBytes + this.ep[1].gapBytes; }
}

/** A new conversation (an object literal: see newEndpoint). */
export function newConnection(id: number, proto: number, v6: boolean): Connection {
  return {
    __proto__: Connection.prototype,
    id,
    proto,
    v6,
    addr: [0, 0, 0, 0, 0, 0, 0, 0],
    port: [0, 0],
    portPair: 0,
    addrA3: 0,
    addrB7: 0,
    ep: [newEndpoint(), newEndpoint()],
    clientSide: 0,
    firstSec: 0,
    firstNsec: 0,
    lastSec: 0,
    lastNsec: 0,
    zeekLastSec: 0,
    zeekLastNsec: 0,
    hash: 0,
    nextInBucket: null,
    lruPrev: null,
    lruNext: null,
    handshakeSeen: false,
    synSec: 0,
    synNsec: 0,
    synAckSeen: false,
    handshakeDone: false,
    simultaneousOpen: false,
    simultaneousClose: false,
    refused: false,
    resetBy: -1,
    rtt: -1,
    halfCloseData: false,
    history: '',
    flipped: false,
    tcpdumpBaseA: 0,
    tcpdumpBaseB: 0,
    tcpdumpBaseSet: false,
    finished: false,
    viewState: null,
    mptcp: 0,
    mptcpToken: -1,
    mptcpOf: -1,
    mptcpKeys: 0,
    communityId: '',
    communityIdSeed: -1,
  } satisfies LiteralOf<Connection, 'client' | 'server' | 'packets' | 'handshake' | 'teardown' | 'connState' | 'missedBytes'> as unknown as Connection;
}

// Field representations fixed before any code is optimized (see decode/shapes.ts).
{
  const c = newConnection(0, 6, false);
  for (const e of c.ep) {
    settleFields(e, {
      state: TcpState.CLOSED, isn: DOUBLE, nextSeq: DOUBLE, finSeq: DOUBLE, lastAck: DOUBLE, maxToAck: DOUBLE,
      tsharkBase: DOUBLE, seenNext: DOUBLE, seenHeld: [0],
      histLastSyn: DOUBLE, histLastFin: DOUBLE, histLastRst: DOUBLE,
    });
  }
  settleFields(c, { rtt: DOUBLE, nextInBucket: c, lruPrev: c, lruNext: c, viewState: c, mptcpToken: DOUBLE });
}
