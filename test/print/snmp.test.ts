/**
 * snmpText (src/print/print-snmp.ts) prints what tcpdump 4.99.3's snmp_print prints
 * (-nn, so OIDs as numbers), at no -v, -v and -vv: SNMP messages built here
 * with a small BER encoder (every PDU type, versions 1, 2c, 3 and bogus ones,
 * every value type, long OIDs and big sub-identifiers, negative and wide
 * integers, 64-bit counters, binary strings, wrong tags and lengths, long and
 * indefinite length forms, captures cut at every length) go through the
 * installed tcpdump in Ethernet/IPv4/UDP frames and the text after the UDP
 * ports must equal snmpText on the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snmpText } from '../../src/print/print-snmp.js';
import { haveTool } from '../helpers/netlens.js';
import { labelled, tcpdumpTexts, udpOracleFrame, type UdpOracleFrame } from '../helpers/tcpdump-texts.js';

// ---------------------------------------------------------------- a BER encoder

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

/** A definite length, short form below 128, else long form in as few octets as fit (or `octets`). */
function berLen(n: number, octets?: number): Buffer {
  if (n < 0x80 && octets === undefined) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  while (octets !== undefined && bytes.length < octets) bytes.unshift(0);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
/** A TLV with the right length. */
const tlv = (tag: number, body: Buffer = Buffer.alloc(0)): Buffer => cat(Buffer.from([tag]), berLen(body.length), body);
/** A TLV whose length field says `len` whatever the contents. */
const rawTlv = (tag: number, len: Buffer, body: Buffer = Buffer.alloc(0)): Buffer => cat(Buffer.from([tag]), len, body);

const seq = (...items: Buffer[]): Buffer => tlv(0x30, cat(...items));
/** A two's complement INTEGER in the fewest octets (or `octets`, sign-extended). */
function int(v: number | bigint, octets?: number): Buffer {
  let n = BigInt(v);
  const bytes: number[] = [];
  for (;;) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
    const top = bytes[0]! & 0x80;
    if ((n === 0n && !top) || (n === -1n && top)) break;
  }
  while (octets !== undefined && bytes.length < octets) bytes.unshift(BigInt(v) < 0n ? 0xff : 0);
  return tlv(0x02, Buffer.from(bytes));
}
/** An unsigned application value (Counter 0x41, Gauge 0x42, TimeTicks 0x43, Counter64 0x46). */
function uns(tag: number, v: number | bigint): Buffer {
  let n = BigInt(v);
  const bytes: number[] = [];
  do { bytes.unshift(Number(n & 0xffn)); n >>= 8n; } while (n > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}
const str = (s: string | Buffer): Buffer => tlv(0x04, Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'));
const nul = (): Buffer => tlv(0x05);
const ip = (a: string): Buffer => tlv(0x40, Buffer.from(a.split('.').map(Number)));
/** Base-128 sub-identifier bytes. */
function subid(v: number | bigint): number[] {
  let n = BigInt(v);
  const out = [Number(n & 0x7fn)];
  n >>= 7n;
  while (n > 0n) { out.unshift(Number(n & 0x7fn) | 0x80); n >>= 7n; }
  return out;
}
/** An OBJECT IDENTIFIER from dotted text (first two arcs folded as 40*a+b). */
function oidBody(s: string): Buffer {
  const arcs = s.split('.').filter((x) => x !== '').map((x) => BigInt(x));
  const out: number[] = [];
  if (arcs.length === 1) out.push(...subid(arcs[0]! * 40n));
  else if (arcs.length >= 2) out.push(...subid(arcs[0]! * 40n + arcs[1]!));
  for (const a of arcs.slice(2)) out.push(...subid(a));
  return Buffer.from(out);
}
const oid = (s: string): Buffer => tlv(0x06, oidBody(s));

const vb = (name: string | Buffer, value: Buffer = nul()): Buffer => seq(typeof name === 'string' ? oid(name) : name, value);
const vbl = (...vbs: Buffer[]): Buffer => seq(...vbs);

/** A PDU: tag 0xa0+type, request-id, error-status, error-index, varbinds. */
const pdu = (type: number, reqId: number, es: number, ei: number, varbinds: Buffer): Buffer =>
  tlv(0xa0 + type, cat(int(reqId), int(es), int(ei), varbinds));
/** A v1 Trap-PDU. */
const trap = (ent: string, agent: Buffer, generic: number, specific: number, ticks: number, varbinds: Buffer): Buffer =>
  tlv(0xa4, cat(oid(ent), agent, int(generic), int(specific), uns(0x43, ticks), varbinds));
/** A v1/v2c message. */
const msg = (version: number, community: string | Buffer, p: Buffer): Buffer => seq(int(version), str(community), p);
/** A v3 message with the USM. */
function v3(o: {
  msgId?: number; maxSize?: number; flags?: Buffer; model?: number; engine?: Buffer; boots?: number; time?: number; user?: string | Buffer;
  auth?: Buffer; priv?: Buffer; ctxEngine?: Buffer; ctxName?: string | Buffer; pdu: Buffer; usm?: Buffer; global?: Buffer; scoped?: Buffer;
}): Buffer {
  const global = o.global ?? seq(int(o.msgId ?? 12345), int(o.maxSize ?? 65507), str(o.flags ?? Buffer.from([4])), int(o.model ?? 3));
  const usm = o.usm ?? seq(str(o.engine ?? hex('80001f8880e9bd0c1d12667a51')), int(o.boots ?? 3), int(o.time ?? 123456),
    str(o.user ?? 'admin'), str(o.auth ?? Buffer.alloc(0)), str(o.priv ?? Buffer.alloc(0)));
  const scoped = o.scoped ?? seq(str(o.ctxEngine ?? hex('80001f8880e9bd0c1d12667a51')), str(o.ctxName ?? ''), o.pdu);
  return seq(int(3), global, str(usm), scoped);
}

// ---------------------------------------------------------------- frames

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
  const port = i % 3 === 2 ? 162 : 161;
  const sport = c.sport ?? (i % 2 === 0 ? port : 40000);
  const dport = c.dport ?? (i % 2 === 0 ? 40000 : port);
  return udpOracleFrame(c.name, sport, dport, c.payload, { cap: c.cap, udpPayloadLen: c.udpPayloadLen });
}

// ---------------------------------------------------------------- the cases

const cases: Case[] = [];
const add = (name: string, payload: Buffer, extra: Partial<Case> = {}): void => { cases.push({ name, payload, ...extra }); };

const SYS = '1.3.6.1.2.1.1';
/** Values of every type. */
const VALUES: [string, Buffer][] = [
  ['int 0', int(0)], ['int 1', int(1)], ['int -1', int(-1)], ['int 127', int(127)], ['int 128', int(128)], ['int -129', int(-129)],
  ['int max', int(2147483647)], ['int min', int(-2147483648)], ['int 5 octets', int(0x123456789n)], ['int 9 octets', int(-0x123456789abcdef01n)],
  ['int padded', int(7, 6)], ['int empty', tlv(0x02)],
  ['string', str('Linux host 5.10.0 #1 SMP x86_64')], ['string empty', str('')], ['string binary', str(hex('00011b417f80ff'))],
  ['string ESC', str('\x1b[31mred')], ['string DEL', str('abc\x7f')], ['string quote', str('say "hi" \\ ok')], ['string high', str('caf\xe9')],
  ['null', nul()], ['null with contents', tlv(0x05, hex('0102'))],
  ['oid', oid('1.3.6.1.4.1.8072.3.2.10')], ['oid empty', tlv(0x06)], ['oid big', oid('2.999.4294967295.268435456.0')],
  ['ipaddr', ip('192.168.1.254')], ['ipaddr short', tlv(0x40, hex('0a00'))], ['ipaddr long', tlv(0x40, hex('0a000001ff'))], ['ipaddr empty', tlv(0x40)],
  ['counter', uns(0x41, 4294967295)], ['counter 0', uns(0x41, 0)], ['gauge', uns(0x42, 1000000000)], ['timeticks', uns(0x43, 8640000)],
  ['counter 5 octets', tlv(0x41, hex('0123456789'))], ['counter empty', tlv(0x41)],
  ['counter64', uns(0x46, 0xffffffffffffffffn)], ['counter64 small', uns(0x46, 12345)], ['counter64 9 octets', tlv(0x46, hex('ff0102030405060708'))],
  ['opaque', tlv(0x44, hex('9f780442f60000'))], ['C-5', tlv(0x45, hex('01'))], ['app 7', tlv(0x47, hex('01'))],
  ['noSuchObject', tlv(0x80)], ['noSuchInstance', tlv(0x81)], ['endOfMibView', tlv(0x82)], ['context 3', tlv(0x83)], ['context 8', tlv(0x88, hex('00'))], ['context 9', tlv(0x89)],
  ['boolean', tlv(0x01, hex('ff'))], ['bitstring', tlv(0x03, hex('0780'))], ['objdes', tlv(0x07, hex('41'))], ['U-12', tlv(0x0c, Buffer.from('utf8'))],
  ['prim sequence', tlv(0x10, hex('0102'))], ['prim set', tlv(0x11)], ['U-18', tlv(0x12)],
  ['sequence', seq(int(1))], ['set', tlv(0x31, int(1))], ['constructed int', tlv(0x22, hex('01'))], ['constructed app', tlv(0x61, hex('01'))],
  ['constructed ctx', tlv(0xa2, hex('0500'))], ['private', tlv(0xc0, hex('01'))], ['private 1', tlv(0xc1)], ['constructed private', tlv(0xe0)],
  ['ext tag', hex('1f0100')], ['ext tag 2', hex('1f810200')], ['ext tag big', hex('5f8f7f0100')], ['ext tag no end', hex('1f81')],
  ['long len', rawTlv(0x02, hex('8101'), hex('05'))], ['long len 4', rawTlv(0x04, hex('8400000003'), Buffer.from('abc'))],
  ['indefinite', rawTlv(0x04, hex('80'), hex('0000'))],
];

// Every PDU type in v1 and v2c, with every value type.
for (const version of [0, 1]) {
  for (let t = 0; t <= 9; t++) {
    for (const [vn, v] of VALUES) {
      if (t === 4) continue;
      add(`v${version} pdu ${t} ${vn}`, msg(version, 'public', pdu(t, 1000 + t, 0, 0, vbl(vb(`${SYS}.1.0`, v), vb(`${SYS}.3.0`, uns(0x43, 42))))));
    }
    add(`v${version} pdu ${t} empty list`, msg(version, 'public', pdu(t, -5, 0, 0, vbl())));
    add(`v${version} pdu ${t} many`, msg(version, 'private', pdu(t, 0x7fffffff, 0, 0, vbl(...Array.from({ length: 12 }, (_, k) => vb(`${SYS}.${k}.0`, k % 2 ? int(k) : nul()))))));
  }
  for (const [vn, v] of VALUES) {
    add(`v${version} trap ${vn}`, msg(version, 'public', trap('1.3.6.1.4.1.9', ip('10.1.2.3'), 6, 17, 12345, vbl(vb(`${SYS}.5.0`, v)))));
  }
}
// Error status and index for every PDU type.
for (let t = 0; t <= 8; t++) {
  if (t === 4) continue;
  for (const [es, ei] of [[0, 0], [1, 0], [2, 1], [5, 3], [18, 2], [19, 1], [-1, 0], [0, 4], [0, -2], [1000, 7], [-2147483648, -2147483648]]) {
    add(`errors pdu ${t} ${es}/${ei}`, msg(1, 'public', pdu(t, 7, es!, ei!, vbl(vb(`${SYS}.1.0`, t === 2 ? str('x') : nul())))));
  }
}
// Traps: every generic trap, specific traps, agent addresses, time stamps.
for (let g = -1; g <= 8; g++) {
  for (const sp of [0, 1, -1, 99999]) add(`trap g=${g} s=${sp}`, msg(0, 'traps', trap('1.3.6.1.4.1.2021.251', ip('172.16.0.9'), g, sp, 360000, vbl(vb('1.3.6.1.6.3.1.1.4.1.0', oid('1.3.6.1.6.3.1.1.5.1'))))));
}
add('trap in v2c', msg(1, 'public', trap('1.3.6.1.4.1', ip('1.2.3.4'), 0, 0, 1, vbl())));
add('trap enterprise not oid', msg(0, 'public', tlv(0xa4, cat(int(5), ip('1.2.3.4')))));
add('trap agent not ip', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), str('x')))));
add('trap agent short', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), tlv(0x40, hex('0102')), int(0), int(0), uns(0x43, 5), vbl()))));
add('trap generic not int', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), str('g')))));
add('trap specific not int', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), int(6), nul()))));
add('trap time not ticks', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), int(6), int(1), int(5), vbl()))));
add('trap time gauge', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), int(6), int(1), uns(0x42, 5), vbl()))));
add('trap time counter64', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), int(6), int(1), uns(0x46, 5), vbl()))));
add('trap no varbinds', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4'), int(6), int(1), uns(0x43, 5)))));
add('trap stops early', msg(0, 'public', tlv(0xa4, cat(oid('1.3.6'), ip('1.2.3.4')))));

// Communities.
for (const c of ['public', 'Public', 'publi', 'publicx', '', 'private', 'comm "q"', 'tab\there', '\x1b[2J', Buffer.from([0xff, 0x00]), 'x'.repeat(200)]) {
  add(`community ${JSON.stringify(c.toString())}`, msg(1, c, pdu(0, 1, 0, 0, vbl(vb(`${SYS}.1.0`)))));
}

// OIDs: long, big sub-identifiers, odd first octets, unterminated.
const OIDS: Buffer[] = [
  oid('1.3.6.1.2.1.1.1.0'), oid('0.0'), oid('0.39'), oid('1.0'), oid('1.39'), oid('2.0'), oid('2.40'), oid('2.100000'),
  oid('1.3.' + Array.from({ length: 60 }, (_, k) => k * 1000).join('.')),
  oid('1.3.6.1.4.1.2147483647'), oid('1.3.6.1.4.1.2147483648'), oid('1.3.6.1.4.1.4294967295'), oid('1.3.6.1.4.1.4294967296'), oid('1.3.6.1.4.1.68719476735'),
  tlv(0x06, hex('8fffffff7f')), tlv(0x06, hex('ffffffff7f')), tlv(0x06, hex('8880808000')), tlv(0x06, hex('2b0601ff')), tlv(0x06, hex('80')), tlv(0x06, hex('7f7f7f')),
  tlv(0x06, hex('2b06010401')), tlv(0x06, hex('2b060102')), tlv(0x06, hex('2b0601030102')), tlv(0x06, hex('2b06010603')), tlv(0x06, hex('2b')),
  tlv(0x06, Buffer.alloc(130, 0x81)), tlv(0x06, cat(hex('2b'), Buffer.alloc(200, 0x05))),
];
OIDS.forEach((o, k) => {
  add(`oid ${k} get`, msg(1, 'public', pdu(0, k, 0, 0, vbl(vb(o)))));
  add(`oid ${k} value`, msg(1, 'public', pdu(2, k, 0, 0, vbl(vb(`${SYS}.2.0`, o)))));
  add(`oid ${k} enterprise`, msg(0, 'public', tlv(0xa4, cat(o, ip('1.2.3.4'), int(6), int(1), uns(0x43, 1), vbl()))));
});

// Versions.
for (const v of [0, 1, 2, 3, 4, -1, 255, 0x7fffffff]) add(`version ${v}`, msg(v, 'public', pdu(0, 1, 0, 0, vbl(vb(`${SYS}.1.0`)))));
add('version not int', seq(str('1'), str('public')));
add('version empty int', seq(tlv(0x02), str('public')));
add('v2 pdu in v1: getbulk', msg(0, 'public', pdu(5, 1, 0, 10, vbl(vb(`${SYS}.1.0`)))));

// Structure errors.
const good = msg(1, 'public', pdu(2, 77, 0, 0, vbl(vb(`${SYS}.1.0`, str('hello')))));
add('good', good);
add('empty', Buffer.alloc(0));
add('one byte', hex('30'));
add('not a sequence', int(5));
add('string at top', str('hello'));
add('extra after iSEQ', cat(good, hex('00000000')));
add('short outer length', rawTlv(0x30, berLen(good.length), good.subarray(2)));
add('outer too long', rawTlv(0x30, hex('7f'), good.subarray(2)));
add('outer long form', rawTlv(0x30, berLen(good.length - 2, 2), good.subarray(2)));
add('outer long form 4', rawTlv(0x30, berLen(good.length - 2, 4), good.subarray(2)));
add('outer long form too many', rawTlv(0x30, hex('85'), hex('0000')));
add('outer long form 0x84 huge', rawTlv(0x30, hex('84ffffffff'), good.subarray(2)));
add('outer indefinite', rawTlv(0x30, hex('80'), good.subarray(2)));
add('community not string', seq(int(1), int(5), pdu(0, 1, 0, 0, vbl())));
add('no pdu', seq(int(1), str('public')));
add('pdu not context', seq(int(1), str('public'), seq(int(1))));
add('pdu primitive context', seq(int(1), str('public'), tlv(0x80)));
add('pdu id 9', seq(int(1), str('public'), tlv(0xa9, cat(int(1), int(0), int(0), vbl()))));
add('pdu id 15', seq(int(1), str('public'), tlv(0xaf)));
add('extra after pdu', seq(int(1), str('public'), pdu(0, 1, 0, 0, vbl()), hex('0500')));
add('reqid not int', seq(int(1), str('public'), tlv(0xa0, cat(str('x')))));
add('reqid missing', seq(int(1), str('public'), tlv(0xa0)));
add('errstatus not int', seq(int(1), str('public'), tlv(0xa0, cat(int(1), nul()))));
add('errindex not int', seq(int(1), str('public'), tlv(0xa2, cat(int(1), int(2), ip('1.1.1.1')))));
add('errindex missing', seq(int(1), str('public'), tlv(0xa2, cat(int(1), int(2)))));
add('varbinds missing', seq(int(1), str('public'), tlv(0xa2, cat(int(1), int(0), int(0)))));
add('varbinds not seq', seq(int(1), str('public'), tlv(0xa2, cat(int(1), int(0), int(0), str('v')))));
add('extra after varbinds', seq(int(1), str('public'), tlv(0xa2, cat(int(1), int(0), int(0), vbl(vb('1.3.6', int(1))), nul()))));
add('varbind not seq', msg(1, 'public', pdu(2, 1, 0, 0, vbl(int(4)))));
add('varbind name not oid', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(str('n'), int(4))))));
add('varbind no value', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(oid('1.3.6.1'))))));
add('varbind no value get', msg(1, 'public', pdu(0, 1, 0, 0, vbl(seq(oid('1.3.6.1'))))));
add('varbind empty', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq()))));
add('varbind extra', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(oid('1.3.6.1'), int(4), int(5)), vb('1.3.6.2', int(6))))));
add('varbind value too long', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(oid('1.3.6.1'), rawTlv(0x02, hex('05'), hex('01')))))));
add('varbind trailing byte', msg(1, 'public', pdu(2, 1, 0, 0, cat(vbl(vb('1.3.6.1', int(1))).subarray(0, 1), Buffer.from([vbl(vb('1.3.6.1', int(1)))[1]! + 1]), vbl(vb('1.3.6.1', int(1))).subarray(2), hex('00')))));
add('get with values', msg(1, 'public', pdu(1, 1, 0, 0, vbl(vb('1.3.6.1', int(3)), vb('1.3.6.2', str('s')), vb('1.3.6.3', tlv(0x80))))));
add('getbulk', msg(1, 'public', pdu(5, 99, 0, 25, vbl(vb('1.3.6.1.2.1.2.2.1.2'), vb('1.3.6.1.2.1.2.2.1.10')))));
add('getbulk negative', msg(1, 'public', pdu(5, 99, -3, -4, vbl())));
add('report', msg(1, 'public', pdu(8, 1, 0, 0, vbl(vb('1.3.6.1.6.3.15.1.1.4.0', uns(0x41, 3))))));
add('int long form', msg(1, 'public', pdu(2, 1, 0, 0, vbl(vb('1.3.6.1', rawTlv(0x02, hex('8102'), hex('ff00')))))));
add('oid with ext tag name', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(hex('1f0601'), int(1))))));
add('nothing to parse in vb', msg(1, 'public', pdu(2, 1, 0, 0, vbl(seq(oid('1.3')), seq(oid('1.4'), int(2))))));

