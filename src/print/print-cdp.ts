/** CDP, the Cisco Discovery Protocol (print-cdp.c), inside SNAP. */
import { u16be, u32be } from '../bytes.js';
import { ipv4At, ipv6At } from '../encode/addr.js';
import { hex2, hexWithOffset, printChar } from './util.js';

/** print-cdp.c's TLV names and the lengths it accepts (-1: any). */
const CDP_TLVS: Record<number, [string, number, number]> = {
  0x01: ['Device-ID', -1, -1], 0x02: ['Address', -1, -1], 0x03: ['Port-ID', -1, -1], 0x04: ['Capability', 4, 4], 0x05: ['Version String', -1, -1],
  0x06: ['Platform', -1, -1], 0x07: ['Prefixes', -1, -1], 0x08: ['Protocol-Hello option', -1, -1], 0x09: ['VTP Management Domain', -1, -1],
  0x0a: ['Native VLAN ID', 2, 2], 0x0b: ['Duplex', 1, 1], 0x0e: ['ATA-186 VoIP VLAN assignment', 3, 3], 0x0f: ['ATA-186 VoIP VLAN request', 2, 3],
  0x10: ['power consumption', 1, 3], 0x11: ['MTU', 4, 4], 0x12: ['AVVID trust bitmap', 1, 1], 0x13: ['AVVID untrusted ports CoS', 1, 1],
  0x14: ['System Name', -1, -1], 0x15: ['System Object ID (not decoded)', -1, -1], 0x16: ['Management Addresses', 4, -1], 0x17: ['Physical Location', 1, -1],
};

/**
 * cdp_print: `CDPv2, ttl: 180s, Device-ID 'R1'`, the bytes of every other TLV,
 * `, length N`; under -v the checksum and every TLV decoded on its own line.
 */
export function cdpText(b: Buffer, p: number, end: number, length: number, verbose: number): string {
  if (length < 4) return ` (packet length ${length} < 4) (invalid)`;
  if (p + 4 > end) return ' [|cdp]';
  let s = `CDPv${b[p]}, ttl: ${b[p + 1]}s`;
  if (verbose > 0) s += `, checksum: 0x${u16be(b, p + 2).toString(16).padStart(4, '0')} (unverified), length ${length}`;
  let q = p + 4, rest = length - 4;
  while (rest > 0) {
    if (rest < 4) return s + ` (remaining packet length ${rest} < 4) (invalid)`;
    if (q + 4 > end) return s + ' [|cdp]';
    const type = u16be(b, q);
    let len = u16be(b, q + 2);
    const info = CDP_TLVS[type];
    const name = info?.[0] ?? 'unknown field type';
    if (len < 4) {
      return s + (verbose > 0 ? `\n\t${name} (0x${hex2(type)}), TLV length: ${len} byte${len === 1 ? '' : 's'} (too short) (invalid)` : `, ${name} TLV length ${len} too short (invalid)`);
    }
    if (len > rest) return s + ` (TLV length ${len} > ${rest}) (invalid)`;
    q += 4; rest -= 4; len -= 4;
    if (verbose === 0 && type === 1) s += ', Device-ID ';
    else if (verbose > 0) s += `\n\t${name} (0x${hex2(type)}), value length: ${len} byte${len === 1 ? '' : 's'}: `;
    let covered = false;
    if (info !== undefined) {
      if ((info[1] > 0 && len < info[1]) || (info[2] > 0 && len > info[2])) s += ' (malformed TLV)';
      else if (verbose > 0 || type === 1) {
        const v = cdpValue(b, type, q, len, end);
        s += v.text;
        if (v.cut) return s + ' [|cdp]';
        covered = true;
      }
    }
    if (!covered) {
      if (q + len > end) return s + ' [|cdp]';
      s += hexWithOffset(b, q, q + len, '\n\t  ');
    }
    q += len; rest -= len;
  }
  return verbose < 1 ? s + `, length ${length}` : s;
}

