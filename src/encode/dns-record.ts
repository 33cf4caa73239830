/**
 * The `dns --json` record (shared/spec/CONTRACT.md), written straight into the
 * sink: the one writer of its fields. dnsRecord() is the same writer over a
 * StringSink, parsed, for those that want the object. Names of rcodes and
 * classes are the mnemonics of the IANA registry (RFC 6895), which dig and
 * Zeek print ("NOERROR", "NXDOMAIN"); type names are tcpdump's (decode/dns.ts).
 */
import { dnsTypeName } from '../decode/dns.js';
import type { DnsTransaction } from '../track/dns.js';
import { writeJsonString } from './http-record.js';
import type { DnsRecord } from './records.js';
import { type ByteSink, StringSink } from './sink.js';
import { writeSeconds, writeTsString } from './time.js';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];

/** An RCODE's mnemonic (RFC 1035, 2136, 8490); `RCODE12` … `RCODE15` for the unassigned ones. */
export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

/** A class's mnemonic (RFC 1035 §3.2.4, as dig writes them); `CLASS<n>` (RFC 3597) for the rest. */
export function dnsClassName(cls: number): string {
  return cls === 1 ? 'IN' : cls === 3 ? 'CH' : cls === 4 ? 'HS' : cls === 254 ? 'NONE' : cls === 255 ? 'ANY' : `CLASS${cls}`;
}

function writeTs(out: ByteSink, sec: number, nsec: number): void {
  out.byte(34); writeTsString(out, sec, nsec); out.byte(34);
}

function writeEndpoint(out: ByteSink, ip: string, port: number): void {
  out.ascii('{"ip":"'); out.ascii(ip); out.ascii('","port":'); out.dec(port); out.byte(125);
}

/** One `dns --json` record and its newline. */
export function writeDnsJson(out: ByteSink, t: DnsTransaction): void {
  const hasQuery = t.querySec >= 0, hasResponse = t.responseSec >= 0;
  let size = 512 + 6 * (t.query?.length ?? 0);
  for (const a of t.answers) size += 96 + 6 * (a.name.length + a.data.length);
  out.reserve(size);
  out.ascii('{"type":"dns","id":'); out.dec(t.id);
  out.ascii(',"conn":'); out.dec(t.conn);
  out.ascii(t.transport === 'udp' ? ',"transport":"udp","client":' : ',"transport":"tcp","client":');
  writeEndpoint(out, t.clientIp, t.clientPort);
  out.ascii(',"server":'); writeEndpoint(out, t.serverIp, t.serverPort);
  out.ascii(',"query":'); writeJsonString(out, t.query);
  out.ascii(',"qtype":'); writeJsonString(out, t.qtype < 0 ? null : dnsTypeName(t.qtype));
  out.ascii(',"qclass":'); writeJsonString(out, t.qclass < 0 ? null : dnsClassName(t.qclass));
  out.ascii(',"rcode":'); writeJsonString(out, hasResponse ? dnsRcodeName(t.rcode) : null);
  out.ascii(',"answers":[');
  for (let i = 0; i < t.answers.length; i++) {
    const a = t.answers[i]!;
    out.ascii(i === 0 ? '{"name":' : ',{"name":'); writeJsonString(out, a.name);
    out.ascii(',"type":'); writeJsonString(out, dnsTypeName(a.type));
    out.ascii(',"ttl":'); out.dec(a.ttl);
    out.ascii(',"data":'); writeJsonString(out, a.data);
    out.byte(125);
  }
  out.ascii('],"rtt":');
  if (hasQuery && hasResponse) writeSeconds(out, (t.responseSec - t.querySec) + (t.responseNsec - t.queryNsec) / 1e9);
  else out.ascii('null');
  out.ascii(',"ts":'); if (hasQuery) writeTs(out, t.querySec, t.queryNsec); else writeTs(out, t.responseSec, t.responseNsec);
  out.ascii(',"responseTs":'); if (hasResponse) writeTs(out, t.responseSec, t.responseNsec); else out.ascii('null');
  out.ascii(',"retries":'); out.dec(t.retries);
  out.ascii(t.truncated ? ',"truncated":true' : ',"truncated":false');
  const q = t.queryFlags, r = t.responseFlags;
  out.ascii(r < 0 ? ',"authoritative":null' : (r & 0x0400) !== 0 ? ',"authoritative":true' : ',"authoritative":false');
  out.ascii(q < 0 ? ',"recursionDesired":null' : (q & 0x0100) !== 0 ? ',"recursionDesired":true' : ',"recursionDesired":false');
  out.ascii(r < 0 ? ',"recursionAvailable":null' : (r & 0x0080) !== 0 ? ',"recursionAvailable":true' : ',"recursionAvailable":false');
  out.ascii(',"z":'); if (q < 0) out.ascii('null'); else out.dec((q >>> 4) & 7);
  if (t.expired !== null) { out.ascii(',"expired":"'); out.ascii(t.expired); out.byte(34); }
  out.byte(125);
  out.endLine();
}

const recordSink = new StringSink();

/** The record writeDnsJson writes, as an object. */
export function dnsRecord(t: DnsTransaction): DnsRecord {
  writeDnsJson(recordSink, t);
  return JSON.parse(recordSink.take()) as DnsRecord;
}
