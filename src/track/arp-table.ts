/**
 * ARP (RFC 826, RFC 5227) and IPv6 neighbour discovery (RFC 4861 §4.3, §4.4,
 * RFC 4862 §5.4 DAD) observed frame by frame: the IP → MAC bindings with
 * first and last sighting, requests paired with replies, requests nobody
 * answered, gratuitous ARP / unsolicited advertisements, probes and
 * announcements, replies nobody asked for, and conflicts (an IP claimed by a
 * second MAC).
 *
 * Allocation-free per frame: IPv4 addresses are Map keys as numbers, IPv6
 * addresses are hashed to a number (entries chained on collision), MACs are
 * 48-bit numbers. Objects are created only when a new address, binding or
 * finding is. Strings are left to the views (src/report/arp.ts).
 *
 * Bounded like the conversation table: at most `maxAddresses` addresses
 * (100,000 by default); a new one beyond that evicts the least recently seen
 * (`onEvict` gets it first, so a view can report what it knew; `evicted`
 * counts them). An address seen again after its eviction starts over. Each
 * address keeps at most MAX_PER_ADDRESS bindings, conflicts and sightings:
 * past that the oldest is retired (`onRetire`, counted in `retired`); and all
 * addresses together at most `maxRecords` of them (400,000 by default): past
 * that the least recently seen addresses are evicted. The
 * findings are kept on their address only; conflicts(), gratuitous() and
 * the other lists are gathered from the addresses when asked for.
 */
import { ArpOp, IpProto } from '../decode/constants.js';
import { Icmp6Type } from '../decode/icmp.js';
import { LinkLayer, type PacketDecoder } from '../decode/packet-decoder.js';
import { u16be, u32be } from '../bytes.js';

export const ArpProto = { arp: 0, ndp: 1 } as const;
export type ArpProto = (typeof ArpProto)[keyof typeof ArpProto];

/** Which ARP/ND message a gratuitous record or unsolicited reply came from. */
export const ArpMsg = { request: 1, reply: 2 } as const;
/** arp-probe kinds: RFC 5227 probe (sender 0.0.0.0, or ND DAD from ::) or announcement (sender IP = target IP, requests only). */
export const ProbeKind = { probe: 1, announcement: 2 } as const;

/** One protocol address (IPv4 or IPv6) and what was seen about it. */
export class ArpAddress {
  /** Order of first sighting, for stable output. */
  readonly seq: number;
  /** IPv4 as an unsigned number (v4), or the 16 address bytes (v6). */
  readonly v4: number;
  readonly v6: Uint8Array | null;
  /** Next entry with the same IPv6 hash. */
  next: ArpAddress | null = null;
  /** Least-recently-seen list (the table's eviction order). */
  lruPrev: ArpAddress | null = null;
  lruNext: ArpAddress | null = null;
  /** Every MAC seen claiming this address, in order of first sighting. */
  readonly bindings: ArpBinding[] = [];
  /** The MAC that claimed it last. */
  current: ArpBinding | null = null;
  /** Requests for this address not (yet) followed by a reply. */
  pending = 0;
  pendingFirstSec = 0;
  pendingFirstNsec = 0;
  pendingLastSec = 0;
  pendingLastNsec = 0;
  /** Requesters of the pending requests (numbers for v4; byte arrays for v6), created when the first request is. */
  askedBy: (number | Uint8Array)[] | null = null;
  /** Requesters beyond the first MAX_ASKERS, counted only. */
  askedByMore = 0;
  /** This address's conflicts and sightings (lists created on first use). */
  conflicts: ArpConflict[] | null = null;
  sightings: ArpSighting[] | null = null;
  /** Bindings, conflicts and sightings it holds. */
  records = 0;

  constructor(seq: number, readonly proto: ArpProto, v4: number, v6: Uint8Array | null) {
    this.seq = seq;
    this.v4 = v4;
    this.v6 = v6;
  }
}

export class ArpBinding {
  /** Request/reply pairs this MAC answered, and the first pair's latency (seconds, -1 when none). */
  answered = 0;
  rtt = -1;
  constructor(
    readonly seq: number,
    readonly addr: ArpAddress,
    readonly mac: number,
    readonly firstSec: number,
    readonly firstNsec: number,
    public lastSec: number,
    public lastNsec: number,
  ) {}
}

/** An address claimed by a second MAC; one record per address and pair of MACs, `count` times the claim flipped between them. */
export class ArpConflict {
  count = 1;
  constructor(
    readonly seq: number,
    readonly addr: ArpAddress,
    /** The MAC that had the address (first) and the one that claimed it (second). */
    readonly first: ArpBinding,
    readonly second: ArpBinding,
    readonly conflictSec: number,
    readonly conflictNsec: number,
  ) {}
}

