/**
 * dhcp6Text prints what tcpdump 4.99.3 prints for DHCPv6 (print-dhcp6.c),
 * without and with -v: every message type, every option the printer knows
 * with valid and invalid lengths, DUIDs of each type, domain names with
 * compression and odd labels, nested relay messages, and captures cut short.
 * Each message goes out in an Ethernet + IPv4 + UDP frame (some in IPv6), the
 * installed tcpdump reads them all from one pcap, and each line's text after
 * the UDP ports must equal dhcp6Text on the same payload.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dhcp6Text } from '../../src/print/print-dhcp6.js';
import { haveTool } from '../helpers/netlens.js';
import { classicPcap, type CutFrame } from '../helpers/pcap.js';

// ---- building DHCPv6 messages ----

const u8 = (...v: number[]): Buffer => Buffer.from(v);
const be16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); return b; };
const be32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const cat = (...p: Buffer[]): Buffer => Buffer.concat(p);
const str = (s: string): Buffer => Buffer.from(s, 'latin1');
const hex = (h: string): Buffer => Buffer.from(h, 'hex');

/** An IPv6 address in text form as its 16 bytes. */
function ip6(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (s: string | undefined): number[] => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return cat(...all.map(be16));
}

/** A DHCPv6 option: type, length, body. */
const opt = (type: number, body: Buffer = Buffer.alloc(0)): Buffer => cat(be16(type), be16(body.length), body);
/** An option whose length field says `len`, whatever follows. */
const optLen = (type: number, len: number, body: Buffer): Buffer => cat(be16(type), be16(len), body);
/** A client/server message: type, 24-bit transaction ID, options. */
const msg = (type: number, xid: number, ...opts: Buffer[]): Buffer => cat(u8(type), be32(xid).subarray(1), ...opts);
/** A relay-forward/relay-reply message. */
const relay = (type: number, hops: number, link: string, peer: string, ...opts: Buffer[]): Buffer =>
  cat(u8(type, hops), ip6(link), ip6(peer), ...opts);
/** A domain name in DNS wire form (uncompressed, ending in the root). */
const dname = (...labels: (string | Buffer)[]): Buffer =>
  cat(...labels.map((l) => { const b = typeof l === 'string' ? str(l) : l; return cat(u8(b.length), b); }), u8(0));

const MAC = hex('020000aabbcc');
const duidLlt = cat(be16(1), be16(1), be32(0x2a3b4c5d), MAC);
const duidEn = cat(be16(2), be32(311), hex('0102030405060708'));
const duidLl = cat(be16(3), be16(1), MAC);
const duidUuid = cat(be16(4), hex('00112233445566778899aabbccddeeff'));
const iaAddr = (a: string, pl: number, vl: number, ...sub: Buffer[]): Buffer => opt(5, cat(ip6(a), be32(pl), be32(vl), ...sub));
const iaPrefix = (pl: number, vl: number, plen: number, a: string, ...sub: Buffer[]): Buffer =>
  opt(26, cat(be32(pl), be32(vl), u8(plen), ip6(a), ...sub));
const status = (code: number, text = ''): Buffer => opt(13, cat(be16(code), str(text)));

