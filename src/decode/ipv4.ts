/** IPv4 (RFC 791): header, options, fragments, header checksum. */
import { u16be, u32be } from '../bytes.js';
export const Ipv4Error = {
  short: 'truncated ip header',
  version: 'bad ip version',
  ihl: 'bad ip header length',
  totalLength: 'bad ip total length',
} as const;
export type Ipv4Error = (typeof Ipv4Error)[keyof typeof Ipv4Error];

export class Ipv4View {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  ihl = 0;
  totalLength = 0;
  proto = 0;
  /** End of the IP packet within the captured bytes: min(off + totalLength, captured end). */
  payloadEnd = 0;
  /** True when the capture holds fewer bytes than totalLength announces. */
  cutShort = false;
  error: Ipv4Error | null = null;

  /** Validates once; afterwards every getter is safe. Returns false when no header can be read. */
  reset(buf: Buffer, off: number, end: number): boolean {
    this.buf = buf;
    this.off = off;
    this.error = null;
    if (end - off < 1) { this.error = Ipv4Error.short; return false; }
    if (buf[off]! >>> 4 !== 4) { this.error = Ipv4Error.version; return false; }
    if (end - off < 20) { this.error = Ipv4Error.short; return false; }
    this.ihl = buf[off]! & 0x0f;
    this.proto = buf[off + 9]!;
    if (this.ihl < 5) { this.error = Ipv4Error.ihl; return false; }
    if (end - off < this.ihl * 4) { this.error = Ipv4Error.short; return false; }
    let total = u16be(buf, off + 2);
    // A total length of 0 is what TCP segmentation offload leaves in captures: use what was captured.
    if (total === 0) total = end - off;
    this.totalLength = total;
    if (total < this.ihl * 4) { this.error = Ipv4Error.totalLength; this.payloadEnd = off + this.ihl * 4; return false; }
    this.cutShort = off + total > end;
    this.payloadEnd = this.cutShort ? end : off + total;
    return true;
  }

  get headerLength(): number { return this.ihl * 4; }
  get payloadOff(): number { return this.off + this.ihl * 4; }
  /** Upper-layer length as announced by the header (not limited by the capture). */
  get payloadLength(): number { return this.totalLength - this.ihl * 4; }
  get tos(): number { return this.buf[this.off + 1]!; }
  get id(): number { return u16be(this.buf, this.off + 4); }
  get df(): boolean { return (this.buf[this.off + 6]! & 0x40) !== 0; }
  get mf(): boolean { return (this.buf[this.off + 6]! & 0x20) !== 0; }
  /** Fragment offset field in 8-byte units, as on the wire. */
  get fragOffset(): number { return u16be(this.buf, this.off + 6) & 0x1fff; }
  get ttl(): number { return this.buf[this.off + 8]!; }
  get checksum(): number { return u16be(this.buf, this.off + 10); }
  get src(): number { return u32be(this.buf, this.off + 12); }
  get dst(): number { return u32be(this.buf, this.off + 16); }
  get srcOff(): number { return this.off + 12; }
  get dstOff(): number { return this.off + 16; }

  /** RFC 1071 one's-complement sum over the header; true when the header checksum is right. */
  get checksumOk(): boolean {
    const b = this.buf;
    let sum = 0;
    const end = this.off + this.ihl * 4;
    for (let p = this.off; p < end; p += 2) sum += (b[p]! << 8) | b[p + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    return sum === 0xffff;
  }
}
