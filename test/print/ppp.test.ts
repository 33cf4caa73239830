/**
 * pppText, greV1Text and pppoeText (src/print/print-ppp.ts) print what tcpdump
 * 4.99.3's ppp_print (print-ppp.c), gre_print for GRE version 1 (print-gre.c)
 * and pppoe_print (print-pppoe.c) print, at no -v, -v and -vv. PPP frames built
 * here (LCP with every code and option, IPCP, IP6CP, CCP, BACP, OSICP, MPLSCP,
 * CHAP, PAP, MLPPP, BAP, network-layer packets, unknown protocols, HDLC
 * escapes, bogus lengths) go through the installed tcpdump in three wrappings:
 * PPTP GRE v1 in Ethernet/IPv4, PPPoE session frames (0x8864), and PPPoE
 * discovery frames (0x8863) — whole and cut at many capture lengths — and the
 * text must equal tcpdump's (up to the nested packet's text, for frames that
 * carry one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { greV1Text, pppoeText, pppText, type PppResult } from '../../src/print/print-ppp.js';
import { haveTool } from '../helpers/netlens.js';
import type { CutFrame } from '../helpers/pcap.js';
import { tcpdumpTexts } from '../helpers/tcpdump-texts.js';

// ---------------------------------------------------------------- building packets

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n & 0xffff); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
type Bytes = Buffer | string | number[];
const bytes = (v: Bytes): Buffer => (Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v));
const cat = (...v: Bytes[]): Buffer => Buffer.concat(v.map(bytes));

/** A configuration option (type, length, value); `len` overrides the length byte. */
const opt = (type: number, value: Bytes = [], len?: number): Buffer => {
  const v = bytes(value);
  return cat([type, len ?? 2 + v.length], v);
};
/** A control-protocol packet (code, id, length, data); `len` overrides the length field. */
const cp = (code: number, id: number, data: Bytes = [], len?: number): Buffer => {
  const d = bytes(data);
  return cat([code, id], u16(len ?? 4 + d.length), d);
};
interface PppOpts { acfc?: boolean; pfc?: boolean; header?: number[] }
/** A PPP frame: ff 03 (unless acfc), the protocol (one byte with pfc), the information. */
const ppp = (proto: number, info: Bytes, o: PppOpts = {}): Buffer => cat(
  o.header ?? (o.acfc === true ? [] : [0xff, 0x03]),
  o.pfc === true ? [proto & 0xff] : u16(proto),
  info,
);

function ipv4Header(proto: number, total: number, src: string, dst: string): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(total, 2); ip[8] = 64; ip[9] = proto;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  let s = 0;
  for (let k = 0; k < 20; k += 2) s += ip.readUInt16BE(k);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  ip.writeUInt16BE(~s & 0xffff, 10);
  return ip;
}
/** An ICMP echo request inside IPv4, the network packet some PPP frames carry. */
const INNER_IP = (() => {
  const icmp = hex('0800 f7fe 0001 0001');
  return Buffer.concat([ipv4Header(1, 28, '192.168.7.1', '192.168.7.2'), icmp]);
})();
const INNER_IP6 = (() => {
  const h = Buffer.alloc(40);
  h[0] = 0x60; h.writeUInt16BE(8, 4); h[6] = 17; h[7] = 64;
  hex('fe800000000000000000000000000001').copy(h, 8); hex('fe800000000000000000000000000002').copy(h, 24);
  return Buffer.concat([h, hex('1f90 1f91 0008 0000')]);
})();
const INNER_MPLS = Buffer.concat([hex('0001 41 40'), INNER_IP]);

// ---------------------------------------------------------------- the PPP frames

interface PppCase { name: string; frame: Buffer; /** where the nested packet starts in `frame` */ inner?: number }
const pppCases: PppCase[] = [];
const add = (name: string, frame: Buffer, inner?: number): void => { pppCases.push({ name, frame, ...(inner === undefined ? {} : { inner }) }); };

const MAGIC = u32(0x12345678);