// SNMPv3.
const getPdu = pdu(0, 4242, 0, 0, vbl(vb(`${SYS}.1.0`), vb(`${SYS}.5.0`)));
add('v3 get', v3({ pdu: getPdu }));
add('v3 report', v3({ pdu: pdu(8, 4242, 0, 0, vbl(vb('1.3.6.1.6.3.15.1.1.4.0', uns(0x41, 1)))), flags: Buffer.from([0]), user: '' }));
for (const f of [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0xff]) add(`v3 flags ${f}`, v3({ pdu: getPdu, flags: Buffer.from([f]) }));
add('v3 flags empty', v3({ pdu: getPdu, flags: Buffer.alloc(0) }));
add('v3 flags two', v3({ pdu: getPdu, flags: hex('0300') }));
for (const m of [0, 1, 2, 3, 4, -1, 256]) add(`v3 model ${m}`, v3({ pdu: getPdu, model: m }));
add('v3 auth priv', v3({ pdu: tlv(0x04, hex('0123456789abcdef')), flags: Buffer.from([7]), user: 'authPrivUser', auth: hex('0102030405060708090a0b0c'), priv: hex('0000000100000002') }));
add('v3 encrypted scoped', v3({ pdu: getPdu, scoped: str(hex('deadbeef00')) }));
add('v3 user binary', v3({ pdu: getPdu, user: hex('00ff1b') }));
add('v3 user quote', v3({ pdu: getPdu, user: 'a"b' }));
add('v3 context name', v3({ pdu: getPdu, ctxName: 'bridge1' }));
add('v3 context name binary', v3({ pdu: getPdu, ctxName: hex('0aff') }));
add('v3 context engine empty', v3({ pdu: getPdu, ctxEngine: Buffer.alloc(0) }));
add('v3 boots negative', v3({ pdu: getPdu, boots: -1, time: 2147483647 }));
add('v3 engine not str', v3({ pdu: getPdu, usm: seq(int(1)) }));
add('v3 usm not seq', v3({ pdu: getPdu, usm: int(1) }));
add('v3 usm empty', v3({ pdu: getPdu, usm: Buffer.alloc(0) }));
add('v3 usm boots not int', v3({ pdu: getPdu, usm: seq(str('e'), str('b')) }));
add('v3 usm time not int', v3({ pdu: getPdu, usm: seq(str('e'), int(1), str('t')) }));
add('v3 usm user not str', v3({ pdu: getPdu, usm: seq(str('e'), int(1), int(2), int(3)) }));
add('v3 usm auth not str', v3({ pdu: getPdu, usm: seq(str('e'), int(1), int(2), str('u'), int(3)) }));
add('v3 usm priv not str', v3({ pdu: getPdu, usm: seq(str('e'), int(1), int(2), str('u'), str(''), int(3)) }));
add('v3 usm priv missing', v3({ pdu: getPdu, usm: seq(str('e'), int(1), int(2), str('u'), str('')) }));
add('v3 usm extra', v3({ pdu: getPdu, usm: seq(str('e'), int(1), int(2), str('u'), str(''), str(''), int(9), int(9)) }));
add('v3 usm extra after', v3({ pdu: getPdu, usm: cat(seq(str('e'), int(1), int(2), str('u'), str(''), str('')), hex('0500')) }));
add('v3 global not seq', v3({ pdu: getPdu, global: int(1) }));
add('v3 msgid not int', v3({ pdu: getPdu, global: seq(str('1')) }));
add('v3 maxsize not int', v3({ pdu: getPdu, global: seq(int(1), str('1')) }));
add('v3 flags not str', v3({ pdu: getPdu, global: seq(int(1), int(2), int(4)) }));
add('v3 model not int', v3({ pdu: getPdu, global: seq(int(1), int(2), str(hex('04')), str('3')) }));
add('v3 model missing', v3({ pdu: getPdu, global: seq(int(1), int(2), str(hex('04'))) }));
add('v3 global extra', v3({ pdu: getPdu, global: seq(int(1), int(2), str(hex('04')), int(3), int(5), int(5)) }));
add('v3 secparams not str', seq(int(3), seq(int(1), int(2), str(hex('04')), int(3)), int(5)));
add('v3 secparams missing', seq(int(3), seq(int(1), int(2), str(hex('04')), int(3))));
add('v3 scoped missing', seq(int(3), seq(int(1), int(2), str(hex('04')), int(3)), str(seq(str('e'), int(1), int(2), str('u'), str(''), str('')))));
add('v3 scoped ctxengine not str', v3({ pdu: getPdu, scoped: seq(int(1)) }));
add('v3 scoped ctxname not str', v3({ pdu: getPdu, scoped: seq(str('e'), int(1)) }));
add('v3 scoped no pdu', v3({ pdu: getPdu, scoped: seq(str('e'), str('n')) }));
add('v3 scoped pdu not pdu', v3({ pdu: getPdu, scoped: seq(str('e'), str('n'), int(1)) }));
add('v3 trap pdu', v3({ pdu: trap('1.3.6.1.4.1', ip('1.2.3.4'), 1, 0, 5, vbl()) }));
for (let t = 0; t <= 8; t++) add(`v3 pdu ${t}`, v3({ pdu: t === 4 ? trap('1.3.6.1.4.1', ip('1.2.3.4'), 6, 2, 5, vbl(vb('1.3.6.1', int(1)))) : pdu(t, t, 0, 0, vbl(vb('1.3.6.1.2.1.1.3.0', uns(0x43, t)))) }));

