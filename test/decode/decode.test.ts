/**
 * PacketDecoder on literal frames (every link type netlens knows), on every
 * truncation of them, and on random and mutated bytes (fast-check), together
 * with the line and JSON views that consume the decoder's views.
 *
 * Frame literals: each hex string is preceded by `tcpdump -nn -vv -XX` output
 * for the same bytes. Frames marked "crafted" were built by hand (checksums
 * computed); frames marked "fixtures/mixed.pcap #N" are that file's Nth packet.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DecodeStatus, IpProto, TcpFlag } from '../../src/decode/constants.js';
import { DecodeError, LinkLayer, PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import type { Frame } from '../../src/frame.js';
import { Tracker } from '../../src/track/tracker.js';
import { packetJson } from '../../src/encode/packet-record.js';
import { formatLine } from '../../src/print/line.js';
import { noColor } from '../../src/encode/palette.js';
import { TimeFormatter } from '../../src/encode/time.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

// ------------------------------------------------------------------ helpers

function hex(s: string): Buffer {
  const clean = s.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error('bad hex literal');
  return Buffer.from(clean, 'hex');
}

interface FrameOpts { offset?: number; caplen?: number; len?: number; fill?: number; tail?: number }

/**
 * Puts `bytes` at `offset` inside a larger buffer whose other bytes are `fill`
 * (0xee unless told), so a decoder that ignores f.offset or reads past
 * offset + caplen sees garbage.
 */
function mkFrame(bytes: Buffer, linkType: number, o: FrameOpts = {}): Frame {
  const offset = o.offset ?? 0;
  const tail = o.tail ?? 16;
  const buf = Buffer.alloc(offset + bytes.length + tail, o.fill ?? 0xee);
  bytes.copy(buf, offset);
  return {
    buf, offset, caplen: o.caplen ?? bytes.length, len: o.len ?? bytes.length,
    tsSec: 1_700_000_000, tsNsec: 0, linkType, ifIndex: 0,
  };
}

const ip4 = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const mac = (b: Buffer, o: number): string => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip6 = (b: Buffer, o: number): string => b.subarray(o, o + 16).toString('hex');

function views(f: Frame, d: PacketDecoder, t: Tracker): { line: string; json: unknown } {
  t.observe(d, f.tsSec, f.tsNsec);
  const line = formatLine(f, d, t, { time: new TimeFormatter('tt', false), palette: noColor, annotate: true });
  const json = JSON.parse(packetJson(1, f, d, t));
  return { line, json };
}

// ------------------------------------------------------------------ frames

/*
 * crafted: Ethernet, IPv4, TCP with MSS, NOP, wscale, sackOK, TS, NOP, NOP, SACK (2 blocks); flags PSH|ACK|AE
 * IP (tos 0x0, ttl 63, id 4660, offset 0, flags [DF], proto TCP (6), length 85)
 *   10.77.0.1.40001 > 10.77.0.2.8080: Flags [P.], cksum 0xb656 (correct), seq 3735928559:3735928564, ack 16777217, win 64240,
 *   options [mss 1460,nop,wscale 7,sackOK,TS val 16909060 ecr 2695938256,nop,nop,sack 2 {1000:2000}{3000:4000}], length 5
 *   0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.
 *   0x0010:  0055 1234 4000 3f06 14d3 0a4d 0001 0a4d  .U.4@.?....M...M
 *   0x0020:  0002 9c41 1f90 dead beef 0100 0001 f118  ...A............
 *   0x0030:  faf0 b656 0000 0204 05b4 0103 0307 0402  ...V............
 *   0x0040:  080a 0102 0304 a0b0 c0d0 0101 0512 0000  ................
 *   0x0050:  03e8 0000 07d0 0000 0bb8 0000 0fa0 6865  ..............he
 *   0x0060:  6c6c 6f                                  llo
 */
const ETH_IP4_TCP_OPTS = hex(`
  020000000002020000000001080045000055123440003f0614d30a4d00010a4d00029c411f90deadbeef01000001f118
  faf0b6560000020405b4010303070402080a01020304a0b0c0d001010512000003e8000007d000000bb800000fa068656c6c6f`);

/*
 * crafted: Ethernet, IPv4 with a Router Alert option (IHL 6), UDP 5006 > 5005 "ping 1"
 * IP (tos 0x0, ttl 64, id 4660, offset 0, flags [DF], proto UDP (17), length 38, options (RA))
 *   10.77.0.1.5006 > 10.77.0.2.5005: [udp sum ok] UDP, length 6
 *   0x0000:  0200 0000 0002 0200 0000 0001 0800 4600  ..............F.
 *   0x0010:  0026 1234 4000 4011 7ef2 0a4d 0001 0a4d  .&.4@.@.~..M...M
 *   0x0020:  0002 9404 0000 138e 138d 000e c518 7069  ..............pi
 *   0x0030:  6e67 2031                                ng.1
 */
const ETH_IP4_OPTS_UDP = hex('0200000000020200000000010800460000261234400040117ef20a4d00010a4d000294040000138e138d000ec51870696e672031');

/*
 * crafted: first fragment (MF, offset 0) of a 24-byte UDP datagram, id 0x4242
 * IP (tos 0x0, ttl 64, id 16962, offset 0, flags [+], proto UDP (17), length 36)
 *   10.77.0.1.5353 > 10.77.0.2.53: domain [length 8 < 12] (invalid)
 *   0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.
 *   0x0010:  0024 4242 2000 4011 03eb 0a4d 0001 0a4d  .$BB..@....M...M
 *   0x0020:  0002 14e9 0035 0018 6988 6672 6167 6d65  .....5..i.fragme
 *   0x0030:  6e74                                     nt
 */
const ETH_IP4_FRAG_FIRST = hex('02000000000202000000000108004500002442422000401103eb0a4d00010a4d000214e9003500186988667261676d656e74');

/*
 * crafted: the later fragment (offset 2 = 16 bytes) of the same datagram
 * IP (tos 0x0, ttl 64, id 16962, offset 16, flags [none], proto UDP (17), length 28)
 *   10.77.0.1 > 10.77.0.2: ip-proto-17
 *   0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.
 *   0x0010:  001c 4242 0002 4011 23f1 0a4d 0001 0a4d  ..BB..@.#..M...M
 *   0x0020:  0002 6564 2121 2121 2121                 ..ed!!!!!!
 */
const ETH_IP4_FRAG_LATER = hex('02000000000202000000000108004500001c42420002401123f10a4d00010a4d00026564212121212121');

/*
 * crafted: IPv6 with hop-by-hop (router alert) + routing (type 0) + fragment (atomic, id 0xcafef00d) + destination options, then UDP
 * IP6 (class 0x12, flowlabel 0xabcde, hlim 64, next-header Options (0) payload length: 68) 2001:db8::1 > 2001:db8::2:
 *   HBH (rtalert: 0x0000) (padn) RT6 (len=2, type=0, segleft=1, [0]2001:db8::2) frag (0xcafef00d:0|28) DSTOPT (padn) 5353 > 53: [|domain]
 *   0x0000:  0200 0000 0002 0200 0000 0001 86dd 612a  ..............a*
 *   0x0010:  bcde 0044 0040 2001 0db8 0000 0000 0000  ...D.@..........
 *   0x0020:  0000 0000 0001 2001 0db8 0000 0000 0000  ................
 *   0x0030:  0000 0000 0002 2b00 0502 0000 0100 2c02  ......+.......,.
 *   0x0040:  0001 0000 0000 2001 0db8 0000 0000 0000  ................
 *   0x0050:  0000 0000 0002 3c00 0000 cafe f00d 1100  ......<.........
 *   0x0060:  0104 0000 0000 14e9 0035 0014 8827 7636  .........5...'v6
 *   0x0070:  2065 7874 2068 6472 7321                 .ext.hdrs!
 */
