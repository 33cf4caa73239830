/**
 * Zeek's dns.log (DNS::Info, base/protocols/dns/main.zeek), from the DNS
 * messages the dns view reads. Zeek's own pairing, not the dns view's: per
 * connection, a query waits (set_session: one fast-path pending query, then
 * queues by trans_id) for a response with its trans_id, first in first out;
 * a row is written when a message completes a pair (dns_end), and what is
 * left unpaired when the connection ends (finalize_dns): queries without
 * rcode or answers, responses without their query. Retries are rows of
 * their own (the retry goes unanswered), as Zeek logs them.
 *
 * What each message sets is what Zeek's events set: from a query's question
 * (dns_request) RD, TC, Z, qclass, qtype and the (downcased) query; from a
 * response's header rcode and rejected; from each record of its answer
 * section (DNS::do_reply) AA, RA, rtt, and the answer as main.zeek formats
 * it, with its TTL.
 */
import { u16be } from '../bytes.js';
import type { DnsView } from '../decode/dns.js';
import type { Connection } from '../track/tcp/connection.js';
import { ipv4At, ipv6At } from './addr.js';
import { connCommunityId } from './community-id.js';
import type { ByteSink } from './sink.js';
import { type ZeekConnId, zeekConnId, type ZeekField, ZeekLogWriter, zeekTime, type ZeekValue } from './zeek-log.js';

/** DNS::Info in its order, and community_id as conn.log has it (policy/protocols/conn/community-id-logging.zeek). */
export const DNS_FIELDS: readonly ZeekField[] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['trans_id', 'count'], ['rtt', 'interval'], ['query', 'string'], ['qclass', 'count'], ['qclass_name', 'string'],
  ['qtype', 'count'], ['qtype_name', 'string'], ['rcode', 'count'], ['rcode_name', 'string'],
  ['AA', 'bool'], ['TC', 'bool'], ['RD', 'bool'], ['RA', 'bool'], ['Z', 'count'],
  ['answers', 'vector[string]'], ['TTLs', 'vector[interval]'], ['rejected', 'bool'], ['opcode', 'count'], ['opcode_name', 'string'],
  ['community_id', 'string'],
];

/** consts.zeek's tables, and their &default forms for the values they do not name. */
const QUERY_TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO',
  14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG',
  25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR',
  36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG',
  47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO', 57: 'RKEY',
  58: 'TALINK', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO',
  101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY',
  250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: '*', 256: 'URI', 257: 'CAA', 32768: 'TA', 32769: 'DLV',
  65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF', 65521: 'INTEGRITY',
};
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSet', 'NOTAUTH', 'NOTZONE'];
const CLASSES: Record<number, string> = { 1: 'C_INTERNET', 2: 'C_CSNET', 3: 'C_CHAOS', 4: 'C_HESIOD', 254: 'C_NONE', 255: 'C_ANY' };
const OPCODES: Record<number, string> = { 0: 'query', 1: 'iquery', 2: 'server-status', 4: 'notify', 5: 'dynamic-update', 6: 'dso' };

export const zeekQtypeName = (t: number): string => QUERY_TYPES[t] ?? `query-${t}`;
export const zeekRcodeName = (r: number): string => RCODES[r] ?? (r >= 11 && r <= 15 ? `unassigned-${r}` : `rcode-${r}`);
export const zeekClassName = (c: number): string => CLASSES[c] ?? `qclass-${c}`;
export const zeekOpcodeName = (o: number): string => OPCODES[o] ?? `opcode-${o}`;

/** init-bare.zeek's dns_max_compression_chain_depth. */
const MAX_COMPRESSION_DEPTH = 20;

/**
 * A name as Zeek's DNS_Interpreter::ExtractName reads it: the labels' bytes
 * (one char a byte) joined by dots, without the final one, downcased (ASCII);
 * a pointer must point back (before itself), labels are at most 63 bytes.
 * null where Zeek's parse fails.
 */
export function zeekDnsName(v: DnsView, p: number): { name: string; next: number } | null {
  const b = v.buf, start = v.off;
  let name = '', next = -1, depth = 0, limit = v.end;
  for (;;) {
    if (p >= limit) return null;
    const len = b[p]!;
    if (len === 0) { if (next < 0) next = p + 1; break; }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= limit) return null;
      if (next < 0) next = p + 2;
      const target = start + (((len & 0x3f) << 8) | b[p + 1]!);
      if (target >= p || ++depth > MAX_COMPRESSION_DEPTH) return null; // Zeek: DNS_label_forward_compress_offset
      limit = p; // the name pointed at is read up to where the pointer was
      p = target;
      continue;
    }
    if (len > 63 || p + 1 + len > limit || name.length + len + 1 > 512) return null;
    for (let i = p + 1; i <= p + len; i++) {
      const c = b[i]!;
      name += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
    }
    name += '.';
    p += 1 + len;
  }
  return { name: name.length >= 2 ? name.slice(0, -1) : name, next };
}

