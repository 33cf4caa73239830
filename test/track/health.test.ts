/**
 * Capture health (track/health.ts) on built frames: each finding said once
 * when first seen and counted after; the checksum verdict only from what this
 * host sends against what it receives; nothing said of a clean capture.
 * test/live/health.test.ts sees the same findings on a real veth pair.
 */
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { Frame } from '../../src/frame.js';
import { CaptureHealth, CHECKSUM_SAMPLE, MIN_VERDICT, type HealthFinding } from '../../src/track/health.js';
import { tcpFrame } from '../helpers/frames.js';

const HOST = '10.0.0.1', PEER = '10.0.0.2';
const HOST_V4 = (10 << 24 | 1) >>> 0;

/** The TCP checksum of a built frame set right, or right plus one (wrong). */
function withChecksum(f: Frame, right: boolean): Frame {
  const b = f.buf, ip = 14, tcp = 34, end = f.caplen;
  b.writeUInt16BE(0, tcp + 16);
  let s = 0;
  const add = (from: number, to: number) => { for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0); };
  add(ip + 12, ip + 20);
  s += 6 + (end - tcp);
  add(tcp, end);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const sum = ~s & 0xffff;
  b.writeUInt16BE(right ? sum : (sum + 1) & 0xffff, tcp + 16);
  return f;
}

function run(frames: Frame[], mtu = 1500, snaplen = 262144, local = [HOST_V4]): { h: CaptureHealth; said: HealthFinding[] } {
  const h = new CaptureHealth({ iface: 'eth9', mtu, snaplen, localV4: local });
  const said: HealthFinding[] = [];
  h.onFinding = (f) => said.push({ ...f });
  const d = new PacketDecoder();
  for (const f of frames) { d.decode(f); h.observe(f, d); }
  return { h, said };
}

const seg = (t: number, fromHost: boolean, payload = 100) =>
  tcpFrame({ src: fromHost ? HOST : PEER, dst: fromHost ? PEER : HOST, sport: fromHost ? 40000 : 80, dport: fromHost ? 80 : 40000, seq: 1 + t * 1000, ack: 1, flags: 'A', payload, t });