// LCP: every code.
const lcpOptions: [string, Buffer][] = [
  ['Vend-Ext', opt(0, hex('00000c 01 aabb'))], ['Vend-Ext unknown OUI', opt(0, hex('123456 02'))], ['Vend-Ext 0080c2', opt(0, hex('0080c2 02'))],
  ['Vend-Ext bogus', opt(0, hex('0000'))],
  ['MRU', opt(1, u16(1492))], ['MRU bogus', opt(1, [5])], ['MRU long', opt(1, hex('05dc00'))],
  ['ACCM', opt(2, u32(0))], ['ACCM ffff', opt(2, u32(0xffffffff))], ['ACCM bogus', opt(2, hex('0000'))],
  ['AP PAP', opt(3, u16(0xc023))], ['AP CHAP MD5', opt(3, hex('c223 05'))], ['AP CHAP MS1', opt(3, hex('c223 80'))],
  ['AP CHAP MS2', opt(3, hex('c223 81'))], ['AP CHAP unknown alg', opt(3, hex('c223 07'))], ['AP EAP', opt(3, u16(0xc227))],
  ['AP SPAP', opt(3, u16(0xc027))], ['AP old SPAP', opt(3, u16(0xc123))], ['AP unknown', opt(3, hex('1234 abcd'))],
  ['AP known non-auth', opt(3, hex('8021 01'))], ['AP bogus', opt(3, [0xc0])],
  ['QP LQR', opt(4, hex('c025 00000064'))], ['QP other', opt(4, hex('c027'))], ['QP bogus', opt(4, [1])],
  ['Magic', opt(5, MAGIC)], ['Magic bogus', opt(5, hex('1234'))],
  ['PFC', opt(7)], ['ACFC', opt(8)], ['PFC with data', opt(7, [1, 2])],
  ['LD', opt(23, u16(0xbeef))], ['LD bogus', opt(23, [1, 2, 3])],
  ['CBACK bogus', opt(13)],
  ['MRRU', opt(17, u16(1600))], ['MRRU bogus', opt(17, [1])],
  ['MLED bogus', opt(19)], ['MLED null', opt(19, [0])], ['MLED local', opt(19, hex('01 aabbcc'))],
  ['MLED IPv4', opt(19, hex('02 0a000001'))], ['MLED IPv4 bogus', opt(19, hex('02 0a0000'))],
  ['MLED MAC', opt(19, hex('03 00005e0053ff'))], ['MLED MAC bogus', opt(19, hex('03 00005e00'))],
  ['MLED MNB', opt(19, hex('04 01020304'))], ['MLED PSNDN', opt(19, hex('05 3535'))], ['MLED class 6', opt(19, [6])], ['MLED class 255', opt(19, [255, 1])],
  ['unknown 31', opt(31, [1, 2, 3])], ['unknown 200', opt(200)], ['unknown 255', opt(255, 'abc')],
];
for (const cb of [0, 1, 2, 3, 4, 5, 6, 7, 200]) lcpOptions.push([`CBACK ${cb}`, opt(13, [cb, 0x35, 0x35])]);
for (const t of [6, 9, 10, 11, 12, 14, 15, 16, 18, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30]) {
  lcpOptions.push([`option ${t}`, opt(t, Array.from({ length: (t % 5) + 1 }, (_, k) => k * 17 + t))]);
  lcpOptions.push([`option ${t} empty`, opt(t)]);
}
for (const code of [1, 2, 3, 4]) {
  add(`LCP ${code} all options`, ppp(0xc021, cp(code, code, Buffer.concat(lcpOptions.map(([, o]) => o)))));
  add(`LCP ${code} no options`, ppp(0xc021, cp(code, 9)));
}
for (const [name, o] of lcpOptions) add(`LCP Conf-Request ${name}`, ppp(0xc021, cp(1, 1, Buffer.concat([o, opt(1, u16(1500))]))));
// AP CHAP with no algorithm byte: tcpdump reads the next option's first byte
add('LCP AP CHAP without algorithm', ppp(0xc021, cp(1, 1, cat(opt(3, u16(0xc223)), opt(5, MAGIC)))));
add('LCP AP CHAP without algorithm, last', ppp(0xc021, cp(1, 1, opt(3, u16(0xc223)))));
add('LCP bogus option length 0', ppp(0xc021, cp(1, 1, cat(opt(1, u16(1500)), opt(5, [], 0), opt(7)))));
add('LCP bogus option length 1', ppp(0xc021, cp(1, 1, cat(opt(5, [], 1), opt(7)))));
add('LCP unknown option length 1', ppp(0xc021, cp(1, 1, cat(opt(77, [], 1), opt(7)))));
add('LCP option longer than packet', ppp(0xc021, cp(1, 1, cat(opt(1, u16(1500)), opt(5, MAGIC, 40)))));
add('LCP option past the options', ppp(0xc021, cp(1, 1, cat(opt(7), opt(2, u32(0))), 8)));
add('LCP options cut by length field', ppp(0xc021, cp(1, 1, cat(opt(1, u16(1500)), opt(5, MAGIC)), 10)));
add('LCP encoded length < 4', ppp(0xc021, cp(1, 1, opt(1, u16(1500)), 3)));
add('LCP encoded length > packet', ppp(0xc021, cp(1, 1, opt(1, u16(1500)), 200)));
add('LCP odd option bytes', ppp(0xc021, cp(1, 1, cat(opt(1, u16(1500)), [0x05]))));
add('LCP Vendor-Extension', ppp(0xc021, cp(0, 3, cat(MAGIC, hex('00000c 01 02 03')))));
add('LCP Vendor-Extension unknown OUI', ppp(0xc021, cp(0, 3, cat(MAGIC, hex('abcdef 01 02 03 04 05')))));
add('LCP Vendor-Extension short', ppp(0xc021, cp(0, 3, cat(MAGIC, hex('00000c')))));
add('LCP Term-Request', ppp(0xc021, cp(5, 4, 'User request')));
add('LCP Term-Ack', ppp(0xc021, cp(6, 4)));
add('LCP Term-Ack with data', ppp(0xc021, cp(6, 4, [1, 2, 3])));
add('LCP Code-Reject', ppp(0xc021, cp(7, 5, cp(77, 1, [9, 9]))));
for (const rp of [0x8021, 0x80fd, 0x8057, 0x1234, 0x002d]) {
  add(`LCP Prot-Reject ${rp.toString(16)}`, ppp(0xc021, cp(8, 6, cat(u16(rp), cp(1, 1, opt(1, u16(1500)))))));
}
add('LCP Prot-Reject bare', ppp(0xc021, cp(8, 6, u16(0x8057))));
add('LCP Prot-Reject short', ppp(0xc021, cp(8, 6, [0x80])));
for (const code of [9, 10, 11]) {
  add(`LCP ${code} magic`, ppp(0xc021, cp(code, 7, MAGIC)));
  add(`LCP ${code} with data`, ppp(0xc021, cp(code, 7, cat(MAGIC, 'hello, peer\x1b[0m\x00\xff'))));
  add(`LCP ${code} short`, ppp(0xc021, cp(code, 7, [1, 2])));
  add(`LCP ${code} long data`, ppp(0xc021, cp(code, 7, cat(MAGIC, Buffer.from(Array.from({ length: 41 }, (_, k) => k))))));
}
add('LCP Ident', ppp(0xc021, cp(12, 8, cat(MAGIC, 'pppd 2.4.9 \x1b\x7f\x80\xff'))));
add('LCP Ident magic only', ppp(0xc021, cp(12, 8, MAGIC)));
add('LCP Ident short', ppp(0xc021, cp(12, 8, [0, 1])));
add('LCP Ident with trailer', ppp(0xc021, cat(cp(12, 8, cat(MAGIC, 'abc')), 'WXYZ!')));
add('LCP Ident with short trailer', ppp(0xc021, cat(cp(12, 8, cat(MAGIC, 'abc')), 'WX')));
add('LCP Time-Rem', ppp(0xc021, cp(13, 9, cat(MAGIC, u32(3600), 'one hour'))));
add('LCP Time-Rem no message', ppp(0xc021, cp(13, 9, cat(MAGIC, u32(0xffffffff)))));
add('LCP Time-Rem short', ppp(0xc021, cp(13, 9, cat(MAGIC, [1, 2]))));
for (const code of [14, 15, 16, 99, 255]) add(`LCP code ${code}`, ppp(0xc021, cp(code, 10, cat(MAGIC, 'xyz'))));
add('LCP code 16 no data', ppp(0xc021, cp(16, 10)));
add('LCP too short', ppp(0xc021, [1, 2, 0]));
add('LCP 1 byte', ppp(0xc021, [1]));
add('LCP empty', ppp(0xc021, []));
add('LCP id only, length', ppp(0xc021, [1, 2, 0, 4]));
add('LCP no ACFC, PFC-looking', ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }));
add('LCP pppd in header', ppp(0xc021, cp(9, 1, MAGIC), { header: [0x00, 0x03] }));
add('LCP pppd out header', ppp(0xc021, cp(9, 1, MAGIC), { header: [0x01, 0x03] }));

