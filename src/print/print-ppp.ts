/**
 * PPP as tcpdump 4.99.3 prints it inside PPTP's enhanced GRE (GRE version 1)
 * and inside PPPoE, and PPPoE discovery: print-ppp.c (ppp_print, handle_ppp,
 * ppp_hdlc, the control-protocol printers), print-gre.c (gre_print,
 * gre_print_1) and print-pppoe.c (pppoe_print), as pure functions.
 *
 * tcpdump's GET_ macros end the packet at the capture's end with ` [|proto]`,
 * proto being the ndo_protocol of the printer running ("gre", "ppp",
 * "pppoe"); its ND_TCHECK failures (print-ppp.c and print-gre.c do not
 * longjmp from them) go to each function's own trunc label. Both are copied:
 * `Ctx.u1` and friends throw Cut where a GET_ would longjmp, and each entry
 * point adds ` [|proto]` for it.
 *
 * A network-layer packet inside PPP (IPv4, IPv6, MPLS, IPX, OSI) is not
 * printed here: the result says where it starts and the caller prints it.
 */
import { NdReader } from './nd-reader.js';
import { Cut } from './truncation.js';
import { OUI_NAMES } from './protocol-names.js';
import { bittok2str, hex2, hex4, hexWithOffset, tok2str, type Tok } from './util.js';

/**
 * What tcpdump prints up to a nested network-layer packet, and where that packet is.
 *
 * - `text`: everything tcpdump prints for these bytes before it would call
 *   ip_print / ip6_print / mpls_print / ipx_print / isoclns_print (handle_ppp
 *   prints nothing of its own before those), or the whole text when there is
 *   no nested packet (ending with ` [|proto]` when the capture ends first).
 * - `innerType`: -1 when nothing nested is to be printed; else 0x0800 (IPv4:
 *   PPP 0x0021, VJ-uncompressed 0x002f, 0x0800), 0x86dd (IPv6: 0x0057,
 *   0x86dd), 0x8847 (MPLS: mpls_print, for PPP 0x0281 unicast and 0x0283
 *   multicast alike), 0x8137 (IPX: 0x002b, 0x8137), 0x00fe (OSI: isoclns_print,
 *   PPP 0x0023).
 * - `innerOff`: where the nested packet starts (in `innerBuf` when set, else in
 *   the buffer passed in); `innerLen`: the length tcpdump passes its printer.
 * - `innerBuf`: set only when the PPP frame went through ppp_hdlc (protocol
 *   0x7eXX: RFC 1662 octet escapes removed into a private copy, as tcpdump
 *   does); the nested packet is then in that copy, captured to its end.
 *   Otherwise the nested packet is captured up to the caller's capEnd.
 */
export interface PppResult {
  text: string;
  innerType: number;
  innerOff: number;
  innerLen: number;
  innerBuf?: Buffer;
}

// ---------------------------------------------------------------- tables (print-ppp.c)

const PPP_IP = 0x0021, PPP_OSI = 0x0023, PPP_IPX = 0x002b, PPP_VJNC = 0x002f, PPP_ML = 0x003d, PPP_IPV6 = 0x0057;
const PPP_COMP = 0x00fd, PPP_MPLS_UCAST = 0x0281, PPP_MPLS_MCAST = 0x0283;
const PPP_IPCP = 0x8021, PPP_OSICP = 0x8023, PPP_IPV6CP = 0x8057, PPP_CCP = 0x80fd, PPP_MPLSCP = 0x8281;
const PPP_LCP = 0xc021, PPP_PAP = 0xc023, PPP_LQM = 0xc025, PPP_SPAP = 0xc027, PPP_CHAP = 0xc223;
const PPP_BACP = 0xc02b, PPP_BAP = 0xc02d, PPP_SPAP_OLD = 0xc123, PPP_EAP = 0xc227;

/** ppptype2str */
const PPP_TYPES = new Map<number, string>([
  [PPP_IP, 'IP'], [PPP_OSI, 'OSI'], [0x0025, 'NS'], [0x0027, 'DECNET'], [0x0029, 'APPLE'], [PPP_IPX, 'IPX'],
  [0x002d, 'VJC IP'], [PPP_VJNC, 'VJNC IP'], [0x0031, 'BRPDU'], [0x0033, 'STII'], [0x0035, 'VINES'],
  [PPP_MPLS_UCAST, 'MPLS'], [PPP_MPLS_MCAST, 'MPLS'], [PPP_COMP, 'Compressed'], [PPP_ML, 'MLPPP'], [PPP_IPV6, 'IP6'],
  [0x0201, 'HELLO'], [0x0231, 'LUXCOM'], [0x0233, 'SNS'], [PPP_IPCP, 'IPCP'], [PPP_OSICP, 'OSICP'], [0x8025, 'NSCP'],
  [0x8027, 'DECNETCP'], [0x8029, 'APPLECP'], [0x802b, 'IPXCP'], [0x8033, 'STIICP'], [0x8035, 'VINESCP'],
  [PPP_IPV6CP, 'IP6CP'], [PPP_MPLSCP, 'MPLSCP'], [PPP_LCP, 'LCP'], [PPP_PAP, 'PAP'], [PPP_LQM, 'LQM'],
  [PPP_CHAP, 'CHAP'], [PPP_EAP, 'EAP'], [PPP_SPAP, 'SPAP'], [PPP_SPAP_OLD, 'Old-SPAP'], [PPP_BACP, 'BACP'],
  [PPP_BAP, 'BAP'], [0xc03d, 'MLPPP-CP'], [PPP_CCP, 'CCP'],
]);

