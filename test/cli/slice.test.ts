/**
 * `netlens slice`: the frames of the conversations named, checked against
 * tshark's conversation index. For every conversation of the fixtures, the
 * conversation is mapped to tshark's `tcp.stream` / `udp.stream` by its
 * endpoints and first time stamp; `tshark -Y 'tcp.stream==K' -w` writes the
 * frames tshark counts in it, and our slice must hold exactly those records
 * (time stamps, lengths, bytes), and read back by tshark give the same fields.
 * --split writes one file per conversation whose union is every frame tshark
 * gives a TCP/UDP stream; each sliced file, read back by netlens, gives the
 * conversation's `conns --json` record again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { ngInterface, ngPacket, ngSection, pcapRecords } from '../helpers/pcapng.js';
import { ipv4Packet } from '../helpers/pcap.js';
import { conversation, framesPcap } from '../helpers/frames.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-slice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTshark = haveTool('tshark');

function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** tshark's fields of a file's frames (optionally those a display filter picks), one array per frame. */
function fields(file: string, names: string[], filter?: string): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=/t'];
  if (filter !== undefined) args.push('-Y', filter);
  for (const n of names) args.push('-e', n);
  return tshark(args).split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** A frame as tshark shows it, for comparing a slice with the original: time, lengths, and the layers' headline fields. */
const FRAME_FIELDS = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols', 'ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport',
  'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.len', 'udp.length'];

interface Stream { proto: 'tcp' | 'udp'; index: string; ends: string; firstTs: string }

