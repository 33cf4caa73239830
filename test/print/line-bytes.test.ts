/**
 * The byte-level TCP line writer (print/line-bytes.ts) prints exactly what the
 * string view (formatLine) prints, frame by frame, in every time mode, on every
 * fixture and corpus capture; frames it declines go through formatLine.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { type Frame, SourceError } from '../../src/frame.js';
import { Tracker } from '../../src/track/tracker.js';
import { formatLine } from '../../src/print/line.js';
import { writeTcpLine } from '../../src/print/line-bytes.js';
import { noColor } from '../../src/encode/palette.js';
import { type TimeMode, TimeFormatter } from '../../src/encode/time.js';
import { conversation } from '../helpers/frames.js';
import { CORPUS, FIXTURES, haveCorpus } from '../helpers/netlens.js';
import { MemoryOutput } from '../helpers/memory-output.js';


/** The reader's next frame; null at the end or where the file is damaged (cut short): compared up to there. */
function readOn(r: CaptureFileReader): Frame | null {
  try {
    return r.next();
  } catch (e) {
    if (e instanceof SourceError) return null;
    throw e;
  }
}

/** null: a file the reader refuses (its header), which is the reader's tests' business. */
function compare(file: string, mode: TimeMode, nano: boolean): { fast: number; mismatches: string[] } | null {
  let reader: CaptureFileReader;
  try {
    reader = new CaptureFileReader(file);
  } catch (e) {
    if (e instanceof SourceError) return null;
    throw e;
  }
  const d = new PacketDecoder();
  const t = new Tracker();
  const fastOpts = { time: new TimeFormatter(mode, nano, true), palette: noColor, annotate: true };
  const slowOpts = { time: new TimeFormatter(mode, nano, true), palette: noColor, annotate: true };
  const out = new MemoryOutput();
  let fast = 0;
  const mismatches: string[] = [];
  for (let f = readOn(reader); f !== null; f = readOn(reader)) {
    d.decode(f);
    t.observe(d, f.tsSec, f.tsNsec);
    const expected = formatLine(f, d, t, slowOpts) + '\n';
    if (writeTcpLine(out, f, d, t, fastOpts, null)) {
      fast++;
      const got = out.take();
      if (got !== expected && mismatches.length < 3) mismatches.push(`${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
    } else {
      fastOpts.time.format(f.tsSec, f.tsNsec); // keep the delta modes' state in step
    }
  }
  reader.close();
  return { fast, mismatches };
}

describe('byte-level TCP lines equal the string view', () => {
  const files = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(FIXTURES, f));
  if (haveCorpus()) files.push(...readdirSync(join(CORPUS, 'pcap')).map((f) => join(CORPUS, 'pcap', f)));
  for (const [mode, nano] of [['default', false], ['t', false], ['tt', false], ['ttt', false], ['tttt', true], ['ttttt', false]] as [TimeMode, boolean][]) {
    it(`time mode ${mode}${nano ? ' (nano)' : ''}`, () => {
      let fast = 0;
      const refused: string[] = [];
      for (const file of files) {
        const r = compare(file, mode, nano);
        if (r === null) { refused.push(file); continue; }
        fast += r.fast;
        expect(r.mismatches, file).toEqual([]);
      }
      expect(refused.length, refused.join(' ')).toBeLessThan(files.length / 10);
      expect(fast).toBeGreaterThan(1000); // the fast path really ran
    });
  }
});

describe('byte-level TCP lines on crafted frames', () => {
  it('HTTP lines with escapes, high bytes and a long line; state events and analysis flags', () => {
    const k = conversation('10.0.0.1', '10.0.0.2', 40000, 80);
    const req = Buffer.from('GET /a\\b\x1b[2J\x1b]52;c;SGVsbG8=\x07\xff\x80 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
    const long = Buffer.concat([Buffer.from('GET /'), Buffer.alloc(5000, 0x7a), Buffer.from(' HTTP/1.1\r\n\r\n')]);
    k.c(100, undefined, 'S'); k.s(900, 101, 'SA'); k.c(101, 901, 'A');
    k.c(101, 901, 'PA', req);
    k.c(101, 901, 'PA', req); // a retransmission
    k.s(901, 101 + req.length, 'PA', Buffer.from('HTTP/1.1 200 \x01K\r\n\r\n', 'latin1'));
    k.c(101 + req.length, 920, 'PA', long);
    k.c(101 + req.length + long.length, 920, 'FA'); k.s(920, 102 + req.length + long.length, 'FA');
    k.c(102 + req.length + long.length, 921, 'A');
    const d = new PacketDecoder();
    const t = new Tracker();
    const opts = { time: new TimeFormatter('tt', false, true), palette: noColor, annotate: true };
    const out = new MemoryOutput();
    const lines: string[] = [];
    for (const f of k.frames) {
      d.decode(f);
      t.observe(d, f.tsSec, f.tsNsec);
      expect(writeTcpLine(out, f, d, t, opts, null)).toBe(true);
      const got = out.take();
      expect(got).toBe(formatLine(f, d, t, opts) + '\n');
      lines.push(got);
    }
    const all = lines.join('');
    // As tcpdump: a request or status line that is not printable ASCII is not shown, only "HTTP".
    expect(lines[3]).toMatch(/length 52: HTTP\n$/);
    expect(lines[5]).toMatch(/length 19: HTTP\n$/);
    expect(all).toContain(`HTTP: GET /${'z'.repeat(5000)} HTTP/1.1`);
    expect(all).toContain('[retransmission]');
    expect(all).toContain('(client CLOSED → SYN_SENT)');
    expect(all).toContain('handshake complete');
    expect(all).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/); // nothing but newlines below 0x20
  });
});

describe('ByteSink number writers', () => {
  it('dec, decPad and ipv4 write what String() writes', () => {
    const out = new MemoryOutput();
    fc.assert(fc.property(fc.maxSafeNat(), fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 12 }), (n, ip, w) => {
      const small = n % 10 ** w;
      out.dec(n); out.byte(32); out.decPad(small, w); out.byte(32); out.ipv4(ip);
      expect(out.take()).toBe(`${n} ${String(small).padStart(w, '0')} ${[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')}`);
    }), { numRuns: 20000 });
    for (const n of [0, 9, 10, 99, 100, 4294967295, 4294967296, 9999999999, 10000000000, 2 ** 53 - 1]) { out.dec(n); expect(out.take()).toBe(String(n)); }
  });
});

describe('byte-level TCP lines through a small buffer', () => {
  it('lines straddling a 1500-byte buffer come out whole and in order', () => {
    for (const file of ['http-keepalive.pcap', 'lossy-download.pcap', 'tcp-half-close.pcap']) {
      const reader = new CaptureFileReader(join(FIXTURES, file));
      const d = new PacketDecoder();
      const t = new Tracker();
      const opts = { time: new TimeFormatter('tt', false, true), palette: noColor, annotate: true };
      const out = new MemoryOutput(1500);
      let want = '';
      let fast = 0;
      for (let f = reader.next(); f !== null; f = reader.next()) {
        d.decode(f);
        t.observe(d, f.tsSec, f.tsNsec);
        const line = formatLine(f, d, t, opts) + '\n';
        if (writeTcpLine(out, f, d, t, opts, null)) { want += line; fast++; }
      }
      reader.close();
      expect(fast, file).toBeGreaterThan(10);
      expect(out.take() === want, file).toBe(true);
    }
  });
});
