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