/** tshark's TCP and UDP streams of a file: protocol, index, its two endpoints (as a sorted key) and its first frame's time. */
function tsharkStreams(file: string): Stream[] {
  const rows = fields(file, ['frame.time_epoch', 'tcp.stream', 'udp.stream', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport']);
  const seen = new Map<string, Stream>();
  for (const [ts, tcpS, udpS, ip4s, ip6s, ip4d, ip6d, tsp, tdp, usp, udp] of rows) {
    // The outermost layer's values come first in a field that repeats (VXLAN's inner headers after).
    const first = (v: string | undefined): string => (v ?? '').split(',')[0]!;
    const src = first(ip4s) || first(ip6s), dst = first(ip4d) || first(ip6d);
    for (const [proto, idx, sp, dp] of [['tcp', tcpS, tsp, tdp], ['udp', udpS, usp, udp]] as const) {
      const index = first(idx);
      if (index === '' || seen.has(`${proto}${index}`)) continue;
      if (proto === 'tcp' && first(udpS) !== '') continue; // a TCP stream inside a UDP tunnel: netlens tracks the tunnel
      seen.set(`${proto}${index}`, { proto, index, ends: endsKey(src, first(sp), dst, first(dp)), firstTs: ts! });
    }
  }
  return [...seen.values()];
}

function endsKey(a: string, ap: string | number, b: string, bp: string | number): string {
  return [`${a}|${ap}`, `${b}|${bp}`].sort().join(' ');
}

/** The tshark stream of one of our conversations: the same endpoints, starting at the same frame. */
function streamOf(c: Record<string, any>, streams: Stream[]): Stream {
  const key = endsKey(c.client.ip, c.client.port, c.server.ip, c.server.port);
  const s = streams.find((x) => x.proto === c.proto && x.ends === key && x.firstTs === c.firstTs);
  if (s === undefined) throw new Error(`no tshark stream for conversation ${c.id} (${key} at ${c.firstTs})`);
  return s;
}

const FIXTURE_NAMES = ['tcp-client-close', 'http-keepalive', 'http-ipv6', 'lossy-download', 'tcp-midstream', 'tcp-refused', 'mixed', 'dns', 'mptcp', 'udp-exchange', 'vxlan'];

describe.skipIf(!hasTshark)('slice against tshark\'s streams', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: each conversation's slice holds exactly the frames of its tshark stream, and reads back as the same conversation`, () => {
      const fixture = join(FIXTURES, `${name}.pcap`);
      const conns = ndjson(netlens(['conns', '--json', fixture]).stdout);
      expect(conns.length).toBeGreaterThan(0);
      const streams = tsharkStreams(fixture);
      for (const c of conns) {
        const s = streamOf(c, streams);
        const ours = join(dir, `${name}-${c.id}.pcap`);
        const r = netlens(['slice', fixture, String(c.id), '-w', ours]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe('');
        // The frames tshark puts in the stream, written by tshark: our records must be the same, byte for byte.
        const theirs = join(dir, `${name}-${c.id}.tshark.pcap`);
        tshark(['-r', fixture, '-Y', `${s.proto}.stream==${s.index}`, '-F', 'pcap', '-w', theirs]);
        const want = pcapRecords(readFileSync(theirs)).raw;
        const got = pcapRecords(readFileSync(ours));
        expect(got.records.length, `conversation ${c.id}`).toBe(c.packets.client + c.packets.server);
        expect(got.raw.map((b) => b.toString('hex')), `conversation ${c.id}`).toEqual(want.map((b) => b.toString('hex')));
        // The original's link type and snaplen.
        expect(got.header.subarray(16).toString('hex')).toBe(readFileSync(fixture).subarray(16, 24).toString('hex'));
        // tshark reads the slice and sees the frames it sees in the original.
        expect(fields(ours, FRAME_FIELDS)).toEqual(fields(fixture, FRAME_FIELDS, `${s.proto}.stream==${s.index}`));
        // netlens reads it back: the same conversation, under id 0.
        const back = ndjson(netlens(['conns', '--json', ours]).stdout);
        expect(back).toHaveLength(1);
        // Modulo ids: its own, and a joining MPTCP subflow's `of` (the initial subflow is not in the slice).
        const strip = (x: Record<string, any>) => {
          const { id: _id, mptcp, ...rest } = x;
          return mptcp === undefined ? rest : { ...rest, mptcp: { ...mptcp, of: undefined } };
        };
        expect(strip(back[0]!)).toEqual(strip(c));
      }
    });
  }

  it('mixed.pcap --split: one file per conversation, named after it, whose union is every frame tshark gives a TCP or UDP stream', () => {
    const fixture = join(FIXTURES, 'mixed.pcap');
    const out = join(dir, 'split-mixed');
    const r = netlens(['slice', fixture, '--split', out]);
    expect(r.status, r.stderr).toBe(0);
    const conns = ndjson(netlens(['conns', '--json', fixture]).stdout);
    const names = readdirSync(out).sort();
    const expected = conns.map((c) => `conn-${c.id}-${c.client.ip.replace(/:/g, '_')}.${c.client.port}-${c.server.ip.replace(/:/g, '_')}.${c.server.port}.pcap`).sort();
    expect(names).toEqual(expected);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9._-]+$/);
    const union = names.flatMap((n) => fields(join(out, n), ['frame.time_epoch', 'frame.len'])).map((x) => x.join(' ')).sort();
    const all = fields(fixture, ['frame.time_epoch', 'frame.len'], 'tcp.stream or udp.stream').map((x) => x.join(' ')).sort();
    expect(union).toEqual(all);
    // Each file is its conversation.
    for (const c of conns) {
      const f = names.find((n) => n.startsWith(`conn-${c.id}-`))!;
      const back = ndjson(netlens(['conns', '--json', join(out, f)]).stdout);
      expect(back.map((x) => ({ ...x, id: c.id }))).toEqual([c]);
    }
  });

  it('several conversations into one file, in capture order; #N and ip:port-ip:port name them too', () => {
    const fixture = join(FIXTURES, 'mixed.pcap');
    const conns = ndjson(netlens(['conns', '--json', fixture]).stdout);
    const udp = conns.find((c) => c.proto === 'udp' && c.server.port === 5005)!;
    const tcp = conns.find((c) => c.proto === 'tcp' && c.client.ip.includes(':'))!;
    const streams = tsharkStreams(fixture);
    const [su, st] = [streamOf(udp, streams), streamOf(tcp, streams)];
    const ours = join(dir, 'two.pcap');
    // The tuple in the other order than conns prints it (either order names it).
    const tuple = `[${tcp.server.ip}]:${tcp.server.port}-[${tcp.client.ip}]:${tcp.client.port}`;
    const r = netlens(['slice', fixture, `#${udp.id}`, tuple, '-w', ours]);
    expect(r.status, r.stderr).toBe(0);
    expect(fields(ours, FRAME_FIELDS)).toEqual(fields(fixture, FRAME_FIELDS, `udp.stream==${su.index} or tcp.stream==${st.index}`));
  });

  it('- reads the capture from stdin: the same slice as from the file', () => {
    const fixture = join(FIXTURES, 'http-keepalive.pcap');
    const [a, b] = [join(dir, 'from-file.pcap'), join(dir, 'from-stdin.pcap')];
    expect(netlens(['slice', fixture, '0', '-w', a]).status).toBe(0);
    expect(netlens(['slice', '-', '0', '-w', b], readFileSync(fixture)).status).toBe(0);
    expect(readFileSync(b).toString('hex')).toBe(readFileSync(a).toString('hex'));
    expect(fields(b, FRAME_FIELDS)).toEqual(fields(fixture, FRAME_FIELDS, 'tcp.stream==0'));
  });

  it('-w - writes the slice to stdout (a pipe)', () => {
    const fixture = join(FIXTURES, 'tcp-client-close.pcap');
    const r = spawnSync(process.execPath, [join(FIXTURES, '..', 'dist', 'cli', 'main.js'), 'slice', fixture, '0', '-w', '-'], { maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    const file = join(dir, 'stdout.pcap');
    writeFileSync(file, r.stdout as Buffer);
    expect(fields(file, FRAME_FIELDS)).toEqual(fields(fixture, FRAME_FIELDS, 'tcp.stream==0'));
  });

  it('records longer than the file header\'s snaplen are copied whole, as tshark reads them', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A'); k.c(101, 901, 'PA', 200); k.s(901, 301, 'A');
    const pcap = framesPcap(k.frames);
    pcap.writeUInt32LE(64, 16); // a header snaplen below the records' lengths
    const file = join(dir, 'long-records.pcap');
    writeFileSync(file, pcap);
    const ours = join(dir, 'long-records.slice.pcap');
    expect(netlens(['slice', file, '0', '-w', ours]).status).toBe(0);
    const F = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'tcp.len'];
    const want = fields(file, F, 'tcp.stream==0');
    expect(want.some((r) => Number(r[2]) > 64)).toBe(true);
    expect(fields(ours, F)).toEqual(want);
    expect(pcapRecords(readFileSync(ours)).raw.map((b) => b.toString('hex'))).toEqual(pcapRecords(pcap).raw.map((b) => b.toString('hex')));
  });

  it('--pcapng on a classic pcap: a pcapng of the same frames, stamps to the microsecond as in the original', () => {
    const fixture = join(FIXTURES, 'http-keepalive.pcap');
    const ours = join(dir, 'keepalive.pcapng.out');
    const r = netlens(['slice', fixture, '0', '--pcapng', '-w', ours]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(ours).readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(fields(ours, FRAME_FIELDS)).toEqual(fields(fixture, FRAME_FIELDS, 'tcp.stream==0'));
  });

  it('a pcapng mixing link types (Ethernet, Linux cooked), nanosecond stamps: the slice is a pcapng keeping each frame\'s link type and stamp', () => {
    const file = join(dir, 'multilink.pcapng');
    writeFileSync(file, multiLinkPcapng());
    const conns = ndjson(netlens(['conns', '--json', file]).stdout);
    expect(conns).toHaveLength(2);
    const streams = tsharkStreams(file);
    const F = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols', 'ip.src', 'udp.srcport', 'frame.encap_type'];
    for (const c of conns) {
      const s = streamOf(c, streams);
      for (const ext of ['pcap', 'pcapng']) {
        const ours = join(dir, `multilink-${c.id}.${ext}`);
        const r = netlens(['slice', file, String(c.id), '-w', ours]);
        expect(r.status, r.stderr).toBe(0);
        expect(readFileSync(ours).readUInt32LE(0)).toBe(0x0a0d0d0a); // pcapng whatever the name: the input mixes link types
        const got = fields(ours, F);
        expect(got).toEqual(fields(file, F, `udp.stream==${s.index}`));
        expect(got.length).toBe(3);
        expect(got.some((row) => !row[0]!.endsWith('000')), 'the nanoseconds are kept').toBe(true);
      }
    }
    // --split: each conversation's file, pcapng.
    const out = join(dir, 'split-multilink');
    expect(netlens(['slice', file, '--split', out]).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['conn-0-10.0.0.1.1000-10.0.0.2.2000.pcapng', 'conn-1-10.0.0.3.3000-10.0.0.4.4000.pcapng']);
  });
});