const ETH_IP6_EXT_UDP = hex(`
  02000000000202000000000186dd612abcde0044004020010db8000000000000
  00000000000120010db80000000000000000000000022b000502000001002c02
  00010000000020010db80000000000000000000000023c000000cafef00d1100
  01040000000014e9003500148827763620657874206864727321`);

/*
 * crafted: ICMP port unreachable from 192.0.2.9 quoting 10.77.0.2.33434 > 192.0.2.9.33435 (UDP)
 * IP (tos 0x0, ttl 250, id 4660, offset 0, flags [none], proto ICMP (1), length 56)
 *   192.0.2.9 > 10.77.0.2: ICMP 192.0.2.9 udp port 33435 unreachable, length 36
 *   IP (tos 0x0, ttl 1, id 1799, offset 0, flags [DF], proto UDP (17), length 28)
 *   10.77.0.2.33434 > 192.0.2.9.33435: [udp sum ok] UDP, length 0
 *   0x0000:  0200 0000 0001 0200 0000 0002 0800 4500  ..............E.
 *   0x0010:  0038 1234 0000 fa01 e238 c000 0209 0a4d  .8.4.....8.....M
 *   0x0020:  0002 0303 c96e 0000 0000 4500 001c 0707  .....n....E.....
 *   0x0030:  4000 0111 a672 0a4d 0002 c000 0209 829a  @....r.M........
 *   0x0040:  829b 0008 2e50                           .....P
 */
const ETH_ICMP_UNREACH = hex('02000000000102000000000208004500003812340000fa01e238c00002090a4d00020303c96e000000004500001c070740000111a6720a4d0002c0000209829a829b00082e50');

/*
 * fixtures/mixed.pcap #25
 * IP (tos 0x0, ttl 64, id 62195, offset 0, flags [DF], proto ICMP (1), length 84)
 *   10.77.0.1 > 10.77.0.2: ICMP echo request, id 6546, seq 1, length 64
 *   0x0000:  b684 8750 27ac 964b 5884 0fb3 0800 4500  ...P'..KX.....E.
 *   0x0010:  0054 f2f3 4000 4001 3319 0a4d 0001 0a4d  .T..@.@.3..M...M
 *   0x0020:  0002 0800 5991 1992 0001 9b98 026b 0000  ....Y........k..
 *   0x0030:  0000 1b05 0d00 0000 0000 1011 1213 1415  ................
 *   0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425  ...........!"#$%
 *   0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435  &'()*+,-./012345
 *   0x0060:  3637                                     67
 */
const ETH_ICMP_ECHO = hex(`
  b684875027ac964b58840fb308004500 0054f2f3400040013319 0a4d00010a4d 0002080059911992 00019b98026b0000
  00001b050d0000000000101112131415 161718191a1b1c1d1e1f202122232425 262728292a2b2c2d2e2f303132333435 3637`);

/*
 * fixtures/mixed.pcap #47
 * IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fd77::1 > ff02::1:ff00:2: [icmp6 sum ok] ICMP6, neighbor solicitation, length 32, who has fd77::2
 *   source link-address option (1), length 8 (1): 96:4b:58:84:0f:b3
 *   0x0000:  3333 ff00 0002 964b 5884 0fb3 86dd 6000  33.....KX.....`.
 *   0x0010:  0000 0020 3aff fd77 0000 0000 0000 0000  ....:..w........
 *   0x0020:  0000 0000 0001 ff02 0000 0000 0000 0000  ................
 *   0x0030:  0001 ff00 0002 8700 8027 0000 0000 fd77  .........'.....w
 *   0x0040:  0000 0000 0000 0000 0000 0000 0002 0101  ................
 *   0x0050:  964b 5884 0fb3                           .KX...
 */
const ETH_ICMP6_NS = hex(`
  3333ff000002964b58840fb386dd6000 00000020 3afffd77000000000000 0000 0000 0000 0001 ff02 0000 0000 0000 0000
  0001ff000002 87008027 00000000 fd77 0000 0000 0000 0000 0000 0000 0002 0101 964b58840fb3`);

/*
 * fixtures/mixed.pcap #49
 * IP6 (flowlabel 0x563a7, hlim 64, next-header TCP (6) payload length: 40) fd77::1.40017 > fd77::2.8080: Flags [S], cksum 0x58cc (correct),
 *   seq 2533826194, win 64800, options [mss 1440,sackOK,TS val 1153319160 ecr 0,nop,wscale 10], length 0
 *   0x0000:  b684 8750 27ac 964b 5884 0fb3 86dd 6005  ...P'..KX.....`.
 *   0x0010:  63a7 0028 0640 fd77 0000 0000 0000 0000  c..(.@.w........
 *   0x0020:  0000 0000 0001 fd77 0000 0000 0000 0000  .......w........
 *   0x0030:  0000 0000 0002 9c51 1f90 9707 1e92 0000  .......Q........
 *   0x0040:  0000 a002 fd20 58cc 0000 0204 05a0 0402  ......X.........
 *   0x0050:  080a 44be 40f8 0000 0000 0103 030a       ..D.@.........
 */
const ETH_IP6_TCP = hex(`
  b684875027ac964b58840fb386dd6005 63a700280640fd770000000000000000 0000000000 01fd770000000000000000
  000000000002 9c511f90 97071e92 00000000 a002fd20 58cc0000 020405a0 0402080a 44be40f8 00000000 0103030a`);

/*
 * fixtures/mixed.pcap #29
 * IP (tos 0x0, ttl 64, id 3173, offset 0, flags [DF], proto UDP (17), length 34)
 *   10.77.0.1.5006 > 10.77.0.2.5005: [udp sum ok] UDP, length 6
 *   0x0000:  b684 8750 27ac 964b 5884 0fb3 0800 4500  ...P'..KX.....E.
 *   0x0010:  0022 0c65 4000 4011 19ca 0a4d 0001 0a4d  .".e@.@....M...M
 *   0x0020:  0002 138e 138d 000e c519 7069 6e67 2030  ..........ping.0
 */
const ETH_UDP = hex('b684875027ac964b58840fb3080045000022 0c65400040111 9ca0a4d00010a4d0002138e138d000ec51970696e672030');

/*
 * fixtures/mixed.pcap #1
 * ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 10.77.0.2 tell 10.77.0.1, length 28
 *   0x0000:  ffff ffff ffff 964b 5884 0fb3 0806 0001  .......KX.......
 *   0x0010:  0800 0604 0001 964b 5884 0fb3 0a4d 0001  .......KX....M..
 *   0x0020:  0000 0000 0000 0a4d 0002                 .......M..
 */
const ETH_ARP_REQUEST = hex('ffffffffffff964b58840fb3080600010800060400019 64b58840fb30a4d0001000000000000 0a4d0002');

/*
 * fixtures/mixed.pcap #2
 * ARP, Ethernet (len 6), IPv4 (len 4), Reply 10.77.0.2 is-at b6:84:87:50:27:ac, length 28
 *   0x0000:  964b 5884 0fb3 b684 8750 27ac 0806 0001  .KX......P'.....
 *   0x0010:  0800 0604 0002 b684 8750 27ac 0a4d 0002  .........P'..M..
 *   0x0020:  964b 5884 0fb3 0a4d 0001                 .KX....M..
 */
