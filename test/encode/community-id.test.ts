/**
 * Community ID v1 against its oracles: the spec's documented examples
 * (community-id-spec README.md tables, the same vectors as Zeek's
 * bifs.community_id.v1 baseline), the reference implementation's baseline of
 * the spec's combined.pcap (test/encode/community-id/, see its README), and
 * tshark's communityid dissector on the fixtures. Then: conns, http and packet
 * records of a conversation carry the same ID, and a known flow costs no hash.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { communityId, communityIdStats, icmpPorts } from '../../src/encode/community-id.js';
import { writePacketJson } from '../../src/encode/packet-record.js';
import { StringSink } from '../../src/encode/sink.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { Tracker } from '../../src/track/tracker.js';
import { connections } from '../../src/index.js';
import { FIXTURES, haveTool, ndjson, netlens, ROOT } from '../helpers/netlens.js';

const VECTORS = join(ROOT, 'test', 'encode', 'community-id');

/** An address as Connection.addr's four words (IPv4 in the last). */
function words(ip: string): number[] {
  if (ip.includes('.')) return [0, 0, 0xffff, ip.split('.').reduce((a, b) => a * 256 + Number(b), 0) | 0];
  const parts = ip.split(':').map((h) => parseInt(h, 16));
  return [0, 1, 2, 3].map((i) => ((parts[2 * i]! << 16) | parts[2 * i + 1]!) | 0);
}

function cid(seed: number, proto: number, s: string, d: string, sport: number, dport: number, hasPorts = true): string {
  const v6 = s.includes(':');
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const [a, b, one] = icmpPorts(proto === 58, sport, dport);
    sport = a; dport = b; oneWay = one;
  }
  return communityId(seed, v6, proto, [...words(s), ...words(d)], sport, dport, oneWay, hasPorts);
}

const A6 = 'fe80:0001:0203:0405:0607:0809:0A0B:0C0D', B6 = 'fe80:1011:1213:1415:1617:1819:1A1B:1C1D';
/** community-id-spec README.md, "Sample results": proto, src, dst, sport (ICMP type), dport (code), seed 0, seed 1. */
const TABLE: [number, string, string, number, number, string, string][] = [
  [6, '1.2.3.4', '5.6.7.8', 1122, 3344, '1:wCb3OG7yAFWelaUydu0D+125CLM=', '1:HhA1B+6CoLbiKPEs5nhNYN4XWfk='],
  [6, '5.6.7.8', '1.2.3.4', 3344, 1122, '1:wCb3OG7yAFWelaUydu0D+125CLM=', '1:HhA1B+6CoLbiKPEs5nhNYN4XWfk='],
  [17, '1.2.3.4', '5.6.7.8', 1122, 3344, '1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=', '1:OShq+iKDAMVouh/4bMxB9Sz4amw='],
  [17, '5.6.7.8', '1.2.3.4', 3344, 1122, '1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=', '1:OShq+iKDAMVouh/4bMxB9Sz4amw='],
  [132, '1.2.3.4', '5.6.7.8', 1122, 3344, '1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=', '1:uitchpn5MMGAQKBJh7bIr/bAr7s='],
  [132, '5.6.7.8', '1.2.3.4', 3344, 1122, '1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=', '1:uitchpn5MMGAQKBJh7bIr/bAr7s='],
  [1, '1.2.3.4', '5.6.7.8', 8, 0, '1:crodRHL2FEsHjbv3UkRrfbs4bZ0=', '1:9pr4ZGTICiuZoIh90RRYE2RyXpU='],
  [1, '5.6.7.8', '1.2.3.4', 0, 0, '1:crodRHL2FEsHjbv3UkRrfbs4bZ0=', '1:9pr4ZGTICiuZoIh90RRYE2RyXpU='],
  [1, '1.2.3.4', '5.6.7.8', 11, 0, '1:f/YiSyWqczrTgfUCZlBUnvHRcPk=', '1:1DD7cWGC/Yg91YGsQeni8du3pIA='],
  [58, A6, B6, 128, 0, '1:0bf7hyMJUwt3fMED7z8LIfRpBeo=', '1:IO27GQzPuCtNnwFvjWALMHu5tJE='],
  [58, B6, A6, 129, 0, '1:0bf7hyMJUwt3fMED7z8LIfRpBeo=', '1:IO27GQzPuCtNnwFvjWALMHu5tJE='],
  [58, A6, B6, 146, 0, '1:fYC8+pz24E+EhANP1EZhpX0Dw10=', '1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s='],
];
/** The same tables' port-less rows (RSVP, IP protocol 46). */
const PORTLESS: [string, string, string, string][] = [
  ['1.2.3.4', '5.6.7.8', '1:ikv3kmf89luf73WPz1jOs49S768=', '1:/buhqeOmaRCopOZFy9HnoJd5XW8='],
  ['5.6.7.8', '1.2.3.4', '1:ikv3kmf89luf73WPz1jOs49S768=', '1:/buhqeOmaRCopOZFy9HnoJd5XW8='],
  [A6, B6, '1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=', '1:j6EyyfBzL4vWKHFXgUqb5Az3OxM='],
  [B6, A6, '1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=', '1:j6EyyfBzL4vWKHFXgUqb5Az3OxM='],
];