/**
 * What DNS.cc's parse of one record gives DNS::do_reply: the answer as
 * main.zeek's reply event formats it ('' for one logged without text, WKS;
 * null for a type main.zeek has no reply event for: HINFO, CAA, SVCB, OPT, ...,
 * no answer and no rtt), where the next record starts (Zeek reads a name in
 * the data to its end, whatever the record's length says), and whether its
 * parse failed (the rest of the message is not read).
 */
interface ZeekRecord { text: string | null; next: number; stop: boolean }

function zeekRecord(v: DnsView, owner: string): ZeekRecord {
  const b = v.buf, rd = v.rdOff, len = v.rdLen, end = rd + len;
  const ok = (text: string | null, next = end): ZeekRecord => ({ text, next, stop: false });
  const fail: ZeekRecord = { text: null, next: end, stop: true };
  // A name at p (bounded by the message, not the record), then what follows it.
  const named = (p: number, fmt: (n: string) => string = (n) => n, after = 0): ZeekRecord => {
    const n = zeekDnsName(v, p);
    return n === null || n.next + after > v.end ? fail : ok(fmt(n.name), n.next + after);
  };
  switch (v.rrType) {
    case 1: return len === 4 ? ok(ipv4At(b, rd)) : fail;
    case 28: case 38: return rd + 16 <= v.end ? ok(ipv6At(b, rd), rd + 16) : fail;
    case 2: case 5: case 12: return named(rd);
    case 6: { // soa$mname; then rname and five 32-bit numbers
      const m = zeekDnsName(v, rd);
      if (m === null) return fail;
      const r = named(m.next, undefined, 20);
      return r.stop ? fail : ok(m.name, r.next);
    }
    case 11: return ok('');
    case 15: return rd + 2 <= v.end ? named(rd + 2) : fail;
    case 33: return rd + 6 <= v.end ? named(rd + 6) : fail;
    case 16: case 99: {
      // extract_char_string: each string's length byte, then its bytes; one running past the record ends the list (and the parse, unless nothing is left).
      const tag = v.rrType === 16 ? 'TXT' : 'SPF';
      const parts: string[] = [];
      let p = rd, rem = len;
      while (rem > 0) {
        const n = b[p]!;
        p++; rem--;
        if (n > rem) break;
        parts.push(`${tag} ${n} ${b.toString('latin1', p, p + n)}`);
        p += n; rem -= n;
      }
      return { text: parts.join(' '), next: p, stop: rem !== 0 };
    }
    case 46: {
      if (v.end - rd < 18) return fail;
      const signer = zeekDnsName(v, rd + 18);
      return signer === null ? fail : ok(`RRSIG ${u16be(b, rd)} ${signer.name === '' ? '<Root>' : signer.name}`);
    }
    case 48: return len >= 4 ? ok(`DNSKEY ${b[rd + 3]}`) : fail;
    case 47: { const n = zeekDnsName(v, rd); return n === null ? fail : ok(`NSEC ${owner} ${n.name}`); }
    case 50: return ok('NSEC3');
    case 51: return ok('NSEC3PARAM');
    case 43: return len >= 4 ? ok(`DS ${b[rd + 2]} ${b[rd + 3]}`) : fail;
    case 65534: return ok('BIND9 signing signal');
    case 44: return len >= 2 ? ok(`SSHFP: ${b.toString('hex', rd + 2, end)}`) : fail;
    case 29: return len >= 4 ? ok(`LOC:  ${b[rd + 1]} ${b[rd + 2]} ${b[rd + 3]}`) : fail;
    // Types DNS.cc parses that main.zeek logs nothing of; NAPTR (its fields are not read here).
    case 13: case 257: case 32: case 41: case 249: case 250: case 64: case 65: case 35: return ok(null);
    default: return ok(`<unknown type=${v.rrType}>`);
  }
}

/** One DNS::Info being filled. */
interface DnsInfo {
  sec: number; nsec: number; transId: number;
  rtt: number | null; query: string | null; qclass: number; qtype: number; rcode: number;
  aa: boolean; tc: boolean; rd: boolean; ra: boolean; z: number;
  answers: string[] | null; ttls: number[] | null; rejected: boolean; opcode: number;
  sawQuery: boolean; sawReply: boolean;
}

