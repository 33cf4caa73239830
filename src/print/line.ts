/**
 * One line per packet, in tcpdump -nn's words (print-ip.c, print-tcp.c,
 * print-udp.c, print-arp.c, print-icmp.c, print-icmp6.c, print-domain.c),
 * followed by what netlens adds: analysis flags and the state changes the
 * frame caused. Nothing from the packet reaches the terminal unescaped.
 */
import { EtherType, IpProto, TcpFlag } from '../decode/constants.js';
import { DnsView, dnsTypeName } from '../decode/dns.js';
import { Icmp6Type, IcmpType } from '../decode/icmp.js';
import { DecodeError, LinkLayer, PacketDecoder } from '../decode/packet-decoder.js';
import { Ipv4Error } from '../decode/ipv4.js';
import { Ipv6Error } from '../decode/ipv6.js';
import { TcpError } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import type { Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { Analysis, AnalysisNames, Tracker } from '../track/tracker.js';
import { LinkType, newFrame } from '../frame.js';
import { ipv4, ipv4At, ipv6At, macAt, safeText } from '../encode/addr.js';
import { arpConflictText } from '../encode/events.js';
import { undecodedNetwork } from './hex-dump.js';
import { eventText } from '../encode/events.js';
import { ETHERTYPE_NAMES, linkHeaderReplacesName, linkHeaderText, sll2Prefix } from './link-header.js';
import type { Palette } from '../encode/palette.js';
import { TimeFormatter } from '../encode/time.js';
import { appText, appTextVerbose, sipText, tcpPortPrinter } from './print-text-protocols.js';
import { tcpFlagLetters } from '../encode/tcp-flags.js';
import { respText } from './print-resp.js';
import { mplsText } from './print-mpls.js';
import { greV1Text, pppoeText } from './print-ppp.js';
import { mptcpResult, mptcpText } from './print-mptcp.js';
import { hexAsciiLines, llcText, lldpText } from './print-l2.js';
import { espText, igmpText, ospfText, UDP_PRINTERS, udpPortPrinter, vrrpText } from './print-small.js';
import { foldComplement, onesSum } from '../decode/checksum.js';
import { relativeTime, icmp6ChecksumText, icmpChecksumText, ipv4VerboseHeader, ipv6VerboseHeader, ndOptionsText, rstDataText, tcpChecksumText, udpChecksumText, upperChecksum } from './verbose.js';
import { u16be, u32be } from '../bytes.js';


export interface LineOptions {
  time: TimeFormatter;
  palette: Palette;
  /** Add netlens's analysis and state events after tcpdump's text. */
  annotate: boolean;
  /** tcpdump's -e: the link-level header before the network layer. */
  linkHeader?: boolean;
  /** tcpdump's -q: TCP and UDP as their length only ("tcp 0", "UDP, length 29"). */
  quick?: boolean;
  /** tcpdump's -S: absolute TCP sequence numbers. */
  absolute?: boolean;
  /** tcpdump's -v, -vv, -vvv: 1, 2, 3 (verbose.ts). */
  verbose?: number;
  /** tcpdump's -g: the verbose IPv4 header on the same line as the rest. */
  oneLine?: boolean;
  /** tcpdump's -K: no IPv4, TCP or UDP checksum under -v. */
  noChecksums?: boolean;
  /** The bytes of a link-layer frame tcpdump does not decode further (an unknown LLC SAP) follow its line,
   *  as tcpdump's default print does; off under -q, -x and -X. */
  defaultDump?: boolean;
}

const dns = new DnsView();
/** Set by body() when it printed a link-layer protocol (LLC, STP, LLDP) the decoder leaves undecoded. */
let linkLayerPrinted = false;


export function formatLine(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, arp: ArpTable | null = null): string {
  const p = opts.palette;
  let s = opts.time.format(f.tsSec, f.tsNsec);
  if (s !== '') s += ' ';
  if (d.linkLayer === LinkLayer.sll2) s += sll2Prefix(f);
  if (opts.linkHeader === true) s += linkHeaderText(f, d, opts.quick === true);
  linkLayerPrinted = false;
  s += body(f, d, t, opts, opts.linkHeader === true && linkHeaderReplacesName(d));
  // An undecoded network protocol: the line is tcpdump's header for it, and the bytes follow (dump.ts).
  // A link-layer protocol printed in full (LLC, STP, LLDP) is not an error either.
  if (opts.annotate && d.error !== null && !undecodedNetwork(d) && !linkLayerPrinted) s += ' ' + p.error(`[${d.error}]`);
  if (opts.annotate) s += annotations(t, p, arp);
  return s;
}

/** `bare`: without the network layer's name (-e printed the link-level header instead). */
function body(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, bare: boolean): string {
  if (d.pppoeOff >= 0 || d.netType === EtherType.PPPoEDiscovery || d.netType === EtherType.PPPoESession) {
    // PPPoE (print-pppoe.c, then ppp_print in ppp.ts): discovery, or a session's PPP frame, and the IP
    // packet it carries, which the decoder has decoded (and the tracker followed) like any other.
    const start = d.pppoeOff >= 0 ? d.pppoeOff : d.netOff;
    const r = pppoeText(f.buf, start, d.end, f.len - (start - f.offset), opts.verbose ?? 0, d.netType !== EtherType.PPPoEDiscovery);
    if (d.ipVersion === 0 || (r.innerType !== 0x0800 && r.innerType !== 0x86dd)) {
      linkLayerPrinted = true; // PPP's own protocols (LCP, CHAP, …) are not errors
      return r.text;
    }
    return r.text + networkBody(f, d, t, opts, false);
  }
  if (d.mplsLabels === 0 && d.netType !== EtherType.MPLS && d.netType !== EtherType.MPLSMulticast) return networkBody(f, d, t, opts, bare);
  // An MPLS label stack: the stack, then the IP packet it carries (or its bytes, or where it ended).
  const inStack = d.netType === EtherType.MPLS || d.netType === EtherType.MPLSMulticast;
  const start = inStack ? d.netOff : d.netOff - 4 * d.mplsLabels;
  const stack = mplsText(f.buf, start, d.end, f.len - (start - f.offset), !inStack, opts.verbose ?? 0, opts.defaultDump === true);
  if (inStack) {
    if (d.error === DecodeError.ether) linkLayerPrinted = true; // a payload of no known type is not an error
    return stack;
  }
  return stack + networkBody(f, d, t, opts, bare);
}

function networkBody(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, bare: boolean): string {
  const p = opts.palette;
  if (d.hasArp) return arpLine(f, d, p, bare ? '' : 'ARP, ', opts.verbose ?? 0);
  if (d.ipVersion === 4) return ip4Line(f, d, t, opts, bare ? '' : 'IP ');
  if (d.ipVersion === 6) return ip6Line(f, d, t, opts, bare ? '' : 'IP6 ');
  if (d.netType === 0x0806) return ' [|arp]'; // shorter than the fixed 8-byte header
  if ((d.netType === 0x0800 || d.netType === 0x86dd) && d.error !== null) return damagedIpText(f, d, bare);
  if (d.error === 'truncated ethernet header') return ' [|ether]';
  if (d.netType === 0x88cc && d.error === DecodeError.ether) { // LLDP
    linkLayerPrinted = true;
    return lldpText(f.buf, d.netOff, d.end, f.len - (d.netOff - f.offset), opts.verbose ?? 0);
  }
  if (undecodedNetwork(d)) return bare ? '' : linkHeaderText(f, d, opts.quick === true);
  if (d.error === DecodeError.llc) {
    const e = d.eth;
    const p0 = e.payloadOff;
    const length = Math.min(e.innerType, f.len - (p0 - f.offset));
    const text = llcText(f.buf, p0, Math.min(d.end, p0 + length), length, macAt(e.buf, e.srcOff), macAt(e.buf, e.dstOff),
      { linkHeader: opts.linkHeader === true, verbose: opts.verbose ?? 0, defaultDump: opts.defaultDump === true });
    if (text !== null) { linkLayerPrinted = true; return text; }
  }
  if (d.error === DecodeError.link) { // print.c's unsupported_if_print: the name, then every byte
    linkLayerPrinted = true;
    return 'UNSUPPORTED' + hexAsciiLines(f.buf, f.offset, f.offset + f.caplen);
  }
  if (d.netType >= 0) return `ethertype 0x${d.netType.toString(16).padStart(4, '0')}, length ${f.len}`;
  if (d.linkLayer === LinkLayer.ethernet && d.eth.innerType <= 1500) {
    return `${macAt(d.eth.buf, d.eth.srcOff)} > ${macAt(d.eth.buf, d.eth.dstOff)}, 802.3, length ${d.eth.innerType}`;
  }
  return `length ${f.len}`;
}

/**
 * An IP header the decoder could not read, in tcpdump 4.99's words
 * (print-ip.c, print-ip6.c): ` [|ip]` when the capture holds less than the
 * fixed header, `truncated-ip N` when the packet is shorter than it,
 * `bad-hlen N`, `bad-len N`, `version error: N != 6`.
 */
function damagedIpText(f: Frame, d: PacketDecoder, bare: boolean): string {
  const b = f.buf;
  const off = d.netOff;
  const captured = d.end - off;
  const wire = f.len - (off - f.offset);
  const version = captured > 0 ? b[off]! >>> 4 : -1;
  if (d.netType === 0x0800) {
    if (version >= 0 && version !== 4) return version === 6 ? 'IP6, wrong link-layer encapsulation (invalid)' : `IP${version} (invalid)`;
    const name = bare ? '' : 'IP ';
    if (captured < 20) return name + ' [|ip]';
    if (wire < 20) return `${name}truncated-ip ${wire}`;
    const hlen = (b[off]! & 0x0f) * 4;
    if (hlen < 20) return `${name}bad-hlen ${hlen}`;
    const total = u16be(b, off + 2);
    const missing = wire < total ? `truncated-ip - ${total - wire} bytes missing! ` : '';
    if (total < hlen) return `${name}${missing}bad-len ${total}`;
    return `${name}${missing}[|ip]`;
  }
  if (captured < 40) return ' [|ip6]';
  if (wire < 40) return `truncated-ip6 ${wire}`;
  const name = bare ? '' : 'IP6 ';
  if (version !== 6) return `${name}version error: ${version} != 6`;
  return `${name}[|ip6]`;
}

function netLength(f: Frame, d: PacketDecoder): number {
  return f.len - (d.netOff - f.offset);
}

/** print-arp.c's names for the hardware and protocol types. */
function arpTypesText(d: PacketDecoder): string {
  const a = d.arp;
  const hw = ARP_HARDWARE[a.htype] ?? `Unknown Hardware (${a.htype})`;
  const proto = ETHERTYPE_NAMES.get(a.ptype) ?? `Unknown Protocol (0x${a.ptype.toString(16).padStart(4, '0')})`;
  return `${hw} (len ${a.hlen}), ${proto} (len ${a.plen})`;
}
const ARP_HARDWARE: Record<number, string> = { 1: 'Ethernet', 6: 'TokenRing', 7: 'ArcNet', 15: 'FrameRelay', 23: 'Strip', 24: 'IEEE 1394', 19: 'ATM', 32: 'InfiniBand' };
const ARP_OPS: Record<number, string> = { 1: 'Request', 2: 'Reply', 3: 'Reverse Request', 4: 'Reverse Reply', 8: 'Inverse Request', 9: 'Inverse Reply' };

/**
 * print-arp.c: `Request who-has A (MAC) tell B`, `Reply A is-at MAC`, and the
 * reverse and inverse operations, for any hardware address length; a protocol
 * other than IPv4 names its types and stops; ` [|arp]` when the capture ends
 * before the last address.
 */
function arpLine(f: Frame, d: PacketDecoder, p: Palette, name: string, verbose: number): string {
  const a = d.arp;
  const len = netLength(f, d);
  if (a.htype === 19) return atmArpLine(a.buf, a.off, d.end, len, p, name, verbose);
  if (!a.complete) return ' [|arp]';
  const b = a.buf;
  const ipish = (a.ptype === 0x0800 || a.ptype === 0x1000) && a.plen === 4 && a.hlen !== 0;
  let s = name;
  if (!ipish || verbose > 0) {
    s += arpTypesText(d);
    if (verbose === 0) return s + `, length ${len}`;
    s += ', ';
  }
  const op = ARP_OPS[a.op];
  // tcpdump's default print of an unknown operation is not turned off by -q, -x or -X.
  if (op === undefined) return s + `Unknown (${a.op}) ` + hexAsciiLines(b, a.off, d.end);
  s += op + ' ';
  const hw = (off: number): string => {
    if (a.hlen === 6) return macAt(b, off);
    const parts: string[] = [];
    for (let i = 0; i < a.hlen; i++) parts.push(b[off + i]!.toString(16).padStart(2, '0'));
    return a.hlen === 0 ? '<empty>' : parts.join(':');
  };
  const proto = (off: number): string => (a.ptype !== 0x0800 && a.ptype !== 0x1000 ? '<wrong proto type>' : a.plen !== 4 ? '<wrong len>' : p.addr(ipv4At(b, off)));
  switch (a.op) {
    case 1: {
      s += `who-has ${proto(a.targetIpOff)}`;
      let zero = true;
      for (let i = 0; i < a.hlen; i++) if (b[a.targetMacOff + i] !== 0) zero = false;
      if (!zero) s += ` (${hw(a.targetMacOff)})`;
      s += ` tell ${proto(a.senderIpOff)}`;
      break;
    }
    case 2: s += `${proto(a.senderIpOff)} is-at ${hw(a.senderMacOff)}`; break;
    case 3: case 8: s += `who-is ${hw(a.targetMacOff)} tell ${hw(a.senderMacOff)}`; break;
    case 4: s += `${hw(a.targetMacOff)} at ${proto(a.targetIpOff)}`; break;
    case 9: s += `${hw(a.senderMacOff)} at ${proto(a.senderIpOff)}`; break;
  }
  return s + `, length ${len}`;
}

const ARP_OPS_ATM: Record<number, string> = { ...ARP_OPS, 10: 'NACK Reply' };

/**
 * ATM ARP (RFC 2225; print-arp.c atmarp_print): type/length bytes for each
 * ATM number and subaddress, then the variable-length addresses. ATM
 * addresses print as colon-separated hex, a subaddress after a comma.
 */
function atmArpLine(b: Buffer, off: number, end: number, len: number, p: Palette, name: string, verbose: number): string {
  if (off + 12 > end) return ' [|arp]';
  const pro = u16be(b, off + 2), op = u16be(b, off + 6);
  const shl = b[off + 4]! & 0x3f, ssl = b[off + 5]! & 0x3f, spl = b[off + 8]!;
  const thl = b[off + 9]! & 0x3f, tsl = b[off + 10]! & 0x3f, tpl = b[off + 11]!;
  const sha = off + 12, ssa = sha + shl, spa = ssa + ssl, tha = spa + spl, tsa = tha + thl, tpa = tsa + tsl;
  if (tpa + tpl > end) return ' [|arp]';
  let s = name;
  const ipish = pro === 0x0800 || pro === 0x1000;
  if (!ipish || spl !== 4 || tpl !== 4 || verbose > 0) {
    const hw = ARP_HARDWARE[19]!;
    const proto = ETHERTYPE_NAMES.get(pro) ?? `Unknown Protocol (0x${pro.toString(16).padStart(4, '0')})`;
    s += `${hw}, ${proto} (len ${spl}/${tpl})`;
    if (verbose === 0) return s + `, length ${len}`;
    s += ', ';
  }
  const opName = ARP_OPS_ATM[op];
  if (opName === undefined) return s + `Unknown (${op}) ` + hexAsciiLines(b, off, end);
  s += opName + ' ';
  const hex = (at: number, n: number): string => {
    let h = '';
    for (let i = 0; i < n; i++) h += (i === 0 ? '' : ':') + b[at + i]!.toString(16).padStart(2, '0');
    return h;
  };
  const atm = (at: number, n: number, sub: number, subLen: number): string =>
    n === 0 ? '<No address>' : hex(at, n) + (subLen !== 0 ? ',' + hex(sub, subLen) : '');
  const ip = (at: number, plen: number, which: string): string =>
    !ipish ? '<wrong proto type>' : plen !== 4 ? `<wrong ${which}>` : p.addr(ipv4At(b, at));
  switch (op) {
    case 1:
      s += `who-has ${ip(tpa, tpl, 'tplen')}`;
      if (thl !== 0) s += ` (${atm(tha, thl, tsa, tsl)})`;
      s += ` tell ${ip(spa, spl, 'splen')}`;
      break;
    case 2: s += `${ip(spa, spl, 'splen')} is-at ${atm(sha, shl, ssa, ssl)}`; break;
    case 8: s += `who-is ${atm(tha, thl, tsa, tsl)} tell ${atm(sha, shl, ssa, ssl)}`; break;
    case 9: s += `${atm(sha, shl, ssa, ssl)}at ${ip(spa, spl, 'splen')}`; break;
    case 10: s += `for ${ip(spa, spl, 'splen')}`; break;
    default: return s + hexAsciiLines(b, off, end); // the reverse operations: their name, then ND_DEFAULTPRINT
  }
  return s + `, length ${len}`;
}

function ip4Line(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, name: string): string {
  const p = opts.palette;
  const ip = d.ip4;
  // A total length past the packet's end (tcpdump 4.99: said before everything else).
  const wire = f.len - (d.netOff - f.offset);
  if (wire < ip.totalLength && d.error !== Ipv4Error.totalLength) name += `truncated-ip - ${ip.totalLength - wire} bytes missing! `;
  if ((opts.verbose ?? 0) > 0 && (d.error === null || d.l4 >= 0)) name += ipv4VerboseHeader(d, opts.oneLine === true, opts.noChecksums !== true);
  const src = ipv4(ip.src), dst = ipv4(ip.dst);
  if (d.error !== null && d.l4 < 0) {
    if (d.error === Ipv4Error.totalLength) return `${name}bad-len ${ip.totalLength}`; // tcpdump 4.99's words
    return `${name}${p.error(`[${d.error}]`)}`;
  }
  if (d.laterFragment) {
    return `${name}${src} > ${dst}: ip-proto-${ip.proto}`;
  }
  return transportLine(name, src, dst, f, d, t, opts, ip.payloadLength);
}

function ip6Line(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, name: string): string {
  const p = opts.palette;
  const ip = d.ip6;
  if (d.error === Ipv6Error.short || d.error === Ipv6Error.version) return `${name}${p.error(`[${d.error}]`)}`;
  const src = ipv6At(ip.buf, ip.srcOff), dst = ipv6At(ip.buf, ip.dstOff);
  const wire = f.len - (d.netOff - f.offset);
  if (ip.payloadLength !== 0 && wire < 40 + ip.payloadLength) name += `truncated-ip6 - ${40 + ip.payloadLength - wire} bytes missing!`;
  if ((opts.verbose ?? 0) > 0) name += ipv6VerboseHeader(d);
  if (ip.extMask === 0 || d.error === Ipv6Error.ext) return transportLine(name, src, dst, f, d, t, opts, ip.upperLength);
  // Extension headers (print-ip6.c): the addresses, each header in order, then the
  // upper layer with its ports only. A non-first fragment ends the line at its header.
  const chain = ip6ExtChain(d, opts.verbose ?? 0);
  const prefix = `${name}${p.addr(src)} > ${p.addr(dst)}: ${chain}`;
  if (d.laterFragment || chain.endsWith('(invalid)')) return prefix;
  return transportLine(name, src, dst, f, d, t, opts, ip.upperLength, prefix);
}

/**
 * ip6_opt_process under -v: each hop-by-hop or destination option, then a space.
 * `hbh`: a Jumbo Payload option is valid only there, with a zero payload length.
 */
function ip6OptionsText(b: Buffer, p: number, end: number, payloadLength: number, hbh: boolean): string {
  let s = '';
  let jumbo = false;
  while (p < end) {
    const type = b[p]!;
    const len = type === 0 ? 1 : end - p < 2 ? -1 : b[p + 1]! + 2;
    if (len < 0 || len > end - p) return s + '[remaining length ' + (end - p) + ' < ' + (len < 0 ? 2 : len) + '] (invalid)';
    switch (type) {
      case 0: s += '(pad1)'; break;
      case 1: s += '(padn)'; break;
      case 5: s += len !== 4 ? `[(rtalert) length ${len - 2} != 2] (invalid)` : `(rtalert: 0x${u16be(b, p + 2).toString(16).padStart(4, '0')}) `; break;
      case 0xc2: {
        if (len !== 6) { s += `[(jumbo) length ${len - 2} != 4] (invalid)`; break; }
        const j = u32be(b, p + 2);
        if (jumbo) s += `(jumbo: ${j} - already seen) `;
        else if (!hbh) s += `(jumbo: ${j} - not a hop-by-hop option) `;
        else if (payloadLength !== 0) s += `(jumbo: ${j} - payload len != 0) `;
        else s += j < 65536 ? `(jumbo: ${j} - < 65536) ` : `(jumbo: ${j}) `;
        jumbo = true;
        break;
      }
      case 0xc9: s += len < 18 ? `[(homeaddr) length ${len - 2} < 16] (invalid)` : `(homeaddr: ${ipv6At(b, p + 2)})`; break;
      default: s += `(unknown opt-type 0x${type.toString(16).padStart(2, '0')} len=${len - 2})`; break;
    }
    p += len;
  }
  return s + ' ';
}

/**
 * The extension headers between the IPv6 header and the upper layer as tcpdump
 * prints them without -v: `HBH `, `DSTOPT `, `RT6 (len=…, type=…, segleft=…, [0]addr…) `,
 * `frag (offset|length)` and `AH(spi=…,seq=…,icv=…): ` (print-ip6opts.c, print-rt6.c,
 * print-frag6.c, print-ah.c). The decoder has checked every length.
 */
function ip6ExtChain(d: PacketDecoder, verbose: number): string {
  const ip = d.ip6;
  const b = ip.buf;
  let nh = b[ip.off + 6]!;
  let q = ip.off + 40;
  let s = '';
  while (q < ip.upperOff) {
    let len: number;
    switch (nh) {
      case IpProto.HopByHop:
      case IpProto.IPv6Opts:
        len = (b[q + 1]! + 1) * 8;
        s += nh === IpProto.HopByHop ? 'HBH ' : 'DSTOPT ';
        if (verbose > 0) s += ip6OptionsText(b, q + 2, q + len, d.ip6.payloadLength, nh === IpProto.HopByHop);
        break;
      case IpProto.IPv6Route: {
        const units = b[q + 1]!, type = b[q + 2]!;
        len = (units + 1) * 8;
        s += `RT6 (len=${units}, type=${type}${type === 0 ? ' [Deprecated]' : ''}, segleft=${b[q + 3]}`;
        if (type === 0 || type === 2) {
          const rsv = u32be(b, q + 4);
          if (rsv !== 0 || verbose > 0) s += `, rsv=0x${rsv.toString(16)}`;
          if (units % 2 === 1) return s + ` [length ${units}] (invalid)`;
          for (let i = 0; i < units / 2; i++) s += `, [${i}]${ipv6At(b, q + 8 + 16 * i)}`;
        } else if (type === 4) { // segment routing (RFC 8754)
          const last = b[q + 4]!, flags = b[q + 5]!;
          s += `, last-entry=${last}`;
          if (flags !== 0 || verbose > 0) s += `, flags=0x${flags.toString(16)}`;
          s += `, tag=${u16be(b, q + 6).toString(16)}`;
          for (let i = 0; i <= last && q + 24 + 16 * i <= q + len; i++) s += `, [${i}]${ipv6At(b, q + 8 + 16 * i)}`;
        } else {
          return s + ' (unknown type) (invalid)';
        }
        s += ') ';
        break;
      }
      case IpProto.IPv6Frag: {
        const offset = u16be(b, q + 2) & 0xfff8;
        const rest = 40 + ip.payloadLength - (q - ip.off) - 8;
        const id = verbose > 0 ? `0x${u32be(b, q + 4).toString(16).padStart(8, '0')}:` : '';
        s += rest < 0 ? `frag (${id}${offset}|[length < 0] (invalid))` : `frag (${id}${offset}|${rest})`;
        if (offset !== 0) return s;
        s += ' ';
        len = 8;
        break;
      }
      case IpProto.AH: {
        len = (b[q + 1]! + 2) * 4;
        const reserved = u16be(b, q + 2);
        s += `AH(${reserved !== 0 ? `reserved=0x${reserved.toString(16)}[MustBeZero],` : ''}spi=0x${u32be(b, q + 4).toString(16).padStart(8, '0')},seq=0x${u32be(b, q + 8).toString(16)},icv=0x`;
        for (let i = q + 12; i < q + len; i++) s += b[i]!.toString(16).padStart(2, '0');
        s += '): ';
        break;
      }
      default: return s;
    }
    nh = b[q]!;
    q += len;
  }
  return s;
}

/** `name`: the network layer's name and a space ("IP "), or '' under -e. */
/**
 * `prefix`: what is already printed when extension headers came first (the
 * addresses and the headers); the upper layer then shows its ports only.
 */
function transportLine(name: string, src: string, dst: string, f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, l4len: number, prefix?: string): string {
  const p = opts.palette;
  const quick = opts.quick === true; // -q: TCP and UDP by their length only (print-tcp.c, print-udp.c)
  switch (d.l4) {
    case IpProto.TCP: {
      const tcp = d.tcp;
      const head = prefix !== undefined ? `${prefix}${tcp.sport} > ${tcp.dport}: ` : `${name}${p.addr(src)}.${tcp.sport} > ${p.addr(dst)}.${tcp.dport}: `;
      if (tcp.error === TcpError.short) return head + ' [|tcp]';
      // A data offset under 20 bytes; one past the segment's end is tcpText's ("too long").
      if (tcp.error === TcpError.offset && tcp.headerLength < 20) return head + `tcp ${l4len} [bad hdr length ${tcp.headerLength} - too short, < 20]`;
      if (quick) return head + `tcp ${tcp.payloadLength}`;
      return head + tcpText(d, t, opts, l4len);
    }
    case IpProto.UDP: {
      const udp = d.udp;
      let head = prefix !== undefined ? `${prefix}${udp.sport} > ${udp.dport}: ` : `${name}${p.addr(src)}.${udp.sport} > ${p.addr(dst)}.${udp.dport}: `;
      if (udp.error === UdpError.short) return head + ' [|udp]';
      if (udp.error === 'bad udp length') return head + `UDP, bad length ${udp.length} > ${l4len}`;
      if ((opts.verbose ?? 0) > 0 && opts.noChecksums !== true) head += udpChecksumText(d, opts.verbose!);
      if (quick) return head + `UDP, length ${udp.payloadLength}`;
      // Two ports above 30490 name no printer netlens has (the one above it, BCM-LI on 49152, is not one).
      const printer = udp.sport > 30490 && udp.dport > 30490 ? null : udpPortPrinter(udp.sport, udp.dport);
      if (printer === 'domain' || printer === 'mdns') {
        // print-domain.c: a message shorter than its 12-byte header is invalid.
        if (udp.payloadLength < 12) return head + `domain [length ${udp.payloadLength} < 12] (invalid)`;
        if (dns.reset(udp.buf, udp.payloadOff, udp.payloadEnd)) return head + dnsText(udp.payloadLength, printer === 'mdns', opts.verbose ?? 0);
        return head + ' [|domain]'; // the capture ends inside the 12-byte header
      }
      if (printer !== null) {
        const app = UDP_PRINTERS[printer];
        if (app !== undefined) return head + app(udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength, opts.verbose ?? 0);
        if (printer === 'sip') return head + sipText(udp.buf, udp.payloadOff, udp.payloadEnd - udp.payloadOff, udp.payloadLength, opts.verbose ?? 0);
        if (printer === 'vxlan') return head + vxlanText(f, t, udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength, opts);
        if (printer === 'geneve') return head + geneveText(f, t, udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength, opts);
      }
      return head + `UDP, length ${udp.payloadLength}`;
    }
    case IpProto.ICMP:
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + icmpText(d, l4len)
        + ((opts.verbose ?? 0) > 0 && d.icmp.error === null ? icmpChecksumText(d, l4len) + icmpQuotedText(f, d, opts) : '');
    case IpProto.ICMPv6:
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + icmp6Text(d, l4len, opts.verbose ?? 0);
    default: {
      const proto = d.ipVersion === 4 ? d.ip4.proto : d.ip6.proto;
      if (proto === 47) {
        const ipBuf = d.ipVersion === 4 ? d.ip4.buf : d.ip6.buf;
        const start = d.ipVersion === 4 ? d.ip4.payloadOff : d.ip6.upperOff;
        const capEnd = d.ipVersion === 4 ? d.ip4.payloadEnd : d.ip6.payloadEnd;
        const gre = greText(f, t, ipBuf, start, capEnd, l4len, opts);
        if (gre !== null) return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + gre;
      }
      if (proto === 50 || proto === 112) {
        const v6 = d.ipVersion === 6;
        const b = v6 ? d.ip6.buf : d.ip4.buf;
        const off = v6 ? d.ip6.upperOff : d.ip4.payloadOff, capEnd = v6 ? d.ip6.payloadEnd : d.ip4.payloadEnd;
        const head = prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `;
        if (proto === 50) return head + espText(b, off, capEnd, l4len);
        const ttl = v6 ? b[d.ip6.off + 7]! : d.ip4.ttl;
        // VRRPv2 sums the packet alone, VRRPv3 with the IP pseudo-header.
        const checksum = (version: number): number => (version === 2 ? foldComplement(onesSum(b, off, off + l4len)) : upperChecksum(d, off, l4len, 112));
        return head + vrrpText(b, off, capEnd, l4len, ttl, v6, opts.verbose ?? 0, checksum);
      }
      if (proto === 89) {
        const v6 = d.ipVersion === 6;
        return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `)
          + ospfText(v6 ? d.ip6.buf : d.ip4.buf, v6 ? d.ip6.upperOff : d.ip4.payloadOff, v6 ? d.ip6.payloadEnd : d.ip4.payloadEnd, l4len, v6);
      }
      if (proto === IpProto.IGMP && d.ipVersion === 4) {
        return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + igmpText(d.ip4.buf, d.ip4.payloadOff, d.ip4.payloadEnd, l4len, opts.verbose ?? 0, quick);
      }
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + `ip-proto-${proto} ${l4len}`;
    }
  }
}