// Extended tags that run to the end of their element: tcpdump's loop reads the next byte before it
// checks the length, past the element (and past the capture: the GET_U_1 longjmp, no closing braces).
for (const tail of [hex('1f'), hex('1f81'), hex('1f8181'), hex('1f01'), hex('3f'), hex('bf81'), hex('ff')]) {
  const m = msg(1, 'public', pdu(2, 1, 0, 0, vbl(vb('1.3.6.1', int(1)), seq(oid('1.3.6.2'), tail))));
  add(`tag ${tail.toString('hex')} at the end`, m);
  for (const after of [hex('00'), hex('80'), hex('8101'), hex('0000')]) add(`tag ${tail.toString('hex')} then ${after.toString('hex')}`, cat(m, after));
  add(`tag ${tail.toString('hex')} at the end, udp length shorter`, cat(m, hex('81')), { udpPayloadLen: m.length });
}
for (const top of [hex('1f'), hex('1f81'), hex('1f8101'), hex('3f0100'), hex('30'), hex('3081'), hex('308200'), hex('0201'), hex('0200')]) {
  add(`top ${top.toString('hex')}`, top);
  add(`top ${top.toString('hex')} cut`, cat(top, hex('ff')), { cap: top.length });
  for (let n = 0; n <= top.length; n++) add(`top ${top.toString('hex')} udp length ${n}`, cat(top, hex('81')), { udpPayloadLen: n });
}

