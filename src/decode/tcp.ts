/** TCP header and options (RFC 9293; MSS RFC 9293 §3.7.1, window scale and timestamps RFC 7323, SACK RFC 2018). */
import { u16be, u32be } from '../bytes.js';
export const TcpError = {
  short: 'truncated tcp header',
  offset: 'bad tcp header length',
  options: 'truncated tcp options',
} as const;
export type TcpError = (typeof TcpError)[keyof typeof TcpError];

export const TcpOption = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamps: 8,
  Mptcp: 30,
} as const;

export class TcpView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  sport = 0;
  dport = 0;
  seq = 0;
  ack = 0;
  /** All 12 flag bits (FIN = 0x001 … CWR = 0x080, AE = 0x100). */
  flags = 0;
  window = 0;
  headerLength = 0;
  /** Payload length from the IP header (what was sent, not what was captured). */
  payloadLength = 0;
  /** Payload bytes present in the capture: buf[payloadOff, payloadEnd). */
  payloadOff = 0;
  payloadEnd = 0;
  // Options, decoded once in reset(). -1 / false when absent.
  mss = -1;
  wscale = -1;
  sackPermitted = false;
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  /** The first Multipath TCP option (RFC 8684): its offset in buf (-1: none) and length. */
  mptcpOff = -1;
  mptcpLen = 0;
  error: TcpError | null = null;

  /**
   * end: end of captured bytes of this segment; wireLength: TCP header + payload
   * length as the IP header announces it. Returns false when the fixed header is
   * not all there or its data offset is impossible.
   */
  reset(buf: Buffer, off: number, end: number, wireLength: number): boolean {
    this.buf = buf;
    this.off = off;
    this.error = null;
    this.mss = -1;
    this.wscale = -1;
    this.sackPermitted = false;
    this.hasTimestamps = false;
    this.mptcpOff = -1;
    if (end - off < 20) { this.error = TcpError.short; this.readPorts(end); return false; }
    this.sport = u16be(buf, off);
    this.dport = u16be(buf, off + 2);
    this.seq = u32be(buf, off + 4);
    this.ack = u32be(buf, off + 8);
    const doffFlags = u16be(buf, off + 12);
    this.headerLength = (doffFlags >>> 12) * 4;
    this.flags = doffFlags & 0x1ff;
    this.window = u16be(buf, off + 14);
    if (this.headerLength < 20 || this.headerLength > wireLength) {
      this.error = TcpError.offset;
      this.payloadLength = 0;
      this.payloadOff = this.payloadEnd = Math.min(end, off + 20);
      return false;
    }
    this.payloadLength = wireLength - this.headerLength;
    if (end - off < this.headerLength) {
      this.error = TcpError.options;
      this.payloadOff = this.payloadEnd = end;
      return true;
    }
    this.payloadOff = off + this.headerLength;
    this.payloadEnd = Math.min(end, this.payloadOff + this.payloadLength);
    if (this.headerLength > 20) this.readOptions(off + 20, off + this.headerLength);
    return true;
  }

  private readPorts(end: number): void {
    this.sport = end - this.off >= 2 ? u16be(this.buf, this.off) : 0;
    this.dport = end - this.off >= 4 ? u16be(this.buf, this.off + 2) : 0;
    this.payloadLength = 0;
    this.payloadOff = this.payloadEnd = end;
  }

  private readOptions(p: number, end: number): void {
    const b = this.buf;
    while (p < end) {
      const kind = b[p]!;
      if (kind === TcpOption.EOL) return;
      if (kind === TcpOption.NOP) { p++; continue; }
      if (p + 1 >= end) return;
      const len = b[p + 1]!;
      if (len < 2 || p + len > end) return;
      switch (kind) {
        case TcpOption.MSS: if (len === 4) this.mss = u16be(b, p + 2); break;
        case TcpOption.WindowScale: if (len === 3) this.wscale = b[p + 2]!; break;
        case TcpOption.SackPermitted: if (len === 2) this.sackPermitted = true; break;
        case TcpOption.Timestamps:
          if (len === 10) { this.hasTimestamps = true; this.tsVal = u32be(b, p + 2); this.tsEcr = u32be(b, p + 6); }
          break;
        case TcpOption.Mptcp:
          if (this.mptcpOff < 0 && len >= 3) { this.mptcpOff = p; this.mptcpLen = len; }
          break;
        default: break;
      }
      p += len;
    }
  }

  get checksum(): number { return u16be(this.buf, this.off + 16); }
  get urgentPointer(): number { return u16be(this.buf, this.off + 18); }
  get optionsOff(): number { return this.off + 20; }
}
