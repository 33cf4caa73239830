/**
 * tcpdump's raw-data options, after each packet's line (print.c
 * pretty_print_packet, print-ascii.c):
 *   -x  / -xx  hex,             without / with the link-level header
 *   -X  / -XX  hex and ASCII,   without / with the link-level header
 *   -A  / -AA  ASCII,           without / with the link-level header
 * Only graphic ASCII, space, tab and newline reach the terminal; every other
 * byte is printed as '.' (or in hex), so no payload can drive it.
 */
import { EtherType } from '../decode/constants.js';
import { DecodeError, LinkLayer, type PacketDecoder } from '../decode/packet-decoder.js';
import type { ByteSink } from '../encode/sink.js';
import type { Frame } from '../frame.js';

export type DumpMode = 'none' | 'hex' | 'hex-ascii' | 'ascii';

export interface DumpOptions {
  mode: DumpMode;
  /** -xx / -XX / -AA: start at the frame's first byte, not after the link-level header. */
  withLinkHeader: boolean;
}

const HEX = '0123456789abcdef';
/** tcpdump's ND_ASCII_ISGRAPH: '!' … '~'. */
const isGraph = (c: number): boolean => c > 0x20 && c < 0x7f;

/**
 * The link-level header's length as tcpdump counts it (ndo_ll_hdr_len): what
 * -x, -X and -A leave out. When the header itself is cut short, tcpdump
 * counts the whole frame as header and dumps nothing.
 */
export function linkHeaderLength(f: Frame, d: PacketDecoder): number {
  switch (d.linkLayer) {
    case LinkLayer.ethernet:
      if (f.caplen < 14) return f.caplen;
      if (d.error === DecodeError.vlanShort) return f.caplen;
      if (d.error === DecodeError.llc) return Math.min(f.caplen, d.eth.payloadOff - f.offset + llcLength(f.buf, d.eth.payloadOff, f.offset + f.caplen));
      return d.netOff - f.offset;
    case LinkLayer.sll:
    case LinkLayer.sll2:
      return d.netType < 0 ? f.caplen : d.netOff - f.offset;
    case LinkLayer.loopback:
      return f.caplen < 4 ? 0 : 4; // a cut-short header: tcpdump's printer gives up and the whole frame is dumped
    default:
      return 0;
  }
}

/** IEEE 802.2 LLC header length (print-llc.c): 3 for U frames, 4 for I/S frames, 5 more for SNAP. */
function llcLength(b: Uint8Array, p: number, end: number): number {
  if (end - p < 3) return end - p;
  const dsap = b[p]!, ssap = b[p + 1]!, control = b[p + 2]!;
  const u = (control & 3) === 3;
  if (!u) return 4;
  return dsap === 0xaa && ssap === 0xaa && control === 3 ? 8 : 3;
}

/**
 * A frame whose network protocol netlens does not decode (an unknown
 * EtherType, or loopback address family). tcpdump prints its link-level
 * header and then the rest in hex and ASCII (ndo_default_print), unless -q,
 * -x or -X is given.
 */
export function undecodedNetwork(d: PacketDecoder): boolean {
  if (d.error === DecodeError.family) return true;
  return d.error === DecodeError.ether && d.netType !== EtherType.MPLS && d.netType !== EtherType.MPLSMulticast && d.netType !== 0x88cc /* LLDP: line.ts */
    && d.netType !== EtherType.PPPoEDiscovery && d.netType !== EtherType.PPPoESession // ppp.ts
    && (d.linkLayer === LinkLayer.ethernet || d.linkLayer === LinkLayer.sll || d.linkLayer === LinkLayer.sll2);
}

/** Writes the dump of frame f (after its line, which ended with a newline). */
export function writeDump(out: ByteSink, f: Frame, d: PacketDecoder, opts: DumpOptions): void {
  const skip = opts.withLinkHeader ? 0 : linkHeaderLength(f, d);
  if (f.caplen <= skip) return;
  const from = f.offset + skip, to = f.offset + f.caplen;
  if (opts.mode === 'ascii') writeAscii(out, f.buf, from, to);
  else writeHex(out, f.buf, from, to, opts.mode === 'hex-ascii');
}

/**
 * hex_print / hex_and_ascii_print: lines of 16 bytes as "\t0x0010:  4500 003c …",
 * groups of two bytes; with ASCII, the hex padded to 40 columns, two spaces, and
 * the bytes as graphic characters or '.'.
 */
function writeHex(out: ByteSink, b: Uint8Array, from: number, to: number, ascii: boolean): void {
  for (let line = from; line < to; line += 16) {
    const end = Math.min(line + 16, to);
    out.reserve(80);
    out.ascii('\t0x');
    writeOffset(out, line - from);
    out.ascii(': ');
    let written = 0;
    for (let i = line; i < end; i += 2) {
      out.byte(32);
      out.hex2(b[i]!);
      written += 3;
      if (i + 1 < end) { out.hex2(b[i + 1]!); written += 2; }
    }
    if (ascii) {
      for (; written < 40; written++) out.byte(32);
      out.ascii('  ');
      for (let i = line; i < end; i++) out.byte(isGraph(b[i]!) ? b[i]! : 46);
    }
    out.byte(10);
  }
}

/** printf's %04x: at least four hex digits. */
function writeOffset(out: ByteSink, n: number): void {
  let digits = 4;
  while (digits < 8 && n >>> (4 * digits) !== 0) digits++;
  for (let k = digits - 1; k >= 0; k--) out.byte(HEX.charCodeAt((n >>> (4 * k)) & 15));
}

/**
 * ascii_print: graphic characters, space, tab and newline as they are, others
 * as '.'; a CR is dropped before a LF and near the end, else printed as '.'.
 */
function writeAscii(out: ByteSink, b: Uint8Array, from: number, to: number): void {
  out.reserve(to - from + 1);
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === 13) {
      if (to - (i + 1) > 1 && b[i + 1] !== 10) out.byte(46);
    } else if (isGraph(c) || c === 9 || c === 32 || c === 10) {
      out.byte(c);
    } else {
      out.byte(46);
    }
  }
  out.byte(10);
}
