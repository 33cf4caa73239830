/**
 * BOOTP and DHCP (RFC 951, 2131, 2132; print-bootp.c), UDP ports 67 and 68:
 * `BOOTP/DHCP, Request from 02:00:00:00:00:01, length 300`; under -v the
 * header fields and every option (rfc1048_print), each on its own line.
 * ` [|bootp]` where the capture ends.
 */
import { u16be, u32be } from '../bytes.js';
import { ipv4At, macAt } from '../encode/addr.js';
import { Cut, printUntilCut } from './truncation.js';
import { hexColons, hexWithOffset, printChar } from './util.js';

/**
 * `BOOTP/DHCP, Request from 02:00:00:00:00:01, length 300`; under -v the header
 * fields and every option (print-bootp.c, rfc1048_print), each on its own line.
 */
export function bootpText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  const out = { s: '' };
  return printUntilCut('bootp', out, () => bootpFields(b, off, capEnd, length, verbose, out));
}

function bootpFields(b: Buffer, off: number, capEnd: number, length: number, verbose: number, out: { s: string }): void {
  const u8 = (at: number): number => { if (off + at >= capEnd) throw new Cut(); return b[off + at]!; };
  const u16 = (at: number): number => (u8(at) << 8) | u8(at + 1);
  const u32 = (at: number): number => ((u16(at) << 16) | u16(at + 2)) >>> 0;
  const ip = (at: number): string => { u8(at + 3); return ipv4At(b, off + at); };
  const op = u8(0);
  out.s = `BOOTP/DHCP, ${op === 1 ? 'Request' : op === 2 ? 'Reply' : `unknown (0x${op.toString(16).padStart(2, '0')})`}`;
  const htype = u8(1), hlen = u8(2);
  if (htype === 1 && hlen === 6 && op === 1) { u8(33); out.s += ` from ${macAt(b, off + 28)}`; }
  out.s += `, length ${length}`;
  if (verbose === 0) return;
  u8(9);
  if (htype !== 1) out.s += `, htype ${htype}`;
  if (htype !== 1 || hlen !== 6) out.s += `, hlen ${hlen}`;
  if (u8(3)) out.s += `, hops ${u8(3)}`;
  if (u32(4)) out.s += `, xid 0x${u32(4).toString(16)}`;
  if (u16(8)) out.s += `, secs ${u16(8)}`;
  const flags = u16(10);
  out.s += `, Flags [${flags & 0x8000 ? 'Broadcast' : 'none'}]`;
  if (verbose > 1) out.s += ` (0x${flags.toString(16).padStart(4, '0')})`;
  if (u32(12)) out.s += `\n\t  Client-IP ${ip(12)}`;
  if (u32(16)) out.s += `\n\t  Your-IP ${ip(16)}`;
  if (u32(20)) out.s += `\n\t  Server-IP ${ip(20)}`;
  if (u32(24)) out.s += `\n\t  Gateway-IP ${ip(24)}`;
  if (htype === 1 && hlen === 6) { u8(33); out.s += `\n\t  Client-Ethernet-Address ${macAt(b, off + 28)}`; }
  for (const [at, size, label] of [[44, 64, 'sname'], [108, 128, 'file']] as const) {
    if (u8(at) === 0) continue;
    out.s += `\n\t  ${label} "`;
    let n = 0;
    for (; n < size && off + at + n < capEnd; n++) {
      const c = b[off + at + n]!;
      if (c === 0) break;
      out.s += printChar(c);
    }
    if (n === size || off + at + n >= capEnd) { out.s += '"'; throw new Cut(); }
    out.s += '"';
  }
  const cookie = u32(236);
  if (cookie === 0x63825363) rfc1048(b, off + 240, capEnd, verbose, out);
  else if (cookie !== 0) out.s += cookie === 0x434d5500 ? '' : `\n\t  Vendor-#0x${cookie.toString(16)}`;
}

