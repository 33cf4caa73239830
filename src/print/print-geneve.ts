/**
 * Geneve (RFC 8926; print-geneve.c), UDP port 6081: `Geneve, Flags [none],
 * vni 0x2a, options [8 bytes]: ` and the packet inside (an Ethernet frame,
 * IPv4 or IPv6: the context's nested()); under -v the options one by one and
 * the packet on a line of its own.
 */
import { u16be, u32be } from '../bytes.js';
import { LinkType } from '../frame.js';
import type { PrintContext } from './context.js';
import { ethertypeText } from './protocol-names.js';
import { bittok2str, type Tok } from './util.js';

const FLAGS: [number, string][] = [[0x80, 'O'], [0x40, 'C'], [0x20, 'R1'], [0x10, 'R2'], [0x08, 'R3'], [0x04, 'R4'], [0x02, 'R5'], [0x01, 'R6']];
/** geneve_opt_class */
const OPTION_CLASSES: Tok = { 0x0100: 'Linux', 0x0101: 'Open vSwitch', 0x0102: 'Open Virtual Networking (OVN)', 0x0103: 'In-band Network Telemetry (INT)', 0x0104: 'VMware' };

/** geneve_print: the header at b[off, capEnd) of a payload `length` bytes long, then the packet it carries. */
export function printGeneve(ctx: PrintContext, b: Buffer, off: number, capEnd: number, length: number): void {
  const out = ctx.out, verbose = ctx.verbose;
  let s = 'Geneve';
  if (length < 8) return out.text(s + ` [length ${length} < 8] (invalid)`);
  if (off + 8 > capEnd) return out.text(s + ' [|geneve]');
  const verOpt = b[off]!;
  if (verOpt >> 6 !== 0) return out.text(s + ` ERROR: unknown-version ${verOpt >> 6}`);
  const flags = b[off + 1]!, proto = u16be(b, off + 2);
  const vni = (b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!, reserved = b[off + 7]!;
  s += `, Flags [${bittok2str(FLAGS, 'none', flags, '')}], vni 0x${vni.toString(16)}`;
  if (reserved) s += `, rsvd 0x${reserved.toString(16)}`;
  if (ctx.linkHeader) s += `, proto ${ethertypeText(proto)}`;
  const optsLen = (verOpt & 0x3f) * 4;
  let len = length - 8;
  if (len < optsLen) return out.text(s + ` truncated-geneve - ${optsLen - len} bytes missing`);
  let p = off + 8;
  if (p + optsLen > capEnd) return out.text(s + ' [|geneve]');
  if (optsLen > 0) {
    s += ', options [';
    if (verbose > 0) {
      for (let q = p, rest = optsLen, sep = ''; rest > 0; sep = ', ') {
        const cls = u16be(b, q), type = b[q + 2]!, olen = 4 + (b[q + 3]! & 0x1f) * 4;
        const clsName = OPTION_CLASSES[cls] ?? (cls <= 0xff ? 'Standard' : cls >= 0xfff0 ? 'Experimental' : 'Unknown');
        s += `${sep}class ${clsName} (0x${cls.toString(16)}) type 0x${type.toString(16)}${type & 0x80 ? '(C)' : ''} len ${olen}`;
        if (olen > rest) { s += ' [bad length]'; break; }
        if (verbose > 1 && olen > 4) {
          s += ' data';
          for (let i = 4; i < olen; i += 4) s += ` ${u32be(b, q + i).toString(16).padStart(8, '0')}`;
        }
        q += olen; rest -= olen;
      }
    } else s += `${optsLen} bytes`;
    s += ']';
  }
  p += optsLen; len -= optsLen;
  s += verbose < 1 ? ': ' : '\n\t';
  out.text(s);
  if (proto === 0x0800 || proto === 0x86dd) ctx.nested(b, p, capEnd, len, LinkType.RAW, 'geneve', '', true);
  else if (proto === 0x6558) ctx.nested(b, p, capEnd, len, LinkType.ETHERNET, 'geneve', '', true);
  else out.text(`geneve-proto-0x${proto.toString(16)}`);
}
