/** A small frame builder for tests: Ethernet + IPv4 + TCP/UDP segments as Frames. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../src/frame.js';

export interface SegmentSpec {
  src: string; dst: string; sport: number; dport: number;
  seq: number; ack?: number; flags: string; // letters: S F R P A(.)
  win?: number; payload?: number | Buffer; t: number; // t in seconds
  wscale?: number;
}

function ip(a: string): number[] {
  return a.split('.').map(Number);
}

function sum16(b: Buffer, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export function tcpFrame(s: SegmentSpec): Frame {
  const payload = typeof s.payload === 'number' ? Buffer.alloc(s.payload, 0x61) : (s.payload ?? Buffer.alloc(0));
  const opts = s.wscale !== undefined ? Buffer.from([1, 3, 3, s.wscale]) : Buffer.alloc(0);
  const tcpLen = 20 + opts.length;
  const total = 20 + tcpLen + payload.length;
  const b = Buffer.alloc(14 + total);
  Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]).copy(b, 0);
  const o = 14;
  b[o] = 0x45; b.writeUInt16BE(total, o + 2); b[o + 8] = 64; b[o + 9] = 6;
  Buffer.from(ip(s.src)).copy(b, o + 12); Buffer.from(ip(s.dst)).copy(b, o + 16);
  b.writeUInt16BE(~sum16(b, o, o + 20) & 0xffff, o + 10);
  const t = o + 20;
  b.writeUInt16BE(s.sport, t); b.writeUInt16BE(s.dport, t + 2);
  b.writeUInt32BE(s.seq >>> 0, t + 4); b.writeUInt32BE((s.ack ?? 0) >>> 0, t + 8);
  let flags = 0;
  for (const ch of s.flags) flags |= ({ F: 1, S: 2, R: 4, P: 8, A: 16, '.': 16 } as Record<string, number>)[ch] ?? 0;
  b.writeUInt16BE(((tcpLen / 4) << 12) | flags, t + 12);
  b.writeUInt16BE(s.win ?? 65535, t + 14);
  opts.copy(b, t + 20);
  payload.copy(b, t + tcpLen);
  const sec = Math.floor(s.t);
  return { buf: b, offset: 0, caplen: b.length, len: b.length, tsSec: 1_700_000_000 + sec, tsNsec: Math.round((s.t - sec) * 1e9), linkType: 1, ifIndex: 0 };
}

/** A two-party conversation script: c() for client→server, s() for server→client. */
export function conversation(client = '10.0.0.1', server = '10.0.0.2', cport = 40000, sport = 80) {
  const frames: Frame[] = [];
  let t = 0;
  const step = (from: 'c' | 's', seq: number, ack: number | undefined, flags: string, payload = 0, extra: Partial<SegmentSpec> = {}): void => {
    t += 0.001;
    frames.push(tcpFrame({
      src: from === 'c' ? client : server, dst: from === 'c' ? server : client,
      sport: from === 'c' ? cport : sport, dport: from === 'c' ? sport : cport,
      seq, ack, flags, payload, t, ...extra,
    }));
  };
  return {
    frames,
    c: (seq: number, ack: number | undefined, flags: string, payload = 0, extra: Partial<SegmentSpec> = {}) => step('c', seq, ack, flags, payload, extra),
    s: (seq: number, ack: number | undefined, flags: string, payload = 0, extra: Partial<SegmentSpec> = {}) => step('s', seq, ack, flags, payload, extra),
  };
}

/** A classic pcap (µs, Ethernet) of built frames, each with its own time stamp: what the oracles (tshark, tcpdump) read. */
export function framesPcap(frames: Frame[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16); head.writeUInt32LE(1, 20);
  return Buffer.concat([head, ...frames.flatMap((f) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(f.tsSec, 0); r.writeUInt32LE(Math.floor(f.tsNsec / 1000), 4);
    r.writeUInt32LE(f.caplen, 8); r.writeUInt32LE(f.len, 12);
    return [r, f.buf.subarray(f.offset, f.offset + f.caplen)];
  })]);
}

/**
 * A fresh temporary directory (named after `prefix`) and a writer into it:
 * write(name, frames) saves framesPcap(frames) as <name>.pcap and returns its
 * path, for a test that hands the same built capture to netlens and an oracle.
 */
export function captureWriter(prefix: string): (name: string, frames: Frame[]) => string {
  const dir = mkdtempSync(join(tmpdir(), `netlens-${prefix}-`));
  return (name, frames) => {
    const file = join(dir, `${name}.pcap`);
    writeFileSync(file, framesPcap(frames));
    return file;
  };
}

export interface DatagramSpec {
  src: string; dst: string; sport: number; dport: number;
  payload: Buffer; t: number; // t in seconds
}

/** An Ethernet + IPv4 + UDP frame (UDP checksum 0: none, as RFC 768 allows over IPv4). */
export function udpFrame(s: DatagramSpec): Frame {
  const total = 20 + 8 + s.payload.length;
  const b = Buffer.alloc(14 + total);
  Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]).copy(b, 0);
  const o = 14;
  b[o] = 0x45; b.writeUInt16BE(total, o + 2); b[o + 8] = 64; b[o + 9] = 17;
  Buffer.from(ip(s.src)).copy(b, o + 12); Buffer.from(ip(s.dst)).copy(b, o + 16);
  b.writeUInt16BE(~sum16(b, o, o + 20) & 0xffff, o + 10);
  const u = o + 20;
  b.writeUInt16BE(s.sport, u); b.writeUInt16BE(s.dport, u + 2); b.writeUInt16BE(8 + s.payload.length, u + 4);
  s.payload.copy(b, u + 8);
  const sec = Math.floor(s.t);
  return { buf: b, offset: 0, caplen: b.length, len: b.length, tsSec: 1_700_000_000 + sec, tsNsec: Math.round((s.t - sec) * 1e9), linkType: 1, ifIndex: 0 };
}
