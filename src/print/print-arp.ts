/**
 * ARP as tcpdump prints it (print-arp.c): `Request who-has A (MAC) tell B`,
 * `Reply A is-at MAC`, the reverse and inverse operations, for any hardware
 * address length, and ATM ARP (RFC 2225); a protocol other than IPv4 names its
 * types and stops; ` [|arp]` when the capture ends before the last address.
 */
import { u16be } from '../bytes.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv4At, macAt } from '../encode/addr.js';
import type { Palette } from '../encode/palette.js';
import type { Frame } from '../frame.js';
import { ETHERTYPE_NAMES } from './protocol-names.js';
import { hexAndAscii, hexColons, type Tok } from './util.js';

function netLength(f: Frame, d: PacketDecoder): number {
  return f.len - (d.netOff - f.offset);
}

/** print-arp.c's names for the hardware and protocol types. */
function arpTypesText(d: PacketDecoder): string {
  const a = d.arp;
  const hw = ARP_HARDWARE[a.htype] ?? `Unknown Hardware (${a.htype})`;
  const proto = ETHERTYPE_NAMES.get(a.ptype) ?? `Unknown Protocol (0x${a.ptype.toString(16).padStart(4, '0')})`;
  return `${hw} (len ${a.hlen}), ${proto} (len ${a.plen})`;
}
const ARP_HARDWARE: Tok = { 1: 'Ethernet', 6: 'TokenRing', 7: 'ArcNet', 15: 'FrameRelay', 23: 'Strip', 24: 'IEEE 1394', 19: 'ATM', 32: 'InfiniBand' };
const ARP_OPS: Tok = { 1: 'Request', 2: 'Reply', 3: 'Reverse Request', 4: 'Reverse Reply', 8: 'Inverse Request', 9: 'Inverse Reply' };

/**
 * print-arp.c: `Request who-has A (MAC) tell B`, `Reply A is-at MAC`, and the
 * reverse and inverse operations, for any hardware address length; a protocol
 * other than IPv4 names its types and stops; ` [|arp]` when the capture ends
 * before the last address.
 */
export function arpText(f: Frame, d: PacketDecoder, p: Palette, name: string, verbose: number): string {
  const a = d.arp;
  const len = netLength(f, d);
  if (a.htype === 19) return atmArpText(a.buf, a.off, d.end, len, p, name, verbose);
  if (!a.complete) return ' [|arp]';
  const b = a.buf;
  const ipish = (a.ptype === 0x0800 || a.ptype === 0x1000) && a.plen === 4 && a.hlen !== 0;
  let s = name;
  if (!ipish || verbose > 0) {
    s += arpTypesText(d);
    if (verbose === 0) return s + `, length ${len}`;
    s += ', ';
  }
  const op = ARP_OPS[a.op];
  // tcpdump's default print of an unknown operation is not turned off by -q, -x or -X.
  if (op === undefined) return s + `Unknown (${a.op}) ` + hexAndAscii(b, a.off, d.end);
  s += op + ' ';
  const hw = (off: number): string => (a.hlen === 6 ? macAt(b, off) : a.hlen === 0 ? '<empty>' : hexColons(b, off, off + a.hlen));
  const proto = (off: number): string => (a.ptype !== 0x0800 && a.ptype !== 0x1000 ? '<wrong proto type>' : a.plen !== 4 ? '<wrong len>' : p.addr(ipv4At(b, off)));
  switch (a.op) {
    case 1: {
      s += `who-has ${proto(a.targetIpOff)}`;
      let zero = true;
      for (let i = 0; i < a.hlen; i++) if (b[a.targetMacOff + i] !== 0) zero = false;
      if (!zero) s += ` (${hw(a.targetMacOff)})`;
      s += ` tell ${proto(a.senderIpOff)}`;
      break;
    }
    case 2: s += `${proto(a.senderIpOff)} is-at ${hw(a.senderMacOff)}`; break;
    case 3: case 8: s += `who-is ${hw(a.targetMacOff)} tell ${hw(a.senderMacOff)}`; break;
    case 4: s += `${hw(a.targetMacOff)} at ${proto(a.targetIpOff)}`; break;
    case 9: s += `${hw(a.senderMacOff)} at ${proto(a.senderIpOff)}`; break;
  }
  return s + `, length ${len}`;
}

const ARP_OPS_ATM: Tok = { ...ARP_OPS, 10: 'NACK Reply' };

/**
 * ATM ARP (RFC 2225; print-arp.c atmarp_print): type/length bytes for each
 * ATM number and subaddress, then the variable-length addresses. ATM
 * addresses print as colon-separated hex, a subaddress after a comma.
 */
function atmArpText(b: Buffer, off: number, end: number, len: number, p: Palette, name: string, verbose: number): string {
  if (off + 12 > end) return ' [|arp]';
  const pro = u16be(b, off + 2), op = u16be(b, off + 6);
  const shl = b[off + 4]! & 0x3f, ssl = b[off + 5]! & 0x3f, spl = b[off + 8]!;
  const thl = b[off + 9]! & 0x3f, tsl = b[off + 10]! & 0x3f, tpl = b[off + 11]!;
  const sha = off + 12, ssa = sha + shl, spa = ssa + ssl, tha = spa + spl, tsa = tha + thl, tpa = tsa + tsl;
  if (tpa + tpl > end) return ' [|arp]';
  let s = name;
  const ipish = pro === 0x0800 || pro === 0x1000;
  if (!ipish || spl !== 4 || tpl !== 4 || verbose > 0) {
    const hw = ARP_HARDWARE[19]!;
    const proto = ETHERTYPE_NAMES.get(pro) ?? `Unknown Protocol (0x${pro.toString(16).padStart(4, '0')})`;
    s += `${hw}, ${proto} (len ${spl}/${tpl})`;
    if (verbose === 0) return s + `, length ${len}`;
    s += ', ';
  }
  const opName = ARP_OPS_ATM[op];
  if (opName === undefined) return s + `Unknown (${op}) ` + hexAndAscii(b, off, end);
  s += opName + ' ';
  const atm = (at: number, n: number, sub: number, subLen: number): string =>
    n === 0 ? '<No address>' : hexColons(b, at, at + n) + (subLen !== 0 ? ',' + hexColons(b, sub, sub + subLen) : '');
  const ip = (at: number, plen: number, which: string): string =>
    !ipish ? '<wrong proto type>' : plen !== 4 ? `<wrong ${which}>` : p.addr(ipv4At(b, at));
  switch (op) {
    case 1:
      s += `who-has ${ip(tpa, tpl, 'tplen')}`;
      if (thl !== 0) s += ` (${atm(tha, thl, tsa, tsl)})`;
      s += ` tell ${ip(spa, spl, 'splen')}`;
      break;
    case 2: s += `${ip(spa, spl, 'splen')} is-at ${atm(sha, shl, ssa, ssl)}`; break;
    case 8: s += `who-is ${atm(tha, thl, tsa, tsl)} tell ${atm(sha, shl, ssa, ssl)}`; break;
    case 9: s += `${atm(sha, shl, ssa, ssl)}at ${ip(spa, spl, 'splen')}`; break;
    case 10: s += `for ${ip(spa, spl, 'splen')}`; break;
    default: return s + hexAndAscii(b, off, end); // the reverse operations: their name, then ND_DEFAULTPRINT
  }
  return s + `, length ${len}`;
}