// IPCP.
const ipcpOptions: Buffer[] = [
  opt(1, hex('0a000001 0a000002')), opt(1, hex('0a000001')), opt(2, hex('002d 0f01')), opt(2, hex('002d')),
  opt(2, hex('0061 000f 0010 0100 0005 0028')),
  opt(2, hex('0061 000f 0010 0100 0005 0028 0102 0202 0302')),
  opt(2, hex('0061 000f 0010 0100 0005 0028 0104 0000')),
  opt(2, hex('0061 000f 0010 0100 0005 0028 0105')),
  opt(2, hex('0061 000f 0010 0100 0005 0028 0100')),
  opt(2, hex('0061 000f')), opt(2, hex('1234 56')), opt(2, [0]),
  opt(3, hex('c0a80001')), opt(3, hex('00000000')), opt(3, hex('c0a800')), opt(4, hex('0a0a0a0a')),
  opt(129, hex('08080808')), opt(130, hex('0a000035')), opt(131, hex('08080404')), opt(132, hex('0a000036')),
  opt(131, hex('0808040400')), opt(5, [1, 2, 3]), opt(128), opt(133, 'abc'), opt(255, [0xff]),
];
for (const code of [1, 2, 3, 4]) add(`IPCP ${code} all options`, ppp(0x8021, cp(code, code + 20, Buffer.concat(ipcpOptions))));
for (const [k, o] of ipcpOptions.entries()) add(`IPCP option #${k}`, ppp(0x8021, cp(1, 1, cat(o, opt(3, hex('0a000001'))))));
add('IPCP hdrcomp suboption overrun', ppp(0x8021, cp(1, 1, opt(2, hex('0061 000f 0010 0100 0005 0028 0109 0000')))));
add('IPCP hdrcomp at the end', ppp(0x8021, cp(1, 1, opt(2, hex('0061 000f 0010 0100 0005 0028')))));
add('IPCP hdrcomp suboptions at the end', ppp(0x8021, cp(1, 1, opt(2, hex('0061 000f 0010 0100 0005 0028 0102 0202')))));
add('IPCP bogus length', ppp(0x8021, cp(1, 1, cat(opt(3, hex('0a000001')), opt(3, [], 1)))));
add('IPCP Term-Request', ppp(0x8021, cp(5, 2)));
add('IPCP Code-Reject', ppp(0x8021, cp(7, 2, [1, 2, 3, 4])));
add('IPCP code 9', ppp(0x8021, cp(9, 2, MAGIC)));
add('IPCP code 14', ppp(0x8021, cp(14, 2, [1])));
add('IPCP PFC-compressed protocol', ppp(0x8021, cp(1, 1, opt(3, hex('0a000001'))), { acfc: true }));

// IP6CP.
for (const code of [1, 2, 3, 4]) {
  add(`IP6CP ${code}`, ppp(0x8057, cp(code, 3, cat(opt(1, hex('0211 22ff fe33 4455')), opt(2, hex('004f')), opt(1, hex('0211')), opt(1, hex('0000 0000 0000 0001')), opt(0), opt(77, [1, 2, 3, 4, 5, 6, 7])))));
}
add('IP6CP Interface-ID at the end', ppp(0x8057, cp(1, 3, opt(1, hex('0211 22ff fe33 4455')))));
add('IP6CP bogus', ppp(0x8057, cp(1, 3, opt(1, [], 1))));

// CCP.
const ccpOptions: Buffer[] = [
  opt(0, hex('00000c 01')), opt(1), opt(2), opt(3, [1]), opt(16, [1, 2]), opt(17, hex('0001 03')), opt(18, hex('01000040')),
  opt(19, [1]), opt(20, [1, 0, 2, 0]), opt(21, [0x2f]), opt(21, [0x20, 1]), opt(21), opt(23, [1, 2, 3]), opt(24, [0xe5, 3]), opt(24, [0x1f, 0]),
  opt(24, [1]), opt(25, [1]), opt(26, [0x78, 0x00]), opt(26, [0x7f, 0xff]), opt(26, [0x43, 0x05, 0x07]), opt(26, [0x78]), opt(255), opt(22, [1]), opt(100, [1, 2, 3]),
];
for (const code of [1, 2, 3, 4]) add(`CCP ${code} all options`, ppp(0x80fd, cp(code, 4, Buffer.concat(ccpOptions))));
for (const [k, o] of ccpOptions.entries()) add(`CCP option #${k}`, ppp(0x80fd, cp(1, 4, o)));
add('CCP Reset-Req', ppp(0x80fd, cp(14, 5)));
add('CCP Reset-Ack data', ppp(0x80fd, cp(15, 5, [1, 2, 3])));
add('CCP Term-Ack', ppp(0x80fd, cp(6, 5)));
add('CCP bogus length', ppp(0x80fd, cp(1, 4, cat(opt(26, [0x78, 0]), opt(1, [], 0)))));