/** A fresh tracker, never fed: the quoted packet's TCP numbers stay absolute. */
const NO_TRACKER = new Tracker();

/**
 * How many packets deep the line printers go: an ICMP error's quoted datagram
 * (which may be an ICMP error quoting another…), VXLAN, Geneve and GRE, in any
 * mix. tcpdump recurses until the bytes run out (C's stack holds it); here a
 * level deeper than this ends in ` [|proto]`, as tcpdump marks what it does
 * not print. Real traffic nests one or two levels.
 */
export const MAX_NESTING = 8;
/** Decoders and frames for packets inside packets, one per level of nesting. */
const nestedDecoders: PacketDecoder[] = [];
const nestedFrames: Frame[] = [];
for (let i = 0; i < MAX_NESTING; i++) { nestedDecoders.push(new PacketDecoder()); nestedFrames.push(newFrame()); }
/**
 * The conversations of encapsulated packets, kept apart from the outer ones (one
 * table per outer tracker, so per run): their TCP numbers are relative per inner
 * conversation, as tcpdump's are.
 */
const nestedTrackers = new WeakMap<Tracker, Tracker>();
function nestedTrackerOf(t: Tracker): Tracker {
  let n = nestedTrackers.get(t);
  if (n === undefined) { n = new Tracker(); nestedTrackers.set(t, n); }
  return n;
}
let nestDepth = 0;

