/**
 * slice's pieces on built captures, where which frame belongs to which
 * connection is known from how the capture was made: --split under a small
 * bound on buffer memory (the least recently written files flushed and let
 * go) writes the same files as under the default, holding no descriptor
 * between frames; a tuple names
 * every conversation on it (a reused port is two); the reading stops once the
 * conversations asked for have ended; the library gives the same frames.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { SourceError } from '../../src/frame.js';
import { slicePackets, sliceToFile } from '../../src/index.js';
import { sliceFile, sliceFormat, SplitOutput, type SliceOutput } from '../../src/report/slice.js';
import { conversation, framesPcap } from '../helpers/frames.js';
import { FIXTURES, netlens } from '../helpers/netlens.js';
import { pcapRecords } from '../helpers/pcapng.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-slice-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTS = { count: 0, maxConns: 100_000, tcpIdle: 300, udpIdle: 60 };

/** n TCP connections (client port 40000+i), each a handshake, some data, a FIN close; their frames interleaved round-robin and stamped 1 ms apart. */
function interleaved(n: number): { all: Frame[]; byConn: Frame[][] } {
  const byConn: Frame[][] = [];
  for (let i = 0; i < n; i++) {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000 + i, 80);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', 10 + i); k.s(901, 111 + i, 'PA', 20);
    k.c(111 + i, 921, 'FA'); k.s(921, 112 + i, 'FA'); k.c(112 + i, 922, 'A');
    byConn.push(k.frames);
  }
  const all: Frame[] = [];
  for (let step = 0; step < byConn[0]!.length; step++) for (const frames of byConn) all.push(frames[step]!);
  all.forEach((f, i) => { f.tsSec = 1_700_000_000 + Math.floor(i / 1000); f.tsNsec = (i % 1000) * 1_000_000; });
  return { all, byConn };
}

const hex = (b: Buffer): string => b.toString('hex');
/** A built frame as the record a µs pcap holds for it. */
const recordOf = (f: Frame): string => {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(f.tsSec, 0); h.writeUInt32LE(Math.floor(f.tsNsec / 1000), 4); h.writeUInt32LE(f.caplen, 8); h.writeUInt32LE(f.len, 12);
  return hex(Buffer.concat([h, f.buf.subarray(f.offset, f.offset + f.caplen)]));
};

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('--split within a bound on memory, holding no descriptor', () => {
  const N = 40;
  const { all, byConn } = interleaved(N);
  const file = join(dir, 'interleaved.pcap');
  writeFileSync(file, framesPcap(all));

  function split(out: string, memory: number): { paths: string[]; mostOpen: number; mostHeld: number } {
    let mostOpen = 0;
    let inner: SplitOutput | null = null;
    let base = -1;
    sliceFile<object>(file, [], OPTS, (reader) => {
      if (existsSync('/proc/self/fd')) base = openDescriptors(); // the reader's is open by now
      const s = new SplitOutput(out, sliceFormat(reader, false), memory);
      inner = s;
      // Counts the descriptors open after each frame.
      const counted: SliceOutput<object> = {
        open: (c) => s.open(c),
        frame: (f, e) => { s.frame(f, e as never); if (base >= 0) mostOpen = Math.max(mostOpen, openDescriptors() - base); },
        close: (e) => s.close(e as never),
      };
      return counted;
    });
    const s = inner as SplitOutput | null;
    s!.finish();
    return { paths: s!.paths, mostOpen, mostHeld: s!.mostHeld };
  }

  it('every conversation\'s file holds exactly its frames; within 8 KiB of buffers the files are the same; no descriptor is held', () => {
    for (const d of ['a', 'b']) mkdirSync(join(dir, d)); // SplitOutput writes into a directory (writeSlice makes it)
    const wide = split(join(dir, 'a'), 16 * 1024 * 1024);
    const narrow = split(join(dir, 'b'), 8192);
    expect(wide.paths).toHaveLength(N);
    expect(narrow.paths.map((p) => p.replace('/b/', '/a/'))).toEqual(wide.paths);
    for (let i = 0; i < N; i++) {
      const name = `conn-${i}-10.0.0.1.${40000 + i}-10.0.0.2.80.pcap`;
      const got = pcapRecords(readFileSync(join(dir, 'a', name)));
      expect(got.raw.map(hex), name).toEqual(byConn[i]!.map(recordOf));
      expect(hex(readFileSync(join(dir, 'b', name))), name).toBe(hex(readFileSync(join(dir, 'a', name))));
    }
    expect(narrow.mostHeld).toBeLessThanOrEqual(8192);
    expect(wide.mostHeld).toBeGreaterThan(8192 * 4); // the bound is what kept it down
    if (existsSync('/proc/self/fd')) {
      expect(narrow.mostOpen).toBe(0);
      expect(wide.mostOpen).toBe(0);
    } else console.warn('skipping the descriptor count: no /proc/self/fd');
  });
});