/** Every option tcpdump 4.99.3 prints, valid and not, each as one option. */
const OPTIONS: [string, Buffer][] = [
  ['client-ID LLT', opt(1, duidLlt)],
  ['client-ID LLT no link-layer address', opt(1, cat(be16(1), be16(6), be32(7)))],
  ['client-ID LLT short', opt(1, cat(be16(1), be16(1), hex('0102')))],
  ['client-ID EN', opt(1, duidEn)],
  ['client-ID EN long', opt(1, cat(duidEn, hex('aabbcc')))],
  ['client-ID EN short', opt(1, cat(be16(2), be32(311), hex('01')))],
  ['client-ID LL', opt(1, duidLl)],
  ['client-ID LL no address', opt(1, cat(be16(3), be16(6)))],
  ['client-ID LL short', opt(1, cat(be16(3), u8(1)))],
  ['client-ID UUID', opt(1, duidUuid)],
  ['client-ID type 0', opt(1, be16(0))],
  ['client-ID empty', opt(1)],
  ['client-ID one byte', opt(1, u8(1))],
  ['server-ID LLT', opt(2, duidLlt)],
  ['server-ID EN', opt(2, duidEn)],
  ['server-ID LL', opt(2, duidLl)],
  ['server-ID 0xffff', opt(2, cat(be16(0xffff), hex('0102')))],
  ['IA_NA', opt(3, cat(be32(1), be32(3600), be32(5400)))],
  ['IA_NA with IA_ADDR and status', opt(3, cat(be32(0xdeadbeef), be32(0), be32(0xffffffff),
    iaAddr('2001:db8::1', 7200, 7500), status(0, 'ok')))],
  ['IA_NA with bad inner option', opt(3, cat(be32(1), be32(2), be32(3), optLen(5, 40, Buffer.alloc(10))))],
  ['IA_NA with 2 stray bytes', opt(3, cat(be32(1), be32(2), be32(3), hex('0001')))],
  ['IA_NA short', opt(3, Buffer.alloc(11))],
  ['IA_TA', opt(4, be32(77))],
  ['IA_TA with IA_ADDR', opt(4, cat(be32(77), iaAddr('fe80::1', 1, 2)))],
  ['IA_TA short', opt(4, hex('000000'))],
  ['IA_ADDR', iaAddr('2001:db8:0:1::abcd', 3600, 7200)],
  ['IA_ADDR v4-mapped', iaAddr('::ffff:c000:0201', 0, 0)],
  ['IA_ADDR with status', iaAddr('2001:db8::2', 10, 20, status(2, 'none left'))],
  ['IA_ADDR short', opt(5, Buffer.alloc(23))],
  ['IA_ADDR with one stray byte', opt(5, cat(ip6('::1'), be32(1), be32(2), u8(9)))],
  ['ORO', opt(6, cat(be16(23), be16(24), be16(31), be16(56), be16(64), be16(999), be16(0)))],
  ['ORO empty', opt(6)],
  ['ORO odd', opt(6, hex('001700'))],
  ['preference', opt(7, u8(255))],
  ['preference bad', opt(7, hex('0001'))],
  ['elapsed-time', opt(8, be16(65535))],
  ['elapsed-time bad', opt(8, u8(1))],
  ['relay-message solicit', opt(9, msg(1, 0x123456, opt(8, be16(0)), opt(1, duidLl)))],
  ['relay-message relay-fwd inside', opt(9, relay(12, 0, '2001:db8::1', 'fe80::2', opt(9, msg(11, 1, opt(6, be16(23))))))],
  ['relay-message too short for a header', opt(9, hex('0102'))],
  ['relay-message empty', opt(9)],
  ['relay-message relay too short', opt(9, cat(u8(12, 0), ip6('2001:db8::1'), hex('fe80')))],
  ['relay-message with bad inner option', opt(9, msg(7, 9, optLen(3, 50, Buffer.alloc(4))))],
  ['auth delayed with realm', opt(11, cat(u8(2, 1, 0), hex('0000000000000001'), str('realm'), be32(0xcafe), hex('00112233445566778899aabbccddeeff')))],
  ['auth delayed no realm', opt(11, cat(u8(2, 1, 0), hex('0000000000000002'), be32(1), Buffer.alloc(16, 0xab)))],
  ['auth delayed no info', opt(11, cat(u8(2, 1, 0), hex('0102030405060708')))],
  ['auth delayed short info', opt(11, cat(u8(2, 1, 0), hex('0102030405060708'), Buffer.alloc(19)))],
  ['auth reconfig key', opt(11, cat(u8(3, 1, 0), hex('0000000000000003'), u8(1), Buffer.alloc(16, 0x5a)))],
  ['auth reconfig hmac', opt(11, cat(u8(3, 1, 0), hex('0000000000000004'), u8(2), hex('0123456789abcdef0123456789abcdef')))],
  ['auth reconfig type 7', opt(11, cat(u8(3, 7, 9), hex('ffffffffffffffff'), u8(7), Buffer.alloc(16)))],
  ['auth reconfig bad length', opt(11, cat(u8(3, 1, 0), hex('0000000000000004'), u8(2), Buffer.alloc(10)))],
  ['auth proto 0', opt(11, cat(u8(0, 0, 1), Buffer.alloc(8)))],
  ['auth proto 4 extra', opt(11, cat(u8(4, 2, 3), Buffer.alloc(8), hex('aabb')))],
  ['auth short', opt(11, Buffer.alloc(10))],
  ['server-unicast', opt(12, ip6('2001:db8::53'))],
  ['status Success', status(0)],
  ['status NoAddrsAvail text', status(2, 'no addresses')],
  ['status with ESC', status(1, 'bad\x1b[31mred\x7f\xff')],
  ['status NotAllowed', status(10)],
  ['status code11', status(11)],
  ['status code255', status(255)],
  ['status INVALID', status(256)],
  ['status short', opt(13, u8(0))],
  ['rapid-commit', opt(14)],
  ['rapid-commit with data', opt(14, u8(1))],
  ['user-class', opt(15, cat(be16(4), str('abcd')))],
  ['vendor-class', opt(16, cat(be32(9), be16(3), str('xyz')))],
  ['vendor-specific-info', opt(17, cat(be32(4491), be16(1), be16(2), hex('0102')))],
  ['interface-ID short', opt(18, str('eth0'))],
  ['interface-ID long', opt(18, str('GigabitEthernet0/0/1.100'))],
  ['interface-ID empty', opt(18)],
  ['reconfigure-message renew', opt(19, u8(5))],
  ['reconfigure-message inf-req', opt(19, u8(11))],
  ['reconfigure-message other', opt(19, u8(0xab))],
  ['reconfigure-message bad', opt(19, hex('0505'))],
  ['reconfigure-accept', opt(20)],
  ['SIP-servers-domain', opt(21, cat(dname('sip', 'example', 'com'), dname('sip2', 'example', 'net')))],
  ['SIP-servers-address', opt(22, cat(ip6('2001:db8::5060'), ip6('2001:db8::5061')))],
  ['SIP-servers-address bad', opt(22, Buffer.alloc(15))],
  ['DNS-server', opt(23, cat(ip6('2001:4860:4860::8888'), ip6('2001:4860:4860::8844'), ip6('::')))],
  ['DNS-server empty', opt(23)],
  ['DNS-server bad', opt(23, Buffer.alloc(17))],
  ['DNS-search-list', opt(24, cat(dname('example', 'com'), dname('corp', 'example', 'org')))],
  ['DNS-search-list root', opt(24, u8(0))],
  ['DNS-search-list odd bytes', opt(24, dname(hex('1b5b33316d'), hex('7f80ff'), 'ok', hex('e9e8')))],
  ['DNS-search-list dots and spaces', opt(24, dname('a.b', 'c d', ''))],
  ['DNS-search-list label past end', opt(24, cat(u8(3), str('abc'), u8(10), str('xy')))],
  ['DNS-search-list bad label type', opt(24, cat(u8(2), str('ab'), u8(0x80, 0)))],
  ['DNS-search-list ELT', opt(24, cat(u8(0x42, 1, 2, 0)))],
  ['DNS-search-list bitlabel', opt(24, cat(u8(0x41, 12), hex('abcd'), u8(3), str('com'), u8(0)))],
  ['DNS-search-list bitlabel 0 bits', opt(24, cat(u8(0x41, 0), Buffer.alloc(32, 0x11), u8(0)))],
  ['DNS-search-list bitlabel 3 bits', opt(24, cat(u8(0x41, 3), hex('e0'), u8(0)))],
  ['DNS-search-list bitlabel 7 bits', opt(24, cat(u8(0x41, 7), hex('fe'), u8(0)))],
  ['DNS-search-list bitlabel 17 bits', opt(24, cat(u8(0x41, 17), hex('ffffff'), u8(0)))],
  ['DNS-search-list long name', opt(24, dname(...new Array(5).fill('x'.repeat(63))))],
  ['DNS-search-list pointer to start', opt(24, cat(u8(3), str('foo'), u8(0xc0, 0)))],
  ['DNS-search-list only a pointer', opt(24, u8(0xc0, 0x00))],
  ['DNS-search-list pointer far', opt(24, cat(u8(1), str('a'), u8(0xff, 0xff)))],
  ['DNS-search-list pointer cut', opt(24, cat(u8(1), str('a'), u8(0xc0)))],
  ['DNS-search-list empty', opt(24)],
  ['DNS-search-list bitlabel past capture', opt(24, cat(u8(0x41, 64), hex('abcd')))],
  ['DNS-search-list bitlabel type last', opt(24, cat(u8(1), str('a'), u8(0x41)))],
  ['DNS-search-list length byte last', opt(24, cat(u8(1), str('a'), u8(5)))],
  ['DNS-search-list pointer to pointer', opt(24, cat(u8(0xc0, 0x01)))],
  ['IA_PD', opt(25, cat(be32(5), be32(100), be32(200)))],
  ['IA_PD with prefixes', opt(25, cat(be32(5), be32(100), be32(200), iaPrefix(3600, 7200, 56, '2001:db8:100::'),
    iaPrefix(1, 2, 64, '2001:db8:200::', status(6, 'no prefix'))))],
  ['IA_PD short', opt(25, Buffer.alloc(4))],
  ['IA_PD-prefix', iaPrefix(0xffffffff, 0, 48, '2001:db8::')],
  ['IA_PD-prefix short', opt(26, Buffer.alloc(24))],
  ['IA_PD-prefix bad prefix length', iaPrefix(1, 1, 200, '::1')],
  ['NIS-server', opt(27, ip6('2001:db8::111'))],
  ['NIS+-server', opt(28, ip6('2001:db8::112'))],
  ['NIS-server bad', opt(28, Buffer.alloc(20))],
  ['NIS-domain-name', opt(29, dname('nis', 'example'))],
  ['NIS+-domain-name', opt(30, dname('nisplus'))],
  ['SNTP-servers', opt(31, cat(ip6('2001:db8::123'), ip6('fe80::123')))],
  ['lifetime', opt(32, be32(86400))],
  ['lifetime bad', opt(32, be16(1))],
  ['BCMCS-domain-name', opt(33, dname('bcmcs'))],
  ['BCMCS-server', opt(34, ip6('ff02::1:2'))],
  ['opt_35', opt(35, hex('0102'))],
  ['Geoconf-Civic', opt(36, hex('00555303'))],
  ['Remote-ID', opt(37, cat(be32(3561), str('remote-identifier-long')))],
  ['Remote-ID just enterprise', opt(37, be32(9))],
  ['Remote-ID short', opt(37, hex('000001'))],
  ['Subscriber-ID', opt(38, str('subscriber-0001'))],
  ['Subscriber-ID short', opt(38, u8(0x1b))],
  ['Client-FQDN', opt(39, cat(u8(1), dname('host', 'example', 'com')))],
  ['PANA-agent', opt(40, ip6('2001:db8::7'))],
  ['POSIX-timezone', opt(41, str('EST5EDT4,M3.2.0/02:00,M11.1.0/02:00'))],
  ['POSIX-timezone escapes', opt(41, str('CET\x1b\x7f\x80\xff\xe9-1'))],
  ['POSIX-timezone NUL inside', opt(41, str('UTC0\x00junk'))],
  ['POSIX-timezone short', opt(41, str('UTC0'))],
  ['POSIX-tz-database', opt(42, str('Europe/Zurich'))],
  ['Echo-request-option', opt(43, cat(be16(18), be16(37), be16(38)))],
  ['Echo-request-option odd', opt(43, u8(1))],
  ['Lease-query by-address', opt(44, cat(u8(1), ip6('2001:db8::9'), iaAddr('2001:db8::9', 0, 0)))],
  ['Lease-query by-clientID', opt(44, cat(u8(2), ip6('::'), opt(1, duidLl)))],
  ['Lease-query type 7', opt(44, cat(u8(7), ip6('fe80::1')))],
  ['Lease-query short', opt(44, Buffer.alloc(16))],
  ['LQ-client-data', opt(45, cat(opt(1, duidLl), iaAddr('2001:db8::10', 1, 2), opt(46, be32(600))))],
  ['LQ-client-data empty', opt(45)],
  ['Clt-time', opt(46, be32(1234))],
  ['Clt-time bad', opt(46, Buffer.alloc(5))],
  ['LQ-relay-data', opt(47, cat(ip6('2001:db8::aa'), relay(12, 1, '::', '::')))],
  ['LQ-relay-data address only', opt(47, ip6('2001:db8::ab'))],
  ['LQ-relay-data short', opt(47, Buffer.alloc(15))],
  ['LQ-client-link', opt(48, cat(ip6('2001:db8:1::'), ip6('2001:db8:2::')))],
  ['LQ-client-link bad', opt(48, Buffer.alloc(8))],
  ['NTP-server addresses', opt(56, cat(opt(1, ip6('2001:db8::123')), opt(2, ip6('ff05::101'))))],
  ['NTP-server fqdn', opt(56, opt(3, dname('ntp', 'example', 'org')))],
  ['NTP-server fqdn and bad address', opt(56, cat(opt(3, dname('pool', 'ntp', 'org')), opt(1, ip6('::1').subarray(0, 8))))],
  ['NTP-server unknown suboption', opt(56, cat(opt(9, hex('0102')), opt(1, ip6('::2'))))],
  ['NTP-server suboption overruns', opt(56, cat(be16(1), be16(20), ip6('::3')))],
  ['NTP-server empty fqdn', opt(56, cat(opt(3), opt(2, ip6('ff02::101'))))],
  ['NTP-server trailing 4 bytes', opt(56, cat(opt(1, ip6('::4')), hex('00010000')))],
  ['NTP-server short', opt(56, hex('000100'))],
  ['AFTR-Name', opt(64, dname('aftr', 'example', 'com'))],
  ['AFTR-Name escapes', opt(64, dname(hex('1bff'), 'x'))],
  ['AFTR-Name bad label length', opt(64, cat(u8(4), str('aftr'), u8(9), str('ab'), u8(0)))],
  ['AFTR-Name no final zero', opt(64, cat(u8(2), str('ab'), u8(1), str('c')))],
  ['AFTR-Name NUL in label', opt(64, cat(u8(3), str('a\x00b'), u8(1), str('c'), u8(0)))],
  ['AFTR-Name short', opt(64, hex('0161'))],
  ['MUD-URL', opt(112, str('https://example.com/mud.json'))],
  ['MUD-URL short', opt(112, str('http'))],
  ['opt_0', opt(0)],
  ['opt_200', opt(200, hex('01020304'))],
  ['opt_65535', opt(65535, hex('ff'))],
];