/** cpcodes */
const CP_CODES = ['Vendor-Extension', 'Conf-Request', 'Conf-Ack', 'Conf-Nack', 'Conf-Reject', 'Term-Request', 'Term-Ack',
  'Code-Reject', 'Prot-Reject', 'Echo-Request', 'Echo-Reply', 'Disc-Req', 'Ident', 'Time-Rem', 'Reset-Req', 'Reset-Ack'];

/** lcpconfopts */
const LCP_OPTS = ['Vend-Ext', 'MRU', 'ACCM', 'Auth-Prot', 'Qual-Prot', 'Magic-Num', 'deprecated(6)', 'PFC', 'ACFC',
  'FCS-Alt', 'SDP', 'Num-Mode', 'deprecated(12)', 'Call-Back', 'deprecated(14)', 'deprecated(15)', 'deprecated(16)',
  'MRRU', '12-Bit seq #', 'End-Disc', 'Proprietary', 'DCE-Id', 'MP+', 'Link-Disc', 'LCP-Auth-Opt', 'COBS',
  'Prefix-elision', 'Multilink-header-Form', 'I18N', 'SDL-over-SONET/SDH', 'PPP-Muxing'];

/** ccpconfopts_values */
const CCP_OPTS: Record<number, string> = {
  0: 'OUI', 1: 'Pred-1', 2: 'Pred-2', 3: 'Puddle', 16: 'HP-PPC', 17: 'Stac-LZS', 18: 'MPPC', 19: 'Gand-FZA',
  20: 'V.42bis', 21: 'BSD-Comp', 23: 'LZS-DCP', 24: 'MVRCA', 25: 'DEC', 26: 'Deflate', 255: 'Reserved',
};
/** bacconfopts_values */
const BACP_OPTS: Record<number, string> = { 1: 'Favored-Peer' };
/** ipcpopt_values */
const IPCP_OPTS: Record<number, string> = {
  1: 'IP-Addrs', 2: 'IP-Comp', 3: 'IP-Addr', 4: 'Home-Addr', 129: 'Pri-DNS', 130: 'Pri-NBNS', 131: 'Sec-DNS', 132: 'Sec-NBNS',
};
/** ipcpopt_compproto_values */
const IPCP_COMP: Record<number, string> = { 0x002d: 'VJ-Comp', 0x61: 'IP Header Compression' };
/** ipcpopt_compproto_subopt_values */
const IPCP_COMP_SUB: Record<number, string> = { 1: 'RTP-Compression', 2: 'Enhanced RTP-Compression' };
/** ip6cpopt_values */
const IP6CP_OPTS: Record<number, string> = { 1: 'Interface-ID' };
/** authalg_values */
const AUTH_ALGS: Record<number, string> = { 5: 'MD5', 128: 'MS-CHAPv1', 129: 'MS-CHAPv2' };
/** ppp_callback_values */
const CALLBACKS: Record<number, string> = { 0: 'UserAuth', 1: 'DialString', 2: 'LocalID', 3: 'E.164', 4: 'X.500', 6: 'CBCP' };
/** chapcode_values */
const CHAP_CODES: Record<number, string> = { 1: 'Challenge', 2: 'Response', 3: 'Success', 4: 'Fail' };
/** papcode_values */
const PAP_CODES: Record<number, string> = { 1: 'Auth-Req', 2: 'Auth-ACK', 3: 'Auth-NACK' };

/** gre_flag_values */
export const GRE_FLAGS: [number, string][] = [[0x8000, 'checksum present'], [0x4000, 'routing present'], [0x2000, 'key present'],
  [0x1000, 'sequence# present'], [0x0800, 'source routing present'], [0x0080, 'ack present']];

/** pppoecode2str */
const PPPOE_CODES: Record<number, string> = { 0x09: 'PADI', 0x07: 'PADO', 0x19: 'PADR', 0x65: 'PADS', 0xa7: 'PADT', 0: '' };
/** pppoetag2str */
const PPPOE_TAGS: Record<number, string> = {
  0: 'EOL', 0x0101: 'Service-Name', 0x0102: 'AC-Name', 0x0103: 'Host-Uniq', 0x0104: 'AC-Cookie', 0x0105: 'Vendor-Specific',
  0x0110: 'Relay-Session-ID', 0x0120: 'PPP-Max-Payload', 0x0201: 'Service-Name-Error', 0x0202: 'AC-System-Error', 0x0203: 'Generic-Error',
};

/** printf's %x, zero-padded to w digits. */
const hx = (n: number, w = 0): string => n.toString(16).padStart(w, '0');

// ---------------------------------------------------------------- the printing state

/** A packet being printed: its bytes, where the capture ends in them, the text so far, ndo_protocol. */
class Ctx extends NdReader {
  constructor(b: Buffer, end: number, public proto: string, public readonly verbose: number) {
    super(b, end);
  }