/** DNS::State, and the conversation's id fields taken at its first DNS message. */
interface ConnDnsState {
  id: ZeekConnId; proto: 'udp' | 'tcp'; communityId: string; multicast: boolean;
  pendingQuery: DnsInfo | null;
  pendingQueries: Map<number, DnsInfo[]>;
  pendingReplies: Map<number, DnsInfo[]>;
}

/** main.zeek's max_pending_msgs and max_pending_query_ids. */
const MAX_PENDING_MSGS = 50;
const MAX_PENDING_QUERY_IDS = 50;

export class ZeekDnsLog {
  private readonly log: ZeekLogWriter;
  private readonly conns = new Map<number, ConnDnsState>();

  constructor(out: ByteSink, json: boolean, private readonly uidSeed: number, private readonly communityIdSeed: number) {
    this.log = new ZeekLogWriter(out, 'dns', DNS_FIELDS, json);
  }

  /** One DNS message (v just reset on it) of conversation c, seen at [sec, nsec]. */
  message(v: DnsView, c: Connection, transport: 'udp' | 'tcp', sec: number, nsec: number): void {
    const opcode = v.opcode;
    if (opcode !== 0 && opcode !== 4 && opcode !== 5) return; // main.zeek tracks queries, notifies and updates only
    let st = this.conns.get(c.id);
    if (st === undefined) {
      const id = zeekConnId(c, this.uidSeed);
      st = {
        id, proto: transport, communityId: connCommunityId(c, this.communityIdSeed),
        multicast: /^(22[4-9]|23\d)\./.test(id.respH) || /^ff/i.test(id.respH),
        pendingQuery: null, pendingQueries: new Map(), pendingReplies: new Map(),
      };
      this.conns.set(c.id, st);
    }
    const isQuery = !v.isResponse;
    const info = this.session(st, v, isQuery, sec, nsec);
    if (opcode !== 5) this.sections(v, info, isQuery, sec, nsec);
    // dns_end
    if (isQuery) info.sawQuery = true; else info.sawReply = true;
    if (info.sawQuery && info.sawReply) this.write(st, info);
  }

  /** The conversation ended (Zeek's finalize_dns): what is left unpaired is written. */
  ended(c: Connection): void {
    const st = this.conns.get(c.id);
    if (st === undefined) return;
    this.conns.delete(c.id);
    this.flush(st);
  }

  close(): void {
    for (const st of this.conns.values()) this.flush(st);
    this.conns.clear();
    this.log.close();
  }

  private flush(st: ConnDnsState): void {
    if (st.pendingQuery !== null) this.write(st, st.pendingQuery);
    st.pendingQuery = null;
    this.writeAll(st, st.pendingQueries);
    this.writeAll(st, st.pendingReplies);
  }

  private writeAll(st: ConnDnsState, msgs: Map<number, DnsInfo[]>): void {
    for (const q of msgs.values()) for (const i of q) this.write(st, i);
    msgs.clear();
  }

  /** new_session */
  private fresh(transId: number, sec: number, nsec: number): DnsInfo {
    return {
      sec, nsec, transId, rtt: null, query: null, qclass: -1, qtype: -1, rcode: -1,
      aa: false, tc: false, rd: false, ra: false, z: 0, answers: null, ttls: null, rejected: false, opcode: 0,
      sawQuery: false, sawReply: false,
    };
  }

  private enqueue(st: ConnDnsState, msgs: Map<number, DnsInfo[]>, id: number, info: DnsInfo): void {
    let q = msgs.get(id);
    if (q === undefined) {
      if (msgs.size > MAX_PENDING_QUERY_IDS) this.writeAll(st, msgs); // given up: they will not be matched
      q = [];
      msgs.set(id, q);
    } else if (q.length > MAX_PENDING_MSGS) {
      for (const i of q) this.write(st, i);
      q = [];
      msgs.set(id, q);
    }
    q.push(info);
  }

  private pop(msgs: Map<number, DnsInfo[]>, id: number): DnsInfo {
    const q = msgs.get(id)!;
    const i = q.shift()!;
    if (q.length === 0) msgs.delete(id);
    return i;
  }

