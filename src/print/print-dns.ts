/**
 * DNS as tcpdump prints it (print-domain.c): the header, then every question
 * of a query or the answers of a response. -v adds each record's owner name,
 * -vv the question of a response and the authority and additional sections,
 * -vvv the TTLs. Over UDP (ports 53 and 5353, mDNS) and TCP (port 53, after
 * the two-byte length). A message cut short ends with ` [|domain]` and no
 * length, as tcpdump's truncation does. Names are escaped (safeText), strings
 * go through fn_print_char.
 */
import { u16be, u32be } from '../bytes.js';
import { DnsView, dnsTypeName } from '../decode/dns.js';
import { ipv4At, ipv6At, safeText } from '../encode/addr.js';
import type { ByteSink } from '../encode/sink.js';
import { hexBytes, printn, relativeTime } from './util.js';

const RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone'];
const OPS = ['', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7', ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef'];

const EDNS_OPTIONS: Readonly<Record<number, string>> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'ECS', 9: 'EXPIRE', 10: 'COOKIE', 11: 'KEEPALIVE',
  12: 'PADDING', 13: 'CHAIN', 14: 'KEY-TAG', 16: 'CLIENT-TAG', 17: 'SERVER-TAG',
};

/** ns_class2str: the classes print-domain.c names (IN is never printed). */
function dnsClassText(cls: number): string {
  return cls === 3 ? ' CHAOS' : cls === 4 ? ' HS' : cls === 255 ? ' ANY' : ` (Class ${cls})`;
}

/**
 * The DNS printer of one print context: the message being printed (`view`,
 * which the caller resets onto it) and how (mDNS, -v), written into `out`.
 */
export class DnsPrinter {
  readonly view = new DnsView();
  /** Port 5353: the top bit of the class is the QU or cache-flush flag. */
  private mdns = false;
  private verbose = 0;

  constructor(private readonly out: ByteSink) {}

  /** The message `view` was reset onto, `length` bytes long: its summary, then ` (length)`. */
  print(length: number, mdns: boolean, verbose: number): void {
    const dns = this.view, out = this.out;
    this.mdns = mdns;
    this.verbose = verbose;
    let p = dns.off + 12;
    if (dns.isResponse) {
      out.text(`${dns.id}${OPS[dns.opcode]}${RCODES[dns.rcode] ?? ` Resp${dns.rcode}`}${dns.aa ? '*' : ''}${dns.ra ? '' : '-'}${dns.tc ? '|' : ''}${dns.ad ? '$' : ''}`);
      if (dns.qdcount !== 1) out.text(` [${dns.qdcount}q]`);
      for (let i = 0; i < dns.qdcount; i++) {
        if (i !== 0) out.text(',');
        if (verbose > 1) {
          out.text(' q:');
          p = this.question(p);
        } else {
          const n = dns.readName(p);
          p = n === null ? -1 : n.next + 4;
        }
        if (p < 0) return out.text(' [|domain]');
      }
      out.text(` ${dns.ancount}/${dns.nscount}/${dns.arcount}`);
      p = this.section(p, dns.ancount, '', false);
      if (p < 0) return out.text(' [|domain]');
      if (verbose > 1) {
        p = this.section(p, dns.nscount, ' ns:', true);
        if (p >= 0) p = this.section(p, dns.arcount, ' ar:', true);
        if (p < 0) return out.text(' [|domain]');
      }
    } else {
      out.text(`${dns.id}${OPS[dns.opcode]}${dns.rd ? '+' : ''}${dns.cd ? '%' : ''}`);
      const b2 = dns.flags & 0xffff;
      if (b2 & 0x6cf) out.text(` [b2&3=0x${b2.toString(16)}]`);
      if (dns.opcode === 1) { // IQUERY
        if (dns.qdcount) out.text(` [${dns.qdcount}q]`);
        if (dns.ancount !== 1) out.text(` [${dns.ancount}a]`);
      } else {
        if (dns.ancount) out.text(` [${dns.ancount}a]`);
        if (dns.qdcount !== 1) out.text(` [${dns.qdcount}q]`);
      }
      if (dns.nscount) out.text(` [${dns.nscount}n]`);
      if (dns.arcount) out.text(` [${dns.arcount}au]`);
      for (let i = 0; i < dns.qdcount; i++) {
        if (i > 0 && p >= dns.end) return out.text(' [|domain]');
        p = this.question(p);
        if (p < 0) return out.text(' [|domain]');
      }
      if (verbose > 1) {
        p = this.section(p, dns.ancount, '', false);
        if (p >= 0) p = this.section(p, dns.nscount, ' ns:', true);
        if (p >= 0) p = this.section(p, dns.arcount, ' ar:', true);
        if (p < 0) return out.text(' [|domain]');
      }
    }
    out.text(` (${length})`);
  }