  /** print_unknown_data: hex_print of the captured part of `len` bytes at `cp`. */
  unknownData(cp: number, ident: string, len: number): void {
    if (cp > this.end) {
      this.s += `${ident}Dissector error: print_unknown_data called with pointer past end of packet`;
      return;
    }
    const from = Math.max(cp, 0); // (only reachable with a PPP frame at the very start of the buffer)
    const n = Math.min(len, this.end - cp);
    this.s += hexWithOffset(this.b, from, Math.max(from, cp + n), ident);
  }
}

/** The result when nothing nested is to be printed. */
const done = (c: Ctx): PppResult => ({ text: c.s, innerType: -1, innerOff: -1, innerLen: 0 });

/** A nested packet (ip_print & co.) at `p`, `length` bytes. */
function nested(c: Ctx, type: number, p: number, length: number, orig: Buffer): PppResult {
  const r: PppResult = { text: c.s, innerType: type, innerOff: p, innerLen: length };
  if (c.b !== orig) r.innerBuf = c.b.subarray(0, c.end);
  return r;
}

/** Runs a printer; at a Cut (a GET_ past the capture) ends the text with ` [|proto]` as nd_trunc_longjmp does. */
function run(c: Ctx, f: () => PppResult): PppResult {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    c.s += ` [|${c.proto}]`;
    return done(c);
  }
}

/** The capture's end, within the buffer. */
function safeEnd(b: Buffer, capEnd: number): number {
  return Math.max(0, Math.min(Number.isFinite(capEnd) ? Math.floor(capEnd) : 0, b.length));
}

// ---------------------------------------------------------------- entry points

/** ppp_print (print-ppp.c): a PPP frame of `length` bytes at b[off], optional ff 03, 1- or 2-byte protocol. */
export function pppText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): PppResult {
  const c = new Ctx(b, safeEnd(b, capEnd), 'ppp', verbose);
  return run(c, () => pppPrint(c, off, length >>> 0));
}

/**
 * gre_print (print-gre.c) for a GRE header at b[off] whose version is not 0:
 * `GREv1, call N, seq N, ack N, length L: ` (gre_print_1) and the PPP frame,
 * or ` ERROR: unknown-version` for versions 2-7. Version 0 (gre_print_0) is
 * printed elsewhere in netlens; here it gives just `GREv0`.
 */
export function greV1Text(b: Buffer, off: number, capEnd: number, length: number, verbose: number): PppResult {
  const c = new Ctx(b, safeEnd(b, capEnd), 'gre', verbose);
  return run(c, () => {
    length >>>= 0;
    if (!c.ttest(off, 2) || length < 2) { c.s += ` [|${c.proto}]`; return done(c); }
    const vers = c.u2(off) & 7;
    c.s += `GREv${vers}`;
    if (vers === 1) return grePrint1(c, off, length);
    if (vers !== 0) c.s += ' ERROR: unknown-version';
    return done(c);
  });
}

/**
 * pppoe_print (print-pppoe.c): the Ethernet payload of type 0x8863 (discovery)
 * or 0x8864 (session), `length` bytes on the wire. tcpdump decides by the
 * code field alone (0: session data, printed as PPP), so `session` only
 * documents the caller's EtherType.
 */
export function pppoeText(b: Buffer, off: number, capEnd: number, length: number, verbose: number, session: boolean): PppResult {
  void session;
  const c = new Ctx(b, safeEnd(b, capEnd), 'pppoe', verbose);
  return run(c, () => pppoePrint(c, off, length >>> 0));
}

// ---------------------------------------------------------------- print-gre.c

/** gre_print_1: the enhanced GRE header of PPTP, then ppp_print for protocol 0x880b. */
function grePrint1(c: Ctx, off: number, length: number): PppResult {
  const trunc = (): PppResult => { c.s += ` [|${c.proto}]`; return done(c); }; // nd_print_trunc
  let len = length;
  const flags = c.u2(off);
  let p = off + 2;
  len -= 2;
  if (c.verbose) c.s += `, Flags [${bittok2str(GRE_FLAGS, 'none', flags)}]`;
  if (!c.ttest(p, 2) || len < 2) return trunc();
  const prot = c.u2(p);
  len -= 2; p += 2;
  if (flags & 0x2000) {
    if (!c.ttest(p, 4) || len < 4) return trunc();
    c.s += `, call ${c.u4(p) & 0xffff}`;
    len -= 4; p += 4;
  }
  if (flags & 0x1000) {
    if (!c.ttest(p, 4) || len < 4) return trunc();
    c.s += `, seq ${c.u4(p)}`;
    p += 4; len -= 4;
  }
  if (flags & 0x0080) {
    if (!c.ttest(p, 4) || len < 4) return trunc();
    c.s += `, ack ${c.u4(p)}`;
    p += 4; len -= 4;
  }
  if ((flags & 0x1000) === 0) c.s += ', no-payload';
  c.s += `, length ${length}`;
  if ((flags & 0x1000) === 0) return done(c);
  c.s += c.verbose < 1 ? ': ' : '\n\t';
  if (prot === 0x880b) return pppPrint(c, p, len);
  c.s += `gre-proto-0x${hx(prot)}`;
  return done(c);
}

// ---------------------------------------------------------------- print-pppoe.c

