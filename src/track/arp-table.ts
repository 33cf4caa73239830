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
 * finding is. Strings are left to the views (src/view/arp.ts).
 */
import { ArpOp, IpProto } from '../decode/constants.js';
import { Icmp6Type } from '../decode/icmp.js';
import { LinkKind, type PacketDecoder } from '../decode/packet-decoder.js';
import { u16be, u32be } from '../decode/bytes.js';

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
    /** The table list it is on (gratuitous, probes or unsolicited). */
    readonly list: ArpSighting[],
  ) {}
}

export interface ArpTableOptions {
  /** Addresses kept; beyond that new addresses are ignored and counted in `overflow`. */
  maxAddresses?: number;
}

const scratch6 = new Uint8Array(16);
const MAX_ASKERS = 32;

function macAt(b: Buffer, o: number): number {
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
  readonly conflicts: ArpConflict[] = [];
  readonly gratuitous: ArpSighting[] = [];
  readonly probes: ArpSighting[] = [];
  readonly unsolicited: ArpSighting[] = [];
  /** ARP and ND messages seen. */
  messages = 0;
  /** Addresses not kept because the table was full. */
  overflow = 0;

  /** Per frame: the conflict this frame caused (null when none). */
  conflict: ArpConflict | null = null;
  /** Per frame: the MAC that had the address before this frame's claim (valid when `conflict` is set). */
  conflictWas = 0;

  private seq = 0;
  private nowSec = 0;
  private nowNsec = 0;
  private readonly maxAddresses: number;

  constructor(opts: ArpTableOptions = {}) {
    this.maxAddresses = opts.maxAddresses ?? 1_000_000;
  }

  get size(): number { return this.v4.size + this.v6.size; }

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
    const sha = macAt(b, a.senderMacOff);
    if (a.op === ArpOp.Request) {
      if (spa === 0) {
        // RFC 5227 §2.1.1 probe: "who has tpa?" asked with no address of our own. Not a pending request.
        const t = this.addr4(tpa);
        if (t !== null) this.sight(this.probes, t, sha, ProbeKind.probe);
        return;
      }
      const s = this.addr4(spa);
      if (s !== null) this.claim(s, sha);
      if (spa === tpa) {
        // Gratuitous request = RFC 5227 §2.3 announcement: both records.
        if (s !== null) {
          this.sight(this.gratuitous, s, sha, ArpMsg.request);
          this.sight(this.probes, s, sha, ProbeKind.announcement);
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
      this.sight(this.gratuitous, s, sha, ArpMsg.reply);
      return;
    }
    this.reply(s, sha);
  }

  private addr4(ip: number): ArpAddress | null {
    let e = this.v4.get(ip);
    if (e === undefined) {
      if (this.size >= this.maxAddresses) { this.overflow++; return null; }
      e = new ArpAddress(this.seq++, ArpProto.arp, ip, null);
      this.v4.set(ip, e);
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
      if (b[o] === want && len >= 8) { mac = macAt(b, o + 2); break; }
      o += len;
    }
    // Without the option, the Ethernet source.
    if (mac < 0 && d.linkKind === LinkKind.ethernet) mac = macAt(d.eth.buf, d.eth.srcOff);
    if (solicit) {
      if (zero16(ip.buf, ip.srcOff)) {
        // RFC 4862 §5.4.2 duplicate address detection: a solicitation from ::.
        const t = this.addr6(b, targetOff);
        if (t !== null && mac >= 0) this.sight(this.probes, t, mac, ProbeKind.probe);
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
      this.sight(this.gratuitous, t, mac, ArpMsg.reply);
      if (t.pending > 0) this.reply(t, mac);
      return;
    }
    this.reply(t, mac);
  }

  private addr6(b: Buffer, o: number): ArpAddress | null {
    const h = hash16(b, o);
    const head = this.v6.get(h);
    for (let e: ArpAddress | null = head ?? null; e !== null; e = e.next) if (equal16(e.v6!, b, o)) return e;
    if (this.size >= this.maxAddresses) { this.overflow++; return null; }
    const bytes = new Uint8Array(16);
    for (let k = 0; k < 16; k++) bytes[k] = b[o + k]!;
    const e = new ArpAddress(this.seq++, ArpProto.ndp, 0, bytes);
    e.next = head ?? null;
    this.v6.set(h, e);
    return e;
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
      bnd = new ArpBinding(this.seq++, e, mac, this.nowSec, this.nowNsec, this.nowSec, this.nowNsec);
      e.bindings.push(bnd);
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
      c = new ArpConflict(this.seq++, e, was, now, this.nowSec, this.nowNsec);
      mine.push(c);
      this.conflicts.push(c);
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
    this.sight(this.unsolicited, s, mac, ArpMsg.reply);
  }

  private sight(list: ArpSighting[], e: ArpAddress, mac: number, kind: number): void {
    const mine = e.sightings ??= [];
    for (let k = 0; k < mine.length; k++) {
      const x = mine[k]!;
      if (x.list === list && x.mac === mac && x.kind === kind) {
        x.count++;
        x.lastSec = this.nowSec; x.lastNsec = this.nowNsec;
        return;
      }
    }
    const x = new ArpSighting(this.seq++, e, mac, kind, this.nowSec, this.nowNsec, this.nowSec, this.nowNsec, list);
    mine.push(x);
    list.push(x);
  }

  /** Every address with requests still unanswered, in order of first sighting. */
  unanswered(): ArpAddress[] {
    const out: ArpAddress[] = [];
    for (const e of this.v4.values()) if (e.pending > 0) out.push(e);
    for (const head of this.v6.values()) for (let e: ArpAddress | null = head; e !== null; e = e.next) if (e.pending > 0) out.push(e);
    return out.sort((a, b) => a.pendingFirstSec - b.pendingFirstSec || a.pendingFirstNsec - b.pendingFirstNsec || a.seq - b.seq);
  }

  /** Every binding, in order of first sighting. */
  bindings(): ArpBinding[] {
    const out: ArpBinding[] = [];
    for (const e of this.v4.values()) for (const b of e.bindings) out.push(b);
    for (const head of this.v6.values()) for (let e: ArpAddress | null = head; e !== null; e = e.next) for (const b of e.bindings) out.push(b);
    return out.sort((a, b) => a.seq - b.seq);
  }
}
