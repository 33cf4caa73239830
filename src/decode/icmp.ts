/** ICMP (RFC 792) and ICMPv6 (RFC 4443, neighbour discovery RFC 4861). */
import { u16be } from '../bytes.js';
export const IcmpError = { short: 'truncated icmp header' } as const;
export type IcmpError = (typeof IcmpError)[keyof typeof IcmpError];

export const IcmpType = {
  EchoReply: 0,
  Unreachable: 3,
  SourceQuench: 4,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
  ParamProblem: 12,
} as const;

export const Icmp6Type = {
  Unreachable: 1,
  PacketTooBig: 2,
  TimeExceeded: 3,
  ParamProblem: 4,
  EchoRequest: 128,
  EchoReply: 129,
  RouterSolicit: 133,
  RouterAdvert: 134,
  NeighborSolicit: 135,
  NeighborAdvert: 136,
  Redirect: 137,
} as const;

export class IcmpView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  end = 0;
  v6 = false;
  type = 0;
  code = 0;
  /** Bytes of the ICMP message announced by the IP layer. */
  length = 0;
  error: IcmpError | null = null;

  reset(buf: Buffer, off: number, end: number, wireLength: number, v6: boolean): boolean {
    this.buf = buf;
    this.off = off;
    this.end = end;
    this.v6 = v6;
    this.length = wireLength;
    this.error = null;
    if (end - off < 4) {
      this.error = IcmpError.short;
      this.type = end - off >= 1 ? buf[off]! : 0;
      this.code = end - off >= 2 ? buf[off + 1]! : 0;
      return false;
    }
    this.type = buf[off]!;
    this.code = buf[off + 1]!;
    return true;
  }

  /** Echo identifier / sequence (valid for echo messages with 8 bytes present). */
  get hasEcho(): boolean {
    const echo = this.v6 ? this.type === Icmp6Type.EchoRequest || this.type === Icmp6Type.EchoReply
      : this.type === IcmpType.EchoRequest || this.type === IcmpType.EchoReply;
    return echo && this.end - this.off >= 8;
  }
  get echoId(): number { return u16be(this.buf, this.off + 4); }
  get echoSeq(): number { return u16be(this.buf, this.off + 6); }

  /** Error messages quote the offending packet's IP header after 8 bytes. */
  get isError(): boolean {
    if (this.v6) return this.type >= 1 && this.type <= 4;
    return this.type === IcmpType.Unreachable || this.type === IcmpType.SourceQuench || this.type === IcmpType.Redirect
      || this.type === IcmpType.TimeExceeded || this.type === IcmpType.ParamProblem;
  }
  get innerOff(): number { return this.off + 8; }
  /** Neighbour solicitation/advertisement target address offset (16 bytes), when present. */
  get ndTargetOff(): number { return this.end - this.off >= 24 ? this.off + 8 : -1; }
}