const ETH_ARP_REPLY = hex('964b58840fb3b684875027ac080600010800060400 02b684875027ac0a4d0002964b58840fb30a4d0001');

/*
 * crafted: 802.1Q tag (PCP 5, VID 100), then IPv4 UDP 5006 > 5005 "ping 1"
 * IP (tos 0x0, ttl 64, id 4660, offset 0, flags [DF], proto UDP (17), length 34)
 *   10.77.0.1.5006 > 10.77.0.2.5005: [udp sum ok] UDP, length 6
 *   0x0000:  0200 0000 0002 0200 0000 0001 8100 a064  ...............d
 *   0x0010:  0800 4500 0022 1234 4000 4011 13fb 0a4d  ..E..".4@.@....M
 *   0x0020:  0001 0a4d 0002 138e 138d 000e c518 7069  ...M..........pi
 *   0x0030:  6e67 2031                                ng.1
 */
const ETH_VLAN_UDP = hex('0200000000020200000000018100a06408004500002212344000401113fb0a4d00010a4d0002138e138d000ec51870696e672031');

/*
 * crafted: QinQ, S-tag 0x88a8 (PCP 3, VID 200) then C-tag 0x8100 (PCP 1, VID 300), then the same IPv4 UDP
 *   0x0000:  0200 0000 0002 0200 0000 0001 88a8 60c8  ..............`.
 *   0x0010:  8100 212c 0800 4500 0022 1234 4000 4011  ..!,..E..".4@.@.
 *   0x0020:  13fb 0a4d 0001 0a4d 0002 138e 138d 000e  ...M...M........
 *   0x0030:  c518 7069 6e67 2031                      ..ping.1
 */
const ETH_QINQ_UDP = hex('02000000000202000000000188a860c88100212c08004500002212344000401113fb0a4d00010a4d0002138e138d000ec51870696e672031');

/** The IPv4 UDP packet the link-layer frames below wrap (tcpdump: 10.77.0.1.5006 > 10.77.0.2.5005: UDP, length 6). */
const IP4_UDP = '4500002212344000401113fb0a4d00010a4d0002138e138d000ec51870696e672031';

/*
 * crafted, LINKTYPE_LINUX_SLL (113): packet type 4 (outgoing), ARPHRD 1, addr len 6, protocol 0x0800
 *   0x0000:  0004 0001 0006 0200 0000 0001 0000 0800  ................
 *   0x0010:  4500 0022 ...                            (IP4_UDP)
 */
const SLL_UDP = hex('00040001000602000000000100000800' + IP4_UDP);

/*
 * crafted, LINKTYPE_LINUX_SLL2 (276): protocol 0x0800, ifindex 3, ARPHRD 1, packet type 0, addr len 6
 * ifb1  In  IP 10.77.0.1.5006 > 10.77.0.2.5005: UDP, length 6
 *   0x0000:  0800 0000 0000 0003 0001 0006 0200 0000  ................
 *   0x0010:  0001 0000 4500 0022 ...                  (IP4_UDP)
 */
const SLL2_UDP = hex('0800000000000003000100060200000000010000' + IP4_UDP);

/* crafted, LINKTYPE_NULL (0), AF_INET = 2 written little-endian: 0x0000: 0200 0000 4500 0022 ... (IP4_UDP) */
const NULL_LE_UDP = hex('02000000' + IP4_UDP);
/* crafted, LINKTYPE_NULL (0), AF_INET = 2 written big-endian:    0x0000: 0000 0002 4500 0022 ... (IP4_UDP) */
const NULL_BE_UDP = hex('00000002' + IP4_UDP);
/* crafted, LINKTYPE_LOOP (108), AF_INET in network order:         0x0000: 0000 0002 4500 0022 ... (IP4_UDP) */
const LOOP_UDP = hex('00000002' + IP4_UDP);

/*
 * crafted, raw IPv6 TCP SYN (used with link types 101, 229, and NULL with AF_INET6 = 30 little-endian)
 * IP6 (class 0x12, flowlabel 0xabcde, hlim 64, next-header TCP (6) payload length: 40) 2001:db8::1.40017 > 2001:db8::2.8080:
 *   Flags [S], cksum 0xef2c (correct), seq 287454020, win 64800, options [mss 1440,sackOK,TS val 7 ecr 0,nop,wscale 10], length 0
 *   0x0000:  612a bcde 0028 0640 2001 0db8 0000 0000  a*...(.@........
 *   0x0010:  0000 0000 0000 0001 2001 0db8 0000 0000  ................
 *   0x0020:  0000 0000 0000 0002 9c51 1f90 1122 3344  .........Q..."3D
 *   0x0030:  0000 0000 a002 fd20 ef2c 0000 0204 05a0  .........,......
 *   0x0040:  0402 080a 0000 0007 0000 0000 0103 030a  ................
 */
const IP6_TCP_SYN = '612abcde0028064020010db800000000000000000000000120010db80000000000000000000000029c511f901122334400000000a002fd20ef2c0000020405a00402080a00000007000000000103030a';

// ------------------------------------------------------------------ literal frames