// BACP, OSICP, MPLSCP.
for (const code of [1, 2, 3, 4]) add(`BACP ${code}`, ppp(0xc02b, cp(code, 6, cat(opt(1, MAGIC), opt(1, [1, 2]), opt(2, [1, 2, 3])))));
add('BACP bogus', ppp(0xc02b, cp(1, 6, opt(1, [], 1))));
add('BACP Favored-Peer at the end', ppp(0xc02b, cp(1, 6, opt(1, MAGIC))));
add('BACP Echo', ppp(0xc02b, cp(9, 6, MAGIC)));
add('OSICP Conf-Request', ppp(0x8023, cp(1, 7, opt(1, [1]))));
add('OSICP Term', ppp(0x8023, cp(5, 7)));
add('MPLSCP Conf-Request', ppp(0x8281, cp(1, 8, opt(1, [1, 2]))));
add('MPLSCP Conf-Ack empty', ppp(0x8281, cp(2, 8)));
add('MPLSCP code 20', ppp(0x8281, cp(20, 8, [1, 2])));

// CHAP.
const NAME = 'alice\x1b[1m\x7f\x80\xff\x00x';
for (const code of [1, 2]) {
  add(`CHAP ${code}`, ppp(0xc223, cp(code, 11, cat([16], Buffer.from(Array.from({ length: 16 }, (_, k) => k * 15)), NAME))));
  add(`CHAP ${code} no name`, ppp(0xc223, cp(code, 11, cat([4], MAGIC))));
  add(`CHAP ${code} value too long`, ppp(0xc223, cp(code, 11, cat([40], MAGIC))));
  add(`CHAP ${code} no value size`, ppp(0xc223, cp(code, 11)));
  add(`CHAP ${code} length field short`, ppp(0xc223, cp(code, 11, cat([2], [1, 2], 'name'), 5)));
  add(`CHAP ${code} length field long`, ppp(0xc223, cp(code, 11, cat([2], [1, 2], 'name'), 40)));
  add(`CHAP ${code} length field shorter than value`, ppp(0xc223, cp(code, 11, cat([4], MAGIC), 6)));
}
for (const code of [3, 4]) {
  add(`CHAP ${code}`, ppp(0xc223, cp(code, 12, 'Welcome \x1b]0;pwn\x07 \xe9')));
  add(`CHAP ${code} MS-CHAP`, ppp(0xc223, cp(code, 12, 'S=0123456789ABCDEF0123456789ABCDEF01234567 M=OK')));
  add(`CHAP ${code} empty`, ppp(0xc223, cp(code, 12)));
  add(`CHAP ${code} length field short`, ppp(0xc223, cp(code, 12, 'abc', 2)));
  add(`CHAP ${code} length field long`, ppp(0xc223, cp(code, 12, 'abc', 20)));
}
add('CHAP code 5', ppp(0xc223, cp(5, 13, 'xyz')));
add('CHAP code 0', ppp(0xc223, cp(0, 13)));
add('CHAP 3 bytes', ppp(0xc223, [1, 2, 3]));
add('CHAP 1 byte', ppp(0xc223, [4]));
add('CHAP empty', ppp(0xc223, []));

// PAP.
add('PAP Auth-Req', ppp(0xc023, cp(1, 14, cat([5], 'bob\x1b!', [8], 'p\x00ss\x80\xffw\x7f'))));
add('PAP Auth-Req empty fields', ppp(0xc023, cp(1, 14, [0, 0])));
add('PAP Auth-Req no password length', ppp(0xc023, cp(1, 14, cat([3], 'bob'))));
add('PAP Auth-Req peer too long', ppp(0xc023, cp(1, 14, cat([30], 'bob'))));
add('PAP Auth-Req password too long', ppp(0xc023, cp(1, 14, cat([3], 'bob', [30], 'pw'))));
add('PAP Auth-Req short', ppp(0xc023, cp(1, 14, [0])));
add('PAP Auth-Req length field long', ppp(0xc023, cp(1, 14, cat([3], 'bob', [2], 'pw'), 99)));
add('PAP Auth-Req length field 3', ppp(0xc023, cp(1, 14, cat([3], 'bob'), 3)));
add('PAP Auth-Req length field cuts', ppp(0xc023, cp(1, 14, cat([3], 'bob', [2], 'pw'), 9)));
for (const code of [2, 3]) {
  add(`PAP ${code}`, ppp(0xc023, cp(code, 15, cat([12], 'Login ok\x1b\x01\x80\xff'))));
  add(`PAP ${code} empty message`, ppp(0xc023, cp(code, 15, [0])));
  add(`PAP ${code} no message`, ppp(0xc023, cp(code, 15)));
  add(`PAP ${code} message too long`, ppp(0xc023, cp(code, 15, cat([20], 'short'))));
}
add('PAP code 4', ppp(0xc023, cp(4, 16, 'data')));
add('PAP 2 bytes', ppp(0xc023, [1, 2]));
add('PAP empty', ppp(0xc023, []));

