/**
 * Bounded memory in the views (docs/bounds.md): the spills (src/report/spill.ts)
 * give back exactly what they were given, in order or sorted, whether they
 * stayed in memory or went to their temporary file; the temporary files are
 * private and leave nothing behind; and the views that use them print the
 * same bytes whichever way they went. The memory figures themselves are
 * measured in the benchmark (node bench/bounds.mjs), not here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { Frame } from '../../src/frame.js';
import type { Connection } from '../../src/track/tcp/connection.js';
import { Tracker } from '../../src/track/tracker.js';
import { ArpTable } from '../../src/track/arp-table.js';
import { ArpReport } from '../../src/report/arp.js';
import { connBlockText, ConnsTableWriter } from '../../src/report/conns.js';
import { BlockPrinter, escapeLines, FollowCollector, hexLines } from '../../src/report/follow.js';
import type { HttpTransaction } from '../../src/track/http.js';
import { HttpCollector, HttpTableWriter } from '../../src/report/http.js';
import { httpRecord } from '../../src/encode/http-record.js';
import { LadderCollector, type LadderRow, type LadderSegment } from '../../src/report/ladder/model.js';
import { noColor } from '../../src/encode/palette.js';
import { ByteSpill, LineSpill, SortedSpill, TempFile } from '../../src/report/spill.js';
import { TimeFormatter } from '../../src/encode/time.js';
import { arpFrame } from '../../scripts/arp-frames.mjs';
import { conversation } from '../helpers/frames.js';
import { ndjson, netlens, ROOT } from '../helpers/netlens.js';

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

let dir = '';
let savedTmp: string | undefined;
beforeEach(() => {
  // Each test's temporary files in a directory of its own, to see what is left in it.
  dir = mkdtempSync(join(tmpdir(), 'netlens-bounds-test-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = dir;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp;
  rmSync(dir, { recursive: true, force: true });
});

describe('temporary files', () => {
  it('nothing is left in TMPDIR, not even while the file is open; what is written reads back', () => {
    const f = new TempFile();
    expect(readdirSync(dir)).toEqual([]);
    f.append(Buffer.from('hello, world'));
    const b = Buffer.alloc(5);
    expect(f.read(7, b, 0, 5)).toBe(5);
    expect(b.toString()).toBe('world');
    f.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the directory is private while it exists (mkdtemp, 0700) and an unwritable TMPDIR is one clear error', () => {
    expect(statSync(dir).mode & 0o077).toBe(0);
    process.env.TMPDIR = join(dir, 'does-not-exist');
    expect(() => new TempFile()).toThrow(/temporary file in .*does-not-exist: ENOENT/);
  });
});

describe('ByteSpill and LineSpill', () => {
  for (const memLimit of [256 << 10, 64 << 20]) {
    it(`give back every byte and line in order (memory bound ${memLimit >> 10} KiB: ${memLimit === 256 << 10 ? 'spilled' : 'in memory'})`, () => {
      const r = rng(7);
      const bytes = new ByteSpill(memLimit);
      const lines = new LineSpill(memLimit);
      const wantBytes: Buffer[] = [];
      const wantLines: string[] = [];
      let total = 0;
      while (total < 3 << 20) {
        const n = Math.floor(r() * 70000);
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
        bytes.append(b);
        wantBytes.push(b);
        total += n;
        // Lines of any length, with multi-byte characters that may straddle the spill's chunks.
        const l = 'é→'.repeat(Math.floor(r() * 10000)) + String(total);
        lines.push(l);
        wantLines.push(l);
      }
      expect(bytes.spilled).toBe(memLimit === 256 << 10);
      expect(lines.spilled).toBe(memLimit === 256 << 10);
      const got: Buffer[] = [];
      bytes.replay((p) => got.push(Buffer.from(p)));
      expect(Buffer.concat(got).equals(Buffer.concat(wantBytes))).toBe(true);
      expect(bytes.length).toBe(total);
      const gotLines: string[] = [];
      lines.forEach((l) => gotLines.push(l));
      expect(gotLines).toEqual(wantLines);
      bytes.clear();
      expect(bytes.length).toBe(0);
      bytes.append(Buffer.from('again'));
      const again: Buffer[] = [];
      bytes.replay((p) => again.push(Buffer.from(p)));
      expect(Buffer.concat(again).toString()).toBe('again');
    });
  }
});

describe('SortedSpill', () => {
  for (const memLimit of [4096, 1 << 20, 64 << 20]) {
    it(`gives every record back in key order (memory bound ${memLimit} bytes)`, () => {
      const r = rng(memLimit);
      const s = new SortedSpill(memLimit);
      const want: { k: [number, number, number]; t: string }[] = [];
      for (let i = 0; i < 20000; i++) {
        const k: [number, number, number] = [Math.floor(r() * 50), Math.floor(r() * 1e9), i];
        const t = `record ${i} ` + 'x→'.repeat(Math.floor(r() * 40));
        s.push(t, ...k);
        want.push({ k, t });
      }
      // A record larger than the memory bound still goes through.
      const big = 'B'.repeat(memLimit * 2 + 5);
      s.push(big, 25, 0, -1);
      want.push({ k: [25, 0, -1], t: big });
      expect(s.spilled).toBe(memLimit < 64 << 20);
      want.sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
      const got: string[] = [];
      s.drain((t) => got.push(t));
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want.map((w) => w.t));
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});

describe('conns table', () => {
  /** Conversations that end out of id order: #0 stays open to the end, the others end (evicted) as they come. */
  function conversations(n: number): Connection[] {
    const frames = [];
    const long = conversation('10.9.9.9', '10.0.0.2', 50000, 80);
    long.c(1, undefined, 'S');
    long.s(100, 2, 'SA');
    frames.push(...long.frames);
    for (let i = 0; i < n; i++) {
      const cv = conversation(`10.1.${i >> 8}.${i & 255}`, '10.0.0.2', 1024 + i, 80);
      cv.c(1, undefined, 'S');
      cv.s(100, 2, 'SA');
      cv.c(2, 101, 'A');
      cv.c(2, 101, 'FA');
      cv.s(101, 3, 'FA');
      frames.push(...cv.frames);
      if (i % 10 === 0) { long.c(2, 101, 'A'); frames.push(long.frames[long.frames.length - 1]!); } // keeps #0 from eviction
    }
    const summaries: Connection[] = [];
    const d = new PacketDecoder();
    const t = new Tracker({ maxConns: 50, onEnd: (c) => summaries.push(c) });
    for (const f of frames) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
    t.finish();
    return summaries;
  }

  it('prints the same table in id order whether blocks are written at once, held, or merged from the sorted spill', () => {
    const conns = conversations(3000);
    expect(conns[0]!.id).not.toBe(0); // the tracker ends them out of order
    const want = [...conns].sort((a, b) => a.id - b.id).map((c) => connBlockText(c, noColor)).join('\n');
    for (const memLimit of [1024, 100_000, 64 << 20]) {
      const out: string[] = [];
      const w = new ConnsTableWriter(noColor, (b) => out.push(b), memLimit);
      for (const c of conns) w.add(c);
      expect(w.spilled).toBe(memLimit <= 100_000);
      w.end();
      expect(out.join('\n')).toBe(want);
    }
  });
});