/** print-bootp.c's tag2str: the first character is how the value prints. */
const DHCP_OPTIONS: Record<number, string> = {
  0: ' PAD', 1: 'iSubnet-Mask', 2: 'LTime-Zone', 3: 'iDefault-Gateway', 4: 'iTime-Server', 5: 'iIEN-Name-Server', 6: 'iDomain-Name-Server',
  7: 'iLOG', 8: 'iCS', 9: 'iLPR-Server', 10: 'iIM', 11: 'iRL', 12: 'aHostname', 13: 'sBS', 255: ' END', 14: 'aDP', 15: 'aDomain-Name',
  16: 'iSS', 17: 'aRP', 18: 'aEP', 19: 'BIPF', 20: 'BSRT', 21: 'pPF', 22: 'sRSZ', 23: 'bTTL', 24: 'lMTU-Timeout', 25: 'sMTU-Table',
  26: 'sMTU', 27: 'BLSN', 28: 'iBR', 29: 'BMD', 30: 'BMS', 31: 'BRouter-Discovery', 32: 'iRSA', 33: 'pStatic-Route', 34: 'BUT', 35: 'lAT',
  36: 'BIE', 37: 'bTT', 38: 'lKI', 39: 'BKG', 40: 'aYD', 41: 'iYS', 42: 'iNTP', 43: 'bVendor-Option', 44: 'iNetbios-Name-Server',
  45: 'iWDD', 46: '$Netbios-Node', 47: 'aNetbios-Scope', 48: 'iXFS', 49: 'iXDM', 64: 'sN+D', 65: 'iN+S', 68: 'iMH', 69: 'iSMTP',
  70: 'iPOP3', 71: 'iNNTP', 72: 'iWWW', 73: 'iFG', 74: 'iIRC', 75: 'iSTS', 76: 'iSTDA', 50: 'iRequested-IP', 51: 'lLease-Time',
  52: '$OO', 66: 'aTFTP', 67: 'aBF', 53: ' DHCP-Message', 54: 'iServer-ID', 55: 'bParameter-Request', 56: 'aMSG', 57: 'sMSZ',
  58: 'lRN', 59: 'lRB', 60: 'aVendor-Class', 61: '$Client-ID', 98: 'aUAP', 116: 'BNOAUTO', 78: 'bSLP-DA', 79: 'bSLP-SCOPE',
  117: 'sNSSEARCH', 77: '$User-Class', 118: 'iSUBNET', 121: '$Classless-Static-Route', 249: '$Classless-Static-Route-Microsoft',
  150: 'iTFTP-Server-Address', 80: 'aSLP-NA', 81: '$FQDN', 82: '$Agent-Information', 83: 'bARMT', 88: 'aTZSTR', 89: 'bFQDNS',
  90: 'bAUTH', 91: 'LLast-Transaction-Time', 92: 'iAssociated-IP', 93: 'sARCH', 94: 'bNDI', 97: 'bGUID', 95: 'aLDAP',
  100: 'aPOSIX-TZ', 101: 'aTZ-Name', 112: 'iNI', 113: 'aNITAG', 114: 'aURL', 161: 'aMUD-URL',
};
const DHCP_MESSAGES = ['', 'Discover', 'Offer', 'Request', 'Decline', 'ACK', 'NACK', 'Release', 'Inform', '', 'LeaseQuery', 'LeaseUnassigned', 'LeaseUnknown', 'LeaseActive'];
const AGENT_SUBOPTIONS: Record<number, string> = { 1: 'Circuit-ID', 2: 'Remote-ID', 6: 'Subscriber-ID' };
const HARDWARE_TYPES: Record<number, string> = { 1: 'ether', 6: 'ieee802', 7: 'arcnet', 15: 'frelay', 23: 'strip', 24: 'ieee1394' };

/** rfc1048_print: the DHCP options after the magic cookie at `p`. */
function rfc1048(b: Buffer, p: number, capEnd: number, verbose: number, out: { s: string }): void {
  const u8 = (at: number): number => { if (at >= capEnd) throw new Cut(); return b[at]!; };
  const text = (at: number, n: number): void => { // nd_printn in quotes
    out.s += '"';
    for (let i = 0; i < n; i++) { if (at + i >= capEnd) { out.s += '"'; throw new Cut(); } out.s += printChar(b[at + i]!); }
    out.s += '"';
  };
  out.s += `\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x63825363`;
  while (p < capEnd) {
    const tag = b[p++]!;
    if (tag === 0 && verbose < 3) continue;
    if (tag === 255 && verbose < 3) return;
    const entry = DHCP_OPTIONS[tag] ?? '?Unknown';
    let c = entry[0]!;
    const name = entry.slice(1);
    let len = 0;
    if (tag !== 0 && tag !== 255) len = u8(p++);
    out.s += `\n\t    ${name} (${tag}), length ${len}${len > 0 ? ': ' : ''}`;
    if (tag === 0 && verbose > 2) {
      let n = 1;
      while (p < capEnd && b[p] === 0) { p++; n++; }
      if (n > 1) out.s += `, occurs ${n}`;
    }
    if (p + len > capEnd) throw new Cut();
    if (tag === 53 && len === 1) { out.s += DHCP_MESSAGES[b[p]!] || `Unknown (${b[p]})`; p++; continue; }
    if (tag === 55) {
      for (let i = 0; i < len; i++) {
        const inner = b[p + i]!;
        out.s += i % 4 === 0 ? '\n\t      ' : ', ';
        out.s += `${(DHCP_OPTIONS[inner] ?? '?Unknown').slice(1)} (${inner})`;
      }
      p += len;
      continue;
    }
    if (c === '?') c = len & 1 ? 'b' : len & 2 ? 's' : 'l';
    const end = p + len;
    let first = true;
    const sep = (x: string): void => { if (!first) out.s += x; first = false; };
    switch (c) {
      case 'a': text(p, len); p = end; break;
      case 'i': case 'l': case 'L':
        for (; end - p >= 4; p += 4) { sep(','); out.s += c === 'i' ? ipv4At(b, p) : c === 'L' ? String(b.readInt32BE(p)) : String(u32be(b, p)); }
        break;
      case 'p':
        for (; end - p >= 8; p += 8) { sep(','); out.s += `(${ipv4At(b, p)}:${ipv4At(b, p + 4)})`; }
        break;
      case 's':
        for (; end - p >= 2; p += 2) { sep(','); out.s += String(u16be(b, p)); }
        break;
      case 'B':
        for (; p < end; p++) { sep(','); const v = b[p]!; out.s += v === 0 ? 'N' : v === 1 ? 'Y' : `${v}?`; }
        break;
      case '$':
        p = specialOption(b, tag, p, len, capEnd, out, text);
        break;
      default: // 'b', 'x': bytes
        for (; p < end; p++) { sep(c === 'x' ? ':' : '.'); out.s += c === 'x' ? b[p]!.toString(16).padStart(2, '0') : String(b[p]); }
        break;
    }
    if (p < end) { out.s += `\n\t  trailing data length ${end - p}`; p = end; }
  }
}