describe('slice: what it refuses', () => {
  const fixture = join(FIXTURES, 'mixed.pcap');

  it('an unknown conversation id: one line, status 1, no file left', () => {
    const out = join(dir, 'unknown.pcap');
    const r = netlens(['slice', fixture, '1', '99', '-w', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('netlens: no conversation #99 in this capture (netlens conns lists them); nothing written\n');
    expect(existsSync(out)).toBe(false);
    const t = netlens(['slice', fixture, '10.9.9.9:1-10.9.9.8:2', '--split', join(dir, 'unknown-split')]);
    expect(t.status).toBe(1);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    expect(t.stderr).toMatch(/no conversation 10\.9\.9\.9:1-10\.9\.9\.8:2/);
    // A file that was there before a failed run is left as it was (the slice is written beside it, renamed on success).
    const kept = join(dir, 'kept.pcap');
    writeFileSync(kept, 'what was there\n');
    expect(netlens(['slice', fixture, '1', '99', '-w', kept]).status).toBe(1);
    expect(readFileSync(kept, 'utf8')).toBe('what was there\n');
    expect(readdirSync(dir).filter((n) => n.includes('netlens-partial'))).toEqual([]);
    expect(netlens(['slice', fixture, '1', '-w', kept]).status).toBe(0);
    expect(netlens(['conns', '--json', kept]).stdout).not.toBe('');
  });

  it('a word that names no conversation, no destination, both destinations, -w without a conversation, -w onto the input: usage errors', () => {
    for (const args of [['x', '-w', join(dir, 'x.pcap')], ['1'], ['1', '-w', join(dir, 'y.pcap'), '--split', dir], ['-w', join(dir, 'z.pcap')], ['1', '-w', fixture]]) {
      const r = netlens(['slice', fixture, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(/^netlens: \S/);
      expect(r.stderr).not.toMatch(/    at /);
    }
    expect(readFileSync(fixture).length).toBeGreaterThan(1000); // not emptied
  });

  it.skipIf(!haveTool('script'))('-w - refuses a terminal', () => {
    const cli = join(FIXTURES, '..', 'dist', 'cli', 'main.js');
    const r = spawnSync('script', ['-qec', `${process.execPath} ${cli} slice ${fixture} 1 -w -`, '/dev/null'], { encoding: 'latin1' });
    expect(r.stdout).toMatch(/stdout, which is a terminal/);
    expect(r.stdout).not.toMatch(/\xd4\xc3\xb2\xa1/); // no pcap header reached it
    expect(r.status).toBe(2);
  });
});

/**
 * A pcapng of two interfaces, Ethernet and Linux cooked (SLL), nanosecond
 * resolution, with a UDP conversation on each, their frames interleaved.
 */
function multiLinkPcapng(): Buffer {
  const ipv4 = (src: string, dst: string, l4: Buffer): Buffer => ipv4Packet(17, src, dst, l4);
  const udp = (sport: number, dport: number, n: number): Buffer => {
    const u = Buffer.alloc(8 + n, 0x61);
    u.writeUInt16BE(sport, 0); u.writeUInt16BE(dport, 2); u.writeUInt16BE(8 + n, 4); u.writeUInt16BE(0, 6);
    return u;
  };
  const ether = (ip: Buffer): Buffer => Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), Buffer.from([0x08, 0x00]), ip]);
  const cooked = (ip: Buffer): Buffer => {
    const h = Buffer.alloc(16);
    h.writeUInt16BE(0, 0); h.writeUInt16BE(1, 2); h.writeUInt16BE(6, 4);
    Buffer.from('020000000003', 'hex').copy(h, 6); h.writeUInt16BE(0x0800, 14);
    return Buffer.concat([h, ip]);
  };
  const t0 = 1_763_800_000_000_000_000n;
  const blocks = [ngSection(), ngInterface(1, 0, { tsresol: 9 }), ngInterface(113, 0, { tsresol: 9 })];
  for (let i = 0; i < 3; i++) {
    blocks.push(ngPacket(0, t0 + BigInt(i) * 1_000_000_123n, ether(ipv4('10.0.0.1', '10.0.0.2', udp(1000, 2000, 4 + i)))));
    blocks.push(ngPacket(1, t0 + BigInt(i) * 1_000_000_123n + 500_000_007n, cooked(ipv4(i % 2 === 0 ? '10.0.0.3' : '10.0.0.4', i % 2 === 0 ? '10.0.0.4' : '10.0.0.3', i % 2 === 0 ? udp(3000, 4000, 6) : udp(4000, 3000, 9)))));
  }
  return Buffer.concat(blocks);
}