describe('Ethernet + IPv4 + TCP with options', () => {
  it('decodes every field', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP4_TCP_OPTS, 1, { offset: 13 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.status).toBe(DecodeStatus.ok);
    expect(d.error).toBeNull();
    expect(d.linkLayer).toBe(LinkLayer.ethernet);
    expect(mac(d.eth.buf, d.eth.dstOff)).toBe('02:00:00:00:00:02');
    expect(mac(d.eth.buf, d.eth.srcOff)).toBe('02:00:00:00:00:01');
    expect(d.eth.outerType).toBe(0x0800);
    expect(d.eth.innerType).toBe(0x0800);
    expect(d.eth.vlanCount).toBe(0);
    expect(d.eth.payloadOff).toBe(13 + 14);
    expect(d.netType).toBe(0x0800);
    expect(d.netOff).toBe(13 + 14);
    expect(d.hasArp).toBe(false);
    expect(d.ipVersion).toBe(4);
    const ip = d.ip4;
    expect(ip.ihl).toBe(5);
    expect(ip.headerLength).toBe(20);
    expect(ip.totalLength).toBe(85);
    expect(ip.payloadLength).toBe(65);
    expect(ip.payloadOff).toBe(13 + 34);
    expect(ip.payloadEnd).toBe(13 + 14 + 85);
    expect(ip.cutShort).toBe(false);
    expect(ip.tos).toBe(0);
    expect(ip.id).toBe(0x1234);
    expect(ip.df).toBe(true);
    expect(ip.mf).toBe(false);
    expect(ip.fragOffset).toBe(0);
    expect(ip.ttl).toBe(63);
    expect(ip.proto).toBe(IpProto.TCP);
    expect(ip.checksum).toBe(0x14d3);
    expect(ip.checksumOk).toBe(true);
    expect(ip.src).toBe(ip4('10.77.0.1'));
    expect(ip.dst).toBe(ip4('10.77.0.2'));
    expect(d.laterFragment).toBe(false);
    expect(d.l4).toBe(IpProto.TCP);
    const t = d.tcp;
    expect(t.error).toBeNull();
    expect(t.sport).toBe(40001);
    expect(t.dport).toBe(8080);
    expect(t.seq).toBe(3735928559);
    expect(t.ack).toBe(16777217);
    expect(t.flags).toBe(TcpFlag.PSH | TcpFlag.ACK | TcpFlag.AE);
    expect(t.window).toBe(64240);
    expect(t.headerLength).toBe(60);
    expect(t.checksum).toBe(0xb656);
    expect(t.urgentPointer).toBe(0);
    expect(t.optionsOff).toBe(13 + 34 + 20);
    expect(t.payloadLength).toBe(5);
    expect(t.payloadOff).toBe(13 + 34 + 60);
    expect(t.payloadEnd).toBe(13 + 34 + 65);
    expect(f.buf.toString('latin1', t.payloadOff, t.payloadEnd)).toBe('hello');
    expect(t.mss).toBe(1460);
    expect(t.wscale).toBe(7);
    expect(t.sackPermitted).toBe(true);
    expect(t.hasTimestamps).toBe(true);
    expect(t.tsVal).toBe(16909060);
    expect(t.tsEcr).toBe(2695938256);
  });

  it('the line and JSON views show it as tcpdump does', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP4_TCP_OPTS, 1, { offset: 3 });
    d.decode(f);
    const { line, json } = views(f, d, new Tracker());
    expect(line).toContain('IP 10.77.0.1.40001 > 10.77.0.2.8080: Flags [P.]');
    expect(line).toContain('options [mss 1460,nop,wscale 7,sackOK,TS val 16909060 ecr 2695938256,nop,nop,sack 2 ');
    expect(line).toContain('length 5');
    expect(json).toMatchObject({
      len: 99, caplen: 99,
      eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 0x0800 },
      ip: { v: 4, src: '10.77.0.1', dst: '10.77.0.2', proto: 6, ttl: 63, id: 0x1234, mf: false, fragOffset: 0, df: true, checksumOk: true },
      tcp: { sport: 40001, dport: 8080, seq: 3735928559, ack: 16777217, flags: 'P.', win: 64240, len: 5, mss: 1460, wscale: 7, sackOk: true, tsval: 16909060, tsecr: 2695938256 },
    });
  });

  it('a wrong IPv4 header checksum is reported, not fatal', () => {
    const bad = Buffer.from(ETH_IP4_TCP_OPTS);
    bad[14 + 8] = 1; // TTL 63 → 1 without fixing the checksum
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(bad, 1, { offset: 5 }))).toBe(DecodeStatus.ok);
    expect(d.ip4.ttl).toBe(1);
    expect(d.ip4.checksumOk).toBe(false);
    expect(d.tcp.sport).toBe(40001);
  });

  it('TCP payload cut by the capture keeps the announced length', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP4_TCP_OPTS, 1, { offset: 2, caplen: ETH_IP4_TCP_OPTS.length - 3 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.ip4.cutShort).toBe(true);
    expect(d.tcp.payloadLength).toBe(5);
    expect(d.tcp.payloadEnd - d.tcp.payloadOff).toBe(2);
  });

  it('a data offset below 5 is malformed', () => {
    const bad = Buffer.from(ETH_IP4_TCP_OPTS);
    bad[34 + 12] = 0x41; // data offset 4
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(bad, 1))).toBe(DecodeStatus.malformed);
    expect(d.tcp.error).toBe('bad tcp header length');
  });
});

describe('IPv4', () => {
  it('with options (IHL 6) and UDP', () => {
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(ETH_IP4_OPTS_UDP, 1, { offset: 7 }))).toBe(DecodeStatus.ok);
    expect(d.ip4.ihl).toBe(6);
    expect(d.ip4.headerLength).toBe(24);
    expect(d.ip4.checksumOk).toBe(true);
    expect(d.ip4.payloadOff).toBe(7 + 14 + 24);
    expect(d.l4).toBe(IpProto.UDP);
    expect(d.udp.sport).toBe(5006);
    expect(d.udp.dport).toBe(5005);
    expect(d.udp.length).toBe(14);
    expect(d.udp.payloadLength).toBe(6);
  });

  it('IHL below 5 and a total length below the header are malformed', () => {
    const d = new PacketDecoder();
    const a = Buffer.from(ETH_UDP);
    a[14] = 0x44;
    expect(d.decode(mkFrame(a, 1))).toBe(DecodeStatus.malformed);
    expect(d.error).toBe('bad ip header length');
    const b = Buffer.from(ETH_UDP);
    b.writeUInt16BE(19, 16);
    expect(d.decode(mkFrame(b, 1))).toBe(DecodeStatus.malformed);
    expect(d.error).toBe('bad ip total length');
    expect(d.ipVersion).toBe(4);
    const c = Buffer.from(ETH_UDP);
    c[14] = 0x55;
    expect(d.decode(mkFrame(c, 1))).toBe(DecodeStatus.malformed);
    expect(d.error).toBe('bad ip version');
  });

  it('first fragment: transport header decoded; later fragment: none', () => {
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(ETH_IP4_FRAG_FIRST, 1, { offset: 1 }))).toBe(DecodeStatus.ok);
    expect(d.ip4.mf).toBe(true);
    expect(d.ip4.fragOffset).toBe(0);
    expect(d.ip4.id).toBe(0x4242);
    expect(d.laterFragment).toBe(false);
    expect(d.l4).toBe(IpProto.UDP);
    expect(d.udp.error).toBeNull();
    expect(d.udp.sport).toBe(5353);
    expect(d.udp.dport).toBe(53);
    expect(d.udp.length).toBe(24); // the whole datagram's, larger than this fragment

    const later = mkFrame(ETH_IP4_FRAG_LATER, 1, { offset: 9 });
    expect(d.decode(later)).toBe(DecodeStatus.ok);
    expect(d.ip4.mf).toBe(false);
    expect(d.ip4.fragOffset).toBe(2);
    expect(d.laterFragment).toBe(true);
    expect(d.l4).toBe(-1);
    const { line, json } = views(later, d, new Tracker()); // the frame the decoder read
    expect(line).toContain('IP 10.77.0.1 > 10.77.0.2: ip-proto-17');
    expect(json).toMatchObject({ ip: { v: 4, mf: false, fragOffset: 2 } });
  });

  it('ICMP echo request', () => {
    const d = new PacketDecoder();
    const echo = mkFrame(ETH_ICMP_ECHO, 1, { offset: 4 });
    expect(d.decode(echo)).toBe(DecodeStatus.ok);
    expect(d.l4).toBe(IpProto.ICMP);
    expect(d.icmp.type).toBe(8);
    expect(d.icmp.code).toBe(0);
    expect(d.icmp.hasEcho).toBe(true);
    expect(d.icmp.echoId).toBe(6546);
    expect(d.icmp.echoSeq).toBe(1);
    expect(d.icmp.isError).toBe(false);
    expect(d.icmp.length).toBe(64);
    expect(d.innerVersion).toBe(0);
    const { line } = views(echo, d, new Tracker()); // the frame the decoder read
    expect(line).toContain('IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 6546, seq 1, length 64');
  });

  it('ICMP port unreachable quoting an IPv4/UDP header', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_ICMP_UNREACH, 1, { offset: 11 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.ip4.src).toBe(ip4('192.0.2.9'));
    expect(d.l4).toBe(IpProto.ICMP);
    expect(d.icmp.type).toBe(3);
    expect(d.icmp.code).toBe(3);
    expect(d.icmp.isError).toBe(true);
    expect(d.icmp.innerOff).toBe(11 + 34 + 8);
    expect(d.innerVersion).toBe(4);
    expect(d.innerIp4.src).toBe(ip4('10.77.0.2'));
    expect(d.innerIp4.dst).toBe(ip4('192.0.2.9'));
    expect(d.innerIp4.ttl).toBe(1);
    expect(d.innerProto).toBe(IpProto.UDP);
    expect(d.innerSport).toBe(33434);
    expect(d.innerDport).toBe(33435);
    const { line, json } = views(f, d, new Tracker());
    expect(line).toContain('IP 192.0.2.9 > 10.77.0.2: ICMP 192.0.2.9 udp port 33435 unreachable, length 36');
    expect(json).toMatchObject({ icmp: { type: 3, code: 3, inner: { src: '10.77.0.2', dst: '192.0.2.9', proto: 17, sport: 33434, dport: 33435 } } });
  });

  it('the quoted header cut before its ports: addresses only', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_ICMP_UNREACH, 1, { caplen: ETH_ICMP_UNREACH.length - 6 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.innerVersion).toBe(4);
    expect(d.innerSport).toBe(-1);
    expect(d.innerDport).toBe(-1);
  });

  it('UDP', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_UDP, 1, { offset: 6 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.ip4.id).toBe(3173);
    expect(d.l4).toBe(IpProto.UDP);
    expect(d.udp.sport).toBe(5006);
    expect(d.udp.dport).toBe(5005);
    expect(d.udp.length).toBe(14);
    expect(d.udp.checksum).toBe(0xc519);
    expect(d.udp.payloadLength).toBe(6);
    expect(f.buf.toString('latin1', d.udp.payloadOff, d.udp.payloadEnd)).toBe('ping 0');
  });

  it('a UDP length larger than the IP payload is malformed', () => {
    const b = Buffer.from(ETH_UDP);
    b.writeUInt16BE(200, 38);
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(b, 1))).toBe(DecodeStatus.malformed);
    expect(d.udp.error).toBe('bad udp length');
  });
});

