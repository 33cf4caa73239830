/**
 * `read --json` / `capture --json` packet records (shared/spec/CONTRACT.md),
 * written byte by byte into the sink: the one writer of the packet record. A
 * record per packet built as a string would cost more in concatenation and
 * garbage than everything else `read --json` does; packetJson() is the same
 * writer over a StringSink for those that want the string.
 */
import { type ByteSink, StringSink } from './sink.js';
import { IpProto } from '../decode/constants.js';
import { DecodeError, LinkLayer, type PacketDecoder } from '../decode/packet-decoder.js';
import { TcpError } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import type { Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { AnalysisNames, type Tracker } from '../track/tracker.js';
import { ipv6At } from './addr.js';
import { eventText } from './events.js';
import { tcpFlagLetters } from './tcp-flags.js';
import { writeTsString } from './time.js';
import { connCommunityId, packetCommunityId } from './community-id.js';
import { u16be, u32be } from '../bytes.js';

function mac(out: ByteSink, b: Buffer, o: number): void {
  for (let i = 0; i < 6; i++) {
    if (i > 0) out.byte(58);
    out.hex2(b[o + i]!);
  }
}

function bool(out: ByteSink, v: boolean): void {
  out.ascii(v ? 'true' : 'false');
}

/** One packet record and its newline; `seed` is the Community ID's (--community-id-seed). */
export function writePacketJson(out: ByteSink, n: number, f: Frame, d: PacketDecoder, t: Tracker, arp: ArpTable | null, seed = 0): void {
  out.reserve(2048 + 64 * t.eventCount);
  out.ascii('{"type":"packet","n":'); out.dec(n);
  out.ascii(',"ts":"');
  writeTsString(out, f.tsSec, f.tsNsec);
  out.ascii('","len":'); out.dec(f.len);
  out.ascii(',"caplen":'); out.dec(f.caplen);
  if (d.linkLayer === LinkLayer.ethernet && d.error !== DecodeError.ethShort) {
    const e = d.eth;
    out.ascii(',"eth":{"src":"'); mac(out, e.buf, e.srcOff);
    out.ascii('","dst":"'); mac(out, e.buf, e.dstOff);
    out.ascii('","type":'); out.dec(e.outerType); out.byte(125);
  }
  if (d.eth.vlanCount > 0) {
    out.ascii(',"vlan":[');
    for (let i = 0; i < d.eth.vlanCount; i++) { if (i > 0) out.byte(44); out.dec(d.eth.vlanIds[i]!); }
    out.byte(93);
  }
  if (d.hasArp) {
    const a = d.arp;
    out.ascii(',"arp":{"op":'); out.dec(a.op);
    const have = d.end;
    // Each address only when its bytes are in the capture; MACs only for 6-byte hardware addresses.
    if (a.macs && a.senderMacOff + 6 <= have) { out.ascii(',"senderMac":"'); mac(out, a.buf, a.senderMacOff); out.byte(34); }
    if (a.ipv4 && a.senderIpOff + 4 <= have) { out.ascii(',"senderIp":"'); out.ipv4(u32be(a.buf, a.senderIpOff)); out.byte(34); }
    if (a.macs && a.targetMacOff + 6 <= have) { out.ascii(',"targetMac":"'); mac(out, a.buf, a.targetMacOff); out.byte(34); }
    if (a.ipv4 && a.targetIpOff + 4 <= have) { out.ascii(',"targetIp":"'); out.ipv4(u32be(a.buf, a.targetIpOff)); out.byte(34); }
    out.byte(125);
  }
  if (d.ipVersion === 4) {
    const ip = d.ip4;
    out.ascii(',"ip":{"v":4,"src":"'); out.ipv4(ip.src);
    out.ascii('","dst":"'); out.ipv4(ip.dst);
    out.ascii('","proto":'); out.dec(ip.proto);
    out.ascii(',"ttl":'); out.dec(ip.ttl);
    out.ascii(',"id":'); out.dec(ip.id);
    out.ascii(',"mf":'); bool(out, ip.mf);
    out.ascii(',"fragOffset":'); out.dec(ip.fragOffset);
    out.ascii(',"df":'); bool(out, ip.df);
    out.ascii(',"checksumOk":'); bool(out, ip.checksumOk);
    out.byte(125);
  } else if (d.ipVersion === 6) {
    const ip = d.ip6;
    out.ascii(',"ip":{"v":6,"src":"'); out.ascii(ipv6At(ip.buf, ip.srcOff));
    out.ascii('","dst":"'); out.ascii(ipv6At(ip.buf, ip.dstOff));
    out.ascii('","proto":'); out.dec(ip.proto);
    out.ascii(',"ttl":'); out.dec(ip.hopLimit);
    if (ip.hasFragment) {
      out.ascii(',"id":'); out.dec(ip.fragId);
      out.ascii(',"mf":'); bool(out, ip.fragMf);
      out.ascii(',"fragOffset":'); out.dec(ip.fragOffset);
    }
    out.byte(125);
  } else if (d.netType === 0x0800 || d.netType === 0x86dd) {
    partialIp(out, d);
  }
  if (d.l4 === IpProto.TCP && d.tcp.error === TcpError.short) {
    partialPorts(out, ',"tcp":{"sport":', d.tcp.buf, d.tcp.off, d.end, false);
  } else if (d.l4 === IpProto.UDP && d.udp.error === UdpError.short) {
    partialPorts(out, ',"udp":{"sport":', d.udp.buf, d.udp.off, d.end, true);
  } else if (d.l4 === IpProto.TCP) {
    const tcp = d.tcp;
    out.ascii(',"tcp":{"sport":'); out.dec(tcp.sport);
    out.ascii(',"dport":'); out.dec(tcp.dport);
    out.ascii(',"seq":'); out.dec(tcp.seq);
    out.ascii(',"ack":'); out.dec(tcp.ack);
    out.ascii(',"flags":"'); out.ascii(tcpFlagLetters(tcp.flags));
    out.ascii('","win":'); out.dec(tcp.window);
    out.ascii(',"len":'); out.dec(tcp.payloadLength);
    if (tcp.mss >= 0) { out.ascii(',"mss":'); out.dec(tcp.mss); }
    if (tcp.wscale >= 0) { out.ascii(',"wscale":'); out.dec(tcp.wscale); }
    if (tcp.sackPermitted) out.ascii(',"sackOk":true');
    if (tcp.hasTimestamps) { out.ascii(',"tsval":'); out.dec(tcp.tsVal); out.ascii(',"tsecr":'); out.dec(tcp.tsEcr); }
    out.byte(125);
  } else if (d.l4 === IpProto.UDP) {
    out.ascii(',"udp":{"sport":'); out.dec(d.udp.sport);
    out.ascii(',"dport":'); out.dec(d.udp.dport);
    out.ascii(',"len":'); out.dec(d.udp.length);
    out.byte(125);
  } else if ((d.l4 === IpProto.ICMP || d.l4 === IpProto.ICMPv6) && d.icmp.error === null) {
    const i = d.icmp;
    out.ascii(',"icmp":{"type":'); out.dec(i.type);
    out.ascii(',"code":'); out.dec(i.code);
    if (i.hasEcho) { out.ascii(',"id":'); out.dec(i.echoId); out.ascii(',"seq":'); out.dec(i.echoSeq); }
    if (d.innerVersion !== 0) {
      out.ascii(',"inner":{"src":"');
      if (d.innerVersion === 4) out.ipv4(d.innerIp4.src); else out.ascii(ipv6At(d.innerIp6.buf, d.innerIp6.srcOff));
      out.ascii('","dst":"');
      if (d.innerVersion === 4) out.ipv4(d.innerIp4.dst); else out.ascii(ipv6At(d.innerIp6.buf, d.innerIp6.dstOff));
      out.ascii('","proto":'); out.dec(d.innerProto);
      if (d.innerSport >= 0) { out.ascii(',"sport":'); out.dec(d.innerSport); out.ascii(',"dport":'); out.dec(d.innerDport); }
      out.byte(125);
    }
    out.byte(125);
  }
  if (t.conn !== null) {
    out.ascii(',"conn":'); out.dec(t.conn.id);
    out.ascii(',"communityId":"'); out.ascii(connCommunityId(t.conn, seed)); out.byte(34);
  } else {
    const id = packetCommunityId(d, seed);
    if (id !== null) { out.ascii(',"communityId":"'); out.ascii(id); out.byte(34); }
  }
  if (t.analysis !== 0) {
    out.ascii(',"analysis":[');
    let first = true;
    for (let i = 0; i < AnalysisNames.length; i++) {
      if ((t.analysis & (1 << i)) === 0) continue;
      out.ascii(first ? '"' : ',"'); out.ascii(AnalysisNames[i]!); out.byte(34);
      first = false;
    }
    out.byte(93);
  }
  const tcpEvents = t.eventCount > 0 && t.conn !== null;
  const arpConflict = arp !== null && arp.conflict !== null;
  if (tcpEvents || arpConflict) {
    out.ascii(',"events":[');
    if (tcpEvents) {
      for (let i = 0; i < t.eventCount; i++) {
        if (i > 0) out.byte(44);
        out.byte(34); out.ascii(eventText(t, i, t.conn!, false)); out.byte(34); // machine words: ASCII, nothing to escape
      }
    }
    if (arpConflict) out.ascii(tcpEvents ? ',"arp-conflict"' : '"arp-conflict"');
    out.byte(93);
  }
  if (d.error !== null) { out.ascii(',"error":"'); out.ascii(d.error); out.byte(34); }
  out.byte(125);
  out.endLine();
}

/**
 * An IP header that could not be decoded in full (cut short, or a length field
 * that lies): the fields whose bytes are present, as tshark shows them.
 */
function partialIp(out: ByteSink, d: PacketDecoder): void {
  const b = d.netBuf;
  const o = d.netOff;
  const have = d.end - o;
  if (have < 1) return;
  const v = b[o]! >>> 4;
  if (v === 4 && d.netType === 0x0800) {
    out.ascii(',"ip":{"v":4');
    if (have >= 16) { out.ascii(',"src":"'); out.ipv4(u32be(b, o + 12)); out.byte(34); }
    if (have >= 20) { out.ascii(',"dst":"'); out.ipv4(u32be(b, o + 16)); out.byte(34); }
    if (have >= 10) { out.ascii(',"proto":'); out.dec(b[o + 9]!); out.ascii(',"ttl":'); out.dec(b[o + 8]!); }
    if (have >= 8) {
      out.ascii(',"id":'); out.dec(u16be(b, o + 4));
      out.ascii(',"mf":'); bool(out, (b[o + 6]! & 0x20) !== 0);
      out.ascii(',"fragOffset":'); out.dec(u16be(b, o + 6) & 0x1fff);
    }
    out.byte(125);
  } else if (v === 6 && d.netType === 0x86dd) {
    out.ascii(',"ip":{"v":6');
    if (have >= 24) { out.ascii(',"src":"'); out.ascii(ipv6At(b, o + 8)); out.byte(34); }
    if (have >= 40) { out.ascii(',"dst":"'); out.ascii(ipv6At(b, o + 24)); out.byte(34); }
    if (have >= 8) { out.ascii(',"proto":'); out.dec(b[o + 6]!); out.ascii(',"ttl":'); out.dec(b[o + 7]!); }
    out.byte(125);
  }
}

/** Ports (and UDP length) of a transport header cut short; `head` opens the object up to the source port. */
function partialPorts(out: ByteSink, head: string, b: Buffer, o: number, end: number, udp: boolean): void {
  const have = end - o;
  if (have < 2) return;
  out.ascii(head); out.dec(u16be(b, o));
  if (have >= 4) { out.ascii(',"dport":'); out.dec(u16be(b, o + 2)); }
  if (udp && have >= 6) { out.ascii(',"len":'); out.dec(u16be(b, o + 4)); }
  out.byte(125);
}

const packetSink = new StringSink();

/** writePacketJson's record as a string, without its newline (tests). */
export function packetJson(n: number, f: Frame, d: PacketDecoder, t: Tracker, arp: ArpTable | null = null, seed = 0): string {
  writePacketJson(packetSink, n, f, d, t, arp, seed);
  const s = packetSink.take();
  return s.slice(0, -1);
}