interface Case { name: string; payload: Buffer; udpLen?: number; ipv6?: boolean; cut?: number }

function cases(): Case[] {
  const out: Case[] = [];
  // every message type, and unknown ones
  for (const t of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 100, 255]) {
    out.push({ name: `msgtype ${t}`, payload: msg(t, 0x00a1b2c3 + t, opt(1, duidLlt), opt(8, be16(t))) });
  }
  out.push({ name: 'solicit no options', payload: msg(1, 0xffffff) });
  out.push({ name: 'relay-fwd', payload: relay(12, 0, '2001:db8::1', 'fe80::21e:c2ff:fe00:1',
    opt(18, str('eth0')), opt(9, msg(1, 0x10203, opt(1, duidLl), opt(6, be16(23)), opt(8, be16(0))))) });
  out.push({ name: 'relay-fwd nested relay', payload: relay(12, 1, '::', 'fe80::1',
    opt(9, relay(12, 0, '2001:db8:1::1', 'fe80::2', opt(37, cat(be32(9), str('rid'))), opt(9, msg(3, 5, opt(2, duidEn)))))) });
  out.push({ name: 'relay-reply', payload: relay(13, 0, '2001:db8::1', 'fe80::3',
    opt(9, msg(7, 0xabcdef, opt(2, duidEn), opt(3, cat(be32(1), be32(0), be32(0), iaAddr('2001:db8::99', 300, 600)))))) });
  out.push({ name: 'relay-fwd no options', payload: relay(12, 32, '::ffff:10.0.0.1', '::1') });
  out.push({ name: 'relay-fwd short', payload: cat(u8(12, 0), ip6('2001:db8::1'), hex('fe80')) });
  out.push({ name: 'relay-reply only msgtype', payload: hex('0d000000') });
  out.push({ name: 'three bytes', payload: hex('010203') });
  out.push({ name: 'one byte', payload: hex('0b') });
  out.push({ name: 'empty', payload: Buffer.alloc(0) });
  // each option alone in a reply
  for (const [name, o] of OPTIONS) out.push({ name: `option ${name}`, payload: msg(7, 0x5a5a5a, o) });
  // all options in one message
  out.push({ name: 'all options', payload: msg(2, 0x1, ...OPTIONS.map(([, o]) => o)) });
  // options that run past the message
  out.push({ name: 'option length past end', payload: msg(1, 1, opt(8, be16(1)), optLen(1, 30, duidLl)) });
  out.push({ name: 'trailing 1 byte', payload: msg(1, 1, opt(8, be16(1)), u8(0)) });
  out.push({ name: 'trailing 3 bytes', payload: msg(1, 1, opt(14), hex('000e00')) });
  // the UDP length ends the message before the captured bytes do
  out.push({ name: 'udp length short of options', payload: msg(1, 2, opt(8, be16(7)), opt(6, be16(23))), udpLen: 8 + 4 + 6 + 3 });
  out.push({ name: 'udp length ends header', payload: msg(1, 2, opt(8, be16(7))), udpLen: 8 + 4 });
  out.push({ name: 'udp length inside header', payload: msg(4, 2, opt(8, be16(7))), udpLen: 8 + 2 });
  // compression pointers count from the option's end, so they can land on what follows
  out.push({ name: 'pointer into bytes past the udp length', payload: msg(1, 3, opt(24, cat(u8(1), str('a'), u8(0xc0, 2))), hex('ffff03636f6d00')),
    udpLen: 8 + 4 + 4 + 4 });
  out.push({ name: 'pointer into the next option', payload: msg(1, 3, opt(24, cat(u8(1), str('a'), u8(0xc0, 0))), opt(0x0300, str('xyz'))) });
  out.push({ name: 'two pointers backwards', payload: msg(1, 3, opt(24, cat(u8(1), str('a'), u8(0xc0, 8))), opt(0x0200, cat(str('zz'), u8(0x02), str('bb'), u8(0xc0, 2)))) });
  out.push({ name: 'two pointers forwards', payload: msg(1, 3, opt(24, cat(u8(1), str('a'), u8(0xc0, 2))), opt(0x0100, cat(u8(0xc0, 3), str('x'), u8(0)))) });
  out.push({ name: 'second name after pointer', payload: msg(1, 3, opt(24, cat(u8(1), str('a'), u8(0xc0, 0), dname('b'))), opt(0, Buffer.alloc(0))) });
  // IPv6 frames
  out.push({ name: 'ipv6 solicit', payload: msg(1, 0x777, opt(1, duidLlt), opt(6, cat(be16(23), be16(24))), opt(8, be16(0)), opt(25, cat(be32(1), be32(0), be32(0)))), ipv6: true });
  out.push({ name: 'ipv6 relay-fwd', payload: relay(12, 0, '2001:db8::1', 'fe80::1', opt(9, msg(11, 0x42, opt(6, be16(23))))), ipv6: true });
  // captures cut short at several lengths
  const cutThese: Buffer[] = [
    msg(1, 0x1234, opt(1, duidLlt), opt(3, cat(be32(1), be32(2), be32(3), iaAddr('2001:db8::1', 4, 5))), opt(24, dname('example', 'com'))),
    relay(12, 0, '2001:db8::1', 'fe80::2', opt(18, str('eth0')), opt(9, msg(1, 9, opt(1, duidEn), opt(8, be16(0))))),
    msg(7, 8, opt(11, cat(u8(2, 1, 0), hex('0000000000000001'), str('realm'), be32(0xcafe), Buffer.alloc(16, 0xab))), opt(56, opt(3, dname('ntp', 'example')))),
  ];
  cutThese.forEach((p, k) => {
    for (const n of [0, 1, 3, 4, 5, 8, 10, 17, 20, 33, 34, 38, 40, 45, 50, 60, 70, 80, p.length - 1]) {
      if (n < p.length) out.push({ name: `cut ${k} at ${n}`, payload: p, cut: n });
    }
  });
  out.push({ name: 'cut ipv6 solicit', payload: msg(1, 0x777, opt(1, duidLlt), opt(8, be16(0))), ipv6: true, cut: 12 });
  // names running to the end of the capture
  const nameToEnd = msg(1, 3, opt(24, dname('example', 'com')));
  for (const n of [9, 12, 17, 19]) out.push({ name: `cut name at ${n}`, payload: nameToEnd, cut: n });
  return out;
}

