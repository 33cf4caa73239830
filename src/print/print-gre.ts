/**
 * GRE (RFC 2784, 2890; print-gre.c), IP protocol 47. Version 0: `GREv0,
 * key=0x2a, seq 7, length 88: ` and the packet inside (IPv4, IPv6, or an
 * Ethernet frame: the context's nested()); under -v its flags and checksum,
 * and the packet on a line of its own. Version 1, PPTP's enhanced GRE: its
 * header and PPP (print-ppp.ts), and the IP packet PPP carries.
 */
import { u16be, u32be } from '../bytes.js';
import { LinkType } from '../frame.js';
import type { PrintContext } from './context.js';
import { GRE_FLAGS, greV1Text } from './print-ppp.js';
import { ethertypeText } from './protocol-names.js';
import { bittok2str } from './util.js';

/**
 * gre_print: the header at b[off, capEnd) of a packet `length` bytes long and
 * what it carries; false, with nothing printed, for what netlens does not
 * print (other versions, source routes: the caller prints `ip-proto-47`).
 */
export function printGre(ctx: PrintContext, b: Buffer, off: number, capEnd: number, length: number): boolean {
  const out = ctx.out, verbose = ctx.verbose;
  if (off + 2 > capEnd || length < 2) { out.text(' [|gre]'); return true; }
  const flags = u16be(b, off);
  if ((flags & 7) === 1) {
    const r = greV1Text(b, off, capEnd, length, verbose);
    out.text(r.text);
    if (r.innerType !== 0x0800 && r.innerType !== 0x86dd) return true;
    const inner = r.innerBuf ?? b;
    ctx.nested(inner, r.innerOff, r.innerBuf ? inner.length : capEnd, r.innerLen, LinkType.RAW, 'gre', '', true);
    return true;
  }
  if ((flags & 7) !== 0) return false;
  let s = 'GREv0';
  if (verbose > 0) s += `, Flags [${bittok2str(GRE_FLAGS, 'none', flags)}]`;
  let p = off + 2, len = length - 2;
  if (p + 2 > capEnd || len < 2) { out.text(s + ' [|gre]'); return true; }
  const proto = u16be(b, p);
  p += 2; len -= 2;
  if (flags & 0xc000) {
    if (p + 4 > capEnd || len < 4) { out.text(s + ' [|gre]'); return true; }
    if (verbose > 0) s += `, sum 0x${u16be(b, p).toString(16)}`;
    s += `, off 0x${u16be(b, p + 2).toString(16)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x2000) {
    if (p + 4 > capEnd || len < 4) { out.text(s + ' [|gre]'); return true; }
    s += `, key=0x${u32be(b, p).toString(16)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x1000) {
    if (p + 4 > capEnd || len < 4) { out.text(s + ' [|gre]'); return true; }
    s += `, seq ${u32be(b, p)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x4000) return false; // source route entries: not printed by netlens
  if (ctx.linkHeader) s += `, proto ${ethertypeText(proto)}`;
  s += `, length ${length}` + (verbose < 1 ? ': ' : '\n\t');
  out.text(s);
  if (proto === 0x0800 || proto === 0x86dd) ctx.nested(b, p, capEnd, len, LinkType.RAW, 'gre', '', true);
  else if (proto === 0x6558) ctx.nested(b, p, capEnd, len, LinkType.ETHERNET, 'gre', '', true);
  else out.text(`gre-proto-0x${proto.toString(16)}`);
  return true;
}
