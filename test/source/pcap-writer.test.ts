import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from '../../src/source/pcap-writer.js';
import { newFrame, LinkType, type Frame } from '../../src/frame.js';

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasTshark) console.warn('pcap-writer.test: tshark not installed; skipping the read-back checks (apt-get install tshark)');

interface TestFrame {
  tsSec: number;
  tsNsec: number;
  len: number;
  bytes: Buffer;
}

/** Deterministic frames: Ethernet-ish bytes, sizes crossing the 1 MiB write chunk, edge time stamps. */
function makeFrames(n: number): TestFrame[] {
  const out: TestFrame[] = [];
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const stamps: [number, number][] = [
    [0, 0],
    [1, 1],
    [1700000000, 123456789],
    [1700000000, 999999999],
    [4294967295, 999999999],
    [2147483647, 500000000],
    [1234567890, 1000],
  ];
  for (let i = 0; i < n; i++) {
    const size = i % 97 === 0 ? 1514 : 14 + (rnd() % 1500);
    const bytes = Buffer.alloc(size);
    for (let j = 0; j < size; j++) bytes[j] = rnd() & 0xff;
    const [tsSec, tsNsec] = i < stamps.length ? stamps[i] : [1700000000 + i, rnd() % 1_000_000_000];
    const len = i % 5 === 0 ? size + (rnd() % 100) : size; // some "truncated" frames
    out.push({ tsSec, tsNsec, len, bytes });
  }
  return out;
}

interface TsharkFrame {
  epoch: string;
  len: number;
  caplen: number;
  hex: string;
}