/**
 * A packet carried inside another, printed as tcpdump prints any packet of its
 * link type (an Ethernet frame for VXLAN, an IP packet or Ethernet frame for
 * GRE): the same printers, no annotations. ` [|tag]` past MAX_NESTING levels.
 */
function nestedText(f: Frame, t: Tracker, buf: Buffer, off: number, capEnd: number, wireLen: number, linkType: number, opts: LineOptions, tag: string): string {
  if (nestDepth >= MAX_NESTING) return ` [|${tag}]`;
  const nf = nestedFrames[nestDepth]!, nd = nestedDecoders[nestDepth]!;
  nf.buf = buf; nf.offset = off; nf.caplen = Math.max(0, capEnd - off); nf.len = Math.max(wireLen, nf.caplen);
  nf.linkType = linkType; nf.tsSec = f.tsSec; nf.tsNsec = f.tsNsec; nf.ifIndex = f.ifIndex;
  nestDepth++;
  try {
    nd.decode(nf);
    const nestedTracker = nestedTrackerOf(t);
    nestedTracker.observe(nd, nf.tsSec, nf.tsNsec);
    const e = opts.linkHeader === true;
    const header = e && linkType === LinkType.ETHERNET ? linkHeaderText(nf, nd, opts.quick === true) : '';
    // Under -e tcpdump's IP printers leave out "IP "; an Ethernet frame's header says it instead.
    return header + body(nf, nd, nestedTracker, { ...opts, annotate: false }, e && (linkType !== LinkType.ETHERNET || linkHeaderReplacesName(nd)));
  } finally {
    nestDepth--;
  }
}

