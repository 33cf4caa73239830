/**
 * Community ID v1 (github.com/corelight/community-id-spec, community-id.py):
 * "1:" + base64(SHA-1(seed ‖ saddr ‖ daddr ‖ proto ‖ 0 ‖ sport ‖ dport)),
 * every field in network byte order, seed 2 bytes, the endpoints ordered so
 * the smaller address (then port) comes first. ICMP and ICMPv6 map type and
 * code to ports as Zeek's ICMP4_counterpart/ICMP6_counterpart do: a type with
 * a counterpart (echo ↔ reply, …) is the source port and the counterpart the
 * destination port; any other type is one-way, its code the destination
 * port, and its endpoints are never reordered.
 *
 * A SHA-1 per packet would cost more than decoding it: a conversation's ID is
 * computed once and kept on the Connection (connCommunityId), and the
 * packets of flows the tracker does not keep (ICMP) go through a small cache
 * keyed by the flow (packetCommunityId).
 */
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Connection } from '../track/tcp/connection.js';
import { u32be } from '../bytes.js';

/** ICMPv4 types with a counterpart (Zeek's ICMP4_counterpart): echo, timestamp, information, router, mask. */
const ICMP4_COUNTERPART = new Map<number, number>([
  [8, 0], [0, 8], [13, 14], [14, 13], [15, 16], [16, 15], [10, 9], [9, 10], [17, 18], [18, 17],
]);
/**
 * ICMPv6 types with a counterpart (ICMP6_counterpart): echo, router and neighbour
 * discovery, MLD query/report, node information query/response, home agent address discovery.
 */
const ICMP6_COUNTERPART = new Map<number, number>([
  [128, 129], [129, 128], [133, 134], [134, 133], [135, 136], [136, 135],
  [130, 131], [131, 130], [139, 140], [140, 139], [144, 145], [145, 144],
]);

/** The ports an ICMP message stands for: [sport, dport, oneWay]. */
export function icmpPorts(v6: boolean, type: number, code: number): [number, number, boolean] {
  const other = (v6 ? ICMP6_COUNTERPART : ICMP4_COUNTERPART).get(type);
  return other === undefined ? [type, code, true] : [type, other, false];
}

/** The hash input: at most 2 + 16 + 16 + 2 + 4 bytes, padded to SHA-1's one 64-byte block. */
const input = new Uint8Array(64);
const W = new Int32Array(80);
const H = new Int32Array(5);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * SHA-1 (FIPS 180-4) of input's first n bytes, n ≤ 55: one block, into H.
 * Node's createHash costs an object and a native call per hash, more than the
 * rest of a packet's record; a conversation's first packet pays this.
 */