// UDP length less than the payload.
for (let n = 0; n < good.length + 2; n++) add(`udp length ${n}`, cat(good, hex('0000')), { udpPayloadLen: n });

// Captures cut at every length.
const cutSources: [string, Buffer][] = [
  ['cut v1 get', msg(0, 'community', pdu(0, 1, 0, 0, vbl(vb(`${SYS}.1.0`), vb(`${SYS}.2.0`))))],
  ['cut v2c response', good],
  ['cut v1 trap', msg(0, 'public', trap('1.3.6.1.4.1.9', ip('10.1.2.3'), 6, 17, 12345, vbl(vb(`${SYS}.5.0`, str('x')))))],
  ['cut v3', v3({ pdu: getPdu })],
  ['cut long forms', rawTlv(0x30, berLen(good.length - 2, 3), good.subarray(2))],
  ['cut ext tag', cat(hex('30'), berLen(8), hex('1f8181010100'), int(1))],
];
for (const [name, p] of cutSources) {
  for (let cap = 0; cap < p.length; cap++) add(`${name} cut at ${cap}`, p, { cap });
}

// Random messages (a fixed seed): well-formed ones with random values and corruptions.
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
  const vbs: Buffer[] = [];
  const n = ri(6);
  for (let j = 0; j < n; j++) {
    const name = `1.3.6.1.${ri(7)}.${ri(300)}.${ri(2) ? ri(1 << 30) : ri(10)}`;
    vbs.push(vb(name, ri(4) === 0 ? VALUES[ri(VALUES.length)]![1] : [nul(), int(ri(1 << 31) - (1 << 30)), str(Buffer.from(Array.from({ length: ri(12) }, () => (ri(3) ? 0x20 + ri(95) : ri(256))))), uns(0x41 + ri(3), ri(1 << 31)), ip(`${ri(256)}.${ri(256)}.${ri(256)}.${ri(256)}`)][ri(5)]!));
  }
  const t = ri(9);
  const p0 = t === 4 ? trap(`1.3.6.1.4.1.${ri(100000)}`, ip('10.0.0.9'), ri(8), ri(5), ri(1 << 30), vbl(...vbs)) : pdu(t, ri(1 << 31) - (1 << 30), ri(5) ? 0 : ri(20), ri(5) ? 0 : ri(5), vbl(...vbs));
  let p = ri(5) === 0 ? v3({ pdu: p0, flags: Buffer.from([[0, 1, 3, 4, 5, 7][ri(6)]!]), user: ['', 'u', 'admin'][ri(3)]! }) : msg(ri(2), ['public', 'private', ''][ri(3)]!, p0);
  if (ri(4) === 0) { p = Buffer.from(p); const at = ri(p.length); p[at] = ri(8) === 0 ? 0x80 | ri(5) : ri(256); }
  add(`random ${k}`, p, ri(4) === 0 ? { cap: ri(p.length + 1) } : ri(20) === 0 ? { udpPayloadLen: ri(p.length + 1) } : {});
}