// ---- frames ----

const ETH4 = hex('020000000002020000000001' + '0800');
const ETH6 = hex('333300010002020000000001' + '86dd');

function ipv4Frame(payload: Buffer, udpLen: number, sport: number, dport: number): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(28 + payload.length, 2); ip[8] = 64; ip[9] = 17;
  hex('0a000001').copy(ip, 12); hex('0a000002').copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0); udp.writeUInt16BE(dport, 2); udp.writeUInt16BE(udpLen, 4);
  return cat(ETH4, ip, udp, payload);
}

function ipv6Frame(payload: Buffer, udpLen: number, sport: number, dport: number): Buffer {
  const ip = Buffer.alloc(40);
  ip[0] = 0x60; ip.writeUInt16BE(8 + payload.length, 4); ip[6] = 17; ip[7] = 1;
  ip6('fe80::1').copy(ip, 8); ip6('ff02::1:2').copy(ip, 24);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0); udp.writeUInt16BE(dport, 2); udp.writeUInt16BE(udpLen, 4);
  return cat(ETH6, ip, udp, payload);
}

interface Built { c: Case; frame: Buffer | CutFrame; header: number; captured: number; length: number }

function build(list: Case[]): Built[] {
  return list.map((c, k) => {
    const udpLen = c.udpLen ?? 8 + c.payload.length;
    const [sport, dport] = k % 2 ? [547, 546] : [546, 547];
    const full = c.ipv6 ? ipv6Frame(c.payload, udpLen, sport, dport) : ipv4Frame(c.payload, udpLen, sport, dport);
    const header = full.length - c.payload.length;
    const captured = c.cut ?? c.payload.length;
    const frame = c.cut === undefined ? full : { data: full.subarray(0, header + c.cut), wireLen: full.length };
    return { c, frame, header, captured, length: Math.min(udpLen - 8, c.payload.length) };
  });
}