  /** ns_qprint: ` TYPE[ class][ (QU|QM)]? name`; the offset after it, or -1 when cut. */
  private question(p: number): number {
    const dns = this.view, b = dns.buf;
    const n = dns.readName(p);
    if (n === null || n.next + 4 > dns.end) return -1;
    const cls = u16be(b, n.next + 2);
    const plain = this.mdns ? cls & 0x7fff : cls;
    this.out.text(` ${dnsTypeName(u16be(b, n.next))}${plain !== 1 ? dnsClassText(plain) : ''}${this.mdns ? ((cls & 0x8000) !== 0 ? ' (QU)' : ' (QM)') : ''}? ${safeText(n.name)}`);
    return n.next + 4;
  }

  /**
   * One section of records, comma-separated after `label`; -1 when the message
   * is cut (tcpdump's `goto trunc`). `guarded`: the authority and additional
   * sections start only while bytes remain.
   */
  private section(p: number, count: number, label: string, guarded: boolean): number {
    const end = this.view.end;
    if (count === 0 || (guarded && p >= end)) return count === 0 ? p : -1;
    this.out.text(label);
    p = this.record(p);
    if (p < 0) return -1;
    count--;
    while (p < end && count > 0) {
      this.out.text(',');
      p = this.record(p);
      if (p < 0) return -1;
      count--;
    }
    return count > 0 ? -1 : p;
  }

  /**
   * ns_rprint: one record, `[ owner][ class] TYPE rdata` (the owner under -v);
   * the offset after it, -1 when cut, or the end when its fixed part is missing
   * (tcpdump then prints nothing more of the section).
   */
  private record(p: number): number {
    const dns = this.view, b = dns.buf, out = this.out;
    let n: { name: string; next: number } | null;
    if (this.verbose > 0) {
      out.text(' ');
      n = dns.readName(p);
      if (n === null) return -1;
      out.text(safeText(n.name));
    } else {
      n = dns.readName(p);
      if (n === null) return dns.end;
    }
    if (n.next + 10 > dns.end) return dns.end;
    const type = u16be(b, n.next);
    const cls = u16be(b, n.next + 2);
    const plain = this.mdns ? cls & 0x7fff : cls;
    if (plain !== 1 && type !== 41) out.text(dnsClassText(plain));
    if (this.mdns && (cls & 0x8000) !== 0) out.text(' (Cache flush)');
    if (type !== 41 && this.verbose > 2) out.text(` [${relativeTime(u32be(b, n.next + 4))}]`);
    const rdlen = u16be(b, n.next + 8);
    const rd = n.next + 10;
    const rdEnd = rd + rdlen;
    out.text(' ' + dnsTypeName(type));
    if (rdEnd > dns.end) return -1;
    switch (type) {
      case 1: if (rd + 4 > dns.end) return -1; out.text(' ' + ipv4At(b, rd)); break;
      case 28: if (rd + 16 > dns.end) return -1; out.text(' ' + ipv6At(b, rd)); break;
      case 2: case 5: case 12: case 39: {
        out.text(' ');
        const t = dns.readName(rd);
        if (t === null) return -1;
        out.text(safeText(t.name));
        break;
      }
      case 6: { // SOA, under -v: mname rname serial refresh retry expire minimum
        if (this.verbose === 0) break;
        out.text(' ');
        const m = dns.readName(rd);
        if (m === null) return -1;
        out.text(safeText(m.name) + ' ');
        const r = dns.readName(m.next);
        if (r === null) return -1;
        out.text(safeText(r.name));
        if (r.next + 20 > dns.end) return -1;
        for (let k = 0; k < 5; k++) out.text(` ${u32be(b, r.next + 4 * k)}`);
        break;
      }
      case 15: {
        out.text(' ');
        const t = rdlen >= 2 ? dns.readName(rd + 2) : null;
        if (t === null) return -1;
        out.text(`${safeText(t.name)} ${u16be(b, rd)}`);
        break;
      }
      case 16: // TXT: each character-string quoted (bounded by the capture, as ns_cprint is)
        for (let q = rd; q < rdEnd;) {
          const l = b[q]!;
          out.text(' "');
          if (q + 1 + l > dns.end) return -1;
          out.text(`${printn(b, q + 1, q + 1 + l)}"`);
          q += 1 + l;
        }
        break;
      case 33: { // SRV: target:port priority weight
        out.text(' ');
        const t = rdlen >= 6 ? dns.readName(rd + 6) : null;
        if (t === null) return -1;
        out.text(`${safeText(t.name)}:${u16be(b, rd + 4)} ${u16be(b, rd)} ${u16be(b, rd + 2)}`);
        break;
      }
      case 41: { // OPT (RFC 6891): the UDP payload size is the class, DO is the top flag bit
        out.text(` UDPsize=${cls}`);
        if (u16be(b, n.next + 6) & 0x8000) out.text(' DO');
        if (rd < rdEnd) {
          out.text(' [');
          for (let q = rd; q < rdEnd;) {
            q = this.ednsOption(b, q);
            if (q < 0) return -1;
            if (q < rdEnd) out.text(',');
          }
          out.text(']');
        }
        break;
      }
      default: break;
    }
    return rdEnd;
  }

