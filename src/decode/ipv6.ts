/** IPv6 (RFC 8200) with its extension headers: hop-by-hop, routing, fragment, destination options, AH. */
import { IpProto } from './constants.js';
import { u16be, u32be } from '../bytes.js';

export const Ipv6Error = {
  short: 'truncated ipv6 header',
  version: 'bad ipv6 version',
  ext: 'truncated ipv6 extension header',
} as const;
export type Ipv6Error = (typeof Ipv6Error)[keyof typeof Ipv6Error];

export class Ipv6View {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  payloadLength = 0;
  /** Upper-layer protocol after the extension headers (59 = no next header). */
  proto = 0;
  /** Offset of the upper-layer header. */
  upperOff = 0;
  /** End of the packet within the captured bytes. */
  payloadEnd = 0;
  cutShort = false;
  /** Extension headers walked (bit per kind: 1 hop-by-hop, 2 routing, 4 fragment, 8 dest opts, 16 AH). */
  extMask = 0;
  hasFragment = false;
  fragOffset = 0;
  fragMf = false;
  fragId = 0;
  /**
   * The addresses a connection is keyed by, as Zeek keys it (IPv6_Hdr_Chain::SrcAddr/DstAddr): the
   * final destination of a routing header with segments left (type 0: its last address; type 2:
   * the home address), and the home address of a Mobile IPv6 destination option; else the header's.
   */
  keySrcOff = 0;
  keyDstOff = 0;
  error: Ipv6Error | null = null;

  reset(buf: Buffer, off: number, end: number): boolean {
    this.buf = buf;
    this.off = off;
    this.error = null;
    this.extMask = 0;
    this.hasFragment = false;
    this.fragOffset = 0;
    this.fragMf = false;
    this.keySrcOff = off + 8;
    this.keyDstOff = off + 24;
    if (end - off < 1) { this.error = Ipv6Error.short; return false; }
    if (buf[off]! >>> 4 !== 6) { this.error = Ipv6Error.version; return false; }
    if (end - off < 40) { this.error = Ipv6Error.short; return false; }
    this.payloadLength = u16be(buf, off + 4);
    let plen = this.payloadLength;
    if (plen === 0) plen = end - off - 40; // jumbogram or TSO: trust the capture
    this.cutShort = off + 40 + plen > end;
    this.payloadEnd = this.cutShort ? end : off + 40 + plen;
    let next = buf[off + 6]!;
    let p = off + 40;
    const limit = this.payloadEnd;
    for (;;) { // each extension header is at least 8 bytes, so the walk ends within the packet
      if (next === IpProto.HopByHop || next === IpProto.IPv6Route || next === IpProto.IPv6Opts || next === IpProto.AH) {
        if (limit - p < 2) { this.proto = next; this.upperOff = p; this.error = Ipv6Error.ext; return true; }
        const len = next === IpProto.AH ? (buf[p + 1]! + 2) * 4 : (buf[p + 1]! + 1) * 8;
        if (limit - p < len) { this.proto = next; this.upperOff = p; this.error = Ipv6Error.ext; return true; }
        if (next === IpProto.IPv6Route && (this.extMask & 2) === 0) this.routing(buf, p, len);
        else if (next === IpProto.IPv6Opts) this.homeAddress(buf, p, len);
        this.extMask |= next === IpProto.HopByHop ? 1 : next === IpProto.IPv6Route ? 2 : next === IpProto.IPv6Opts ? 8 : 16;
        next = buf[p]!;
        p += len;
      } else if (next === IpProto.IPv6Frag) {
        if (limit - p < 8) { this.proto = next; this.upperOff = p; this.error = Ipv6Error.ext; return true; }
        this.extMask |= 4;
        this.hasFragment = true;
        const fo = u16be(buf, p + 2);
        this.fragOffset = fo >>> 3;
        this.fragMf = (fo & 1) !== 0;
        this.fragId = u32be(buf, p + 4);
        next = buf[p]!;
        p += 8;
      } else {
        break;
      }
    }
    this.proto = next;
    this.upperOff = p;
    return true;
  }

  /** A routing header (the first one only, as Zeek): where the packet is finally going. */
  private routing(buf: Buffer, p: number, len: number): void {
    const hdrLen = buf[p + 1]!, type = buf[p + 2]!, segLeft = buf[p + 3]!;
    if (segLeft === 0) return;
    // The last 16 bytes of the header hold the final address for both known types.
    if ((type === 0 && hdrLen >= 2 && hdrLen % 2 === 0) || (type === 2 && hdrLen === 2)) this.keyDstOff = p + len - 16;
  }

  /** Destination options: a Mobile IPv6 Home Address option (type 201, 16 bytes) is the source Zeek uses. */
  private homeAddress(buf: Buffer, p: number, len: number): void {
    const end = p + len;
    let q = p + 2;
    while (q < end) {
      const t = buf[q]!;
      if (t === 0) { q++; continue; } // Pad1
      if (q + 2 > end) return;
      const l = buf[q + 1]!;
      if (t === 201 && l === 16 && q + 18 <= end && this.keySrcOff === this.off + 8) this.keySrcOff = q + 2;
      q += 2 + l;
    }
  }

  get nextHeader(): number { return this.buf[this.off + 6]!; }
  get hopLimit(): number { return this.buf[this.off + 7]!; }
  get srcOff(): number { return this.off + 8; }
  get dstOff(): number { return this.off + 24; }
  /** Upper-layer length announced by the header. */
  get upperLength(): number { return this.off + 40 + (this.payloadLength || this.payloadEnd - this.off - 40) - this.upperOff; }
  /** A non-first fragment carries no upper-layer header. */
  get isLaterFragment(): boolean { return this.hasFragment && this.fragOffset !== 0; }
}