/** The lists a sighting is on. */
export const SightingList = { gratuitous: 0, probes: 1, unsolicited: 2 } as const;

/** Gratuitous messages, probes/announcements and unsolicited replies: one record per (address, MAC, kind), with a count. */
export class ArpSighting {
  count = 1;
  constructor(
    readonly seq: number,
    readonly addr: ArpAddress,
    readonly mac: number,
    /** ArpMsg for gratuitous and unsolicited replies, ProbeKind for probes. */
    readonly kind: number,
    readonly firstSec: number,
    readonly firstNsec: number,
    public lastSec: number,
    public lastNsec: number,
    /** Which list it belongs to (SightingList: gratuitous, probes or unsolicited). */
    readonly list: number,
  ) {}
}

export interface ArpTableOptions {
  /** Addresses kept; beyond that a new one evicts the least recently seen (default 100,000; at least 16). */
  maxAddresses?: number;
  /** Bindings, conflicts and sightings kept in all; beyond that the least recently seen addresses are evicted (default 400,000). */
  maxRecords?: number;
}

/** Default bound on the addresses held (as the conversation table's --max-conns). */
export const DEFAULT_MAX_ADDRESSES = 100_000;
/** Bindings, conflicts and sightings kept per address (each list is searched per message); past that the oldest is retired. */
export const MAX_PER_ADDRESS = 1024;
/** Bindings, conflicts and sightings kept in all: past that the least recently seen addresses are evicted. */
export const DEFAULT_MAX_RECORDS = 400_000;

/** What a retired record was. */
export type ArpRecord =
  | { kind: 'binding'; binding: ArpBinding }
  | { kind: 'conflict'; conflict: ArpConflict }
  | { kind: 'sighting'; sighting: ArpSighting };

const scratch6 = new Uint8Array(16);
const MAX_ASKERS = 32;

/** A MAC address at b[o] as a 48-bit number (macNum in encode/addr.ts writes it back as text). */
function macNumAt(b: Buffer, o: number): number {
  return u16be(b, o) * 0x1_0000_0000 + u32be(b, o + 2);
}

function hash16(b: Uint8Array | Buffer, o: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[o + i]!, 0x01000193);
  return h >>> 0;
}

function equal16(a: Uint8Array, b: Uint8Array | Buffer, o: number): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[o + i]) return false;
  return true;
}

function zero16(b: Buffer, o: number): boolean {
  for (let i = 0; i < 16; i++) if (b[o + i] !== 0) return false;
  return true;
}

export class ArpTable {
  readonly v4 = new Map<number, ArpAddress>();
  readonly v6 = new Map<number, ArpAddress>();
  /** ARP and ND messages seen. */
  messages = 0;
  /** Addresses evicted (least recently seen first) to keep the bound. */
  evicted = 0;
  /** Records retired because their address held MAX_PER_ADDRESS of their kind. */
  retired = 0;
  /** Called with an address about to be evicted (its records still attached). */
  onEvict: ((e: ArpAddress) => void) | null = null;
  /** Called with a record about to be retired from its address. */
  onRetire: ((r: ArpRecord) => void) | null = null;

  /** Per frame: the conflict this frame caused (null when none). */
  conflict: ArpConflict | null = null;
  /** Per frame: the MAC that had the address before this frame's claim (valid when `conflict` is set). */
  conflictWas = 0;

  private seq = 0;
  private nowSec = 0;
  private nowNsec = 0;
  readonly maxAddresses: number;
  readonly maxRecords: number;
  /** Bindings, conflicts and sightings held in all. */
  private records = 0;
  private lruHead: ArpAddress | null = null;
  private lruTail: ArpAddress | null = null;
  private count = 0;

  constructor(opts: ArpTableOptions = {}) {
    this.maxAddresses = Math.max(16, opts.maxAddresses ?? DEFAULT_MAX_ADDRESSES);
    this.maxRecords = Math.max(4 * MAX_PER_ADDRESS, opts.maxRecords ?? DEFAULT_MAX_RECORDS);
  }

  get size(): number { return this.count; }

  /** Every address held, least recently seen first. */
  *addresses(): IterableIterator<ArpAddress> {
    for (let e = this.lruHead; e !== null; e = e.lruNext) yield e;
  }

