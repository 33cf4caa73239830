/**
 * What tcpdump's -v, -vv and -vvv add to a line: the IPv4 and IPv6 header
 * fields (print-ip.c, print-ip6.c), TCP, UDP, ICMP and ICMPv6 checksums
 * (print-tcp.c, print-udp.c, print-icmp.c, print-icmp6.c), the data of a
 * reset (print_tcp_rst_data) and the neighbour-discovery options
 * (icmp6_opt_print). Strings, built only when -v asks for them.
 */
import { u16be, u32be } from '../bytes.js';
import { checksumShouldBe, foldComplement, onesSum, pseudoSum4, pseudoSum6 } from '../decode/checksum.js';
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv4At, ipv6At } from '../encode/addr.js';

/** ipproto_values (ipproto.c, current sources). */
const IP_PROTO_NAMES: Record<number, string> = {
  0: 'HBH', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 8: 'EGP', 9: 'IGRP', 17: 'UDP', 33: 'DCCP', 41: 'IPv6',
  43: 'Routing', 44: 'Fragment', 46: 'RSVP', 47: 'GRE', 50: 'ESP', 51: 'AH', 55: 'Mobile IP', 58: 'ICMPv6',
  59: 'No Next Header', 60: 'DSTOPT', 62: 'Mobile IP (old)', 88: 'EIGRP', 89: 'OSPF', 103: 'PIM', 108: 'Compressed IP',
  112: 'VRRP', 113: 'PGM', 132: 'SCTP', 135: 'Mobility', 143: 'Ethernet',
};
export const ipProtoName = (p: number): string => IP_PROTO_NAMES[p] ?? 'unknown';

const IP_OPTION_NAMES: Record<number, string> = { 0: 'EOL', 1: 'NOP', 68: 'timestamp', 130: 'security', 7: 'RR', 137: 'SSRR', 131: 'LSRR', 148: 'RA', 82: 'traceroute' };

/**
 * `(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)` and
 * the separator tcpdump puts before the rest: a new line and four spaces, or
 * one space under -g.
 */
export function ipv4VerboseHeader(d: PacketDecoder, oneLine: boolean, checksum = true): string {
  const ip = d.ip4;
  const b = ip.buf;
  const tos = ip.tos;
  let s = `(tos 0x${tos.toString(16)}${['', ',ECT(1)', ',ECT(0)', ',CE'][tos & 3]}`;
  if (ip.ttl >= 1) s += `, ttl ${ip.ttl}`;
  const off = u16be(b, ip.off + 6);
  const flags: string[] = [];
  if (off & 0x2000) flags.push('+');
  if (off & 0x4000) flags.push('DF');
  if (off & 0x8000) flags.push('rsvd');
  s += `, id ${ip.id}, offset ${(off & 0x1fff) * 8}, flags [${flags.length === 0 ? 'none' : flags.join(', ')}], proto ${ipProtoName(ip.proto)} (${ip.proto}), length ${ip.totalLength}`;
  if (ip.headerLength > 20) s += `, options (${ipv4Options(b, ip.off + 20, ip.off + ip.headerLength)})`;
  if (checksum && !ip.checksumOk) {
    const sum = foldComplement(onesSum(b, ip.off, ip.off + ip.headerLength));
    s += `, bad cksum ${ip.checksum.toString(16)} (->${checksumShouldBe(ip.checksum, sum).toString(16)})!`;
  }
  return s + (oneLine ? ') ' : ')\n    ');
}

/** ip_optprint: the options by name, a route's addresses, a timestamp's entries. */
function ipv4Options(b: Uint8Array, p: number, end: number): string {
  let s = '';
  let sep = '';
  while (p < end) {
    s += sep;
    sep = ',';
    const code = b[p]!;
    s += IP_OPTION_NAMES[code] ?? `unknown ${code}`;
    let len = 1;
    if (code !== 0 && code !== 1) {
      if (p + 1 >= end) return s + ` [bad length ${end - p}]`;
      len = b[p + 1]!;
      if (len < 2) return s + ` [bad length ${len}]`;
    }
    if (len > end - p) return s + ` [bad length ${len}]`;
    if (code === 0) return s;
    if (code === 7 || code === 131 || code === 137) s += routeText(b, p, len);
    else if (code === 68) s += timestampText(b, p, len);
    else if (code === 148) {
      if (len < 4) s += ` [bad length ${len}]`;
      else if (u16be(b, p + 2) !== 0) s += ` value ${u16be(b, p + 2)}`;
    }
    p += len;
  }
  return s;
}

