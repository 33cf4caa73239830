/** TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). All results are plain numbers. */

/** Signed distance a - b in sequence space (-2^31 .. 2^31-1). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
export function seqLt(a: number, b: number): boolean { return ((a - b) | 0) < 0; }
export function seqLe(a: number, b: number): boolean { return ((a - b) | 0) <= 0; }
export function seqGt(a: number, b: number): boolean { return ((a - b) | 0) > 0; }
export function seqGe(a: number, b: number): boolean { return ((a - b) | 0) >= 0; }
/** a + n wrapped to an unsigned 32-bit sequence number. */
export function seqAdd(a: number, n: number): number { return (a + n) >>> 0; }