describe('IPv6', () => {
  it('TCP SYN', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP6_TCP, 1, { offset: 10 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.ipVersion).toBe(6);
    const ip = d.ip6;
    expect(ip.payloadLength).toBe(40);
    expect(ip.nextHeader).toBe(6);
    expect(ip.hopLimit).toBe(64);
    expect(ip6(ip.buf, ip.srcOff)).toBe('fd770000000000000000000000000001');
    expect(ip6(ip.buf, ip.dstOff)).toBe('fd770000000000000000000000000002');
    expect(ip.extMask).toBe(0);
    expect(ip.upperOff).toBe(10 + 54);
    expect(ip.upperLength).toBe(40);
    expect(d.l4).toBe(IpProto.TCP);
    expect(d.tcp.sport).toBe(40017);
    expect(d.tcp.dport).toBe(8080);
    expect(d.tcp.seq).toBe(2533826194);
    expect(d.tcp.flags).toBe(TcpFlag.SYN);
    expect(d.tcp.window).toBe(64800);
    expect(d.tcp.mss).toBe(1440);
    expect(d.tcp.sackPermitted).toBe(true);
    expect(d.tcp.hasTimestamps).toBe(true);
    expect(d.tcp.tsVal).toBe(1153319160);
    expect(d.tcp.tsEcr).toBe(0);
    expect(d.tcp.wscale).toBe(10);
    expect(d.tcp.payloadLength).toBe(0);
    const { line } = views(f, d, new Tracker());
    expect(line).toContain('IP6 fd77::1.40017 > fd77::2.8080: Flags [S], seq 2533826194, win 64800, options [mss 1440,sackOK,TS val 1153319160 ecr 0,nop,wscale 10], length 0');
  });

  it('hop-by-hop + routing + fragment + destination options before UDP', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP6_EXT_UDP, 1, { offset: 8 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    const ip = d.ip6;
    expect(ip.error).toBeNull();
    expect(ip.nextHeader).toBe(0);
    expect(ip.extMask).toBe(1 | 2 | 4 | 8);
    expect(ip.hasFragment).toBe(true);
    expect(ip.fragOffset).toBe(0);
    expect(ip.fragMf).toBe(false);
    expect(ip.fragId).toBe(0xcafef00d);
    expect(ip.isLaterFragment).toBe(false);
    expect(ip.proto).toBe(IpProto.UDP);
    expect(ip.upperOff).toBe(8 + 14 + 40 + 8 + 24 + 8 + 8);
    expect(ip.upperLength).toBe(20);
    expect(d.l4).toBe(IpProto.UDP);
    expect(d.udp.sport).toBe(5353);
    expect(d.udp.dport).toBe(53);
    expect(d.udp.length).toBe(20);
    expect(d.udp.payloadLength).toBe(12);
  });

  it('a later IPv6 fragment has no transport header', () => {
    const b = Buffer.from(ETH_IP6_EXT_UDP);
    b.writeUInt16BE(2 << 3, 14 + 40 + 8 + 24 + 2); // fragment offset 2 (16 bytes), M = 0
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(b, 1))).toBe(DecodeStatus.ok);
    expect(d.ip6.isLaterFragment).toBe(true);
    expect(d.ip6.fragOffset).toBe(2);
    expect(d.laterFragment).toBe(true);
    expect(d.l4).toBe(-1);
  });

  it('ICMPv6 neighbor solicitation', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_ICMP6_NS, 1, { offset: 5 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.ip6.hopLimit).toBe(255);
    expect(d.l4).toBe(IpProto.ICMPv6);
    expect(d.icmp.v6).toBe(true);
    expect(d.icmp.type).toBe(135);
    expect(d.icmp.code).toBe(0);
    expect(d.icmp.isError).toBe(false);
    expect(d.icmp.hasEcho).toBe(false);
    expect(d.icmp.ndTargetOff).toBe(5 + 54 + 8);
    expect(ip6(f.buf, d.icmp.ndTargetOff)).toBe('fd770000000000000000000000000002');
    const { line } = views(f, d, new Tracker());
    expect(line).toContain('IP6 fd77::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fd77::2, length 32');
  });

  it('a bad IPv6 version is malformed', () => {
    const b = Buffer.from(ETH_IP6_TCP);
    b[14] = 0x45;
    const d = new PacketDecoder();
    expect(d.decode(mkFrame(b, 1))).toBe(DecodeStatus.malformed);
  });
});

describe('ARP', () => {
  it('request', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_ARP_REQUEST, 1, { offset: 3 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.hasArp).toBe(true);
    expect(d.ipVersion).toBe(0);
    expect(d.netType).toBe(0x0806);
    const a = d.arp;
    expect(a.htype).toBe(1);
    expect(a.ptype).toBe(0x0800);
    expect(a.hlen).toBe(6);
    expect(a.plen).toBe(4);
    expect(a.op).toBe(1);
    expect(a.ethIpv4).toBe(true);
    expect(mac(f.buf, a.senderMacOff)).toBe('96:4b:58:84:0f:b3');
    expect(a.senderIp).toBe(ip4('10.77.0.1'));
    expect(mac(f.buf, a.targetMacOff)).toBe('00:00:00:00:00:00');
    expect(a.targetIp).toBe(ip4('10.77.0.2'));
    const { line } = views(f, d, new Tracker());
    expect(line).toContain('ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28');
  });

  it('reply', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_ARP_REPLY, 1, { offset: 1 });
    expect(d.decode(f)).toBe(DecodeStatus.ok);
    expect(d.arp.op).toBe(2);
    expect(mac(f.buf, d.arp.senderMacOff)).toBe('b6:84:87:50:27:ac');
    expect(d.arp.senderIp).toBe(ip4('10.77.0.2'));
    expect(mac(f.buf, d.arp.targetMacOff)).toBe('96:4b:58:84:0f:b3');
    expect(d.arp.targetIp).toBe(ip4('10.77.0.1'));
    const { line, json } = views(f, d, new Tracker());
    expect(line).toContain('ARP, Reply 10.77.0.2 is-at b6:84:87:50:27:ac, length 28');
    expect(json).toMatchObject({ arp: { op: 2, senderMac: 'b6:84:87:50:27:ac', senderIp: '10.77.0.2', targetMac: '96:4b:58:84:0f:b3', targetIp: '10.77.0.1' } });
  });
});