describe('follow: a block escaped or dumped chunk by chunk', () => {
  const green = (s: string): string => (s === '' ? '' : `\x1b[32m${s}\x1b[39m`);
  for (const [name, paint] of [['plain', (s: string) => s], ['coloured', green]] as const) {
    it(`prints the bytes of escapeLines / hexLines, painted line by line (${name}), however the block is cut`, () => {
      const r = rng(name.length);
      for (let round = 0; round < 200; round++) {
        // Bytes rich in CR, LF and control bytes, including CR LF across a cut and an empty block.
        const n = round === 0 ? 0 : Math.floor(r() * 3000);
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) { const x = r(); b[i] = x < 0.1 ? 0x0d : x < 0.2 ? 0x0a : x < 0.25 ? 0x1b : (r() * 256) | 0; }
        const offset = Math.floor(r() * 2 ** 34);
        for (const hex of [false, true]) {
          const want = (hex ? hexLines(b, offset) : escapeLines(b)).map((l) => paint(l) + '\n').join('');
          const got: Buffer[] = [];
          const pr = new BlockPrinter((x) => got.push(Buffer.from(x)));
          pr.start(hex, offset, paint);
          for (let p = 0; p < n;) { const k = 1 + Math.floor(r() * 40); pr.write(b.subarray(p, p + k)); p += k; }
          pr.end();
          expect(Buffer.concat(got).toString('latin1')).toBe(want);
        }
      }
    });
  }
});

