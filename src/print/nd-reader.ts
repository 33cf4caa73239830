/**
 * What tcpdump's printers read packets with (netdissect.h's GET_ macros and
 * ND_TTEST), for the printers ported from it: a packet's bytes, where the
 * capture ends in them, and the text printed so far. A read past the capture
 * throws Cut, as GET_ longjmps (see truncation.ts); addresses print numeric, as
 * under -n.
 */
import { ipv4At, ipv6At, macAt } from '../encode/addr.js';
import { Cut } from './truncation.js';
import { hex2, printChar } from './util.js';

export class NdReader {
  /** The text printed so far. */
  s = '';
  constructor(public b: Buffer, public end: number) {}

  /** ND_TTEST_LEN: n bytes at p are in the capture. */
  ttest(p: number, n: number): boolean {
    return p >= 0 && n >= 0 && p + n <= this.end;
  }
  /** GET_U_1 */
  u1(p: number): number {
    if (!this.ttest(p, 1)) throw new Cut();
    return this.b[p]!;
  }
  /** GET_BE_U_2 */
  u2(p: number): number {
    if (!this.ttest(p, 2)) throw new Cut();
    return (this.b[p]! << 8) | this.b[p + 1]!;
  }
  /** GET_BE_U_3 */
  u3(p: number): number {
    if (!this.ttest(p, 3)) throw new Cut();
    return (this.b[p]! << 16) | (this.b[p + 1]! << 8) | this.b[p + 2]!;
  }
  /** GET_BE_U_4 */
  u4(p: number): number {
    if (!this.ttest(p, 4)) throw new Cut();
    return ((this.b[p]! << 24) | (this.b[p + 1]! << 16) | (this.b[p + 2]! << 8) | this.b[p + 3]!) >>> 0;
  }
  /** GET_IPADDR_STRING */
  ip4(p: number): string {
    if (!this.ttest(p, 4)) throw new Cut();
    return ipv4At(this.b, p);
  }
  /** GET_IP6ADDR_STRING */
  ip6(p: number): string {
    if (!this.ttest(p, 16)) throw new Cut();
    return ipv6At(this.b, p);
  }
  /** GET_ETHERADDR_STRING */
  mac(p: number): string {
    if (!this.ttest(p, 6)) throw new Cut();
    return macAt(this.b, p);
  }

  /**
   * nd_printn: n bytes from p through fn_print_char, onto the text. With `ep`
   * it stops there, and says whether it stopped short; a byte past the capture
   * ends the printer (GET_U_1).
   */
  printn(p: number, n: number, ep = Infinity): boolean {
    while (n > 0 && p < ep) {
      n--;
      this.s += printChar(this.u1(p));
      p++;
    }
    return n !== 0;
  }
  /** nd_printjnp: at most n bytes from p through fn_print_char, stopping before a NUL; past the capture ends the printer. */
  printjnp(p: number, n: number): void {
    while (n > 0) {
      const c = this.u1(p);
      if (c === 0) break;
      this.s += printChar(c);
      n--;
      p++;
    }
  }
  /** The `%02x` loops over GET_U_1: bytes [from, to) as two hex digits each, onto the text. */
  hex(from: number, to: number): void {
    for (let p = from; p < to; p++) this.s += hex2(this.u1(p));
  }
}
