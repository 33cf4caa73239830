/** NDJSON records exactly per shared/spec/CONTRACT.md; strings are built by hand for speed. */
import { IpProto } from '../decode/constants.js';
import { LinkKind, type PacketDecoder } from '../decode/packet-decoder.js';
import { TcpError } from '../decode/tcp.js';
import { UdpError } from '../decode/udp.js';
import type { ByteSink } from './sink.js';
import type { Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { type Connection, MptcpSubflow, statesOfPath } from '../track/tcp/connection.js';
import { AnalysisNames, type Tracker } from '../track/tracker.js';
import { eventText } from './events.js';
import { ipv4, ipv4At, ipv6At, ipv6Words, macAt } from './addr.js';
import { tcpFlagLetters } from './tcp-flags.js';
import { round9, tsString, writeSeconds, writeTsString } from './time.js';
import { u16be } from '../bytes.js';

export function packetJson(n: number, f: Frame, d: PacketDecoder, t: Tracker, arp: ArpTable | null = null): string {
  let s = `{"type":"packet","n":${n},"ts":"${tsString(f.tsSec, f.tsNsec)}","len":${f.len},"caplen":${f.caplen}`;
  if (d.linkKind === LinkKind.ethernet && d.error !== 'truncated ethernet header') {
    const e = d.eth;
    s += `,"eth":{"src":"${macAt(e.buf, e.srcOff)}","dst":"${macAt(e.buf, e.dstOff)}","type":${e.outerType}}`;
  }
  if (d.eth.vlanCount > 0) {
    s += ',"vlan":[';
    for (let i = 0; i < d.eth.vlanCount; i++) s += (i ? ',' : '') + d.eth.vlanIds[i];
    s += ']';
  }
  if (d.hasArp) {
    const a = d.arp;
    s += `,"arp":{"op":${a.op}`;
    // Each address only when its bytes are in the capture; MACs only for 6-byte hardware addresses.
    const have = d.end;
    if (a.macs && a.senderMacOff + 6 <= have) s += `,"senderMac":"${macAt(a.buf, a.senderMacOff)}"`;
    if (a.ipv4 && a.senderIpOff + 4 <= have) s += `,"senderIp":"${ipv4At(a.buf, a.senderIpOff)}"`;
    if (a.macs && a.targetMacOff + 6 <= have) s += `,"targetMac":"${macAt(a.buf, a.targetMacOff)}"`;
    if (a.ipv4 && a.targetIpOff + 4 <= have) s += `,"targetIp":"${ipv4At(a.buf, a.targetIpOff)}"`;
    s += '}';
  }
  if (d.ipVersion === 4) {
    const ip = d.ip4;
    s += `,"ip":{"v":4,"src":"${ipv4(ip.src)}","dst":"${ipv4(ip.dst)}","proto":${ip.proto},"ttl":${ip.ttl},"id":${ip.id},"mf":${ip.mf},"fragOffset":${ip.fragOffset},"df":${ip.df},"checksumOk":${ip.checksumOk}}`;
  } else if (d.ipVersion === 6) {
    const ip = d.ip6;
    s += `,"ip":{"v":6,"src":"${ipv6At(ip.buf, ip.srcOff)}","dst":"${ipv6At(ip.buf, ip.dstOff)}","proto":${ip.proto},"ttl":${ip.hopLimit}`;
    if (ip.hasFragment) s += `,"id":${ip.fragId},"mf":${ip.fragMf},"fragOffset":${ip.fragOffset}`;
    s += '}';
  } else if (d.netType === 0x0800 || d.netType === 0x86dd) {
    s += partialIp(d);
  }
  if (d.l4 === IpProto.TCP && d.tcp.error === TcpError.short) {
    s += partialPorts('tcp', d.tcp.buf, d.tcp.off, d.end, false);
  } else if (d.l4 === IpProto.UDP && d.udp.error === UdpError.short) {
    s += partialPorts('udp', d.udp.buf, d.udp.off, d.end, true);
  } else if (d.l4 === IpProto.TCP) {
    const tcp = d.tcp;
    s += `,"tcp":{"sport":${tcp.sport},"dport":${tcp.dport},"seq":${tcp.seq},"ack":${tcp.ack},"flags":"${tcpFlagLetters(tcp.flags)}","win":${tcp.window},"len":${tcp.payloadLength}`;
    if (tcp.mss >= 0) s += `,"mss":${tcp.mss}`;
    if (tcp.wscale >= 0) s += `,"wscale":${tcp.wscale}`;
    if (tcp.sackPermitted) s += ',"sackOk":true';
    if (tcp.hasTimestamps) s += `,"tsval":${tcp.tsVal},"tsecr":${tcp.tsEcr}`;
    s += '}';
  } else if (d.l4 === IpProto.UDP) {
    s += `,"udp":{"sport":${d.udp.sport},"dport":${d.udp.dport},"len":${d.udp.length}}`;
  } else if ((d.l4 === IpProto.ICMP || d.l4 === IpProto.ICMPv6) && d.icmp.error === null) {
    const i = d.icmp;
    s += `,"icmp":{"type":${i.type},"code":${i.code}`;
    if (i.hasEcho) s += `,"id":${i.echoId},"seq":${i.echoSeq}`;
    if (d.innerVersion !== 0) {
      const src = d.innerVersion === 4 ? ipv4(d.innerIp4.src) : ipv6At(d.innerIp6.buf, d.innerIp6.srcOff);
      const dst = d.innerVersion === 4 ? ipv4(d.innerIp4.dst) : ipv6At(d.innerIp6.buf, d.innerIp6.dstOff);
      s += `,"inner":{"src":"${src}","dst":"${dst}","proto":${d.innerProto}`;
      if (d.innerSport >= 0) s += `,"sport":${d.innerSport},"dport":${d.innerDport}`;
      s += '}';
    }
    s += '}';
  }
  if (t.conn !== null) s += `,"conn":${t.conn.id}`;
  if (t.analysis !== 0) {
    s += ',"analysis":[';
    let first = true;
    for (let i = 0; i < AnalysisNames.length; i++) {
      if (t.analysis & (1 << i)) { s += (first ? '"' : ',"') + AnalysisNames[i] + '"'; first = false; }
    }
    s += ']';
  }
  const tcpEvents = t.eventCount > 0 && t.conn !== null;
  const arpConflict = arp !== null && arp.conflict !== null;
  if (tcpEvents || arpConflict) {
    s += ',"events":[';
    if (tcpEvents) for (let i = 0; i < t.eventCount; i++) s += (i ? ',' : '') + JSON.stringify(eventText(t, i, t.conn!, false));
    if (arpConflict) s += (tcpEvents ? ',' : '') + '"arp-conflict"';
    s += ']';
  }
  if (d.error !== null) s += `,"error":"${d.error}"`;
  return s + '}';
}

/**
 * An IP header that could not be decoded in full (cut short, or a length field
 * that lies): the fields whose bytes are present, as tshark shows them.
 */
export function partialIp(d: PacketDecoder): string {
  const b = d.netBuf;
  const o = d.netOff;
  const have = d.end - o;
  if (have < 1) return '';
  const v = b[o]! >>> 4;
  if (v === 4 && d.netType === 0x0800) {
    let s = ',"ip":{"v":4';
    if (have >= 16) s += `,"src":"${ipv4At(b, o + 12)}"`;
    if (have >= 20) s += `,"dst":"${ipv4At(b, o + 16)}"`;
    if (have >= 10) s += `,"proto":${b[o + 9]},"ttl":${b[o + 8]}`;
    if (have >= 8) s += `,"id":${u16be(b, o + 4)},"mf":${(b[o + 6]! & 0x20) !== 0},"fragOffset":${u16be(b, o + 6) & 0x1fff}`;
    return s + '}';
  }
  if (v === 6 && d.netType === 0x86dd) {
    let s = ',"ip":{"v":6';
    if (have >= 24) s += `,"src":"${ipv6At(b, o + 8)}"`;
    if (have >= 40) s += `,"dst":"${ipv6At(b, o + 24)}"`;
    if (have >= 8) s += `,"proto":${b[o + 6]},"ttl":${b[o + 7]}`;
    return s + '}';
  }
  return '';
}

/** Ports (and UDP length) of a transport header cut short. */
export function partialPorts(name: string, b: Buffer, o: number, end: number, udp: boolean): string {
  const have = end - o;
  if (have < 2) return '';
  let s = `,"${name}":{"sport":${u16be(b, o)}`;
  if (have >= 4) s += `,"dport":${u16be(b, o + 2)}`;
  if (udp && have >= 6) s += `,"len":${u16be(b, o + 4)}`;
  return s + '}';
}

const v6words = new Uint16Array(8);
function endpointIp(c: Connection, side: number): string {
  const a = c.addr;
  const o = side * 4;
  if (!c.v6) return ipv4(a[o + 3]! >>> 0);
  const w = v6words;
  for (let i = 0; i < 4; i++) { w[2 * i] = a[o + i]! >>> 16; w[2 * i + 1] = a[o + i]! & 0xffff; }
  return ipv6Words(w);
}

export interface ConnSummary {
  id: number; proto: 'tcp' | 'udp';
  client: { ip: string; port: number }; server: { ip: string; port: number };
  firstTs: string; lastTs: string; duration: number;
  packets: { client: number; server: number }; bytes: { client: number; server: number };
  handshake?: string; teardown?: string; rtt?: number | null;
  states?: { client: string[]; server: string[] }; connState?: string; history?: string; retransmissions?: number; missedBytes?: number;
  mptcp?: MptcpSummary;
}

/** A Multipath TCP subflow: the initial one (MP_CAPABLE) or an additional one (MP_JOIN) and the conversation it joins. */
export interface MptcpSummary { subflow: 'initial' | 'additional'; token: string | null; of?: number | null }

function mptcpSummary(c: Connection): MptcpSummary {
  const token = c.mptcpToken >= 0 ? '0x' + c.mptcpToken.toString(16).padStart(8, '0') : null;
  if (c.mptcp === MptcpSubflow.INITIAL) return { subflow: 'initial', token };
  return { subflow: 'additional', token, of: c.mptcpOf >= 0 ? c.mptcpOf : null };
}

export function connSummary(c: Connection): ConnSummary {
  const cs = c.clientSide, ss = cs ^ 1;
  const base: ConnSummary = {
    id: c.id,
    proto: c.proto === IpProto.TCP ? 'tcp' : 'udp',
    client: { ip: endpointIp(c, cs), port: c.port[cs]! },
    server: { ip: endpointIp(c, ss), port: c.port[ss]! },
    firstTs: tsString(c.firstSec, c.firstNsec),
    lastTs: tsString(c.lastSec, c.lastNsec),
    duration: round9(c.durationSec()),
    packets: { client: c.ep[cs].packets, server: c.ep[ss].packets },
    bytes: { client: c.ep[cs].bytes, server: c.ep[ss].bytes },
  };
  if (c.proto !== IpProto.TCP) return base;
  base.handshake = c.handshake;
  base.teardown = c.teardown;
  base.rtt = c.rtt >= 0 ? round9(c.rtt) : null;
  base.states = { client: [...c.ep[cs].states], server: [...c.ep[ss].states] };
  base.connState = c.connState;
  base.history = c.history;
  base.retransmissions = c.ep[0].retransmissions + c.ep[1].retransmissions;
  base.missedBytes = c.missedBytes;
  if (c.mptcp !== MptcpSubflow.NONE) base.mptcp = mptcpSummary(c);
  return base;
}

/**
 * One `conns --json` record, built by hand (the same fields, in the same order, as
 * JSON.stringify of connSummary, which the tests check): a SYN flood ends a
 * million conversations, so no intermediate objects here.
 */
export function connJson(c: Connection): string {
  const cs = c.clientSide, ss = cs ^ 1;
  const C = c.ep[cs], S = c.ep[ss];
  let s = `{"type":"conn","id":${c.id},"proto":"${c.proto === IpProto.TCP ? 'tcp' : 'udp'}"`
    + `,"client":{"ip":"${endpointIp(c, cs)}","port":${c.port[cs]}},"server":{"ip":"${endpointIp(c, ss)}","port":${c.port[ss]}}`
    + `,"firstTs":"${tsString(c.firstSec, c.firstNsec)}","lastTs":"${tsString(c.lastSec, c.lastNsec)}","duration":${round9(c.durationSec())}`
    + `,"packets":{"client":${C.packets},"server":${S.packets}},"bytes":{"client":${C.bytes},"server":${S.bytes}}`;
  if (c.proto !== IpProto.TCP) return s + '}';
  s += `,"handshake":"${c.handshake}","teardown":"${c.teardown}","rtt":${c.rtt >= 0 ? round9(c.rtt) : null}`
    + `,"states":{"client":${statesJson(C.path)},"server":${statesJson(S.path)}}`
    + `,"connState":"${c.connState}","history":${JSON.stringify(c.history)},"retransmissions":${C.retransmissions + S.retransmissions},"missedBytes":${c.missedBytes}`;
  if (c.mptcp !== MptcpSubflow.NONE) s += `,"mptcp":${JSON.stringify(mptcpSummary(c))}`;
  return s + '}';
}

/** JSON of an endpoint's states, by its path string (few distinct paths: cached). */
const statesJsonCache = new Map<string, string>();
function statesJson(path: string): string {
  let j = statesJsonCache.get(path);
  if (j === undefined) {
    j = JSON.stringify(statesOfPath(path));
    if (statesJsonCache.size < 4096) statesJsonCache.set(path, j);
  }
  return j;
}

/** statesJson(path) as bytes, cached too: copied into the output, not encoded per record. */
const statesBytesCache = new Map<string, Buffer>();
function statesBytes(path: string): Buffer {
  let b = statesBytesCache.get(path);
  if (b === undefined) {
    b = Buffer.from(statesJson(path), 'latin1');
    if (statesBytesCache.size < 4096) statesBytesCache.set(path, b);
  }
  return b;
}

/**
 * connJson(c) written straight into the output buffer, byte for byte the
 * same (a test compares them): no string per conversation, which a SYN flood
 * of a million conversations would otherwise turn into garbage.
 */
export function writeConnJson(out: ByteSink, c: Connection): void {
  const cs = c.clientSide, ss = cs ^ 1;
  const C = c.ep[cs], S = c.ep[ss];
  const tcp = c.proto === IpProto.TCP;
  out.reserve(1024 + 16 * (C.path.length + S.path.length) + c.history.length);
  out.ascii('{"type":"conn","id":'); out.dec(c.id);
  out.ascii(tcp ? ',"proto":"tcp","client":{"ip":"' : ',"proto":"udp","client":{"ip":"');
  writeEndpointIp(out, c, cs); out.ascii('","port":'); out.dec(c.port[cs]!);
  out.ascii('},"server":{"ip":"'); writeEndpointIp(out, c, ss); out.ascii('","port":'); out.dec(c.port[ss]!);
  out.ascii('},"firstTs":"'); writeTsString(out, c.firstSec, c.firstNsec);
  out.ascii('","lastTs":"'); writeTsString(out, c.lastSec, c.lastNsec);
  out.ascii('","duration":'); writeSeconds(out, c.durationSec());
  out.ascii(',"packets":{"client":'); out.dec(C.packets); out.ascii(',"server":'); out.dec(S.packets);
  out.ascii('},"bytes":{"client":'); out.dec(C.bytes); out.ascii(',"server":'); out.dec(S.bytes);
  if (!tcp) { out.ascii('}}'); out.endLine(); return; }
  out.ascii('},"handshake":"'); out.ascii(c.handshake);
  out.ascii('","teardown":"'); out.ascii(c.teardown);
  out.ascii('","rtt":');
  if (c.rtt >= 0) writeSeconds(out, c.rtt); else out.ascii('null');
  out.ascii(',"states":{"client":'); out.bytes(statesBytes(C.path));
  out.ascii(',"server":'); out.bytes(statesBytes(S.path));
  // History letters are ASCII letters and '^': nothing to escape.
  out.ascii('},"connState":"'); out.ascii(c.connState);
  out.ascii('","history":"'); out.ascii(c.history);
  out.ascii('","retransmissions":'); out.dec(C.retransmissions + S.retransmissions);
  out.ascii(',"missedBytes":'); out.dec(c.missedBytes);
  if (c.mptcp !== MptcpSubflow.NONE) { out.ascii(',"mptcp":'); out.ascii(JSON.stringify(mptcpSummary(c))); } // rare: a string is fine
  out.byte(125);
  out.endLine();
}

function writeEndpointIp(out: ByteSink, c: Connection, side: number): void {
  if (!c.v6) out.ipv4(c.addr[side * 4 + 3]!);
  else out.ascii(endpointIp(c, side));
}
