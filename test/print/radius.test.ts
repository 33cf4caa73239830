/**
 * radiusText (src/print/print-radius.ts) prints what tcpdump 4.99.3's radius_print
 * prints, at no -v, -v and -vv: RADIUS packets built here (every command code,
 * every attribute type with right and wrong lengths, the value tables, vendor
 * and tunnel attributes, EAP messages, bogus lengths, captures cut at every
 * length) go through the installed tcpdump in Ethernet/IPv4/UDP frames and
 * the text after the UDP ports must equal radiusText on the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radiusText } from '../../src/print/print-radius.js';
import { haveTool } from '../helpers/netlens.js';
import { labelled, tcpdumpTexts, udpOracleFrame, type UdpOracleFrame } from '../helpers/tcpdump-texts.js';

// ---------------------------------------------------------------- building packets

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const bytes = (v: Buffer | string | number[]): Buffer =>
  Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v);

/** An attribute whose length field is right. */
const attr = (type: number, value: Buffer | string | number[] = Buffer.alloc(0)): Buffer => {
  const v = bytes(value);
  return Buffer.concat([Buffer.from([type, 2 + v.length]), v]);
};
/** An attribute whose length field says `len` whatever the value. */
const rawAttr = (type: number, len: number, value: Buffer | string | number[] = Buffer.alloc(0)): Buffer =>
  Buffer.concat([Buffer.from([type, len]), bytes(value)]);

const AUTH = hex('00112233445566778899aabbccddeeff');

interface RadiusOpts { id?: number; lenField?: number; auth?: Buffer; trailer?: Buffer }
/** A RADIUS packet: header (length field right unless lenField says), attributes, then any trailer bytes. */
function radius(code: number, attrs: Buffer[], o: RadiusOpts = {}): Buffer {
  const body = Buffer.concat(attrs);
  const h = Buffer.alloc(4);
  h[0] = code; h[1] = o.id ?? 0x2a; h.writeUInt16BE(o.lenField ?? 20 + body.length, 2);
  return Buffer.concat([h, o.auth ?? AUTH, body, o.trailer ?? Buffer.alloc(0)]);
}

const RADIUS_PORTS = [1812, 1645, 1646, 1813, 1700, 3799];

interface Case {
  name: string;
  payload: Buffer;
  /** captured bytes of the payload (default: all) */
  cap?: number;
  /** UDP length field minus 8 when it is to say less than the payload */
  udpPayloadLen?: number;
  sport?: number;
  dport?: number;
}

type Built = UdpOracleFrame;

function build(c: Case, i: number): Built {
  const radiusPort = RADIUS_PORTS[i % RADIUS_PORTS.length]!;
  const sport = c.sport ?? (i % 2 === 0 ? radiusPort : 40000);
  const dport = c.dport ?? (i % 2 === 0 ? 40000 : radiusPort);
  return udpOracleFrame(c.name, sport, dport, c.payload, { cap: c.cap, udpPayloadLen: c.udpPayloadLen });
}

// ---------------------------------------------------------------- the cases

const cases: Case[] = [];
const add = (name: string, payload: Buffer, extra: Partial<Case> = {}): void => { cases.push({ name, payload, ...extra }); };

// Every command code, known and not.
for (const code of [0, 1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 39, 40, 41, 42, 43, 44, 45, 46, 99, 254, 255]) {
  add(`command ${code}`, radius(code, [attr(1, 'bob')], { id: code * 7 & 0xff }));
}

// Every attribute type (0..255) with values of many lengths, in two fillings.
const SIZES = [4, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 14, 16, 17, 18, 19, 20, 21, 24, 30];
for (let t = 0; t < 256; t++) {
  const a: Buffer[] = [];
  for (const n of SIZES) a.push(attr(t, Buffer.from(Array.from({ length: n }, (_, k) => (k * 37 + t + 1) & 0xff))));
  add(`type ${t}, pattern`, radius(1, a));
  const b: Buffer[] = [attr(t, u32(2)), attr(t, u32(0x0100000c)), attr(t, u32(0xffffffff)), attr(t, u32(0))];
  for (const n of [1, 3, 5, 8, 12, 16, 17, 18, 21]) b.push(attr(t, Buffer.from(Array.from({ length: n }, (_, k) => [0x00, 0x01, 0x1b, 0x41, 0x7f, 0x80, 0xff, 0x31, 0x20][k % 9]!))));
  add(`type ${t}, special bytes`, radius(4, b));
  add(`type ${t}, text`, radius(2, [attr(t, 'hello, world: \x1b[31mred\x7f\x80\xfe'), attr(t, '\x05tagged'), attr(t, '\x20untagged\x00after NUL')]));
}