/** The value printers of print-cdp.c's TLV table; `cut` where the capture ends inside the value. */
function cdpValue(b: Buffer, type: number, q: number, len: number, end: number): { text: string; cut: boolean } {
  const chars = (from: number, n: number): { text: string; cut: boolean } => {
    let t = '';
    for (let i = from; i < from + n; i++) { if (i >= end) return { text: t, cut: true }; t += printChar(b[i]!); }
    return { text: t, cut: false };
  };
  const need = (n: number): boolean => q + n <= end;
  switch (type) {
    case 0x01: case 0x03: case 0x06: case 0x09: case 0x14: {
      const c = chars(q, len);
      return { text: `'${c.text}${c.cut ? '' : "'"}`, cut: c.cut };
    }
    case 0x02: case 0x16: return cdpAddresses(b, q, len, end);
    case 0x04: {
      if (!need(4)) return { text: '', cut: true };
      const v = u32be(b, q);
      const names = [[1, 'Router'], [2, 'Transparent Bridge'], [4, 'Source Route Bridge'], [8, 'L2 Switch'], [0x10, 'L3 capable'], [0x20, 'IGMP snooping'], [0x40, 'L1 capable']]
        .filter(([bit]) => (v & (bit as number)) !== 0).map(([, n]) => n);
      return { text: `(0x${v.toString(16).padStart(8, '0')}): ${names.length === 0 ? 'none' : names.join(', ')}`, cut: false };
    }
    case 0x05: {
      let t = '\n\t  ';
      for (let i = q; i < q + len; i++) {
        if (i >= end) return { text: t, cut: true };
        t += b[i] === 0x0a ? '\n\t  ' : printChar(b[i]!);
      }
      return { text: t, cut: false };
    }
    case 0x07: {
      if (len % 5) return { text: ` [length ${len} is not a multiple of 5]`, cut: !need(len) };
      let t = ` IPv4 Prefixes (${len / 5}):`;
      for (let i = q; i < q + len; i += 5) {
        if (i + 5 > end) return { text: t, cut: true };
        t += ` ${b[i]}.${b[i + 1]}.${b[i + 2]}.${b[i + 3]}/${b[i + 4]}`;
      }
      return { text: t, cut: false };
    }
    case 0x0a: return need(2) ? { text: String(u16be(b, q)), cut: false } : { text: '', cut: true };
    case 0x0b: return need(1) ? { text: b[q] ? 'full' : 'half', cut: false } : { text: '', cut: true };
    case 0x0e: case 0x0f:
      if (!need(len)) return { text: '', cut: true };
      return { text: len === 2 ? `unknown 0x${u16be(b, q).toString(16).padStart(4, '0')}` : `app ${b[q]}, vlan ${u16be(b, q + 1)}`, cut: false };
    case 0x10: {
      if (!need(len)) return { text: '', cut: true };
      const v = len === 1 ? b[q]! : len === 2 ? u16be(b, q) : (b[q]! << 16) | u16be(b, q + 1);
      return { text: `${(v / 1000).toFixed(2)}W`, cut: false };
    }
    case 0x11: return need(4) ? { text: `${u32be(b, q)} bytes`, cut: false } : { text: '', cut: true };
    case 0x12: case 0x13: return need(1) ? { text: `0x${hex2(b[q]!)}`, cut: false } : { text: '', cut: true };
    case 0x17: {
      if (!need(1)) return { text: '', cut: true };
      let t = `0x${hex2(b[q]!)}`;
      if (len > 1) { const c = chars(q + 1, len - 1); return { text: t + '/' + c.text, cut: c.cut }; }
      return { text: t, cut: false };
    }
    default: return { text: '', cut: !need(len) }; // no printer: the bytes are only checked
  }
}

/** cdp_print_addr: `IPv4 (1) 10.0.0.1`, `IPv6 (1) …`, or the raw protocol and address bytes. */
function cdpAddresses(b: Buffer, q: number, l: number, end: number): { text: string; cut: boolean } {
  const invalid = (t: string): { text: string; cut: boolean } => ({ text: t, cut: q + l > end });
  if (l < 4) return invalid(' (not enough space for num)');
  if (q + 4 > end) return { text: '', cut: true };
  let num = u32be(b, q);
  q += 4; l -= 4;
  let t = '';
  while (num) {
    if (l < 2) return invalid(t + ' (not enough space for PT+PL)');
    if (q + 2 > end) return { text: t, cut: true };
    const pt = b[q]!, pl = b[q + 1]!;
    q += 2; l -= 2;
    if (l < pl + 2) return invalid(t + ' (not enough space for P+AL)');
    if (q + pl + 2 > end) return { text: t, cut: true };
    const al = u16be(b, q + pl);
    const ipv6Proto = pl === 8 && b.toString('hex', q, q + 8) === 'aaaa0300000086dd';
    if (pt === 1 && pl === 1 && b[q] === 0xcc && al === 4) {
      q += pl + 2; l -= pl + 2;
      if (l < al) return invalid(t + ' (not enough space for A)');
      if (q + 4 > end) return { text: t, cut: true };
      t += `IPv4 (${num}) ${ipv4At(b, q)}`;
      q += al; l -= al;
    } else if (pt === 2 && ipv6Proto && al === 16) {
      q += pl + 2; l -= pl + 2;
      if (l < al) return invalid(t + ' (not enough space for A)');
      if (q + 16 > end) return { text: t, cut: true };
      t += `IPv6 (${num}) ${ipv6At(b, q)}`;
      q += al; l -= al;
    } else {
      t += `pt=0x${hex2(pt)}, pl=${pl}, pb=`;
      for (let i = 0; i < pl; i++) t += ` ${hex2(b[q + i]!)}`;
      q += pl; l -= pl;
      t += `, al=${al}, a=`;
      q += 2; l -= 2;
      if (l < al) return invalid(t + ' (not enough space for A)');
      for (let i = 0; i < al; i++) { if (q + i >= end) return { text: t, cut: true }; t += ` ${hex2(b[q + i]!)}`; }
      q += al; l -= al;
    }
    num--;
    if (num) t += ' ';
  }
  if (l) t += ` (${l} bytes of stray data)`;
  return { text: t, cut: false };
}
