/**
 * One line per packet, in tcpdump -nn's words (print-ip.c, print-tcp.c,
 * print-udp.c, print-arp.c, print-icmp.c, print-icmp6.c, print-domain.c),
 * followed by what netlens adds: analysis flags and the state changes the
 * frame caused. Nothing from the packet reaches the terminal unescaped.
 */
import { ArpOp, IpProto, TcpFlag } from '../decode/constants.js';
import { DnsView, dnsTypeName } from '../decode/dns.js';
import { Icmp6Type, IcmpType } from '../decode/icmp.js';
import { LinkKind, type PacketDecoder } from '../decode/packet-decoder.js';
import { Ipv4Error } from '../decode/ipv4.js';
import { Ipv6Error } from '../decode/ipv6.js';
import { TcpError } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import type { Frame } from '../source/frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { Analysis, AnalysisNames, type Tracker } from '../track/tracker.js';
import { ipv4, ipv4At, ipv6At, macAt, safeText } from './addr.js';
import { arpConflictText } from './arp.js';
import { undecodedNetwork } from './dump.js';
import { eventText } from './events.js';
import { linkHeaderReplacesName, linkHeaderText, sll2Prefix } from './link-header.js';
import type { Palette } from './palette.js';
import { TimeFormatter } from './time.js';
import { appText } from './txtproto.js';
import { u16be, u32be } from '../decode/bytes.js';


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
}

const dns = new DnsView();
const question = { name: '', type: 0, cls: 0 };

export function tcpFlagLetters(flags: number): string {
  // tcpdump's tcp_flag_values order: F S R P . U E W (print-tcp.c)
  if ((flags & 0xff) === 0) return 'none';
  let s = '';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.ACK) s += '.';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  return s;
}

export function formatLine(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, arp: ArpTable | null = null): string {
  const p = opts.palette;
  let s = opts.time.format(f.tsSec, f.tsNsec);
  if (s !== '') s += ' ';
  if (d.linkKind === LinkKind.sll2) s += sll2Prefix(f);
  if (opts.linkHeader === true) s += linkHeaderText(f, d, opts.quick === true);
  s += body(f, d, t, opts, opts.linkHeader === true && linkHeaderReplacesName(d));
  // An undecoded network protocol: the line is tcpdump's header for it, and the bytes follow (dump.ts).
  if (d.error !== null && !undecodedNetwork(d)) s += ' ' + p.error(`[${d.error}]`);
  if (opts.annotate) s += annotations(t, p, arp);
  return s;
}

/** `bare`: without the network layer's name (-e printed the link-level header instead). */
function body(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, bare: boolean): string {
  const p = opts.palette;
  if (d.hasArp) return arpLine(f, d, p, bare ? '' : 'ARP, ');
  if (d.ipVersion === 4) return ip4Line(f, d, t, opts, bare ? '' : 'IP ');
  if (d.ipVersion === 6) return ip6Line(f, d, t, opts, bare ? '' : 'IP6 ');
  if (d.netType === 0x0806) return `${bare ? '' : 'ARP, '}truncated, length ${f.len}`;
  if (undecodedNetwork(d)) return bare ? '' : linkHeaderText(f, d, opts.quick === true);
  if (d.error === 'unsupported link type') return `unsupported link type ${f.linkType}, length ${f.len}`;
  if (d.netType >= 0) return `ethertype 0x${d.netType.toString(16).padStart(4, '0')}, length ${f.len}`;
  if (d.linkKind === LinkKind.ethernet && d.eth.innerType <= 1500 && d.error !== 'truncated ethernet header') {
    return `${macAt(d.eth.buf, d.eth.srcOff)} > ${macAt(d.eth.buf, d.eth.dstOff)}, 802.3, length ${d.eth.innerType}`;
  }
  return `length ${f.len}`;
}

function netLength(f: Frame, d: PacketDecoder): number {
  return f.len - (d.netOff - f.offset);
}

