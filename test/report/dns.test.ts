/**
 * The dns view: pairing by transaction id, 4-tuple and question, over UDP and
 * TCP (RFC 7766 framing); retries, unanswered queries (timeout, cap, end),
 * responses alone; rcode, answers, rtt. tshark is the oracle for the pairs,
 * rcodes, rtts and retransmissions where it is installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { Frame } from '../../src/frame.js';
import { Tracker } from '../../src/track/tracker.js';
import { DnsTcpFramer } from '../../src/track/dns.js';
import { DnsCollector, type DnsBounds, DnsTableWriter } from '../../src/report/dns.js';
import { dnsRecord } from '../../src/encode/dns-record.js';
import type { DnsRecord } from '../../src/encode/records.js';
import { noColor } from '../../src/encode/palette.js';
import { TimeFormatter } from '../../src/encode/time.js';
import { captureWriter, tcpFrame, udpFrame } from '../helpers/frames.js';
import { FIXTURES, haveTool, ndjson, netlens, ROOT } from '../helpers/netlens.js';

interface Rr { name: string; type: number; cls?: number; ttl?: number; data: Buffer }
interface Msg { id: number; qr?: boolean; rcode?: number; tc?: boolean; q?: { name: string; type: number; cls?: number }[]; an?: Rr[] }

/** A name's labels, uncompressed. */
function name(n: string): Buffer {
  if (n === '.' || n === '') return Buffer.from([0]);
  return Buffer.concat([...n.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

function u16(n: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }
function u32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }

/** A DNS message (RFC 1035 §4.1), no compression unless the data holds pointers. */
function dns(m: Msg): Buffer {
  const q = m.q ?? [{ name: 'www.example.com', type: 1 }];
  const an = m.an ?? [];
  const flags = (m.qr ? 0x8000 : 0) | (m.tc ? 0x0200 : 0) | 0x0100 | (m.qr ? 0x0080 : 0) | (m.rcode ?? 0);
  return Buffer.concat([
    u16(m.id), u16(flags), u16(q.length), u16(an.length), u16(0), u16(0),
    ...q.map((x) => Buffer.concat([name(x.name), u16(x.type), u16(x.cls ?? 1)])),
    ...an.map((r) => Buffer.concat([name(r.name), u16(r.type), u16(r.cls ?? 1), u32(r.ttl ?? 300), u16(r.data.length), r.data])),
  ]);
}

const C = '10.0.0.1', S = '10.0.0.53';
const query = (t: number, m: Msg, sport = 40000): Frame => udpFrame({ src: C, dst: S, sport, dport: 53, payload: dns(m), t });
const reply = (t: number, m: Msg, sport = 40000): Frame => udpFrame({ src: S, dst: C, sport: 53, dport: sport, payload: dns({ ...m, qr: true }), t });
const A = (n: string, ip: string, ttl = 300): Rr => ({ name: n, type: 1, ttl, data: Buffer.from(ip.split('.').map(Number)) });

/** Runs frames through the decoder, tracker and a DnsCollector; the records in the order reported. */
function run(frames: Frame[], bounds: Partial<DnsBounds> = {}): { records: DnsRecord[]; col: DnsCollector; maxPending: number } {
  const records: DnsRecord[] = [];
  const col = new DnsCollector((t) => records.push(dnsRecord(t)), bounds);
  const d = new PacketDecoder();
  const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
  let maxPending = 0;
  frames.forEach((f, i) => {
    d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t);
    maxPending = Math.max(maxPending, col.pending);
  });
  t.finish();
  col.end();
  return { records, col, maxPending };
}

const HAVE_TSHARK = haveTool('tshark');

/** tshark's DNS fields, one object per DNS message. */
function tsharkDns(file: string, extra = ''): { frame: number; id: number; response: boolean; rcode: number | null; time: number | null; name: string; responseTo: number | null; retransmission: boolean; retransmitResponse: boolean }[] {
  const r = spawnSync('tshark', ['-r', file, '-Y', `(udp.port == 53 || tcp.port == 53) && dns${extra}`, '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'frame.number', '-e', 'dns.id', '-e', 'dns.flags.response', '-e', 'dns.flags.rcode', '-e', 'dns.time', '-e', 'dns.qry.name',
    '-e', 'dns.response_to', '-e', 'dns.retransmission', '-e', 'dns.retransmit_response_in'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const [frame, id, resp, rcode, time, qname, to, retrans] = l.split('\t');
    const isResp = resp === '1' || resp === 'True';
    return {
      frame: Number(frame), id: Number(id), response: isResp, rcode: rcode === '' ? null : Number(rcode), time: time === '' ? null : Number(time),
      name: qname!, responseTo: to === '' ? null : Number(to), retransmission: retrans === '1' || retrans === 'True', retransmitResponse: false,
    };
  });
}

const RCODE_NUM: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/** Our records and tshark's answered pairs: same ids, names, rcodes and rtts (to the microsecond of a pcap). */
function compareWithTshark(file: string, records: DnsRecord[]): void {
  const ts = tsharkDns(file);
  const answered = ts.filter((m) => m.response && m.responseTo !== null && !m.retransmission);
  const ours = records.filter((r) => r.rtt !== null);
  expect(ours.map((r) => [r.id, r.query, RCODE_NUM[r.rcode!]]).sort()).toEqual(answered.map((m) => [m.id, m.name, m.rcode]).sort());
  const rttById = new Map(answered.map((m) => [`${m.id} ${m.name}`, m.time!]));
  for (const r of ours) expect(Math.abs(r.rtt! - rttById.get(`${r.id} ${r.query}`)!)).toBeLessThan(1.5e-6);
}

describe('dns over UDP: pairing by id, 4-tuple and question', () => {
  it('a query and its response: rcode, answers, rtt from the query', () => {
    const { records } = run([query(0, { id: 7 }), reply(0.0025, { id: 7, an: [A('www.example.com', '93.184.216.34', 60)] })]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: 'dns', id: 7, transport: 'udp', client: { ip: C, port: 40000 }, server: { ip: S, port: 53 },
      query: 'www.example.com', qtype: 'A', qclass: 'IN', rcode: 'NOERROR', rtt: 0.0025, retries: 0, truncated: false,
      answers: [{ name: 'www.example.com', type: 'A', ttl: 60, data: '93.184.216.34' }],
      ts: '1700000000.000000000', responseTs: '1700000000.002500000',
    });
    expect(records[0]!.expired).toBeUndefined();
  });

  it('a response pairs only with its own 4-tuple, id and question', () => {
    const frames = [
      query(0, { id: 1, q: [{ name: 'a.test', type: 1 }] }),
      query(0.001, { id: 1, q: [{ name: 'b.test', type: 1 }] }), // same id, another question: another transaction
      query(0.002, { id: 1, q: [{ name: 'a.test', type: 1 }] }, 40001), // same id and question, another port
      reply(0.010, { id: 1, q: [{ name: 'B.TEST', type: 1 }], rcode: 3 }), // case does not matter (RFC 1035 §2.3.3)
      reply(0.020, { id: 1, q: [{ name: 'a.test', type: 28 }] }), // another qtype: not a.test A's answer
      reply(0.030, { id: 2, q: [{ name: 'a.test', type: 1 }] }, 40001), // another id
    ];
    const { records } = run(frames);
    const rows = records.map((r) => [r.query, r.qtype, r.client.port, r.rcode, r.rtt, r.expired ?? null]);
    expect(rows).toEqual([
      ['b.test', 'A', 40000, 'NXDOMAIN', 0.009, null], // the query's name, as Zeek keeps it
      ['a.test', 'AAAA', 40000, 'NOERROR', null, null], // a response alone: no rtt
      ['a.test', 'A', 40001, 'NOERROR', null, null],
      ['a.test', 'A', 40000, null, null, 'end'],
      ['a.test', 'A', 40001, null, null, 'end'],
    ]);
  });

  it('the same query re-sent before its answer is one transaction with retries; the copies\' answers are not new ones', () => {
    const frames = [
      query(0, { id: 9 }), query(1, { id: 9 }), query(2, { id: 9 }),
      reply(2.0004, { id: 9, an: [A('www.example.com', '10.1.1.1')] }),
      reply(2.0009, { id: 9, an: [A('www.example.com', '10.1.1.1')] }),
    ];
    const { records } = run(frames);
    expect(records.map((r) => [r.retries, r.rtt, r.rcode])).toEqual([[2, 2.0004, 'NOERROR']]);
  });

  it('tshark agrees: the retries are its retransmissions, the rtt its dns.time from the first query', () => {
    if (!HAVE_TSHARK) return;
    const frames = [query(0, { id: 9 }), query(1, { id: 9 }), query(2, { id: 9 }), reply(2.0004, { id: 9, an: [A('www.example.com', '10.1.1.1')] })];
    const file = captureWriter('dns')('retries', frames);
    const ts = tsharkDns(file);
    expect(ts.filter((m) => !m.response && m.retransmission)).toHaveLength(run(frames).records[0]!.retries);
    const resp = ts.find((m) => m.response)!;
    expect(resp.time).toBeCloseTo(run(frames).records[0]!.rtt!, 6);
  });

  it('a copy sent more than 5 s after the first is a new transaction, as tshark counts them (dns.retransmission_timer)', () => {
    const frames = [query(0, { id: 4 }), query(6, { id: 4 }), reply(6.25, { id: 4 })];
    const { records } = run(frames);
    expect(records.map((r) => [r.retries, r.rcode, r.rtt, r.expired ?? null])).toEqual([[0, null, null, 'resent'], [0, 'NOERROR', 0.25, null]]);
    if (!HAVE_TSHARK) return;
    const file = captureWriter('dns')('resent', frames);
    expect(tsharkDns(file).filter((m) => m.retransmission)).toEqual([]);
    compareWithTshark(file, records);
  });

  it('a response with no question pairs by id on its 4-tuple (a FORMERR or REFUSED often carries none)', () => {
    const { records } = run([query(0, { id: 5 }), reply(0.001, { id: 5, q: [], rcode: 1 })]);
    expect(records.map((r) => [r.query, r.rcode, r.rtt])).toEqual([['www.example.com', 'FORMERR', 0.001]]);
  });

  it('over IPv6: the endpoints in RFC 5952 form, bracketed with their port in the table', () => {
    const v6 = (src: string, dst: string, sport: number, dport: number, payload: Buffer, t: number): Frame => {
      const b = Buffer.alloc(14 + 40 + 8 + payload.length);
      b.writeUInt16BE(0x86dd, 12);
      b[14] = 0x60; b.writeUInt16BE(8 + payload.length, 18); b[20] = 17; b[21] = 64;
      Buffer.from(src, 'hex').copy(b, 22); Buffer.from(dst, 'hex').copy(b, 38);
      b.writeUInt16BE(sport, 54); b.writeUInt16BE(dport, 56); b.writeUInt16BE(8 + payload.length, 58);
      payload.copy(b, 62);
      return { buf: b, offset: 0, caplen: b.length, len: b.length, tsSec: 1_700_000_000, tsNsec: Math.round(t * 1e9), linkType: 1, ifIndex: 0 };
    };
    const c6 = '20010db8000000000000000000000001', s6 = '20010db8000000000000000000000035';
    const frames = [v6(c6, s6, 50000, 53, dns({ id: 77, q: [{ name: 'six.test', type: 28 }] }), 0.1),
      v6(s6, c6, 53, 50000, dns({ id: 77, qr: true, q: [{ name: 'six.test', type: 28 }], an: [{ name: 'six.test', type: 28, data: Buffer.from(s6, 'hex') }] }), 0.1003)];
    const { records } = run(frames);
    expect(records.map((r) => [r.client, r.server, r.answers[0]?.data, r.rtt])).toEqual([[{ ip: '2001:db8::1', port: 50000 }, { ip: '2001:db8::35', port: 53 }, '2001:db8::35', 0.0003]]);
    const table = new DnsTableWriter(noColor);
    const col = new DnsCollector((t) => table.add(t));
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
    frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t); });
    t.finish(); col.end();
    const lines: string[] = [];
    table.write((l) => lines.push(l));
    expect(lines[1]).toMatch(/^#0 +udp +\[2001:db8::1\]:50000 +\[2001:db8::35\]:53 +77 +six\.test +AAAA +NOERROR +2001:db8::35 +300µs +0$/);
  });

  it('the TC bit is `truncated`', () => {
    const { records } = run([query(0, { id: 3 }), reply(0.001, { id: 3, tc: true })]);
    expect(records[0]!.truncated).toBe(true);
  });
});