  /** Conflicts of the addresses held, in order of first sighting. */
  get conflicts(): ArpConflict[] {
    const out: ArpConflict[] = [];
    for (let e = this.lruHead; e !== null; e = e.lruNext) if (e.conflicts !== null) for (const c of e.conflicts) out.push(c);
    return out.sort((a, b) => a.seq - b.seq);
  }

  get gratuitous(): ArpSighting[] { return this.sightingsOf(SightingList.gratuitous); }
  get probes(): ArpSighting[] { return this.sightingsOf(SightingList.probes); }
  get unsolicited(): ArpSighting[] { return this.sightingsOf(SightingList.unsolicited); }

  private sightingsOf(list: number): ArpSighting[] {
    const out: ArpSighting[] = [];
    for (let e = this.lruHead; e !== null; e = e.lruNext) if (e.sightings !== null) for (const x of e.sightings) if (x.list === list) out.push(x);
    return out.sort((a, b) => a.seq - b.seq);
  }

  observe(d: PacketDecoder, tsSec: number, tsNsec: number): void {
    this.conflict = null;
    if (d.hasArp) {
      if (d.arp.ethIpv4 && (d.arp.op === ArpOp.Request || d.arp.op === ArpOp.Reply)) {
        this.nowSec = tsSec; this.nowNsec = tsNsec;
        this.arp(d);
      }
    } else if (d.ipVersion === 6 && d.l4 === IpProto.ICMPv6 && !d.laterFragment && d.icmp.error === null && d.icmp.code === 0
      && (d.icmp.type === Icmp6Type.NeighborSolicit || d.icmp.type === Icmp6Type.NeighborAdvert) && d.icmp.ndTargetOff >= 0) {
      this.nowSec = tsSec; this.nowNsec = tsNsec;
      this.nd(d);
    }
  }

  // ------------------------------------------------------------------ ARP

  private arp(d: PacketDecoder): void {
    const a = d.arp, b = a.buf;
    this.messages++;
    const spa = a.senderIp, tpa = a.targetIp;
    const sha = macNumAt(b, a.senderMacOff);
    if (a.op === ArpOp.Request) {
      if (spa === 0) {
        // RFC 5227 §2.1.1 probe: "who has tpa?" asked with no address of our own. Not a pending request.
        const t = this.addr4(tpa);
        if (t !== null) this.sight(SightingList.probes, t, sha, ProbeKind.probe);
        return;
      }
      const s = this.addr4(spa);
      if (s !== null) this.claim(s, sha);
      if (spa === tpa) {
        // Gratuitous request = RFC 5227 §2.3 announcement: both records.
        if (s !== null) {
          this.sight(SightingList.gratuitous, s, sha, ArpMsg.request);
          this.sight(SightingList.probes, s, sha, ProbeKind.announcement);
        }
        return;
      }
      const t = this.addr4(tpa);
      if (t !== null) this.request(t, spa, null);
      return;
    }
    // Reply.
    const s = spa === 0 ? null : this.addr4(spa);
    if (s === null) return;
    this.claim(s, sha);
    if (spa === tpa) {
      this.sight(SightingList.gratuitous, s, sha, ArpMsg.reply);
      return;
    }
    this.reply(s, sha);
  }

  private addr4(ip: number): ArpAddress | null {
    let e = this.v4.get(ip);
    if (e === undefined) {
      if (this.count >= this.maxAddresses) this.evictOne();
      e = new ArpAddress(this.seq++, ArpProto.arp, ip, null);
      this.v4.set(ip, e);
      this.link(e);
    } else {
      this.touch(e);
    }
    return e;
  }

  // ------------------------------------------------------------------ neighbour discovery