/** ip_printroute: each address, with a comma after those already visited. */
function routeText(b: Uint8Array, p: number, length: number): string {
  if (length < 3) return ` [bad length ${length}]`;
  let s = '';
  if ((length + 1) & 3) s += ` [bad length ${length}]`;
  const ptr = b[p + 2]! - 1;
  if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) s += ` [bad ptr ${b[p + 2]}]`;
  for (let len = 3; len < length; len += 4) {
    if (len + 4 > length) break; // tcpdump stops at the truncation check; the option's end bounds it here
    s += ` ${ipv4At(b as Buffer, p + len)}`;
    if (ptr > len) s += ',';
  }
  return s;
}

/** ip_printts: TSONLY / TS+ADDR / PRESPEC entries, ^ at the pointer. */
function timestampText(b: Uint8Array, p: number, length: number): string {
  if (length < 4) return `[bad length ${length}]`;
  let s = ' TS{';
  const flag = b[p + 3]! & 0xf;
  const hoplen = flag !== 0 ? 8 : 4;
  if ((length - 4) & (hoplen - 1)) s += `[bad length ${length}]`;
  const ptr = b[p + 2]! - 1;
  if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) s += `[bad ptr ${b[p + 2]}]`;
  let len = 0;
  if (flag === 0) s += 'TSONLY';
  else if (flag === 1) s += 'TS+ADDR';
  else if (flag === 3) s += 'PRESPEC';
  else s += `[bad ts type ${flag}]`;
  if (flag === 0 || flag === 1 || flag === 3) {
    let type = ' ';
    for (len = 4; len < length; len += hoplen) {
      if (ptr === len) type = ' ^ ';
      if (len + hoplen > length) return s;
      s += `${type}${u32be(b, p + len + hoplen - 4)}@${hoplen !== 8 ? '' : ipv4At(b as Buffer, p + len)}`;
      type = ' ';
    }
  }
  s += ptr === len ? ' ^ ' : '';
  return s + (b[p + 3]! >> 4 ? ` [${b[p + 3]! >> 4} hops not recorded]} ` : '}');
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

/** Whether the IP layer says this is part of a fragmented datagram (tcpdump then checks no upper-layer sum). */
function fragmented(d: PacketDecoder): boolean {
  return d.ipVersion === 4 ? d.ip4.mf : d.ip6.hasFragment;
}

/**
 * The upper layer's checksum over `length` bytes from `off` with the pseudo-header
 * (none for ICMP over IPv4): 0 when right. -1 when it cannot be checked: a
 * fragment, or bytes the capture does not hold.
 */
export function upperChecksum(d: PacketDecoder, off: number, length: number, proto: number): number {
  if (fragmented(d)) return -1;
  const b = d.ipVersion === 4 ? d.ip4.buf : d.ip6.buf;
  if (off + length > d.end) return -1;
  let sum = onesSum(b, off, off + length);
  if (proto !== IpProto.ICMP) {
    if (d.ipVersion === 4) sum += pseudoSum4(b, d.ip4.srcOff, ipv4FinalDst(d), proto, length);
    else {
      const dst = ipv6FinalDstOff(d);
      sum += pseudoSum6(b, d.ip6.srcOff, b, dst, proto, length);
    }
  }
  return foldComplement(sum);
}

