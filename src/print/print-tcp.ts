/**
 * TCP as tcpdump prints it (print-tcp.c), after the addresses and ports:
 * `Flags [S.], seq 0, ack 1, win 65160, options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7], length 0`,
 * then, by port, what the payload is (the context's tcpPayload(): HTTP's
 * first line, RESP, DNS…). -q prints `tcp N`; -S absolute sequence numbers
 * (else relative to the conversation's first, as tcpdump's are); -v the
 * checksum and a reset's data.
 *
 * The one TCP printer of every line, and the hot path of the line view:
 * written byte by byte into the context's sink, with no string per segment
 * unless colour, -v, or an option that is rare (MPTCP, TCP-AO, fast open…)
 * asks for one.
 */
import { u16be, u32be } from '../bytes.js';
import { checksumShouldBe } from '../decode/checksum.js';
import { IpProto, TcpFlag } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { TcpError } from '../decode/tcp.js';
import type { ByteSink } from '../encode/sink.js';
import { tcpFlagLetters } from '../encode/tcp-flags.js';
import type { PrintContext } from './context.js';
import { upperChecksum } from '../decode/upper-checksum.js';
import { printMptcp } from './print-mptcp.js';
import { hex4, hexBytes, printChar } from './util.js';

// tcpdump's flag letters in its order (tcp_flag_values): F S R P . U E W
const FLAG_BITS = [TcpFlag.FIN, TcpFlag.SYN, TcpFlag.RST, TcpFlag.PSH, TcpFlag.ACK, TcpFlag.URG, TcpFlag.ECE, TcpFlag.CWR];
const FLAG_CHARS = [70, 83, 82, 80, 46, 85, 69, 87];

/** tcp_print from the flags on; the addresses and ports are printed. `l4len`: the segment's length from the IP header. */
export function printTcp(ctx: PrintContext, l4len: number): void {
  const out = ctx.out, d = ctx.d, t = ctx.t;
  const tcp = d.tcp;
  out.reserve(256);
  if (tcp.error === TcpError.short) { out.ascii(' [|tcp]'); return; }
  // A data offset under 20 bytes; one past the segment's end is "too long", below.
  if (tcp.error === TcpError.offset && tcp.headerLength < 20) { out.text(`tcp ${l4len} [bad hdr length ${tcp.headerLength} - too short, < 20]`); return; }
  if (ctx.quick) { out.ascii('tcp '); out.dec(tcp.payloadLength); return; }
  const flags = tcp.flags;
  out.ascii('Flags [');
  if (ctx.colour) {
    out.text(ctx.palette.flags(tcpFlagLetters(flags)));
    out.reserve(256);
  } else if ((flags & 0xff) === 0) out.ascii('none');
  else for (let i = 0; i < 8; i++) if (flags & FLAG_BITS[i]!) out.byte(FLAG_CHARS[i]!);
  out.byte(93);
  if (tcp.headerLength > l4len) { out.text(` [bad hdr length ${tcp.headerLength} - too long, > ${l4len}]`); return; }
  if (ctx.verbose > 0 && ctx.checksums) {
    out.text(tcpChecksumText(d, l4len));
    out.reserve(256);
  }
  // tcpdump's relative numbers (its -S: absolute), per conversation.
  const relative = t.conn !== null && !ctx.absolute;
  const len = tcp.payloadLength;
  const seq = relative ? t.relSeq : tcp.seq;
  const ack = relative ? t.relAck : tcp.ack;
  if (ctx.verbose > 1 || len > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0) {
    out.ascii(', seq '); out.dec(seq);
    if (len > 0) { out.byte(58); out.dec((seq + len) >>> 0); }
  }
  if (flags & TcpFlag.ACK) { out.ascii(', ack '); out.dec(ack); }
  out.ascii(', win '); out.dec(tcp.window);
  if (flags & TcpFlag.URG) { out.ascii(', urg '); out.dec(tcp.urgentPointer); }
  if (tcp.headerLength > 20) {
    out.ascii(', options [');
    // print-tcp.c: a malformed option ends the line at "[bad opt]"; bytes the capture lacks, at " [|tcp]".
    if (!printOptions(ctx, relative)) return;
    out.reserve(64);
    out.byte(93);
  }
  out.ascii(', length '); out.dec(len);
  if (ctx.verbose > 0 && len > 0 && (flags & TcpFlag.RST) !== 0) { out.text(rstDataText(tcp.buf, tcp.payloadOff, d.end, len)); return; }
  if (len > 0) ctx.tcpPayload(len);
}