// MLPPP, BAP, compressed, unknown protocols.
for (const f of [0x00, 0x40, 0x80, 0xc0, 0xff]) add(`MLPPP flags ${f}`, ppp(0x003d, cat([f, 0x23], INNER_IP)));
add('MLPPP PFC', ppp(0x003d, [0xc0, 1, 2, 3], { pfc: true }));
add('MLPPP short', ppp(0x003d, [0x80]));
add('BAP', ppp(0xc02d, cp(1, 1, [1, 2, 3])));
add('compressed', ppp(0x00fd, [1, 2, 3, 4]));
add('compressed PFC', ppp(0x00fd, [1, 2, 3, 4], { pfc: true, acfc: true }));
for (const proto of [0x0025, 0x0027, 0x0029, 0x002d, 0x0031, 0x0033, 0x0035, 0x0201, 0x0231, 0x0233, 0x8025, 0x8027, 0x8029, 0x802b, 0x8033, 0x8035, 0xc025, 0xc027, 0xc227, 0xc123, 0xc03d, 0x1234, 0x0000, 0xfffe, 0x8001]) {
  add(`protocol 0x${proto.toString(16)}`, ppp(proto, Buffer.from(Array.from({ length: 37 }, (_, k) => (k * 7 + proto) & 0xff))));
}
add('unknown protocol, no data', ppp(0x4444, []));
add('unknown protocol PFC', ppp(0x0045, [1, 2, 3], { pfc: true }));

// Network-layer packets (printed by the caller).
add('IP', ppp(0x0021, INNER_IP), 4);
add('IP, PFC', ppp(0x0021, INNER_IP, { pfc: true }), 3);
add('IP, PFC and ACFC', ppp(0x0021, INNER_IP, { pfc: true, acfc: true }), 1);
add('IP, ACFC', ppp(0x0021, INNER_IP, { acfc: true }), 2);
add('IP, VJ uncompressed', ppp(0x002f, INNER_IP), 4);
add('IP, 0x0800', ppp(0x0800, INNER_IP), 4);
add('IPv6', ppp(0x0057, INNER_IP6), 4);
add('IPv6, PFC', ppp(0x0057, INNER_IP6, { pfc: true, acfc: true }), 1);
add('IPv6, 0x86dd', ppp(0x86dd, INNER_IP6), 4);
add('MPLS unicast', ppp(0x0281, INNER_MPLS), 4);
add('MPLS multicast', ppp(0x0283, INNER_MPLS), 4);
add('IPX', ppp(0x002b, hex('ffff 001e 00 11 00000001 ffffffffffff 0453 00000002 0000005e0001 0453')));
add('IPX, 0x8137', ppp(0x8137, hex('ffff 001e 00 11 00000001 ffffffffffff 0453 00000002 0000005e0001 0453')));
add('OSI', ppp(0x0023, hex('83 1b 01 00 14 01 00 00 00 1b 00 1e 00 05')));

// Too short for a protocol; HDLC escapes (ppp_hdlc).
add('0 bytes', Buffer.alloc(0));
add('1 byte', hex('ff'));
add('ff 03 only', hex('ff03'));
add('ff 03 and 1 byte', hex('ff03 c0'));
add('ff 03 and PFC byte', hex('ff03 21'));
add('HDLC LCP', cat(hex('ff03 7e ff 7d 23 c0 21'), cp(9, 1, MAGIC)));
add('HDLC PPP without ff03', cat(hex('ff03 7e c0 21'), cp(9, 1, MAGIC)));
add('HDLC invalid inner protocol', hex('ff03 7e ff 7d 23 7e 10 01 02'));
add('HDLC invalid protocol', hex('ff03 7e 7e 11 01 02'));
add('HDLC 1 byte', hex('ff03 7e 00'));
add('HDLC escape at the end', hex('ff03 7e 7d'));
add('HDLC 2 bytes', hex('ff03 7e ff 7d'));
add('HDLC ff03 short', hex('ff03 7e ff 7d 23 c0'));
add('HDLC escaped LCP code', cat(hex('ff03 7e ff 03 c0 21 7d 21 05 00 08'), MAGIC));
add('HDLC IP', cat(hex('ff03 7e 21'), INNER_IP));
add('HDLC IPv6', cat(hex('ff03 7e 57'), INNER_IP6));
add('HDLC CHAP', cat(hex('ff03 7e c2 23'), cp(3, 1, 'ok\x7d\x5e')));

// Random frames from a fixed seed (bytes and lengths as captures hold them).
let seed = 0x5eed;
const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
const ri = (n: number): number => rnd() % n;
for (let k = 0; k < 150; k++) {
  const proto = [0xc021, 0x8021, 0x8057, 0x80fd, 0xc02b, 0xc223, 0xc023, 0x003d, 0x8023][ri(9)]!;
  const o: Buffer[] = [];
  for (let n = ri(6); n > 0; n--) {
    const t = proto === 0x8021 ? [1, 2, 3, 4, 129, 130, 131, 132, ri(256)][ri(9)]! : ri(3) === 0 ? ri(256) : ri(32);
    const v = Buffer.from(Array.from({ length: ri(12) }, () => ri(256)));
    if (t === 2 && ri(2) === 0) { v[0] = 0; v[1] = 0x61; }
    o.push(ri(10) === 0 ? opt(t, v, ri(20)) : opt(t, v));
  }
  const body = Buffer.concat(o);
  add(`random ${k}`, ppp(proto, cp(ri(4) === 0 ? ri(20) : 1 + ri(4), ri(256), body, ri(12) === 0 ? ri(60) : undefined)));
}

// ---------------------------------------------------------------- wrapping

interface Built {
  name: string;
  frame: Buffer | CutFrame;
  /** text of tcpdump's line that is ours: after "a > b: " for GRE, after the time stamp for PPPoE */
  marker: string | null;
  ours: (verbose: number) => PppResult;
  /** offset of the nested packet in the frame, when it is there to be printed */
  inner?: number;
}

const ETH_IP = hex('020000000002 020000000001 0800');
const SRC = '10.0.0.1', DST = '10.0.0.2';

