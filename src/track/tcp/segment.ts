/**
 * One TCP segment as the tracker's analyses read it, reduced once from the
 * decoder's TcpView: the flags split out, the payload length a fragment
 * really carries, whether the payload was captured whole, the capture time.
 * The tracker owns one TcpSegment and refills it for every segment, so
 * nothing is allocated per packet.
 */
import { TcpFlag } from '../../decode/constants.js';
import { DOUBLE, settleFields } from '../../decode/shapes.js';
import type { TcpView } from '../../decode/tcp.js';

export class TcpSegment {
  sport = 0;
  dport = 0;
  seq = 0;
  ack = 0;
  /** All flag bits; the four the analyses test, split out. */
  flags = 0;
  syn = false;
  fin = false;
  rst = false;
  hasAck = false;
  /** Raw (unscaled) window, and the window-scale option's shift (-1: no option). */
  window = 0;
  wscale = -1;
  /**
   * Payload length: what the IP header says was sent; for the first fragment of a datagram
   * (whose length fields cover the whole datagram), only the payload it carries.
   */
  len = 0;
  /** Not a fragment, and every payload byte captured (Zeek's reassembler sees only such segments). */
  whole = false;
  /** Capture time. */
  sec = 0;
  nsec = 0;

  /** `fragment`: the segment is the first part of a fragmented datagram. */
  reduce(t: TcpView, fragment: boolean, sec: number, nsec: number): void {
    const flags = t.flags;
    const captured = t.payloadEnd - t.payloadOff;
    this.sport = t.sport;
    this.dport = t.dport;
    this.seq = t.seq;
    this.ack = t.ack;
    this.flags = flags;
    this.syn = (flags & TcpFlag.SYN) !== 0;
    this.fin = (flags & TcpFlag.FIN) !== 0;
    this.rst = (flags & TcpFlag.RST) !== 0;
    this.hasAck = (flags & TcpFlag.ACK) !== 0;
    this.window = t.window;
    this.wscale = t.wscale >= 0 ? t.wscale : -1;
    this.len = fragment ? (captured > 0 ? captured : 0) : t.payloadLength;
    this.whole = !fragment && captured >= this.len;
    this.sec = sec;
    this.nsec = nsec;
  }
}

// seq and ack reach 2^32 - 1: held as doubles from the start (see decode/shapes.ts).
settleFields(new TcpSegment(), { seq: DOUBLE, ack: DOUBLE });