describe('follow: a block larger than its memory bound', () => {
  it('goes through the temporary file and prints the same bytes', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const r = rng(3);
    let seq = 901;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.alloc(1400);
      for (let j = 0; j < b.length; j++) b[j] = r() < 0.05 ? 0x0a : 0x20 + ((r() * 95) | 0);
      k.s(seq, 119, 'PA', b);
      seq += b.length;
    }
    k.c(119, seq, 'FA'); k.s(seq, 120, 'FA');
    const outputs = [16 << 10, 64 << 20].map((blockMemory) => [false, true].map((hex) => {
      {
        const chunks: Buffer[] = [];
        const col = new FollowCollector({ id: 0 }, hex ? { kind: 'hex' } : { kind: 'text' },
          { line: (s) => chunks.push(Buffer.from(s + '\n')), bytes: (b) => chunks.push(Buffer.from(b)) }, noColor, undefined, blockMemory);
        const d = new PacketDecoder();
        const t = new Tracker({ recycle: true, onEnd: (c) => col.connEnded(c) });
        let n = 0;
        for (const f of k.frames) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(++n, f, d, t); }
        t.finish();
        expect(col.end()).toBe(true);
        return Buffer.concat(chunks).toString('latin1');
      }
    }));
    expect(outputs[0]![0]).toContain('<<< server 10.0.0.2:80 (420000 bytes)');
    expect(outputs[0]![1]).toContain('\n00066890  ');
    expect(outputs[0]).toEqual(outputs[1]);
  });
});

describe('http: idle connections parked', () => {
  /** Keep-alive connections, interleaved, with lost and repeated segments, stray ACKs and some FINs. */
  function scenario(seed: number): Frame[] {
    const r = rng(seed);
    type Conv = ReturnType<typeof conversation> & { cs: number; ss: number; left: number; sent: Frame[] };
    const convs: Conv[] = [];
    for (let i = 0; i < 4; i++) {
      const k = conversation('10.0.0.1', '10.0.0.2', 41000 + i, 80) as Conv;
      k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
      k.cs = 101; k.ss = 901; k.left = 3 + Math.floor(r() * 6); k.sent = [];
      convs.push(k);
    }
    const frames: Frame[] = convs.flatMap((k) => k.frames.splice(0));
    const emit = (k: Conv): void => {
      for (const f of k.frames.splice(0)) {
        const x = r();
        if (x < 0.08) continue; // lost
        frames.push(f);
        k.sent.push(f);
        if (x > 0.93 && k.sent.length > 2) frames.push(k.sent[Math.floor(r() * k.sent.length)]!); // an old segment again
      }
    };
    for (let live = convs.length; live > 0;) {
      const k = convs[Math.floor(r() * convs.length)]!;
      if (k.left === 0) continue;
      const q = Buffer.from(`GET /${k.left} HTTP/1.1\r\nHost: h${seed}\r\n\r\n`);
      const body = 'x'.repeat(Math.floor(r() * 3000));
      const a = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      k.c(k.cs, k.ss, 'PA', q); k.cs += q.length;
      for (let o = 0; o < a.length; o += 1000) { k.s(k.ss, k.cs, 'PA', a.subarray(o, o + 1000)); k.ss += Math.min(1000, a.length - o); }
      if (r() < 0.5) k.c(k.cs, k.ss, 'A'); // a pure ACK while idle
      if (--k.left === 0) {
        live--;
        if (r() < 0.7) { k.c(k.cs, k.ss, 'FA'); k.s(k.ss, k.cs + 1, 'FA'); k.c(k.cs + 1, k.ss + 1, 'A'); }
      }
      emit(k);
    }
    return frames;
  }

  function run(frames: Frame[], park: boolean): { records: string[]; errors: string[]; parkedAtSomePoint: boolean } {
    const records: string[] = [], errors: string[] = [];
    let parkedAtSomePoint = false;
    const col = new HttpCollector((id, t, c) => records.push(JSON.stringify(httpRecord(id, t, c))), (id, side, msg) => errors.push(`${id} ${side} ${msg}`),
      undefined, undefined, park);
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: (c) => col.conn(c), recycle: true });
    frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t); if (col.parked > 0) parkedAtSomePoint = true; });
    t.finish();
    col.end();
    return { records, errors, parkedAtSomePoint };
  }

  it('the same records and warnings as when every connection keeps its state, through losses, repeats, stray ACKs and FINs', () => {
    let parked = 0, records = 0, gaps = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const frames = scenario(seed);
      const a = run(frames, true), b = run(frames, false);
      expect(a.records).toEqual(b.records);
      expect(a.errors).toEqual(b.errors);
      if (a.parkedAtSomePoint) parked++;
      records += a.records.length;
      gaps += a.records.filter((x) => x.includes("gapBytes") || x.includes("\"status\":null")).length;
    }
    expect(parked).toBeGreaterThan(50);
    expect(records).toBeGreaterThan(500);
    expect(gaps).toBeGreaterThan(50); // losses reached the parser: gaps in bodies, responses missing
  });
});