describe('pending queries are bounded: a timeout and a cap', () => {
  it('an unanswered query is reported when a later message comes after the timeout, in capture time', () => {
    const frames = [query(0, { id: 1, q: [{ name: 'lost.test', type: 1 }] }), query(31, { id: 2 }), reply(31.001, { id: 2 })];
    const { records } = run(frames, { timeout: 30 });
    expect(records.map((r) => [r.id, r.rcode, r.expired ?? null])).toEqual([[1, null, 'timeout'], [2, 'NOERROR', null]]);
  });

  it('with no DNS after it, an unanswered query still times out while other traffic goes on', () => {
    const other = (t: number): Frame => udpFrame({ src: C, dst: S, sport: 5000, dport: 6000, payload: Buffer.from('x'), t });
    const records: DnsRecord[] = [];
    const col = new DnsCollector((t) => records.push(dnsRecord(t)), { timeout: 2 });
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
    const frames = [query(0, { id: 1 }), other(1), other(2.5), other(3)];
    frames.forEach((f, i) => {
      d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t);
      if (i === 1) expect(records).toHaveLength(0);
      if (i === 3) expect(records.map((r) => r.expired)).toEqual(['timeout']);
    });
  });

  it('an answer after the timeout is a response alone', () => {
    const { records } = run([query(0, { id: 1 }), reply(5, { id: 1 })], { timeout: 2 });
    expect(records.map((r) => [r.rcode, r.rtt, r.expired ?? null])).toEqual([[null, null, 'timeout'], ['NOERROR', null, null]]);
  });

  it('a full table reports its oldest query unanswered; it never holds more than the cap', () => {
    const frames = Array.from({ length: 1000 }, (_, i) => query(i * 0.001, { id: i, q: [{ name: `n${i}.test`, type: 1 }] }));
    frames.push(reply(1.5, { id: 999, q: [{ name: 'n999.test', type: 1 }] }));
    const { records, col, maxPending } = run(frames, { maxPending: 16 });
    expect(maxPending).toBeLessThanOrEqual(16);
    expect(col.evicted).toBe(1000 - 16);
    expect(records.filter((r) => r.expired === 'cap').map((r) => r.id)).toEqual(Array.from({ length: 1000 - 16 }, (_, i) => i));
    expect(records.filter((r) => r.rcode === 'NOERROR').map((r) => [r.id, r.rtt])).toEqual([[999, 0.501]]);
    expect(records).toHaveLength(1000);
  });

  it('memory does not grow with the input: 100,000 unanswered queries, never more pending than the cap', () => {
    let maxPending = 0, reported = 0;
    const col = new DnsCollector(() => { reported++; }, { maxPending: 64, timeout: 1 });
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true, maxConns: 1000 });
    for (let i = 0; i < 100_000; i++) {
      const f = query(i * 0.0001, { id: i & 0xffff }, 1024 + (i % 5000));
      d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t);
      if (col.pending > maxPending) maxPending = col.pending;
    }
    t.finish();
    col.end();
    expect(maxPending).toBeLessThanOrEqual(64);
    expect(reported).toBe(100_000);
  });
});