/** tcpdump's text for each frame, after the UDP ports and any UDP checksum verdict (IPv6 under -v, IPv4 under -vv). */
function tcpdumpTexts(pcap: Buffer, verbose: number): string[] {
  const args = ['-nn', '-tt', ...(verbose ? ['-' + 'v'.repeat(verbose)] : []), '-r', '-'];
  const r = spawnSync('tcpdump', args, { input: pcap, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 26 });
  const texts: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(?:\d+\.\d+ IP6? (?:\(.*?\) )?| {4})[0-9a-f.:]+\.(?:546|547) > [0-9a-f.:]+\.(?:546|547): (.*)$/.exec(line);
    if (m) texts.push(m[1]!.replace(/^\[(?:udp sum ok|no cksum|bad udp cksum [^\]]*)\] /, ''));
  }
  return texts;
}

const tcpdump = haveTool('tcpdump');
describe.skipIf(!tcpdump)('dhcp6Text equals tcpdump 4.99.3', () => {
  const built = build(cases());
  const pcap = classicPcap(built.map((x) => x.frame));

  for (const verbose of [0, 1, 2]) {
    it(`${built.length} frames, ${verbose ? '-' + 'v'.repeat(verbose) : 'no -v'}`, () => {
      const want = tcpdumpTexts(pcap, verbose);
      expect(want.length).toBe(built.length);
      const got = built.map((x) => dhcp6Text(x.c.payload, 0, x.captured, x.length, verbose));
      for (let i = 0; i < built.length; i++) {
        expect(`${built[i]!.c.name}: ${got[i]}`).toBe(`${built[i]!.c.name}: ${want[i]}`);
      }
    });
  }

  it('random option soups, cut at random lengths, -v and not', () => {
    const anyOption = fc.oneof(
      fc.constantFrom(...OPTIONS.map(([, o]) => o)),
      fc.tuple(fc.integer({ min: 0, max: 120 }), fc.uint8Array({ maxLength: 40 })).map(([t, b]) => opt(t, Buffer.from(b))),
      fc.tuple(fc.constantFrom(21, 24, 56, 64), fc.uint8Array({ maxLength: 30 })).map(([t, b]) => opt(t, Buffer.from(b))),
      fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)),
    );
    const soup = fc.tuple(
      fc.integer({ min: 0, max: 16 }),
      fc.array(anyOption, { maxLength: 6 }),
      fc.boolean(),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ).map(([t, opts, cut, at]): Case => {
      const nested = opt(9, msg(t, t * 1000, ...opts));
      const payload = t === 12 || t === 13 ? relay(t, 0, '2001:db8::1', 'fe80::1', ...opts, nested) : msg(t, 0x10000 + t, ...opts);
      return { name: `soup ${payload.toString('hex')}`, payload, cut: cut ? Math.floor(at * payload.length) : undefined };
    });
    const built = build(fc.sample(soup, { numRuns: 600, seed: 546547 }));
    const pcap = classicPcap(built.map((x) => x.frame));
    for (const verbose of [0, 1]) {
      const want = tcpdumpTexts(pcap, verbose);
      expect(want.length).toBe(built.length);
      for (let i = 0; i < built.length; i++) {
        const x = built[i]!;
        expect(`${x.c.name} cut ${x.c.cut}: ${dhcp6Text(x.c.payload, 0, x.captured, x.length, verbose)}`).toBe(`${x.c.name} cut ${x.c.cut}: ${want[i]}`);
      }
    }
  });
});