/** print-vxlan.c: `VXLAN, flags [I] (0x08), vni 42`, a new line, then the Ethernet frame inside. */
function vxlanText(f: Frame, t: Tracker, b: Buffer, off: number, capEnd: number, length: number, opts: LineOptions): string {
  let s = 'VXLAN';
  if (length < 8) return s + ' (invalid)';
  if (off >= capEnd) return s + ' [|vxlan]';
  const flags = b[off]!;
  s += `, flags [${flags & 0x08 ? 'I' : 'invalid'}] (0x${flags.toString(16).padStart(2, '0')}), `;
  if (off + 7 > capEnd) return s + ' [|vxlan]';
  s += `vni ${(b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!}\n`;
  if (off + 8 > capEnd) return s + ' [|vxlan]';
  return s + nestedText(f, t, b, off + 8, capEnd, length - 8, LinkType.ETHERNET, opts, 'vxlan');
}

/**
 * print-geneve.c: `Geneve, Flags [none], vni 0x2a, options [8 bytes]: ` and the
 * packet inside (an Ethernet frame, IPv4 or IPv6); under -v the options one by
 * one and the packet on a line of its own.
 */
function geneveText(f: Frame, t: Tracker, b: Buffer, off: number, capEnd: number, length: number, opts: LineOptions): string {
  const verbose = opts.verbose ?? 0;
  let s = 'Geneve';
  if (length < 8) return s + ` [length ${length} < 8] (invalid)`;
  if (off + 8 > capEnd) return s + ' [|geneve]';
  const verOpt = b[off]!;
  if (verOpt >> 6 !== 0) return s + ` ERROR: unknown-version ${verOpt >> 6}`;
  const flags = b[off + 1]!, proto = u16be(b, off + 2);
  const vni = (b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!, reserved = b[off + 7]!;
  const flagNames = [[0x80, 'O'], [0x40, 'C'], [0x20, 'R1'], [0x10, 'R2'], [0x08, 'R3'], [0x04, 'R4'], [0x02, 'R5'], [0x01, 'R6']]
    .filter(([bit]) => (flags & (bit as number)) !== 0).map(([, n]) => n).join('');
  s += `, Flags [${flagNames || 'none'}], vni 0x${vni.toString(16)}`;
  if (reserved) s += `, rsvd 0x${reserved.toString(16)}`;
  if (opts.linkHeader === true) s += `, proto ${ETHERTYPE_NAMES.get(proto) ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')})`;
  const optsLen = (verOpt & 0x3f) * 4;
  let len = length - 8;
  if (len < optsLen) return s + ` truncated-geneve - ${optsLen - len} bytes missing`;
  let p = off + 8;
  if (p + optsLen > capEnd) return s + ' [|geneve]';
  if (optsLen > 0) {
    s += ', options [';
    if (verbose > 0) {
      const classes: Record<number, string> = { 0x0100: 'Linux', 0x0101: 'Open vSwitch', 0x0102: 'Open Virtual Networking (OVN)', 0x0103: 'In-band Network Telemetry (INT)', 0x0104: 'VMware' };
      for (let q = p, rest = optsLen, sep = ''; rest > 0; sep = ', ') {
        const cls = u16be(b, q), type = b[q + 2]!, olen = 4 + (b[q + 3]! & 0x1f) * 4;
        const clsName = classes[cls] ?? (cls <= 0xff ? 'Standard' : cls >= 0xfff0 ? 'Experimental' : 'Unknown');
        s += `${sep}class ${clsName} (0x${cls.toString(16)}) type 0x${type.toString(16)}${type & 0x80 ? '(C)' : ''} len ${olen}`;
        if (olen > rest) { s += ' [bad length]'; break; }
        if (verbose > 1 && olen > 4) {
          s += ' data';
          for (let i = 4; i < olen; i += 4) s += ` ${u32be(b, q + i).toString(16).padStart(8, '0')}`;
        }
        q += olen; rest -= olen;
      }
    } else s += `${optsLen} bytes`;
    s += ']';
  }
  p += optsLen; len -= optsLen;
  s += verbose < 1 ? ': ' : '\n\t';
  if (proto === 0x0800 || proto === 0x86dd) return s + nestedText(f, t, b, p, capEnd, len, LinkType.RAW, opts, 'geneve');
  if (proto === 0x6558) return s + nestedText(f, t, b, p, capEnd, len, LinkType.ETHERNET, opts, 'geneve');
  return s + `geneve-proto-0x${proto.toString(16)}`;
}

/**
 * print-gre.c, version 0: `GREv0, key=0x2a, seq 7, length 88: ` and the packet
 * inside (IPv4, IPv6, or an Ethernet frame); under -v its flags and checksum, and
 * the packet on a line of its own. null for the versions netlens does not print.
 */
function greText(f: Frame, t: Tracker, b: Buffer, off: number, capEnd: number, length: number, opts: LineOptions): string | null {
  const verbose = opts.verbose ?? 0;
  if (off + 2 > capEnd || length < 2) return ' [|gre]';
  const flags = u16be(b, off);
  if ((flags & 7) === 1) { // PPTP's enhanced GRE: PPP inside (ppp.ts), and what PPP carries
    const r = greV1Text(b, off, capEnd, length, verbose);
    if (r.innerType !== 0x0800 && r.innerType !== 0x86dd) return r.text;
    const inner = r.innerBuf ?? b;
    return r.text + nestedText(f, t, inner, r.innerOff, r.innerBuf ? inner.length : capEnd, r.innerLen, LinkType.RAW, opts, 'gre');
  }
  if ((flags & 7) !== 0) return null;
  let s = 'GREv0';
  if (verbose > 0) {
    const names = [[0x8000, 'checksum present'], [0x4000, 'routing present'], [0x2000, 'key present'], [0x1000, 'sequence# present'], [0x0800, 'source routing present'], [0x0080, 'ack present']]
      .filter(([bit]) => (flags & (bit as number)) !== 0).map(([, n]) => n);
    s += `, Flags [${names.length === 0 ? 'none' : names.join(', ')}]`;
  }
  let p = off + 2, len = length - 2;
  if (p + 2 > capEnd || len < 2) return s + ' [|gre]';
  const proto = u16be(b, p);
  p += 2; len -= 2;
  if (flags & 0xc000) {
    if (p + 4 > capEnd || len < 4) return s + ' [|gre]';
    if (verbose > 0) s += `, sum 0x${u16be(b, p).toString(16)}`;
    s += `, off 0x${u16be(b, p + 2).toString(16)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x2000) {
    if (p + 4 > capEnd || len < 4) return s + ' [|gre]';
    s += `, key=0x${u32be(b, p).toString(16)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x1000) {
    if (p + 4 > capEnd || len < 4) return s + ' [|gre]';
    s += `, seq ${u32be(b, p)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x4000) return null; // source route entries: not printed by netlens
  if (opts.linkHeader === true) s += `, proto ${ETHERTYPE_NAMES.get(proto) ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')})`;
  s += `, length ${length}` + (verbose < 1 ? ': ' : '\n\t');
  if (proto === 0x0800 || proto === 0x86dd) return s + nestedText(f, t, b, p, capEnd, len, LinkType.RAW, opts, 'gre');
  if (proto === 0x6558) return s + nestedText(f, t, b, p, capEnd, len, LinkType.ETHERNET, opts, 'gre');
  return s + `gre-proto-0x${proto.toString(16)}`;
}

/**
 * print-icmp.c under -v: an error message's quoted datagram, on its own line
 * after a tab, printed as tcpdump prints any IPv4 packet (its verbose header
 * included), within the bytes the IP header says it holds.
 */
function icmpQuotedText(f: Frame, d: PacketDecoder, opts: LineOptions): string {
  const i = d.icmp;
  const t = i.type;
  if (!(t === 3 || t === 4 || t === 5 || t === 11 || t === 12)) return '';
  const start = i.off + 8;
  if (d.end - start < 20 || i.buf[start]! >>> 4 !== 4) return '';
  const total = u16be(i.buf, start + 2);
  const caplen = Math.min(d.end, start + total) - start;
  if (caplen <= 0) return '';
  if (nestDepth >= MAX_NESTING) return ' [|icmp]';
  // Each level its own frame and decoder: the quoted datagram may be an ICMP error quoting another.
  const qf = nestedFrames[nestDepth]!, qd = nestedDecoders[nestDepth]!;
  qf.buf = i.buf;
  qf.offset = start;
  qf.caplen = caplen;
  qf.len = total;
  qf.linkType = LinkType.RAW;
  qf.tsSec = f.tsSec;
  qf.tsNsec = f.tsNsec;
  qf.ifIndex = f.ifIndex;
  nestDepth++;
  try {
    qd.decode(qf);
    // Under -e tcpdump's ip_print leaves out the "IP " here too.
    return '\n\t' + body(qf, qd, NO_TRACKER, { ...opts, annotate: false }, opts.linkHeader === true);
  } finally {
    nestDepth--;
  }
}

function tcpText(d: PacketDecoder, t: Tracker, opts: LineOptions, l4len: number): string {
  const p = opts.palette;
  const tcp = d.tcp;
  // tcpdump's relative numbers (its -S: absolute), per conversation.
  const relative = t.conn !== null && opts.absolute !== true;
  const flags = tcp.flags;
  let s = `Flags [${p.flags(tcpFlagLetters(flags))}]`;
  const verbose = opts.verbose ?? 0;
  if (tcp.headerLength > l4len) return s + ` [bad hdr length ${tcp.headerLength} - too long, > ${l4len}]`; // print-tcp.c
  if (verbose > 0 && opts.noChecksums !== true) s += tcpChecksumText(d, l4len);
  const len = tcp.payloadLength;
  const seq = relative ? t.relSeq : tcp.seq;
  const ack = relative ? t.relAck : tcp.ack;
  if (verbose > 1 || len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) {
    s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
  }
  if (flags & TcpFlag.ACK) s += `, ack ${ack}`;
  s += `, win ${tcp.window}`;
  if (flags & TcpFlag.URG) s += `, urg ${tcp.urgentPointer}`;
  if (tcp.headerLength > 20) {
    const o = tcpOptions(d, t, relative);
    s += `, options [${o}`;
    // print-tcp.c: a malformed option ends the line at "[bad opt]"; bytes the capture lacks, at " [|tcp]".
    if (optionsEnd !== 0) return s;
    s += ']';
  }
  s += `, length ${len}`;
  if (verbose > 0 && len > 0 && (flags & TcpFlag.RST) !== 0) return s + rstDataText(tcp.buf, tcp.payloadOff, d.end, len);
  if (len === 0) return s;
  const printer = tcpPortPrinter(tcp.sport, tcp.dport);
  if (printer === 'resp') return s + respText(tcp.buf, tcp.payloadOff, tcp.payloadEnd, len);
  if (printer === 'bgp') return s + ': BGP'; // print-bgp.c without -v; its -v dissection of the messages is not printed
  const app = (verbose > 0 ? appTextVerbose : appText)(tcp.buf, tcp.payloadOff, tcp.payloadEnd - tcp.payloadOff, len, tcp.sport, tcp.dport);
  if (app !== '') s += app;
  else if (len > 2 && printer === 'domain' && tcp.payloadEnd - tcp.payloadOff >= 14) {
    // DNS over TCP (RFC 1035 §4.2.2): a two-byte length, then the message.
    const msgLen = u16be(tcp.buf, tcp.payloadOff);
    if (dns.reset(tcp.buf, tcp.payloadOff + 2, Math.min(tcp.payloadEnd, tcp.payloadOff + 2 + msgLen))) s += ' ' + dnsText(msgLen, false, opts.verbose ?? 0);
  }
  return s;
}

/** Set by tcpOptions(): 0, or how the options ended the line (BAD_OPT, CUT). */
let optionsEnd = 0;
const BAD_OPT = 1, CUT = 2;
const TCP_OPTION_NAMES: Record<number, string> = {
  0: 'eol', 1: 'nop', 2: 'mss', 3: 'wscale', 4: 'sackOK', 5: 'sack', 6: 'echo', 7: 'echoreply', 8: 'TS', 11: 'cc', 12: 'ccnew', 13: '',
  19: 'md5', 20: 'scps', 28: 'uto', 29: 'tcp-ao', 30: 'mptcp', 34: 'tfo', 254: 'exp',
};

/**
 * print-tcp.c's option loop: each option by name and value, `[len N]` where the
 * length differs from the option's own, and the line ending at `[bad opt]` or
 * ` [|tcp]` (optionsEnd) where tcpdump's does. MPTCP options are named only.
 */
function tcpOptions(d: PacketDecoder, t: Tracker, relative: boolean): string {
  optionsEnd = 0;
  const tcp = d.tcp;
  const b = tcp.buf;
  let cp = tcp.optionsOff;
  let hlen = tcp.headerLength - 20;
  const capEnd = d.end;
  // SACK blocks are shown relative to the conversation's base, as tcpdump does.
  const sackBase = relative && !t.seqAbsolute ? t.conn!.tcpdumpBase(t.side ^ 1) : 0;
  let s = '';
  let ch = '';
  const bad = (): string => { optionsEnd = BAD_OPT; return s + '[bad opt]' + (ch !== '' ? ']' : ''); };
  const cut = (): string => { optionsEnd = CUT; return s + ' [|tcp]'; };
  const hex = (from: number, n: number): string => { let h = ''; for (let i = 0; i < n; i++) h += b[from + i]!.toString(16).padStart(2, '0'); return h; };
  while (hlen > 0) {
    s += ch;
    if (cp >= capEnd) return cut();
    const opt = b[cp++]!;
    let len = 1;
    if (opt !== 0 && opt !== 1) {
      if (cp >= capEnd) return cut();
      len = b[cp++]!;
      if (len < 2 || len > hlen) return bad();
      hlen--;
    }
    hlen--;
    let datalen = 0;
    s += TCP_OPTION_NAMES[opt] ?? `unknown-${opt}`;
    // LENCHECK: l bytes must be left in the header, and captured.
    const lencheck = (l: number): number => (l > hlen ? BAD_OPT : cp + l > capEnd ? CUT : 0);
    let r = 0;
    switch (opt) {
      case 2: datalen = 2; if ((r = lencheck(2))) break; s += ` ${u16be(b, cp)}`; break;
      case 3: datalen = 1; if ((r = lencheck(1))) break; s += ` ${b[cp]}`; break;
      case 5:
        datalen = len - 2;
        if (datalen % 8 !== 0) s += ' invalid sack';
        else {
          s += ` ${datalen / 8} `;
          for (let i = 0; i < datalen; i += 8) {
            if ((r = lencheck(i + 8))) break;
            s += `{${(u32be(b, cp + i) - sackBase) >>> 0}:${(u32be(b, cp + i + 4) - sackBase) >>> 0}}`;
          }
        }
        break;
      case 6: case 7: case 11: case 12: case 13: datalen = 4; if ((r = lencheck(4))) break; s += ` ${u32be(b, cp)}`; break;
      case 8: datalen = 8; if ((r = lencheck(8))) break; s += ` val ${u32be(b, cp)} ecr ${u32be(b, cp + 4)}`; break;
      case 19: datalen = 16; if ((r = lencheck(16))) break; s += ' ' + hex(cp, 16); break;
      case 20: datalen = 2; if ((r = lencheck(2))) break; s += ` cap ${hex(cp, 1)} id ${b[cp + 1]}`; break;
      case 28: {
        datalen = 2;
        if ((r = lencheck(2))) break;
        const v = u16be(b, cp);
        s += ` 0x${v.toString(16)} ${v & 1 ? (v >> 1) * 60 : v >> 1}`;
        break;
      }
      case 29:
        datalen = len - 2;
        if (datalen < 2) { s += ' (invalid)'; break; }
        if ((r = lencheck(1))) break;
        s += ` keyid ${b[cp]}`;
        if ((r = lencheck(2))) break;
        s += ` rnextkeyid ${b[cp + 1]}`;
        if (datalen > 2) {
          s += ' mac 0x';
          for (let i = 2; i < datalen; i++) { if ((r = lencheck(i + 1))) break; s += hex(cp + i, 1); }
        }
        break;
      case 0: case 1: case 4: break;
      case 30: // MPTCP: its own printer, on the option's bytes only
        datalen = len - 2;
        if ((r = lencheck(datalen))) break;
        s += mptcpText(b, cp - 2, len, tcp.flags);
        if (mptcpResult.bad) return bad();
        break;
      case 34:
        datalen = len - 2;
        if ((r = lencheck(datalen))) break;
        s += ' ' + fastOpenText(b, cp, datalen, false);
        break;
      case 254: {
        datalen = len - 2;
        if ((r = lencheck(datalen))) break;
        if (datalen < 2) return bad();
        const magic = u16be(b, cp);
        s += '-' + (magic === 0xf989 ? fastOpenText(b, cp + 2, datalen - 2, true) : magic.toString(16).padStart(4, '0'));
        break;
      }
      default:
        datalen = len - 2;
        if (datalen) s += ' 0x';
        for (let i = 0; i < datalen; i++) { if ((r = lencheck(i + 1))) break; s += hex(cp + i, 1); }
        break;
    }
    if (r === BAD_OPT) return bad();
    if (r === CUT) return cut();
    cp += datalen;
    hlen -= datalen;
    datalen += opt === 0 || opt === 1 ? 1 : 2;
    if (datalen !== len) s += `[len ${len}]`;
    ch = ',';
    if (opt === 0) break;
  }
  return s;
}

/** print_tcp_fastopen_option: ` cookiereq`, ` cookie 0123…`, or ` (invalid)`; `exp`: named "tfo" here. */
function fastOpenText(b: Buffer, p: number, n: number, exp: boolean): string {
  let s = exp ? 'tfo' : '';
  if (n === 0) return s + ' cookiereq';
  if (n % 2 !== 0 || n < 4 || n > 16) return s + ' (invalid)';
  s += ' cookie ';
  for (let i = 0; i < n; i++) s += b[p + i]!.toString(16).padStart(2, '0');
  return s;
}

function icmpText(d: PacketDecoder, len: number): string {
  const i = d.icmp;
  if (i.error !== null) return `ICMP type ${i.type}, [|icmp]`;
  switch (i.type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply:
      if (!i.hasEcho) return `ICMP echo ${i.type === 8 ? 'request' : 'reply'}, length ${len}`;
      return `ICMP echo ${i.type === 8 ? 'request' : 'reply'}, id ${i.echoId}, seq ${i.echoSeq}, length ${len}`;
    case IcmpType.Unreachable: {
      const inner = d.innerVersion === 4 ? ipv4(d.innerIp4.dst) : '';
      if (i.code === 3 && d.innerSport >= 0) {
        const proto = d.innerProto === IpProto.TCP ? 'tcp' : 'udp';
        return `ICMP ${inner} ${proto} port ${d.innerDport} unreachable, length ${len}`;
      }
      if (i.code === 2 && inner) return `ICMP ${inner} protocol ${d.innerProto} unreachable, length ${len}`;
      if (i.code === 1 && inner) return `ICMP host ${inner} unreachable, length ${len}`;
      if (i.code === 0 && inner) return `ICMP net ${inner} unreachable, length ${len}`;
      return `ICMP ${inner} unreachable - code ${i.code}, length ${len}`;
    }
    case IcmpType.TimeExceeded:
      return `ICMP time exceeded in-transit${i.code === 1 ? ' reassembly' : ''}, length ${len}`;
    case IcmpType.Redirect:
      return `ICMP redirect, length ${len}`;
    case IcmpType.ParamProblem:
      return `ICMP parameter problem, length ${len}`;
    case 13: return `ICMP time stamp query, length ${len}`;
    case 14: return `ICMP time stamp reply, length ${len}`;
    default:
      return `ICMP type-#${i.type}, length ${len}`;
  }
}

/**
 * print-icmp6.c. Without -v every message ends with its length; with -v the
 * checksum comes first, neighbour discovery shows its fields and options, and
 * only a type tcpdump does not know keeps the length at the end.
 */
function icmp6Text(d: PacketDecoder, len: number, verbose: number): string {
  const i = d.icmp;
  if (i.error !== null) return `ICMP6, [|icmp6]`;
  const sum = verbose > 0 ? icmp6ChecksumText(d, len) : '';
  const b = i.buf;
  const tail = verbose > 0 ? '' : `, length ${len}`;
  const nd = (fixed: number): string => {
    const o = ndOptionsText(b, i.off + fixed, Math.min(i.end, i.off + len), verbose);
    return o.text + (o.cut ? ' [|icmp6]' : '');
  };
  switch (i.type) {
    case Icmp6Type.EchoRequest:
    case Icmp6Type.EchoReply:
      return `${sum}ICMP6, echo ${i.type === 128 ? 'request' : 'reply'}, id ${i.hasEcho ? i.echoId : 0}, seq ${i.hasEcho ? i.echoSeq : 0}${tail}`;
    case Icmp6Type.NeighborSolicit: {
      if (verbose === 0) return i.ndTargetOff >= 0 ? `ICMP6, neighbor solicitation, who has ${ipv6At(b, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor solicitation, length ${len}`;
      if (i.ndTargetOff < 0) return `${sum}ICMP6, neighbor solicitation, length ${len} [|icmp6]`;
      return `${sum}ICMP6, neighbor solicitation, length ${len}, who has ${ipv6At(b, i.ndTargetOff)}${nd(24)}`;
    }
    case Icmp6Type.NeighborAdvert: {
      if (verbose === 0) return i.ndTargetOff >= 0 ? `ICMP6, neighbor advertisement, tgt is ${ipv6At(b, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor advertisement, length ${len}`;
      if (i.ndTargetOff < 0) return `${sum}ICMP6, neighbor advertisement, length ${len} [|icmp6]`;
      const fl = u32be(b, i.off + 4);
      const names = [[0x80000000, 'router'], [0x40000000, 'solicited'], [0x20000000, 'override']].filter(([bit]) => (fl & (bit as number)) !== 0).map(([, n]) => n);
      return `${sum}ICMP6, neighbor advertisement, length ${len}, tgt is ${ipv6At(b, i.ndTargetOff)}, Flags [${names.length === 0 ? 'none' : names.join(', ')}]${nd(24)}`;
    }
    case Icmp6Type.RouterSolicit:
      return verbose === 0 ? `ICMP6, router solicitation, length ${len}` : `${sum}ICMP6, router solicitation, length ${len}${nd(8)}`;
    case Icmp6Type.RouterAdvert: {
      if (verbose === 0) return `ICMP6, router advertisement, length ${len}`;
      if (i.end - i.off < 16) return `${sum}ICMP6, router advertisement, length ${len} [|icmp6]`;
      const fl = b[i.off + 5]!;
      const names = [[0x80, 'managed'], [0x40, 'other stateful'], [0x20, 'home agent'], [0x02, 'ipv6 only']].filter(([bit]) => (fl & (bit as number)) !== 0).map(([, n]) => n);
      return `${sum}ICMP6, router advertisement, length ${len}\n\thop limit ${b[i.off + 4]}, Flags [${names.length === 0 ? 'none' : names.join(', ')}]`
        + `, pref ${['medium', 'high', 'rsv', 'low'][(fl & 0x18) >> 3]}, router lifetime ${u16be(b, i.off + 6)}s, reachable time ${u32be(b, i.off + 8)}ms, retrans timer ${u32be(b, i.off + 12)}ms${nd(16)}`;
    }
    case Icmp6Type.Redirect: return `${sum}ICMP6, redirect${tail}`;
    case Icmp6Type.Unreachable: return `${sum}ICMP6, destination unreachable${tail}`;
    case Icmp6Type.PacketTooBig: return `${sum}ICMP6, packet too big${tail}`;
    case Icmp6Type.TimeExceeded: return `${sum}ICMP6, time exceeded in-transit${tail}`;
    case Icmp6Type.ParamProblem: return `${sum}ICMP6, parameter problem${tail}`;
    // MLD (RFC 2710) and MLDv2 (RFC 3810), as print-icmp6.c prints them
    // (its MLDv1 text follows the type name with no separator).
    case 130:
      if (len === 24) return `${sum}ICMP6, multicast listener query${mld6Text(b, i.off, i.end)}${tail}`;
      if (len >= 28) {
        if (i.end - i.off < 28) return `${sum}ICMP6, multicast listener query v2 [|icmp6]`;
        return `${sum}ICMP6, multicast listener query v2${mldv2QueryText(b, i.off, len, i.end, verbose)}${tail}`;
      }
      return `${sum}ICMP6, multicast listener query unknown-version (len ${len}) ${tail}`;
    case 131: return `${sum}ICMP6, multicast listener report${mld6Text(b, i.off, i.end)}${tail}`;
    case 132: return `${sum}ICMP6, multicast listener done${mld6Text(b, i.off, i.end)}${tail}`;
    case 143:
      if (len < 8) return `${sum}ICMP6, multicast listener report v2 [invalid len ${len}]${tail}`;
      if (i.end - i.off < 8) return `${sum}ICMP6, multicast listener report v2 [|icmp6]`;
      return `${sum}ICMP6, multicast listener report v2, ${mldv2ReportText(b, i.off, len, i.end, verbose)}${tail}`;
    default: return `${sum}ICMP6, unknown icmp6 type (${i.type}), length ${len}`;
  }
}

/** mldv2_query_print: ` [max resp delay=…] [gaddr … sflag robustness=… qqi=…, N source(s)]`. */
function mldv2QueryText(b: Buffer, off: number, len: number, capEnd: number, verbose: number): string {
  const mrc = u16be(b, off + 4);
  const mrt = mrc < 32768 ? mrc : ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  let s = verbose > 0 ? ` [max resp delay=${mrt}]` : '';
  s += ` [gaddr ${ipv6At(b, off + 8)}`;
  if (verbose > 0) {
    const f = b[off + 24]!;
    if (f & 0x08) s += ' sflag';
    if (f & 0x07) s += ` robustness=${f & 0x07}`;
    const q = b[off + 25]!;
    s += ` qqi=${q < 128 ? q : ((q & 0x0f) | 0x10) << (((q & 0x70) >> 4) + 3)}`;
  }
  const sources = u16be(b, off + 26);
  if (sources > 0) {
    if (len < 28 + 16 * sources) s += ' [invalid number of sources]';
    else if (verbose > 1) {
      s += ' {';
      for (let k = 0; k < sources; k++) {
        if (off + 28 + 16 * (k + 1) > capEnd) return s + ' [|icmp6]';
        s += ` ${ipv6At(b, off + 28 + 16 * k)}`;
      }
      s += ' }';
    } else s += `, ${sources} source(s)`;
  }
  return s + ']';
}

const MLDV2_RECORD_TYPES: Record<number, string> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

/** mldv2_report_print: `N group record(s)`, and under -v each group; ` [|icmp6]` where the capture ends. */
function mldv2ReportText(b: Buffer, off: number, len: number, capEnd: number, verbose: number): string {
  const groups = u16be(b, off + 6);
  let s = `${groups} group record(s)`;
  if (verbose === 0) return s;
  let g = 8;
  for (let k = 0; k < groups; k++) {
    if (len < g + 20) return s + ' [invalid number of groups]';
    if (off + g + 20 > capEnd) return s + ' [|icmp6]';
    s += ` [gaddr ${ipv6At(b, off + g + 4)} ${MLDV2_RECORD_TYPES[b[off + g]!] ?? ` [v2-report-#${b[off + g]}]`}`;
    const sources = u16be(b, off + g + 2);
    if (len < g + 20 + 16 * sources) return s + ` [invalid number of sources ${sources}]`;
    if (verbose === 1) s += `, ${sources} source(s)`;
    else {
      s += ' {';
      for (let j = 0; j < sources; j++) {
        if (off + g + 20 + 16 * (j + 1) > capEnd) return s + ' [|icmp6]';
        s += ` ${ipv6At(b, off + g + 20 + 16 * j)}`;
      }
      s += ' }';
    }
    g += 20 + 16 * sources;
    s += ']';
  }
  return s;
}

/** print-icmp6.c's mld6_print: nothing when the 24-byte message is cut short. */
function mld6Text(b: Buffer, off: number, end: number): string {
  return end - off < 24 ? '' : `max resp delay: ${u16be(b, off + 4)} addr: ${ipv6At(b, off + 8)}`;
}

const RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone'];
const OPS = ['', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7', ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef'];

/** ns_class2str: the classes print-domain.c names (IN is never printed). */
function dnsClassText(cls: number): string {
  return cls === 3 ? ' CHAOS' : cls === 4 ? ' HS' : cls === 255 ? ' ANY' : ` (Class ${cls})`;
}

/**
 * print-domain.c's summary: the header, then every question of a query or the
 * answers of a response. -v adds each record's owner name, -vv the question of
 * a response and the authority and additional sections, -vvv the TTLs.
 * `mdns`: port 5353, where the top bit of the class is the QU or cache-flush
 * flag. A message cut short ends with ` [|domain]` and no length, as tcpdump's
 * truncation does.
 */
function dnsText(length: number, mdns = false, verbose = 0): string {
  dnsMdns = mdns;
  dnsVerbose = verbose;
  rs = '';
  let p = dns.off + 12;
  if (dns.isResponse) {
    rs = `${dns.id}${OPS[dns.opcode]}${RCODES[dns.rcode] ?? ` Resp${dns.rcode}`}${dns.aa ? '*' : ''}${dns.ra ? '' : '-'}${dns.tc ? '|' : ''}${dns.ad ? '$' : ''}`;
    if (dns.qdcount !== 1) rs += ` [${dns.qdcount}q]`;
    for (let i = 0; i < dns.qdcount; i++) {
      if (i !== 0) rs += ',';
      if (verbose > 1) {
        rs += ' q:';
        p = qprint(p);
      } else {
        const n = dns.readName(p);
        p = n === null ? -1 : n.next + 4;
      }
      if (p < 0) return rs + ' [|domain]';
    }
    rs += ` ${dns.ancount}/${dns.nscount}/${dns.arcount}`;
    p = section(p, dns.ancount, '', false);
    if (p < 0) return rs + ' [|domain]';
    if (verbose > 1) {
      p = section(p, dns.nscount, ' ns:', true);
      if (p >= 0) p = section(p, dns.arcount, ' ar:', true);
      if (p < 0) return rs + ' [|domain]';
    }
  } else {
    rs = `${dns.id}${OPS[dns.opcode]}${dns.rd ? '+' : ''}${dns.cd ? '%' : ''}`;
    const b2 = dns.flags & 0xffff;
    if (b2 & 0x6cf) rs += ` [b2&3=0x${b2.toString(16)}]`;
    if (dns.opcode === 1) { // IQUERY
      if (dns.qdcount) rs += ` [${dns.qdcount}q]`;
      if (dns.ancount !== 1) rs += ` [${dns.ancount}a]`;
    } else {
      if (dns.ancount) rs += ` [${dns.ancount}a]`;
      if (dns.qdcount !== 1) rs += ` [${dns.qdcount}q]`;
    }
    if (dns.nscount) rs += ` [${dns.nscount}n]`;
    if (dns.arcount) rs += ` [${dns.arcount}au]`;
    for (let i = 0; i < dns.qdcount; i++) {
      if (i > 0 && p >= dns.end) return rs + ' [|domain]';
      p = qprint(p);
      if (p < 0) return rs + ' [|domain]';
    }
    if (verbose > 1) {
      p = section(p, dns.ancount, '', false);
      if (p >= 0) p = section(p, dns.nscount, ' ns:', true);
      if (p >= 0) p = section(p, dns.arcount, ' ar:', true);
      if (p < 0) return rs + ' [|domain]';
    }
  }
  return rs + ` (${length})`;
}

/** The text dnsText() builds, and how: what qprint/rprint append to. */
let rs = '';
let dnsMdns = false;
let dnsVerbose = 0;

/** ns_qprint: ` TYPE[ class][ (QU|QM)]? name`; the offset after it, or -1 when cut. */
function qprint(p: number): number {
  const b = dns.buf;
  const n = dns.readName(p);
  if (n === null || n.next + 4 > dns.end) return -1;
  const cls = u16be(b, n.next + 2);
  const plain = dnsMdns ? cls & 0x7fff : cls;
  rs += ` ${dnsTypeName(u16be(b, n.next))}${plain !== 1 ? dnsClassText(plain) : ''}${dnsMdns ? ((cls & 0x8000) !== 0 ? ' (QU)' : ' (QM)') : ''}? ${safeText(n.name)}`;
  return n.next + 4;
}

/**
 * One section of records, comma-separated after `label`; -1 when the message
 * is cut (tcpdump's `goto trunc`). `guarded`: the authority and additional
 * sections start only while bytes remain.
 */
function section(p: number, count: number, label: string, guarded: boolean): number {
  if (count === 0 || (guarded && p >= dns.end)) return count === 0 ? p : -1;
  rs += label;
  p = rprint(p);
  if (p < 0) return -1;
  count--;
  while (p < dns.end && count > 0) {
    rs += ',';
    p = rprint(p);
    if (p < 0) return -1;
    count--;
  }
  return count > 0 ? -1 : p;
}

const EDNS_OPTIONS: Record<number, string> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'ECS', 9: 'EXPIRE', 10: 'COOKIE', 11: 'KEEPALIVE',
  12: 'PADDING', 13: 'CHAIN', 14: 'KEY-TAG', 16: 'CLIENT-TAG', 17: 'SERVER-TAG',
};

/**
 * ns_rprint: one record, `[ owner][ class] TYPE rdata` (the owner under -v);
 * the offset after it, -1 when cut, or the end when its fixed part is missing
 * (tcpdump then prints nothing more of the section).
 */
function rprint(p: number): number {
  const b = dns.buf;
  let n: { name: string; next: number } | null;
  if (dnsVerbose > 0) {
    rs += ' ';
    n = dns.readName(p);
    if (n === null) return -1;
    rs += safeText(n.name);
  } else {
    n = dns.readName(p);
    if (n === null) return dns.end;
  }
  if (n.next + 10 > dns.end) return dns.end;
  const type = u16be(b, n.next);
  const cls = u16be(b, n.next + 2);
  const plain = dnsMdns ? cls & 0x7fff : cls;
  if (plain !== 1 && type !== 41) rs += dnsClassText(plain);
  if (dnsMdns && (cls & 0x8000) !== 0) rs += ' (Cache flush)';
  if (type !== 41 && dnsVerbose > 2) rs += ` [${relativeTime(u32be(b, n.next + 4))}]`;
  const rdlen = u16be(b, n.next + 8);
  const rd = n.next + 10;
  const rdEnd = rd + rdlen;
  rs += ' ' + dnsTypeName(type);
  if (rdEnd > dns.end) return -1;
  switch (type) {
    case 1: if (rd + 4 > dns.end) return -1; rs += ' ' + ipv4At(b, rd); break;
    case 28: if (rd + 16 > dns.end) return -1; rs += ' ' + ipv6At(b, rd); break;
    case 2: case 5: case 12: case 39: {
      rs += ' ';
      const t = dns.readName(rd);
      if (t === null) return -1;
      rs += safeText(t.name);
      break;
    }
    case 6: { // SOA, under -v: mname rname serial refresh retry expire minimum
      if (dnsVerbose === 0) break;
      rs += ' ';
      const m = dns.readName(rd);
      if (m === null) return -1;
      rs += safeText(m.name) + ' ';
      const r = dns.readName(m.next);
      if (r === null) return -1;
      rs += safeText(r.name);
      if (r.next + 20 > dns.end) return -1;
      for (let k = 0; k < 5; k++) rs += ` ${u32be(b, r.next + 4 * k)}`;
      break;
    }
    case 15: {
      rs += ' ';
      const t = rdlen >= 2 ? dns.readName(rd + 2) : null;
      if (t === null) return -1;
      rs += `${safeText(t.name)} ${u16be(b, rd)}`;
      break;
    }
    case 16: // TXT: each character-string quoted (bounded by the capture, as ns_cprint is)
      for (let q = rd; q < rdEnd;) {
        const l = b[q]!;
        rs += ' "';
        if (q + 1 + l > dns.end) return -1;
        rs += `${printableText(b, q + 1, q + 1 + l)}"`;
        q += 1 + l;
      }
      break;
    case 33: { // SRV: target:port priority weight
      rs += ' ';
      const t = rdlen >= 6 ? dns.readName(rd + 6) : null;
      if (t === null) return -1;
      rs += `${safeText(t.name)}:${u16be(b, rd + 4)} ${u16be(b, rd)} ${u16be(b, rd + 2)}`;
      break;
    }
    case 41: { // OPT (RFC 6891): the UDP payload size is the class, DO is the top flag bit
      rs += ` UDPsize=${cls}`;
      if (u16be(b, n.next + 6) & 0x8000) rs += ' DO';
      if (rd < rdEnd) {
        rs += ' [';
        for (let q = rd; q < rdEnd;) {
          q = ednsOption(b, q);
          if (q < 0) return -1;
          if (q < rdEnd) rs += ',';
        }
        rs += ']';
      }
      break;
    }
    default: break;
  }
  return rdEnd;
}

/** eopt_print: `NAME data`, for the options print-domain.c knows. */
function ednsOption(b: Buffer, q: number): number {
  if (q + 4 > dns.end) return -1;
  const code = u16be(b, q), len = u16be(b, q + 2);
  rs += EDNS_OPTIONS[code] ?? `Opt${code}`;
  const d0 = q + 4;
  if (d0 + len > dns.end) return -1;
  if (len === 0) return d0;
  rs += ' ';
  const hex = (from: number, to: number): string => { let h = ''; for (let k = from; k < to; k++) h += b[k]!.toString(16).padStart(2, '0'); return h; };
  switch (code) {
    case 8: { // ECS: family/source length/scope length
      const family = u16be(b, d0), src = b[d0 + 2]!, scope = b[d0 + 3]!;
      const bits = family === 1 ? 32 : family === 2 ? 128 : 0;
      if (len < 4 || bits === 0 || len - 4 > bits / 8 || src > bits || scope > bits || ((src + 7) >> 3) !== len - 4) { rs += ' (invalid)'; break; }
      const padded = Buffer.alloc(16);
      b.copy(padded, 0, d0 + 4, d0 + len);
      rs += `${family === 1 ? ipv4At(padded, 0) : ipv6At(padded, 0)}/${src}/${scope}`;
      break;
    }
    case 10: // COOKIE: the client's 8 bytes, then the server's
      if (len < 8 || (len > 8 && len < 16) || len > 40) rs += ' (invalid)';
      else rs += hex(d0, d0 + 8) + (len > 8 ? ' ' + hex(d0 + 8, d0 + len) : '');
      break;
    case 11: rs += len !== 2 ? ' (invalid)' : `${(u16be(b, d0) / 10).toFixed(1)} sec`; break;
    case 9: rs += len !== 4 ? ' (invalid)' : `${u32be(b, d0)} sec`; break;
    case 12: rs += `(${len})`; break;
    case 14: {
      if (len % 2 !== 0) { rs += ' (invalid)'; break; }
      const tags: number[] = [];
      for (let k = d0; k < d0 + len; k += 2) tags.push(u16be(b, k));
      rs += tags.join(' ');
      break;
    }
    default: rs += hex(d0, d0 + len); break;
  }
  return d0 + len;
}

/**
 * Bytes as tcpdump's nd_printn shows them (fn_print_char): a byte past ASCII as
 * `M-` and its low seven bits, a control character as `^` and its letter
 * (ESC is `^[`, DEL `^?`). Only printable ASCII comes out.
 */
function printableText(b: Buffer, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    let c = b[i]!;
    if (c > 0x7f) { s += 'M-'; c &= 0x7f; }
    if (c < 0x20 || c === 0x7f) { s += '^'; c ^= 0x40; }
    s += String.fromCharCode(c);
  }
  return s;
}

/** netlens's additions: analysis flags, state events, and the ARP/ND conflict the frame caused. */
export function annotations(t: Tracker, p: Palette, arp: ArpTable | null): string {
  let s = '';
  if (arp !== null && arp.conflict !== null) s += ' ' + p.warn(`(${arpConflictText(arp)})`);
  if (t.analysis !== 0) {
    let names = '';
    for (let i = 0; i < AnalysisNames.length; i++) {
      if (t.analysis & (1 << i)) {
        if (i === 0 && (t.analysis & (Analysis.FAST_RETRANSMISSION | Analysis.SPURIOUS_RETRANSMISSION))) continue;
        names += (names ? ' ' : '') + AnalysisNames[i];
      }
    }
    s += ' ' + p.analysis(`[${names}]`);
  }
  if (t.eventCount > 0 && t.conn !== null) {
    let ev = '';
    for (let i = 0; i < t.eventCount; i++) ev += (i ? '; ' : '') + eventText(t, i, t.conn, true);
    s += ' ' + p.event(`(${ev})`);
  }
  return s;
}