/** Checks that `d` decoded the IP4_UDP packet at `netOff`. */
function expectIp4Udp(d: PacketDecoder, netOff: number): void {
  expect(d.status).toBe(DecodeStatus.ok);
  expect(d.error).toBeNull();
  expect(d.ipVersion).toBe(4);
  expect(d.netOff).toBe(netOff);
  expect(d.ip4.src).toBe(ip4('10.77.0.1'));
  expect(d.ip4.dst).toBe(ip4('10.77.0.2'));
  expect(d.l4).toBe(IpProto.UDP);
  expect(d.udp.sport).toBe(5006);
  expect(d.udp.dport).toBe(5005);
  expect(d.udp.payloadLength).toBe(6);
}

describe('link layers', () => {
  it('802.1Q', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(ETH_VLAN_UDP, 1, { offset: 4 }));
    expectIp4Udp(d, 4 + 18);
    expect(d.eth.outerType).toBe(0x8100);
    expect(d.eth.innerType).toBe(0x0800);
    expect(d.eth.vlanCount).toBe(1);
    expect(d.eth.vlanIds[0]).toBe(100);
  });

  it('QinQ (0x88a8 then 0x8100)', () => {
    const d = new PacketDecoder();
    const f = mkFrame(ETH_QINQ_UDP, 1, { offset: 2 });
    d.decode(f);
    expectIp4Udp(d, 2 + 22);
    expect(d.eth.outerType).toBe(0x88a8);
    expect(d.eth.vlanCount).toBe(2);
    expect([d.eth.vlanIds[0], d.eth.vlanIds[1]]).toEqual([200, 300]);
    const { json } = views(f, d, new Tracker());
    expect(json).toMatchObject({ vlan: [200, 300], eth: { type: 0x88a8 } });
  });

  it('vlanCount is reset for a following untagged frame', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(ETH_QINQ_UDP, 1));
    d.decode(mkFrame(ETH_UDP, 1));
    expect(d.eth.vlanCount).toBe(0);
  });

  it('Linux SLL (113)', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(SLL_UDP, 113, { offset: 5 }));
    expectIp4Udp(d, 5 + 16);
    expect(d.linkLayer).toBe(LinkLayer.sll);
  });

  it('Linux SLL with a VLAN protocol', () => {
    const b = Buffer.concat([hex('0000000100060200000000010000 8100 0064 0800'), hex(IP4_UDP)]);
    const d = new PacketDecoder();
    d.decode(mkFrame(b, 113));
    expectIp4Udp(d, 20);
    expect(d.eth.vlanCount).toBe(1);
    expect(d.eth.vlanIds[0]).toBe(100);
  });

  it('Linux SLL2 (276)', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(SLL2_UDP, 276, { offset: 3 }));
    expectIp4Udp(d, 3 + 20);
    expect(d.linkLayer).toBe(LinkLayer.sll2);
  });

  it('BSD loopback NULL (0), both byte orders, and LOOP (108)', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(NULL_LE_UDP, 0, { offset: 1 }));
    expectIp4Udp(d, 1 + 4);
    expect(d.linkLayer).toBe(LinkLayer.loopback);
    d.decode(mkFrame(NULL_BE_UDP, 0, { offset: 2 }));
    expectIp4Udp(d, 2 + 4);
    d.decode(mkFrame(LOOP_UDP, 108, { offset: 3 }));
    expectIp4Udp(d, 3 + 4);
    expect(d.linkLayer).toBe(LinkLayer.loopback);
  });

  it('NULL with AF_INET6 (24, 28, 30) in both byte orders', () => {
    const d = new PacketDecoder();
    for (const fam of [24, 28, 30]) {
      for (const le of [true, false]) {
        const h = Buffer.alloc(4);
        if (le) h.writeUInt32LE(fam); else h.writeUInt32BE(fam);
        expect(d.decode(mkFrame(Buffer.concat([h, hex(IP6_TCP_SYN)]), 0, { offset: 1 }))).toBe(DecodeStatus.ok);
        expect(d.ipVersion).toBe(6);
        expect(d.tcp.dport).toBe(8080);
      }
    }
  });

  it('LOOP with an unknown family: the IP version nibble decides, else unsupported', () => {
    const d = new PacketDecoder();
    // 0x02000000 read in network order is no address family; the payload starts with 0x45.
    d.decode(mkFrame(NULL_LE_UDP, 108, { offset: 2 }));
    expectIp4Udp(d, 2 + 4);
    const notIp = Buffer.from(NULL_LE_UDP);
    notIp[4] = 0x00;
    for (const lt of [0, 108]) {
      const b = Buffer.from(notIp);
      b.writeUInt32BE(0x07000000, 0);
      expect(d.decode(mkFrame(b, lt))).toBe(DecodeStatus.unsupported);
      expect(d.error).toBe(DecodeError.family);
      expect(d.ipVersion).toBe(0);
    }
  });

  it('raw IP: 101 (v4 and v6), 228 (IPv4), 229 (IPv6), 12 and 14', () => {
    const d = new PacketDecoder();
    d.decode(mkFrame(hex(IP4_UDP), 101, { offset: 9 }));
    expectIp4Udp(d, 9);
    expect(d.linkLayer).toBe(LinkLayer.raw);
    d.decode(mkFrame(hex(IP4_UDP), 228, { offset: 4 }));
    expectIp4Udp(d, 4);
    d.decode(mkFrame(hex(IP4_UDP), 12));
    expectIp4Udp(d, 0);
    d.decode(mkFrame(hex(IP4_UDP), 14, { offset: 1 }));
    expectIp4Udp(d, 1);
    for (const lt of [101, 229]) {
      expect(d.decode(mkFrame(hex(IP6_TCP_SYN), lt, { offset: 6 }))).toBe(DecodeStatus.ok);
      expect(d.linkLayer).toBe(LinkLayer.raw);
      expect(d.ipVersion).toBe(6);
      expect(d.netOff).toBe(6);
      expect(d.tcp.sport).toBe(40017);
      expect(d.tcp.mss).toBe(1440);
      expect(d.tcp.wscale).toBe(10);
    }
    // 228/229 name a version, but the header's own version nibble decides (as tshark does).
    expect(d.decode(mkFrame(hex(IP6_TCP_SYN), 228))).toBe(DecodeStatus.ok);
    expect(d.ipVersion).toBe(6);
    d.decode(mkFrame(hex(IP4_UDP), 229, { offset: 1 }));
    expectIp4Udp(d, 1);
    const v5 = hex(IP4_UDP);
    v5[0] = 0x55;
    expect(d.decode(mkFrame(v5, 228))).toBe(DecodeStatus.malformed);
    expect(d.error).toBe('bad ip version');
    expect(d.decode(mkFrame(v5, 229))).toBe(DecodeStatus.malformed);
    expect(d.error).toBe('bad ipv6 version');
  });

  it('an unknown link type is unsupported and never throws', () => {
    const d = new PacketDecoder();
    for (const lt of [147, 2, 105, 127, 65535]) {
      expect(d.decode(mkFrame(ETH_UDP, lt, { offset: 2 }))).toBe(DecodeStatus.unsupported);
      expect(d.error).toBe(DecodeError.link);
      expect(d.ipVersion).toBe(0);
      expect(d.l4).toBe(-1);
      const f = mkFrame(ETH_UDP, lt);
      d.decode(f);
      const { line, json } = views(f, d, new Tracker());
      // As tcpdump's unsupported_if_print: the name, then the frame's bytes.
      expect(line.split('\n')[0]).toBe('1700000000.000000 UNSUPPORTED');
      expect(line.split('\n')[1]).toBe('\t0x0000:  ' + ETH_UDP.toString('hex', 0, 16).replace(/(.{4})(?!$)/g, '$1 ') + "  ...P'..KX.....E.");
      expect(json).toMatchObject({ error: 'unsupported link type' });
    }
  });

  it('802.3 LLC and unknown EtherTypes are unsupported', () => {
    const d = new PacketDecoder();
    const llc = Buffer.from(ETH_UDP);
    llc.writeUInt16BE(46, 12);
    expect(d.decode(mkFrame(llc, 1))).toBe(DecodeStatus.unsupported);
    expect(d.error).toBe(DecodeError.llc);
    const other = Buffer.from(ETH_UDP);
    other.writeUInt16BE(0x88cc, 12);
    expect(d.decode(mkFrame(other, 1))).toBe(DecodeStatus.unsupported);
    expect(d.error).toBe(DecodeError.ether);
  });
});