/** A DNS-over-TCP exchange on one connection: handshake, the client's and server's bytes cut as given, FIN. */
function tcpExchange(clientChunks: Buffer[], serverChunks: Buffer[], interleave = false): Frame[] {
  const frames: Frame[] = [];
  let t = 0, cs = 1000, ss = 5000;
  const c = (flags: string, payload?: Buffer): void => { t += 0.001; frames.push(tcpFrame({ src: C, dst: S, sport: 40100, dport: 53, seq: cs, ack: ss, flags, payload, t })); cs += (payload?.length ?? 0) + (flags.includes('S') || flags.includes('F') ? 1 : 0); };
  const s = (flags: string, payload?: Buffer): void => { t += 0.001; frames.push(tcpFrame({ src: S, dst: C, sport: 53, dport: 40100, seq: ss, ack: cs, flags, payload, t })); ss += (payload?.length ?? 0) + (flags.includes('S') || flags.includes('F') ? 1 : 0); };
  t += 0.001; frames.push(tcpFrame({ src: C, dst: S, sport: 40100, dport: 53, seq: cs, flags: 'S', t })); cs++;
  s('SA');
  c('A');
  if (interleave) {
    for (let i = 0; i < Math.max(clientChunks.length, serverChunks.length); i++) {
      if (i < clientChunks.length) c('PA', clientChunks[i]);
      if (i < serverChunks.length) s('PA', serverChunks[i]);
    }
  } else {
    for (const b of clientChunks) c('PA', b);
    for (const b of serverChunks) s('PA', b);
  }
  c('FA');
  s('FA');
  c('A');
  return frames;
}

