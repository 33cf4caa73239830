/**
 * PacketDecoder: one frame → every layer netlens understands, in place.
 *
 * It owns one reusable view per layer; decode() resets the views that the
 * frame contains and records how far it got. Nothing is allocated per packet
 * and nothing throws: a frame that ends early or lies about a length decodes
 * as far as it can, with `status` and `error` (a PacketError string) saying why it stopped.
 */
import type { Frame } from '../frame.js';
import { LinkType } from '../frame.js';
import { ArpView } from './arp.js';
import { DecodeStatus, EtherType, IpProto } from './constants.js';
import { EthernetView } from './ethernet.js';
import { type IcmpError, IcmpView } from './icmp.js';
import { Ipv4Error, Ipv4View } from './ipv4.js';
import { Ipv6Error, Ipv6View } from './ipv6.js';
import { TcpError, TcpView } from './tcp.js';
import { UdpError, UdpView } from './udp.js';
import { u16be, u32be, u32le } from '../bytes.js';

/**
 * The kind of link header decode() read (PacketDecoder.linkLayer): one kind may
 * stand for several file link types (LinkType in frame.ts, the LINKTYPE_ numbers),
 * as raw IP does for 101, 228, 229, 12 and 14.
 */
export const LinkLayer = {
  none: 0,
  ethernet: 1,
  sll: 2,
  sll2: 3,
  loopback: 4,
  raw: 5,
} as const;
export type LinkLayer = (typeof LinkLayer)[keyof typeof LinkLayer];

export const DecodeError = {
  ethShort: 'truncated ethernet header',
  vlanShort: 'truncated vlan tag',
  sllShort: 'truncated linux cooked header',
  nullShort: 'truncated loopback header',
  llc: 'ieee 802.3 llc frame not decoded',
  link: 'unsupported link type',
  ether: 'unsupported ethertype',
  family: 'unsupported loopback address family',
  arpShort: 'truncated arp',
  mplsShort: 'truncated mpls label stack',
  pppoeShort: 'truncated pppoe header',
} as const;
/** Why the decoder stopped at the link or network layer; a layer's own reasons are its view's (TcpError …). */
export type DecodeError = (typeof DecodeError)[keyof typeof DecodeError];
/** Every reason decode() can give in `error`. */
export type PacketError = DecodeError | Ipv4Error | Ipv6Error | TcpError | UdpError | IcmpError;

export class PacketDecoder {
  readonly eth = new EthernetView();
  readonly arp = new ArpView();
  readonly ip4 = new Ipv4View();
  readonly ip6 = new Ipv6View();
  readonly tcp = new TcpView();
  readonly udp = new UdpView();
  readonly icmp = new IcmpView();
  /** The IP header quoted inside an ICMP error (innerVersion 0 when absent or unreadable). */
  readonly innerIp4 = new Ipv4View();
  readonly innerIp6 = new Ipv6View();
  innerVersion = 0;
  innerProto = 0;
  innerSport = -1;
  innerDport = -1;

  status: DecodeStatus = DecodeStatus.ok;
  error: PacketError | null = null;
  linkLayer: LinkLayer = LinkLayer.none;
  /** EtherType (or equivalent) of the network layer; -1 when none. */
  netType = -1;
  /** Buffer and offset of the network-layer header. */
  netBuf: Buffer = Buffer.alloc(0);
  netOff = 0;
  hasArp = false;
  /** MPLS label-stack entries before the network header. */
  mplsLabels = 0;
  /** Offset of the PPPoE session header (RFC 2516) before the PPP frame that carries the network header, or -1. */
  pppoeOff = -1;
  /** 4, 6, or 0 when there is no (readable) IP header. */
  ipVersion = 0;
  /** IpProto of the decoded transport view: TCP, UDP, ICMP, ICMPv6, or -1. */
  l4 = -1;
  /** True for IPv4/IPv6 fragments other than the first: no transport header inside. */
  laterFragment = false;

  private frameEnd = 0;