// ------------------------------------------------------------------ every truncation

interface Case { name: string; bytes: Buffer; linkType: number; headersEnd: number }

/** headersEnd: captured length from which every header is complete (only payload missing below the full length). */
const TRUNCATION_CASES: Case[] = [
  { name: 'eth/ip4/tcp+options', bytes: ETH_IP4_TCP_OPTS, linkType: 1, headersEnd: 14 + 20 + 60 },
  { name: 'eth/ip4+options/udp', bytes: ETH_IP4_OPTS_UDP, linkType: 1, headersEnd: 14 + 24 + 8 },
  { name: 'eth/ip4 first fragment/udp', bytes: ETH_IP4_FRAG_FIRST, linkType: 1, headersEnd: 14 + 20 + 8 },
  { name: 'eth/ip4 later fragment', bytes: ETH_IP4_FRAG_LATER, linkType: 1, headersEnd: 14 + 20 },
  { name: 'eth/ip6/ext headers/udp', bytes: ETH_IP6_EXT_UDP, linkType: 1, headersEnd: 14 + 40 + 48 + 8 },
  { name: 'eth/ip6/tcp', bytes: ETH_IP6_TCP, linkType: 1, headersEnd: ETH_IP6_TCP.length },
  { name: 'eth/ip4/icmp unreachable', bytes: ETH_ICMP_UNREACH, linkType: 1, headersEnd: 14 + 20 + 4 },
  { name: 'eth/ip4/icmp echo', bytes: ETH_ICMP_ECHO, linkType: 1, headersEnd: 14 + 20 + 4 },
  { name: 'eth/ip6/icmp6 ns', bytes: ETH_ICMP6_NS, linkType: 1, headersEnd: 14 + 40 + 4 },
  { name: 'eth/arp', bytes: ETH_ARP_REQUEST, linkType: 1, headersEnd: 42 },
  { name: 'eth/qinq/ip4/udp', bytes: ETH_QINQ_UDP, linkType: 1, headersEnd: 22 + 20 + 8 },
  { name: 'sll/ip4/udp', bytes: SLL_UDP, linkType: 113, headersEnd: 16 + 28 },
  { name: 'sll2/ip4/udp', bytes: SLL2_UDP, linkType: 276, headersEnd: 20 + 28 },
  { name: 'null/ip4/udp', bytes: NULL_LE_UDP, linkType: 0, headersEnd: 4 + 28 },
  { name: 'loop/ip4/udp', bytes: LOOP_UDP, linkType: 108, headersEnd: 4 + 28 },
  { name: 'raw/ip6/tcp', bytes: hex(IP6_TCP_SYN), linkType: 229, headersEnd: 80 },
];

describe('every truncation length', () => {
  for (const c of TRUNCATION_CASES) {
    it(c.name, () => {
      const d = new PacketDecoder();
      const t = new Tracker();
      expect(d.decode(mkFrame(c.bytes, c.linkType))).toBe(DecodeStatus.ok);
      for (const offset of [0, 5]) {
        for (let n = 0; n < c.bytes.length; n++) {
          // The rest of the real frame stays in the buffer past caplen: reading it would hide the truncation.
          const f = mkFrame(c.bytes, c.linkType, { offset, caplen: n, len: c.bytes.length, tail: 0 });
          let status: DecodeStatus = DecodeStatus.ok;
          expect(() => { status = d.decode(f); }, `${c.name} cut at ${n}`).not.toThrow();
          if (n < c.headersEnd) {
            expect(status, `${c.name} cut at ${n} (inside a header)`).not.toBe(DecodeStatus.ok);
            expect(d.error, `${c.name} cut at ${n}`).not.toBeNull();
          } else {
            expect(status, `${c.name} cut at ${n} (payload only)`).toBe(DecodeStatus.ok);
          }
          expect(() => views(f, d, t), `${c.name} views cut at ${n}`).not.toThrow();
        }
      }
    });
  }
});

describe('views stay inside the captured bytes', () => {
  it('TCP options cut by the capture are not read from the bytes after caplen', () => {
    // fixtures/mixed.pcap #49 captured with a snaplen of 74: the 20 option bytes are not in the capture,
    // but a reader's chunk buffer holds whatever follows (here the real options). tcpdump -s 74 prints
    // "options [ [|tcp]"; netlens must not print options it did not capture.
    const d = new PacketDecoder();
    const f = mkFrame(ETH_IP6_TCP, 1, { offset: 4, caplen: 74, len: ETH_IP6_TCP.length, tail: 0 });
    expect(d.decode(f)).toBe(DecodeStatus.truncated);
    expect(d.error).toBe('truncated tcp options');
    const { line } = views(f, d, new Tracker());
    expect(line).toContain('IP6 fd77::1.40017 > fd77::2.8080: Flags [S]');
    expect(line).not.toContain('mss 1440');
  });
});

// ------------------------------------------------------------------ properties

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

/** decode → observe → line → JSON; returns the texts so runs can be compared. */
function runAll(f: Frame, d: PacketDecoder, t: Tracker, tf: TimeFormatter): string {
  d.decode(f);
  expect(d.error === null, `status ${d.status} with error ${d.error}`).toBe(d.status === DecodeStatus.ok); // error is set exactly when status is not ok
  t.observe(d, f.tsSec, f.tsNsec);
  const line = formatLine(f, d, t, { time: tf, palette: noColor, annotate: true });
  // One line, but for the bytes tcpdump prints after it (an ARP operation it does not know), each line after a tab.
  expect(line).not.toMatch(/\r|\n(?!\t)/);
  // -vvv and -v -e: more lines (tab-indented), still nothing but printable ASCII.
  const verbose = formatLine(f, d, t, { time: tf, palette: noColor, annotate: true, verbose: 3 })
    + formatLine(f, d, t, { time: tf, palette: noColor, annotate: false, verbose: 1, linkHeader: true, quick: true });
  expect(verbose).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/); // (netlens's own annotations use arrows)
  const json = packetJson(1, f, d, t);
  JSON.parse(json);
  return `${d.status}|${d.error}|${line}|${verbose}|${json}`;
}