interface GreOpts { flags?: number; proto?: number; call?: number; seq?: number; ack?: number; greBytes?: Buffer }
/** Ethernet + IPv4 (protocol 47) + enhanced GRE + the PPP frame, cut to `cap` bytes of the IP payload. */
function greFrame(name: string, pppFrame: Buffer, g: GreOpts = {}, cap?: number, inner?: number): Built {
  const flags = g.flags ?? 0x3081;
  const parts: Buffer[] = [u16(flags), u16(g.proto ?? 0x880b)];
  if (flags & 0x2000) parts.push(u16(pppFrame.length), u16(g.call ?? 0x1a2b));
  if (flags & 0x1000) parts.push(u32(g.seq ?? 7));
  if (flags & 0x0080) parts.push(u32(g.ack ?? 6));
  const gre = g.greBytes ?? Buffer.concat(parts);
  const payload = Buffer.concat([gre, pppFrame]);
  const full = Buffer.concat([ETH_IP, ipv4Header(47, 20 + payload.length, SRC, DST), payload]);
  const capEnd = cap === undefined ? full.length : Math.min(full.length, 34 + cap);
  const buf = full.subarray(0, capEnd);
  return {
    name, marker: `${SRC} > ${DST}: `,
    frame: cap === undefined ? full : { data: buf, wireLen: full.length },
    ours: (v) => greV1Text(buf, 34, capEnd, payload.length, v),
    ...(inner === undefined ? {} : { inner: 34 + gre.length + inner }),
  };
}

/** Ethernet (type 0x8863 or 0x8864) + PPPoE header + payload, padded with `pad`, cut to `cap` bytes of the Ethernet payload. */
function pppoeFrame(name: string, code: number, payload: Buffer, o: { sid?: number; lenField?: number; verType?: number; pad?: Buffer; cap?: number; session?: boolean; inner?: number } = {}): Built {
  const session = o.session ?? code === 0;
  const eth = hex(`020000000002 020000000001 ${session ? '8864' : '8863'}`);
  const h = cat([o.verType ?? 0x11, code], u16(o.sid ?? 0), u16(o.lenField ?? payload.length));
  const full = Buffer.concat([eth, h, payload, o.pad ?? Buffer.alloc(0)]);
  const capEnd = o.cap === undefined ? full.length : Math.min(full.length, 14 + o.cap);
  const buf = full.subarray(0, capEnd);
  return {
    name, marker: null,
    frame: o.cap === undefined ? full : { data: buf, wireLen: full.length },
    ours: (v) => pppoeText(buf, 14, capEnd, full.length - 14, v, session),
    ...(o.inner === undefined ? {} : { inner: 20 + o.inner }),
  };
}

const built: Built[] = [];

// (a) PPTP GRE v1.
for (const c of pppCases) built.push(greFrame(`GRE ${c.name}`, c.frame, {}, undefined, c.inner));
for (const [k, c] of pppCases.entries()) {
  if (k % 3 !== 0) continue;
  built.push(greFrame(`GRE K|S ${c.name}`, c.frame, { flags: 0x3001, call: k, seq: k * 1000 }, undefined, c.inner));
}
for (const flags of [0x2001, 0x2081, 0x3001, 0x3081, 0x1001, 0x0001, 0x1081, 0x0081, 0xb081, 0x7081, 0x3881, 0x3f81, 0x3085]) {
  built.push(greFrame(`GRE flags 0x${flags.toString(16)}`, ppp(0xc021, cp(9, 1, MAGIC)), { flags, call: 0xffff, seq: 0xffffffff, ack: 0 }));
}
for (const v of [2, 3, 4, 5, 6, 7]) built.push(greFrame(`GRE version ${v}`, ppp(0xc021, cp(9, 1, MAGIC)), { flags: 0x3080 | v }));
built.push(greFrame('GRE proto 0x0800', INNER_IP, { proto: 0x0800 }));
built.push(greFrame('GRE proto 0x1234', hex('0102'), { proto: 0x1234 }));
for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 15, 16]) built.push(greFrame(`GRE header of ${n} bytes`, Buffer.alloc(0), { greBytes: hex('3081 880b 0006 1a2b 00000007 00000006').subarray(0, n) }));
// Captures cut at every length for some frames.
const cutNames = new Set(['LCP 1 all options', 'IPCP 1 all options', 'IP6CP 1', 'CCP 1 all options', 'BACP 1', 'CHAP 1', 'CHAP 3', 'PAP Auth-Req', 'PAP 2',
  'LCP 9 with data', 'LCP Ident', 'LCP Time-Rem', 'LCP Prot-Reject 8021', 'LCP Vendor-Extension', 'MLPPP flags 192', 'protocol 0x1234', 'IP', 'HDLC LCP', 'IPCP option #6', 'LCP code 14']);
for (const c of pppCases) {
  if (!cutNames.has(c.name)) continue;
  const full = 16 + c.frame.length;
  for (let cap = 0; cap < full; cap++) built.push(greFrame(`GRE ${c.name} cut at ${cap}`, c.frame, {}, cap, c.inner));
}

// (b) PPPoE session.
for (const c of pppCases) {
  const body = c.frame.length >= 2 && c.frame[0] === 0xff && c.frame[1] === 0x03 ? c.frame.subarray(2) : c.frame;
  const innerAt = c.inner === undefined ? undefined : c.inner - (c.frame.length - body.length);
  built.push(pppoeFrame(`PPPoE ${c.name}`, 0, body, { sid: 0x1234, ...(innerAt === undefined ? {} : { inner: innerAt }) }));
}
for (const [k, c] of pppCases.entries()) {
  if (k % 4 !== 0) continue;
  built.push(pppoeFrame(`PPPoE with ff03, padded ${c.name}`, 0, c.frame, { sid: 1, pad: Buffer.from('PADDING\x1b\x00\xffPADDINGPADDINGPADDINGPADDINGPADDINGPADDING', 'latin1'), ...(c.inner === undefined ? {} : { inner: c.inner }) }));
}
for (const c of pppCases) {
  if (!cutNames.has(c.name)) continue;
  const body = c.frame.subarray(2);
  for (let cap = 0; cap < 6 + body.length; cap++) built.push(pppoeFrame(`PPPoE ${c.name} cut at ${cap}`, 0, body, { sid: 2, cap }));
}
built.push(pppoeFrame('PPPoE Ident padded', 0, ppp(0xc021, cp(12, 8, cat(MAGIC, 'abc')), { acfc: true }), { sid: 3, pad: Buffer.alloc(30, 0x41) }));
built.push(pppoeFrame('PPPoE session length field short', 0, ppp(0xc021, cp(9, 1, cat(MAGIC, 'more')), { acfc: true }), { lenField: 8 }));
built.push(pppoeFrame('PPPoE session length field long', 0, ppp(0xc021, cp(9, 1, cat(MAGIC, 'more')), { acfc: true }), { lenField: 200 }));
built.push(pppoeFrame('PPPoE session length field 0', 0, ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }), { lenField: 0 }));
built.push(pppoeFrame('PPPoE session length field 1', 0, ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }), { lenField: 1 }));
built.push(pppoeFrame('PPPoE session sid 0', 0, ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }), { sid: 0 }));
built.push(pppoeFrame('PPPoE session version 2', 0, ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }), { verType: 0x21 }));
built.push(pppoeFrame('PPPoE session type 0', 0, ppp(0xc021, cp(9, 1, MAGIC), { acfc: true }), { verType: 0x10 }));