function sha1Block(n: number): void {
  const b = input;
  b.fill(0, n);
  b[n] = 0x80;
  b[62] = (n * 8) >>> 8; b[63] = (n * 8) & 0xff;
  for (let i = 0; i < 16; i++) W[i] = (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
  for (let i = 16; i < 80; i++) { const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!; W[i] = (x << 1) | (x >>> 31); }
  const h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476, h4 = 0xc3d2e1f0 | 0;
  let a = h0, bb = h1, c = h2, d = h3, e = h4;
  for (let i = 0; i < 80; i++) {
    let f: number, k: number;
    if (i < 20) { f = (bb & c) | (~bb & d); k = 0x5a827999; }
    else if (i < 40) { f = bb ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (bb & c) | (bb & d) | (c & d); k = 0x8f1bbcdc | 0; }
    else { f = bb ^ c ^ d; k = 0xca62c1d6 | 0; }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
    e = d; d = c; c = (bb << 30) | (bb >>> 2); bb = a; a = t;
  }
  H[0] = (a + h0) | 0; H[1] = (bb + h1) | 0; H[2] = (c + h2) | 0; H[3] = (d + h3) | 0; H[4] = (e + h4) | 0;
}

/** Byte k of the digest in H. */
function digestByte(k: number): number {
  return (H[k >> 2]! >>> (24 - 8 * (k & 3))) & 0xff;
}

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
/** "1:" and the digest's base64, written here and read out as one string (no string per group). */
const text = Buffer.alloc(30, '1:', 'latin1');

/** "1:" and the 20 bytes of H in base64 (28 characters, the last '='). */
function digestText(): string {
  let o = 2;
  // 20 bytes: six 3-byte groups, then 2 bytes and the padding.
  for (let g = 0; g < 20; g += 3) {
    const x = (digestByte(g) << 16) | (digestByte(g + 1) << 8) | (g + 2 < 20 ? digestByte(g + 2) : 0);
    text[o] = B64_CODES[x >>> 18]!; text[o + 1] = B64_CODES[(x >>> 12) & 63]!; text[o + 2] = B64_CODES[(x >>> 6) & 63]!;
    text[o + 3] = g + 2 < 20 ? B64_CODES[x & 63]! : 61; // '='
    o += 4;
  }
  return text.toString('latin1', 0, 30);
}

/** Hashes counted (tests: a known flow costs none). */
export const communityIdStats = { hashes: 0 };

/**
 * The Community ID of a flow. `addr` holds side A's address in words 0-3 and
 * side B's in 4-7 (IPv4 in words 3 and 7), as Connection.addr does; `hasPorts`
 * is false for protocols without ports (then the ports are not hashed).
 */
export function communityId(seed: number, v6: boolean, proto: number, addr: ArrayLike<number>, sport: number, dport: number,
  oneWay = false, hasPorts = true): string {
  let flip = false;
  if (!oneWay) {
    let cmp = 0;
    for (let i = v6 ? 0 : 3; i < 4 && cmp === 0; i++) {
      const a = addr[i]! >>> 0, b = addr[4 + i]! >>> 0;
      cmp = a < b ? -1 : a > b ? 1 : 0;
    }
    // community-id.py's is_lt: the smaller address first; equal addresses, the smaller port.
    flip = !(cmp < 0 || (cmp === 0 && sport < dport));
  }
  const b = input;
  b[0] = seed >>> 8; b[1] = seed;
  let o = 2;
  for (let side = 0; side < 2; side++) {
    const base = (side === 0) !== flip ? 0 : 4;
    for (let i = v6 ? 0 : 3; i < 4; i++) {
      const w = addr[base + i]!;
      b[o] = w >>> 24; b[o + 1] = w >>> 16; b[o + 2] = w >>> 8; b[o + 3] = w;
      o += 4;
    }
  }
  b[o++] = proto;
  b[o++] = 0;
  if (hasPorts) {
    const p = flip ? dport : sport, q = flip ? sport : dport;
    b[o] = p >>> 8; b[o + 1] = p; b[o + 2] = q >>> 8; b[o + 3] = q;
    o += 4;
  }
  sha1Block(o);
  communityIdStats.hashes++;
  return digestText();
}

/** A conversation's Community ID, computed on first use and kept on the Connection (for this seed). */
export function connCommunityId(c: Connection, seed: number): string {
  if (c.communityIdSeed !== seed || c.communityId === '') {
    c.communityId = communityId(seed, c.v6, c.proto, c.addr, c.port[0]!, c.port[1]!);
    c.communityIdSeed = seed;
  }
  return c.communityId;
}

/** Slots of the packet cache (direct-mapped by a hash of the flow). */
const SLOTS = 256;
/** Per slot: v6, proto, oneWay, sport, dport, seed, then the 8 address words. */
const KEY = 14;
const keys = new Int32Array(SLOTS * KEY).fill(-1);
const ids: string[] = new Array<string>(SLOTS).fill('');
const flowAddr = new Int32Array(8);

/**
 * The Community ID of an ICMP or ICMPv6 packet (the flows the tracker does not
 * keep), or null for anything else. A flow seen again takes its ID from the
 * cache: no hash per packet.
 */
export function packetCommunityId(d: PacketDecoder, seed: number): string | null {
  if ((d.l4 !== IpProto.ICMP && d.l4 !== IpProto.ICMPv6) || d.icmp.error !== null || d.laterFragment) return null;
  const v6 = d.ipVersion === 6;
  if (!v6 && d.ipVersion !== 4) return null;
  const a = flowAddr;
  if (v6) {
    const b = d.ip6.buf, s = d.ip6.keySrcOff, t = d.ip6.keyDstOff;
    for (let i = 0; i < 4; i++) { a[i] = u32be(b, s + 4 * i) | 0; a[4 + i] = u32be(b, t + 4 * i) | 0; }
  } else {
    a[0] = 0; a[1] = 0; a[2] = 0xffff; a[3] = d.ip4.src | 0;
    a[4] = 0; a[5] = 0; a[6] = 0xffff; a[7] = d.ip4.dst | 0;
  }
  const type = d.icmp.type, code = d.icmp.code;
  const other = (v6 ? ICMP6_COUNTERPART : ICMP4_COUNTERPART).get(type);
  const oneWay = other === undefined;
  const sport = type, dport = oneWay ? code : other;
  const proto = d.l4;
  let h = Math.imul((v6 ? 1 : 0) ^ (proto << 1) ^ (sport << 9) ^ (dport << 17) ^ seed, 0x9e3779b1);
  for (let i = v6 ? 0 : 3; i < 8; i++) h = Math.imul(h ^ a[i]!, 0x85ebca6b) ^ (h >>> 15);
  const slot = (h >>> 8) & (SLOTS - 1);
  const k = slot * KEY;
  let hit = keys[k] === (v6 ? 1 : 0) && keys[k + 1] === proto && keys[k + 2] === (oneWay ? 1 : 0)
    && keys[k + 3] === sport && keys[k + 4] === dport && keys[k + 5] === seed;
  for (let i = 0; hit && i < 8; i++) hit = keys[k + 6 + i] === a[i];
  if (hit) return ids[slot]!;
  const id = communityId(seed, v6, proto, a, sport, dport, oneWay);
  keys[k] = v6 ? 1 : 0; keys[k + 1] = proto; keys[k + 2] = oneWay ? 1 : 0;
  keys[k + 3] = sport; keys[k + 4] = dport; keys[k + 5] = seed;
  for (let i = 0; i < 8; i++) keys[k + 6 + i] = a[i]!;
  ids[slot] = id;
  return id;
}

/** A --community-id-seed value: a whole number that fits the spec's 16 bits. */
export const MAX_COMMUNITY_ID_SEED = 0xffff;