  decode(f: Frame): DecodeStatus {
    const buf = f.buf;
    const off = f.offset;
    const end = off + f.caplen;
    this.frameEnd = end;
    this.status = DecodeStatus.ok;
    this.error = null;
    this.linkLayer = LinkLayer.none;
    this.netType = -1;
    this.hasArp = false;
    this.mplsLabels = 0;
    this.pppoeOff = -1;
    this.ipVersion = 0;
    this.l4 = -1;
    this.laterFragment = false;
    this.innerVersion = 0;
    this.eth.vlanCount = 0;

    switch (f.linkType) {
      case LinkType.ETHERNET: {
        this.linkLayer = LinkLayer.ethernet;
        if (!this.eth.reset(buf, off, end)) {
          return this.stop(DecodeStatus.truncated, end - off < 14 ? DecodeError.ethShort : DecodeError.vlanShort);
        }
        if (this.eth.innerType <= 1500) return this.stop(DecodeStatus.unsupported, DecodeError.llc);
        return this.network(buf, this.eth.innerType, this.eth.payloadOff, end);
      }
      case LinkType.LINUX_SLL: {
        this.linkLayer = LinkLayer.sll;
        if (end - off < 16) return this.stop(DecodeStatus.truncated, DecodeError.sllShort);
        return this.cooked(buf, u16be(buf, off + 14), off + 16, end);
      }
      case LinkType.LINUX_SLL2: {
        this.linkLayer = LinkLayer.sll2;
        if (end - off < 20) return this.stop(DecodeStatus.truncated, DecodeError.sllShort);
        return this.cooked(buf, u16be(buf, off), off + 20, end);
      }
      case LinkType.NULL:
      case LinkType.LOOP: {
        this.linkLayer = LinkLayer.loopback;
        if (end - off < 4) return this.stop(DecodeStatus.truncated, DecodeError.nullShort);
        // NULL carries the BSD address family in the writer's byte order; LOOP in network order.
        let family = u32be(buf, off);
        if (f.linkType === LinkType.NULL && (family & 0xffff) === 0) family = u32le(buf, off);
        if (family === 2) return this.network(buf, EtherType.IPv4, off + 4, end);
        if (family === 10 || family === 24 || family === 28 || family === 30) return this.network(buf, EtherType.IPv6, off + 4, end);
        // An unknown family (a writer with a different byte order or AF numbering): guess from the IP version, as Wireshark does.
        const v = end > off + 4 ? buf[off + 4]! >>> 4 : 0;
        if (v === 4) return this.network(buf, EtherType.IPv4, off + 4, end);
        if (v === 6) return this.network(buf, EtherType.IPv6, off + 4, end);
        return this.stop(DecodeStatus.unsupported, DecodeError.family);
      }
      case LinkType.RAW:
      case LinkType.RAW_DLT12:
      case LinkType.RAW_DLT14: {
        this.linkLayer = LinkLayer.raw;
        const v = end > off ? buf[off]! >>> 4 : 0;
        return this.network(buf, v === 6 ? EtherType.IPv6 : EtherType.IPv4, off, end);
      }
      case LinkType.IPV4:
      case LinkType.IPV6: {
        // The link type names the version, but the header's own version nibble decides (as tshark does).
        this.linkLayer = LinkLayer.raw;
        const v = end > off ? buf[off]! >>> 4 : 0;
        const type = v === 6 || (v !== 4 && f.linkType === LinkType.IPV6) ? EtherType.IPv6 : EtherType.IPv4;
        return this.network(buf, type, off, end);
      }
      default:
        return this.stop(DecodeStatus.unsupported, DecodeError.link);
    }
  }

  /** Linux cooked capture: the protocol field is an EtherType, possibly a VLAN tag. */
  private cooked(buf: Buffer, proto: number, p: number, end: number): DecodeStatus {
    if (!this.eth.readTags(buf, p, end, proto)) return this.stop(DecodeStatus.truncated, DecodeError.vlanShort);
    return this.network(buf, this.eth.innerType, this.eth.payloadOff, end);
  }