  private nd(d: PacketDecoder): void {
    const i = d.icmp, b = i.buf, ip = d.ip6;
    this.messages++;
    const targetOff = i.ndTargetOff;
    const solicit = i.type === Icmp6Type.NeighborSolicit;
    // Link-layer address option (RFC 4861 §4.6.1): source (1) in solicitations, target (2) in advertisements.
    let mac = -1;
    const want = solicit ? 1 : 2;
    for (let o = i.off + 24; o + 2 <= i.end;) {
      const len = b[o + 1]! * 8;
      if (len === 0 || o + len > i.end) break;
      if (b[o] === want && len >= 8) { mac = macNumAt(b, o + 2); break; }
      o += len;
    }
    // Without the option, the Ethernet source.
    if (mac < 0 && d.linkLayer === LinkLayer.ethernet) mac = macNumAt(d.eth.buf, d.eth.srcOff);
    if (solicit) {
      if (zero16(ip.buf, ip.srcOff)) {
        // RFC 4862 §5.4.2 duplicate address detection: a solicitation from ::.
        const t = this.addr6(b, targetOff);
        if (t !== null && mac >= 0) this.sight(SightingList.probes, t, mac, ProbeKind.probe);
        return;
      }
      const s = this.addr6(ip.buf, ip.srcOff);
      if (s !== null && mac >= 0) this.claim(s, mac);
      const t = this.addr6(b, targetOff);
      if (t !== null) {
        for (let k = 0; k < 16; k++) scratch6[k] = ip.buf[ip.srcOff + k]!;
        this.request(t, 0, scratch6);
      }
      return;
    }
    // Advertisement; flags R S O in the first byte after the checksum.
    const t = this.addr6(b, targetOff);
    if (t === null || mac < 0) return;
    this.claim(t, mac);
    const solicited = (b[i.off + 4]! & 0x40) !== 0;
    if (!solicited) {
      // RFC 4861 §7.2.6 unsolicited advertisement: ND's gratuitous reply.
      this.sight(SightingList.gratuitous, t, mac, ArpMsg.reply);
      if (t.pending > 0) this.reply(t, mac);
      return;
    }
    this.reply(t, mac);
  }

  private addr6(b: Buffer, o: number): ArpAddress | null {
    const h = hash16(b, o);
    const head = this.v6.get(h);
    for (let e: ArpAddress | null = head ?? null; e !== null; e = e.next) if (equal16(e.v6!, b, o)) { this.touch(e); return e; }
    if (this.count >= this.maxAddresses) this.evictOne();
    const bytes = new Uint8Array(16);
    for (let k = 0; k < 16; k++) bytes[k] = b[o + k]!;
    const e = new ArpAddress(this.seq++, ArpProto.ndp, 0, bytes);
    e.next = this.v6.get(h) ?? null; // (the eviction may have changed the chain)
    this.v6.set(h, e);
    this.link(e);
    return e;
  }

  // ------------------------------------------------------------------ bound

  /** A new address at the tail of the least-recently-seen list. */
  private link(e: ArpAddress): void {
    e.lruPrev = this.lruTail;
    e.lruNext = null;
    if (this.lruTail !== null) this.lruTail.lruNext = e; else this.lruHead = e;
    this.lruTail = e;
    this.count++;
  }

  private touch(e: ArpAddress): void {
    if (this.lruTail === e) return;
    if (e.lruPrev !== null) e.lruPrev.lruNext = e.lruNext; else this.lruHead = e.lruNext;
    e.lruNext!.lruPrev = e.lruPrev;
    e.lruPrev = this.lruTail;
    e.lruNext = null;
    this.lruTail!.lruNext = e;
    this.lruTail = e;
  }

  /** Lets the least recently seen address go (reported to onEvict first). */
  private evictOne(): void {
    const e = this.lruHead;
    if (e === null) return;
    this.onEvict?.(e);
    this.lruHead = e.lruNext;
    if (this.lruHead !== null) this.lruHead.lruPrev = null; else this.lruTail = null;
    e.lruNext = e.lruPrev = null;
    this.count--;
    this.evicted++;
    this.records -= e.records;
    if (e.v6 === null) { this.v4.delete(e.v4); return; }
    const h = hash16(e.v6, 0);
    let x = this.v6.get(h) ?? null;
    if (x === e) {
      if (e.next === null) this.v6.delete(h); else this.v6.set(h, e.next);
      return;
    }
    for (; x !== null; x = x.next) if (x.next === e) { x.next = e.next; return; }
  }

  /** Keeps a per-address list within MAX_PER_ADDRESS: the oldest record (but `keep`) is retired. */
  private retireFrom<T>(e: ArpAddress, list: T[], keep: T | null, record: (x: T) => ArpRecord): void {
    if (list.length < MAX_PER_ADDRESS) return;
    const i = list[0] === keep && list.length > 1 ? 1 : 0;
    const x = list[i]!;
    this.onRetire?.(record(x));
    list.splice(i, 1);
    this.retired++;
    e.records--;
    this.records--;
  }

  /** A record was added to `e`: past the bound in all, the least recently seen addresses go (never `e` itself). */
  private added(e: ArpAddress): void {
    e.records++;
    this.records++;
    while (this.records > this.maxRecords && this.lruHead !== null && this.lruHead !== e) this.evictOne();
  }

  // ------------------------------------------------------------------ shared

