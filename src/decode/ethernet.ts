/** Ethernet II (IEEE 802.3 with EtherType) and 802.1Q / 802.1ad tag stacks. */
import { EtherType } from './constants.js';
import { u16be } from '../bytes.js';

export const MAX_VLAN_TAGS = 8;

export class EthernetView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  /** The EtherType/length field right after the MAC addresses (the outer type). */
  outerType = 0;
  /** The EtherType after all VLAN tags. */
  innerType = 0;
  /** VLAN ids, outermost first. */
  readonly vlanIds = new Uint16Array(MAX_VLAN_TAGS);
  vlanCount = 0;
  /** Offset of the payload after the header and tags. */
  payloadOff = 0;

  /**
   * Reads the header at buf[off, end). Returns false when the frame is shorter
   * than the header (or than a tag it announces).
   */
  reset(buf: Buffer, off: number, end: number): boolean {
    this.buf = buf;
    this.off = off;
    this.vlanCount = 0;
    if (end - off < 14) return false;
    this.outerType = u16be(buf, off + 12);
    return this.readTags(buf, off + 14, end, this.outerType);
  }

  /**
   * Walks 802.1Q / 802.1ad tags starting at p, where `type` is the EtherType
   * that precedes them; sets innerType and payloadOff. Also used after a Linux
   * cooked header, whose protocol field may announce a tag. False when a tag is cut short.
   */
  readTags(buf: Buffer, p: number, end: number, type: number): boolean {
    this.buf = buf;
    while (type === EtherType.VLAN || type === EtherType.QinQ || type === EtherType.QinQOld) {
      if (end - p < 4) { this.innerType = type; this.payloadOff = p; return false; }
      if (this.vlanCount < MAX_VLAN_TAGS) {
        this.vlanIds[this.vlanCount] = u16be(buf, p) & 0x0fff;
        this.vlanCount++;
      }
      type = u16be(buf, p + 2);
      p += 4;
    }
    this.innerType = type;
    this.payloadOff = p;
    return true;
  }

  get dstOff(): number { return this.off; }
  get srcOff(): number { return this.off + 6; }
}
