/**
 * tcpdump's -v, -vv and -vvv in `read`, on frames built here for what the
 * corpus shows little of, each compared with the installed tcpdump: IPv4
 * options and flags, right and wrong checksums of every layer, the quoted
 * datagram of an ICMP error, the data of a reset, neighbour discovery options,
 * HTTP header lines, DNS sections, TTLs and EDNS options. (tcpdump's own
 * expected -v outputs are in test/tcpdump-options.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { haveTool, netlens } from '../helpers/netlens.js';
import { classicPcap } from '../helpers/pcap.js';

const tcpdump = haveTool('tcpdump');
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 255, n & 255]);
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const MAC = '020000000002020000000001';

/** RFC 1071, written here apart from src/decode/checksum.ts. */
function cksum(...parts: Buffer[]): number {
  const all = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i]! << 8) | (all[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
const v4 = (a: string): Buffer => Buffer.from(a.split('.').map(Number));

interface Ip4 { proto: number; payload: Buffer; options?: Buffer; tos?: number; flags?: number; id?: number; src?: string; dst?: string; badSum?: boolean; ttl?: number }
/** Ethernet + IPv4 with options; the header checksum right unless badSum. */
function ip4(p: Ip4): Buffer {
  const opts = p.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + opts.length);
  h[0] = 0x40 | ((20 + opts.length) / 4); h[1] = p.tos ?? 0; h.writeUInt16BE(h.length + p.payload.length, 2);
  h.writeUInt16BE(p.id ?? 4660, 4); h.writeUInt16BE(p.flags ?? 0x4000, 6); h[8] = p.ttl ?? 64; h[9] = p.proto;
  v4(p.src ?? '10.0.0.1').copy(h, 12); v4(p.dst ?? '10.0.0.2').copy(h, 16); opts.copy(h, 20);
  h.writeUInt16BE(p.badSum === true ? 0xbeef : cksum(h), 10);
  return Buffer.concat([hex(MAC + '0800'), h, p.payload]);
}
/** A TCP or UDP segment with its checksum over the pseudo-header (final destination `dst`), or `sum` as given. */
function l4(proto: 6 | 17, header: Buffer, payload: Buffer, dst = '10.0.0.2', sum?: number): Buffer {
  const seg = Buffer.concat([header, payload]);
  if (proto === 17) seg.writeUInt16BE(seg.length, 4);
  const at = proto === 6 ? 16 : 6;
  seg.writeUInt16BE(0, at);
  seg.writeUInt16BE(sum ?? cksum(v4('10.0.0.1'), v4(dst), u16(proto), u16(seg.length), seg), at);
  return seg;
}
const tcpHeader = (flags: number, seq = 1000, ack = 0): Buffer => Buffer.concat([u16(40000), u16(80), u32(seq), u32(ack), hex('50'), Buffer.from([flags]), u16(512), hex('0000 0000')]);
const udpHeader = (sport: number, dport: number): Buffer => Buffer.concat([u16(sport), u16(dport), hex('0000 0000')]);

/** Ethernet + IPv6 (hop limit 255 for neighbour discovery) + ICMPv6 with its checksum. */
function icmp6(body: Buffer, hlim = 255, bad = false): Buffer {
  const src = hex('fe800000000000000000000000000001'), dst = hex('ff020000000000000000000000000001');
  const msg = Buffer.from(body);
  msg.writeUInt16BE(0, 2);
  msg.writeUInt16BE(bad ? 0x1234 : cksum(src, dst, u32(msg.length), u32(58), msg), 2);
  const ip = Buffer.concat([hex('60000000'), u16(msg.length), Buffer.from([58, hlim]), src, dst]);
  return Buffer.concat([hex(MAC + '86dd'), ip, msg]);
}

function tcpdumpLines(capture: Buffer, args: string[]): string {
  const r = spawnSync('tcpdump', ['-nn', '-tt', ...args, '-r', '-'], { input: capture, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  // tcpdump 4.99's verbose IPv6 header, in the words of its current sources (which netlens follows).
  return r.stdout.replace(/next-header (.*?) \((\d+)\) payload length: (\d+)\)/g, 'next-header $1 ($2), payload length $3)');
}
function ours(capture: Buffer, args: string[]): string {
  return netlens(['read', '--no-annotate', '-tt', ...args, '-'], capture).stdout;
}

const name = (n: string): Buffer => Buffer.concat([...n.split('.').filter((l) => l !== '').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
const rr = (owner: Buffer, type: number, cls: number, ttl: number, rdata: Buffer): Buffer => Buffer.concat([owner, u16(type), u16(cls), u32(ttl), u16(rdata.length), rdata]);

describe.skipIf(!tcpdump)('-v, -vv, -vvv on built frames equal tcpdump', () => {
  const http = Buffer.from('GET /v HTTP/1.1\r\nHost: example\r\nX-Tab:\ta\tb\r\n\r\n');
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
  const rstData = Buffer.from('connection reset by the peer \x1b[2J\x07\xff because', 'latin1');
  const frames: Buffer[] = [
    // IPv4 options: record route, timestamps (only, and with addresses), router alert, NOP/EOL; ECN bits.
    ip4({ proto: 6, tos: 0x02, options: Buffer.concat([hex('07 0b 08'), v4('192.0.2.1'), v4('0.0.0.0'), hex('01')]), payload: l4(6, tcpHeader(0x02), Buffer.alloc(0)) }),
    ip4({ proto: 6, tos: 0x03, options: Buffer.concat([hex('44 0c 09 00'), u32(1000), u32(0)]), payload: l4(6, tcpHeader(0x10, 1, 1), Buffer.alloc(0)) }),
    ip4({ proto: 6, tos: 0x01, options: Buffer.concat([hex('44 14 0d 11'), v4('192.0.2.1'), u32(5), v4('192.0.2.2'), u32(6)]), payload: l4(6, tcpHeader(0x10, 1, 1), Buffer.alloc(0)) }),
    ip4({ proto: 17, options: hex('94040000'), payload: l4(17, udpHeader(1000, 2000), Buffer.from('ok')) }),
    // Loose source route: the TCP checksum uses the route's last hop as the destination.
    ip4({ proto: 6, options: Buffer.concat([hex('01 83 07 04'), v4('198.51.100.9')]), payload: l4(6, tcpHeader(0x02), Buffer.alloc(0), '198.51.100.9') }),
    // Flags: more fragments, the reserved bit; a bad header checksum; TTL 0.
    ip4({ proto: 17, flags: 0x2000, payload: l4(17, udpHeader(1000, 2000), Buffer.from('first fragment')) }),
    ip4({ proto: 17, flags: 0x8000, badSum: true, ttl: 0, payload: l4(17, udpHeader(1000, 2000), Buffer.from('x')) }),
    // TCP: a wrong checksum; a pure ACK (seq shown under -vv); a reset carrying text past 30 bytes.
    ip4({ proto: 6, payload: l4(6, tcpHeader(0x18, 1, 1), http, '10.0.0.2', 0x1111) }),
    ip4({ proto: 6, payload: l4(6, tcpHeader(0x18, 1, 1), http) }),
    ip4({ proto: 6, src: '10.0.0.2', dst: '10.0.0.1', payload: l4(6, tcpHeader(0x18, 1, 1), response, '10.0.0.1') }),
    ip4({ proto: 6, payload: l4(6, tcpHeader(0x14, 1, 1), rstData) }),
    // UDP: no checksum, a wrong one.
    ip4({ proto: 17, payload: l4(17, udpHeader(1000, 2000), Buffer.from('zero'), '10.0.0.2', 0) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(1000, 2000), Buffer.from('bad'), '10.0.0.2', 0x4321) }),
    // ICMP: an echo with a wrong checksum; a port unreachable quoting a UDP datagram; a time exceeded quoting TCP's first 8 bytes.
    ip4({ proto: 1, payload: hex('0800 dead 0001 0002 6162') }),
    (() => {
      const quoted = ip4({ proto: 17, src: '10.0.0.2', dst: '10.0.0.1', payload: l4(17, udpHeader(33000, 9), Buffer.from('probe'), '10.0.0.1') }).subarray(14);
      const msg = Buffer.concat([hex('0303 0000 00000000'), quoted]);
      msg.writeUInt16BE(cksum(msg), 2);
      return ip4({ proto: 1, payload: msg });
    })(),
    (() => {
      const quoted = ip4({ proto: 6, src: '10.0.0.2', dst: '10.0.0.9', payload: l4(6, tcpHeader(0x02), Buffer.alloc(0), '10.0.0.9') }).subarray(14, 14 + 28);
      const msg = Buffer.concat([hex('0b00 0000 00000000'), quoted]);
      msg.writeUInt16BE(cksum(msg), 2);
      return ip4({ proto: 1, payload: msg });
    })(),
  ];
  const ndFrames: Buffer[] = [
    // Router advertisement: flags, preference, then source link-address, MTU, prefix, RDNSS, DNSSL and an unknown option.
    icmp6(Buffer.concat([hex('8600 0000 40 c8 0708 00002710 000003e8'),
      hex('0101 020000000001'), hex('0501 0000 000005dc'),
      hex('0304 40c0 00278d00 00093a80 00000000'), hex('20010db8000100000000000000000000'),
      hex('1903 0000 0000003c'), hex('20010db8000000000000000000000053'),
      hex('1f03 0000 0000003c'), name('example.test'), Buffer.alloc(24 - 2 - 6 - name('example.test').length),
      hex('6301 aabbccddeeff')])),
    // Neighbour solicitation and advertisement with link-address options, an echo request, a wrong checksum.
    icmp6(Buffer.concat([hex('8700 0000 00000000'), hex('20010db8000000000000000000000002'), hex('0101 020000000001')])),
    icmp6(Buffer.concat([hex('8800 0000 e0000000'), hex('20010db8000000000000000000000002'), hex('0201 020000000002')])),
    icmp6(hex('8000 0000 0007 0001 61626364'), 64),
    icmp6(hex('8000 0000 0007 0002 61626364'), 64, true),
  ];
  const dnsFrames: Buffer[] = (() => {
    const q = Buffer.concat([name('example.test'), u16(1), u16(1)]);
    const opt = rr(Buffer.from([0]), 41, 1232, 0x00008000, Buffer.concat([
      u16(10), u16(16), hex('0102030405060708 1112131415161718'),
      u16(8), u16(7), hex('0001 18 00 c00002'),
      u16(11), u16(2), u16(300),
      u16(12), u16(4), Buffer.alloc(4),
    ]));
    const soa = rr(hex('c00c'), 6, 1, 3600, Buffer.concat([name('ns.example.test'), name('admin.example.test'), u32(2026112201), u32(7200), u32(900), u32(1209600), u32(86400)]));
    const query = Buffer.concat([hex('abcd 0100 0001 0000 0000 0001'), q, opt]);
    const answer = Buffer.concat([hex('abcd 8583 0001 0001 0001 0001'), q, rr(hex('c00c'), 1, 1, 90061, v4('192.0.2.7')), soa, opt]);
    return [
      ip4({ proto: 17, payload: l4(17, udpHeader(40000, 53), query) }),
      ip4({ proto: 17, src: '10.0.0.2', dst: '10.0.0.1', payload: l4(17, udpHeader(53, 40000), answer, '10.0.0.1') }),
    ];
  })();
  const arp = hex(MAC.slice(0, 12) + 'ffffffffffff' + '0806' + '0001 0800 0604 0001 020000000001 0a000001 000000000000 0a000002');
  const capture = classicPcap([...frames, ...ndFrames, ...dnsFrames, arp]);

  for (const args of [['-v'], ['-vv'], ['-vvv'], ['-v', '-e'], ['-vv', '-q'], ['-v', '-S'], ['-vv', '-x'], ['-K', '-vv']]) {
    it(args.join(' '), () => {
      const expected = tcpdumpLines(capture, args);
      expect(expected.split('\n').filter((l) => /^\d/.test(l))).toHaveLength(frames.length + ndFrames.length + dnsFrames.length + 1);
      expect(ours(capture, args)).toBe(expected);
    });
  }

  it('prints nothing a packet carries that could drive a terminal', () => {
    for (const args of [['-v'], ['-vvv']]) expect(ours(capture, args)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\uffff]/);
  });
});

describe.skipIf(!tcpdump)('DHCP under -v, -vv, -vvv equals tcpdump', () => {
  /** A BOOTP message with the DHCP magic cookie and these options (tag, value). */
  function dhcp(op: number, options: [number, Buffer][], fill: Partial<{ ciaddr: string; yiaddr: string; giaddr: string; sname: string; flags: number }> = {}): Buffer {
    const m = Buffer.alloc(240);
    m[0] = op; m[1] = 1; m[2] = 6; m[3] = op === 2 ? 1 : 0;
    m.writeUInt32BE(0x3903f326, 4); m.writeUInt16BE(op === 1 ? 3 : 0, 8); m.writeUInt16BE(fill.flags ?? 0, 10);
    for (const [at, a] of [[12, fill.ciaddr], [16, fill.yiaddr], [24, fill.giaddr]] as const) if (a !== undefined) v4(a).copy(m, at);
    hex('020000000001').copy(m, 28);
    if (fill.sname !== undefined) Buffer.from(fill.sname).copy(m, 44);
    hex('63825363').copy(m, 236);
    return Buffer.concat([m, ...options.map(([tag, v]) => Buffer.concat([Buffer.from([tag, v.length]), v])), hex('ff 00 00 00')]);
  }
  const frames = [
    ip4({ proto: 17, src: '0.0.0.0', dst: '255.255.255.255', payload: l4(17, udpHeader(68, 67), dhcp(1, [
      [53, hex('01')], [61, hex('01 020000000001')], [12, Buffer.from('laptop')], [60, Buffer.from('android-dhcp-14')],
      [55, hex('01 03 06 0f 1a 1c 2a 33 3a 3b 77 79 fc')], [57, u16(1500)], [81, hex('01 00 00'), ], [77, hex('04 7465 7374')],
    ], { flags: 0x8000 }), '255.255.255.255') }),
    ip4({ proto: 17, src: '10.0.0.2', dst: '10.0.0.1', payload: l4(17, udpHeader(67, 68), dhcp(2, [
      [53, hex('02')], [54, v4('10.0.0.2')], [51, u32(86400)], [58, u32(43200)], [59, u32(75600)], [1, v4('255.255.255.0')],
      [3, v4('10.0.0.2')], [6, Buffer.concat([v4('10.0.0.2'), v4('9.9.9.9')])], [15, Buffer.from('example.test')],
      [121, hex('18 c0a801 0a000002 00 0a000002')], [82, hex('01 04 65746831 02 06 020000000002 09 02 abcd')],
      [46, hex('08')], [42, v4('10.0.0.3')], [26, u16(1400)], [19, hex('00')], [150, v4('10.0.0.4')], [200, hex('01020304')], [201, hex('0102')],
    ], { yiaddr: '10.0.0.50', giaddr: '10.0.0.254', sname: 'server1' }), '10.0.0.1') }),
    ip4({ proto: 17, payload: l4(17, udpHeader(68, 67), dhcp(1, [[53, hex('03')], [50, v4('10.0.0.50')], [81, hex('05 00 00 6c6170746f70')]], { ciaddr: '10.0.0.50' })) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(68, 67), dhcp(1, [[53, hex('07')], [0x2b, Buffer.from('\x1b[2Jvendor', 'latin1')]]).subarray(0, 260)) }),
  ];
  const capture = classicPcap(frames);
  for (const args of [['-v'], ['-vv'], ['-vvv'], []]) {
    it(args.join(' ') || '(plain)', () => {
      const expected = tcpdumpLines(capture, args);
      expect(expected).toContain('BOOTP/DHCP');
      expect(ours(capture, args)).toBe(expected);
    });
  }
});

describe.skipIf(!tcpdump)('NTP and syslog under -v equal tcpdump', () => {
  const ts = (sec: number, frac: number): Buffer => Buffer.concat([u32(sec), u32(frac)]);
  const ntp = (status: number, stratum: number, poll: number, refid: Buffer, stamps: Buffer[], extra = Buffer.alloc(0)): Buffer =>
    Buffer.concat([Buffer.from([status, stratum, poll & 255, 0xe9]), hex('00000a3d 00001f40'), refid, ...stamps, extra]);
  const now = 3_972_000_000; // 2025-11-12
  const frames = [
    ip4({ proto: 17, payload: l4(17, udpHeader(40123, 123), ntp(0xe3, 0, 6, Buffer.alloc(4), [ts(0, 0), ts(0, 0), ts(0, 0), ts(now, 0x80000000)])) }),
    ip4({ proto: 17, src: '10.0.0.2', dst: '10.0.0.1', payload: l4(17, udpHeader(123, 40123), ntp(0x24, 2, 6, v4('192.0.2.9'), [ts(now - 60, 0x12345678), ts(now, 0x80000000), ts(now + 1, 0x00001000), ts(now + 1, 0x00002000)]), '10.0.0.1') }),
    ip4({ proto: 17, payload: l4(17, udpHeader(123, 123), ntp(0x1c, 1, -3, Buffer.from('GPS\0'), [ts(now, 1), ts(now + 5, 7), ts(now + 4, 9), ts(now + 3, 0xffffffff)], u32(42))) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(123, 123), ntp(0xdc, 3, 17, v4('10.1.2.3'), [ts(now, 1), ts(now, 5), ts(now, 2), ts(now, 5)], Buffer.concat([u32(7), Buffer.alloc(16, 0xab)]))) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 123), hex('1e 82 0001 0615 0000 0000 0004 61626364')) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 123), hex('e3 00 06')) }),
  ];
  const capture = classicPcap(frames);
  for (const args of [['-v'], ['-vv'], []]) {
    it(args.join(' ') || '(plain)', () => {
      const expected = tcpdumpLines(capture, args);
      expect(expected).toContain('NTPv4');
      expect(ours(capture, args)).toBe(expected);
    });
  }
});