// (c) PPPoE discovery.
const tag = (type: number, value: Bytes = []): Buffer => { const v = bytes(value); return cat(u16(type), u16(v.length), v); };
const allTags = [
  tag(0x0101), tag(0x0101, 'internet'), tag(0x0102, 'BRAS-01 \x1b[7m'), tag(0x0103, hex('deadbeef')), tag(0x0103, 'host-uniq-text'),
  tag(0x0104, hex('0123456789abcdef0123456789abcdef')), tag(0x0105, cat(u32(0x00000de9), 'circuit-id eth 1/1/1:100')),
  tag(0x0105, hex('00000de9 0104 0102')), tag(0x0110, hex('00010203040506')), tag(0x0120, u16(1500)),
  tag(0x0201, 'no such service'), tag(0x0202, 'out of sessions'), tag(0x0203, 'generic error \x00\x01'), tag(0x0999, 'unknown tag'),
  tag(0x0101, 'x'.repeat(90)), tag(0x0102, 'ab\x00\x01'), tag(0x0102, 'abc\x00\x01'), tag(0xffff, [1]),
];
for (const code of [0x09, 0x07, 0x19, 0x65, 0xa7, 0x55, 0x01, 0xff]) {
  built.push(pppoeFrame(`PPPoE discovery 0x${code.toString(16)} all tags`, code, Buffer.concat(allTags), { sid: code === 0x65 || code === 0xa7 ? 0x0042 : 0 }));
  built.push(pppoeFrame(`PPPoE discovery 0x${code.toString(16)} no tags`, code, Buffer.alloc(0)));
}
for (const [k, t] of allTags.entries()) built.push(pppoeFrame(`PPPoE PADI tag #${k}`, 0x09, cat(tag(0x0101), t)));
built.push(pppoeFrame('PPPoE PADO EOL then more', 0x07, cat(tag(0x0102, 'ac'), tag(0), tag(0x0101, 'after'))));
built.push(pppoeFrame('PPPoE PADO EOL with value', 0x07, cat(tag(0, 'zz'), tag(0x0101, 'after'))));
built.push(pppoeFrame('PPPoE PADI len > 1478', 0x09, tag(0x0101), { lenField: 1479 }));
built.push(pppoeFrame('PPPoE PADI len 1478', 0x09, tag(0x0101), { lenField: 1478 }));
built.push(pppoeFrame('PPPoE PADR length field short', 0x19, cat(tag(0x0101, 'a'), tag(0x0103, 'bcd')), { lenField: 6 }));
built.push(pppoeFrame('PPPoE PADR length field mid-tag', 0x19, cat(tag(0x0101, 'a'), tag(0x0103, 'bcd')), { lenField: 2 }));
built.push(pppoeFrame('PPPoE PADS tag past the payload', 0x65, cat(tag(0x0101, 'a'), u16(0x0103), u16(40), 'xy'), { sid: 9 }));
built.push(pppoeFrame('PPPoE PADS odd trailer', 0x65, cat(tag(0x0101, 'a'), [1]), { sid: 9 }));
built.push(pppoeFrame('PPPoE PADT padded', 0xa7, tag(0x0203, 'bye'), { sid: 9, pad: Buffer.alloc(20, 0x01) }));
built.push(pppoeFrame('PPPoE PADI version 0 type 2', 0x09, tag(0x0101), { verType: 0x02 }));
built.push(pppoeFrame('PPPoE PADI type 15 version 15', 0x09, tag(0x0101), { verType: 0xff }));
{
  const body = Buffer.concat(allTags.slice(0, 8));
  for (let cap = 0; cap <= 6 + body.length; cap++) built.push(pppoeFrame(`PPPoE PADO cut at ${cap}`, 0x07, body, { cap }));
}
for (let n = 0; n < 6; n++) {
  const eth = hex('020000000002 020000000001 8863');
  const full = Buffer.concat([eth, hex('1109 0000 0000').subarray(0, n)]);
  built.push({ name: `PPPoE header of ${n} bytes`, marker: null, frame: full, ours: (v) => pppoeText(full, 14, full.length, n, v, false) });
}

// ---------------------------------------------------------------- tcpdump


const tcpdump = haveTool('tcpdump');
if (!tcpdump) console.log('ppp.test.ts: tcpdump is not installed; the comparisons with tcpdump 4.99.3 are skipped');

