/**
 * An upper layer's checksum as tcpdump checks it under -v: over the segment
 * and the IP pseudo-header (nextproto4_cksum, print-ip.c; nextproto6_cksum,
 * print-ip6.c), to the final destination of a source route (ip_finddst,
 * ip6_finddst). Used by the TCP, UDP, ICMP, ICMPv6 and VRRP printers.
 */
import { u32be } from '../bytes.js';
import { foldComplement, onesSum, pseudoSum4, pseudoSum6 } from './checksum.js';
import { IpProto } from './constants.js';
import type { PacketDecoder } from './packet-decoder.js';

/** Whether the IP layer says this is part of a fragmented datagram (tcpdump then checks no upper-layer sum). */
export function fragmented(d: PacketDecoder): boolean {
  return d.ipVersion === 4 ? d.ip4.mf : d.ip6.hasFragment;
}

/**
 * The upper layer's checksum over `length` bytes from `off` with the pseudo-header
 * (none for ICMP over IPv4): 0 when right. -1 when it cannot be checked: a
 * fragment, or bytes the capture does not hold.
 */
export function upperChecksum(d: PacketDecoder, off: number, length: number, proto: number): number {
  if (fragmented(d)) return -1;
  const b = d.ipVersion === 4 ? d.ip4.buf : d.ip6.buf;
  if (off + length > d.end) return -1;
  let sum = onesSum(b, off, off + length);
  if (proto !== IpProto.ICMP) {
    if (d.ipVersion === 4) sum += pseudoSum4(b, d.ip4.srcOff, ipv4FinalDst(d), proto, length);
    else {
      const dst = ipv6FinalDstOff(d);
      sum += pseudoSum6(b, d.ip6.srcOff, b, dst, proto, length);
    }
  }
  return foldComplement(sum);
}

/** ip_finddst: the last hop of a loose or strict source route, else the destination. */
function ipv4FinalDst(d: PacketDecoder): number {
  const ip = d.ip4;
  const b = ip.buf;
  let p = ip.off + 20;
  const end = ip.off + ip.headerLength;
  while (p < end) {
    const code = b[p]!;
    if (code === 0) break;
    if (code === 1) { p++; continue; }
    if (p + 1 >= end) break;
    const len = b[p + 1]!;
    if (len < 2 || p + len > end) break;
    if ((code === 131 || code === 137) && len >= 7) return u32be(b, p + len - 4);
    p += len;
  }
  return ip.dst;
}

/** ip6_finddst: the last address of a type 0 or 2 routing header, else the destination. */
function ipv6FinalDstOff(d: PacketDecoder): number {
  const ip = d.ip6;
  const b = ip.buf;
  let nh = ip.nextHeader;
  let q = ip.off + 40;
  while (q < ip.upperOff) {
    let len: number;
    if (nh === IpProto.HopByHop || nh === IpProto.IPv6Opts) len = (b[q + 1]! + 1) * 8;
    else if (nh === IpProto.IPv6Frag) len = 8;
    else if (nh === IpProto.AH) len = (b[q + 1]! + 2) * 4;
    else if (nh === IpProto.IPv6Route) {
      const units = b[q + 1]!, type = b[q + 2]!;
      if ((type === 0 || type === 2) && units >= 2 && units % 2 === 0) return q + 8 + (units / 2 - 1) * 16;
      len = (units + 1) * 8;
    } else break;
    nh = b[q]!;
    q += len;
  }
  return ip.dstOff;
}