/** The options rfc1048_print decodes by hand; returns where it stopped reading. */
function specialOption(b: Buffer, tag: number, p: number, len: number, capEnd: number, out: { s: string }, text: (at: number, n: number) => void): number {
  const end = p + len;
  switch (tag) {
    case 46: case 52: {
      if (len < 1) { out.s += '[ERROR: length < 1 bytes]'; return p; }
      const v = b[p]!;
      const names: Record<number, string> = tag === 46 ? { 1: 'b-node', 2: 'p-node', 4: 'm-node', 8: 'h-node' } : { 1: 'file', 2: 'sname', 3: 'file+sname' };
      out.s += names[v] ?? '(null)';
      return p + 1;
    }
    case 81: {
      if (len < 3) { out.s += '[ERROR: length < 3 bytes]'; return end; }
      const f = b[p]!;
      if (f & 0xf0) out.s += `[ERROR: MBZ nibble 0x${((f & 0xf0) >> 4).toString(16)} != 0] `;
      if (f & 0x0f) out.s += `[${(f & 1 ? 'S' : '') + (f & 2 ? 'O' : '') + (f & 4 ? 'E' : '') + (f & 8 ? 'N' : '')}] `;
      if (b[p + 1] || b[p + 2]) out.s += `${b[p + 1]}/${b[p + 2]} `;
      text(p + 3, len - 3);
      return end;
    }
    case 61: {
      if (len < 1) { out.s += '[ERROR: length < 1 bytes]'; return p; }
      const type = b[p]!;
      if (type === 0) { text(p + 1, len - 1); return end; }
      out.s += HARDWARE_TYPES[type] !== undefined ? `${HARDWARE_TYPES[type]} ` : `hardware-type ${type}, `;
      out.s += hexColons(b, p + 1, end);
      return end;
    }
    case 82: {
      let q = p;
      while (end - q >= 2) {
        const sub = b[q]!, subLen = b[q + 1]!;
        q += 2;
        const subName = AGENT_SUBOPTIONS[sub] ?? 'Unknown';
        if (subLen > end - q) { out.s += `\n\t      ${subName} SubOption ${sub}, length ${subLen}: length goes past end of option`; return end; }
        out.s += `\n\t      ${subName} SubOption ${sub}, length ${subLen}: `;
        if (sub === 1 || sub === 2 || sub === 6) {
          for (let i = q; i < q + subLen; i++) { if (i >= capEnd) throw new Cut(); out.s += printChar(b[i]!); }
        } else {
          out.s += hexWithOffset(b, q, q + subLen, '\n\t\t');
        }
        q += subLen;
      }
      return q;
    }
    case 121: case 249: {
      if (len < 5) { out.s += '[ERROR: length < 5 bytes]'; return end; }
      let q = p;
      let first = true;
      while (q < end) {
        if (!first) out.s += ',';
        first = false;
        const width = b[q++]!;
        if (width > 32) { out.s += `[ERROR: Mask width (${width}) > 32]`; return end; }
        const octets = (width + 7) >> 3;
        if (end - q < octets + 4) { out.s += `[ERROR: Remaining length (${end - q}) < ${octets + 4} bytes]`; return end; }
        out.s += '(';
        if (width === 0) out.s += 'default';
        else {
          const parts: string[] = [];
          for (let i = 0; i < 4; i++) parts.push(i < octets ? String(b[q + i]) : '0');
          out.s += `${parts.join('.')}/${width}`;
        }
        out.s += `:${ipv4At(b, q + octets)})`;
        q += octets + 4;
      }
      return q;
    }
    case 77: {
      if (len < 2) { out.s += '[ERROR: length < 2 bytes]'; return end; }
      let q = p;
      for (let n = 1; q < end; n++) {
        const subLen = b[q++]!;
        out.s += `\n\t      instance#${n}: `;
        if (subLen === 0) { out.s += '[ERROR: suboption length must be non-zero]'; return end; }
        if (end - q < subLen) { out.s += '[ERROR: invalid option]'; return end; }
        text(q, subLen);
        out.s += `, length ${subLen}`;
        q += subLen;
      }
      return q;
    }
    default:
      out.s += `[unknown special tag ${tag}, size ${len}]`;
      return end;
  }
}