/** How an option ended the options: it did not (0), at `[bad opt]`, or where the capture ends. */
const OK = 0, BAD_OPT = 1, CUT = 2;

const TCP_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'eol', 1: 'nop', 2: 'mss', 3: 'wscale', 4: 'sackOK', 5: 'sack', 6: 'echo', 7: 'echoreply', 8: 'TS', 11: 'cc', 12: 'ccnew', 13: '',
  19: 'md5', 20: 'scps', 28: 'uto', 29: 'tcp-ao', 30: 'mptcp', 34: 'tfo', 254: 'exp',
};
/** The names as bytes, indexed by kind (a dense array, not a dictionary lookup per option); null: `unknown-N`. */
const OPTION_NAME_BYTES: readonly (Uint8Array | null)[] = Array.from({ length: 256 }, (_, k) =>
  TCP_OPTION_NAMES[k] === undefined ? null : Buffer.from(TCP_OPTION_NAMES[k]!, 'latin1'));

/** LENCHECK: l bytes of the option's data must be left in the header (`hlen`), and captured. */
function lencheck(l: number, hlen: number, cp: number, capEnd: number): number {
  return l > hlen ? BAD_OPT : cp + l > capEnd ? CUT : OK;
}

/**
 * print-tcp.c's option loop: each option by name and value, `[len N]` where the
 * length differs from the option's own; false when the line ends at `[bad opt]`
 * or ` [|tcp]`, as tcpdump's does (else the caller closes the bracket).
 */
