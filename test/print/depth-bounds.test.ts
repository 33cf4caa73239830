/**
 * Packets nested in packets, built as deep as a frame holds: ICMP errors
 * quoting ICMP errors, VXLAN, GRE (v0 and PPTP's v1) and Geneve in one
 * another and mixed, IPv6-in-IPv6, MPLS label stacks, DHCPv6 relay messages
 * in relay messages, RESP arrays in arrays, SNMP's nested ASN.1. Every view
 * ends (no "Maximum call stack size exceeded"), a printer stops at its depth
 * bound with tcpdump's ` [|proto]`, and up to the bound the lines are
 * tcpdump's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../src/print/line.js';
import { MAX_DHCP6_RELAY_DEPTH } from '../../src/print/print-dhcp6.js';
import { MAX_RESP_DEPTH } from '../../src/print/print-resp.js';
import { haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { classicPcap } from '../helpers/pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-depth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tcpdump = haveTool('tcpdump');

// ---- builders (right checksums where tcpdump -v checks them)

function fold(b: Buffer, sum = 0): number {
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
function ipv4(proto: number, payload: Buffer, src = '10.0.0.1', dst = '10.0.0.2'): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45; h.writeUInt16BE(Math.min(0xffff, 20 + payload.length), 2); h.writeUInt16BE(1, 4); h[8] = 64; h[9] = proto;
  Buffer.from(src.split('.').map(Number)).copy(h, 12); Buffer.from(dst.split('.').map(Number)).copy(h, 16);
  h.writeUInt16BE(fold(h), 10);
  return Buffer.concat([h, payload]);
}
function ipv6(next: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60; h.writeUInt16BE(Math.min(0xffff, payload.length), 4); h[6] = next; h[7] = 64;
  h[8] = 0x20; h[9] = 0x01; h[23] = 1; h[24] = 0x20; h[25] = 0x01; h[39] = 2;
  return Buffer.concat([h, payload]);
}
function icmpError(inner: Buffer): Buffer {
  const m = Buffer.concat([Buffer.from([3, 1, 0, 0, 0, 0, 0, 0]), inner]);
  m.writeUInt16BE(fold(m), 2);
  return m;
}
function icmpEcho(): Buffer {
  const m = Buffer.from([8, 0, 0, 0, 0, 1, 0, 1]);
  m.writeUInt16BE(fold(m), 2);
  return m;
}
/** UDP with checksum 0 (none: tcpdump prints no checksum text for IPv4). */
function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0); u.writeUInt16BE(dport, 2); u.writeUInt16BE(Math.min(0xffff, 8 + payload.length), 4);
  return Buffer.concat([u, payload]);
}
function tcpSeg(dport: number, payload: Buffer): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(40000, 0); t.writeUInt16BE(dport, 2); t.writeUInt32BE(1, 4); t.writeUInt32BE(1, 8); t[12] = 0x50; t[13] = 0x18; t.writeUInt16BE(512, 14);
  return Buffer.concat([t, payload]);
}
const ETH_HDR = (type: number): Buffer => Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), Buffer.from([type >> 8, type & 0xff])]);
const ether = (ip: Buffer, type = 0x0800): Buffer => Buffer.concat([ETH_HDR(type), ip]);
const vxlan = (frame: Buffer): Buffer => Buffer.concat([Buffer.from([0x08, 0, 0, 0, 0, 0, 42, 0]), frame]);
const greV0 = (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0x08, 0x00]), ip]);
const geneve = (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0x08, 0x00, 0, 0, 7, 0]), ip]);

/** n levels of `wrap` around `inner`. */
function nest(n: number, inner: Buffer, wrap: (b: Buffer) => Buffer): Buffer {
  let b = inner;
  for (let i = 0; i < n; i++) b = wrap(b);
  return b;
}

const KINDS: { name: string; frame: (depth: number) => Buffer; tag: string; linkType?: number }[] = [
  { name: 'ICMP errors quoting ICMP errors', tag: 'icmp', frame: (n) => ether(nest(n, ipv4(1, icmpEcho()), (ip) => ipv4(1, icmpError(ip)))) },
  { name: 'VXLAN in VXLAN', tag: 'vxlan', frame: (n) => ether(nest(n, ipv4(1, icmpEcho()), (ip) => ipv4(17, udp(40000, 4789, vxlan(ether(ip)))))) },
  { name: 'GRE in GRE', tag: 'gre', frame: (n) => ether(nest(n, ipv4(1, icmpEcho()), (ip) => ipv4(47, greV0(ip)))) },
  { name: 'Geneve in Geneve', tag: 'geneve', frame: (n) => ether(nest(n, ipv4(1, icmpEcho()), (ip) => ipv4(17, udp(40000, 6081, geneve(ip))))) },
  {
    name: 'ICMP, VXLAN and GRE in turn', tag: '', frame: (n) => ether(nest(n, ipv4(1, icmpEcho()), (ip) => {
      const k = ip.length % 3; // any mix: the bound is on the levels, whatever they are
      return k === 0 ? ipv4(1, icmpError(ip)) : k === 1 ? ipv4(17, udp(40000, 4789, vxlan(ether(ip)))) : ipv4(47, greV0(ip));
    })),
  },
];

