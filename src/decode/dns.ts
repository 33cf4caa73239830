/**
 * DNS messages (RFC 1035) over UDP: header fields and names. Names are read
 * with compression pointers followed at most 64 times, so a pointer loop ends
 * instead of spinning (the dns-zlip corpus case). Reading names builds
 * strings, so only views call readName; skipName, readQuestion and readRecord
 * walk the sections without allocating (their results are fields of the view).
 */
import { u16be, u32be } from '../bytes.js';

/** tcpdump's ns_type2str (print-domain.c, current sources): the names its lines use. */
const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12:
  'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22:
  'NSAP', 23: 'NSAP_PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32:
  'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO', 57: 'RKEY', 58: 'TALINK', 59: 'CDS', 60:
  'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO', 101:
  'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249:
  'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 258:
  'AVC', 259: 'DOA', 260: 'AMTRELAY', 32768: 'TA', 32769: 'DLV',
};
export function dnsTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `Type${t}`;
}

const MAX_POINTERS = 64;

/** Whether buf[off, end) starts with a DNS header whose QR bit says response (no allocation). */
export function dnsIsResponse(buf: Buffer, off: number, end: number): boolean {
  return end - off >= 12 && (buf[off + 2]! & 0x80) !== 0;
}

export class DnsView {
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  end = 0;
  id = 0;
  flags = 0;
  qdcount = 0;
  ancount = 0;
  nscount = 0;
  arcount = 0;

  reset(buf: Buffer, off: number, end: number): boolean {
    this.buf = buf;
    this.off = off;
    this.end = end;
    if (end - off < 12) return false;
    this.id = u16be(buf, off);
    this.flags = u16be(buf, off + 2);
    this.qdcount = u16be(buf, off + 4);
    this.ancount = u16be(buf, off + 6);
    this.nscount = u16be(buf, off + 8);
    this.arcount = u16be(buf, off + 10);
    return true;
  }

  get isResponse(): boolean { return (this.flags & 0x8000) !== 0; }
  get opcode(): number { return (this.flags >>> 11) & 0xf; }
  get aa(): boolean { return (this.flags & 0x0400) !== 0; }
  get tc(): boolean { return (this.flags & 0x0200) !== 0; }
  get rd(): boolean { return (this.flags & 0x0100) !== 0; }
  get ra(): boolean { return (this.flags & 0x0080) !== 0; }
  get ad(): boolean { return (this.flags & 0x0020) !== 0; }
  get cd(): boolean { return (this.flags & 0x0010) !== 0; }
  get rcode(): number { return this.flags & 0xf; }

  /** The fixed part of the question or record last read: type, class, TTL (records), and the record's data [rdOff, rdOff + rdLen). */
  rrType = 0;
  rrClass = 0;
  rrTtl = 0;
  rdOff = 0;
  rdLen = 0;

  /** The offset after the name at p (a pointer ends it), or -1 when the message ends first. No allocation. */
  skipName(p: number): number {
    const b = this.buf;
    for (let labels = 0; labels < 128; labels++) {
      if (p >= this.end) return -1;
      const len = b[p]!;
      if (len === 0) return p + 1;
      if ((len & 0xc0) === 0xc0) return p + 2 <= this.end ? p + 2 : -1;
      if ((len & 0xc0) !== 0) return -1;
      p += 1 + len;
    }
    return -1;
  }

  /** The question at p (its name skipped): sets rrType and rrClass; the offset after it, or -1. */
  readQuestion(p: number): number {
    const q = this.skipName(p);
    if (q < 0 || q + 4 > this.end) return -1;
    this.rrType = u16be(this.buf, q);
    this.rrClass = u16be(this.buf, q + 2);
    return q + 4;
  }

  /** The resource record at p (its name skipped): sets rrType, rrClass, rrTtl, rdOff, rdLen; the offset after it, or -1 when it is cut. */
  readRecord(p: number): number {
    const q = this.skipName(p);
    if (q < 0 || q + 10 > this.end) return -1;
    const b = this.buf;
    this.rrType = u16be(b, q);
    this.rrClass = u16be(b, q + 2);
    this.rrTtl = u32be(b, q + 4);
    this.rdLen = u16be(b, q + 8);
    this.rdOff = q + 10;
    return this.rdOff + this.rdLen <= this.end ? this.rdOff + this.rdLen : -1;
  }

  /** Reads a (possibly compressed) name at p. Returns null when it runs out of bytes or loops. */
  readName(p: number): { name: string; next: number } | null {
    const b = this.buf;
    let name = '';
    let next = -1;
    let jumps = 0;
    for (;;) {
      if (p >= this.end) return null;
      const len = b[p]!;
      if (len === 0) { if (next < 0) next = p + 1; break; }
      if ((len & 0xc0) === 0xc0) {
        if (p + 1 >= this.end) return null;
        if (next < 0) next = p + 2;
        if (++jumps > MAX_POINTERS) return null;
        p = this.off + (((len & 0x3f) << 8) | b[p + 1]!);
        continue;
      }
      if ((len & 0xc0) !== 0) return null; // extended label types are not decoded
      if (p + 1 + len > this.end) return null;
      for (let i = p + 1; i <= p + len; i++) {
        const c = b[i]!;
        name += c > 0x20 && c < 0x7f && c !== 0x2e && c !== 0x5c ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
      }
      name += '.';
      if (name.length > 1024) return null;
      p += 1 + len;
    }
    return { name: name === '' ? '.' : name, next };
  }
}
