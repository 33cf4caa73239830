/**
 * The `conns --json` record (shared/spec/CONTRACT.md), written straight into
 * the sink: the one writer of its fields. A SYN flood ends a million
 * conversations, so no string and no object per conversation here. Reports
 * that want the record as an object take connRecord(): the same writer over
 * a StringSink, parsed.
 */
import { IpProto } from '../decode/constants.js';
import { type Connection, MptcpSubflow, statesOfPath } from '../track/tcp/connection.js';
import type { ConnRecord } from './records.js';
import { ipv4, ipv6Words } from './addr.js';
import { type ByteSink, StringSink } from './sink.js';
import { writeSeconds, writeTsString } from './time.js';
import { connCommunityId } from './community-id.js';

const v6words = new Uint16Array(8);

/** The IPv6 text of one side of a conversation (IPv4 sides are written from their number). */
function ipv6Text(c: Connection, side: number): string {
  const a = c.addr;
  const o = side * 4;
  const w = v6words;
  for (let i = 0; i < 4; i++) { w[2 * i] = a[o + i]! >>> 16; w[2 * i + 1] = a[o + i]! & 0xffff; }
  return ipv6Words(w);
}

function writeEndpointIp(out: ByteSink, c: Connection, side: number): void {
  if (!c.v6) out.ipv4(c.addr[side * 4 + 3]!);
  else out.ascii(ipv6Text(c, side));
}

/** One side's address as the record shows it (dotted quad, or IPv6 in RFC 5952 form). */
export function endpointIp(c: Connection, side: number): string {
  return c.v6 ? ipv6Text(c, side) : ipv4(c.addr[side * 4 + 3]! >>> 0);
}

/** The JSON array of an endpoint's states, by its path string (few distinct paths: cached as bytes, copied into the output). */
const statesCache = new Map<string, Buffer>();
function statesBytes(path: string): Buffer {
  let b = statesCache.get(path);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(statesOfPath(path)), 'latin1');
    if (statesCache.size < 4096) statesCache.set(path, b);
  }
  return b;
}

/**
 * One `conns --json` record and its newline; `seed` is the Community ID's
 * (--community-id-seed). `interim`: the conversation is still open (--interim),
 * the record is what it is so far.
 */
export function writeConnJson(out: ByteSink, c: Connection, seed = 0, interim = false): void {
  const cs = c.clientSide, ss = cs ^ 1;
  const C = c.ep[cs], S = c.ep[ss];
  const tcp = c.proto === IpProto.TCP;
  out.reserve(1024 + 16 * (C.path.length + S.path.length) + c.history.length);
  out.ascii(interim ? '{"type":"conn","interim":true,"id":' : '{"type":"conn","id":'); out.dec(c.id);
  out.ascii(tcp ? ',"proto":"tcp","client":{"ip":"' : ',"proto":"udp","client":{"ip":"');
  writeEndpointIp(out, c, cs); out.ascii('","port":'); out.dec(c.port[cs]!);
  out.ascii('},"server":{"ip":"'); writeEndpointIp(out, c, ss); out.ascii('","port":'); out.dec(c.port[ss]!);
  // Base64 and a colon: nothing to escape.
  out.ascii('},"communityId":"'); out.ascii(connCommunityId(c, seed));
  out.ascii('","firstTs":"'); writeTsString(out, c.firstSec, c.firstNsec);
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
  if (c.mptcp !== MptcpSubflow.NONE) writeMptcp(out, c);
  out.byte(125);
  out.endLine();
}

/** A Multipath TCP subflow: the initial one (MP_CAPABLE) or an additional one (MP_JOIN) and the conversation it joins. */
function writeMptcp(out: ByteSink, c: Connection): void {
  const initial = c.mptcp === MptcpSubflow.INITIAL;
  out.ascii(initial ? ',"mptcp":{"subflow":"initial","token":' : ',"mptcp":{"subflow":"additional","token":');
  if (c.mptcpToken >= 0) { out.ascii('"0x'); out.ascii(c.mptcpToken.toString(16).padStart(8, '0')); out.byte(34); } // rare: a string is fine
  else out.ascii('null');
  if (!initial) {
    out.ascii(',"of":');
    if (c.mptcpOf >= 0) out.dec(c.mptcpOf); else out.ascii('null');
  }
  out.byte(125);
}

const recordSink = new StringSink();

/** The record writeConnJson writes, as an object (reports: a few conversations each, never per packet). */
export function connRecord(c: Connection, seed = 0): ConnRecord {
  writeConnJson(recordSink, c, seed);
  return JSON.parse(recordSink.take()) as ConnRecord;
}
