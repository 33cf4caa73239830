/**
 * writePacketJson (encode/ndjson-bytes.ts) writes exactly what packetJson
 * (encode/ndjson.ts, the reference) returns, frame by frame, on every fixture and
 * corpus capture and on crafted frames that carry events and analysis flags.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import type { Frame } from '../../src/frame.js';
import { ArpTable } from '../../src/track/arp-table.js';
import { Tracker } from '../../src/track/tracker.js';
import { packetJson } from '../../src/encode/ndjson.js';
import { writePacketJson } from '../../src/encode/ndjson-bytes.js';
import { conversation } from '../helpers/frames.js';
import { CORPUS, FIXTURES, haveCorpus } from '../helpers/netlens.js';
import { MemoryOutput } from '../helpers/memory-output.js';


/** Frames through decoder, tracker and ARP table; every record both ways. Returns the first mismatches. */
function compare(frames: Iterable<Frame>): { records: number; mismatches: string[] } {
  const d = new PacketDecoder();
  const t = new Tracker();
  const arp = new ArpTable();
  const out = new MemoryOutput();
  const mismatches: string[] = [];
  let n = 0;
  for (const f of frames) {
    n++;
    d.decode(f);
    t.observe(d, f.tsSec, f.tsNsec);
    arp.observe(d, f.tsSec, f.tsNsec);
    writePacketJson(out, n, f, d, t, arp);
    const got = out.take();
    const want = packetJson(n, f, d, t, arp) + '\n';
    if (got !== want && mismatches.length < 3) mismatches.push(`${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  }
  return { records: n, mismatches };
}

function* framesOf(file: string): Generator<Frame> {
  let r: CaptureFileReader;
  try { r = new CaptureFileReader(file); } catch { return; } // unreadable files are the reader's tests
  try {
    for (let f = r.next(); f !== null; f = r.next()) yield f;
  } catch { /* a file cut short: compared up to there */ } finally { r.close(); }
}

describe('packet records written as bytes equal packetJson', () => {
  it('every fixture', () => {
    let records = 0;
    for (const f of readdirSync(FIXTURES).filter((x) => /\.pcap(ng)?$/.test(x))) {
      const r = compare(framesOf(join(FIXTURES, f)));
      expect(r.mismatches, f).toEqual([]);
      records += r.records;
    }
    expect(records).toBeGreaterThan(1000);
  });

  it.skipIf(!haveCorpus())('every corpus capture', () => {
    let records = 0;
    for (const f of readdirSync(join(CORPUS, 'pcap'))) {
      const r = compare(framesOf(join(CORPUS, 'pcap', f)));
      expect(r.mismatches, f).toEqual([]);
      records += r.records;
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('through a 3000-byte buffer (records straddle its end, reserve() flushes): the same bytes', () => {
    for (const file of ['mixed.pcap', 'lossy-download.pcap', 'http-keepalive.pcap', 'arp-crafted.pcap']) {
      const d = new PacketDecoder();
      const t = new Tracker();
      const arp = new ArpTable();
      const out = new MemoryOutput(3000);
      let want = '';
      let n = 0;
      for (const f of framesOf(join(FIXTURES, file))) {
        n++;
        d.decode(f);
        t.observe(d, f.tsSec, f.tsNsec);
        arp.observe(d, f.tsSec, f.tsNsec);
        writePacketJson(out, n, f, d, t, arp);
        want += packetJson(n, f, d, t, arp) + '\n';
      }
      const got = out.take();
      expect(got.length, file).toBe(want.length);
      expect(got === want, file).toBe(true);
    }
  });

  it('crafted frames with state events, a retransmission and a reset', () => {
    const k = conversation();
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', 50); k.c(101, 901, 'PA', 50, { t: 1 });
    k.s(901, 151, 'RA');
    const r = compare(k.frames);
    expect(r.mismatches).toEqual([]);
    expect(r.records).toBe(6);
  });
});
