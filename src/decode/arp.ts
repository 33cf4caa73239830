/** ARP (RFC 826). Ethernet/IPv4 ARP is decoded in full; other hardware or protocol types keep their op. */
import { u16be, u32be } from '../bytes.js';
export class ArpView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  htype = 0;
  ptype = 0;
  hlen = 0;
  plen = 0;
  op = 0;
  /** True for hardware length 6 and protocol IPv4 length 4, with all addresses present. */
  ethIpv4 = false;
  /** Protocol addresses are IPv4 (whatever the hardware length). */
  ipv4 = false;
  /** Every address the lengths announce is in the capture. */
  complete = false;

  /** Returns false when the fixed 8-byte header or the announced addresses do not fit. */
  reset(buf: Buffer, off: number, end: number): boolean {
    this.buf = buf;
    this.off = off;
    this.ethIpv4 = false;
    if (end - off < 8) return false;
    this.htype = u16be(buf, off);
    this.ptype = u16be(buf, off + 2);
    this.hlen = buf[off + 4]!;
    this.plen = buf[off + 5]!;
    this.op = u16be(buf, off + 6);
    // ATM ARP (hardware 19, RFC 2225) lays its addresses out otherwise (the line view reads it
    // itself): the offsets below do not apply to it, so no address is taken from them.
    this.ipv4 = this.plen === 4 && this.ptype === 0x0800 && this.htype !== 19;
    this.complete = end - off >= 8 + 2 * (this.hlen + this.plen);
    this.ethIpv4 = this.complete && this.hlen === 6 && this.ipv4;
    return true;
  }

  /** The hardware addresses are 6-byte MACs at senderMacOff and targetMacOff (not ATM ARP's layout). */
  get macs(): boolean { return this.hlen === 6 && this.htype !== 19; }
  get senderMacOff(): number { return this.off + 8; }
  get senderIpOff(): number { return this.off + 8 + this.hlen; }
  get targetMacOff(): number { return this.off + 8 + this.hlen + this.plen; }
  get targetIpOff(): number { return this.off + 8 + 2 * this.hlen + this.plen; }
  get senderIp(): number { return u32be(this.buf, this.senderIpOff); }
  get targetIp(): number { return u32be(this.buf, this.targetIpOff); }
}