const framed = (m: Buffer): Buffer => Buffer.concat([u16(m.length), m]);

function cut(b: Buffer, at: number[]): Buffer[] {
  const pts = [0, ...at, b.length];
  return pts.slice(1).map((e, i) => b.subarray(pts[i], e));
}

describe('dns over TCP (RFC 7766): two-byte lengths over the reassembled streams', () => {
  const q1 = dns({ id: 100, q: [{ name: 'one.test', type: 1 }] });
  const q2 = dns({ id: 101, q: [{ name: 'two.test', type: 28 }] });
  const r1 = dns({ id: 100, qr: true, q: [{ name: 'one.test', type: 1 }], an: [A('one.test', '10.0.0.1')] });
  const r2 = dns({ id: 101, qr: true, q: [{ name: 'two.test', type: 28 }], rcode: 3 });

  it('two queries in one segment, their responses out of order and split: paired by id', () => {
    const client = [Buffer.concat([framed(q1), framed(q2)])];
    const server = cut(Buffer.concat([framed(r2), framed(r1)]), [1, 7, framed(r2).length + 3]);
    const { records } = run(tcpExchange(client, server));
    expect(records.map((r) => [r.transport, r.id, r.query, r.qtype, r.rcode, r.answers.map((a) => a.data)]).sort()).toEqual([
      ['tcp', 100, 'one.test', 'A', 'NOERROR', ['10.0.0.1']],
      ['tcp', 101, 'two.test', 'AAAA', 'NXDOMAIN', []],
    ]);
  });

  it('the same pairs at every cut of the streams (property)', () => {
    const c = Buffer.concat([framed(q1), framed(q2)]), s = Buffer.concat([framed(r1), framed(r2)]);
    const whole = run(tcpExchange([c], [s])).records.map((r) => [r.id, r.query, r.rcode, r.answers]);
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: c.length - 1 }), { maxLength: 6 }), fc.uniqueArray(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 6 }),
      (ca, sa) => {
        const got = run(tcpExchange(cut(c, ca.sort((x, y) => x - y)), cut(s, sa.sort((x, y) => x - y)))).records.map((r) => [r.id, r.query, r.rcode, r.answers]);
        expect(got).toEqual(whole);
      }), { numRuns: 60 });
  });

  it('tshark pairs the same messages (its dns.time, rcode and names)', () => {
    if (!HAVE_TSHARK) return;
    const frames = tcpExchange([framed(q1), framed(q2)], [framed(r2), framed(r1)], true);
    const file = captureWriter('dns')('tcp', frames);
    compareWithTshark(file, run(frames).records);
  });

  it('a connection whose SYN was not captured is not read (where its messages begin is unknown)', () => {
    const frames = tcpExchange([framed(q1)], [framed(r1)]).slice(1); // no SYN
    expect(run(frames).records).toEqual([]);
  });

  it('the framer: byte by byte, a zero-length message, nothing after a gap', () => {
    const got: string[] = [];
    const f = new DnsTcpFramer((b, o, e) => got.push(b.toString('latin1', o, e)));
    const stream = Buffer.from('\x00\x03abc\x00\x00\x00\x02de', 'latin1');
    for (let i = 0; i < stream.length; i++) f.data(stream.subarray(i, i + 1));
    expect(got).toEqual(['abc', '', 'de']);
    f.gap();
    f.data(Buffer.from('\x00\x01x', 'latin1'));
    expect(got).toHaveLength(3);
    expect(f.lost).toBe(true);
  });
});

