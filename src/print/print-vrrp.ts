/** VRRP (RFC 3768, 5798; print-vrrp.c), IP protocol 112. */
import { ipv4At, ipv6At } from '../encode/addr.js';
import { Cut, printUntilCut } from './truncation.js';
import { printChar } from './util.js';

const VRRP_AUTH: Record<number, string> = { 0: 'none', 1: 'simple', 2: 'ah' };

/**
 * IP protocol 112 (print-vrrp.c): `VRRPv2, Advertisement, vrid 1, prio 100,
 * authtype none, intvl 1s, length 20` (VRRPv3: the interval in centiseconds),
 * `(ttl N)` when the IP TTL is not 255 as RFC 5798 requires; under -v the
 * checksum when wrong, the virtual addresses and a simple-text password.
 * `checksum` gives the packet's checksum result (0 right, > 0 wrong, < 0 not
 * checked), computed by the caller (VRRPv3 sums an IP pseudo-header).
 */
export function vrrpText(b: Buffer, off: number, capEnd: number, length: number, ttl: number, v6: boolean, verbose: number, checksum: (version: number) => number): string {
  const out = { s: 'VRRP' };
  return printUntilCut('vrrp', out, () => {
    const u8 = (at: number): number => { if (off + at >= capEnd) throw new Cut(); return b[off + at]!; };
    const version = u8(0) >> 4, type = u8(0) & 0x0f;
    out.s += `v${version}, ${type === 1 ? 'Advertisement' : `unknown type (${type})`}`;
    if (ttl !== 255) out.s += `, (ttl ${ttl})`;
    if (version < 2 || version > 3 || type !== 1) return;
    out.s += `, vrid ${u8(1)}, prio ${u8(2)}`;
    let auth = 0;
    if (version === 2) {
      auth = u8(4);
      out.s += `, authtype ${VRRP_AUTH[auth] ?? `#${auth}`}, intvl ${u8(5)}s, length ${length}`;
    } else {
      out.s += `, intvl ${((u8(4) & 0x0f) << 8) | u8(5)}cs, length ${length}`;
    }
    if (verbose === 0) return;
    const naddrs = u8(3);
    if (off + length <= capEnd && checksum(version) > 0) out.s += `, (bad vrrp cksum ${((u8(6) << 8) | u8(7)).toString(16)})`;
    out.s += ', addrs';
    if (naddrs > 1) out.s += `(${naddrs})`;
    out.s += ':';
    let p = 8, c = ' ';
    for (let i = 0; i < naddrs; i++) {
      const n = v6 ? 16 : 4;
      if (off + p + n > capEnd) throw new Cut();
      out.s += c + (v6 ? ipv6At(b, off + p) : ipv4At(b, off + p));
      p += n;
      c = ',';
    }
    if (version === 2 && auth === 1) { // nd_printjnp: up to 8 bytes, to the first NUL
      out.s += ' auth "';
      for (let i = 0; i < 8; i++) {
        const ch = u8(p + i);
        if (ch === 0) break;
        out.s += printChar(ch);
      }
      out.s += '"';
    }
  });
}