function arpLine(f: Frame, d: PacketDecoder, p: Palette, name: string): string {
  const a = d.arp;
  const len = netLength(f, d);
  if (!a.ethIpv4) return `${name}${a.op === ArpOp.Request ? 'Request' : a.op === ArpOp.Reply ? 'Reply' : `op ${a.op}`}, length ${len}`;
  const b = a.buf;
  if (a.op === ArpOp.Request) {
    let s = `${name}Request who-has ${p.addr(ipv4At(b, a.targetIpOff))}`;
    let zero = true;
    for (let i = 0; i < 6; i++) if (b[a.targetMacOff + i] !== 0) zero = false;
    if (!zero) s += ` (${macAt(b, a.targetMacOff)})`;
    return s + ` tell ${p.addr(ipv4At(b, a.senderIpOff))}, length ${len}`;
  }
  if (a.op === ArpOp.Reply) {
    return `${name}Reply ${p.addr(ipv4At(b, a.senderIpOff))} is-at ${macAt(b, a.senderMacOff)}, length ${len}`;
  }
  if (a.op === 3) return `${name}Reverse Request who-is ${macAt(b, a.targetMacOff)} tell ${macAt(b, a.senderMacOff)}, length ${len}`;
  if (a.op === 4) return `${name}Reverse Reply ${macAt(b, a.targetMacOff)} at ${ipv4At(b, a.targetIpOff)}, length ${len}`;
  return `${name}op ${a.op}, length ${len}`;
}

