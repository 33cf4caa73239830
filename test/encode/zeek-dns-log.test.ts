/**
 * `dns --format zeek`: Zeek's pairing and answer strings on built captures.
 * The expectations are what base/protocols/dns/main.zeek (zeek/zeek
 * a13de64f) does, and its baselines show: a retried query is a row of its
 * own, written unanswered when the connection ends (core.ipv6-frag/dns.log);
 * a reply alone takes its query from its first answer's owner, with no rtt,
 * class or type (dns.flip/dns.log); a CNAME is its target and TXT is
 * "TXT <length> <string>" per string (dns.multiple-txt-strings/dns.log);
 * names are downcased (DNS.cc ExtractName); rejected is a response with an
 * error and no question (set_session). Field values are compared with real
 * baselines in test/oracle/zeek-dns-baseline.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classicPcap } from '../helpers/pcap.js';
import { netlens } from '../helpers/netlens.js';

function udp(src: string, dst: string, sport: number, dport: number, payload: Buffer): Buffer {
  const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(28 + payload.length, 2); ip[8] = 64; ip[9] = 17;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0); u.writeUInt16BE(dport, 2); u.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([eth, ip, u, payload]);
}

function name(n: string): Buffer {
  return Buffer.concat([...n.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

interface Rr { name: string; type: number; ttl: number; data: Buffer }

/** A DNS message: id, flags, the questions (name, type) and answer records. */
function dns(id: number, flags: number, questions: [string, number][], answers: Rr[] = []): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0); h.writeUInt16BE(flags, 2); h.writeUInt16BE(questions.length, 4); h.writeUInt16BE(answers.length, 6);
  const q = questions.map(([n, t]) => { const tc = Buffer.alloc(4); tc.writeUInt16BE(t, 0); tc.writeUInt16BE(1, 2); return Buffer.concat([name(n), tc]); });
  const a = answers.map((r) => {
    const f = Buffer.alloc(10);
    f.writeUInt16BE(r.type, 0); f.writeUInt16BE(1, 2); f.writeUInt32BE(r.ttl, 4); f.writeUInt16BE(r.data.length, 8);
    return Buffer.concat([name(r.name), f, r.data]);
  });
  return Buffer.concat([h, ...q, ...a]);
}

const txt = (...s: string[]): Buffer => Buffer.concat(s.map((x) => Buffer.concat([Buffer.from([x.length]), Buffer.from(x, 'latin1')])));
const C = '10.0.0.1', S = '10.0.0.53';
const RD = 0x0100, QR_AA_RD_RA = 0x8580;

function dnsLog(frames: Buffer[], format = 'zeek'): { rows: Record<string, string>[]; stdout: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'netlens-zeek-dns-')), 'dns.pcap');
  writeFileSync(file, classicPcap(frames));
  const r = netlens(['dns', '--format', format, '--seed', '1', file]);
  expect(r.status, r.stderr).toBe(0);
  const ls = r.stdout.split('\n').filter((l) => l !== '');
  const fields = ls.find((l) => l.startsWith('#fields\t'))?.split('\t').slice(1) ?? [];
  return { stdout: r.stdout, rows: ls.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v]))) };
}

describe('dns --format zeek: Zeek\'s pairing', () => {
  it('a retried query: the response pairs with the first copy; the retry is written unanswered at the end', () => {
    const { rows } = dnsLog([
      udp(C, S, 40000, 53, dns(7, RD, [['Www.Example.TEST', 1]])),
      udp(C, S, 40000, 53, dns(7, RD, [['www.example.test', 1]])),
      udp(S, C, 53, 40000, dns(7, QR_AA_RD_RA, [['www.example.test', 1]], [{ name: 'www.example.test', type: 1, ttl: 60, data: Buffer.from([192, 0, 2, 1]) }])),
    ]);
    expect(rows.map((r) => [r.trans_id, r.rtt, r.query, r.qtype_name, r.rcode_name, r.AA, r.RD, r.RA, r.answers, r.TTLs])).toEqual([
      ['7', '2.000000', 'www.example.test', 'A', 'NOERROR', 'T', 'T', 'T', '192.0.2.1', '60.000000'],
      ['7', '-', 'www.example.test', 'A', '-', 'F', 'T', 'F', '-', '-'],
    ]);
    expect(rows[0]!.uid).toBe(rows[1]!.uid);
  });

  it('a reply alone: query from its first answer, no rtt, class or type; CNAME and TXT as main.zeek writes them, the set separator escaped', () => {
    const { rows } = dnsLog([
      udp(S, C, 53, 40001, dns(9, QR_AA_RD_RA, [], [
        { name: 'A.example.test', type: 5, ttl: 900, data: name('B.example.test') },
        { name: 'b.example.test', type: 16, ttl: 7200, data: txt('k=1,2', 'p') },
        { name: 'b.example.test', type: 15, ttl: 5, data: Buffer.concat([Buffer.from([0, 10]), name('mx.example.test')]) },
      ])),
    ]);
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect([r.query, r.rtt, r.qclass, r.qtype, r.rcode, r.rejected]).toEqual(['a.example.test', '-', '-', '-', '0', 'F']);
    expect(r.answers).toBe('b.example.test,TXT 5 k=1\\x2c2 TXT 1 p,mx.example.test');
    expect(r.TTLs).toBe('900.000000,7200.000000,5.000000');
  });

  it('rejected: an error response without a question; an empty answer section leaves AA, RA and rtt unset', () => {
    const { rows } = dnsLog([
      udp(C, S, 40002, 53, dns(11, RD, [['x.test', 28]])),
      udp(S, C, 53, 40002, dns(11, 0x8585, [])),
    ]);
    expect(rows.map((r) => [r.rcode, r.rcode_name, r.rejected, r.AA, r.RA, r.rtt, r.qtype_name])).toEqual([['5', 'REFUSED', 'T', 'F', 'F', '-', 'AAAA']]);
  });

  it('a TXT string running past its record: the strings before it are the answer, the records after it are not read (DNS.cc extract_char_string)', () => {
    const { rows } = dnsLog([
      udp(C, S, 40004, 53, dns(13, RD, [['t.test', 16]])),
      udp(S, C, 53, 40004, dns(13, QR_AA_RD_RA, [['t.test', 16]], [
        { name: 't.test', type: 16, ttl: 30, data: Buffer.from([2, 0x61, 0x62, 9, 0x78, 0x79]) },
        { name: 't.test', type: 1, ttl: 30, data: Buffer.from([192, 0, 2, 7]) },
      ])),
    ]);
    expect(rows.map((r) => [r.answers, r.TTLs, r.AA])).toEqual([['TXT 2 ab', '30.000000', 'T']]);
  });

  it('zeek-json: the same row, TTLs as numbers, unset fields left out', () => {
    const frames = [
      udp(C, S, 40003, 53, dns(12, RD, [['t.test', 16]])),
      udp(S, C, 53, 40003, dns(12, QR_AA_RD_RA, [['t.test', 16]], [{ name: 't.test', type: 16, ttl: 30, data: txt('a') }])),
    ];
    const [o] = dnsLog(frames, 'zeek-json').stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(o!.answers).toEqual(['TXT 1 a']);
    expect(o!.TTLs).toEqual([30]);
    expect(o!.rtt).toBe(1);
    expect(o!.qtype_name).toBe('TXT');
    expect('rejected' in o!).toBe(true);
  });
});
