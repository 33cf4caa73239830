/**
 * The fast paths of conversation tracking and output against the plain ones:
 * Connection.reset() gives a fresh conversation, recycling reported
 * conversations changes no record, durations are written as JSON.stringify
 * writes numbers, and the byte readers equal Buffer's.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/encode/sink.js';
import { u16be, u16le, u32be, u32le } from '../../src/bytes.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { type Frame, SourceError } from '../../src/frame.js';
import { type Connection, newConnection } from '../../src/track/tcp/connection.js';
import { TcpState } from '../../src/track/tcp/state.js';
import { Tracker } from '../../src/track/tracker.js';
import { connRecord, writeConnJson } from '../../src/encode/conn-record.js';
import { conversation, tcpFrame } from '../helpers/frames.js';
import { CORPUS, FIXTURES, haveCorpus } from '../helpers/netlens.js';

/** Runs writes through an ByteSink on a temporary file and returns what was written. */
function written(write: (out: ByteSink) => void): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nl-conn-')), 'out');
  const fd = openSync(path, 'w');
  const out = new ByteSink(fd);
  write(out);
  out.flush();
  closeSync(fd);
  return readFileSync(path, 'utf8');
}

function plainRecord(c: Connection): string {
  return JSON.stringify(connRecord(c));
}

/** The reader's next frame; null at the end or where the file is damaged (cut short): both runs stop there. */
function readOn(r: CaptureFileReader): Frame | null {
  try {
    return r.next();
  } catch (e) {
    if (e instanceof SourceError) return null;
    throw e;
  }
}

/** Every conversation of a capture, tracked twice: objects kept (plain records) and recycled (writeConnJson). */
function bothWays(file: string, maxConns = 200_000): { plain: string[]; fast: string[] } {
  const plain: string[] = [];
  const run = (recycle: boolean, onEnd: (c: Connection) => void): void => {
    const r = new CaptureFileReader(file);
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd, recycle, maxConns, closeDelay: 0.001 });
    for (let f = readOn(r); f !== null; f = readOn(r)) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
    t.finish();
    r.close();
  };
  run(false, (c) => plain.push(plainRecord(c)));
  const text = written((out) => run(true, (c) => writeConnJson(out, c)));
  return { plain, fast: text.split('\n').filter((l) => l !== '') };
}

describe('Connection.reset', () => {
  it('leaves a used conversation equal to a new one', () => {
    const used = newConnection(7, 17, true);
    // Touch every field with a value unlike its initial one.
    for (const o of [used, used.ep[0], used.ep[1]] as unknown as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'number') o[k] = 12345.5;
        else if (typeof v === 'boolean') o[k] = !v;
        else if (typeof v === 'string') o[k] = 'x';
        else if (v === null) o[k] = k === 'state' ? TcpState.LISTEN : used;
        else if (Array.isArray(v) && k !== 'ep') (v as number[]).fill(99);
      }
    }
    used.reset(3, 6, false);
    expect(used).toEqual(newConnection(3, 6, false));
  });
});