describe('dhcp6Text properties (fast-check)', () => {
  it('random bytes at any capture end and length never throw', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 2 }),
        (bytes, off, at, length, verbose) => {
          const b = Buffer.concat([Buffer.alloc(off, 0xee), Buffer.from(bytes)]);
          const capEnd = off + Math.floor(at * bytes.length);
          const text = dhcp6Text(b, off, capEnd, length, verbose);
          expect(text.startsWith('dhcp6')).toBe(true);
          // nothing raw: every character is printable ASCII
          expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('messages built of random options never throw, and never read past capEnd', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 7, 12, 13),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (t, opts, at) => {
          const body = opts.map(([ty, b]) => opt(ty, Buffer.from(b)));
          const payload = t >= 12 ? relay(t, 0, '::1', '::2', ...body) : msg(t, 1, ...body);
          const capEnd = Math.floor(at * payload.length);
          // bytes past capEnd are poisoned: a read there would change the text
          const poisoned = Buffer.concat([payload.subarray(0, capEnd), Buffer.alloc(payload.length - capEnd + 64, 0x41)]);
          const clean = Buffer.concat([payload.subarray(0, capEnd), Buffer.alloc(payload.length - capEnd + 64, 0x00)]);
          for (const v of [0, 1]) {
            expect(dhcp6Text(poisoned, 0, capEnd, payload.length, v)).toBe(dhcp6Text(clean, 0, capEnd, payload.length, v));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