/** pppoe_print */
function pppoePrint(c: Ctx, off: number, length: number): PppResult {
  c.proto = 'pppoe';
  if (length < 6) {
    c.s += ` (length ${length} < 6) (invalid)`;
    return done(c);
  }
  length -= 6;
  if (!c.ttest(off, 6)) throw new Cut(); // ND_TCHECK_LEN, longjmp here (ND_LONGJMP_FROM_TCHECK)
  const ver = c.u1(off) >> 4, type = c.u1(off) & 0x0f, code = c.u1(off + 1);
  const sid = c.u2(off + 2);
  let plen = c.u2(off + 4);
  const payload = off + 6;
  if (ver !== 1) c.s += ` [ver ${ver}]`;
  if (type !== 1) c.s += ` [type ${type}]`;
  c.s += `PPPoE ${tok2str(PPPOE_CODES, 'PAD-%x', code)}`;
  if (code === 0x09 && plen > 1484 - 6) c.s += ` [len ${plen}!]`;
  if (plen > length) {
    c.s += ` [len ${plen} > ${length}!]`;
    plen = length;
  }
  if (sid) c.s += ` [ses 0x${hx(sid)}]`;
  if (code) {
    let tagType = 0xffff;
    let p = payload;
    while (tagType && p < payload + plen) {
      tagType = c.u2(p);
      const tagLen = c.u2(p + 2);
      p += 4;
      const name = tok2str(PPPOE_TAGS, 'TAG-0x%x', tagType);
      if (tagLen) {
        if (!c.ttest(p, tagLen)) throw new Cut();
        let ascii = 0, garbage = 0, str = '';
        for (let v = p; v < p + tagLen && str.length < 79; v++) {
          const ch = c.u1(v);
          if (ch >= 0x20 && ch <= 0x7e) { str += String.fromCharCode(ch); ascii++; } else { str += '.'; garbage++; }
        }
        if (ascii > garbage) {
          c.s += ` [${name} "${str}"]`;
        } else {
          c.s += ` [${name} 0x`;
          for (let v = p; v < p + tagLen; v++) c.s += hex2(c.u1(v)).toUpperCase();
          c.s += ']';
        }
      } else {
        c.s += ` [${name}]`;
      }
      p += tagLen;
    }
    return done(c);
  }
  c.s += ' ';
  return pppPrint(c, payload, plen);
}

// ---------------------------------------------------------------- print-ppp.c

/** ppp_print: address/control (ff 03, or pppd's 00 03 / 01 03), then a 1-byte (odd) or 2-byte protocol. */
function pppPrint(c: Ctx, p: number, length: number): PppResult {
  c.proto = 'ppp';
  if (length < 2) { c.s += ` [|${c.proto}]`; return done(c); }
  const header = c.u2(p);
  if (header === 0x0003 || header === 0x0103 || header === 0xff03) {
    p += 2; length -= 2;
  }
  if (length < 2) { c.s += ` [|${c.proto}]`; return done(c); }
  let proto: number;
  if (c.u1(p) % 2) {
    proto = c.u1(p);
    p++; length--;
  } else {
    proto = c.u2(p);
    p += 2; length -= 2;
  }
  return handlePpp(c, proto, p, length);
}

/** handle_ppp: the protocol switch. */
function handlePpp(c: Ctx, proto: number, p: number, length: number): PppResult {
  if ((proto & 0xff00) === 0x7e00) return pppHdlc(c, p - 1, length);
  switch (proto) {
    case PPP_LCP: case PPP_IPCP: case PPP_OSICP: case PPP_MPLSCP: case PPP_IPV6CP: case PPP_CCP: case PPP_BACP:
      handleCtrlProto(c, proto, p, length);
      return done(c);
    case PPP_ML:
      handleMlppp(c, p, length);
      return done(c);
    case PPP_CHAP:
      handleChap(c, p, length);
      return done(c);
    case PPP_PAP:
      handlePap(c, p, length);
      return done(c);
    case PPP_BAP: // handle_bap prints nothing
      return done(c);
    case 0x0800: case PPP_VJNC: case PPP_IP:
      return nested(c, 0x0800, p, length, c.b);
    case 0x86dd: case PPP_IPV6:
      return nested(c, 0x86dd, p, length, c.b);
    case 0x8137: case PPP_IPX:
      return nested(c, 0x8137, p, length, c.b);
    case PPP_OSI:
      return nested(c, 0x00fe, p, length, c.b);
    case PPP_MPLS_UCAST: case PPP_MPLS_MCAST:
      return nested(c, 0x8847, p, length, c.b);
    case PPP_COMP:
      c.s += 'compressed PPP data';
      return done(c);
    default:
      c.s += `${PPP_TYPES.get(proto) ?? `unknown PPP protocol (0x${hex4(proto)})`} `;
      c.unknownData(p, '\n\t', length);
      return done(c);
  }
}

/**
 * ppp_hdlc: for a protocol 0x7eXX, un-escapes (0x7d, x -> x ^ 0x20) the
 * captured bytes from the protocol's second byte on into a private copy and
 * prints that as IP, IPv6 or a PPP frame. The nested packet, if any, is then
 * in that copy (PppResult.innerBuf).
 */
