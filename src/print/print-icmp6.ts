/**
 * ICMPv6 as tcpdump prints it (print-icmp6.c): echo, neighbour and router
 * discovery, MLD and MLDv2, the error messages. Without -v every message ends
 * with its length; with -v the checksum comes first, neighbour discovery shows
 * its fields and options, and only a type tcpdump does not know keeps the
 * length at the end.
 */
import { u16be, u32be } from '../bytes.js';
import { checksumShouldBe } from '../decode/checksum.js';
import { IpProto } from '../decode/constants.js';
import { Icmp6Type } from '../decode/icmp.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv6At } from '../encode/addr.js';
import type { PrintContext } from './context.js';
import { upperChecksum } from '../decode/upper-checksum.js';
import { bittok2str, hex4, hexColons, hexWithOffset, printn } from './util.js';

/** icmp6_print after the addresses; `len`: the message's length from the IP header. */
export function printIcmp6(ctx: PrintContext, len: number): void {
  ctx.out.text(icmp6Text(ctx.d, len, ctx.verbose));
}

const NA_FLAGS: [number, string][] = [[0x80000000, 'router'], [0x40000000, 'solicited'], [0x20000000, 'override']];
const RA_FLAGS: [number, string][] = [[0x80, 'managed'], [0x40, 'other stateful'], [0x20, 'home agent'], [0x02, 'ipv6 only']];
const PREFIX_FLAGS: [number, string][] = [[0x80, 'onlink'], [0x40, 'auto'], [0x20, 'router']];

/** The message's text; `len`: its length from the IP header. */
function icmp6Text(d: PacketDecoder, len: number, verbose: number): string {
  const i = d.icmp;
  if (i.error !== null) return `ICMP6, [|icmp6]`;
  const sum = verbose > 0 ? icmp6ChecksumText(d, len) : '';
  const b = i.buf;
  const tail = verbose > 0 ? '' : `, length ${len}`;
  const nd = (fixed: number): string => {
    const o = ndOptionsText(b, i.off + fixed, Math.min(i.end, i.off + len), verbose);
    return o.text + (o.cut ? ' [|icmp6]' : '');
  };
  switch (i.type) {
    case Icmp6Type.EchoRequest:
    case Icmp6Type.EchoReply:
      return `${sum}ICMP6, echo ${i.type === 128 ? 'request' : 'reply'}, id ${i.hasEcho ? i.echoId : 0}, seq ${i.hasEcho ? i.echoSeq : 0}${tail}`;
    case Icmp6Type.NeighborSolicit: {
      if (verbose === 0) return i.ndTargetOff >= 0 ? `ICMP6, neighbor solicitation, who has ${ipv6At(b, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor solicitation, length ${len}`;
      if (i.ndTargetOff < 0) return `${sum}ICMP6, neighbor solicitation, length ${len} [|icmp6]`;
      return `${sum}ICMP6, neighbor solicitation, length ${len}, who has ${ipv6At(b, i.ndTargetOff)}${nd(24)}`;
    }
    case Icmp6Type.NeighborAdvert: {
      if (verbose === 0) return i.ndTargetOff >= 0 ? `ICMP6, neighbor advertisement, tgt is ${ipv6At(b, i.ndTargetOff)}, length ${len}` : `ICMP6, neighbor advertisement, length ${len}`;
      if (i.ndTargetOff < 0) return `${sum}ICMP6, neighbor advertisement, length ${len} [|icmp6]`;
      const fl = u32be(b, i.off + 4);
      return `${sum}ICMP6, neighbor advertisement, length ${len}, tgt is ${ipv6At(b, i.ndTargetOff)}, Flags [${bittok2str(NA_FLAGS, 'none', fl)}]${nd(24)}`;
    }
    case Icmp6Type.RouterSolicit:
      return verbose === 0 ? `ICMP6, router solicitation, length ${len}` : `${sum}ICMP6, router solicitation, length ${len}${nd(8)}`;
    case Icmp6Type.RouterAdvert: {
      if (verbose === 0) return `ICMP6, router advertisement, length ${len}`;
      if (i.end - i.off < 16) return `${sum}ICMP6, router advertisement, length ${len} [|icmp6]`;
      const fl = b[i.off + 5]!;
      return `${sum}ICMP6, router advertisement, length ${len}\n\thop limit ${b[i.off + 4]}, Flags [${bittok2str(RA_FLAGS, 'none', fl)}]`
        + `, pref ${['medium', 'high', 'rsv', 'low'][(fl & 0x18) >> 3]}, router lifetime ${u16be(b, i.off + 6)}s, reachable time ${u32be(b, i.off + 8)}ms, retrans timer ${u32be(b, i.off + 12)}ms${nd(16)}`;
    }
    case Icmp6Type.Redirect: return `${sum}ICMP6, redirect${tail}`;
    case Icmp6Type.Unreachable: return `${sum}ICMP6, destination unreachable${tail}`;
    case Icmp6Type.PacketTooBig: return `${sum}ICMP6, packet too big${tail}`;
    case Icmp6Type.TimeExceeded: return `${sum}ICMP6, time exceeded in-transit${tail}`;
    case Icmp6Type.ParamProblem: return `${sum}ICMP6, parameter problem${tail}`;
    // MLD (RFC 2710) and MLDv2 (RFC 3810), as print-icmp6.c prints them
    // (its MLDv1 text follows the type name with no separator).
    case 130:
      if (len === 24) return `${sum}ICMP6, multicast listener query${mld6Text(b, i.off, i.end)}${tail}`;
      if (len >= 28) {
        if (i.end - i.off < 28) return `${sum}ICMP6, multicast listener query v2 [|icmp6]`;
        return `${sum}ICMP6, multicast listener query v2${mldv2QueryText(b, i.off, len, i.end, verbose)}${tail}`;
      }
      return `${sum}ICMP6, multicast listener query unknown-version (len ${len}) ${tail}`;
    case 131: return `${sum}ICMP6, multicast listener report${mld6Text(b, i.off, i.end)}${tail}`;
    case 132: return `${sum}ICMP6, multicast listener done${mld6Text(b, i.off, i.end)}${tail}`;
    case 143:
      if (len < 8) return `${sum}ICMP6, multicast listener report v2 [invalid len ${len}]${tail}`;
      if (i.end - i.off < 8) return `${sum}ICMP6, multicast listener report v2 [|icmp6]`;
      return `${sum}ICMP6, multicast listener report v2, ${mldv2ReportText(b, i.off, len, i.end, verbose)}${tail}`;
    default: return `${sum}ICMP6, unknown icmp6 type (${i.type}), length ${len}`;
  }
}

