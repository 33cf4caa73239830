/**
 * A pcapng whose interfaces have different link types (Ethernet, Linux cooked,
 * raw IP), read with a BPF filter: the filter is compiled for each interface's
 * link type (as dumpcap compiles a capture filter per interface), so a frame
 * matches on what it carries, whatever its link header. tshark's display
 * filter over the same file is the oracle for which frames match.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeBinding } from '../../src/source/live.js';
import { haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { ngInterface, ngPacket, ngSection } from '../helpers/pcapng.js';
import { ipv4Packet } from '../helpers/pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-multilink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasNative = nativeBinding() !== null;
if (!hasNative) console.warn('skipping multi-link filter tests: the libpcap binding is not built (BPF filters need it)');

const ipv4 = ipv4Packet;
function tcp(sport: number, dport: number): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sport, 0); t.writeUInt16BE(dport, 2); t.writeUInt32BE(1, 4); t[12] = 0x50; t[13] = 0x02; t.writeUInt16BE(512, 14);
  return t;
}
function udp(sport: number, dport: number, payload = Buffer.alloc(4)): Buffer {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0); u.writeUInt16BE(dport, 2); u.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([u, payload]);
}
const ether = (ip: Buffer): Buffer => Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), Buffer.from([0x08, 0x00]), ip]);
function cooked(ip: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); h.writeUInt16BE(1, 2); h.writeUInt16BE(6, 4);
  Buffer.from('020000000003', 'hex').copy(h, 6); h.writeUInt16BE(0x0800, 14);
  return Buffer.concat([h, ip]);
}

/** Interface 0 Ethernet, 1 Linux cooked, 2 raw IP; on each a TCP segment to port 9000, a UDP datagram to 53 and one from 10.9.9.9. */
const IFACES = [{ linkType: 1, wrap: ether }, { linkType: 113, wrap: cooked }, { linkType: 101, wrap: (ip: Buffer) => ip }];
const PACKETS = [
  (i: number) => ipv4(6, `10.0.${i}.1`, `10.0.${i}.2`, tcp(40000 + i, 9000)),
  (i: number) => ipv4(17, `10.0.${i}.1`, `10.0.${i}.2`, udp(50000 + i, 53)),
  (i: number) => ipv4(17, '10.9.9.9', `10.0.${i}.2`, udp(123, 123)),
];
const blocks: Buffer[] = [ngSection(), ...IFACES.map((f) => ngInterface(f.linkType))];
let sec = 1_700_000_000;
for (let round = 0; round < 2; round++) {
  for (const [k, pkt] of PACKETS.entries()) {
    for (const [i, f] of IFACES.entries()) blocks.push(ngPacket(i, BigInt(sec++) * 1_000_000n + BigInt(k), f.wrap(pkt(i))));
  }
}
const FILE = join(dir, 'multilink.pcapng');
writeFileSync(FILE, Buffer.concat(blocks));

/** The epoch seconds of the frames netlens's filter passes. */
function netlensMatches(filter: string): number[] {
  const r = netlens(['read', '--json', FILE, filter]);
  expect(r.status, r.stderr).toBe(0);
  return ndjson(r.stdout).map((p) => Number(String(p.ts).split('.')[0]));
}

/** The same with tshark's display filter. */
function tsharkMatches(displayFilter: string): number[] {
  const r = spawnSync('tshark', ['-r', FILE, '-Y', displayFilter, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => Math.floor(Number(l)));
}

/** per: how many matches each interface (Ethernet, cooked, raw) has. */
const CASES: { bpf: string; tshark: string; per: number[] }[] = [
  { bpf: 'tcp port 9000', tshark: 'tcp.port == 9000', per: [2, 2, 2] },
  { bpf: 'udp dst port 53', tshark: 'udp.dstport == 53', per: [2, 2, 2] },
  { bpf: 'src host 10.9.9.9', tshark: 'ip.src == 10.9.9.9', per: [2, 2, 2] },
  { bpf: 'net 10.0.1.0/24', tshark: 'ip.addr == 10.0.1.0/24', per: [0, 6, 0] },
  { bpf: 'ip', tshark: 'ip', per: [6, 6, 6] },
  { bpf: 'tcp and net 10.0.2.0/24', tshark: 'tcp and ip.addr == 10.0.2.0/24', per: [0, 0, 2] },
];

describe.skipIf(!hasNative)('a BPF filter over a pcapng of several link types', () => {
  for (const c of CASES) {
    it(`"${c.bpf}" matches the frames of each interface that carry it (${c.per.join(', ')})`, () => {
      const got = netlensMatches(c.bpf);
      // Each interface has its share: Ethernet's program alone would miss the cooked and raw frames.
      const perIface = [0, 0, 0];
      for (const s of got) perIface[(s - 1_700_000_000) % 3]!++;
      expect(perIface).toEqual(c.per);
      if (haveTool('tshark')) expect(got).toEqual(tsharkMatches(c.tshark));
    });
  }
  it('conns sees the filtered conversations of every link type', () => {
    const r = netlens(['conns', '--json', FILE, 'tcp port 9000']);
    expect(r.status, r.stderr).toBe(0);
    expect(ndjson(r.stdout).map((c) => c.client.ip).sort()).toEqual(['10.0.0.1', '10.0.1.1', '10.0.2.1']);
  });
  it('read -w FILE.pcapng keeps each matching frame with its own link type', () => {
    const out = join(dir, 'filtered.pcapng');
    const w = netlens(['read', '-w', out, FILE, 'udp dst port 53']);
    expect(w.status, w.stderr).toBe(0);
    const back = ndjson(netlens(['read', '--json', out]).stdout);
    expect(back).toHaveLength(6);
    expect(back.map((p) => p.udp?.dstPort ?? p.udp?.dport)).toEqual([53, 53, 53, 53, 53, 53]);
  });
  it('a filter one interface\'s link type cannot express fails at the start, in one line naming it', () => {
    const r = netlens(['read', FILE, 'ether host 02:00:00:00:00:01']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^netlens: bad filter "ether host 02:00:00:00:00:01": .*link type 101/);
  });
  it('an interface described after the first packets gets its own program too', () => {
    const late = Buffer.concat([
      ngSection(), ngInterface(1),
      ngPacket(0, 1n, ether(PACKETS[0]!(0))),
      ngInterface(113),
      ngPacket(1, 2n, cooked(PACKETS[0]!(1))),
      ngPacket(1, 3n, cooked(PACKETS[1]!(1))),
    ]);
    const path = join(dir, 'late.pcapng');
    writeFileSync(path, late);
    const r = netlens(['read', '--json', path, 'tcp port 9000']);
    expect(r.status, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(2);
  });
});