// The value tables: every value, one past the end, and big ones.
const TABLES: [number, number][] = [[6, 20], [7, 8], [10, 4], [13, 4], [15, 9], [29, 2], [40, 16], [45, 5], [49, 24], [57, 3], [61, 44], [72, 5], [76, 2]];
for (const [t, n] of TABLES) {
  const a: Buffer[] = [];
  for (let v = 0; v <= n + 1; v++) a.push(attr(t, u32(v)));
  a.push(attr(t, u32(256 + 1)), attr(t, u32(0x7fffffff)), attr(t, u32(0xffffffff)));
  add(`values of ${t}`, radius(1, a));
}
for (const t of [64, 65]) {
  for (const tag of [0, 1, 0x1f, 0x20, 0xff]) {
    const a: Buffer[] = [];
    for (let v = 0; v <= 17; v++) a.push(attr(t, Buffer.concat([Buffer.from([tag]), u32(v).subarray(1)])));
    a.push(attr(t, Buffer.from([tag, 0xff, 0xff, 0xff])), attr(t, Buffer.from([tag, 0x01, 0x00, 0x01])));
    add(`tunnel values of ${t}, tag ${tag}`, radius(2, a));
  }
}

// Numbers with special forms.
for (const t of [27, 28, 41, 46, 85]) {
  add(`time span ${t}`, radius(4, [0, 1, 9, 10, 59, 60, 61, 599, 3599, 3600, 3601, 86399, 86400, 360000, 0x7fffffff, 0x80000000, 0xffffffff].map((v) => attr(t, u32(v)))));
}
add('Framed-IPX-Network', radius(2, [attr(23, u32(0xfffffffe)), attr(23, u32(0xffffffff)), attr(23, u32(7))]));
add('AppleTalk link and network', radius(2, [attr(37, u32(0)), attr(37, u32(5)), attr(38, u32(0)), attr(38, u32(0xffffffff))]));
add('Tunnel-Preference', radius(2, [attr(83, hex('00000001')), attr(83, hex('05ffffff')), attr(83, hex('ff000000'))]));
add('Egress-VLANID', radius(2, [attr(56, hex('31000064')), attr(56, hex('32000fff')), attr(56, hex('00000001')), attr(56, hex('ffffffff'))]));
add('plain numbers', radius(4, [5, 12, 16, 42, 43, 47, 48, 51, 52, 53, 62, 75, 86].map((t, k) => attr(t, u32(k * 0x01020304)))));

// IPv4 addresses.
for (const t of [4, 8, 9, 14]) {
  add(`address ${t}`, radius(2, [attr(t, hex('c0a80101')), attr(t, hex('ffffffff')), attr(t, hex('fffffffe')), attr(t, hex('00000000')), attr(t, hex('0a0000')), attr(t, hex('0a00000101'))]));
}
// IPv6 addresses and prefixes.
const V6 = ['00000000000000000000000000000000', '00000000000000000000000000000001', '00000000000000000000ffff01020304', '20010db8000000000000000000000001', 'fe800000000000010000000000000000', '20010db8000100020003000400050006', '00000000000000000000000001020304'];
for (const t of [95, 98]) add(`IPv6 address ${t}`, radius(1, [...V6.map((v) => attr(t, hex(v))), attr(t, hex(V6[3]!).subarray(0, 15)), attr(t, Buffer.concat([hex(V6[3]!), hex('00')]))]));
for (const t of [97, 123]) {
  add(`IPv6 prefix ${t}`, radius(2, [
    attr(t, hex('0000')), attr(t, hex('0008')), attr(t, hex('0040 20010db8 00000000')), attr(t, hex('0030 20010db8 0001')),
    attr(t, hex('0080').toString('latin1') + hex(V6[5]!).toString('latin1')), attr(t, hex('0081 2001')), attr(t, hex('00ff')),
    attr(t, hex('00')), attr(t, Buffer.concat([hex('0080'), hex(V6[5]!), hex('00')])), attr(t, hex('1240 20010db8')),
  ]));
}
add('MIP6-Home-Link-Prefix', radius(2, [attr(125, Buffer.concat([hex('40'), hex(V6[3]!)])), attr(125, Buffer.concat([hex('80'), hex(V6[2]!)])), attr(125, Buffer.concat([hex('81'), hex(V6[3]!)])), attr(125, hex(V6[3]!)), attr(125, Buffer.concat([hex('40'), hex(V6[3]!), hex('00')]))]));
add('MIP6-Feature-Vector', radius(2, [
  attr(124, hex('0000000000000000')), attr(124, hex('0000000000000001')), attr(124, hex('0000000000000003')),
  attr(124, hex('0003ff0000000003')), attr(124, hex('ffffffffffffffff')), attr(124, hex('0000010000000000')),
  attr(124, hex('8000000080000000')), attr(124, hex('00000000000000')), attr(124, hex('000000000000000000')),
]));