  /** set_session: the Info this message belongs to. */
  private session(st: ConnDnsState, v: DnsView, isQuery: boolean, sec: number, nsec: number): DnsInfo {
    const id = v.id;
    let info: DnsInfo;
    if (st.multicast) {
      // Replies to multicast come on other connections: each message is a row of its own.
      info = this.fresh(id, sec, nsec);
      info.sawQuery = info.sawReply = true;
    } else if (isQuery) {
      if ((st.pendingReplies.get(id)?.length ?? 0) > 0) info = this.pop(st.pendingReplies, id);
      else {
        info = this.fresh(id, sec, nsec);
        if (st.pendingQuery === null) st.pendingQuery = info; else this.enqueue(st, st.pendingQueries, id, info);
      }
    } else if (st.pendingQuery !== null && st.pendingQuery.transId === id) {
      info = st.pendingQuery;
      st.pendingQuery = null;
      // Keep the fast path filled: a pending query of this id first, else any.
      if ((st.pendingQueries.get(id)?.length ?? 0) > 0) st.pendingQuery = this.pop(st.pendingQueries, id);
      else {
        for (const [tid, q] of st.pendingQueries) if (q.length > 0) { st.pendingQuery = this.pop(st.pendingQueries, tid); break; }
      }
    } else if ((st.pendingQueries.get(id)?.length ?? 0) > 0) {
      info = this.pop(st.pendingQueries, id);
    } else {
      info = this.fresh(id, sec, nsec);
      this.enqueue(st, st.pendingReplies, id, info);
    }
    if (!isQuery) {
      info.rcode = v.rcode;
      if (v.rcode !== 0 && v.qdcount === 0) info.rejected = true;
    }
    info.opcode = v.opcode;
    return info;
  }

  /** The question and answer sections, as the events DNS.cc raises for them set the Info. */
  private sections(v: DnsView, info: DnsInfo, isQuery: boolean, sec: number, nsec: number): void {
    let p = v.off + 12;
    for (let i = 0; i < v.qdcount; i++) {
      const n = zeekDnsName(v, p);
      if (n === null || n.next + 4 > v.end) return;
      p = n.next + 4;
      if (isQuery) {
        // dns_request
        info.rd = v.rd; info.tc = v.tc; info.z = (v.flags >>> 4) & 7;
        info.qtype = u16be(v.buf, n.next); info.qclass = u16be(v.buf, n.next + 2);
        info.query = n.name;
      } else if (v.ancount === 0 && v.nscount === 0 && v.arcount === 0) {
        info.rejected = true; // dns_rejected
      }
    }
    for (let i = 0; i < v.ancount; i++) {
      const owner = zeekDnsName(v, p);
      if (owner === null) return;
      p = v.readRecord(p);
      if (p < 0) return; // Zeek: DNS_truncated_RR_rdlength_lt_len
      if (v.rdLen === 0 && p < v.end) return; // Zeek: DNS_zero_rdlength
      const rec = zeekRecord(v, owner.name);
      p = rec.next;
      const reply = rec.text;
      // do_reply: answers in a query are not what is tracked.
      if (reply !== null && !isQuery) this.reply(info, v, owner.name, reply, sec, nsec);
      if (rec.stop) return;
    }
  }

  /** DNS::do_reply for an answer record of a response. */
  private reply(info: DnsInfo, v: DnsView, owner: string, reply: string, sec: number, nsec: number): void {
    if (info.query === null) info.query = owner;
    info.aa = v.aa; info.ra = v.ra;
    if (info.rtt === null) {
      const rtt = zeekTime(sec, nsec) - zeekTime(info.sec, info.nsec);
      info.rtt = rtt === 0 ? null : rtt; // only a reply seen: no rtt
    }
    if (reply !== '') {
      (info.answers ??= []).push(reply);
      (info.ttls ??= []).push(v.rrTtl);
    }
  }

  private write(st: ConnDnsState, i: DnsInfo): void {
    const id = st.id;
    const values: ZeekValue[] = [
      [i.sec, i.nsec], id.uid, id.origH, id.origP, id.respH, id.respP, st.proto, i.transId, i.rtt, i.query,
      i.qclass < 0 ? null : i.qclass, i.qclass < 0 ? null : zeekClassName(i.qclass),
      i.qtype < 0 ? null : i.qtype, i.qtype < 0 ? null : zeekQtypeName(i.qtype),
      i.rcode < 0 ? null : i.rcode, i.rcode < 0 ? null : zeekRcodeName(i.rcode),
      i.aa, i.tc, i.rd, i.ra, i.z, i.answers, i.ttls, i.rejected, i.opcode, zeekOpcodeName(i.opcode), st.communityId,
    ];
    this.log.row(values);
  }
}
