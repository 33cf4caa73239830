/**
 * The MPLS label stack (RFC 3032) as tcpdump prints it before the packet it
 * carries (print-mpls.c): `MPLS (label 100, tc 0, [S], ttl 64) IP …`; under
 * -v each further entry on its own line, reserved labels named, and the
 * payload on the next line. The decoder has already found the payload's type
 * (PacketDecoder.network) by tcpdump's rule: labels 0 and 3 carry IPv4, 2
 * IPv6, any other a first byte of 0x45-0x4f or 0x60-0x6f.
 */
import { hexAndAscii } from './util.js';

const LABEL_NAMES = [
  'IPv4 explicit NULL', 'router alert', 'IPv6 explicit NULL', 'implicit NULL', 'rsvd', 'rsvd', 'rsvd', 'rsvd',
  'rsvd', 'rsvd', 'rsvd', 'rsvd', 'rsvd', 'rsvd', 'rsvd', 'rsvd',
];

/**
 * The stack at b[start, capEnd) of a packet `length` bytes long from start,
 * and what ends it: a separator before the payload's line (`payload` true),
 * the bytes of a payload of no known type (when `defaultDump`), or nothing.
 */
export function mplsText(b: Buffer, start: number, capEnd: number, length: number, payload: boolean, verbose: number, defaultDump: boolean): string {
  let s = 'MPLS';
  let p = start, depth = 0;
  for (;;) {
    if (length < 4) return s + ' (invalid)';
    if (p + 4 > capEnd) return s + ' [|mpls]';
    const entry = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    const label = entry >>> 12, bottom = (entry & 0x100) !== 0;
    s += `${depth > 0 && verbose > 0 ? '\n\t' : ' '}(label ${label}`;
    if (verbose > 0 && label < LABEL_NAMES.length) s += ` (${LABEL_NAMES[label]})`;
    s += `, tc ${(entry >>> 9) & 7}${bottom ? ', [S]' : ''}, ttl ${entry & 0xff})`;
    depth++;
    p += 4;
    length -= 4;
    if (bottom) break;
  }
  if (payload) return s + (verbose > 0 ? '\n\t' : ' ');
  if (length === 0 || !defaultDump) return s;
  return s + hexAndAscii(b, p, Math.min(capEnd, p + length));
}