describe('capture health', () => {
  it('a clean capture: nothing to say', () => {
    const frames = Array.from({ length: 2 * CHECKSUM_SAMPLE + 10 }, (_, i) => withChecksum(seg(i * 0.01, i % 2 === 0), true));
    const { h, said } = run(frames);
    expect(said).toEqual([]);
    expect(h.summary()).toEqual([]);
  });

  it('packets longer than the MTU: said once, with the ethtool hint, and counted', () => {
    const frames = [seg(0, false, 100), seg(0.1, false, 2948), seg(0.2, false, 100), seg(0.3, false, 8000)].map((f) => withChecksum(f, true));
    const { h, said } = run(frames, 1500);
    expect(said.map((f) => f.kind)).toEqual(['over-mtu']);
    expect(said[0]!.text).toBe("packets longer than eth9's MTU (2988 > 1500 bytes): the kernel merged segments before capture (GRO, GSO/TSO), so one packet here was several on the wire; ethtool -K eth9 gro off gso off tso off shows them as sent");
    expect(h.summary()).toEqual([`${said[0]!.text} [2 packets]`]);
    expect(run(frames, 9000).said).toEqual([]);
    expect(run(frames, 0).said).toEqual([]); // MTU unknown: no check
  });

  it('checksums wrong on what this host sends and right on what it receives: transmit offload', () => {
    const frames = Array.from({ length: 2 * CHECKSUM_SAMPLE }, (_, i) => withChecksum(seg(i * 0.01, i % 2 === 0), i % 2 !== 0));
    const { said } = run(frames);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ kind: 'checksum-offload', count: CHECKSUM_SAMPLE });
    expect(said[0]!.text).toMatch(/^TCP\/UDP checksums wrong on what this host sends \(64 of 64\) and right on what it receives: .*ethtool -K eth9 tx off/);
    // The verdict needs both ways: a one-way capture says nothing, even at its end.
    const oneWay = run(frames.filter((_, i) => i % 2 === 0));
    oneWay.h.finish();
    expect(oneWay.said).toEqual([]);
    // A capture that ends with fewer than CHECKSUM_SAMPLE each way: the verdict at its end, from at least MIN_VERDICT.
    const short = run(frames.slice(0, 2 * MIN_VERDICT));
    expect(short.said).toEqual([]);
    short.h.finish();
    expect(short.said).toHaveLength(1);
    expect(short.said[0]!.text.startsWith(`TCP/UDP checksums wrong on what this host sends (${MIN_VERDICT} of ${MIN_VERDICT}) and right on what it receives`)).toBe(true);
    const tooShort = run(frames.slice(0, 2 * MIN_VERDICT - 2));
    tooShort.h.finish();
    expect(tooShort.said).toEqual([]);
    // Wrong on what it receives is not offload: the network or the peer; health says nothing of it.
    const inbound = Array.from({ length: 2 * CHECKSUM_SAMPLE }, (_, i) => withChecksum(seg(i * 0.01, i % 2 === 0), i % 2 === 0));
    expect(run(inbound).said).toEqual([]);
    // Without the interface's addresses there is no "this host": no verdict.
    expect(run(frames, 1500, 262144, []).said).toEqual([]);
  });

  it('packets merged beyond the MTU are left out of the checksum verdict (GRO keeps the first segment\'s checksum)', () => {
    // What this host sends: wrong; what it receives: right when sent, wrong once merged.
    const frames = Array.from({ length: 4 * CHECKSUM_SAMPLE }, (_, i) => withChecksum(seg(i * 0.01, i % 2 === 0, i % 4 === 1 ? 6000 : 100), i % 4 === 3));
    const { said } = run(frames);
    expect(said.map((f) => f.kind)).toEqual(['over-mtu', 'checksum-offload']);
    expect(said[1]!.text).toMatch(/^TCP\/UDP checksums wrong on what this host sends \(64 of 64\) and right on what it receives/);
  });

  it('checksums wrong both ways: a virtual device handing packets over unfilled', () => {
    const frames = Array.from({ length: 2 * CHECKSUM_SAMPLE }, (_, i) => withChecksum(seg(i * 0.01, i % 2 === 0), false));
    const { said } = run(frames);
    expect(said.map((f) => f.kind)).toEqual(['checksum-offload']);
    expect(said[0]!.text).toMatch(/^TCP\/UDP checksums wrong both ways \(128 of 128\): eth9 hands packets over before anyone fills them in/);
  });

  it('frames cut to the snapshot length, and time going backwards', () => {
    const a = withChecksum(seg(1, false), true), b = withChecksum(seg(0.5, false), true), c = withChecksum(seg(2, false), true);
    c.caplen = 96;
    const { h, said } = run([a, b, c, withChecksum(seg(0.7, true), true)], 1500, 96);
    expect(said.map((f) => f.kind)).toEqual(['time-backwards', 'truncated']);
    expect(said[0]!.text).toBe('frames stamped before the frame before them (the first 0.500000 s back): the clock was stepped, or the capture merges queues stamped apart');
    expect(said[1]!.text).toBe('frames cut to the snapshot length (96 bytes; -s 0 keeps them whole): payload analyses see less than was sent');
    expect(h.findings().map((f) => [f.kind, f.count])).toEqual([['time-backwards', 2], ['truncated', 1]]);
  });

  it('drops and a link going down, from the counters and the operational state', () => {
    const { h, said } = run([]);
    h.counters(0, 0);
    h.link('up');
    expect(said).toEqual([]);
    h.counters(5, 0);
    h.counters(5, 0);
    h.counters(7, 3);
    h.link('down');
    h.link('down');
    h.link('up');
    h.link('lowerlayerdown');
    expect(said.map((f) => f.kind)).toEqual(['drops', 'link-down']);
    expect(h.summary()).toEqual([
      "packets dropped before netlens saw them (kernel: 5, netlens's ring: 0): a larger -B (kernel buffer) or --ring-buffer, a narrower filter [10 packets]",
      "eth9's link went down (operstate down): nothing was captured while it was [2 times]",
    ]);
  });
});
