/**
 * Reassembly work is linear in the number of segments held out of order: a
 * hole followed by many segments (each appended, not inserted by a scan from
 * the front), then the hole filled (the held ones taken from a moving head,
 * not shifted one by one). Speed itself is measured in the benchmark; here,
 * that no shift and no splice happen per segment.
 */
import { describe, expect, it, vi } from 'vitest';
import { TcpFlag } from '../../src/decode/constants.js';
import { ReassemblyBudget, StreamReassembler } from '../../src/track/reassembly.js';

function holeThenFill(n: number): { ms: number; bytes: number; shifts: number; splices: number } {
  const r = new StreamReassembler(1 << 30, new ReassemblyBudget(1 << 30));
  let bytes = 0;
  r.onData((b) => { bytes += b.length; });
  const one = Buffer.from('x');
  const shift = vi.spyOn(Array.prototype, 'shift');
  const splice = vi.spyOn(Array.prototype, 'splice');
  const t0 = process.hrtime.bigint();
  try {
    r.push(1000, TcpFlag.SYN, one, 0, 0);
    for (let i = 1; i <= n; i++) r.push(1001 + i, TcpFlag.ACK, one); // byte 0 missing: all held
    r.push(1001, TcpFlag.ACK, one); // the hole fills: everything drains
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes, shifts: shift.mock.calls.length, splices: splice.mock.calls.length };
  } finally {
    shift.mockRestore();
    splice.mockRestore();
  }
}

describe('out-of-order segments', () => {
  it('are held and drained without a shift or a mid-array insertion per segment, every byte delivered once', () => {
    const a = holeThenFill(50_000);
    expect(a.bytes).toBe(50_001);
    // Segments behind the hole are appended, the drained ones left behind a moving head.
    expect([a.shifts, a.splices]).toEqual([0, 0]);
  });
});