  /** eopt_print: `NAME data`, for the options print-domain.c knows. */
  private ednsOption(b: Buffer, q: number): number {
    const end = this.view.end, out = this.out;
    if (q + 4 > end) return -1;
    const code = u16be(b, q), len = u16be(b, q + 2);
    out.text(EDNS_OPTIONS[code] ?? `Opt${code}`);
    const d0 = q + 4;
    if (d0 + len > end) return -1;
    if (len === 0) return d0;
    out.text(' ');
    switch (code) {
      case 8: { // ECS: family/source length/scope length
        const family = u16be(b, d0), src = b[d0 + 2]!, scope = b[d0 + 3]!;
        const bits = family === 1 ? 32 : family === 2 ? 128 : 0;
        if (len < 4 || bits === 0 || len - 4 > bits / 8 || src > bits || scope > bits || ((src + 7) >> 3) !== len - 4) { out.text(' (invalid)'); break; }
        const padded = Buffer.alloc(16);
        b.copy(padded, 0, d0 + 4, d0 + len);
        out.text(`${family === 1 ? ipv4At(padded, 0) : ipv6At(padded, 0)}/${src}/${scope}`);
        break;
      }
      case 10: // COOKIE: the client's 8 bytes, then the server's
        if (len < 8 || (len > 8 && len < 16) || len > 40) out.text(' (invalid)');
        else out.text(hexBytes(b, d0, d0 + 8) + (len > 8 ? ' ' + hexBytes(b, d0 + 8, d0 + len) : ''));
        break;
      case 11: out.text(len !== 2 ? ' (invalid)' : `${(u16be(b, d0) / 10).toFixed(1)} sec`); break;
      case 9: out.text(len !== 4 ? ' (invalid)' : `${u32be(b, d0)} sec`); break;
      case 12: out.text(`(${len})`); break;
      case 14: {
        if (len % 2 !== 0) { out.text(' (invalid)'); break; }
        let tags = '';
        for (let k = d0; k < d0 + len; k += 2) tags += (k === d0 ? '' : ' ') + u16be(b, k);
        out.text(tags);
        break;
      }
      default: out.text(hexBytes(b, d0, d0 + len)); break;
    }
    return d0 + len;
  }
}