// Times.
add('Event-Timestamp', radius(4, [attr(55, u32(0)), attr(55, u32(1)), attr(55, u32(1_000_000_000)), attr(55, u32(1_700_000_000)), attr(55, u32(0x7fffffff)), attr(55, u32(0x80000000)), attr(55, u32(0xffffffff)), attr(55, hex('000000')), attr(55, hex('0000000000'))]));

// ARAP and Error-Cause.
add('ARAP', radius(1, [
  attr(70, hex('0123456789abcdef fedcba9876543210')), attr(70, hex('0123456789abcdef')),
  attr(71, hex('01 08 00000001 00000e10 5f5e1000')), attr(71, hex('00 00 ffffffff 00000000 12345678')), attr(71, hex('01 08')),
  attr(84, hex('a1b2c3d4e5f60718')), attr(84, hex('a1b2c3d4e5f60718 9999')), attr(84, hex('a1b2c3')),
]));
add('Error-Cause', radius(41, [201, 202, 401, 402, 403, 404, 405, 406, 407, 501, 502, 503, 504, 505, 506, 507, 508, 509, 0, 200, 510, 0xffffffff].map((v) => attr(101, u32(v))).concat([attr(101, hex('0001')), attr(101, hex('0000000001'))])));

// Operator name, location attributes.
add('Operator-Name', radius(2, [attr(126, '0TADIG1'), attr(126, '1example.net'), attr(126, '2E212'), attr(126, '3ICC'), attr(126, '\x99esc\x1b\x00\x7f\xc8\x0a'), attr(126, '1'), attr(126, '')]));
const ntp = (sec: number, frac: number): Buffer => Buffer.concat([u32(sec), u32(frac)]);
add('Location-Information', radius(2, [
  attr(127, Buffer.concat([u16(1), hex('00 00'), ntp(0xe5e5e5e5, 0x80000000), ntp(0, 0), Buffer.from('GPS')])),
  attr(127, Buffer.concat([u16(65535), hex('01 01'), ntp(1, 1), ntp(0xffffffff, 0xffffffff), Buffer.from('x\x1b\x00\xff', 'latin1')])),
  attr(127, Buffer.concat([u16(7), hex('02 05'), ntp(2208988800, 0x12345678), ntp(3913056000, 0xfffffffe), Buffer.from('m')])),
  attr(127, Buffer.concat([u16(7), hex('00 00'), ntp(1, 1), ntp(1, 1)])),
]));
for (const n of [0, 1, 2, 3, 4, 15, 16, 17, 18, 33, 40]) {
  add(`Location-Data ${n}`, radius(2, [attr(128, Buffer.concat([u16(n), Buffer.from(Array.from({ length: n }, (_, k) => (k * 29 + 0x1e) & 0xff))]))]));
}
add('Basic-Location-Policy-Rules', radius(2, [
  attr(129, Buffer.concat([u16(0), ntp(0, 0)])), attr(129, Buffer.concat([u16(0x8000), ntp(3913056000, 0x40000000)])),
  attr(129, Buffer.concat([u16(0xffff), ntp(12345, 1), Buffer.from('note \x1b\x00\x80!', 'latin1')])),
  attr(129, Buffer.concat([u16(0x0101), ntp(0, 0)]).subarray(0, 9)), attr(129, Buffer.concat([u16(0x4000), ntp(1, 0), Buffer.from('x')])),
]));