describe('answers as dig shows their data', () => {
  it('A, AAAA, CNAME, MX, TXT, SRV, SOA, and any other type in RFC 3597 form; names escaped', () => {
    const an: Rr[] = [
      { name: 'x.test', type: 5, data: name('y.test') },
      { name: 'y.test', type: 28, data: Buffer.from('20010db8000000000000000000000001', 'hex') },
      { name: 'x.test', type: 15, data: Buffer.concat([u16(10), name('mail.test')]) },
      { name: 'x.test', type: 16, data: Buffer.from('\x05hello\x07a "q" \\', 'latin1') },
      { name: 'x.test', type: 33, data: Buffer.concat([u16(1), u16(2), u16(5060), name('sip.test')]) },
      { name: 'x.test', type: 6, data: Buffer.concat([name('ns.test'), name('admin.test'), u32(2024010101), u32(7200), u32(3600), u32(1209600), u32(300)]) },
      { name: 'x.test', type: 99 + 1000, data: Buffer.from([0xde, 0xad]) },
      { name: 'e\x1bvil.test', type: 1, data: Buffer.from([1, 2, 3, 4]) },
      { name: 'x.test', type: 12, data: Buffer.from('\x03a.b\x04c\\ \xff\x04test\x00', 'latin1') },
    ];
    const { records } = run([query(0, { id: 1, q: [{ name: 'x.test', type: 255 }] }), reply(0.001, { id: 1, q: [{ name: 'x.test', type: 255 }], an })]);
    expect(records[0]!.qtype).toBe('ANY');
    expect(records[0]!.answers.map((a) => [a.name, a.type, a.data])).toEqual([
      ['x.test', 'CNAME', 'y.test'],
      ['y.test', 'AAAA', '2001:db8::1'],
      ['x.test', 'MX', '10 mail.test'],
      ['x.test', 'TXT', '"hello" "a \\"q\\" \\\\"'],
      ['x.test', 'SRV', '1 2 5060 sip.test'],
      ['x.test', 'SOA', 'ns.test admin.test 2024010101 7200 3600 1209600 300'],
      ['x.test', 'Type1099', '\\# 2 dead'],
      // Names in RFC 1035's presentation form, as TXT's strings and dig: \DDD decimal, \. and \\ inside a label.
      ['e\\027vil.test', 'A', '1.2.3.4'],
      ['x.test', 'PTR', 'a\\.b.c\\\\\\032\\255.test'],
    ]);
  });

  it('compression pointers are followed; a pointer loop ends the answers, not the run', () => {
    // Answer 1's owner points at the question's name (offset 12); answer 2's points at itself.
    const head = Buffer.concat([u16(1), u16(0x8180), u16(1), u16(2), u16(0), u16(0), name('p.test'), u16(1), u16(1)]);
    const a1 = Buffer.concat([Buffer.from([0xc0, 12]), u16(1), u16(1), u32(1), u16(4), Buffer.from([9, 9, 9, 9])]);
    const loopAt = head.length + a1.length;
    const a2 = Buffer.concat([Buffer.from([0xc0 | (loopAt >> 8), loopAt & 0xff]), u16(1), u16(1), u32(1), u16(4), Buffer.from([8, 8, 8, 8])]);
    const resp = udpFrame({ src: S, dst: C, sport: 53, dport: 40000, payload: Buffer.concat([head, a1, a2]), t: 0.001 });
    const { records } = run([query(0, { id: 1, q: [{ name: 'p.test', type: 1 }] }), resp]);
    expect(records.map((r) => [r.rcode, r.answers.map((a) => `${a.name} ${a.data}`)])).toEqual([['NOERROR', ['p.test 9.9.9.9']]]);
  });
});

