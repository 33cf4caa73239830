/**
 * The installed tcpdump as the oracle for one printer: runs it over built
 * frames and returns, per frame, the text that printer is responsible for.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { classicPcap, type CutFrame } from './pcap.js';

export interface OracleFrame {
  frame: Buffer | CutFrame;
  /** The printer's text starts after this (e.g. "10.0.0.2.161: "); null: after the time stamp. */
  marker: string | null;
}

/**
 * `tcpdump -nn -tt FLAGS` over the frames: each frame's text after its marker,
 * its continuation lines kept (joined with \n). Under -vv the UDP printer's
 * "[no cksum] " (checksum 0) before the payload is left out.
 */
export function tcpdumpTexts(frames: OracleFrame[], flags: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const r = spawnSync('tcpdump', ['-nn', '-tt', ...flags, '-r', '-'], { input: classicPcap(frames.map((f) => f.frame)), env, maxBuffer: 1 << 28, encoding: 'latin1' });
  const packets: string[][] = [];
  for (const line of r.stdout.split('\n')) {
    if (/^\d+\.\d{6} /.test(line)) packets.push([line]);
    else if (line !== '') packets[packets.length - 1]?.push(line);
  }
  expect(packets.length, r.stderr).toBe(frames.length);
  return packets.map((lines, i) => {
    const text = lines.join('\n');
    const m = frames[i]!.marker;
    if (m === null) return text.slice(18); // "1763800000.000000 "
    const at = text.indexOf(m);
    expect(at, text).toBeGreaterThanOrEqual(0);
    const t = text.slice(at + m.length);
    return flags.includes('-vv') ? t.replace(/^\[no cksum\] /, '') : t;
  });
}

/** Texts prefixed with their frames' names, so a failing comparison says which frame. */
export const labelled = (frames: { name: string }[], texts: string[]): string[] => texts.map((t, i) => `${frames[i]!.name}: ${t}`);

/** A UDP payload built for a printer test: the frame for tcpdump, and the bytes and lengths for the printer. */
export interface UdpOracleFrame extends OracleFrame {
  name: string;
  /** The captured part of the frame; the payload is buf[off, capEnd). */
  buf: Buffer;
  off: number;
  capEnd: number;
  /** The UDP payload length as the printer is given it (the header's, at most the payload built). */
  length: number;
  marker: string;
}

/**
 * Ethernet + IPv4 (10.0.0.1 → 10.0.0.2, right header checksum) + UDP (checksum 0,
 * so tcpdump prints no checksum text) + the payload; `cap`: payload bytes
 * captured (the rest left out of the capture); `udpPayloadLen`: what the UDP
 * length field says of the payload, when it should lie.
 */
export function udpOracleFrame(name: string, sport: number, dport: number, payload: Buffer, opts: { cap?: number; udpPayloadLen?: number } = {}): UdpOracleFrame {
  const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(28 + payload.length, 2); ip[8] = 64; ip[9] = 17;
  Buffer.from('0a000001', 'hex').copy(ip, 12); Buffer.from('0a000002', 'hex').copy(ip, 16);
  let s = 0;
  for (let k = 0; k < 20; k += 2) s += ip.readUInt16BE(k);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  ip.writeUInt16BE(~s & 0xffff, 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0); udp.writeUInt16BE(dport, 2);
  udp.writeUInt16BE(8 + (opts.udpPayloadLen ?? payload.length), 4);
  const full = Buffer.concat([eth, ip, udp, payload]);
  const off = 42;
  const capEnd = off + (opts.cap ?? payload.length);
  return {
    name, frame: opts.cap === undefined ? full : { data: full.subarray(0, capEnd), wireLen: full.length },
    buf: full.subarray(0, capEnd), off, capEnd,
    length: Math.min(opts.udpPayloadLen ?? payload.length, payload.length),
    marker: `10.0.0.1.${sport} > 10.0.0.2.${dport}: `,
  };
}