describe('http table', () => {
  it('the same table from the spill (rows on the temporary file) as from memory, every row escaped', () => {
    const r = rng(11);
    const txs: [number, HttpTransaction][] = [];
    for (let i = 0; i < 5000; i++) {
      const done = r() < 0.9;
      txs.push([i % 97, {
        method: r() < 0.95 ? 'GET' : null, uri: `/p${'q'.repeat(Math.floor(r() * 60))}\x1b[2J`, version: '1.1', host: r() < 0.5 ? `h${i}` : null,
        status: done ? [200, 404, 500][i % 3]! : null, reason: null, interim: [], requestSec: 100, requestNsec: i, responseSec: done ? 101 : -1, responseNsec: 5,
        responseEndSec: done ? 102 : -1, responseEndNsec: 0,
        requestBodyBytes: i, responseBodyBytes: i * 7, requestDone: true, responseDone: done, truncated: false, gapBytes: 0,
      } as HttpTransaction]);
    }
    let want: string[] = [];
    for (const memLimit of [1 << 30, 8192, 64 << 20]) {
      const w = new HttpTableWriter(noColor, memLimit);
      for (const [id, t] of txs) w.add(id, t);
      expect(w.spilled).toBe(memLimit === 8192);
      const got: string[] = [];
      w.write((l) => got.push(l));
      if (want.length === 0) want = got;
      expect(got).toEqual(want);
    }
    expect(want.length).toBe(5001);
    expect(want[0]).toMatch(/^conn +method +host +uri +status +req body +resp body +ttfb +ttlb$/);
    expect(want.some((l) => /\x1b/.test(l))).toBe(false);
    expect(want[1]).toMatch(/^#0 +GET .* 200 +0 +0 +1\.000s +2\.000s$/);
  });
});

describe('ladder: rows as segments come', () => {
  /** The folding as it was when all segments were kept (the runs of foldable segments, found after the fact). */
  function foldAfter(segs: LadderSegment[], foldable: (s: LadderSegment) => boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < segs.length;) {
      if (foldable(segs[i]!)) {
        let j = i;
        while (j < segs.length && foldable(segs[j]!)) j++;
        if (j - i >= 6) {
          out.push(`arrow ${segs[i]!.seq}`);
          const run = segs.slice(i + 1, j);
          out.push(`collapsed ${run.length} ${run.filter((s) => s.fromClient).length} ${run.reduce((n, s) => n + s.len, 0)} ${run[0]!.t} ${run[run.length - 1]!.t}`);
          i = j;
          continue;
        }
      }
      out.push(`arrow ${segs[i]!.seq}`);
      i++;
    }
    return out;
  }

  it('folds runs of plain segments exactly as folding after the fact did, runs of every length', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    let cs = 101;
    for (let run = 1; run <= 9; run++) {
      for (let i = 0; i < run; i++) { k.c(cs, 901, 'A', 10); cs += 10; }
      k.s(901, cs, 'A', 0, { win: 0 }); // a zero window: not foldable, ends the run
    }
    k.c(cs, 901, 'FA'); k.s(901, cs + 1, 'FA'); k.c(cs + 1, 902, 'A');
    const rowsOf = (full: boolean): LadderRow[] => {
      const rows: LadderRow[] = [];
      const col = new LadderCollector({ id: 0 }, full, (r) => rows.push(r));
      const d = new PacketDecoder();
      const t = new Tracker({ recycle: true, onEnd: (c) => col.connEnded(c) });
      k.frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); col.packet(i + 1, f, d, t); });
      t.finish();
      expect(col.finish()!.summary[1]).toMatch(/^\d+ segments/);
      return rows;
    };
    const all = rowsOf(true);
    const segs = all.flatMap((r) => (r.kind === 'arrow' ? [r.seg] : []));
    const plain = (s: LadderSegment): boolean => s.events.length === 0 && s.http === null && s.win !== 0 && (s.flags & 0x07) === 0 && s.analysis === 0;
    const folded = rowsOf(false).flatMap((r) => r.kind === 'arrow' ? [`arrow ${r.seg.seq}`]
      : r.kind === 'collapsed' ? [`collapsed ${r.segments} ${r.toServer} ${r.bytesToServer + r.bytesToClient} ${r.t} ${r.t2}`] : []);
    expect(folded.filter((x) => x.startsWith('collapsed')).length).toBe(4); // the runs of 6 to 9
    expect(folded).toEqual(foldAfter(segs, plain));
  });
});