describe('the table', () => {
  it('one row per transaction, unanswered ones with "-"; nothing from the wire raw', () => {
    const frames = [query(0, { id: 1, q: [{ name: 'ok.test', type: 1 }] }), reply(0.002, { id: 1, q: [{ name: 'ok.test', type: 1 }], an: [A('ok.test', '1.1.1.1'), A('ok.test', '1.1.1.2')] }),
      query(0.01, { id: 2, q: [{ name: 'x\x1b[2J.test', type: 1 }] })];
    const table = new DnsTableWriter(noColor, undefined, new TimeFormatter('tt', false));
    const col = new DnsCollector((t) => table.add(t));
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
    frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t); });
    t.finish(); col.end();
    const lines: string[] = [];
    table.write((l) => lines.push(l));
    expect(lines[0]).toMatch(/^conn +time +proto +client +server +id +query +type +rcode +answers +rtt +retries$/);
    expect(lines[1]).toMatch(/^#0 +1700000000\.000000 +udp +10\.0\.0\.1:40000 +10\.0\.0\.53:53 +1 +ok\.test +A +NOERROR +1\.1\.1\.1 \(\+1\) +2\.00ms +0$/);
    expect(lines[2]).toMatch(/x\\027\[2J\.test +A +- +- +- +0$/);
    expect(lines.join('\n')).not.toMatch(/\x1b/);
  });
});

