/**
 * RotatingWriter on built frames: -C against tcpdump's own -C (tcpdump -r IN -w
 * OUT -C 1 [-W N] splits a file by the same rule: the same names, the same bytes),
 * -G intervals by the frames' time stamps, -G -W's count, -z's closed files (the
 * last one too), pcapng output, and --free-space-min on a small tmpfs (root).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { RotatingWriter, type Rotation, type RotationEvents } from '../../src/source/rotating-writer.js';
import { framesPcap, tcpFrame } from '../helpers/frames.js';

const haveTcpdump = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveTcpdump) console.warn('rotating-writer.test: tcpdump not installed; skipping the comparisons with tcpdump -C');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.warn('rotating-writer.test: not root; skipping --free-space-min on a tmpfs');

const dir = mkdtempSync(join(tmpdir(), 'netlens-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n frames of varied sizes (about 1 KB), `gap` seconds apart from `start` (relative to tcpFrame's base time). */
function frames(n: number, start = 0, gap = 0.001): Frame[] {
  return Array.from({ length: n }, (_, i) => tcpFrame({
    src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, seq: i * 1000, flags: 'PA', payload: 600 + ((i * 37) % 800), t: start + i * gap,
  }));
}

interface Run { closed: string[]; notices: string[]; limit: number; writer: RotatingWriter }

function rotate(spec: Partial<Rotation> & { pattern: string }, input: Frame[], nowSec = input[0]!.tsSec): Run {
  const run: Run = { closed: [], notices: [], limit: 0, writer: null! };
  const events: RotationEvents = {
    closed: (p) => run.closed.push(p), notice: (l) => run.notices.push(l), limitReached: () => { run.limit++; },
  };
  run.writer = new RotatingWriter({ maxBytes: 0, seconds: 0, files: 0, freeSpaceMin: 0, ...spec }, 1, 262144, false, events, nowSec);
  for (const f of input) run.writer.write(f);
  run.writer.close();
  return run;
}

/** The frames of a capture file, as time stamp + bytes. */
function readBack(path: string): string[] {
  const r = new CaptureFileReader(path);
  const out: string[] = [];
  for (let f = r.next(); f !== null; f = r.next()) out.push(`${f.tsSec}.${String(f.tsNsec).padStart(9, '0')} ${f.buf.toString('hex', f.offset, f.offset + f.caplen)}`);
  r.close();
  return out;
}

const keyOf = (f: Frame): string => `${f.tsSec}.${String(Math.floor(f.tsNsec / 1000) * 1000).padStart(9, '0')} ${f.buf.toString('hex', f.offset, f.offset + f.caplen)}`;

function filesIn(d: string): string[] {
  return readdirSync(d).sort();
}