function ip4Line(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, name: string): string {
  const p = opts.palette;
  const ip = d.ip4;
  const src = ipv4(ip.src), dst = ipv4(ip.dst);
  if (d.error !== null && d.l4 < 0) {
    if (d.error === Ipv4Error.totalLength) return `${name}${src} > ${dst}: [bad ip length ${ip.totalLength} < ${ip.headerLength}]`;
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
  if (ip.extMask === 0 || d.error === Ipv6Error.ext) return transportLine(name, src, dst, f, d, t, opts, ip.upperLength);
  // Extension headers (print-ip6.c): the addresses, each header in order, then the
  // upper layer with its ports only. A non-first fragment ends the line at its header.
  const chain = ip6ExtChain(d);
  const prefix = `${name}${p.addr(src)} > ${p.addr(dst)}: ${chain}`;
  if (d.laterFragment || chain.endsWith('(invalid)')) return prefix;
  return transportLine(name, src, dst, f, d, t, opts, ip.upperLength, prefix);
}

/**
 * The extension headers between the IPv6 header and the upper layer as tcpdump
 * prints them without -v: `HBH `, `DSTOPT `, `RT6 (len=…, type=…, segleft=…, [0]addr…) `,
 * `frag (offset|length)` and `AH(spi=…,seq=…,icv=…): ` (print-ip6opts.c, print-rt6.c,
 * print-frag6.c, print-ah.c). The decoder has checked every length.
 */
function ip6ExtChain(d: PacketDecoder): string {
  const ip = d.ip6;
  const b = ip.buf;
  let nh = b[ip.off + 6]!;
  let q = ip.off + 40;
  let s = '';
  while (q < ip.upperOff) {
    let len: number;
    switch (nh) {
      case IpProto.HopByHop: s += 'HBH '; len = (b[q + 1]! + 1) * 8; break;
      case IpProto.IPv6Opts: s += 'DSTOPT '; len = (b[q + 1]! + 1) * 8; break;
      case IpProto.IPv6Route: {
        const units = b[q + 1]!, type = b[q + 2]!;
        len = (units + 1) * 8;
        s += `RT6 (len=${units}, type=${type}${type === 0 ? ' [Deprecated]' : ''}, segleft=${b[q + 3]}`;
        if (type === 0 || type === 2) {
          const rsv = u32be(b, q + 4);
          if (rsv !== 0) s += `, rsv=0x${rsv.toString(16)}`;
          if (units % 2 === 1) return s + ` [length ${units}] (invalid)`;
          for (let i = 0; i < units / 2; i++) s += `, [${i}]${ipv6At(b, q + 8 + 16 * i)}`;
        } else if (type === 4) { // segment routing (RFC 8754)
          const last = b[q + 4]!, flags = b[q + 5]!;
          s += `, last-entry=${last}`;
          if (flags !== 0) s += `, flags=0x${flags.toString(16)}`;
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
        s += rest < 0 ? `frag (${offset}|[length < 0] (invalid))` : `frag (${offset}|${rest})`;
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
      if (tcp.error === TcpError.short) return head + '[|tcp]';
      if (tcp.error === TcpError.offset) return head + `tcp ${l4len} [bad hdr length ${tcp.headerLength} - too short, < 20]`;
      if (quick) return head + `tcp ${tcp.payloadLength}`;
      return head + tcpText(d, t, opts);
    }
    case IpProto.UDP: {
      const udp = d.udp;
      const head = prefix !== undefined ? `${prefix}${udp.sport} > ${udp.dport}: ` : `${name}${p.addr(src)}.${udp.sport} > ${p.addr(dst)}.${udp.dport}: `;
      if (udp.error === UdpError.short) return head + '[|udp]';
      if (udp.error === 'bad udp length') return head + `UDP, bad length ${udp.length} > ${l4len}`;
      if (quick) return head + `UDP, length ${udp.payloadLength}`;
      const isDns = udp.sport === 53 || udp.dport === 53;
      const isMdns = !isDns && (udp.sport === 5353 || udp.dport === 5353);
      if (isDns || isMdns) {
        // print-domain.c: a message shorter than its 12-byte header is invalid.
        if (udp.payloadLength < 12) return head + `domain [length ${udp.payloadLength} < 12] (invalid)`;
        if (dns.reset(udp.buf, udp.payloadOff, udp.payloadEnd)) return head + dnsText(udp.payloadLength, isMdns);
      }
      return head + `UDP, length ${udp.payloadLength}`;
    }
    case IpProto.ICMP:
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + icmpText(d, l4len);
    case IpProto.ICMPv6:
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + icmp6Text(d, l4len);
    default: {
      const proto = d.ipVersion === 4 ? d.ip4.proto : d.ip6.proto;
      return (prefix ?? `${name}${p.addr(src)} > ${p.addr(dst)}: `) + `ip-proto-${proto} ${l4len}`;
    }
  }
}

function tcpText(d: PacketDecoder, t: Tracker, opts: LineOptions): string {
  const p = opts.palette;
  const tcp = d.tcp;
  // tcpdump's relative numbers (its -S: absolute), per conversation.
  const relative = t.conn !== null && opts.absolute !== true;
  const flags = tcp.flags;
  let s = `Flags [${p.flags(tcpFlagLetters(flags))}]`;
  const len = tcp.payloadLength;
  const seq = relative ? t.relSeq : tcp.seq;
  const ack = relative ? t.relAck : tcp.ack;
  if (len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) {
    s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
  }
  if (flags & TcpFlag.ACK) s += `, ack ${ack}`;
  s += `, win ${tcp.window}`;
  if (flags & TcpFlag.URG) s += `, urg ${tcp.urgentPointer}`;
  if (tcp.headerLength > 20) s += `, options [${tcpOptions(d, t, relative)}]`;
  s += `, length ${len}`;
  const app = len > 0 ? appText(tcp.buf, tcp.payloadOff, tcp.payloadEnd - tcp.payloadOff, len, tcp.sport, tcp.dport) : '';
  if (app !== '') s += app;
  else if (len > 2 && (tcp.sport === 53 || tcp.dport === 53) && tcp.payloadEnd - tcp.payloadOff >= 14) {
    // DNS over TCP (RFC 1035 §4.2.2): a two-byte length, then the message.
    const msgLen = u16be(tcp.buf, tcp.payloadOff);
    if (dns.reset(tcp.buf, tcp.payloadOff + 2, Math.min(tcp.payloadEnd, tcp.payloadOff + 2 + msgLen))) s += ' ' + dnsText(msgLen);
  }
  return s;
}

function tcpOptions(d: PacketDecoder, t: Tracker, relative: boolean): string {
  const tcp = d.tcp;
  const b = tcp.buf;
  let p = tcp.optionsOff;
  const end = Math.min(tcp.off + tcp.headerLength, tcp.payloadEnd > tcp.off ? tcp.off + tcp.headerLength : tcp.off);
  const capEnd = Math.min(end, d.end); // never past the captured bytes
  const parts: string[] = [];
  // SACK blocks are shown relative to the conversation's base, as tcpdump does.
  const sackBase = relative && !t.seqAbsolute ? t.conn!.tdBase(t.side ^ 1) : 0;
  while (p < capEnd) {
    const kind = b[p]!;
    if (kind === 0) { parts.push('eol'); break; } // the rest is padding
    if (kind === 1) { parts.push('nop'); p++; continue; }
    if (p + 1 >= capEnd) { parts.push(`opt-${kind}`); break; }
    const len = b[p + 1]!;
    if (len < 2 || p + len > capEnd) { parts.push(`opt-${kind}:len ${len}`); break; }
    switch (kind) {
      case 2: parts.push(len === 4 ? `mss ${u16be(b, p + 2)}` : `mss [bad opt]`); break;
      case 3: parts.push(len === 3 ? `wscale ${b[p + 2]}` : `wscale [bad opt]`); break;
      case 4: parts.push('sackOK'); break;
      case 5: {
        const n = (len - 2) / 8;
        if (!Number.isInteger(n)) { parts.push('sack invalid'); break; }
        let sack = `sack ${n} `;
        for (let q = p + 2; q + 8 <= p + len; q += 8) {
          sack += `{${(u32be(b, q) - sackBase) >>> 0}:${(u32be(b, q + 4) - sackBase) >>> 0}}`;
        }
        parts.push(sack);
        break;
      }
      case 8: parts.push(len === 10 ? `TS val ${u32be(b, p + 2)} ecr ${u32be(b, p + 6)}` : 'TS [bad opt]'); break;
      case 19: parts.push('md5'); break;
      case 29: parts.push('tcp-ao'); break;
      case 30: parts.push('mptcp'); break;
      case 34: parts.push('tfo'); break;
      default: {
        let hex = '';
        for (let q = p + 2; q < p + len; q++) hex += b[q]!.toString(16).padStart(2, '0');
        parts.push(`unknown-${kind}${hex ? ' 0x' + hex : ''}`);
      }
    }
    p += len;
  }
  return parts.join(',');
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

function icmp6Text(d: PacketDecoder, len: number): string {
  const i = d.icmp;
  if (i.error !== null) return `ICMP6, [|icmp6]`;
  switch (i.type) {
    case Icmp6Type.EchoRequest:
    case Icmp6Type.EchoReply:
      return `ICMP6, echo ${i.type === 128 ? 'request' : 'reply'}, id ${i.hasEcho ? i.echoId : 0}, seq ${i.hasEcho ? i.echoSeq : 0}, length ${len}`;
    case Icmp6Type.NeighborSolicit:
      return i.ndTargetOff >= 0 ? `ICMP6, neighbor solicitation, who has ${ipv6At(i.buf, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor solicitation, length ${len}`;
    case Icmp6Type.NeighborAdvert:
      return i.ndTargetOff >= 0 ? `ICMP6, neighbor advertisement, tgt is ${ipv6At(i.buf, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor advertisement, length ${len}`;
    case Icmp6Type.RouterSolicit: return `ICMP6, router solicitation, length ${len}`;
    case Icmp6Type.RouterAdvert: return `ICMP6, router advertisement, length ${len}`;
    case Icmp6Type.Redirect: return `ICMP6, redirect, length ${len}`;
    case Icmp6Type.Unreachable: return `ICMP6, destination unreachable, length ${len}`;
    case Icmp6Type.PacketTooBig: return `ICMP6, packet too big, length ${len}`;
    case Icmp6Type.TimeExceeded: return `ICMP6, time exceeded in-transit, length ${len}`;
    case Icmp6Type.ParamProblem: return `ICMP6, parameter problem, length ${len}`;
    // MLD (RFC 2710) and MLDv2 (RFC 3810), as print-icmp6.c prints them without -v
    // (its MLDv1 text follows the type name with no separator).
    case 130:
      if (len === 24) return `ICMP6, multicast listener query${mld6Text(i.buf, i.off, i.end)}, length ${len}`;
      if (len >= 28) {
        if (i.end - i.off < 28) return `ICMP6, multicast listener query v2 [|icmp6]`;
        const sources = u16be(i.buf, i.off + 26);
        const srcText = sources === 0 ? '' : len < 28 + 16 * sources ? ' [invalid number of sources]' : `, ${sources} source(s)`;
        return `ICMP6, multicast listener query v2 [gaddr ${ipv6At(i.buf, i.off + 8)}${srcText}], length ${len}`;
      }
      return `ICMP6, multicast listener query unknown-version (len ${len}) , length ${len}`;
    case 131: return `ICMP6, multicast listener report${mld6Text(i.buf, i.off, i.end)}, length ${len}`;
    case 132: return `ICMP6, multicast listener done${mld6Text(i.buf, i.off, i.end)}, length ${len}`;
    case 143:
      if (len < 8) return `ICMP6, multicast listener report v2 [invalid len ${len}], length ${len}`;
      return `ICMP6, multicast listener report v2, ${u16be(i.buf, i.off + 6)} group record(s), length ${len}`;
    default: return `ICMP6, type-#${i.type}, length ${len}`;
  }
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
 * print-domain.c's summary without -v: the header, then every question of a
 * query or the answers of a response. `mdns`: port 5353, where the top bit of
 * the class is the QU or cache-flush flag. A message cut short ends with
 * ` [|domain]` and no length, as tcpdump's truncation does.
 */
function dnsText(length: number, mdns = false): string {
  let s: string;
  const b = dns.buf;
  if (dns.isResponse) {
    s = `${dns.id}${OPS[dns.opcode]}${RCODES[dns.rcode] ?? ` Resp${dns.rcode}`}${dns.aa ? '*' : ''}${dns.ra ? '' : '-'}${dns.tc ? '|' : ''}${dns.ad ? '$' : ''}`;
    if (dns.qdcount !== 1) s += ` [${dns.qdcount}q]`;
    const p = dns.questions(null);
    if (p < 0) return s + ' [|domain]';
    s += ` ${dns.ancount}/${dns.nscount}/${dns.arcount}`;
    const ans = answers(p, dns.ancount, mdns);
    s += ans;
    if (answersCut) return s + ' [|domain]';
  } else {
    s = `${dns.id}${OPS[dns.opcode]}${dns.rd ? '+' : ''}${dns.cd ? '%' : ''}`;
    const b2 = dns.flags & 0xffff;
    if (b2 & 0x6cf) s += ` [b2&3=0x${b2.toString(16)}]`;
    if (dns.opcode === 1) { // IQUERY
      if (dns.qdcount) s += ` [${dns.qdcount}q]`;
      if (dns.ancount !== 1) s += ` [${dns.ancount}a]`;
    } else {
      if (dns.ancount) s += ` [${dns.ancount}a]`;
      if (dns.qdcount !== 1) s += ` [${dns.qdcount}q]`;
    }
    if (dns.nscount) s += ` [${dns.nscount}n]`;
    if (dns.arcount) s += ` [${dns.arcount}au]`;
    let p = dns.off + 12;
    for (let i = 0; i < dns.qdcount; i++) {
      if (i > 0 && p >= dns.end) return s + ' [|domain]';
      const n = dns.readName(p);
      if (n === null || n.next + 4 > dns.end) return s + ' [|domain]';
      const cls = u16be(b, n.next + 2);
      const plain = mdns ? cls & 0x7fff : cls;
      s += ` ${dnsTypeName(u16be(b, n.next))}${plain !== 1 ? dnsClassText(plain) : ''}${mdns ? ((cls & 0x8000) !== 0 ? ' (QU)' : ' (QM)') : ''}? ${safeText(n.name)}`;
      p = n.next + 4;
    }
  }
  return s + ` (${length})`;
}

/** Set by answers(): the answer section ended before its count (tcpdump's `goto trunc`). */
let answersCut = false;

/** print-domain.c's ns_rprint without -v, for each answer: `, TYPE rdata`. */
function answers(p: number, count: number, mdns: boolean): string {
  let s = '';
  answersCut = false;
  const b = dns.buf;
  let i = 0;
  for (; i < count; i++) {
    if (i > 0) {
      if (p >= dns.end) break;
      s += ',';
    }
    const n = dns.readName(p);
    if (n === null || n.next + 10 > dns.end) { p = dns.end; continue; } // ns_rprint returns the end: nothing printed
    const type = u16be(b, n.next);
    const cls = u16be(b, n.next + 2);
    const plain = mdns ? cls & 0x7fff : cls;
    if (plain !== 1 && type !== 41) s += dnsClassText(plain);
    if (mdns && (cls & 0x8000) !== 0) s += ' (Cache flush)';
    const rdlen = u16be(b, n.next + 8);
    const rd = n.next + 10;
    s += ' ' + dnsTypeName(type);
    if (rd + rdlen > dns.end) { answersCut = true; return s; }
    const rdEnd = rd + rdlen;
    switch (type) {
      case 1: if (rdlen < 4) { answersCut = true; return s; } s += ' ' + ipv4At(b, rd); break;
      case 28: if (rdlen < 16) { answersCut = true; return s; } s += ' ' + ipv6At(b, rd); break;
      case 2: case 5: case 12: case 39: {
        const t = dns.readName(rd);
        if (t === null) { answersCut = true; return s + ' '; }
        s += ' ' + safeText(t.name);
        break;
      }
      case 15: {
        const t = rdlen >= 2 ? dns.readName(rd + 2) : null;
        if (t === null) { answersCut = true; return s + ' '; }
        s += ` ${safeText(t.name)} ${u16be(b, rd)}`;
        break;
      }
      case 16: // TXT: each character-string quoted (bounded by the capture, as ns_cprint is)
        for (let q = rd; q < rdEnd;) {
          const l = b[q]!;
          if (q + 1 + l > dns.end) { answersCut = true; return s + ' "'; }
          s += ` "${printableText(b, q + 1, q + 1 + l)}"`;
          q += 1 + l;
        }
        break;
      case 33: { // SRV: target:port priority weight
        const t = rdlen >= 6 ? dns.readName(rd + 6) : null;
        if (t === null) { answersCut = true; return s + ' '; }
        s += ` ${safeText(t.name)}:${u16be(b, rd + 4)} ${u16be(b, rd)} ${u16be(b, rd + 2)}`;
        break;
      }
      default: break;
    }
    p = rdEnd;
  }
  if (i < count) answersCut = true;
  return s;
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
