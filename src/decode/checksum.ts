/**
 * Internet checksums (RFC 1071) for the views that check them (tcpdump -v):
 * one's-complement sums of 16-bit big-endian words, with the IPv4 and IPv6
 * pseudo-headers of TCP, UDP and ICMPv6 (RFC 793, RFC 768, RFC 8200 §8.1).
 */

/** The one's-complement sum of b[start, end), added to `sum` (not folded). */
export function onesSum(b: Uint8Array, start: number, end: number, sum = 0): number {
  let p = start;
  for (; p + 1 < end; p += 2) sum += (b[p]! << 8) | b[p + 1]!;
  if (p < end) sum += b[p]! << 8;
  return sum;
}

/** Folds a sum into 16 bits and complements it: 0 when the data carried the right checksum. */
export function foldComplement(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** IPv4 pseudo-header: source, destination, protocol and upper-layer length. */
export function pseudoSum4(b: Uint8Array, srcOff: number, dst: number, proto: number, length: number): number {
  return onesSum(b, srcOff, srcOff + 4) + (dst >>> 16) + (dst & 0xffff) + proto + length;
}

/** IPv6 pseudo-header: source, destination (at dstOff in `db`), 32-bit length, next header. */
export function pseudoSum6(b: Uint8Array, srcOff: number, db: Uint8Array, dstOff: number, proto: number, length: number): number {
  return onesSum(b, srcOff, srcOff + 16) + onesSum(db, dstOff, dstOff + 16) + (length >>> 16) + (length & 0xffff) + proto;
}

/**
 * tcpdump's in_cksum_shouldbe: the checksum the field should have held, from
 * the field and the complemented sum computed over the data with it.
 */
export function checksumShouldBe(field: number, computed: number): number {
  let s = field + computed;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s & 0xffff;
}