// Vendor-Specific.
const vsa = (vendor: number, subs: Buffer[], tail: Buffer = Buffer.alloc(0)): Buffer => attr(26, Buffer.concat([u32(vendor), ...subs, tail]));
add('Vendor-Specific, vendors', radius(2, [0, 5, 9, 311, 2636, 3199, 3224, 10415, 14122, 35632, 46098, 12345, 0xffffffff].map((v, k) => vsa(v, [attr(k + 1, `v${k}\x1b\x00\xff`)]))));
add('Vendor-Specific, sub-attributes', radius(2, [
  vsa(9, [attr(1, 'shell:priv-lvl=15'), attr(1, ''), attr(250, hex('0001ff7f20'))]),
  vsa(311, [attr(16, hex('00'))], hex('aa')),
  vsa(311, [rawAttr(17, 1), attr(2, 'x')]),
  vsa(311, [rawAttr(17, 0, 'abcd')]),
  vsa(311, [attr(1, 'ok'), rawAttr(18, 9, 'abc')]),
  attr(26, hex('000001')), attr(26, hex('00000137')), attr(26, hex('0000013701')),
  attr(26, hex('00')),
]));

// Tagged strings, Tunnel-Password, Egress-VLAN-Name.
for (const t of [66, 67, 81, 82, 90, 91]) {
  add(`tunnel string ${t}`, radius(2, [attr(t, '\x00host'), attr(t, '\x01host'), attr(t, '\x1fhost'), attr(t, ' host'), attr(t, 'host'), attr(t, '\x05'), attr(t, '\x00'), attr(t, '\x03a\x00b')]));
}
add('Tunnel-Password', radius(2, [
  attr(69, hex('00 8001 0102030405060708')), attr(69, hex('01 8001 41424344')), attr(69, hex('1f ffff')),
  attr(69, hex('20 0000 41')), attr(69, hex('ff 1234 00')), attr(69, hex('01 80')), attr(69, hex('01')),
]));
add('Egress-VLAN-Name', radius(2, [attr(58, '1vlan10'), attr(58, '2vlan20'), attr(58, 'Xother'), attr(58, '\x00z'), attr(58, '1')]));

// Password, authenticator and binary strings.
add('passwords', radius(1, [attr(2, hex('9a3f11d0b27e0c44aa0b1c2d3e4f5061')), attr(3, hex('01 0011223344556677 8899aabbccddeeff')), attr(60, hex('00ff7f1b0a0d4142')), attr(80, hex('d41d8cd98f00b204e9800998ecf8427e')), attr(80, hex('41424344000000004142434445464748'))]));
add('strings', radius(1, [attr(1, 'alice@example.org'), attr(18, 'Welcome\r\n\tbob'), attr(31, '00-11-22-33-44-55'), attr(32, 'nas\x01\x02'), attr(44, '\x00hidden'), attr(11, 'std.acl\xe9\xff')]));