describe('netlens dns on the fixtures', () => {
  const file = join(FIXTURES, 'dns.pcap');

  it('dns.pcap: every pair tshark makes, same ids, names, rcodes and rtts (UDP and TCP)', () => {
    const records = ndjson(netlens(['dns', '--json', file]).stdout) as DnsRecord[];
    expect(records.map((r) => [r.transport, r.query, r.qtype, r.rcode])).toEqual([
      ['udp', 'example.test', 'A', 'NOERROR'], ['udp', 'v6.example.test', 'AAAA', 'NOERROR'], ['udp', 'alias.example.test', 'A', 'NOERROR'],
      ['udp', 'nosuch.invalid', 'A', 'NXDOMAIN'], ['udp', 'unknown.elsewhere', 'A', 'REFUSED'], ['tcp', 'example.test', 'A', 'NOERROR'],
    ]); // as fixtures/README.md says dnsmasq answered
    expect(records[2]!.answers.map((a) => [a.type, a.data])).toEqual([['CNAME', 'example.test'], ['A', '10.77.0.99']]);
    if (HAVE_TSHARK) compareWithTshark(file, records);
  });

  it('--json matches test/golden/dns.dns.ndjson (every field; the pairs above are tshark\'s)', () => {
    expect(netlens(['dns', '--json', file]).stdout).toBe(readFileSync(join(ROOT, 'test', 'golden', 'dns.dns.ndjson'), 'utf8'));
  });

  it('a filter picks conversations; the ids stay those of the whole capture', () => {
    const all = ndjson(netlens(['dns', '--json', file]).stdout);
    const tcp = ndjson(netlens(['dns', '--json', file, 'tcp']).stdout);
    expect(tcp).toEqual(all.filter((r) => r.transport === 'tcp'));
    expect(netlens(['dns', file, 'icmp']).stdout).toBe('no DNS query or response in the conversations matching the filter\n');
  });

  it('the table, --time, and --help', () => {
    const r = netlens(['dns', '--time', 'since-first', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^#0 +00:00:00\.000000 +udp +10\.77\.0\.1:40531 +10\.77\.0\.2:53 +23844 +example\.test +A +NOERROR +10\.77\.0\.99 /);
    expect(netlens(['dns', '-t', file]).stdout.split('\n')[0]).toMatch(/^conn +proto +client /);
    const help = netlens(['dns', '--help']).stdout + netlens(['dns', '--help']).stderr;
    expect(help).toMatch(/--dns-timeout S/);
    expect(help).toMatch(/--max-pending N/);
    expect(netlens(['dns', '--max-pending', '0', file]).status).toBe(2);
    expect(netlens(['http', fixture('http-keepalive.pcap')]).status).toBe(0);
    expect(netlens(['dns', fixture('http-keepalive.pcap')]).stdout).toBe('no DNS queries or responses (port 53) in this capture\n');
  });
});

function fixture(f: string): string { return join(FIXTURES, f); }