/** ip_finddst: the last hop of a loose or strict source route, else the destination. */
function ipv4FinalDst(d: PacketDecoder): number {
  const ip = d.ip4;
  const b = ip.buf;
  let p = ip.off + 20;
  const end = ip.off + ip.headerLength;
  while (p < end) {
    const code = b[p]!;
    if (code === 0) break;
    if (code === 1) { p++; continue; }
    if (p + 1 >= end) break;
    const len = b[p + 1]!;
    if (len < 2 || p + len > end) break;
    if ((code === 131 || code === 137) && len >= 7) return u32be(b, p + len - 4);
    p += len;
  }
  return ip.dst;
}

/** ip6_finddst: the last address of a type 0 or 2 routing header, else the destination. */
function ipv6FinalDstOff(d: PacketDecoder): number {
  const ip = d.ip6;
  const b = ip.buf;
  let nh = ip.nextHeader;
  let q = ip.off + 40;
  while (q < ip.upperOff) {
    let len: number;
    if (nh === IpProto.HopByHop || nh === IpProto.IPv6Opts) len = (b[q + 1]! + 1) * 8;
    else if (nh === IpProto.IPv6Frag) len = 8;
    else if (nh === IpProto.AH) len = (b[q + 1]! + 2) * 4;
    else if (nh === IpProto.IPv6Route) {
      const units = b[q + 1]!, type = b[q + 2]!;
      if ((type === 0 || type === 2) && units >= 2 && units % 2 === 0) return q + 8 + (units / 2 - 1) * 16;
      len = (units + 1) * 8;
    } else break;
    nh = b[q]!;
    q += len;
  }
  return ip.dstOff;
}

/** `, cksum 0x1234 (correct)` or `(incorrect -> 0x5678)`; '' when it cannot be checked. */
export function tcpChecksumText(d: PacketDecoder, l4len: number): string {
  const tcp = d.tcp;
  const sum = upperChecksum(d, tcp.off, l4len, IpProto.TCP);
  if (sum < 0) return '';
  return `, cksum 0x${tcp.checksum.toString(16).padStart(4, '0')}${sum !== 0 ? ` (incorrect -> 0x${checksumShouldBe(tcp.checksum, sum).toString(16).padStart(4, '0')})` : ' (correct)'}`;
}

/** `[udp sum ok] `, `[bad udp cksum …!] ` or `[no cksum] ` (IPv4 from -vv on, IPv6 from -v). */
export function udpChecksumText(d: PacketDecoder, verbose: number): string {
  const udp = d.udp;
  if (fragmented(d)) return '';
  const length = 8 + udp.payloadLength;
  if (d.ipVersion === 4) {
    if (verbose < 2) return '';
    if (udp.checksum === 0) return '[no cksum] ';
  }
  const sum = upperChecksum(d, udp.off, length, IpProto.UDP);
  if (sum < 0) return '';
  return sum !== 0 ? `[bad udp cksum 0x${hex4(udp.checksum)} -> 0x${hex4(checksumShouldBe(udp.checksum, sum))}!] ` : '[udp sum ok] ';
}

/** ` (wrong icmp cksum 1234 (->5678)!)` when an ICMP message's checksum is wrong. */
export function icmpChecksumText(d: PacketDecoder, length: number): string {
  const i = d.icmp;
  const sum = upperChecksum(d, i.off, length, IpProto.ICMP);
  if (sum <= 0) return '';
  const field = u16be(i.buf, i.off + 2);
  return ` (wrong icmp cksum ${field.toString(16)} (->${checksumShouldBe(field, sum).toString(16)})!)`;
}