describe('the one-block SHA-1', () => {
  it('equals node:crypto\'s for every tuple shape (community-id.py\'s byte layout)', () => {
    fc.assert(fc.property(
      fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.array(fc.integer(), { minLength: 8, maxLength: 8 }),
      fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.boolean(),
      (v6, proto, addr, sport, dport, seed, hasPorts) => {
        if (!v6) { addr[0] = addr[4] = 0; addr[1] = addr[5] = 0; addr[2] = addr[6] = 0xffff; }
        // community-id.py: the smaller address (then port) first.
        const words = (o: number) => (v6 ? [0, 1, 2, 3] : [3]).map((i) => addr[o + i]! >>> 0);
        const A = words(0), B = words(4);
        let cmp = 0;
        for (let i = 0; i < A.length && cmp === 0; i++) cmp = A[i]! < B[i]! ? -1 : A[i]! > B[i]! ? 1 : 0;
        const keep = cmp < 0 || (cmp === 0 && sport < dport);
        const [s, d, sp, dp] = keep ? [A, B, sport, dport] : [B, A, dport, sport];
        const parts = [Buffer.from([seed >> 8, seed & 255]), ...[...s, ...d].map((w) => { const x = Buffer.alloc(4); x.writeUInt32BE(w); return x; }), Buffer.from([proto, 0])];
        if (hasPorts) { const p = Buffer.alloc(4); p.writeUInt16BE(sp, 0); p.writeUInt16BE(dp, 2); parts.push(p); }
        const want = '1:' + createHash('sha1').update(Buffer.concat(parts)).digest('base64');
        expect(communityId(seed, v6, proto, addr, sport, dport, false, hasPorts)).toBe(want);
      }), { numRuns: 3000 });
  });
});

describe('Community ID v1: the spec\'s documented examples', () => {
  for (const [proto, s, d, sp, dp, seed0, seed1] of TABLE) {
    it(`proto ${proto} ${s} ${sp} → ${d} ${dp}`, () => {
      expect(cid(0, proto, s, d, sp, dp)).toBe(seed0);
      expect(cid(1, proto, s, d, sp, dp)).toBe(seed1);
    });
  }
  it('port-less protocols hash no ports', () => {
    for (const [s, d, seed0, seed1] of PORTLESS) {
      expect(cid(0, 46, s, d, 0, 0, false)).toBe(seed0);
      expect(cid(1, 46, s, d, 0, 0, false)).toBe(seed1);
    }
  });
  it('the README\'s ordering example: equal tuples either way round', () => {
    expect(cid(0, 6, '10.0.0.1', '127.0.0.1', 1234, 80)).toBe(cid(0, 6, '127.0.0.1', '10.0.0.1', 80, 1234));
    // Equal addresses: the ports decide.
    expect(cid(0, 17, '10.0.0.1', '10.0.0.1', 1234, 80)).toBe(cid(0, 17, '10.0.0.1', '10.0.0.1', 80, 1234));
  });
  it('ICMP ports: a type with a counterpart, and a one-way type (its code as the port)', () => {
    expect(icmpPorts(false, 8, 0)).toEqual([8, 0, false]);
    expect(icmpPorts(false, 13, 0)).toEqual([13, 14, false]);
    expect(icmpPorts(false, 3, 3)).toEqual([3, 3, true]);
    expect(icmpPorts(true, 135, 0)).toEqual([135, 136, false]);
    expect(icmpPorts(true, 139, 0)).toEqual([139, 140, false]);
    expect(icmpPorts(true, 1, 4)).toEqual([1, 4, true]);
  });
});

interface BaselineRow { proto: number; saddr: string; daddr: string; sport: number | null; dport: number | null; communityid: string }

/** The flow tuple of a packet record, as the baseline writes it (ICMP: the type and its counterpart or code). */
function tupleOf(r: Record<string, any>): string | null {
  if (r.ip === undefined) return null;
  let sport: number, dport: number;
  if (r.tcp !== undefined) { sport = r.tcp.sport; dport = r.tcp.dport; }
  else if (r.udp !== undefined) { sport = r.udp.sport; dport = r.udp.dport; }
  else if (r.icmp !== undefined) [sport, dport] = icmpPorts(r.ip.v === 6, r.icmp.type, r.icmp.code);
  else return null;
  return `${r.ip.proto} ${r.ip.src} ${r.ip.dst} ${sport} ${dport}`;
}

describe('read --json against the reference implementation\'s baseline of the spec\'s combined.pcap', () => {
  for (const [file, args] of [['baseline_deflt.json', []], ['baseline_seed1.json', ['--community-id-seed', '1']]] as const) {
    it(file, () => {
      const baseline = JSON.parse(readFileSync(join(VECTORS, file), 'utf8')) as BaselineRow[];
      const want = new Map(baseline.map((b) => [`${b.proto} ${b.saddr} ${b.daddr} ${b.sport} ${b.dport}`, b.communityid]));
      const r = netlens(['read', '--json', ...args, join(VECTORS, 'combined.pcap')]);
      expect(r.status).toBe(0);
      let compared = 0;
      for (const p of ndjson(r.stdout)) {
        const t = tupleOf(p);
        if (t === null) { expect(p.communityId).toBeUndefined(); continue; }
        expect(want.has(t), t).toBe(true);
        expect(p.communityId, `frame ${p.n}: ${t}`).toBe(want.get(t));
        compared++;
      }
      // Every TCP, UDP, ICMP and ICMPv6 frame of the capture (SCTP and RSVP carry no Community ID in netlens).
      expect(compared).toBe(55);
    });
  }
});