  /** `mac` uses address `e` now: a new binding, a refreshed one, or a conflict. */
  private claim(e: ArpAddress, mac: number): ArpBinding {
    const cur = e.current;
    if (cur !== null && cur.mac === mac) {
      cur.lastSec = this.nowSec; cur.lastNsec = this.nowNsec;
      return cur;
    }
    let bnd: ArpBinding | null = null;
    for (let k = 0; k < e.bindings.length; k++) if (e.bindings[k]!.mac === mac) { bnd = e.bindings[k]!; break; }
    if (bnd === null) {
      this.retireFrom(e, e.bindings, cur, (binding) => ({ kind: 'binding', binding }));
      bnd = new ArpBinding(this.seq++, e, mac, this.nowSec, this.nowNsec, this.nowSec, this.nowNsec);
      e.bindings.push(bnd);
      this.added(e);
    } else {
      bnd.lastSec = this.nowSec; bnd.lastNsec = this.nowNsec;
    }
    e.current = bnd;
    if (cur !== null) this.conflictOf(e, cur, bnd);
    return bnd;
  }

  private conflictOf(e: ArpAddress, was: ArpBinding, now: ArpBinding): void {
    let c: ArpConflict | null = null;
    const mine = e.conflicts ??= [];
    for (let k = 0; k < mine.length; k++) {
      const x = mine[k]!;
      if ((x.first === was && x.second === now) || (x.first === now && x.second === was)) { c = x; break; }
    }
    if (c === null) {
      this.retireFrom(e, mine, null, (conflict) => ({ kind: 'conflict', conflict }));
      c = new ArpConflict(this.seq++, e, was, now, this.nowSec, this.nowNsec);
      mine.push(c);
      this.added(e);
    } else {
      c.count++;
    }
    this.conflict = c;
    this.conflictWas = was.mac;
  }

  /** A request for `t`, asked by IPv4 `from4` or IPv6 `from6` (copied when new). */
  private request(t: ArpAddress, from4: number, from6: Uint8Array | null): void {
    if (t.pending === 0) {
      t.pendingFirstSec = this.nowSec; t.pendingFirstNsec = this.nowNsec;
      if (t.askedBy !== null) t.askedBy.length = 0;
      t.askedByMore = 0;
    }
    t.pending++;
    t.pendingLastSec = this.nowSec; t.pendingLastNsec = this.nowNsec;
    if (t.askedBy === null) t.askedBy = [];
    const list = t.askedBy;
    let seen = false;
    for (let k = 0; k < list.length && !seen; k++) {
      const x = list[k]!;
      seen = from6 === null ? x === from4 : typeof x !== 'number' && equal16(x, from6, 0);
    }
    if (seen) return;
    if (list.length >= MAX_ASKERS) t.askedByMore++;
    else list.push(from6 === null ? from4 : Uint8Array.from(from6));
  }

  /** A reply from the owner of `s` (MAC `mac`): answers its pending requests, or is unsolicited. */
  private reply(s: ArpAddress, mac: number): void {
    const bnd = s.current!;
    if (s.pending > 0) {
      bnd.answered++;
      if (bnd.rtt < 0) bnd.rtt = (this.nowSec - s.pendingLastSec) + (this.nowNsec - s.pendingLastNsec) / 1e9;
      s.pending = 0;
      return;
    }
    this.sight(SightingList.unsolicited, s, mac, ArpMsg.reply);
  }

  private sight(list: number, e: ArpAddress, mac: number, kind: number): void {
    const mine = e.sightings ??= [];
    for (let k = 0; k < mine.length; k++) {
      const x = mine[k]!;
      if (x.list === list && x.mac === mac && x.kind === kind) {
        x.count++;
        x.lastSec = this.nowSec; x.lastNsec = this.nowNsec;
        return;
      }
    }
    this.retireFrom(e, mine, null, (sighting) => ({ kind: 'sighting', sighting }));
    const x = new ArpSighting(this.seq++, e, mac, kind, this.nowSec, this.nowNsec, this.nowSec, this.nowNsec, list);
    mine.push(x);
    this.added(e);
  }

  /** Every address held with requests still unanswered, in order of first request (then of first sighting). */
  unanswered(): ArpAddress[] {
    const out: ArpAddress[] = [];
    for (let e = this.lruHead; e !== null; e = e.lruNext) if (e.pending > 0) out.push(e);
    return out.sort((a, b) => a.pendingFirstSec - b.pendingFirstSec || a.pendingFirstNsec - b.pendingFirstNsec || a.seq - b.seq);
  }

  /** Every binding of the addresses held, in order of first sighting. */
  bindings(): ArpBinding[] {
    const out: ArpBinding[] = [];
    for (let e = this.lruHead; e !== null; e = e.lruNext) for (const b of e.bindings) out.push(b);
    return out.sort((a, b) => a.seq - b.seq);
  }
}