function pppHdlc(c: Ctx, p: number, length: number): PppResult {
  const caplen = c.end - p;
  if (caplen <= 0) return done(c);
  if (length === 0) return done(c);
  const t: number[] = [];
  for (let s = p, i = caplen; i !== 0; i--) {
    let ch = c.b[s++]!;
    if (ch === 0x7d) {
      if (i <= 1) break;
      i--;
      ch = c.b[s++]! ^ 0x20;
    }
    t.push(ch);
  }
  const orig = c.b;
  c.b = Buffer.from(t);
  c.end = c.b.length;
  const len = c.end;
  const trunc = (): PppResult => { c.s += ` [|${c.proto}]`; return done(c); };
  if (len < 1) return trunc();
  let proto = c.u1(0);
  if (proto === PPP_IP) return nested(c, 0x0800, 1, len - 1, orig);
  if (proto === PPP_IPV6) return nested(c, 0x86dd, 1, len - 1, orig);
  if (len < 2) return trunc();
  proto = c.u2(0);
  let r: PppResult;
  if (proto === 0xff03) {
    if (len < 4) return trunc();
    proto = c.u2(2);
    if ((proto & 0xff00) === 0x7e00) { c.s += `(protocol 0x${hex4(proto)} invalid)`; return done(c); }
    r = handlePpp(c, proto, 4, len - 4);
  } else {
    if ((proto & 0xff00) === 0x7e00) { c.s += `(protocol 0x${hex4(proto)} invalid)`; return done(c); }
    r = handlePpp(c, proto, 2, len - 2);
  }
  if (r.innerType !== -1 && r.innerBuf === undefined) r.innerBuf = c.b;
  return r;
}

/** handle_ctrl_proto: LCP, IPCP, OSICP, MPLSCP, IP6CP, CCP, BACP. */
function handleCtrlProto(c: Ctx, proto: number, pptr: number, length: number): void {
  const typestr = PPP_TYPES.get(proto) ?? `unknown ctrl-proto (0x${hex4(proto)})`;
  const trunc = (): void => { c.s += `[|${typestr}]`; };
  c.s += `${typestr}, `;
  let tptr = pptr;
  if (length < 4 || !c.ttest(tptr, 2)) return trunc();
  const code = c.u1(tptr);
  tptr++;
  c.s += `${CP_CODES[code] ?? 'Unknown Opcode'} (0x${hex2(code)}), id ${c.u1(tptr)}, length ${length + 2}`;
  tptr++;
  if (!c.verbose) return;
  const len = c.u2(tptr);
  tptr += 2;
  if (len < 4) { c.s += `\n\tencoded length ${len} (< 4))`; return; }
  if (len > length) { c.s += `\n\tencoded length ${len} (> packet length ${length}))`; return; }
  length = len;
  c.s += `\n\tencoded length ${len} (=Option(s) length ${len - 4})`;
  if (length === 4) return;
  if (c.verbose > 1) c.unknownData(pptr - 2, '\n\t', 6);
  switch (code) {
    case 0: // CPCODES_VEXT
      if (length < 11) break;
      c.s += `\n\t  Magic-Num 0x${hx(c.u4(tptr), 8)}`;
      tptr += 4;
      {
        const oui = c.u3(tptr);
        c.s += ` Vendor: ${OUI_NAMES.get(oui) ?? 'Unknown'} (${oui})`;
      }
      break;
    case 1: case 2: case 3: case 4: { // Conf-Request/Ack/Nak/Reject
      let tlen = len - 4;
      const pfunc = proto === PPP_LCP ? printLcpConfigOptions : proto === PPP_IPCP ? printIpcpConfigOptions
        : proto === PPP_IPV6CP ? printIp6cpConfigOptions : proto === PPP_CCP ? printCcpConfigOptions
          : proto === PPP_BACP ? printBacpConfigOptions : null;
      if (pfunc === null) break;
      do {
        const advance = pfunc(c, tptr, len);
        if (advance === 0) break;
        if (tlen < advance) {
          c.s += ` [remaining options length ${tlen} < ${advance}] (invalid)`;
          break;
        }
        tlen -= advance;
        tptr += advance;
      } while (tlen !== 0);
      break;
    }
    case 5: case 6: case 7:
      break;
    case 8: { // CPCODES_PROT_REJ
      if (length < 6) break;
      const rp = c.u2(tptr);
      c.s += `\n\t  Rejected ${PPP_TYPES.get(rp) ?? 'unknown'} Protocol (0x${hex4(c.u2(tptr))})`;
      if (len > 6) {
        c.s += '\n\t  Rejected Packet';
        c.unknownData(tptr + 2, '\n\t    ', len - 2);
      }
      break;
    }
    case 9: case 10: case 11: // Echo-Request/Reply, Discard-Request
      if (length < 8) break;
      c.s += `\n\t  Magic-Num 0x${hx(c.u4(tptr), 8)}`;
      if (len > 8) {
        c.s += '\n\t  -----trailing data-----';
        if (!c.ttest(tptr + 4, len - 8)) return trunc();
        c.unknownData(tptr + 4, '\n\t  ', len - 8);
      }
      break;
    case 12: // CPCODES_ID
      if (length < 8) break;
      c.s += `\n\t  Magic-Num 0x${hx(c.u4(tptr), 8)}`;
      if (len > 8) {
        c.s += '\n\t  Message\n\t    ';
        // nd_printn(tptr + 4, len - 4, snapend): len - 4 bytes, up to the capture's end
        if (c.printn(tptr + 4, len - 4, c.end)) return trunc();
      }
      break;
    case 13: // CPCODES_TIME_REM
      if (length < 12) break;
      c.s += `\n\t  Magic-Num 0x${hx(c.u4(tptr), 8)}`;
      c.s += `, Seconds-Remaining ${c.u4(tptr + 4)}s`;
      break;
    default:
      if (c.verbose <= 1) c.unknownData(pptr - 2, '\n\t  ', length + 2);
      break;
  }
}