/** mldv2_query_print: ` [max resp delay=…] [gaddr … sflag robustness=… qqi=…, N source(s)]`. */
function mldv2QueryText(b: Buffer, off: number, len: number, capEnd: number, verbose: number): string {
  const mrc = u16be(b, off + 4);
  const mrt = mrc < 32768 ? mrc : ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  let s = verbose > 0 ? ` [max resp delay=${mrt}]` : '';
  s += ` [gaddr ${ipv6At(b, off + 8)}`;
  if (verbose > 0) {
    const f = b[off + 24]!;
    if (f & 0x08) s += ' sflag';
    if (f & 0x07) s += ` robustness=${f & 0x07}`;
    const q = b[off + 25]!;
    s += ` qqi=${q < 128 ? q : ((q & 0x0f) | 0x10) << (((q & 0x70) >> 4) + 3)}`;
  }
  const sources = u16be(b, off + 26);
  if (sources > 0) {
    if (len < 28 + 16 * sources) s += ' [invalid number of sources]';
    else if (verbose > 1) {
      s += ' {';
      for (let k = 0; k < sources; k++) {
        if (off + 28 + 16 * (k + 1) > capEnd) return s + ' [|icmp6]';
        s += ` ${ipv6At(b, off + 28 + 16 * k)}`;
      }
      s += ' }';
    } else s += `, ${sources} source(s)`;
  }
  return s + ']';
}

const MLDV2_RECORD_TYPES: Record<number, string> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