describe('-C, as tcpdump -C splits', () => {
  const input = frames(3000); // about 3.5 MB: four files of -C 1
  const inputPath = join(dir, 'input.pcap');
  writeFileSync(inputPath, framesPcap(input));

  for (const ring of [0, 2, 3, 11]) {
    it.skipIf(!haveTcpdump)(`-C 1${ring > 0 ? ` -W ${ring}` : ''}: the same file names and bytes as tcpdump's`, () => {
      const theirs = join(dir, `td-${ring}`);
      const ours = join(dir, `nl-${ring}`);
      mkdirSync(theirs); mkdirSync(ours);
      const td = spawnSync('tcpdump', ['-r', inputPath, '-w', join(theirs, 'out.pcap'), '-C', '1', ...(ring > 0 ? ['-W', String(ring)] : []), '-Z', 'root'], { encoding: 'utf8' });
      expect(td.status, td.stderr).toBe(0);
      const run = rotate({ pattern: join(ours, 'out.pcap'), maxBytes: 1_000_000, files: ring }, input);
      expect(filesIn(ours)).toEqual(filesIn(theirs));
      expect(filesIn(ours).length).toBe(ring === 0 ? 4 : Math.min(ring, 4));
      for (const name of filesIn(theirs)) expect(readFileSync(join(ours, name)).equals(readFileSync(join(theirs, name))), name).toBe(true);
      // Every file closed is reported, in order, the last one too (-z runs on each).
      const expectedClosed = Array.from({ length: 4 }, (_, i) => join(ours, `out.pcap${ring === 0 ? (i === 0 ? '' : i) : String(i % ring).padStart(String(ring - 1).length, '0')}`));
      expect(run.closed).toEqual(expectedClosed);
    });
  }

  it('without a ring, the files in order hold every frame once, in order', () => {
    const ours = join(dir, 'nl-order');
    mkdirSync(ours);
    const run = rotate({ pattern: join(ours, 'c.pcap'), maxBytes: 1_000_000 }, input);
    expect(run.closed.flatMap(readBack)).toEqual(input.map(keyOf));
    for (const p of run.closed.slice(0, -1)) {
      const size = readFileSync(p).length;
      expect(size).toBeGreaterThan(1_000_000);
      expect(size).toBeLessThan(1_000_000 + 1600); // one frame past the limit at the most
    }
  });

  it('pcapng: rotated files (c.pcapng, c.pcapng1 …) are pcapng, whatever their names end with', () => {
    const ours = join(dir, 'nl-ng');
    mkdirSync(ours);
    const run = rotate({ pattern: join(ours, 'c.pcapng'), maxBytes: 1_000_000 }, input);
    expect(run.closed.length).toBe(4);
    for (const p of run.closed) expect(readFileSync(p).readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(run.closed.flatMap(readBack)).toEqual(input.map(keyOf));
  });
});

describe('-G: intervals at multiples of the seconds, by time stamp', () => {
  // tcpFrame's times start at 1_700_000_000 (a multiple of 10 s); frames every 0.25 s from 3.5 s in, for 26 s.
  const input = frames(104, 3.5, 0.25);
  const base = 1_700_000_000;

  it('-G 10: one file per interval, named by its start, every frame in the file of its own interval', () => {
    const ours = join(dir, 'g10');
    mkdirSync(ours);
    const run = rotate({ pattern: join(ours, 'g-%s.pcap'), seconds: 10 }, input, base + 3.2);
    expect(run.closed).toEqual([base, base + 10, base + 20].map((t) => join(ours, `g-${t}.pcap`)));
    for (const p of run.closed) {
      const start = Number(/g-(\d+)/.exec(p)![1]);
      const got = readBack(p);
      expect(got).toEqual(input.filter((f) => f.tsSec >= start && f.tsSec < start + 10).map(keyOf));
    }
    expect(run.closed.flatMap(readBack)).toEqual(input.map(keyOf));
  });

  it('-G 10 -C 1: the -C numbers start again in each interval', () => {
    const ours = join(dir, 'g10c');
    mkdirSync(ours);
    const big = frames(2000, 9, 0.001); // 2 s from 9 s in: about 1.1 MB on each side of the boundary at 10 s
    const run = rotate({ pattern: join(ours, 'g-%s.pcap'), seconds: 10, maxBytes: 1_000_000 }, big, base + 9);
    expect(run.closed.map((p) => p.slice(ours.length + 1))).toEqual([`g-${base}.pcap`, `g-${base}.pcap1`, `g-${base + 10}.pcap`, `g-${base + 10}.pcap1`]);
    expect(run.closed.flatMap(readBack)).toEqual(big.map(keyOf));
  });

  it('-G 10 -W 2: stops after two files, as tcpdump ("Maximum file limit reached: 2")', () => {
    const ours = join(dir, 'g10w');
    mkdirSync(ours);
    const run = rotate({ pattern: join(ours, 'g-%s.pcap'), seconds: 10, files: 2 }, input, base + 3.2);
    expect(run.closed).toEqual([base, base + 10].map((t) => join(ours, `g-${t}.pcap`)));
    expect(run.limit).toBe(1);
    expect(run.notices).toEqual(['Maximum file limit reached: 2']);
    expect(run.closed.flatMap(readBack)).toEqual(input.filter((f) => f.tsSec < base + 20).map(keyOf));
  });

  it('an interval with no packet closes on the clock; a late frame then opens the next file, never the closed one again', () => {
    const ours = join(dir, 'gidle');
    mkdirSync(ours);
    const events = { closed: [] as string[] };
    const w = new RotatingWriter({ pattern: join(ours, 'g-%s.pcap'), maxBytes: 0, seconds: 10, files: 0, freeSpaceMin: 0 },
      1, 262144, false, { closed: (p) => events.closed.push(p), notice: () => {}, limitReached: () => {} }, base + 1);
    const early = frames(3, 1, 1);
    for (const f of early) w.write(f);
    w.tick(base + 10.2); // within the grace: still open
    expect(events.closed).toEqual([]);
    w.tick(base + 11);
    expect(events.closed).toEqual([join(ours, `g-${base}.pcap`)]);
    const late = frames(1, 9.9)[0]!; // stamped in the closed interval
    w.write(late);
    w.close();
    expect(events.closed).toEqual([join(ours, `g-${base}.pcap`), join(ours, `g-${base + 10}.pcap`)]);
    expect(readBack(events.closed[0]!)).toEqual(early.map(keyOf));
    expect(readBack(events.closed[1]!)).toEqual([keyOf(late)]);
  });
});

describe.skipIf(!isRoot)('--free-space-min on a 4 MB tmpfs', () => {
  const mnt = join(dir, 'small');
  let mounted = false;
  const mount = (): void => {
    unmount(); // a test that failed before its own unmount
    mkdirSync(mnt, { recursive: true });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { encoding: 'utf8' });
    mounted = r.status === 0;
    if (!mounted) console.warn(`rotating-writer.test: cannot mount a tmpfs (${r.stderr.trim()}); skipping --free-space-min`);
  };
  function unmount(): void {
    if (mounted) spawnSync('umount', [mnt]);
    mounted = false;
  }
  afterAll(unmount);
  const input = frames(12_000); // about 14 MB: far more than the filesystem holds

  it('with a ring: deletes the oldest files and keeps writing, never below the minimum', () => {
    mount();
    if (!mounted) return;
    const run = rotate({ pattern: join(mnt, 'r.pcap'), maxBytes: 500_000, files: 50, freeSpaceMin: 1_000_000 }, input);
    expect(run.notices).toEqual([]);
    const left = filesIn(mnt);
    // What is left is the newest files of the ring, and together they end with the last frame written.
    const names = run.closed.map((p) => p.slice(mnt.length + 1));
    expect(left.sort()).toEqual(names.slice(-left.length).sort());
    expect(left.length).toBeLessThan(8);
    const kept = run.closed.slice(-left.length).flatMap(readBack);
    expect(kept).toEqual(input.slice(-kept.length).map(keyOf));
    unmount();
  });

  it('without a ring: stops writing with one line, the files holding whole frames up to there', () => {
    mount();
    if (!mounted) return;
    const run = rotate({ pattern: join(mnt, 's.pcap'), maxBytes: 500_000, freeSpaceMin: 1_000_000 }, input);
    expect(run.notices.length).toBe(1);
    expect(run.notices[0]).toMatch(/less than --free-space-min 1\.00 MB: stopped writing/);
    const got = run.closed.flatMap(readBack);
    expect(got.length).toBeGreaterThan(1000);
    expect(got).toEqual(input.slice(0, got.length).map(keyOf));
    expect(existsSync(join(mnt, 's.pcap'))).toBe(true);
    unmount();
  });
});