describe.skipIf(!tcpdump)('spanning tree, LLDP and 802.2 LLC frames equal tcpdump', () => {
  const eth3 = (dst: string, llc: Buffer): Buffer => Buffer.concat([hex(dst + '020000000001'), u16(llc.length), llc, Buffer.alloc(Math.max(0, 46 - llc.length))]);
  const bpdu = (version: number, type: number, flags: number, extra = Buffer.alloc(0)): Buffer => Buffer.concat([
    hex('0000'), Buffer.from([version, type, flags]), hex('8000 020000000001'), u32(4), hex('8000 020000000002'), u16(0x8002),
    u16(256), u16(20 * 256), u16(2 * 256), u16(15 * 256), extra]);
  const mstiRecord = Buffer.concat([hex('7c'), hex('8001 020000000003'), u32(20000), hex('80 80 14')]);
  const mstConfig = Buffer.concat([hex('00'), Buffer.from('region-one'.padEnd(32, '\0')), u16(7), Buffer.alloc(16, 0x5a), u32(2000), hex('8000 020000000009'), hex('14')]);
  const tlv = (type: number, v: Buffer): Buffer => Buffer.concat([u16((type << 9) | v.length), v]);
  const lldp = Buffer.concat([
    tlv(1, hex('04 020000000001')), tlv(2, Buffer.concat([hex('05'), Buffer.from('eth0')])), tlv(3, u16(120)),
    tlv(4, Buffer.from('uplink to core')), tlv(5, Buffer.from('switch-7')), tlv(6, Buffer.from('Linux 6.1 \x1b[2J')),
    tlv(7, hex('0014 0004')), tlv(8, Buffer.concat([hex('05 01'), v4('10.0.0.7'), hex('02 00000003 00')])),
    tlv(127, hex('0080c2 01 0064')), tlv(127, Buffer.concat([hex('0080c2 03 0064 05'), Buffer.from('users')])),
    tlv(127, hex('0080c2 07 03 00000005')), tlv(127, hex('00120f 04 05ee')), tlv(127, hex('00120f 03 01 00000002')), tlv(0, Buffer.alloc(0)),
  ]);
  const frames = [
    eth3('0180c2000000', Buffer.concat([hex('424203'), bpdu(0, 0, 0x01)])),
    eth3('0180c2000000', Buffer.concat([hex('424203'), hex('0000 00 80')])),
    eth3('0180c2000000', Buffer.concat([hex('424203'), bpdu(2, 2, 0x7c, hex('00'))])),
    eth3('0180c2000000', Buffer.concat([hex('424203'), bpdu(3, 2, 0x3c, Buffer.concat([hex('00'), u16(64 + 16), mstConfig, mstiRecord]))])),
    eth3('0180c2000000', Buffer.concat([hex('424203'), hex('0000 05 00')])),
    Buffer.concat([hex('0180c200000e 020000000001 88cc'), lldp]),
    eth3('ffffffffffff', hex('f0f003 ffef 0800')),
    eth3('ffffffffffff', hex('f0f1af 81 0102')),
    eth3('ffffffffffff', hex('04040a02 aabbcc')),
    eth3('ffffffffffff', hex('04050100')),
    eth3('ffffffffffff', hex('4243f3 0102')),
    // SNAP: CDP (a Device-ID, a platform, a capability of the wrong length), PVST, and an OUI tcpdump does not decode.
    eth3('01000ccccccc', Buffer.concat([hex('aaaa03 00000c 2000'), hex('02b4 0000'), hex('0001 0006 5231'), hex('0006 000b'), Buffer.from('C2811'), hex('0004 0007 000000')])),
    eth3('01000ccccccc', Buffer.concat([hex('aaaa03 00000c 2000'), hex('02b4 0000'), hex('0001 0006 5332'),
      hex('0002 0011 00000001 0101cc 0004 0a000001'), hex('0003 0014'), Buffer.from('FastEthernet0/0'), hex('00'), hex('0004 0008 00000029'),
      hex('0005 000c'), Buffer.from('IOS\nv1.2'), hex('0006 0009 43333535 30'), hex('000a 0006 0064'), hex('000b 0005 01'),
      hex('0010 0006 1234'), hex('0011 0008 000005dc'), hex('0012 0005 00'), hex('0017 0009 01 6c6f636b'), hex('0099 0006 abcd'),
      hex('0016 002d 00000002 0101cc 0004 0a000002 0208 aaaa0300000086dd 0010 20010db8000000000000000000000007')])),
    eth3('01000ccccccd', Buffer.concat([hex('aaaa03 00000c 010b'), bpdu(0, 0, 0x00)])),
    eth3('ffffffffffff', Buffer.concat([hex('aaaa03 00e02f 0042'), hex('0102030405')])),
  ];
  const capture = classicPcap(frames);
  for (const args of [[], ['-v'], ['-vv'], ['-e'], ['-e', '-v'], ['-q'], ['-x'], ['-X']]) {
    it(args.join(' ') || '(plain)', () => {
      const expected = tcpdumpLines(capture, args);
      expect(expected).toMatch(/STP 802.1d/);
      expect(ours(capture, args)).toBe(expected);
    });
  }
});