/** mldv2_report_print: `N group record(s)`, and under -v each group; ` [|icmp6]` where the capture ends. */
function mldv2ReportText(b: Buffer, off: number, len: number, capEnd: number, verbose: number): string {
  const groups = u16be(b, off + 6);
  let s = `${groups} group record(s)`;
  if (verbose === 0) return s;
  let g = 8;
  for (let k = 0; k < groups; k++) {
    if (len < g + 20) return s + ' [invalid number of groups]';
    if (off + g + 20 > capEnd) return s + ' [|icmp6]';
    s += ` [gaddr ${ipv6At(b, off + g + 4)} ${MLDV2_RECORD_TYPES[b[off + g]!] ?? ` [v2-report-#${b[off + g]}]`}`;
    const sources = u16be(b, off + g + 2);
    if (len < g + 20 + 16 * sources) return s + ` [invalid number of sources ${sources}]`;
    if (verbose === 1) s += `, ${sources} source(s)`;
    else {
      s += ' {';
      for (let j = 0; j < sources; j++) {
        if (off + g + 20 + 16 * (j + 1) > capEnd) return s + ' [|icmp6]';
        s += ` ${ipv6At(b, off + g + 20 + 16 * j)}`;
      }
      s += ' }';
    }
    g += 20 + 16 * sources;
    s += ']';
  }
  return s;
}

/** print-icmp6.c's mld6_print: nothing when the 24-byte message is cut short. */
function mld6Text(b: Buffer, off: number, end: number): string {
  return end - off < 24 ? '' : `max resp delay: ${u16be(b, off + 4)} addr: ${ipv6At(b, off + 8)}`;
}

/** `[icmp6 sum ok] ` or `[bad icmp6 cksum 0x… -> 0x…!] `. */
function icmp6ChecksumText(d: PacketDecoder, length: number): string {
  const i = d.icmp;
  const sum = upperChecksum(d, i.off, length, IpProto.ICMPv6);
  if (sum < 0) return '';
  const field = u16be(i.buf, i.off + 2);
  return sum !== 0 ? `[bad icmp6 cksum 0x${hex4(field)} -> 0x${hex4(checksumShouldBe(field, sum))}!] ` : '[icmp6 sum ok] ';
}

const ND_OPTION_NAMES: Record<number, string> = {
  1: 'source link-address', 2: 'destination link-address', 3: 'prefix info', 4: 'redirected header', 5: 'mtu',
  7: 'advertisement interval', 8: 'homeagent information', 24: 'route info', 25: 'rdnss', 31: 'dnssl',
};

function lifetime(v: number): string {
  return v === 0xffffffff ? 'infinity' : `${v}s`;
}

/**
 * icmp6_opt_print: each neighbour-discovery option on its own line; under -vv
 * its bytes follow in hex. Stops at an option the capture cuts (tcpdump then
 * prints ` [|icmp6]`, which the caller adds when this returns with `cut`).
 */
function ndOptionsText(b: Buffer, p: number, end: number, verbose: number): { text: string; cut: boolean } {
  let s = '';
  while (p < end) {
    if (p + 2 > end) return { text: s, cut: true };
    const type = b[p]!, units = b[p + 1]!;
    if (units === 0 || p + units * 8 > end) return { text: s, cut: true };
    const len = units * 8;
    s += `\n\t  ${ND_OPTION_NAMES[type] ?? 'unknown'} option (${type}), length ${len} (${units}): `;
    switch (type) {
      case 1: case 2: {
        s += hexColons(b, p + 2, p + len);
        break;
      }
      case 3: {
        // nd_opt_prefix_info is 32 bytes whatever the option's length says;
        // tcpdump's GET_ macros read them and stop at the capture's end.
        if (p + 32 > end) return { text: s, cut: true };
        const flags = b[p + 3]!;
        s += `${ipv6At(b, p + 16)}/${b[p + 2]}${units !== 4 ? 'badlen' : ''}, Flags [${bittok2str(PREFIX_FLAGS, 'none', flags)}], valid time ${lifetime(u32be(b, p + 4))}`;
        s += `, pref. time ${lifetime(u32be(b, p + 8))}`;
        break;
      }
      case 5: s += ` ${u32be(b, p + 4)}${units !== 1 ? 'bad option length' : ''}`; break;
      case 25: {
        s += ` lifetime ${u32be(b, p + 4)}s,`;
        for (let i = 0; i < (units - 1) >> 1; i++) s += ` addr: ${ipv6At(b, p + 8 + 16 * i)}`;
        break;
      }
      case 31: { // dnssl: uncompressed names
        s += ` lifetime ${u32be(b, p + 4)}s, domain(s):`;
        let q = p + 8;
        while (q < p + len && b[q] !== 0) {
          let name = '';
          while (q < p + len && b[q] !== 0) {
            const l = b[q]!;
            name += printn(b, q + 1, Math.min(q + 1 + l, p + len));
            name += '.';
            q += 1 + l;
          }
          s += ' ' + name;
          q++;
        }
        break;
      }
      case 7: s += ` ${u32be(b, p + 4)}ms`; break;
      case 8: s += ` preference ${u16be(b, p + 4)}, lifetime ${u16be(b, p + 6)}`; break;
      default:
        if (verbose <= 1) return { text: s + hexWithOffset(b, p + 2, p + len, '\n\t  '), cut: false };
        break;
    }
    if (verbose > 1) s += hexWithOffset(b, p + 2, p + len, '\n\t    ');
    p += len;
  }
  return { text: s, cut: false };
}