function readWithTshark(path: string): TsharkFrame[] {
  const r = spawnSync('tshark', ['-r', path, '-T', 'json', '-x'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  const pkts = JSON.parse(r.stdout) as { _source: { layers: Record<string, unknown> } }[];
  return pkts.map((p) => {
    const layers = p._source.layers;
    const frame = layers.frame as Record<string, string>;
    const raw = layers.frame_raw as [string, number, number];
    return {
      epoch: normEpoch(frame['frame.time_epoch']),
      len: Number(frame['frame.len']),
      caplen: Number(frame['frame.cap_len']),
      hex: raw[0],
    };
  });
}

/** Time stamp as "sec.nnnnnnnnn"; microsecond files carry tsNsec rounded down to whole microseconds. */
function expectedEpoch(tsSec: number, tsNsec: number, nano: boolean): string {
  const ns = nano ? tsNsec : Math.floor(tsNsec / 1000) * 1000;
  return `${tsSec}.${String(ns).padStart(9, '0')}`;
}

/** tshark prints 6 or 9 fraction digits depending on version/precision: normalize to 9. */
function normEpoch(s: string): string {
  const [sec, frac = ''] = s.split('.');
  return `${sec}.${frac.padEnd(9, '0')}`;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-writer-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeAll(path: string, frames: TestFrame[], nano: boolean, snaplen = 262144): void {
  const w = CaptureWriter.open(path, LinkType.ETHERNET, snaplen, nano);
  const f: Frame = newFrame();
  // Place each frame at an odd offset inside a bigger reused buffer, like sources do.
  const backing = Buffer.alloc(4096);
  for (const t of frames) {
    t.bytes.copy(backing, 7);
    f.buf = backing;
    f.offset = 7;
    f.caplen = t.bytes.length;
    f.len = t.len;
    f.tsSec = t.tsSec;
    f.tsNsec = t.tsNsec;
    f.linkType = LinkType.ETHERNET;
    w.write(f);
  }
  w.close();
}

describe('CaptureWriter file headers', () => {
  it('classic pcap: magic by precision, version 2.4, snaplen, link type', () => {
    for (const nano of [true, false]) {
      const p = join(dir, `h-${nano}.pcap`);
      writeAll(p, [], nano, 1234);
      const b = readFileSync(p);
      expect(b.length).toBe(24);
      expect(b.readUInt32LE(0)).toBe(nano ? 0xa1b23c4d : 0xa1b2c3d4);
      expect(b.readUInt16LE(4)).toBe(2);
      expect(b.readUInt16LE(6)).toBe(4);
      expect(b.readUInt32LE(16)).toBe(1234);
      expect(b.readUInt32LE(20)).toBe(1);
    }
  });

  it('pcapng: SHB then IDB with if_tsresol', () => {
    for (const nano of [true, false]) {
      const p = join(dir, `h-${nano}.pcapng`);
      writeAll(p, [], nano);
      const b = readFileSync(p);
      expect(b.readUInt32LE(0)).toBe(0x0a0d0d0a);
      expect(b.readUInt32LE(8)).toBe(0x1a2b3c4d);
      const shbLen = b.readUInt32LE(4);
      expect(b.readUInt32LE(shbLen - 4)).toBe(shbLen);
      expect(b.readUInt32LE(shbLen)).toBe(1);
      const idbLen = b.readUInt32LE(shbLen + 4);
      expect(b.readUInt16LE(shbLen + 8)).toBe(1);
      expect(b.readUInt16LE(shbLen + 16)).toBe(9); // if_tsresol
      expect(b[shbLen + 20]).toBe(nano ? 9 : 6);
      expect(b.length).toBe(shbLen + idbLen);
    }
  });

  it('truncates frames to the snaplen, keeps the wire length', () => {
    const p = join(dir, 'snap.pcap');
    writeAll(p, [{ tsSec: 5, tsNsec: 6, len: 300, bytes: Buffer.alloc(200, 0xab) }], true, 100);
    const b = readFileSync(p);
    expect(b.readUInt32LE(24 + 8)).toBe(100);
    expect(b.readUInt32LE(24 + 12)).toBe(300);
    expect(b.length).toBe(24 + 16 + 100);
  });
});

describe.skipIf(!hasTshark)('CaptureWriter read back with tshark', () => {
  const frames = makeFrames(3000); // ~2.3 MB: crosses the 1 MiB chunk several times
  for (const [ext, nano] of [
    ['pcap', true],
    ['pcap', false],
    ['pcapng', true],
    ['pcapng', false],
  ] as const) {
    it(`${ext} ${nano ? 'nanosecond' : 'microsecond'}: every frame, length and time stamp matches`, () => {
      const p = join(dir, `rt-${nano ? 'ns' : 'us'}.${ext}`);
      writeAll(p, frames, nano);
      const got = readWithTshark(p);
      expect(got.length).toBe(frames.length);
      let mismatches = 0;
      for (let i = 0; i < frames.length; i++) {
        const t = frames[i];
        const g = got[i];
        const ok =
          g.epoch === expectedEpoch(t.tsSec, t.tsNsec, nano) &&
          g.len === t.len &&
          g.caplen === t.bytes.length &&
          g.hex === t.bytes.toString('hex');
        if (!ok && mismatches++ < 3) {
          expect({ i, epoch: g.epoch, len: g.len, caplen: g.caplen, same: g.hex === t.bytes.toString('hex') }).toEqual({
            i,
            epoch: expectedEpoch(t.tsSec, t.tsNsec, nano),
            len: t.len,
            caplen: t.bytes.length,
            same: true,
          });
        }
      }
      expect(mismatches).toBe(0);
    });
  }

  it('pcapng: frames of a second link type get their own interface', () => {
    const p = join(dir, 'mixed.pcapng');
    const w = CaptureWriter.open(p, LinkType.ETHERNET, 65535, true);
    const f = newFrame();
    const eth = Buffer.from('ffffffffffff0200000000010806' + '00'.repeat(28), 'hex');
    const raw = Buffer.from('4500001c00000000401100000a0000010a000002' + '0035003500080000', 'hex');
    for (const [buf, lt] of [
      [eth, LinkType.ETHERNET],
      [raw, LinkType.RAW],
      [eth, LinkType.ETHERNET],
    ] as const) {
      f.buf = buf;
      f.offset = 0;
      f.caplen = buf.length;
      f.len = buf.length;
      f.tsSec = 1700000000;
      f.tsNsec = 42;
      f.linkType = lt;
      w.write(f);
    }
    w.close();
    const r = spawnSync('tshark', ['-r', p, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.encap_type', '-e', 'frame.time_epoch'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(['0', '1', '0']);
    expect(lines.every((l) => l[2] === '1700000000.000000042')).toBe(true);
  });
});
