/**
 * IPv6 as tcpdump prints it (print-ip6.c): `IP6 ` (left out under -e), under
 * -v the header's fields, then the addresses, each extension header in order
 * (print-ip6opts.c, print-rt6.c, print-frag6.c, print-ah.c) and the transport
 * layer (the context's transport(), with its ports only after extension
 * headers). A non-first fragment ends the line at its header.
 */
import { u16be, u32be } from '../bytes.js';
import { IpProto } from '../decode/constants.js';
import { Ipv6Error } from '../decode/ipv6.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv6At } from '../encode/addr.js';
import type { Frame } from '../frame.js';
import type { PrintContext } from './context.js';
import { ipProtoName } from './protocol-names.js';
import { hexBytes } from './util.js';

/** ip6_print. `name`: "IP6 ", or '' under -e. */
export function printIp6(ctx: PrintContext, name: string): void {
  const { out, d, f } = ctx;
  const ip = d.ip6;
  out.reserve(8);
  out.ascii(name);
  if (d.error === Ipv6Error.short || d.error === Ipv6Error.version) { out.text(ctx.palette.error(`[${d.error}]`)); return; }
  const wire = f.len - (d.netOff - f.offset);
  if (ip.payloadLength !== 0 && wire < 40 + ip.payloadLength) out.text(`truncated-ip6 - ${40 + ip.payloadLength - wire} bytes missing!`);
  if (ctx.verbose > 0) out.text(ipv6VerboseHeader(d));
  if (ip.extMask === 0 || d.error === Ipv6Error.ext) { ctx.transport(ip.upperLength, false); return; }
  const chain = ip6ExtChain(d, ctx.verbose);
  ctx.addresses(-1, -1);
  out.text(chain);
  if (d.laterFragment || chain.endsWith('(invalid)')) return;
  ctx.transport(ip.upperLength, true);
}

/**
 * An IPv6 header the decoder could not read, in tcpdump 4.99's words: ` [|ip6]`
 * when the capture holds less than the fixed header, `truncated-ip6 N` when the
 * packet is shorter than it, `version error: N != 6`. `bare`: without "IP6 " (-e).
 */
export function damagedIp6Text(f: Frame, d: PacketDecoder, bare: boolean): string {
  const b = f.buf;
  const off = d.netOff;
  const captured = d.end - off;
  const wire = f.len - (off - f.offset);
  const version = captured > 0 ? b[off]! >>> 4 : -1;
  if (captured < 40) return ' [|ip6]';
  if (wire < 40) return `truncated-ip6 ${wire}`;
  const name = bare ? '' : 'IP6 ';
  if (version !== 6) return `${name}version error: ${version} != 6`;
  return `${name}[|ip6]`;
}

/** `(class 0x.., flowlabel 0x....., hlim 64, next-header TCP (6), payload length 40) `. */
export function ipv6VerboseHeader(d: PacketDecoder): string {
  const ip = d.ip6;
  const flow = u32be(ip.buf, ip.off);
  let s = '(';
  if (flow & 0x0ff00000) s += `class 0x${((flow & 0x0ff00000) >>> 20).toString(16).padStart(2, '0')}, `;
  if (flow & 0x000fffff) s += `flowlabel 0x${(flow & 0x000fffff).toString(16).padStart(5, '0')}, `;
  const nh = ip.nextHeader;
  return s + `hlim ${ip.hopLimit}, next-header ${ipProtoName(nh)} (${nh}), payload length ${ip.payloadLength}) `;
}

/**
 * ip6_opt_process under -v: each hop-by-hop or destination option, then a space.
 * `hbh`: a Jumbo Payload option is valid only there, with a zero payload length.
 */
