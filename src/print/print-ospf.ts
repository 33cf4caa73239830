/** OSPF (RFC 2328, 5340; print-ospf.c, print-ospf6.c), IP protocol 89: the packet's version, type and length. */
import { u16be } from '../bytes.js';

const OSPF_TYPES: Record<number, string> = { 1: 'Hello', 2: 'Database Description', 3: 'LS-Request', 4: 'LS-Update', 5: 'LS-Ack' };

/**
 * IP protocol 89: `OSPFv2, Hello, length 44` (print-ospf.c) or `OSPFv3, Hello,
 * length 40` (print-ospf6.c), tcpdump's line without -v. OSPFv2 with MD5
 * authentication counts its length without the 16-byte digest, as tcpdump
 * does. The -v detail (router and area IDs, hellos, LSAs) is not printed.
 */
export function ospfText(b: Buffer, off: number, capEnd: number, length: number, v6: boolean): string {
  const trunc = v6 ? ' [|ospf3]' : ' [|ospf2]';
  if (!v6) {
    if (off + 16 > capEnd) return trunc; // GET_BE_U_2(ospf_authtype) at offset 14
    if (u16be(b, off + 14) === 2) length -= 16;
  }
  if (off + 2 > capEnd) return trunc;
  const type = b[off + 1]!;
  const name = OSPF_TYPES[type] ?? (v6 ? `unknown packet type (${type})` : `unknown LS-type ${type}`);
  return `OSPFv${b[off]!}, ${name}, length ${length >>> 0}`;
}