  private network(buf: Buffer, type: number, p: number, end: number): DecodeStatus {
    this.netType = type;
    this.netBuf = buf;
    this.netOff = p;
    if (type === EtherType.MPLS || type === EtherType.MPLSMulticast) {
      // RFC 3032: 4-byte entries until the bottom-of-stack bit. The payload's type, by tcpdump's rule
      // (print-mpls.c): the explicit and implicit NULL labels name it, else its first byte does.
      let q = p;
      this.mplsLabels = 0;
      let label = 0;
      for (;;) {
        if (end - q < 4) return this.stop(DecodeStatus.truncated, DecodeError.mplsShort);
        const bottom = (buf[q + 2]! & 1) !== 0;
        label = (buf[q]! << 12) | (buf[q + 1]! << 4) | (buf[q + 2]! >>> 4);
        q += 4;
        this.mplsLabels++;
        if (bottom) break;
      }
      const first = end > q ? buf[q]! : 0;
      if (label === 0 || label === 3 || (label !== 2 && first >= 0x45 && first <= 0x4f)) return this.network(buf, EtherType.IPv4, q, end);
      if (label === 2 || (first >= 0x60 && first <= 0x6f)) return this.network(buf, EtherType.IPv6, q, end);
      return this.stop(DecodeStatus.unsupported, DecodeError.ether);
    }
    if (type === EtherType.PPPoESession) {
      // RFC 2516: version/type, code, session id, length; then a PPP frame: its protocol field is
      // one byte when its low bit is set (protocol-field compression), else two (RFC 1661 §2).
      if (end - p < 7) return this.stop(DecodeStatus.truncated, DecodeError.pppoeShort);
      this.pppoeOff = p;
      let q = p + 6;
      let proto = buf[q]!;
      if ((proto & 1) === 0) {
        if (end - q < 2) return this.stop(DecodeStatus.truncated, DecodeError.pppoeShort);
        proto = u16be(buf, q);
        q += 2;
      } else {
        q += 1;
      }
      if (proto === 0x0021) return this.network(buf, EtherType.IPv4, q, end);
      if (proto === 0x0057) return this.network(buf, EtherType.IPv6, q, end);
      return this.stop(DecodeStatus.unsupported, DecodeError.ether);
    }
    if (type === EtherType.ARP || type === EtherType.RARP) {
      this.hasArp = this.arp.reset(buf, p, end);
      if (!this.hasArp || !this.arp.complete) return this.stop(DecodeStatus.truncated, DecodeError.arpShort);
      return DecodeStatus.ok;
    }
    if (type === EtherType.IPv4) {
      const ip = this.ip4;
      if (!ip.reset(buf, p, end)) {
        // A header with a readable fixed part but a bad total length still shows its addresses.
        if (ip.error === Ipv4Error.totalLength) this.ipVersion = 4;
        return this.stop(ip.error === Ipv4Error.short ? DecodeStatus.truncated : DecodeStatus.malformed, ip.error);
      }
      this.ipVersion = 4;
      if (ip.fragOffset !== 0) {
        this.laterFragment = true;
        return DecodeStatus.ok;
      }
      // A first fragment's transport header is decoded, but its length fields cover the whole datagram.
      const wire = ip.mf ? 0x7fffffff : ip.payloadLength;
      this.transport(buf, ip.proto, ip.payloadOff, ip.payloadEnd, wire, false);
      return this.status;
    }
    if (type === EtherType.IPv6) {
      const ip = this.ip6;
      if (!ip.reset(buf, p, end)) {
        return this.stop(ip.error === Ipv6Error.version ? DecodeStatus.malformed : DecodeStatus.truncated, ip.error);
      }
      this.ipVersion = 6;
      if (ip.error !== null) return this.stop(DecodeStatus.truncated, ip.error);
      if (ip.isLaterFragment) {
        this.laterFragment = true;
        return DecodeStatus.ok;
      }
      const wire = ip.hasFragment && ip.fragMf ? 0x7fffffff : ip.upperLength;
      this.transport(buf, ip.proto, ip.upperOff, ip.payloadEnd, wire, true);
      return this.status;
    }
    return this.stop(DecodeStatus.unsupported, DecodeError.ether);
  }

  private transport(buf: Buffer, proto: number, p: number, end: number, wire: number, v6: boolean): void {
    switch (proto) {
      case IpProto.TCP:
        this.l4 = IpProto.TCP;
        if (!this.tcp.reset(buf, p, end, wire)) {
          this.stop(this.tcp.error === TcpError.short ? DecodeStatus.truncated : DecodeStatus.malformed, this.tcp.error);
        } else if (this.tcp.error !== null) {
          this.stop(DecodeStatus.truncated, this.tcp.error);
        }
        return;
      case IpProto.UDP:
        this.l4 = IpProto.UDP;
        if (!this.udp.reset(buf, p, end, wire)) {
          this.stop(this.udp.error === UdpError.short ? DecodeStatus.truncated : DecodeStatus.malformed, this.udp.error);
        }
        return;
      case IpProto.ICMP:
      case IpProto.ICMPv6:
        if ((proto === IpProto.ICMPv6) !== v6) return; // ICMPv6 over IPv4 (or the reverse) is not ICMP
        this.l4 = proto;
        if (!this.icmp.reset(buf, p, end, wire, v6)) {
          this.stop(DecodeStatus.truncated, this.icmp.error);
          return;
        }
        if (this.icmp.isError) this.quoted(buf, this.icmp.innerOff, end);
        return;
      default:
        return;
    }
  }

  /** The header quoted in an ICMP error: addresses, protocol and ports when present. */
  private quoted(buf: Buffer, p: number, end: number): void {
    this.innerSport = -1;
    this.innerDport = -1;
    let upper = 0;
    if (end - p >= 1 && buf[p]! >>> 4 === 4 && this.innerIp4.reset(buf, p, end)) {
      this.innerVersion = 4;
      this.innerProto = this.innerIp4.proto;
      upper = this.innerIp4.fragOffset === 0 ? this.innerIp4.payloadOff : -1;
    } else if (end - p >= 1 && buf[p]! >>> 4 === 6 && this.innerIp6.reset(buf, p, end)) {
      this.innerVersion = 6;
      this.innerProto = this.innerIp6.proto;
      upper = this.innerIp6.isLaterFragment ? -1 : this.innerIp6.upperOff;
    } else {
      return;
    }
    if (upper >= 0 && end - upper >= 4 && (this.innerProto === IpProto.TCP || this.innerProto === IpProto.UDP)) {
      this.innerSport = u16be(buf, upper);
      this.innerDport = u16be(buf, upper + 2);
    }
  }

  private stop(status: DecodeStatus, error: PacketError | null): DecodeStatus {
    this.status = status;
    this.error = error;
    return status;
  }

  /** Bytes of the frame present after the decoded headers' start (for views). */
  get end(): number { return this.frameEnd; }
}