describe('ARP table: bounded, evictions reported', () => {
  const mac = (n: number): string => `02:${[24, 16, 8, 0].map((s) => ((n >>> s) & 255).toString(16).padStart(2, '0')).join(':')}:01`;
  const ip = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

  /** Frames for `n` addresses never seen again once the next ones come: requests answered, gratuitous, unanswered, unsolicited, a conflict. */
  function distinct(n: number): Buffer[] {
    const out: Buffer[] = [];
    for (let k = 1; k <= n; k++) {
      switch (k % 4) {
        case 0:
          out.push(arpFrame({ op: 1, src: '02:ff:00:00:00:01', spa: '10.255.0.1', tpa: ip(k) }));
          out.push(arpFrame({ op: 2, src: mac(k), dst: '02:ff:00:00:00:01', spa: ip(k), tha: '02:ff:00:00:00:01', tpa: '10.255.0.1' }));
          break;
        case 1: out.push(arpFrame({ op: 1, src: mac(k), spa: ip(k), tpa: ip(k) })); break;
        case 2: out.push(arpFrame({ op: 1, src: mac(k), spa: ip(k), tpa: `11.0.${k >> 8 & 255}.${k & 255}` })); break;
        default: out.push(arpFrame({ op: 2, src: mac(k), dst: '02:ff:00:00:00:01', spa: ip(k), tha: '02:ff:00:00:00:01', tpa: '10.255.0.1' }));
      }
      if (k % 10 === 9) out.push(arpFrame({ op: 2, src: mac(k + 0x100000), dst: '02:ff:00:00:00:01', spa: ip(k), tha: '02:ff:00:00:00:01', tpa: '10.255.0.1' }));
    }
    return out;
  }

  function report(frames: Buffer[], json: boolean, opts: { maxAddresses?: number; maxRecords?: number }, memLimit?: number): { lines: string[]; table: ArpTable } {
    const table = new ArpTable(opts);
    const rep = new ArpReport(json, noColor, new TimeFormatter('tt', false), memLimit);
    rep.watch(table);
    const d = new PacketDecoder();
    frames.forEach((bytes, i) => {
      d.decode({ buf: bytes, offset: 0, caplen: bytes.length, len: bytes.length, tsSec: 1_700_000_000 + i, tsNsec: 0, linkType: 1, ifIndex: 0 });
      table.observe(d, 1_700_000_000 + i, 0);
    });
    const lines: string[] = [];
    rep.finish(table, (l) => lines.push(l));
    return { lines, table };
  }

  for (const json of [true, false]) {
    it(`${json ? 'NDJSON' : 'text'}: the evicted addresses' records are all there, in order, and the evictions are counted`, () => {
      const frames = distinct(3000);
      const all = report(frames, json, {});
      expect(all.table.evicted).toBe(0);
      const bounded = report(frames, json, { maxAddresses: 16 }, 4096);
      expect(bounded.table.size).toBe(16);
      expect(bounded.table.evicted).toBeGreaterThan(3000);
      const last = bounded.lines[bounded.lines.length - 1]!;
      if (json) expect(JSON.parse(last)).toEqual({ type: 'arp-evicted', addresses: bounded.table.evicted, maxAddresses: 16, retired: 0, maxPerAddress: 1024 });
      else expect(last).toMatch(new RegExp(`^${bounded.table.evicted} addresses evicted to keep the table to 16 `));
      expect(bounded.lines.slice(0, json ? -1 : -2)).toEqual(all.lines);
    });
  }

  it('an address claimed by thousands of MACs keeps 1024 of each kind; the older ones are retired, reported, and counted; time stays linear', () => {
    const frames: Buffer[] = [];
    for (let k = 0; k < 3000; k++) frames.push(arpFrame({ op: 2, src: mac(k), dst: '02:ff:00:00:00:01', spa: '10.0.0.1', tha: '02:ff:00:00:00:01', tpa: '10.255.0.1' }));
    const { lines, table } = report(frames, true, {});
    const e = table.v4.get(0x0a000001)!;
    expect(e.bindings.length).toBe(1024);
    expect(e.conflicts!.length).toBe(1024);
    expect(table.retired).toBeGreaterThan(3000);
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.filter((r) => r.type === 'arp-binding')).toHaveLength(3000);
    expect(recs.filter((r) => r.type === 'arp-conflict')).toHaveLength(2999);
    expect(recs[recs.length - 1]).toEqual({ type: 'arp-evicted', addresses: 0, maxAddresses: 100_000, retired: table.retired, maxPerAddress: 1024 });
  });

  it('past maxRecords in all, the least recently seen addresses go', () => {
    const frames: Buffer[] = [];
    for (let a = 0; a < 40; a++) for (let k = 0; k < 200; k++) frames.push(arpFrame({ op: 2, src: mac(a * 1000 + k), dst: '02:ff:00:00:00:01', spa: ip(a + 1), tha: '02:ff:00:00:00:01', tpa: '10.255.0.1' }));
    const { lines, table } = report(frames, true, { maxRecords: 4096 });
    expect(table.evicted).toBeGreaterThan(0);
    let held = 0;
    for (const e of table.addresses()) held += e.bindings.length + (e.conflicts?.length ?? 0) + (e.sightings?.length ?? 0);
    expect(held).toBeLessThanOrEqual(4096);
    expect(lines.map((l) => JSON.parse(l)).filter((r) => r.type === 'arp-binding')).toHaveLength(40 * 200);
  });
});

describe('http: the pending-request bound', () => {
  it('70,000 pipelined requests before any response: every request reported once, the bound said once on stderr', () => {
    const file = join(dir, 'pipelined.pcap');
    const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'gen-bounds.mjs'), 'pipelined', file, '70000']);
    expect(g.status).toBe(0);
    const r = netlens(['http', '--json', file]);
    expect(r.status).toBe(0);
    const recs = ndjson(r.stdout);
    expect(recs).toHaveLength(70000);
    expect(recs.filter((x) => x.status === 200)).toHaveLength(65536);
    expect(r.stderr.trim().split('\n')).toEqual([
      'netlens: warning: conn 0: more than 65536 requests waiting for their responses: the oldest are reported without one, and the responses that answer them later are not reported',
    ]);
  });
});