function printOptions(ctx: PrintContext, relative: boolean): boolean {
  const out = ctx.out, d = ctx.d, t = ctx.t;
  const tcp = d.tcp;
  const b = tcp.buf;
  let cp = tcp.optionsOff;
  let hlen = tcp.headerLength - 20;
  const capEnd = d.end;
  // SACK blocks are shown relative to the conversation's base, as tcpdump does.
  const sackBase = relative && !t.seqAbsolute ? t.conn!.tcpdumpBase(t.side ^ 1) : 0;
  if (cp + hlen <= capEnd && commonOptions(b, cp, cp + hlen)) {
    printCommonOptions(out, b, cp, cp + hlen, sackBase);
    return true;
  }
  let later = false;
  while (hlen > 0) {
    // The header holds at most 40 bytes of options: any one of them prints in this room.
    out.reserve(160);
    if (later) out.byte(44);
    if (cp >= capEnd) return cut(out);
    const opt = b[cp++]!;
    let len = 1;
    if (opt !== 0 && opt !== 1) {
      if (cp >= capEnd) return cut(out);
      len = b[cp++]!;
      if (len < 2 || len > hlen) return bad(out, later);
      hlen--;
    }
    hlen--;
    let datalen = 0;
    const name = OPTION_NAME_BYTES[opt]!;
    if (name !== null) out.bytes(name);
    else { out.ascii('unknown-'); out.dec(opt); }
    let r = OK;
    switch (opt) {
      case 2: datalen = 2; if ((r = lencheck(2, hlen, cp, capEnd))) break; out.byte(32); out.dec(u16be(b, cp)); break;
      case 3: datalen = 1; if ((r = lencheck(1, hlen, cp, capEnd))) break; out.byte(32); out.dec(b[cp]!); break;
      case 5:
        datalen = len - 2;
        if (datalen % 8 !== 0) out.ascii(' invalid sack');
        else {
          out.byte(32); out.dec(datalen / 8); out.byte(32);
          for (let i = 0; i < datalen; i += 8) {
            if ((r = lencheck(i + 8, hlen, cp, capEnd))) break;
            out.byte(123); out.dec((u32be(b, cp + i) - sackBase) >>> 0); out.byte(58);
            out.dec((u32be(b, cp + i + 4) - sackBase) >>> 0); out.byte(125);
          }
        }
        break;
      case 6: case 7: case 11: case 12: case 13:
        datalen = 4; if ((r = lencheck(4, hlen, cp, capEnd))) break; out.byte(32); out.dec(u32be(b, cp)); break;
      case 8:
        datalen = 8; if ((r = lencheck(8, hlen, cp, capEnd))) break;
        out.ascii(' val '); out.dec(u32be(b, cp)); out.ascii(' ecr '); out.dec(u32be(b, cp + 4));
        break;
      case 19:
        datalen = 16; if ((r = lencheck(16, hlen, cp, capEnd))) break;
        out.byte(32); for (let i = 0; i < 16; i++) out.hex2(b[cp + i]!);
        break;
      case 20:
        datalen = 2; if ((r = lencheck(2, hlen, cp, capEnd))) break;
        out.ascii(' cap '); out.hex2(b[cp]!); out.ascii(' id '); out.dec(b[cp + 1]!);
        break;
      case 28: {
        datalen = 2;
        if ((r = lencheck(2, hlen, cp, capEnd))) break;
        const v = u16be(b, cp);
        out.text(` 0x${v.toString(16)} ${v & 1 ? (v >> 1) * 60 : v >> 1}`);
        break;
      }
      case 29:
        datalen = len - 2;
        if (datalen < 2) { out.ascii(' (invalid)'); break; }
        if ((r = lencheck(1, hlen, cp, capEnd))) break;
        out.ascii(' keyid '); out.dec(b[cp]!);
        if ((r = lencheck(2, hlen, cp, capEnd))) break;
        out.ascii(' rnextkeyid '); out.dec(b[cp + 1]!);
        if (datalen > 2) {
          out.ascii(' mac 0x');
          for (let i = 2; i < datalen; i++) { if ((r = lencheck(i + 1, hlen, cp, capEnd))) break; out.hex2(b[cp + i]!); }
        }
        break;
      case 0: case 1: case 4: break;
      case 30: // MPTCP: its own printer, on the option's bytes only
        datalen = len - 2;
        if ((r = lencheck(datalen, hlen, cp, capEnd))) break;
        if (!printMptcp(out, b, cp - 2, len, tcp.flags)) return bad(out, later);
        break;
      case 34:
        datalen = len - 2;
        if ((r = lencheck(datalen, hlen, cp, capEnd))) break;
        out.text(' ' + fastOpenText(b, cp, datalen, false));
        break;
      case 254: {
        datalen = len - 2;
        if ((r = lencheck(datalen, hlen, cp, capEnd))) break;
        if (datalen < 2) return bad(out, later);
        const magic = u16be(b, cp);
        out.text('-' + (magic === 0xf989 ? fastOpenText(b, cp + 2, datalen - 2, true) : hex4(magic)));
        break;
      }
      default:
        datalen = len - 2;
        if (datalen) out.ascii(' 0x');
        for (let i = 0; i < datalen; i++) { if ((r = lencheck(i + 1, hlen, cp, capEnd))) break; out.hex2(b[cp + i]!); }
        break;
    }
    if (r === BAD_OPT) return bad(out, later);
    if (r === CUT) return cut(out);
    cp += datalen;
    hlen -= datalen;
    datalen += opt === 0 || opt === 1 ? 1 : 2;
    if (datalen !== len) { out.reserve(16); out.ascii('[len '); out.dec(len); out.byte(93); }
    later = true;
    if (opt === 0) break;
  }
  return true;
}

/**
 * Whether the options are only the ones nearly every segment carries, each
 * well formed: EOL, NOP, MSS, window scale, SACK-permitted, SACK, timestamps.
 * Those print through printCommonOptions's short loop (the same text the
 * general loop writes, without its per-option checks).
 */