describe('what a connection names', () => {
  // 40000→80 opens and closes, then opens again with a new ISN (a second conversation); 40001→80 in between.
  const first = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
  first.c(100, undefined, 'S'); first.s(900, 101, 'SA'); first.c(101, 901, 'A'); first.c(101, 901, 'FA'); first.s(901, 102, 'FA'); first.c(102, 902, 'A');
  const other = conversation('10.0.0.1', '10.0.0.2', 40001, 80);
  other.c(5000, undefined, 'S'); other.s(7000, 5001, 'SA'); other.c(5001, 7001, 'A');
  const again = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
  again.c(300000, undefined, 'S'); again.s(600000, 300001, 'SA'); again.c(300001, 600001, 'A'); again.c(300001, 600001, 'PA', 5);
  const frames = [...first.frames, ...other.frames, ...again.frames];
  frames.forEach((f, i) => { f.tsSec = 1_700_000_000; f.tsNsec = (i + 1) * 1_000_000; });
  const file = join(dir, 'reuse.pcap');
  writeFileSync(file, framesPcap(frames));

  it('an id names one conversation; a tuple every conversation on it, in capture order', () => {
    const conns = netlens(['conns', '--json', file]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(conns.map((c) => c.client.port)).toEqual([40000, 40001, 40000]); // the tracker saw the reuse
    const byId = join(dir, 'reuse-2.pcap');
    expect(netlens(['slice', file, '2', '-w', byId]).status).toBe(0);
    expect(pcapRecords(readFileSync(byId)).raw.map(hex)).toEqual(again.frames.map(recordOf));
    const byTuple = join(dir, 'reuse-tuple.pcap');
    expect(netlens(['slice', file, '10.0.0.2:80-10.0.0.1:40000', '-w', byTuple]).status).toBe(0);
    expect(pcapRecords(readFileSync(byTuple)).raw.map(hex)).toEqual([...first.frames, ...again.frames].map(recordOf));
  });
});

describe('the reading stops once the conversations asked for have ended', () => {
  // Connection 0 closes; 10 s of capture time later (past the 5 s close delay) connection 1 runs; then a damaged record.
  const a = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
  a.c(100, undefined, 'S'); a.s(900, 101, 'SA'); a.c(101, 901, 'A'); a.c(101, 901, 'FA'); a.s(901, 102, 'FA'); a.c(102, 902, 'A');
  const b = conversation('10.0.0.1', '10.0.0.2', 40001, 80);
  b.c(100, undefined, 'S'); b.s(900, 101, 'SA'); b.c(101, 901, 'A');
  a.frames.forEach((f, i) => { f.tsSec = 1_700_000_000; f.tsNsec = i * 1000; });
  b.frames.forEach((f, i) => { f.tsSec = 1_700_000_010; f.tsNsec = i * 1000; });
  const damaged = Buffer.alloc(16);
  damaged.writeUInt32LE(1_700_000_011, 0); damaged.writeUInt32LE(0xfffffff0, 8); damaged.writeUInt32LE(0xfffffff0, 12);
  const file = join(dir, 'damaged.pcap');
  writeFileSync(file, Buffer.concat([framesPcap([...a.frames, ...b.frames]), damaged]));

  it('connection 0: written whole, the damage after it never read (status 0)', () => {
    const out = join(dir, 'damaged-0.pcap');
    const r = netlens(['slice', file, '0', '-w', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(pcapRecords(readFileSync(out)).raw.map(hex)).toEqual(a.frames.map(recordOf));
  });

  it('connection 1: still open at the damage: written up to it, then the damage in one line (status 1)', () => {
    const out = join(dir, 'damaged-1.pcap');
    const r = netlens(['slice', file, '1', '-w', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^netlens: .*caplen/);
    expect(pcapRecords(readFileSync(out)).raw.map(hex)).toEqual(b.frames.map(recordOf));
  });
});

describe('the library', () => {
  const fixture = join(FIXTURES, 'mixed.pcap');

  it('slicePackets yields the frames `netlens slice` writes, with their conversation', async () => {
    const out = join(dir, 'lib-cli.pcap');
    expect(netlens(['slice', fixture, '1', '4', '-w', out]).status).toBe(0);
    const want = pcapRecords(readFileSync(out)).records;
    const got = [];
    for await (const f of slicePackets(fixture, ['#1', 4])) got.push(f);
    expect(got.map((f) => [f.tsSec, Math.floor(f.tsNsec / 1000), f.caplen, f.len, hex(f.data)]))
      .toEqual(want.map((r) => [r.sec, r.usec, r.data.length, r.wireLen, hex(r.data)]));
    expect(new Set(got.map((f) => f.conn))).toEqual(new Set([1, 4]));
    expect(got[0]!.ts).toMatch(/^\d+\.\d{9}$/);
    expect(got.every((f) => f.linkType === 1)).toBe(true);
  });

  it('an unknown conversation: a SourceError after the frames of the others; sliceToFile leaves no file', async () => {
    const got: number[] = [];
    await expect((async () => { for await (const f of slicePackets(fixture, [1, 42])) got.push(f.conn); })()).rejects.toThrow(SourceError);
    expect(got.length).toBeGreaterThan(0);
    const path = join(dir, 'lib-unknown.pcap');
    await expect(sliceToFile(fixture, [42], { path })).rejects.toThrow(/no conversation #42/);
    expect(existsSync(path)).toBe(false);
  });

  it('sliceToFile: a path, or a directory of one file per conversation', async () => {
    const path = join(dir, 'lib.pcap');
    const one = await sliceToFile(fixture, 1, { path });
    expect(one).toMatchObject({ conversations: 1, files: [path] });
    expect(pcapRecords(readFileSync(path)).records).toHaveLength(one.frames);
    const split = await sliceToFile(readFileSync(fixture), [], { split: join(dir, 'lib-split') });
    expect(split.conversations).toBe(6);
    expect(readdirSync(join(dir, 'lib-split')).sort()).toEqual(split.files.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort());
  });
});