const tshark = haveTool('tshark');
/**
 * tshark hashes a tunnel's innermost flow (the last IP layer of the frame);
 * netlens gives a frame its conversation's ID, and the conversation of a
 * VXLAN frame is the outer UDP flow (as Zeek's conn.log has a row for it).
 */
const TUNNELS = new Set(['vxlan.pcap']);

describe.skipIf(!tshark)('read --json against tshark\'s communityid dissector', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap') && !TUNNELS.has(f));
  for (const seed of [0, 4321]) {
    it(`every fixture, seed ${seed}`, () => {
      let compared = 0;
      for (const f of files) {
        const path = join(FIXTURES, f);
        const t = spawnSync('tshark', ['-n', '--enable-protocol', 'communityid', '-o', `communityid.seed:${seed}`, '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'communityid'],
          { encoding: 'utf8', maxBuffer: 1 << 28 });
        expect(t.status, t.stderr).toBe(0);
        const theirs = new Map(t.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t') as [string, string]));
        const r = netlens(['read', '--json', '--community-id-seed', String(seed), path]);
        expect(r.status, f).toBe(0);
        const diffs: string[] = [];
        for (const p of ndjson(r.stdout)) {
          if (p.communityId === undefined) continue; // tshark also hashes SCTP, other protocols and tunnels' inner flows
          compared++;
          const want = theirs.get(String(p.n)) ?? '';
          if (p.communityId !== want) diffs.push(`${f} frame ${p.n}: netlens ${p.communityId} tshark ${want}`);
        }
        expect(diffs).toEqual([]);
      }
      expect(compared).toBeGreaterThan(500);
    });
  }
});

describe('one Community ID per conversation', () => {
  it('conns, http and every packet of a conversation carry the same one', () => {
    const file = join(FIXTURES, 'http-keepalive.pcap');
    const byConn = new Map<number, string>();
    for (const c of ndjson(netlens(['conns', '--json', '--community-id-seed', '9', file]).stdout)) {
      expect(c.communityId).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
      byConn.set(c.id, c.communityId);
    }
    const packets = ndjson(netlens(['read', '--json', '--community-id-seed', '9', file]).stdout).filter((p) => p.conn !== undefined);
    expect(packets.length).toBeGreaterThan(0);
    for (const p of packets) expect(p.communityId).toBe(byConn.get(p.conn));
    const http = ndjson(netlens(['http', '--json', '--community-id-seed', '9', file]).stdout);
    expect(http.length).toBeGreaterThan(0);
    for (const h of http) expect(h.communityId).toBe(byConn.get(h.conn));
  });

  it('the library takes the seed as communityIdSeed', async () => {
    const file = join(FIXTURES, 'mixed.pcap');
    const cli = ndjson(netlens(['conns', '--json', '--community-id-seed', '77', file]).stdout);
    const lib: Record<string, any>[] = [];
    for await (const c of connections(file, { communityIdSeed: 77 })) lib.push(c);
    expect(lib.map((c) => [c.id, c.communityId]).sort()).toEqual(cli.map((c) => [c.id, c.communityId]).sort());
    const unseeded: string[] = [];
    for await (const c of connections(file)) unseeded.push(c.communityId);
    expect(unseeded).not.toContain(lib[0]!.communityId);
  });

  it('a seed beyond 16 bits is refused in one line', () => {
    const r = netlens(['conns', '--community-id-seed', '65536', join(FIXTURES, 'mixed.pcap')]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/--community-id-seed: 65536 is too large/);
  });

  it('packets of a known flow are not hashed again (at most one SHA-1 per flow)', () => {
    for (const file of [join(FIXTURES, 'mixed.pcap'), join(VECTORS, 'combined.pcap')]) {
      const r = new CaptureFileReader(file);
      const d = new PacketDecoder();
      const t = new Tracker({ recycle: false });
      const out = new StringSink();
      const flows = new Set<string>();
      let packets = 0;
      communityIdStats.hashes = 0;
      for (let f = r.next(); f !== null; f = r.next()) {
        d.decode(f);
        t.observe(d, f.tsSec, f.tsNsec);
        writePacketJson(out, ++packets, f, d, t, null, 0);
        const rec = JSON.parse(out.take()) as Record<string, any>;
        if (rec.communityId !== undefined) flows.add(rec.conn !== undefined ? `conn ${rec.conn}` : tupleOf(rec)!);
      }
      r.close();
      expect(flows.size).toBeGreaterThan(1);
      expect(packets).toBeGreaterThan(flows.size);
      expect(communityIdStats.hashes).toBe(flows.size);
    }
  });
});