function commonOptions(b: Buffer, p: number, end: number): boolean {
  while (p < end) {
    const kind = b[p]!;
    if (kind === 0) return true;
    if (kind === 1) { p++; continue; }
    if (p + 1 >= end) return false;
    const len = b[p + 1]!;
    if (len < 2 || p + len > end) return false;
    switch (kind) {
      case 2: if (len !== 4) return false; break;
      case 3: if (len !== 3) return false; break;
      case 4: if (len !== 2) return false; break;
      case 5: if ((len - 2) % 8 !== 0) return false; break;
      case 8: if (len !== 10) return false; break;
      default: return false;
    }
    p += len;
  }
  return true;
}

/** The options commonOptions accepted, bytes [p, end) of the header (all captured). */
function printCommonOptions(out: ByteSink, b: Buffer, p: number, end: number, sackBase: number): void {
  out.reserve(48 + 2 * (end - p) * 6); // the longest: a SACK's blocks, two 10-digit numbers per 8 bytes
  let first = true;
  while (p < end) {
    const kind = b[p]!;
    if (!first) out.byte(44);
    first = false;
    if (kind === 0) { out.ascii('eol'); break; }
    if (kind === 1) { out.ascii('nop'); p++; continue; }
    const len = b[p + 1]!;
    switch (kind) {
      case 2: out.ascii('mss '); out.dec(u16be(b, p + 2)); break;
      case 3: out.ascii('wscale '); out.dec(b[p + 2]!); break;
      case 4: out.ascii('sackOK'); break;
      case 5:
        out.ascii('sack '); out.dec((len - 2) / 8); out.byte(32);
        for (let q = p + 2; q + 8 <= p + len; q += 8) {
          out.byte(123); out.dec((u32be(b, q) - sackBase) >>> 0); out.byte(58);
          out.dec((u32be(b, q + 4) - sackBase) >>> 0); out.byte(125);
        }
        break;
      default: // 8: timestamps
        out.ascii('TS val '); out.dec(u32be(b, p + 2)); out.ascii(' ecr '); out.dec(u32be(b, p + 6));
    }
    p += len;
  }
  out.reserve(2);
}

/** `[bad opt]`, and the bracket closed after the first option (tcpdump's LENCHECK failing at `goto bad`). */
function bad(out: ByteSink, later: boolean): false {
  out.reserve(16);
  out.ascii(later ? '[bad opt]]' : '[bad opt]');
  return false;
}

function cut(out: ByteSink): false {
  out.reserve(16);
  out.ascii(' [|tcp]');
  return false;
}

/** print_tcp_fastopen_option: ` cookiereq`, ` cookie 0123…`, or ` (invalid)`; `exp`: named "tfo" here. */
function fastOpenText(b: Buffer, p: number, n: number, exp: boolean): string {
  let s = exp ? 'tfo' : '';
  if (n === 0) return s + ' cookiereq';
  if (n % 2 !== 0 || n < 4 || n > 16) return s + ' (invalid)';
  return s + ' cookie ' + hexBytes(b, p, p + n);
}

/** `, cksum 0x1234 (correct)` or `(incorrect -> 0x5678)`; '' when it cannot be checked. */
function tcpChecksumText(d: PacketDecoder, l4len: number): string {
  const tcp = d.tcp;
  const sum = upperChecksum(d, tcp.off, l4len, IpProto.TCP);
  if (sum < 0) return '';
  return `, cksum 0x${hex4(tcp.checksum)}${sum !== 0 ? ` (incorrect -> 0x${hex4(checksumShouldBe(tcp.checksum, sum))})` : ' (correct)'}`;
}

/** print_tcp_rst_data: ` [RST text]`, at most 30 bytes (`[RST+` when there were more), `[!RST` when cut short. */
function rstDataText(b: Uint8Array, from: number, capEnd: number, length: number): string {
  let s = from + length <= capEnd ? ' [RST' : ' [!RST';
  let n = length;
  if (n > 30) { n = 30; s += '+'; }
  s += ' ';
  for (let i = from; i < from + n && i < capEnd; i++) s += printChar(b[i]!);
  return s + ']';
}
