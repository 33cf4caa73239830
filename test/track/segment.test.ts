/** A TCP segment reduced once (src/track/tcp/segment.ts): flags, the length a fragment carries, whether it was captured whole. */
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { TcpSegment } from '../../src/track/tcp/segment.js';
import { tcpFrame } from '../helpers/frames.js';

function reduced(f: ReturnType<typeof tcpFrame>, fragment = false): TcpSegment {
  const d = new PacketDecoder();
  d.decode(f);
  const g = new TcpSegment();
  g.reduce(d.tcp, fragment, f.tsSec, f.tsNsec);
  return g;
}

const base = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, t: 0.25 };

describe('TcpSegment.reduce', () => {
  it('splits the flags and keeps ports, numbers, window, window scale and time', () => {
    const g = reduced(tcpFrame({ ...base, seq: 0xfffffffe, ack: 7, flags: 'SA', win: 512, wscale: 7 }));
    expect(g).toMatchObject({ sport: 40000, dport: 80, seq: 0xfffffffe, ack: 7, syn: true, hasAck: true, fin: false, rst: false, window: 512, wscale: 7, len: 0, whole: true });
    expect([g.sec, g.nsec]).toEqual([1_700_000_000, 250_000_000]);
    expect(reduced(tcpFrame({ ...base, seq: 1, flags: 'FR' }))).toMatchObject({ fin: true, rst: true, syn: false, hasAck: false, wscale: -1 });
  });

  it('payload: the announced length; whole only when every byte was captured', () => {
    const f = tcpFrame({ ...base, seq: 1, ack: 1, flags: 'PA', payload: 100 });
    expect(reduced(f)).toMatchObject({ len: 100, whole: true });
    const cut = { ...f, caplen: f.caplen - 40 };
    expect(reduced(cut)).toMatchObject({ len: 100, whole: false });
  });

  it('a first fragment: only the payload it carries, never whole', () => {
    const f = tcpFrame({ ...base, seq: 1, ack: 1, flags: 'PA', payload: 100 });
    expect(reduced(f, true)).toMatchObject({ len: 100, whole: false });
  });
});