/** A frame `depth` levels deep as a one-packet pcap. */
function capture(name: string, frame: Buffer, linkType = 1): string {
  const path = join(dir, `${name.replace(/\W+/g, '_')}.pcap`);
  writeFileSync(path, classicPcap([frame], 1763800000, linkType));
  return path;
}

function tcpdumpText(path: string, flags: string[]): string {
  const r = spawnSync('tcpdump', ['-nn', '-tt', ...flags, '-r', path], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 28 });
  return r.stdout;
}

const VIEWS = [['read'], ['read', '-v'], ['read', '-vvv', '-e'], ['read', '-vv', '-X'], ['read', '--json'], ['conns'], ['conns', '--json'], ['arp'], ['http']];

/** Every view ends normally, with no stack trace or internal error. */
function expectEveryViewEnds(path: string): void {
  for (const v of VIEWS) {
    const r = netlens([...v, path]);
    expect(r.stderr, v.join(' ')).toBe('');
    expect(r.status, v.join(' ')).toBe(0);
  }
  expect(ndjson(netlens(['read', '--json', path]).stdout)).toHaveLength(1);
}

describe('nesting as deep as a frame holds', () => {
  for (const k of KINDS) {
    it(`${k.name}, 1000 levels (or as many as fit): every view ends; -v stops at ${MAX_NESTING} levels${k.tag ? ` with [|${k.tag}]` : ''}`, () => {
      let depth = 1000;
      while (k.frame(depth).length > 65000) depth = Math.floor(depth * 0.8);
      expect(depth).toBeGreaterThan(4 * MAX_NESTING);
      const path = capture(`${k.name}-deep`, k.frame(depth));
      expectEveryViewEnds(path);
      const text = netlens(['read', '-v', '--no-annotate', path]).stdout;
      expect(text).toMatch(/ \[\|(icmp|vxlan|gre|geneve)\]/);
      if (k.tag) expect(text).toContain(` [|${k.tag}]`);
      // Not deeper than the bound: the quoted or carried packets printed are at most MAX_NESTING.
      expect(text.split('\n').filter((l) => /^\t| IP /.test(l)).length).toBeLessThan(4 * MAX_NESTING);
    });
  }
});

describe.skipIf(!tcpdump)('up to the bound, the lines are tcpdump\'s', () => {
  for (const k of KINDS.slice(0, 4)) {
    for (const flags of [[], ['-v']]) {
      it(`${k.name}, ${MAX_NESTING} levels, ${flags.join(' ') || 'no flags'}`, () => {
        const path = capture(`${k.name}-bound`, k.frame(MAX_NESTING));
        const ours = netlens(['read', '--no-annotate', '-tt', ...flags, path]);
        expect(ours.status, ours.stderr).toBe(0);
        expect(ours.stdout).not.toContain(`[|${k.tag}]`);
        expect(ours.stdout).toBe(tcpdumpText(path, flags));
      });
    }
  }
});