describe('recycled conversations and writeConnJson', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f));
  it.each(fixtures)('fixture %s: the same records, byte for byte', (f) => {
    const { plain, fast } = bothWays(join(FIXTURES, f));
    // ARP-only captures have no conversation; every other fixture has some.
    expect(plain.length > 0 || f.startsWith('arp-')).toBe(true);
    expect(fast).toEqual(plain);
  });

  it('a table limit of 3 (every conversation evicted and its object reused): the same records', () => {
    const { plain, fast } = bothWays(join(FIXTURES, 'mixed.pcap'), 3);
    expect(plain.length).toBeGreaterThan(3);
    expect(fast).toEqual(plain);
  });

  it('every reported conversation is reused: a burst of endings larger than any fixed pool allocates nothing new', () => {
    const syns = (port0: number, t0: number) => Array.from({ length: 6000 }, (_, i) => tcpFrame({
      src: '10.0.0.1', dst: '10.0.0.2', sport: port0 + i, dport: 80, seq: 1, flags: 'S', t: t0 + i * 1e-6,
    }));
    let reported = 0;
    const d = new PacketDecoder();
    const t = new Tracker({ onEnd: () => { reported++; }, recycle: true });
    // 6000 unanswered SYNs, then 6000 more after the idle timeout: the first 6000 end at once.
    for (const f of [...syns(1000, 0), ...syns(20000, 400)]) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
    expect(reported).toBe(6000);
    expect(t.active).toBe(6000);
    expect(t.allocated).toBe(6000);
  });

  it('port reuse: the closed conversation is reported and its object reused for the new one', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'FA'); k.s(901, 102, 'FA'); k.c(102, 902, 'A');
    k.c(5000, undefined, 'S'); k.s(7000, 5001, 'SA'); k.c(5001, 7001, 'A');
    k.c(5001, 7001, 'FA'); k.s(7001, 5002, 'FA'); k.c(5002, 7002, 'A');
    const frames = k.frames;
    const lines = written((out) => {
      const d = new PacketDecoder();
      const t = new Tracker({ onEnd: (c) => writeConnJson(out, c), recycle: true });
      for (const f of frames) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
      t.finish();
    }).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((c) => [c.id, c.handshake, c.teardown, c.connState])).toEqual([[0, 'complete', 'fin', 'SF'], [1, 'complete', 'fin', 'SF']]);
  });

  it('durations and RTTs as JSON.stringify writes them (exponent below 1 µs, trailing zeros dropped)', () => {
    for (const [first, last] of [[[5, 0], [5, 0]], [[5, 0], [5, 100]], [[5, 0], [5, 999]], [[5, 0], [5, 1000]], [[5, 0], [5, 120000000]],
      [[5, 999999999], [7, 1]], [[1763800000, 5], [1763899999, 999999999]], [[9, 0], [5, 0]]] as const) {
      const c = newConnection(1, 6, false);
      [c.firstSec, c.firstNsec] = first;
      [c.lastSec, c.lastNsec] = last;
      [c.zeekLastSec, c.zeekLastNsec] = last;
      c.rtt = (last[1] - first[1]) / 1e9;
      const text = written((out) => writeConnJson(out, c)).trim();
      const duration = Math.round(((last[0] - first[0]) + (last[1] - first[1]) / 1e9) * 1e9) / 1e9;
      expect(text).toContain(`"duration":${JSON.stringify(duration)},`);
      expect(text).toContain(`"rtt":${c.rtt >= 0 ? JSON.stringify(Math.round(c.rtt * 1e9) / 1e9) : 'null'},`); // negative: no RTT
    }
  });

  const corpus = haveCorpus() ? readdirSync(join(CORPUS, 'pcap')) : [];
  it.skipIf(corpus.length === 0)('every readable corpus capture: the same records', () => {
    let compared = 0;
    const unreadable: string[] = [];
    for (const f of corpus) {
      let result: { plain: string[]; fast: string[] };
      try {
        result = bothWays(join(CORPUS, 'pcap', f));
      } catch (e) {
        // A file the reader refuses (its header) is the reader's tests' business; any other error is a failure here.
        if (!(e instanceof SourceError)) throw e;
        unreadable.push(f);
        continue;
      }
      expect(result.fast, f).toEqual(result.plain);
      compared += result.plain.length;
    }
    expect(unreadable.length, unreadable.join(' ')).toBeLessThan(corpus.length / 10);
    expect(compared).toBeGreaterThan(100);
  });
});

describe('byte readers', () => {
  it('equal Buffer.readUInt16/32 BE/LE at every offset', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 64 }), fc.nat(), (bytes, at) => {
      const b = Buffer.from(bytes);
      const o = at % (b.length - 3);
      expect(u16be(b, o)).toBe(b.readUInt16BE(o));
      expect(u16le(b, o)).toBe(b.readUInt16LE(o));
      expect(u32be(b, o)).toBe(b.readUInt32BE(o));
      expect(u32le(b, o)).toBe(b.readUInt32LE(o));
    }));
  });
});
