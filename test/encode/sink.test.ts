/** The byte sink's number writers (src/encode/sink.ts), which the line printers write numbers with. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringSink } from '../../src/encode/sink.js';

describe('ByteSink number writers', () => {
  it('dec, decPad and ipv4 write what String() writes', () => {
    const out = new StringSink();
    fc.assert(fc.property(fc.maxSafeNat(), fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 12 }), (n, ip, w) => {
      const small = n % 10 ** w;
      out.dec(n); out.byte(32); out.decPad(small, w); out.byte(32); out.ipv4(ip);
      expect(out.take()).toBe(`${n} ${String(small).padStart(w, '0')} ${[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')}`);
    }), { numRuns: 20000 });
    for (const n of [0, 9, 10, 99, 100, 4294967295, 4294967296, 9999999999, 10000000000, 2 ** 53 - 1]) { out.dec(n); expect(out.take()).toBe(String(n)); }
  });
});
