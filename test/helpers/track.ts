/** Runs built frames through a decoder and a Tracker, or a fixture through `conns --json`, for the tracker's tests. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { connRecord } from '../../src/encode/conn-record.js';
import type { ConnRecord } from '../../src/encode/records.js';
import type { Frame } from '../../src/frame.js';
import type { Connection } from '../../src/track/tcp/connection.js';
import { Tracker, type TrackerOptions } from '../../src/track/tracker.js';
import { FIXTURES, ndjson, netlens } from './netlens.js';

/** The conversations of the frames, as records, in the order they ended. */
export function track(frames: Frame[], opts: Partial<TrackerOptions> = {}): ConnRecord[] {
  const out: ConnRecord[] = [];
  const d = new PacketDecoder();
  const t = new Tracker({ ...opts, onEnd: (c: Connection) => out.push(connRecord(c)) });
  for (const f of frames) { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
  t.finish();
  return out;
}

/** Calls `each` with the tracker after every frame (what the frame caused is in its public fields). */
export function trackEach(frames: Frame[], each: (t: Tracker, i: number) => void): void {
  const d = new PacketDecoder();
  const t = new Tracker();
  frames.forEach((f, i) => { d.decode(f); t.observe(d, f.tsSec, f.tsNsec); each(t, i); });
  t.finish();
}

/** The TCP conversations of a fixture, as `netlens conns --json` prints them. */
export function tcpConns(file: string): Record<string, any>[] {
  const r = netlens(['conns', '--json', join(FIXTURES, file)]);
  expect(r.status).toBe(0);
  return ndjson(r.stdout).filter((c) => c.proto === 'tcp');
}