describe('other stacks that grow without bound', () => {
  it('IPv6 in IPv6 a thousand times and IPv4 in IPv4: every view ends', () => {
    expectEveryViewEnds(capture('ip6in6', ether(nest(1000, ipv6(58, Buffer.from([128, 0, 0, 0, 0, 1, 0, 1])), (ip) => ipv6(41, ip)), 0x86dd)));
    expectEveryViewEnds(capture('ip4in4', ether(nest(1500, ipv4(1, icmpEcho()), (ip) => ipv4(4, ip)))));
  });
  it('an MPLS stack of 10,000 labels: every view ends, and read prints what tcpdump does', () => {
    const labels: Buffer[] = [];
    for (let i = 0; i < 10000; i++) labels.push(Buffer.from([0, 0x10, i === 9999 ? 0x01 : 0x00, 64]));
    const path = capture('mpls-deep', ether(Buffer.concat([...labels, ipv4(1, icmpEcho())]), 0x8847));
    expectEveryViewEnds(path);
    if (tcpdump) expect(netlens(['read', '--no-annotate', '-tt', path]).stdout).toBe(tcpdumpText(path, []));
  });
  it('PPPoE sessions carrying PPP carrying IP, and PPTP\'s GRE v1 carrying PPP in GRE v1: every view ends', () => {
    const pppoe = (ip: Buffer): Buffer => Buffer.concat([Buffer.from([0x11, 0, 0x12, 0x34, (ip.length + 2) >> 8, (ip.length + 2) & 0xff, 0, 0x21]), ip]);
    expectEveryViewEnds(capture('pppoe', ether(pppoe(ipv4(1, icmpEcho())), 0x8864)));
    const greV1 = (ip: Buffer): Buffer => {
      const h = Buffer.from([0x30, 0x01, 0x88, 0x0b, 0, 0, 0, 3, 0, 0, 0, 7]); // key and sequence present, version 1
      const ppp = Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x21]), ip]);
      h.writeUInt16BE(ppp.length, 4);
      return Buffer.concat([h, ppp]);
    };
    const path = capture('grev1-deep', ether(nest(1000, ipv4(1, icmpEcho()), (ip) => ipv4(47, greV1(ip)))));
    expectEveryViewEnds(path);
    expect(netlens(['read', '-v', path]).stdout).toContain(' [|gre]');
  });
  it(`DHCPv6 relay messages ${MAX_DHCP6_RELAY_DEPTH * 40} deep: -v ends at [|dhcp6] after ${MAX_DHCP6_RELAY_DEPTH} levels; up to it, tcpdump's text`, () => {
    const relay = (msg: Buffer): Buffer => {
      const h = Buffer.alloc(34 + 4);
      h[0] = 12; h[1] = 0; // relay-forw, hop count
      h.writeUInt16BE(9, 34); h.writeUInt16BE(msg.length, 36); // OPTION_RELAY_MSG
      return Buffer.concat([h, msg]);
    };
    const solicit = Buffer.from([1, 0x12, 0x34, 0x56]);
    const frame = (n: number): Buffer => ether(ipv6(17, udp(547, 547, nest(n, solicit, relay))), 0x86dd);
    const deep = capture('dhcp6-deep', frame(MAX_DHCP6_RELAY_DEPTH * 40));
    expectEveryViewEnds(deep);
    const text = netlens(['read', '-v', deep]).stdout;
    expect(text).toContain(' [|dhcp6]');
    expect(text.split('relay-fwd').length - 1).toBe(MAX_DHCP6_RELAY_DEPTH + 1);
    if (tcpdump) {
      const bound = capture('dhcp6-bound', frame(MAX_DHCP6_RELAY_DEPTH));
      // From "dhcp6" on (the verbose IPv6 header before it is the current sources', see the README).
      const dhcp6Part = (t: string): string => t.slice(t.indexOf(' dhcp6 '));
      expect(dhcp6Part(netlens(['read', '--no-annotate', '-tt', '-v', bound]).stdout)).toBe(dhcp6Part(tcpdumpText(bound, ['-v'])));
    }
  });
  it(`RESP arrays in arrays 16,000 deep: ends at [|resp] after ${MAX_RESP_DEPTH}; up to it, tcpdump's text`, () => {
    const resp = (n: number): Buffer => Buffer.from('*1\r\n'.repeat(n) + '$2\r\nok\r\n');
    const deep = capture('resp-deep', ether(ipv4(6, tcpSeg(6379, resp(16000)))));
    expectEveryViewEnds(deep);
    const text = netlens(['read', deep]).stdout;
    expect(text).toMatch(/RESP \[\|resp\]$/m);
    if (tcpdump) {
      const bound = capture('resp-bound', ether(ipv4(6, tcpSeg(6379, resp(MAX_RESP_DEPTH)))));
      expect(netlens(['read', '--no-annotate', '-tt', bound]).stdout).toBe(tcpdumpText(bound, []));
    }
  });
  it('SNMP with ASN.1 sequences nested 10,000 deep: every view ends, and -v prints what tcpdump does', () => {
    // A sequence of a sequence of … with long-form lengths, inside a GetRequest's variable bindings.
    let inner = Buffer.from([0x05, 0x00]); // NULL
    for (let i = 0; i < 10000; i++) inner = Buffer.concat([Buffer.from([0x30, 0x82, inner.length >> 8, inner.length & 0xff]), inner]);
    inner = inner.subarray(0, 60000);
    const tlv = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type, 0x82, body.length >> 8, body.length & 0xff]), body]);
    const pdu = tlv(0xa0, Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]), tlv(0x30, inner)]));
    const msg = tlv(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x00, 0x04, 0x06]), Buffer.from('public'), pdu]));
    const path = capture('snmp-deep', ether(ipv4(17, udp(40000, 161, msg))));
    expectEveryViewEnds(path);
    if (tcpdump) for (const f of [[], ['-v']]) expect(netlens(['read', '--no-annotate', '-tt', ...f, path]).stdout).toBe(tcpdumpText(path, f));
  });
});
