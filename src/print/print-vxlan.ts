/**
 * VXLAN (RFC 7348; print-vxlan.c), UDP port 4789: `VXLAN, flags [I] (0x08),
 * vni 42`, a new line, then the Ethernet frame inside (the context's nested()).
 */
import { LinkType } from '../frame.js';
import type { PrintContext } from './context.js';

/** vxlan_print: the header at b[off, capEnd) of a payload `length` bytes long, then the frame it carries. */
export function printVxlan(ctx: PrintContext, b: Buffer, off: number, capEnd: number, length: number): void {
  const out = ctx.out;
  let s = 'VXLAN';
  if (length < 8) return out.text(s + ' (invalid)');
  if (off >= capEnd) return out.text(s + ' [|vxlan]');
  const flags = b[off]!;
  s += `, flags [${flags & 0x08 ? 'I' : 'invalid'}] (0x${flags.toString(16).padStart(2, '0')}), `;
  if (off + 7 > capEnd) return out.text(s + ' [|vxlan]');
  s += `vni ${(b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!}\n`;
  if (off + 8 > capEnd) return out.text(s + ' [|vxlan]');
  out.text(s);
  ctx.nested(b, off + 8, capEnd, length - 8, LinkType.ETHERNET, 'vxlan', '', true);
}