type OptPrinter = (c: Ctx, p: number, length: number) => number;

/** print_lcp_config_options */
const printLcpConfigOptions: OptPrinter = (c, p, length) => {
  if (length < 2) return 0;
  if (!c.ttest(p, 2)) { c.s += '[|lcp]'; return 0; }
  const opt = c.u1(p), len = c.u1(p + 1);
  if (length < len) return 0;
  if (len < 2) {
    if (opt < LCP_OPTS.length) c.s += `\n\t  ${LCP_OPTS[opt]} Option (0x${hex2(opt)}), length ${len} (length bogus, should be >= 2)`;
    else c.s += `\n\tunknown LCP option 0x${hex2(opt)}`;
    return 0;
  }
  if (opt < LCP_OPTS.length) c.s += `\n\t  ${LCP_OPTS[opt]} Option (0x${hex2(opt)}), length ${len}`;
  else {
    c.s += `\n\tunknown LCP option 0x${hex2(opt)}`;
    return len;
  }
  switch (opt) {
    case 0: { // LCPOPT_VEXT
      if (len < 6) { c.s += ' (length bogus, should be >= 6)'; return len; }
      const oui = c.u3(p + 2);
      c.s += `: Vendor: ${OUI_NAMES.get(oui) ?? 'Unknown'} (${oui})`;
      break;
    }
    case 1: // MRU
      if (len !== 4) { c.s += ' (length bogus, should be = 4)'; return len; }
      c.s += `: ${c.u2(p + 2)}`;
      break;
    case 2: // ACCM
      if (len !== 6) { c.s += ' (length bogus, should be = 6)'; return len; }
      c.s += `: 0x${hx(c.u4(p + 2), 8)}`;
      break;
    case 3: { // AP
      if (len < 4) { c.s += ' (length bogus, should be >= 4)'; return len; }
      c.s += `: ${PPP_TYPES.get(c.u2(p + 2)) ?? 'Unknown Auth Proto (0x04x)'}`;
      const ap = c.u2(p + 2);
      if (ap === PPP_CHAP) {
        const alg = c.u1(p + 4);
        c.s += `, ${tok2str(AUTH_ALGS, 'Unknown Auth Alg %u', alg)}`;
      } else if (ap !== PPP_PAP && ap !== PPP_EAP && ap !== PPP_SPAP && ap !== PPP_SPAP_OLD) {
        c.unknownData(p, '\n\t', len);
      }
      break;
    }
    case 4: // QP
      if (len < 4) { c.s += ' (length bogus, should be >= 4)'; return 0; }
      c.s += c.u2(p + 2) === PPP_LQM ? ': LQR' : ': unknown';
      break;
    case 5: // MN
      if (len !== 6) { c.s += ' (length bogus, should be = 6)'; return 0; }
      c.s += `: 0x${hx(c.u4(p + 2), 8)}`;
      break;
    case 7: case 8: // PFC, ACFC
      break;
    case 23: // LD
      if (len !== 4) { c.s += ' (length bogus, should be = 4)'; return 0; }
      c.s += `: 0x${hex4(c.u2(p + 2))}`;
      break;
    case 13: { // CBACK
      if (len < 3) { c.s += ' (length bogus, should be >= 3)'; return 0; }
      c.s += ': ';
      const op = c.u1(p + 2);
      c.s += `: Callback Operation ${tok2str(CALLBACKS, 'Unknown', op)} (${op})`;
      break;
    }
    case 17: // MLMRRU
      if (len !== 4) { c.s += ' (length bogus, should be = 4)'; return 0; }
      c.s += `: ${c.u2(p + 2)}`;
      break;
    case 19: { // MLED
      if (len < 3) { c.s += ' (length bogus, should be >= 3)'; return 0; }
      const cls = c.u1(p + 2);
      switch (cls) {
        case 0: c.s += ': Null'; break;
        case 1: c.s += ': Local'; break;
        case 2:
          if (len !== 7) { c.s += ' (length bogus, should be = 7)'; return 0; }
          c.s += `: IPv4 ${c.ip4(p + 3)}`;
          break;
        case 3:
          if (len !== 9) { c.s += ' (length bogus, should be = 9)'; return 0; }
          c.s += `: MAC ${c.mac(p + 3)}`;
          break;
        case 4: c.s += ': Magic-Num-Block'; break;
        case 5: c.s += ': PSNDN'; break;
        default: c.s += `: Unknown class ${cls}`; break;
      }
      break;
    }
    default:
      if (c.verbose < 2) c.unknownData(p + 2, '\n\t    ', len - 2);
      break;
  }
  if (c.verbose > 1) c.unknownData(p + 2, '\n\t    ', len - 2);
  return len;
};