// EAP-Message.
const eap = (code: number, id: number, rest: Buffer | string = Buffer.alloc(0), lenField?: number): Buffer => {
  const r = bytes(rest);
  return Buffer.concat([Buffer.from([code, id]), u16(lenField ?? 4 + r.length), r]);
};
add('EAP identity and notification', radius(1, [
  attr(79, eap(2, 1, '\x01alice@example.org')), attr(79, eap(2, 1, '\x01')), attr(79, eap(1, 2, '\x01hi\x00there')),
  attr(79, eap(1, 3, '\x02Please\x1b log in\xff')), attr(79, eap(1, 3, '\x02')), attr(79, eap(2, 4, '\x01\x1b\x80\x7f')),
]));
add('EAP NAK and types', radius(1, [
  attr(79, eap(2, 5, hex('03 0d 15 19 2b fe ff 63'))), attr(79, eap(2, 5, hex('03'))), attr(79, eap(2, 5, hex('03 04'))),
  attr(79, eap(1, 6, hex('04 10 00112233445566778899aabbccddeeff'))), attr(79, eap(1, 7, hex('05 41'))), attr(79, eap(1, 8, hex('06'))),
  attr(79, eap(1, 9, hex('fe 000000 00000001'))), attr(79, eap(1, 9, hex('ff'))), attr(79, eap(1, 9, hex('00'))), attr(79, eap(1, 9, hex('63 00'))),
]));
add('EAP TLS, TTLS, FAST', radius(11, [
  attr(79, eap(1, 10, hex('0d 20'))), attr(79, eap(2, 10, hex('0d 80 00000400 16030100'))), attr(79, eap(2, 10, hex('0d c0 0000'))),
  attr(79, eap(1, 10, hex('0d 00'))), attr(79, eap(1, 10, hex('0d'))), attr(79, eap(1, 11, hex('15 21'))), attr(79, eap(1, 11, hex('15 e7 00010000 aa'))),
  attr(79, eap(2, 11, hex('15 87 00'))), attr(79, eap(1, 12, hex('2b 21'))), attr(79, eap(1, 12, hex('2b a1 00000010'))), attr(79, eap(1, 12, hex('2b 81'))), attr(79, eap(1, 12, hex('2b'))),
  attr(79, eap(1, 13, hex('0d 1f'))),
]));
add('EAP SIM and AKA', radius(11, [
  attr(79, eap(1, 14, hex('12 0a 0000'))), attr(79, eap(2, 14, hex('12 0b'))), attr(79, eap(1, 14, hex('17 01 0000'))), attr(79, eap(1, 14, hex('17 0e'))),
  attr(79, eap(1, 14, hex('17 63'))), attr(79, eap(1, 14, hex('17'))), attr(79, eap(1, 14, hex('12 03'))),
]));
add('EAP other codes and lengths', radius(2, [
  attr(79, eap(3, 15)), attr(79, eap(4, 16)), attr(79, eap(5, 17, 'x')), attr(79, eap(0, 17)), attr(79, eap(1, 18)),
  attr(79, eap(2, 18)), attr(79, eap(1, 19, 'abc', 99)), attr(79, eap(1, 19, 'abc', 3)), attr(79, hex('010000')), attr(79, hex('0102')),
  attr(79, hex('01')), attr(79, hex('01010001')), attr(79, hex('03020002')), attr(79, hex('04010003 00')),
]));
add('EAP fragment across attributes', radius(11, [attr(79, eap(1, 20, Buffer.concat([hex('0d 80 00000100'), Buffer.alloc(20, 0x16)]), 300)), attr(79, Buffer.alloc(30, 0x17)), attr(80, Buffer.alloc(16, 0))]));
// EAP header whose length field lies past the attribute, in the next attribute's bytes / past the capture.
add('EAP one byte then more', radius(1, [attr(79, hex('01')), attr(1, 'xyz')]));
add('EAP one byte at the end', radius(1, [attr(1, 'xyz'), attr(79, hex('01'))]));
add('EAP two bytes at the end', radius(1, [attr(79, hex('0101'))]));
add('EAP three bytes at the end', radius(1, [attr(79, hex('010100'))]));
// EAP length fields that equal an attribute shorter than the EAP header (they run into the next attribute's bytes).
add('EAP of 3 bytes whose length says 3', radius(1, [attr(79, hex('010100')), attr(3, hex('0001'))]));
add('EAP of 2 bytes whose length says 2', radius(1, [attr(79, hex('0207')), rawAttr(0, 2)]));
add('EAP of 1 byte whose length says 1', radius(1, [attr(79, hex('04')), hex('0700 01')]));
add('EAP of 4 bytes, request without a type', radius(1, [attr(79, hex('01090004'))]));

// Header lengths.
const std = [attr(1, 'carol'), attr(4, hex('0a000001')), attr(6, u32(2)), attr(61, u32(15))];
add('length field 0', radius(1, std, { lenField: 0 }));
add('length field 19', radius(1, std, { lenField: 19 }));
add('length field 20', radius(1, std, { lenField: 20 }));
add('length field 21', radius(1, std, { lenField: 21 }));
add('length field 22', radius(1, std, { lenField: 22 }));
add('length field 27', radius(1, std, { lenField: 27 }));
add('length field shorter than the attributes', radius(1, std, { lenField: 30 }));
add('length field longer than the datagram', radius(1, std, { lenField: 200 }));
add('length field 0xffff', radius(1, std, { lenField: 0xffff }));
add('trailing bytes after the length', radius(1, std, { trailer: hex('deadbeef') }));
add('one trailing byte inside the length', radius(1, [...std, hex('01')]));
add('attribute length 0', radius(1, [attr(1, 'a'), rawAttr(1, 0, 'bcd'), attr(1, 'never')]));
add('attribute length 1', radius(1, [attr(1, 'a'), rawAttr(26, 1, 'bcd')]));
add('attribute length past the end', radius(1, [attr(1, 'a'), rawAttr(1, 40, 'bcd')]));
add('attribute length 0 type 0', radius(1, [rawAttr(0, 0)]));
add('no attributes', radius(12, []));
add('empty payload', Buffer.alloc(0));
for (const n of [1, 2, 4, 19]) add(`payload of ${n} bytes`, radius(1, []).subarray(0, n));
add('UDP length shorter than the payload', radius(1, std), { udpPayloadLen: 30 });
add('UDP length below the header', radius(1, std), { udpPayloadLen: 10 });
add('UDP length 20', radius(1, std), { udpPayloadLen: 20 });
add('UDP length inside an attribute', radius(1, std), { udpPayloadLen: 25 });