// ---------------------------------------------------------------- tcpdump

const built = cases.map(build);



const tcpdump = haveTool('tcpdump');

describe.skipIf(!tcpdump)('snmpText equals tcpdump 4.99.3 on built frames', () => {
  it('has the cases it claims', () => {
    expect(built.length).toBeGreaterThan(3000);
  });
  for (const [verbose, flags] of [[0, []], [1, ['-v']], [2, ['-vv']]] as [number, string[]][]) {
    it(`${flags.join(' ') || 'no -v'}: ${built.length} frames`, () => {
      const theirs = tcpdumpTexts(built, flags);
      const ours = built.map((f) => snmpText(f.buf, f.off, f.capEnd, f.length, verbose));
      expect(labelled(built, ours)).toEqual(labelled(built, theirs));
    });
  }
});

describe('snmpText properties (fast-check)', () => {
  it('random payloads at any capture length and UDP length never throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat(), fc.nat(), fc.constantFrom(0, 1, 2),
        (arr, capSeed, lenSeed, verbose) => {
          const b = Buffer.from(arr);
          const capEnd = capSeed % (b.length + 1);
          const length = lenSeed % (b.length + 40);
          const s = snmpText(b, 0, capEnd, length, verbose);
          expect(typeof s).toBe('string');
          // Nothing from the packet reaches the text unescaped.
          expect(/[^\x20-\x7e\n\t]/.test(s)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random varbind lists in a well-formed message never throw', () => {
    const tagArb = fc.oneof(fc.constantFrom(0x02, 0x04, 0x05, 0x06, 0x30, 0x40, 0x41, 0x43, 0x46, 0x80, 0x81, 0x82, 0xa0, 0x1f, 0xc0), fc.integer({ min: 0, max: 255 }));
    const valArb = fc.tuple(tagArb, fc.uint8Array({ minLength: 0, maxLength: 30 })).map(([t, v]) => tlv(t, Buffer.from(v)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 12 }), valArb), { maxLength: 10 }), fc.integer({ min: 0, max: 9 }), fc.nat(), fc.constantFrom(0, 1, 2), fc.nat(8),
        (vbs, t, capSeed, verbose, off) => {
          const m = msg(t === 4 ? 0 : 1, 'public', pdu(t, 1, 0, 0, vbl(...vbs.map(([o, v]) => seq(tlv(0x06, Buffer.from(o)), v)))));
          const p = Buffer.concat([Buffer.alloc(off, 0xee), m]);
          const capEnd = off + (capSeed % (p.length - off + 1));
          const s = snmpText(p, off, capEnd, p.length - off, verbose);
          expect(/[^\x20-\x7e\n\t]/.test(s)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