/**
 * The start every config-option printer but LCP's shares (print-ppp.c): the
 * option's type and length read, `[|tag]` when they are not captured, and
 * `\n\t  Name Option (0xNN), length N`. The option's length, or 0 when the
 * printer stops there.
 */
function optionHead(c: Ctx, p: number, length: number, tag: string, names: Tok, unknown: string): number {
  if (length < 2) return 0;
  if (!c.ttest(p, 2)) { c.s += `[|${tag}]`; return 0; }
  const opt = c.u1(p), len = c.u1(p + 1);
  if (length < len) return 0;
  c.s += `\n\t  ${tok2str(names, unknown, opt)} Option (0x${hex2(opt)}), length ${len}`;
  if (len < 2) {
    c.s += ' (length bogus, should be >= 2)';
    return 0;
  }
  return len;
}

/** print_ipcp_config_options */
const printIpcpConfigOptions: OptPrinter = (c, p, length) => {
  const len = optionHead(c, p, length, 'ipcp', IPCP_OPTS, 'unknown');
  if (len === 0) return 0;
  const opt = c.u1(p);
  switch (opt) {
    case 1: { // IPCPOPT_2ADDR
      if (len !== 10) { c.s += ' (length bogus, should be = 10)'; return len; }
      const src = c.ip4(p + 2), dst = c.ip4(p + 6);
      c.s += `: src ${src}, dst ${dst}`;
      break;
    }
    case 2: { // IPCPOPT_IPCOMP
      if (len < 4) { c.s += ' (length bogus, should be >= 4)'; return 0; }
      const comp = c.u2(p + 2);
      c.s += `: ${tok2str(IPCP_COMP, 'Unknown', comp)} (0x${hex2(comp)}):`;
      if (comp === 0x61) {
        if (len < 14) { c.s += ' (length bogus, should be >= 14)'; return 0; }
        if (!c.ttest(p + 2, 14)) { c.s += '[|ipcp]'; return 0; }
        c.s += `\n\t    TCP Space ${c.u2(p + 4)}, non-TCP Space ${c.u2(p + 6)}, maxPeriod ${c.u2(p + 8)}, maxTime ${c.u2(p + 10)}, maxHdr ${c.u2(p + 12)}`;
        if (len > 14) {
          let total = len - 14;
          p += 14;
          c.s += `\n\t      Suboptions, length ${total}`;
          while (total >= 2) {
            if (!c.ttest(p, 2)) { c.s += '[|ipcp]'; return 0; }
            const sub = c.u1(p), sublen = c.u1(p + 1);
            if (sub === 0 || sublen === 0) break;
            c.s += `\n\t\t${tok2str(IPCP_COMP_SUB, 'Unknown', sub)} Suboption #${sub}, length ${sublen}`;
            if (total < sublen) {
              c.s += ` [remaining suboptions length ${total} < ${sublen}] (invalid)`;
              break;
            }
            total -= sublen;
            p += sublen;
          }
        }
      }
      break;
    }
    case 3: case 4: case 129: case 130: case 131: case 132:
      if (len !== 6) { c.s += ' (length bogus, should be = 6)'; return 0; }
      c.s += `: ${c.ip4(p + 2)}`;
      break;
    default:
      if (c.verbose < 2) c.unknownData(p + 2, '\n\t    ', len - 2);
      break;
  }
  if (c.verbose > 1) c.unknownData(p + 2, '\n\t    ', len - 2); // p moved past IP-Comp suboptions, as in tcpdump
  return len;
};

/** print_ip6cp_config_options */
const printIp6cpConfigOptions: OptPrinter = (c, p, length) => {
  const len = optionHead(c, p, length, 'ip6cp', IP6CP_OPTS, 'unknown');
  if (len === 0) return 0;
  const opt = c.u1(p);
  if (opt === 1) {
    if (len !== 10) { c.s += ' (length bogus, should be = 10)'; return len; }
    if (!c.ttest(p + 2, 8)) { c.s += '[|ip6cp]'; return 0; }
    c.s += `: ${hex4(c.u2(p + 2))}:${hex4(c.u2(p + 4))}:${hex4(c.u2(p + 6))}:${hex4(c.u2(p + 8))}`;
  } else if (c.verbose < 2) {
    c.unknownData(p + 2, '\n\t    ', len - 2);
  }
  if (c.verbose > 1) c.unknownData(p + 2, '\n\t    ', len - 2);
  return len;
};

