/** UDP (RFC 768). */
import { u16be } from '../bytes.js';
export const UdpError = {
  short: 'truncated udp header',
  length: 'bad udp length',
} as const;
export type UdpError = (typeof UdpError)[keyof typeof UdpError];

export class UdpView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  sport = 0;
  dport = 0;
  /** The header's length field (header + payload). */
  length = 0;
  payloadOff = 0;
  /** End of captured payload bytes. */
  payloadEnd = 0;
  /** Payload length per the header, or per the IP layer when the header's value is impossible. */
  payloadLength = 0;
  error: UdpError | null = null;

  reset(buf: Buffer, off: number, end: number, wireLength: number): boolean {
    this.buf = buf;
    this.off = off;
    this.error = null;
    if (end - off < 8) {
      this.error = UdpError.short;
      this.sport = end - off >= 2 ? u16be(buf, off) : 0;
      this.dport = end - off >= 4 ? u16be(buf, off + 2) : 0;
      this.length = end - off >= 6 ? u16be(buf, off + 4) : 0;
      this.payloadOff = this.payloadEnd = end;
      this.payloadLength = 0;
      return false;
    }
    this.sport = u16be(buf, off);
    this.dport = u16be(buf, off + 2);
    this.length = u16be(buf, off + 4);
    this.payloadOff = off + 8;
    if (this.length < 8 || this.length > wireLength) {
      this.error = UdpError.length;
      this.payloadLength = Math.max(0, wireLength - 8);
    } else {
      this.payloadLength = this.length - 8;
    }
    this.payloadEnd = Math.min(end, this.payloadOff + this.payloadLength);
    return this.error === null;
  }

  get checksum(): number { return u16be(this.buf, this.off + 6); }
}