function ip6OptionsText(b: Buffer, p: number, end: number, payloadLength: number, hbh: boolean): string {
  let s = '';
  let jumbo = false;
  while (p < end) {
    const type = b[p]!;
    const len = type === 0 ? 1 : end - p < 2 ? -1 : b[p + 1]! + 2;
    if (len < 0 || len > end - p) return s + '[remaining length ' + (end - p) + ' < ' + (len < 0 ? 2 : len) + '] (invalid)';
    switch (type) {
      case 0: s += '(pad1)'; break;
      case 1: s += '(padn)'; break;
      case 5: s += len !== 4 ? `[(rtalert) length ${len - 2} != 2] (invalid)` : `(rtalert: 0x${u16be(b, p + 2).toString(16).padStart(4, '0')}) `; break;
      case 0xc2: {
        if (len !== 6) { s += `[(jumbo) length ${len - 2} != 4] (invalid)`; break; }
        const j = u32be(b, p + 2);
        if (jumbo) s += `(jumbo: ${j} - already seen) `;
        else if (!hbh) s += `(jumbo: ${j} - not a hop-by-hop option) `;
        else if (payloadLength !== 0) s += `(jumbo: ${j} - payload len != 0) `;
        else s += j < 65536 ? `(jumbo: ${j} - < 65536) ` : `(jumbo: ${j}) `;
        jumbo = true;
        break;
      }
      case 0xc9: s += len < 18 ? `[(homeaddr) length ${len - 2} < 16] (invalid)` : `(homeaddr: ${ipv6At(b, p + 2)})`; break;
      default: s += `(unknown opt-type 0x${type.toString(16).padStart(2, '0')} len=${len - 2})`; break;
    }
    p += len;
  }
  return s + ' ';
}

/**
 * The extension headers between the IPv6 header and the upper layer as tcpdump
 * prints them without -v: `HBH `, `DSTOPT `, `RT6 (len=…, type=…, segleft=…, [0]addr…) `,
 * `frag (offset|length)` and `AH(spi=…,seq=…,icv=…): `. The decoder has checked every length.
 */
function ip6ExtChain(d: PacketDecoder, verbose: number): string {
  const ip = d.ip6;
  const b = ip.buf;
  let nh = b[ip.off + 6]!;
  let q = ip.off + 40;
  let s = '';
  while (q < ip.upperOff) {
    let len: number;
    switch (nh) {
      case IpProto.HopByHop:
      case IpProto.IPv6Opts:
        len = (b[q + 1]! + 1) * 8;
        s += nh === IpProto.HopByHop ? 'HBH ' : 'DSTOPT ';
        if (verbose > 0) s += ip6OptionsText(b, q + 2, q + len, d.ip6.payloadLength, nh === IpProto.HopByHop);
        break;
      case IpProto.IPv6Route: {
        const units = b[q + 1]!, type = b[q + 2]!;
        len = (units + 1) * 8;
        s += `RT6 (len=${units}, type=${type}${type === 0 ? ' [Deprecated]' : ''}, segleft=${b[q + 3]}`;
        if (type === 0 || type === 2) {
          const rsv = u32be(b, q + 4);
          if (rsv !== 0 || verbose > 0) s += `, rsv=0x${rsv.toString(16)}`;
          if (units % 2 === 1) return s + ` [length ${units}] (invalid)`;
          for (let i = 0; i < units / 2; i++) s += `, [${i}]${ipv6At(b, q + 8 + 16 * i)}`;
        } else if (type === 4) { // segment routing (RFC 8754)
          const last = b[q + 4]!, flags = b[q + 5]!;
          s += `, last-entry=${last}`;
          if (flags !== 0 || verbose > 0) s += `, flags=0x${flags.toString(16)}`;
          s += `, tag=${u16be(b, q + 6).toString(16)}`;
          for (let i = 0; i <= last && q + 24 + 16 * i <= q + len; i++) s += `, [${i}]${ipv6At(b, q + 8 + 16 * i)}`;
        } else {
          return s + ' (unknown type) (invalid)';
        }
        s += ') ';
        break;
      }
      case IpProto.IPv6Frag: {
        const offset = u16be(b, q + 2) & 0xfff8;
        const rest = 40 + ip.payloadLength - (q - ip.off) - 8;
        const id = verbose > 0 ? `0x${u32be(b, q + 4).toString(16).padStart(8, '0')}:` : '';
        s += rest < 0 ? `frag (${id}${offset}|[length < 0] (invalid))` : `frag (${id}${offset}|${rest})`;
        if (offset !== 0) return s;
        s += ' ';
        len = 8;
        break;
      }
      case IpProto.AH: {
        len = (b[q + 1]! + 2) * 4;
        const reserved = u16be(b, q + 2);
        s += `AH(${reserved !== 0 ? `reserved=0x${reserved.toString(16)}[MustBeZero],` : ''}spi=0x${u32be(b, q + 4).toString(16).padStart(8, '0')},seq=0x${u32be(b, q + 8).toString(16)},icv=0x`;
        s += hexBytes(b, q + 12, q + len) + '): ';
        break;
      }
      default: return s;
    }
    nh = b[q]!;
    q += len;
  }
  return s;
}