describe.skipIf(!tcpdump)('GRE, VXLAN and Geneve tunnels equal tcpdump', () => {
  const inner4 = ip4({ proto: 1, src: '172.16.0.1', dst: '172.16.0.2', payload: hex('0800 f7fe 0001 0001') }).subarray(14);
  const innerTcp = (flags: number, seq: number, ack: number): Buffer =>
    ip4({ proto: 6, src: '172.16.0.1', dst: '172.16.0.2', payload: l4(6, tcpHeader(flags, seq, ack), Buffer.alloc(0), '172.16.0.2') }).subarray(14);
  const inner6 = Buffer.concat([hex('60000000 000c 11 40'), hex('20010db8000000000000000000000001'), hex('20010db8000000000000000000000002'), hex('1388 1389 000c 0000 61626364')]);
  const innerEth = hex('ffffffffffff 020000000005 0806 0001 0800 0604 0001 020000000005 ac100001 000000000000 ac100002');
  const gre = (flags: number, proto: number, ...fields: Buffer[]): Buffer => Buffer.concat([u16(flags), u16(proto), ...fields]);
  const frames = [
    ip4({ proto: 47, payload: Buffer.concat([gre(0x0000, 0x0800), inner4]) }),
    ip4({ proto: 47, payload: Buffer.concat([gre(0x3000, 0x0800, u32(7), u32(1)), innerTcp(0x02, 5000, 0)]) }),
    ip4({ proto: 47, payload: Buffer.concat([gre(0x3000, 0x0800, u32(7), u32(2)), innerTcp(0x10, 5001, 9000)]) }),
    ip4({ proto: 47, payload: Buffer.concat([gre(0x8000, 0x86dd, hex('abcd 0000')), inner6]) }),
    ip4({ proto: 47, payload: Buffer.concat([gre(0x2000, 0x6558, u32(0x2a)), innerEth]) }),
    ip4({ proto: 47, payload: gre(0x0000, 0x880b, hex('00')) }),
    ip4({ proto: 47, payload: hex('3000 0800 0000') }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 4789), Buffer.concat([hex('08000000 00002a00'), hex('ffffffffffff 020000000005 0800'), inner4])) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 4789), Buffer.concat([hex('00000000 00000100'), innerEth])) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 4789), hex('0800 0000')) }),
    // Geneve: an Ethernet frame, IPv4 with two options (one critical), an unknown payload, short options, version 1.
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 6081), Buffer.concat([hex('00 00 6558 00002a 00'), innerEth])) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 6081), Buffer.concat([hex('04 c0 0800 000100 07'), hex('0102 80 01 deadbeef'), hex('fff1 05 00'), hex('0000 0000'), inner4])) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 6081), Buffer.concat([hex('00 00 88b5 000001 00'), hex('0102')])) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 6081), hex('03 00 6558 000001 00 0000 0000')) }),
    ip4({ proto: 17, payload: l4(17, udpHeader(40000, 6081), hex('40 00 6558 000001 00')) }),
  ];
  const capture = classicPcap(frames);
  for (const args of [[], ['-v'], ['-e'], ['-e', '-v'], ['-q'], ['-vv', '-x']]) {
    it(args.join(' ') || '(plain)', () => {
      const expected = tcpdumpLines(capture, args);
      expect(expected).toMatch(args.includes('-q') ? /tunnel|ip-proto-47|GRE/ : /GREv0/);
      expect(ours(capture, args)).toBe(expected);
    });
  }
});

describe('-v options', () => {
  it('-g keeps the verbose IPv4 header on the line, as tcpdump -vg does (its test dns_udp-vg)', () => {
    const frame = ip4({ proto: 17, payload: l4(17, udpHeader(1000, 2000), Buffer.from('x')) });
    const lines = netlens(['read', '--no-annotate', '-tt', '-vg', '-'], classicPcap([frame])).stdout.split('\n');
    expect(lines[0]).toBe('1763800000.000000 IP (tos 0x0, ttl 64, id 4660, offset 0, flags [DF], proto UDP (17), length 29) 10.0.0.1.1000 > 10.0.0.2.2000: UDP, length 1');
    const two = netlens(['read', '--no-annotate', '-tt', '-v', '-g', '-'], classicPcap([frame])).stdout;
    expect(two).toBe(lines.join('\n'));
  });
});