/** print_ccp_config_options */
const printCcpConfigOptions: OptPrinter = (c, p, length) => {
  const len = optionHead(c, p, length, 'ccp', CCP_OPTS, 'Unknown');
  if (len === 0) return 0;
  const opt = c.u1(p);
  switch (opt) {
    case 21: { // BSD-Comp
      if (len < 3) { c.s += ' (length bogus, should be >= 3)'; return len; }
      const v = c.u1(p + 2);
      c.s += `: Version: ${v >> 5}, Dictionary Bits: ${v & 0x1f}`;
      break;
    }
    case 24: { // MVRCA
      if (len < 4) { c.s += ' (length bogus, should be >= 4)'; return len; }
      const v = c.u1(p + 2), ctx = c.u1(p + 3);
      c.s += `: Features: ${(v & 0xc0) >> 6}, PxP: ${v & 0x20 ? 'Enabled' : 'Disabled'}, History: ${v & 0x1f}, #CTX-ID: ${ctx}`;
      break;
    }
    case 26: { // Deflate
      if (len < 4) { c.s += ' (length bogus, should be >= 4)'; return len; }
      const v = c.u1(p + 2), w = c.u1(p + 3);
      c.s += `: Window: ${(v & 0xf0) >> 4}K, Method: ${(v & 0x0f) === 8 ? 'zlib' : 'unknown'} (0x${hx(v & 0x0f)}), MBZ: ${(w & 0xfc) >> 2}, CHK: ${w & 0x03}`;
      break;
    }
    default:
      if (c.verbose < 2) c.unknownData(p + 2, '\n\t    ', len - 2);
      break;
  }
  if (c.verbose > 1) c.unknownData(p + 2, '\n\t    ', len - 2);
  return len;
};

/** print_bacp_config_options */
const printBacpConfigOptions: OptPrinter = (c, p, length) => {
  const len = optionHead(c, p, length, 'bacp', BACP_OPTS, 'Unknown');
  if (len === 0) return 0;
  const opt = c.u1(p);
  if (opt === 1) {
    if (len !== 6) { c.s += ' (length bogus, should be = 6)'; return len; }
    c.s += `: Magic-Num 0x${hx(c.u4(p + 2), 8)}`;
  } else if (c.verbose < 2) {
    c.unknownData(p + 2, '\n\t    ', len - 2);
  }
  if (c.verbose > 1) c.unknownData(p + 2, '\n\t    ', len - 2);
  return len;
};

/** handle_mlppp (without -e) */
function handleMlppp(c: Ctx, p: number, length: number): void {
  c.s += 'MLPPP, ';
  if (length < 2 || !c.ttest(p, 2)) { c.s += '[|mlppp]'; return; }
  const seq = c.u2(p) & 0x0fff, fl = c.u1(p) & 0xc0;
  c.s += `seq 0x${hx(seq, 3)}, Flags [${bittok2str([[0x80, 'begin'], [0x40, 'end']], 'none', fl)}], length ${length}`;
}

/** handle_chap */
function handleChap(c: Ctx, p: number, length: number): void {
  const p0 = p;
  if (length < 1) { c.s += '[|chap]'; return; }
  if (length < 4) { c.s += `[|chap 0x${hex2(c.u1(p))}]`; return; }
  const code = c.u1(p);
  c.s += `CHAP, ${tok2str(CHAP_CODES, 'unknown', code)} (0x${hex2(code)})`;
  p++;
  c.s += `, id ${c.u1(p)}`;
  p++;
  const len = c.u2(p);
  p += 2;
  if (code === 1 || code === 2) {
    if (length - (p - p0) < 1) return;
    const valSize = c.u1(p);
    p++;
    if (length - (p - p0) < valSize) return;
    c.s += ', Value ';
    for (let i = 0; i < valSize; i++) c.s += hex2(c.u1(p++));
    const nameSize = (len - (p - p0)) >>> 0; // u_int: a length field too small runs on to the capture's end
    c.s += ', Name ';
    c.printn(p, nameSize);
    p += nameSize;
  } else if (code === 3 || code === 4) {
    const msgSize = (len - (p - p0)) >>> 0;
    c.s += ', Msg ';
    c.printn(p, msgSize);
    p += msgSize;
  }
}

/** handle_pap */
function handlePap(c: Ctx, p: number, length: number): void {
  const p0 = p;
  if (length < 1) { c.s += '[|pap]'; return; }
  if (length < 4) { c.s += `[|pap 0x${hex2(c.u1(p))}]`; return; }
  const code = c.u1(p);
  c.s += `PAP, ${tok2str(PAP_CODES, 'unknown', code)} (0x${hex2(code)})`;
  p++;
  c.s += `, id ${c.u1(p)}`;
  p++;
  const len = c.u2(p);
  p += 2;
  if (len > length) { c.s += `, length ${len} > packet size`; return; }
  length = len;
  if (length < p - p0) { c.s += `, length ${length} < PAP header length`; return; }
  if (code === 1) {
    if (len < 6) { c.s += '[|pap]'; return; }
    if (length - (p - p0) < 1) return;
    const peerLen = c.u1(p);
    p++;
    if (length - (p - p0) < peerLen) return;
    c.s += ', Peer ';
    c.printn(p, peerLen);
    p += peerLen;
    if (length - (p - p0) < 1) return;
    const pwLen = c.u1(p);
    p++;
    if (length - (p - p0) < pwLen) return;
    c.s += ', Name ';
    c.printn(p, pwLen);
    p += pwLen;
  } else if (code === 2 || code === 3) {
    if (len < 5) { c.s += '[|pap]'; return; }
    if (length - (p - p0) < 1) return;
    const msgLen = c.u1(p);
    p++;
    if (length - (p - p0) < msgLen) return;
    c.s += ', Msg ';
    c.printn(p, msgLen);
    p += msgLen;
  }
}