// A realistic exchange.
add('Access-Request', radius(1, [attr(1, 'steve'), attr(2, hex('c3a3f0e3f5b2c7d5eadbaf2c0e0f1b2a')), attr(4, hex('c0a80001')), attr(5, u32(3)), attr(30, '00-04-5F-00-0F-D1'), attr(31, '00-01-24-80-B3-9C'), attr(61, u32(19)), attr(79, eap(2, 0, '\x01steve')), attr(80, hex('0102030405060708090a0b0c0d0e0f10'))]));
add('Accounting-Request', radius(4, [attr(40, u32(1)), attr(44, '4D2B9A01'), attr(1, 'steve'), attr(45, u32(1)), attr(46, u32(7322)), attr(42, u32(123456)), attr(49, u32(1)), attr(55, u32(1_600_000_000)), attr(8, hex('0a000063')), attr(41, u32(0)), attr(85, u32(600))]));
add('Access-Accept tunnel', radius(2, [attr(64, hex('0100000d')), attr(65, hex('01000006')), attr(81, '\x0110'), attr(27, u32(3600)), attr(26, Buffer.concat([u32(311), attr(16, Buffer.alloc(34, 0x82)), attr(17, Buffer.alloc(34, 0x93))])), attr(25, 'class\x00x')]));

// Cuts: rich packets cut at every captured length.
const cutSources: [string, Buffer][] = [
  ['Access-Request', cases.find((c) => c.name === 'Access-Request')!.payload],
  ['Accounting-Request', cases.find((c) => c.name === 'Accounting-Request')!.payload],
  ['Access-Accept tunnel', cases.find((c) => c.name === 'Access-Accept tunnel')!.payload],
  ['every printer', radius(11, [
    attr(69, hex('01 8001 41424344')), attr(66, '\x02peer'), attr(58, '1vlan'), attr(83, hex('05000001')), attr(56, hex('31000064')),
    attr(23, u32(0xfffffffe)), attr(37, u32(0)), attr(14, hex('fffffffe')), attr(98, hex(V6[3]!)), attr(97, hex('0040 20010db8 00000000')),
    attr(125, Buffer.concat([hex('40'), hex(V6[3]!)])), attr(124, hex('0000010000000003')), attr(126, '1example.net'),
    attr(127, Buffer.concat([u16(1), hex('00 01'), ntp(0xe5e5e5e5, 0x80000000), ntp(0, 0), Buffer.from('GPS')])),
    attr(128, Buffer.concat([u16(3), Buffer.from('location bytes')])), attr(129, Buffer.concat([u16(0x8000), ntp(3913056000, 0), Buffer.from('nw')])),
    attr(55, u32(1_700_000_000)), attr(70, hex('0123456789abcdef fedcba9876543210')), attr(71, hex('01 08 00000001 00000e10 5f5e1000')),
    attr(84, hex('a1b2c3d4e5f60718')), attr(101, u32(404)), attr(79, eap(2, 5, hex('03 0d 15 19'))), attr(79, eap(1, 10, hex('0d 80 00000400'))),
    attr(26, Buffer.concat([u32(9), attr(1, 'shell:priv-lvl=15'), attr(2, 'x')])), attr(64, hex('01000003')), attr(200, 'unknown'),
  ])],
];
for (const [name, p] of cutSources) {
  for (let cap = 0; cap < p.length; cap++) add(`${name} cut at ${cap}`, p, { cap });
}