/** What the nested printers (ip_print, ip6_print, mpls_print) print first; ` [|ip]` & co. when nothing of the packet was captured. */
const NESTED: Record<number, RegExp> = { 0x0800: /^IP |^IP \(|192\.168\.7\.1 > |^ \[\|ip\]$/, 0x86dd: /^IP6 |fe80::1 > |^ \[\|ip6\]$/, 0x8847: /^MPLS |^ \[\|mpls\]$/, 0x8137: /./, 0x00fe: /./ };

describe.skipIf(!tcpdump)('PPP in GRE v1 and PPPoE equals tcpdump 4.99.3 on built frames', () => {
  it('has the cases it claims', () => {
    expect(pppCases.length).toBeGreaterThan(350);
    expect(built.length).toBeGreaterThan(2000);
  });
  for (const [verbose, flags] of [[0, []], [1, ['-v']], [2, ['-vv']]] as [number, string[]][]) {
    it(`${flags.join(' ') || 'no -v'}: ${built.length} frames`, () => {
      const theirs = tcpdumpTexts(built, flags);
      const ours = built.map((f) => f.ours(verbose));
      // Up to the nested packet, the texts are equal; the nested packet is where the result says.
      const mine = ours.map((r, i) => `${built[i]!.name}: ${r.text}${r.innerType === -1 ? '' : ' <nested>'}`);
      const want = theirs.map((t, i) => {
        const r = ours[i]!;
        if (r.innerType === -1 || !t.startsWith(r.text)) return `${built[i]!.name}: ${t}`;
        const rest = t.slice(r.text.length);
        return `${built[i]!.name}: ${r.text}${NESTED[r.innerType]!.test(rest) ? ' <nested>' : ` <not nested: ${rest}>`}`;
      });
      expect(mine).toEqual(want);
    });
  }
});

describe('PppResult points at the nested packet', () => {
  it('innerType/innerOff/innerLen for the network-layer frames', () => {
    let n = 0;
    for (const f of built) {
      if (f.inner === undefined || !Buffer.isBuffer(f.frame)) continue;
      const r = f.ours(0);
      expect(r.innerOff, f.name).toBe(f.inner);
      expect(r.innerBuf, f.name).toBeUndefined();
      const data = f.frame;
      const first = data[f.inner]!;
      if (r.innerType === 0x0800) expect(first >> 4).toBe(4);
      else if (r.innerType === 0x86dd) expect(first >> 4).toBe(6);
      else expect(r.innerType).toBe(0x8847);
      // ip_print is handed what is left of the PPP frame
      expect(r.innerLen, f.name).toBe((f.marker === null ? 14 + data.readUInt16BE(18) + 6 : data.length) - f.inner);
      n++;
    }
    expect(n).toBeGreaterThan(20);
  });

  it('HDLC-escaped frames hand over the un-escaped copy', () => {
    const r = pppText(cat(hex('ff03 7e 21'), INNER_IP), 0, 32, 32, 0);
    expect(r.innerType).toBe(0x0800);
    expect(r.innerBuf!.subarray(r.innerOff)).toEqual(INNER_IP);
    const e = pppText(hex('ff03 7e 21 45 7d 20 00'), 0, 8, 8, 0);
    expect(e.innerBuf!.subarray(e.innerOff)).toEqual(hex('45 00 00'));
    expect(e.innerLen).toBe(3);
  });

  it('text before the nested packet', () => {
    expect(greV1Text(greFrameBytes(), 34, 34 + 16 + 32, 16 + 32, 0).text).toBe('GREv1, call 6699, seq 7, ack 6, length 48: ');
    expect(pppText(ppp(0x0021, INNER_IP), 0, 32, 32, 2)).toMatchObject({ text: '', innerType: 0x0800, innerOff: 4, innerLen: 28 });
    expect(pppoeText(cat([0x11, 0], u16(1), u16(30), ppp(0x0021, INNER_IP, { acfc: true })), 0, 36, 36, 0, true).text).toBe('PPPoE  [ses 0x1] ');
  });
});

function greFrameBytes(): Buffer {
  const f = greFrame('x', ppp(0x0021, INNER_IP));
  return f.frame as Buffer;
}

describe('PPP printers (fast-check)', () => {
  const printable = (r: PppResult): boolean => !/[^\x20-\x7e\n\t]/.test(r.text);
  it('random bytes at any capture length never throw and print only printable text', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(), fc.nat(), fc.nat(8), fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2),
        (arr, capSeed, lenSeed, off, verbose, which) => {
          const b = Buffer.concat([Buffer.alloc(off, 0xee), Buffer.from(arr)]);
          const capEnd = off + (capSeed % (arr.length + 1));
          const length = lenSeed % (arr.length + 40);
          const r = which === 0 ? pppText(b, off, capEnd, length, verbose)
            : which === 1 ? greV1Text(b, off, capEnd, length, verbose)
              : pppoeText(b, off, capEnd, length, verbose, (lenSeed & 1) === 1);
          expect(printable(r)).toBe(true);
          if (r.innerType !== -1) {
            const end = r.innerBuf === undefined ? capEnd : r.innerBuf.length;
            expect(r.innerOff).toBeGreaterThanOrEqual(0);
            expect(r.innerOff).toBeLessThanOrEqual(end);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('well-formed headers around random control packets never throw', () => {
    const protoArb = fc.constantFrom(0xc021, 0x8021, 0x8057, 0x80fd, 0xc02b, 0xc223, 0xc023, 0x003d, 0x8023, 0x7e21, 0x7eff, 0x0021);
    fc.assert(
      fc.property(
        protoArb, fc.integer({ min: 0, max: 20 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 })), { maxLength: 8 }),
        fc.nat(), fc.constantFrom(0, 1, 2), fc.boolean(),
        (proto, code, opts, capSeed, verbose, gre) => {
          const frame = ppp(proto, cp(code, 1, Buffer.concat(opts.map(([t, v]) => opt(t, Buffer.from(v))))));
          const b = gre ? Buffer.concat([hex('3081 880b'), u16(frame.length), hex('0001 00000001 00000002'), frame])
            : Buffer.concat([cat([0x11, 0], u16(1), u16(frame.length - 2)), frame.subarray(2)]);
          const capEnd = capSeed % (b.length + 1);
          const r = gre ? greV1Text(b, 0, capEnd, b.length, verbose) : pppoeText(b, 0, capEnd, b.length, verbose, true);
          expect(printable(r)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
