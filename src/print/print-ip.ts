/**
 * IPv4 as tcpdump prints it (print-ip.c): `IP ` (left out under -e), what is
 * wrong with the header, under -v the header's fields and options
 * (`(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)`),
 * then the addresses and the transport layer (the context's transport()). A
 * later fragment ends at `ip-proto-N`.
 */
import { u16be, u32be } from '../bytes.js';
import { checksumShouldBe, foldComplement, onesSum } from '../decode/checksum.js';
import { Ipv4Error } from '../decode/ipv4.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv4, ipv4At } from '../encode/addr.js';
import type { Frame } from '../frame.js';
import type { PrintContext } from './context.js';
import { ipProtoName } from './protocol-names.js';
import { bittok2str, tok2str, type Tok } from './util.js';

/** ip_print. `name`: "IP ", or '' under -e. */
export function printIp4(ctx: PrintContext, name: string): void {
  const { out, d, f, palette: p } = ctx;
  const ip = d.ip4;
  out.reserve(8);
  out.ascii(name);
  // A total length past the packet's end (tcpdump 4.99: said before everything else).
  const wire = f.len - (d.netOff - f.offset);
  if (wire < ip.totalLength && d.error !== Ipv4Error.totalLength) out.text(`truncated-ip - ${ip.totalLength - wire} bytes missing! `);
  if (ctx.verbose > 0 && (d.error === null || d.l4 >= 0)) out.text(ipv4VerboseHeader(d, ctx.oneLine, ctx.checksums));
  if (d.error !== null && d.l4 < 0) {
    if (d.error === Ipv4Error.totalLength) out.text(`bad-len ${ip.totalLength}`); // tcpdump 4.99's words
    else out.text(p.error(`[${d.error}]`));
    return;
  }
  if (d.laterFragment) {
    out.text(`${ipv4(ip.src)} > ${ipv4(ip.dst)}: ip-proto-${ip.proto}`);
    return;
  }
  ctx.transport(ip.payloadLength, false);
}

/**
 * An IPv4 header the decoder could not read, in tcpdump 4.99's words:
 * ` [|ip]` when the capture holds less than the fixed header, `truncated-ip N`
 * when the packet is shorter than it, `bad-hlen N`, `bad-len N`, or another
 * version's complaint. `bare`: without "IP " (-e).
 */
export function damagedIp4Text(f: Frame, d: PacketDecoder, bare: boolean): string {
  const b = f.buf;
  const off = d.netOff;
  const captured = d.end - off;
  const wire = f.len - (off - f.offset);
  const version = captured > 0 ? b[off]! >>> 4 : -1;
  if (version >= 0 && version !== 4) return version === 6 ? 'IP6, wrong link-layer encapsulation (invalid)' : `IP${version} (invalid)`;
  const name = bare ? '' : 'IP ';
  if (captured < 20) return name + ' [|ip]';
  if (wire < 20) return `${name}truncated-ip ${wire}`;
  const hlen = (b[off]! & 0x0f) * 4;
  if (hlen < 20) return `${name}bad-hlen ${hlen}`;
  const total = u16be(b, off + 2);
  const missing = wire < total ? `truncated-ip - ${total - wire} bytes missing! ` : '';
  if (total < hlen) return `${name}${missing}bad-len ${total}`;
  return `${name}${missing}[|ip]`;
}

const IP_OPTION_NAMES: Tok = { 0: 'EOL', 1: 'NOP', 68: 'timestamp', 130: 'security', 7: 'RR', 137: 'SSRR', 131: 'LSRR', 148: 'RA', 82: 'traceroute' };
const IP_FLAGS: [number, string][] = [[0x2000, '+'], [0x4000, 'DF'], [0x8000, 'rsvd']];

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
  s += `, id ${ip.id}, offset ${(off & 0x1fff) * 8}, flags [${bittok2str(IP_FLAGS, 'none', off)}], proto ${ipProtoName(ip.proto)} (${ip.proto}), length ${ip.totalLength}`;
  if (ip.headerLength > 20) s += `, options (${ipv4Options(b, ip.off + 20, ip.off + ip.headerLength)})`;
  if (checksum && !ip.checksumOk) {
    const sum = foldComplement(onesSum(b, ip.off, ip.off + ip.headerLength));
    s += `, bad cksum ${ip.checksum.toString(16)} (->${checksumShouldBe(ip.checksum, sum).toString(16)})!`;
  }
  return s + (oneLine ? ') ' : ')\n    ');
}

/** ip_optprint: the options by name, a route's addresses, a timestamp's entries. */
function ipv4Options(b: Buffer, p: number, end: number): string {
  let s = '';
  let sep = '';
  while (p < end) {
    s += sep;
    sep = ',';
    const code = b[p]!;
    s += tok2str(IP_OPTION_NAMES, 'unknown %u', code);
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
function routeText(b: Buffer, p: number, length: number): string {
  if (length < 3) return ` [bad length ${length}]`;
  let s = '';
  if ((length + 1) & 3) s += ` [bad length ${length}]`;
  const ptr = b[p + 2]! - 1;
  if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) s += ` [bad ptr ${b[p + 2]}]`;
  for (let len = 3; len < length; len += 4) {
    if (len + 4 > length) break; // tcpdump stops at the truncation check; the option's end bounds it here
    s += ` ${ipv4At(b, p + len)}`;
    if (ptr > len) s += ',';
  }
  return s;
}

/** ip_printts: TSONLY / TS+ADDR / PRESPEC entries, ^ at the pointer. */
function timestampText(b: Buffer, p: number, length: number): string {
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
      s += `${type}${u32be(b, p + len + hoplen - 4)}@${hoplen !== 8 ? '' : ipv4At(b, p + len)}`;
      type = ' ';
    }
  }
  s += ptr === len ? ' ^ ' : '';
  return s + (b[p + 3]! >> 4 ? ` [${b[p + 3]! >> 4} hops not recorded]} ` : '}');
}
