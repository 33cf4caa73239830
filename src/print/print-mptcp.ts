/**
 * Multipath TCP options (RFC 8684, option kind 30) as tcpdump prints them in
 * a TCP line's options (print-mptcp.c): ` <len> <subtype>` and the subtype's
 * fields: `mptcp 12 capable v1 {0x…}`, `mptcp 20 dss ack 1 seq 1 subseq 1 len 10`,
 * `mptcp 12 join id 0 token 0x… nonce 0x…`, add-addr, rem-addr, prio, fail,
 * fast-close. A length the subtype does not allow (for the segment's flags)
 * makes tcpdump end the options at `[bad opt]`; printMptcp then says so.
 */
import { ipv4At, ipv6At } from '../encode/addr.js';
import type { ByteSink } from '../encode/sink.js';
import { hexBytes } from './util.js';

const SUBTYPES = ['capable', 'join', 'dss', 'add-addr', 'rem-addr', 'prio', 'fail', 'fast-close', 'unknown'];
const ADDR_ECHO: Record<number, string> = { 0x6: 'v0-ip6', 0x4: 'v0-ip4', 0x1: 'v1-echo', 0x0: 'v1' };
const SYN = 0x02, ACK = 0x10;

/**
 * mptcp_print: the option at b[p] (kind, length, …) of `len` bytes, all
 * captured, written into `out`; `flags` are the segment's TCP flags. False
 * when its length does not fit its subtype (the caller prints `[bad opt]`).
 */
export function printMptcp(out: ByteSink, b: Buffer, p: number, len: number, flags: number): boolean {
  const status = { bad: false };
  out.text(mptcpText(b, p, len, flags, status));
  return !status.bad;
}

function mptcpText(b: Buffer, p: number, len: number, flags: number, status: { bad: boolean }): string {
  if (len < 3) { status.bad = true; return ''; }
  const subtype = Math.min(b[p + 2]! >> 4, 8);
  let s = ` ${len} ${SUBTYPES[subtype]}`;
  const u16 = (at: number): number => (b[p + at]! << 8) | b[p + at + 1]!;
  const u32 = (at: number): number => ((u16(at) << 16) | u16(at + 2)) >>> 0;
  const u64 = (at: number): bigint => (BigInt(u32(at)) << 32n) | BigInt(u32(at + 4));
  const hex64 = (at: number): string => '0x' + u64(at).toString(16);
  const bad = (): string => { status.bad = true; return s; };
  switch (subtype) {
    case 0: { // capable
      if (!(((len === 12 || len === 4) && (flags & SYN)) || ((len === 20 || len === 22) && (flags & (SYN | ACK)) === ACK))) return bad();
      const version = b[p + 2]! & 0xf;
      if (version > 1) return s + ` Unknown Version (${version})`;
      s += ` v${version}`;
      if (b[p + 3]! & 0x80) s += ' csum';
      if (len === 12 || len >= 20) s += ` {${hex64(4)}${len >= 20 ? ',' + hex64(12) : ''}}`;
      return s;
    }
    case 1: { // join
      if (!((len === 12 && (flags & SYN)) || (len === 16 && (flags & (SYN | ACK)) === (SYN | ACK)) || (len === 24 && (flags & ACK)))) return bad();
      if (len !== 24) {
        if (b[p + 2]! & 1) s += ' backup';
        s += ` id ${b[p + 3]}`;
      }
      if (len === 12) s += ` token 0x${u32(4).toString(16)} nonce 0x${u32(8).toString(16)}`;
      else if (len === 16) s += ` hmac ${hex64(4)} nonce 0x${u32(12).toString(16)}`;
      else {
        s += ' hmac 0x' + hexBytes(b, p + 4, p + 24);
      }
      return s;
    }
    case 2: { // dss
      if (len < 4 || (flags & SYN)) return bad();
      const f = b[p + 3]!;
      if (f & 0x10) s += ' fin';
      let q = 4, left = len - 4;
      if (f & 0x01) { // data ACK: 8 bytes with 'a', else 4
        s += ' ack ';
        const n = f & 0x02 ? 8 : 4;
        if (left < n) return bad();
        s += n === 8 ? u64(q).toString() : String(u32(q));
        q += n; left -= n;
      }
      if (f & 0x04) { // mapping: DSN (8 bytes with 'm'), subflow seq, data-level length, checksum if there
        s += ' seq ';
        const n = f & 0x08 ? 8 : 4;
        if (left < n) return bad();
        s += n === 8 ? u64(q).toString() : String(u32(q));
        q += n; left -= n;
        if (left < 4) return bad();
        s += ` subseq ${u32(q)}`;
        q += 4; left -= 4;
        if (left < 2) return bad();
        s += ` len ${u16(q)}`;
        q += 2; left -= 2;
        if (left >= 2) { s += ` csum 0x${u16(q).toString(16)}`; left -= 2; }
      }
      return left !== 0 ? bad() : s;
    }
    case 3: { // add-addr
      if (![8, 10, 16, 18, 20, 22, 28, 30].includes(len)) return bad();
      s += ` ${ADDR_ECHO[b[p + 2]! & 0xf] ?? '[bad version/echo]'} id ${b[p + 3]}`;
      if (len <= 18) {
        s += ` ${ipv4At(b, p + 4)}`;
        if (len === 10 || len === 18) s += `:${u16(8)}`;
        if (len === 16) s += ` hmac ${hex64(8)}`;
        if (len === 18) s += ` hmac ${hex64(10)}`;
      } else {
        s += ` ${ipv6At(b, p + 4)}`;
        if (len === 22 || len === 30) s += `:${u16(20)}`;
        if (len === 28) s += ` hmac ${hex64(20)}`;
        if (len === 30) s += ` hmac ${hex64(22)}`;
      }
      return s;
    }
    case 4: { // rem-addr
      if (len < 4) return bad();
      s += ' id';
      for (let i = 0; i < len - 3; i++) s += ` ${b[p + 3 + i]}`;
      return s;
    }
    case 5: // prio
      if (len !== 3 && len !== 4) return bad();
      s += b[p + 2]! & 1 ? ' backup' : ' non-backup';
      if (len === 4) s += ` id ${b[p + 3]}`;
      return s;
    case 6: // fail
      return len !== 12 ? bad() : s + ` seq ${u64(4).toString()}`;
    case 7: // fast-close
      return len !== 12 ? bad() : s + ` key ${hex64(4)}`;
    default:
      return s;
  }
}