// Random packets (a fixed seed, so the same every run): attributes of the known types and some others,
// with right and wrong lengths, values of random bytes, cut at random places.
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(0x5eed);
const ri = (n: number): number => Math.floor(rnd() * n);
const RANDOM_COUNT = 1500;
for (let k = 0; k < RANDOM_COUNT; k++) {
  const attrs: Buffer[] = [];
  const n = ri(8);
  for (let j = 0; j < n; j++) {
    const type = ri(10) < 8 ? 1 + ri(129) : ri(256);
    const size = [0, 1, 2, 3, 4, 4, 4, 6, 8, 14, 16, 17, 18, 21, 30][ri(15)]!;
    const v = Buffer.from(Array.from({ length: size }, () => (ri(4) === 0 ? [0, 1, 0x1f, 0x20, 0x31, 0x7f, 0x80, 0xff][ri(8)]! : ri(256))));
    if (type === 79 && ri(2) === 0 && size >= 4) v.writeUInt16BE(size, 2); // an EAP header that fits
    if (type === 26 && ri(2) === 0 && size >= 6) { v.writeUInt32BE([9, 311, 14122, 99999][ri(4)]!, 0); v[5] = 2 + ri(size - 4); }
    attrs.push(ri(12) === 0 ? rawAttr(type, ri(256), v) : attr(type, v));
  }
  const p = radius([1, 2, 3, 4, 5, 11, 40, 43, ri(256)][ri(9)]!, attrs, ri(15) === 0 ? { lenField: ri(400) } : {});
  add(`random ${k}`, p, ri(4) === 0 ? { cap: ri(p.length + 1) } : ri(20) === 0 ? { udpPayloadLen: ri(p.length + 1) } : {});
}

// ---------------------------------------------------------------- tcpdump

const built = cases.map(build);



const tcpdump = haveTool('tcpdump');

describe.skipIf(!tcpdump)('radiusText equals tcpdump 4.99.3 on built frames', () => {
  it('has the cases it claims', () => {
    expect(built.length).toBeGreaterThan(3000);
  });
  for (const [verbose, flags] of [[0, []], [1, ['-v']], [2, ['-vv']]] as [number, string[]][]) {
    it(`${flags.join(' ') || 'no -v'}: ${built.length} frames`, () => {
      const theirs = tcpdumpTexts(built, flags);
      const ours = built.map((f) => radiusText(f.buf, f.off, f.capEnd, f.length, verbose));
      expect(labelled(built, ours)).toEqual(labelled(built, theirs));
    });
  }

  it('Event-Timestamp in other time zones (ctime is local time)', () => {
    const frames = [build({ name: 'times', payload: radius(4, [0, 1, 1_000_000_000, 1_700_000_000, 1_719_000_000, 0x7fffffff, 0x80000000, 0xffffffff].map((v) => attr(55, u32(v)))) }, 0)];
    const saved = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
        process.env.TZ = tz;
        const theirs = tcpdumpTexts(frames, ['-v'], { ...process.env, TZ: tz });
        expect(frames.map((f) => radiusText(f.buf, f.off, f.capEnd, f.length, 1))).toEqual(theirs);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
    }
  });
});

describe('radiusText properties (fast-check)', () => {
  it('random payloads at any capture length and UDP length never throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat(), fc.nat(), fc.constantFrom(0, 1, 2),
        (arr, capSeed, lenSeed, verbose) => {
          const b = Buffer.from(arr);
          const capEnd = capSeed % (b.length + 1);
          const length = lenSeed % (b.length + 40);
          const s = radiusText(b, 0, capEnd, length, verbose);
          expect(typeof s).toBe('string');
          // Nothing from the packet reaches the text unescaped.
          expect(/[^\x20-\x7e\n\t]/.test(s)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random attribute lists in a well-formed header never throw', () => {
    const attrArb = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.integer({ min: 0, max: 255 }), fc.boolean())
      .map(([t, v, l, right]) => (right ? attr(t, Buffer.from(v)) : rawAttr(t, l, Buffer.from(v))));
    fc.assert(
      fc.property(
        fc.array(attrArb, { maxLength: 12 }), fc.integer({ min: 0, max: 255 }), fc.nat(), fc.constantFrom(0, 1, 2), fc.nat(8),
        (attrs, code, capSeed, verbose, off) => {
          const p = Buffer.concat([Buffer.alloc(off, 0xee), radius(code, attrs)]);
          const capEnd = off + (capSeed % (p.length - off + 1));
          const s = radiusText(p, off, capEnd, p.length - off, verbose);
          expect(/[^\x20-\x7e\n\t]/.test(s)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
