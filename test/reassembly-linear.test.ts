/**
 * Reassembly time is linear in the number of segments held out of order: a
 * hole followed by many segments (each appended, not inserted by a scan from
 * the front), then the hole filled (the held ones taken from a moving head,
 * not shifted one by one).
 */
import { describe, expect, it } from 'vitest';
import { TcpFlag } from '../src/decode/constants.js';
import { ReassemblyBudget, StreamReassembler } from '../src/track/reassembly.js';

function holeThenFill(n: number): { ms: number; bytes: number } {
  const r = new StreamReassembler(1 << 30, new ReassemblyBudget(1 << 30));
  let bytes = 0;
  r.onData((b) => { bytes += b.length; });
  const one = Buffer.from('x');
  const t0 = process.hrtime.bigint();
  r.push(1000, TcpFlag.SYN, one, 0, 0);
  for (let i = 1; i <= n; i++) r.push(1001 + i, TcpFlag.ACK, one); // byte 0 missing: all held
  r.push(1001, TcpFlag.ACK, one); // the hole fills: everything drains
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes };
}

describe('out-of-order segments', () => {
  it('hold and drain in linear time, every byte delivered once', () => {
    holeThenFill(5000); // warm up
    const a = holeThenFill(50_000), b = holeThenFill(100_000);
    expect(a.bytes).toBe(50_001);
    expect(b.bytes).toBe(100_001);
    // Twice the segments: about twice the time (quadratic would be four times).
    expect(b.ms).toBeLessThan(a.ms * 3.5 + 50);
  });
});
