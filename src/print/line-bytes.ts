/**
 * The hot path of the line view: a TCP segment over IPv4/IPv6 written byte by
 * byte into the output buffer, with no intermediate strings. It produces
 * exactly what formatLine() produces (a test compares the two on every
 * fixture and corpus capture); anything it does not cover — another
 * protocol, a decoding error, an unusual TCP option, colour — returns false
 * and the caller uses formatLine().
 */
import type { ByteSink } from '../encode/sink.js';
import { IpProto, TcpFlag } from '../decode/constants.js';
import { LinkLayer, type PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { ipv6At } from '../encode/addr.js';
import { Analysis, AnalysisNames, EventKind, type Tracker } from '../track/tracker.js';
import { eventText } from '../encode/events.js';
import { annotations, type LineOptions } from './line.js';
import { hasAppText, tcpPortPrinter, writeAppText } from './print-text-protocols.js';
import { sll2Prefix } from './link-header.js';
import { noColor } from '../encode/palette.js';
import { u16be, u32be } from '../bytes.js';

// tcpdump's flag letters in its order: F S R P . U E W
const FLAG_BITS = [TcpFlag.FIN, TcpFlag.SYN, TcpFlag.RST, TcpFlag.PSH, TcpFlag.ACK, TcpFlag.URG, TcpFlag.ECE, TcpFlag.CWR];
const FLAG_CHARS = [70, 83, 82, 80, 46, 85, 69, 87];

/** Options the byte path prints itself: EOL, NOP, MSS, window scale, SACK-permitted, SACK, timestamps. */
function simpleOptions(b: Buffer, p: number, end: number): boolean {
  while (p < end) {
    const kind = b[p]!;
    if (kind === 0) return true;
    if (kind === 1) { p++; continue; }
    if (p + 1 >= end) return false;
    const len = b[p + 1]!;
    if (len < 2 || p + len > end) return false;
    switch (kind) {
      case 2: if (len !== 4) return false; break;
      case 3: if (len !== 3) return false; break;
      case 4: break;
      case 5: if ((len - 2) % 8 !== 0) return false; break;
      case 8: if (len !== 10) return false; break;
      default: return false;
    }
    p += len;
  }
  return true;
}

export function writeTcpLine(out: ByteSink, f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, arp: ArpTable | null): boolean {
  if (opts.palette !== noColor || opts.linkHeader === true || opts.quick === true || (opts.verbose ?? 0) > 0 || d.error !== null || d.l4 !== IpProto.TCP || d.laterFragment
    || (d.ipVersion === 6 && d.ip6.extMask !== 0) || d.mplsLabels !== 0 || d.pppoeOff >= 0) return false; // extension headers, MPLS, PPPoE: the string path prints them
  const tcp = d.tcp;
  const printer = tcpPortPrinter(tcp.sport, tcp.dport);
  if (printer === 'domain' || printer === 'resp' || printer === 'bgp') return false; // DNS over TCP, RESP and BGP: the string path prints them
  const b = tcp.buf;
  const optEnd = tcp.off + tcp.headerLength;
  if (tcp.headerLength > 20 && !simpleOptions(b, tcp.optionsOff, optEnd)) return false;

  out.reserve(1024);
  if (!opts.time.writeTo(out, f.tsSec, f.tsNsec)) {
    const time = opts.time.format(f.tsSec, f.tsNsec);
    if (time !== '') { out.ascii(time); out.byte(32); }
  }
  if (d.linkLayer === LinkLayer.sll2) out.text(sll2Prefix(f)); // Linux cooked v2: interface and direction first
  if (d.ipVersion === 4) {
    out.ascii('IP '); out.ipv4(d.ip4.src); out.byte(46); out.dec(tcp.sport);
    out.ascii(' > '); out.ipv4(d.ip4.dst); out.byte(46); out.dec(tcp.dport);
  } else {
    out.ascii('IP6 '); out.ascii(ipv6At(d.ip6.buf, d.ip6.srcOff)); out.byte(46); out.dec(tcp.sport);
    out.ascii(' > '); out.ascii(ipv6At(d.ip6.buf, d.ip6.dstOff)); out.byte(46); out.dec(tcp.dport);
  }
  out.ascii(': Flags [');
  const flags = tcp.flags;
  if ((flags & 0xff) === 0) out.ascii('none');
  else for (let i = 0; i < 8; i++) if (flags & FLAG_BITS[i]!) out.byte(FLAG_CHARS[i]!);
  out.byte(93);
  const len = tcp.payloadLength;
  const relative = t.conn !== null && opts.absolute !== true; // -S: absolute
  const seq = relative ? t.relSeq : tcp.seq;
  const ack = relative ? t.relAck : tcp.ack;
  if (len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) {
    out.ascii(', seq '); out.dec(seq);
    if (len > 0) { out.byte(58); out.dec((seq + len) >>> 0); }
  }
  if (flags & TcpFlag.ACK) { out.ascii(', ack '); out.dec(ack); }
  out.ascii(', win '); out.dec(tcp.window);
  if (flags & TcpFlag.URG) { out.ascii(', urg '); out.dec(tcp.urgentPointer); }
  if (tcp.headerLength > 20) {
    out.ascii(', options [');
    const sackBase = relative && !t.seqAbsolute ? t.conn!.tcpdumpBase(t.side ^ 1) : 0;
    let first = true;
    for (let p = tcp.optionsOff; p < optEnd;) {
      const kind = b[p]!;
      if (!first) out.byte(44);
      first = false;
      if (kind === 0) { out.ascii('eol'); break; }
      if (kind === 1) { out.ascii('nop'); p++; continue; }
      const olen = b[p + 1]!;
      switch (kind) {
        case 2: out.ascii('mss '); out.dec(u16be(b, p + 2)); break;
        case 3: out.ascii('wscale '); out.dec(b[p + 2]!); break;
        case 4: out.ascii('sackOK'); break;
        case 5:
          out.ascii('sack '); out.dec((olen - 2) / 8); out.byte(32);
          for (let q = p + 2; q + 8 <= p + olen; q += 8) {
            out.byte(123); out.dec((u32be(b, q) - sackBase) >>> 0); out.byte(58);
            out.dec((u32be(b, q + 4) - sackBase) >>> 0); out.byte(125);
          }
          break;
        default: // 8: timestamps
          out.ascii('TS val '); out.dec(u32be(b, p + 2)); out.ascii(' ecr '); out.dec(u32be(b, p + 6));
      }
      p += olen;
    }
    out.byte(93);
  }
  out.ascii(', length '); out.dec(len);
  if (len > 0 && hasAppText(tcp.sport, tcp.dport)) writeAppText(out, b, tcp.payloadOff, tcp.payloadEnd - tcp.payloadOff, len, tcp.sport, tcp.dport);
  if (opts.annotate) {
    if (arp !== null && arp.conflict !== null) {
      out.text(annotations(t, noColor, arp)); // never on a TCP frame in practice; the string path has it
    } else {
      writeAnnotations(out, t);
    }
  }
  out.endLine();
  return true;
}

/** tcp.analysis names in brackets, then the events in parentheses: annotations() as bytes. */
function writeAnnotations(out: ByteSink, t: Tracker): void {
  // Every analysis name and every event fits in this (names: about 330 bytes, events: under 128 each).
  out.reserve(512 + 128 * t.eventCount);
  const a = t.analysis;
  if (a !== 0) {
    out.ascii(' [');
    let first = true;
    for (let i = 0; i < AnalysisNames.length; i++) {
      if ((a & (1 << i)) === 0) continue;
      if (i === 0 && (a & (Analysis.FAST_RETRANSMISSION | Analysis.SPURIOUS_RETRANSMISSION)) !== 0) continue;
      if (!first) out.byte(32);
      first = false;
      out.ascii(AnalysisNames[i]!);
    }
    out.byte(93);
  }
  const c = t.conn;
  if (t.eventCount === 0 || c === null) return;
  out.ascii(' (');
  for (let i = 0; i < t.eventCount; i++) {
    if (i > 0) out.ascii('; ');
    if (t.eventKind[i] === EventKind.STATE) {
      out.ascii(t.eventSide[i] === c.clientSide ? 'client ' : 'server ');
      out.ascii(t.eventFrom[i] ?? 'none');
      out.bytes(ARROW);
      out.ascii(t.eventTo[i]!);
    } else {
      out.text(eventText(t, i, c, true));
    }
  }
  out.byte(41);
}

const ARROW = Buffer.from(' → ');