/** Places `bytes` at `offset` in a buffer surrounded by `fill`. */
function placed(bytes: Uint8Array, linkType: number, offset: number, fill: number, ts: number): Frame {
  const buf = Buffer.alloc(offset + bytes.length + 64, fill);
  buf.set(bytes, offset);
  return { buf, offset, caplen: bytes.length, len: bytes.length + (ts % 3), tsSec: 1_700_000_000 + ts, tsNsec: (ts * 7919) % 1e9, linkType, ifIndex: 0 };
}

function framesOf(file: string, max = 200): { bytes: Buffer; linkType: number }[] {
  const r = new CaptureFileReader(file);
  const out: { bytes: Buffer; linkType: number }[] = [];
  try {
    for (let f = r.next(); f !== null && out.length < max; f = r.next()) out.push({ bytes: Buffer.from(f.buf.subarray(f.offset, f.offset + f.caplen)), linkType: f.linkType });
  } finally {
    r.close();
  }
  return out;
}
const mixedFrames = (): { bytes: Buffer; linkType: number }[] => framesOf(join(ROOT, 'fixtures', 'mixed.pcap'));

/**
 * Frames of the protocols the verbose and small printers read (IPv6 extension
 * headers, neighbour discovery, MLD, ICMP errors, IGMP, DHCP, NTP, DNS with
 * EDNS): fixtures, and corpus captures when ../shared/corpus is beside the clone.
 */
const PROTOCOL_CORPUS = join(ROOT, '..', 'shared', 'corpus', 'pcap');
if (!existsSync(PROTOCOL_CORPUS)) console.warn('decode.test: ../shared/corpus not found: the property tests start from frames of fixtures/ only');
function protocolFrames(): { bytes: Buffer; linkType: number }[] {
  const out = [...framesOf(join(ROOT, 'fixtures', 'http-ipv6.pcap'), 20), ...framesOf(join(ROOT, 'fixtures', 'dns.pcap'), 20), ...framesOf(join(ROOT, 'fixtures', 'arp-icmp.pcap'), 20)];
  const corpus = PROTOCOL_CORPUS;
  for (const name of ['icmpv6.pcap', 'ipv6-routing-header.pcap', 'libpcap-ipv6_ext_headers.pcap', 'pcpp-ipv6_options.pcap', 'dns_udp.pcap',
    'zeek-icmp_icmp-destunreach-udp.pcap', 'zeek-icmp_icmp-timeexceeded.pcap', 'pcpp-ipv4-options.pcap', 'pcpp-raw_ip.pcap', 'zeek-ipv4_fragmented-1.pcap']) {
    if (existsSync(join(corpus, name))) out.push(...framesOf(join(corpus, name), 20));
  }
  return out;
}

describe('properties (fast-check)', () => {
  it('random bytes on every link type never throw through decode, tracker, line and JSON', () => {
    const d = new PacketDecoder();
    const t = new Tracker();
    const tf = new TimeFormatter('tt', false);
    let ts = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.constantFrom(...LINK_TYPES),
        fc.integer({ min: 0, max: 17 }),
        (bytes, linkType, offset) => {
          runAll(placed(bytes, linkType, offset, 0xa5, ts++), d, t, tf);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random headers of the right kind (IPv4/IPv6 version nibble) never throw', () => {
    const d = new PacketDecoder();
    const t = new Tracker();
    const tf = new TimeFormatter('tt', false);
    let ts = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(4, 6),
        fc.constantFrom(1, 6, 17, 58, 0, 43, 44, 60, 51),
        fc.uint8Array({ minLength: 0, maxLength: 160 }),
        fc.constantFrom(101, 228, 229),
        (v, proto, rest, linkType) => {
          const hdr = v === 4 ? Buffer.from([0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto]) : Buffer.from([0x60, 0, 0, 0, 0, 0, proto, 64]);
          const bytes = Buffer.concat([hdr, rest]);
          if (v === 4) bytes.writeUInt16BE(Math.min(bytes.length, 0xffff), 2);
          else bytes.writeUInt16BE(Math.max(0, bytes.length - 40), 4);
          runAll(placed(bytes, linkType, 3, 0, ts++), d, t, tf);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated and truncated real frames (fixtures/mixed.pcap and the literals) never throw', () => {
    const pool = [
      ...mixedFrames(),
      ...protocolFrames(),
      ...TRUNCATION_CASES.map((c) => ({ bytes: c.bytes, linkType: c.linkType })),
    ];
    expect(pool.length).toBeGreaterThan(50);
    const d = new PacketDecoder();
    const t = new Tracker();
    const tf = new TimeFormatter('tt', false);
    let ts = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: pool.length - 1 }),
        fc.array(fc.record({ pos: fc.nat({ max: 255 }), val: fc.nat({ max: 255 }), xor: fc.boolean() }), { maxLength: 6 }),
        fc.option(fc.nat({ max: 1600 }), { nil: undefined }),
        fc.integer({ min: 0, max: 9 }),
        (index, mutations, cut, offset) => {
          const src = pool[index]!;
          const bytes = Buffer.from(src.bytes);
          for (const m of mutations) {
            if (bytes.length === 0) break;
            const p = m.pos % bytes.length;
            bytes[p] = m.xor ? bytes[p]! ^ (1 << (m.val & 7)) : m.val;
          }
          const sliced = cut === undefined ? bytes : bytes.subarray(0, Math.min(cut, bytes.length));
          runAll(placed(sliced, src.linkType, offset, 0xee, ts++), d, t, tf);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decode and the views only look at buf[offset, offset + caplen)', () => {
    // Same frame bytes in two buffers with different surroundings (and offsets):
    // the decoded status and both views must be identical.
    const pool = [...mixedFrames(), ...protocolFrames(), ...TRUNCATION_CASES.map((c) => ({ bytes: c.bytes, linkType: c.linkType }))];
    const a = { d: new PacketDecoder(), t: new Tracker(), tf: new TimeFormatter('tt', false) };
    const b = { d: new PacketDecoder(), t: new Tracker(), tf: new TimeFormatter('tt', false) };
    let ts = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: pool.length - 1 }),
        fc.nat({ max: 1600 }),
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.record({ pos: fc.nat({ max: 255 }), val: fc.nat({ max: 255 }) }), { maxLength: 3 }),
        (index, cut, offset, mutations) => {
          const whole = Buffer.from(pool[index]!.bytes);
          for (const m of mutations) if (whole.length > 0) whole[m.pos % whole.length] = m.val;
          const src = { bytes: whole, linkType: pool[index]!.linkType };
          const bytes = src.bytes.subarray(0, Math.min(cut, src.bytes.length));
          const n = ts++;
          const fa = placed(bytes, src.linkType, offset, 0x00, n);
          const fb = placed(bytes, src.linkType, offset + 3, 0xff, n);
          // Frame A's buffer holds the real continuation of the frame after caplen, as a reader's chunk buffer would.
          fa.buf.set(src.bytes.subarray(bytes.length, bytes.length + 64), offset + bytes.length);
          expect(runAll(fb, b.d, b.t, b.tf)).toBe(runAll(fa, a.d, a.t, a.tf));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('literal frames', () => {
  it('those taken from fixtures/mixed.pcap match its packets', () => {
    const frames = mixedFrames();
    const want: [Buffer, number][] = [[ETH_ARP_REQUEST, 1], [ETH_ARP_REPLY, 2], [ETH_ICMP_ECHO, 25], [ETH_UDP, 29], [ETH_ICMP6_NS, 47], [ETH_IP6_TCP, 49]];
    for (const [bytes, n] of want) expect(bytes.toString('hex'), `mixed.pcap #${n}`).toBe(frames[n - 1]!.bytes.toString('hex'));
  });
});