/** `[icmp6 sum ok] ` or `[bad icmp6 cksum 0x… -> 0x…!] `. */
export function icmp6ChecksumText(d: PacketDecoder, length: number): string {
  const i = d.icmp;
  const sum = upperChecksum(d, i.off, length, IpProto.ICMPv6);
  if (sum < 0) return '';
  const field = u16be(i.buf, i.off + 2);
  return sum !== 0 ? `[bad icmp6 cksum 0x${hex4(field)} -> 0x${hex4(checksumShouldBe(field, sum))}!] ` : '[icmp6 sum ok] ';
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** print_tcp_rst_data: ` [RST text]`, at most 30 bytes (`[RST+` when there were more), `[!RST` when cut short. */
export function rstDataText(b: Uint8Array, from: number, capEnd: number, length: number): string {
  let s = from + length <= capEnd ? ' [RST' : ' [!RST';
  let n = length;
  if (n > 30) { n = 30; s += '+'; }
  s += ' ';
  for (let i = from; i < from + n && i < capEnd; i++) s += printChar(b[i]!);
  return s + ']';
}

/** fn_print_char: M- for bytes past ASCII, ^ for control characters. */
export function printChar(c: number): string {
  let s = '';
  if (c > 0x7f) { s = 'M-'; c &= 0x7f; }
  if (c < 0x20 || c === 0x7f) { s += '^'; c ^= 0x40; }
  return s + String.fromCharCode(c);
}

/** hex_print_with_offset: `0x0000:  4500 0034 …` lines of 16 bytes, each after `indent`. */
export function hexLines(b: Uint8Array, from: number, to: number, indent: string): string {
  let s = '';
  for (let p = from, n = 0; p < to; p++, n++) {
    if (n % 16 === 0) s += `${indent}0x${hex4(n)}: `;
    if (n % 2 === 0) s += ' ';
    s += b[p]!.toString(16).padStart(2, '0');
  }
  return s;
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
export function ndOptionsText(b: Uint8Array, p: number, end: number, verbose: number): { text: string; cut: boolean } {
  let s = '';
  while (p < end) {
    if (p + 2 > end) return { text: s, cut: true };
    const type = b[p]!, units = b[p + 1]!;
    if (units === 0 || p + units * 8 > end) return { text: s, cut: true };
    const len = units * 8;
    s += `\n\t  ${ND_OPTION_NAMES[type] ?? 'unknown'} option (${type}), length ${len} (${units}): `;
    switch (type) {
      case 1: case 2: {
        const parts: string[] = [];
        for (let i = p + 2; i < p + len; i++) parts.push(b[i]!.toString(16).padStart(2, '0'));
        s += parts.join(':');
        break;
      }
      case 3: {
        const flags = b[p + 3]!;
        const names = [[0x80, 'onlink'], [0x40, 'auto'], [0x20, 'router']].filter(([bit]) => flags & (bit as number)).map(([, n]) => n);
        s += `${ipv6At(b as Buffer, p + 16)}/${b[p + 2]}${units !== 4 ? 'badlen' : ''}, Flags [${names.length === 0 ? 'none' : names.join(', ')}], valid time ${lifetime(u32be(b, p + 4))}`;
        s += `, pref. time ${lifetime(u32be(b, p + 8))}`;
        break;
      }
      case 5: s += ` ${u32be(b, p + 4)}${units !== 1 ? 'bad option length' : ''}`; break;
      case 25: {
        s += ` lifetime ${u32be(b, p + 4)}s,`;
        for (let i = 0; i < (units - 1) >> 1; i++) s += ` addr: ${ipv6At(b as Buffer, p + 8 + 16 * i)}`;
        break;
      }
      case 31: { // dnssl: uncompressed names
        s += ` lifetime ${u32be(b, p + 4)}s, domain(s):`;
        let q = p + 8;
        while (q < p + len && b[q] !== 0) {
          let name = '';
          while (q < p + len && b[q] !== 0) {
            const l = b[q]!;
            for (let i = q + 1; i <= q + l && i < p + len; i++) name += printChar(b[i]!);
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
        if (verbose <= 1) return { text: s + hexLines(b, p + 2, p + len, '\n\t  '), cut: false };
        break;
    }
    if (verbose > 1) s += hexLines(b, p + 2, p + len, '\n\t    ');
    p += len;
  }
  return { text: s, cut: false };
}

/** unsigned_relts_print: 3600 as 1h, 90061 as 1d1h1m1s. */
export function relativeTime(secs: number): string {
  if (secs === 0) return '0s';
  let s = '';
  for (const [unit, n] of RELTS) {
    if (secs >= n) { s += `${Math.floor(secs / n)}${unit}`; secs -= Math.floor(secs / n) * n; }
  }
  return s;
}
const RELTS: [string, number][] = [['y', 31536000], ['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
