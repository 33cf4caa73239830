/**
 * The short protocols tcpdump names on a line of their own, in its words:
 * IGMP (print-igmp.c), and over UDP NTP (print-ntp.c), BOOTP/DHCP
 * (print-bootp.c) and syslog (print-syslog.c). Each reads only the bytes the
 * capture holds; where tcpdump would read past them it prints ` [|proto]`, and
 * so do these. Under -v each shows what tcpdump's -v shows.
 */
import { u16be, u32be } from '../bytes.js';
import { foldComplement, onesSum } from '../decode/checksum.js';
import { ipv4At, ipv6At, macAt } from '../encode/addr.js';
import { dhcp6Text } from './print-dhcp6.js';
import { radiusText } from './print-radius.js';
import { snmpText } from './print-snmp.js';
import { Cut, printUntilCut } from './truncation.js';
import { printChar, relativeTime } from './verbose.js';

/**
 * Which of tcpdump's UDP printers takes a datagram between these ports: the
 * first match in print-udp.c's order (4.99), by tcpdump's names. netlens
 * prints domain, mdns, tftp, bootp, snmp, ntp, dhcp6, radius, sip, syslog, vxlan and geneve; a
 * datagram another printer would take keeps "UDP, length N", never the text
 * of a printer further down the list.
 */
export function udpPortPrinter(sport: number, dport: number): string | null {
  const is = (p: number): boolean => sport === p || dport === p;
  if (is(53)) return 'domain';
  if (is(5353)) return 'mdns';
  if (is(525)) return 'timed';
  if (is(69)) return 'tftp';
  if (is(67) || is(68)) return 'bootp';
  if (is(520)) return 'rip';
  if (is(654)) return 'aodv';
  if (is(500) || is(4500) || is(7500) || is(8500)) return 'isakmp';
  if (is(161) || is(162)) return 'snmp';
  if (is(123)) return 'ntp';
  if (is(88) || is(750)) return 'krb';
  if (is(1701)) return 'l2tp';
  if (is(137) || is(138)) return 'nbt';
  if (dport === 3456) return 'vat';
  if (is(2103) || is(2104)) return 'zephyr';
  if ((sport >= 7000 && sport <= 7009) || (dport >= 7000 && dport <= 7009)) return 'rx';
  if (is(521)) return 'ripng';
  if (is(546) || is(547)) return 'dhcp6';
  if (is(5359)) return 'ahcp';
  if (is(6696) || is(6697)) return 'babel';
  if (is(8231)) return 'hncp';
  if (dport === 4567) return 'wb';
  if (is(496)) return 'autorp';
  if (is(1645) || is(1812) || is(1646) || is(1813) || is(1700) || is(3799)) return 'radius';
  if (dport === 1985) return 'hsrp';
  if (is(921)) return 'lwres';
  if (is(646)) return 'ldp';
  if (is(698)) return 'olsr';
  if (is(3503)) return 'lspping';
  if (sport === 49152) return 'bcm-li';
  if (dport === 3784 || dport === 4784 || dport === 6784 || dport === 3785) return 'bfd';
  if (is(701)) return 'lmp';
  if (is(1589)) return 'vqp';
  if (is(6343)) return 'sflow';
  if (is(12223)) return 'lwapp';
  if (is(12222)) return 'lwapp';
  if (is(5060)) return 'sip';
  if (is(514)) return 'syslog';
  if (is(8472)) return 'otv';
  if (is(4789)) return 'vxlan';
  if (is(6081)) return 'geneve';
  if (is(4342)) return 'lisp';
  if (is(4790)) return 'vxlan-gpe';
  if (is(17754)) return 'zep';
  if (is(6635)) return 'mpls';
  if (is(319) || is(320)) return 'ptp';
  if (is(30490)) return 'someip';
  return null;
}

/** The UDP printers of this module, by udpPortPrinter's name. */
export const UDP_PRINTERS: Readonly<Record<string, (b: Buffer, off: number, capEnd: number, length: number, verbose: number) => string>> = {
  bootp: bootpText, ntp: ntpText, syslog: syslogText, dhcp6: dhcp6Text, tftp: tftpText, radius: radiusText, snmp: snmpText,
};

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

/**
 * `NTPv4, Client, length 48`; under -v the leap indicator, stratum, poll,
 * precision, root delay and dispersion, reference ID, the four timestamps and
 * the originator's differences (print-ntp.c), or a control message's header.
 */
function ntpText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  if (off >= capEnd) return ' [|ntp]';
  const status = b[off]!;
  const mode = status & 7;
  const head = `NTPv${(status >> 3) & 7}, ${NTP_MODES[mode]}, length ${length}`;
  if (verbose === 0) return head;
  const out = { s: `${head}\n\tLeap indicator: ${['', '+1s', '-1s', 'clock unsynchronized'][status >> 6]} (${status & 0xc0})` };
  return printUntilCut('ntp', out, () => {
    if (mode <= 5) ntpTime(b, off, capEnd, length, out);
    else if (mode === 6) ntpControl(b, off, capEnd, length, out);
  });
}

const JAN_1970 = 2208988800;

/** p_ntp_time: `3803454789.123456789 (2020-07-09T12:33:09Z)`. */
function ntpTimestamp(int: number, frac: number): string {
  const f = Math.trunc((frac / 4294967296.0) * 1000000000.0);
  let s = `${int}.${String(f).padStart(9, '0')}`;
  if (int !== 0) s += ` (${new Date((int - JAN_1970) * 1000).toISOString().slice(0, 19)}Z)`;
  return s;
}

/** p_ntp_delta: the signed difference of two timestamps, or the second when the first is zero. */
function ntpDelta(ou: number, ouf: number, u: number, uf: number): string {
  if (ou === 0 && ouf === 0) return ntpTimestamp(u, uf);
  let sign: string, i: number, f: number;
  if (u > ou) { sign = '+'; i = u - ou; f = (uf - ouf) >>> 0; if (ouf > uf) i -= 1; }
  else if (u < ou) { sign = '-'; i = ou - u; f = (ouf - uf) >>> 0; if (uf > ouf) i -= 1; }
  else { i = 0; if (uf > ouf) { sign = '+'; f = uf - ouf; } else { sign = '-'; f = ouf - uf; } }
  return `${sign}${i >>> 0}.${String(Math.trunc((f / 4294967296.0) * 1000000000.0)).padStart(9, '0')}`;
}

function ntpTime(b: Buffer, off: number, capEnd: number, length: number, out: { s: string }): void {
  if (length < 48) { out.s += ' (invalid)'; if (off + length > capEnd) throw new Cut(); return; }
  const need = (n: number): void => { if (off + n > capEnd) throw new Cut(); };
  need(4);
  const stratum = b[off + 1]!;
  const poll = b.readInt8(off + 2), precision = b.readInt8(off + 3);
  out.s += `, Stratum ${stratum} (${stratum === 0 ? 'unspecified' : stratum === 1 ? 'primary reference' : stratum >= 2 && stratum <= 15 ? 'secondary reference' : 'reserved'})`;
  out.s += `, poll ${poll}`;
  if (poll > -32 && poll < 32) out.s += poll >= 0 ? ` (${2 ** poll}s)` : ` (1/${2 ** -poll}s)`;
  out.s += `, precision ${precision}`;
  const sfix = (at: number): string => `${u16be(b, at)}.${String(Math.trunc((u16be(b, at + 2) / 65536.0) * 1000000.0)).padStart(6, '0')}`;
  need(8);
  out.s += `\n\tRoot Delay: ${sfix(off + 4)}`;
  need(12);
  out.s += `, Root dispersion: ${sfix(off + 8)}`;
  need(16);
  out.s += ', Reference-ID: ';
  if (stratum === 0) out.s += '(unspec)';
  else if (stratum === 1) for (let i = off + 12; i < off + 16; i++) out.s += printChar(b[i]!);
  else if (stratum === 62) { out.s += `${ipv4At(b, off + 12)} INFO_QUERY`; return; }
  else if (stratum === 63) { out.s += `${ipv4At(b, off + 12)} INFO_REPLY`; return; }
  else out.s += `0x${u32be(b, off + 12).toString(16).padStart(8, '0')}`;
  const labels = ['Reference Timestamp:  ', 'Originator Timestamp: ', 'Receive Timestamp:    ', 'Transmit Timestamp:   '];
  for (let k = 0; k < 4; k++) {
    need(24 + 8 * k);
    out.s += `\n\t  ${labels[k]}${ntpTimestamp(u32be(b, off + 16 + 8 * k), u32be(b, off + 20 + 8 * k))}`;
  }
  const org = [u32be(b, off + 24), u32be(b, off + 28)] as const;
  out.s += `\n\t    Originator - Receive Timestamp:  ${ntpDelta(org[0], org[1], u32be(b, off + 32), u32be(b, off + 36))}`;
  out.s += `\n\t    Originator - Transmit Timestamp: ${ntpDelta(org[0], org[1], u32be(b, off + 40), u32be(b, off + 44))}`;
  if (length === 52) { need(52); out.s += `\n\tKey id: ${u32be(b, off + 48)}`; }
  else if (length === 68 || length === 72) {
    need(52);
    out.s += `\n\tKey id: ${u32be(b, off + 48)}`;
    need(length);
    out.s += '\n\tAuthentication: ';
    for (let i = off + 52; i < off + length; i += 4) out.s += u32be(b, i).toString(16).padStart(8, '0');
  } else if (length > 48) out.s += `\n\t(${length - 48} more bytes after the header)`;
}

function ntpControl(b: Buffer, off: number, capEnd: number, length: number, out: { s: string }): void {
  if (length < 12) { out.s += ' (invalid)'; if (off + length > capEnd) throw new Cut(); return; }
  if (off + 12 > capEnd) throw new Cut();
  const c = b[off + 1]!;
  out.s += `, ${c & 0x80 ? 'Response' : 'Request'}, ${c & 0x40 ? 'Error' : 'OK'}, ${c & 0x20 ? 'More' : 'Last'}, OpCode=${c & 0x1f}\n`;
  const status = u16be(b, off + 4);
  out.s += `\tSequence=${u16be(b, off + 2)}, Status=${status === 0 ? '0' : `0x${status.toString(16)}`}, Assoc.=${u16be(b, off + 6)}, Offset=${u16be(b, off + 8)}`;
  const count = u16be(b, off + 10);
  out.s += `, Count=${count}`;
  if (12 + count > length) { out.s += ' (invalid)'; if (off + length > capEnd) throw new Cut(); return; }
  if (count !== 0) { if (off + 12 + count > capEnd) throw new Cut(); out.s += '\n\tTO-BE-DONE: data not interpreted'; }
}

/**
 * `BOOTP/DHCP, Request from 02:00:00:00:00:01, length 300`; under -v the header
 * fields and every option (print-bootp.c, rfc1048_print), each on its own line.
 */
function bootpText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
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
      const parts: string[] = [];
      for (let i = p + 1; i < end; i++) parts.push(b[i]!.toString(16).padStart(2, '0'));
      out.s += parts.join(':');
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
          for (let i = q, n = 0; i < q + subLen; i++, n++) {
            if (n % 16 === 0) out.s += `\n\t\t0x${n.toString(16).padStart(4, '0')}: `;
            if (n % 2 === 0) out.s += ' ';
            out.s += b[i]!.toString(16).padStart(2, '0');
          }
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

const SYSLOG_FACILITIES = ['kernel', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const SYSLOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** `SYSLOG local0.info, length: 42`; under -v the facility, severity and message on lines of their own. */
function syslogText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
  let p = off;
  const at = (i: number): number => (i < capEnd ? b[i]! : -1);
  if (at(p) < 0) return ' [|syslog]';
  if (at(p) !== 0x3c) return ' (invalid)';
  p++;
  let pri = 0;
  while (p - off <= 3 && at(p) >= 0x30 && at(p) <= 0x39) { pri = pri * 10 + at(p) - 0x30; p++; }
  if (at(p) < 0) return ' [|syslog]';
  if (at(p) !== 0x3e) return ' (invalid)';
  p++;
  const facility = (pri & 0x3f8) >> 3, severity = pri & 7;
  const fac = SYSLOG_FACILITIES[facility] ?? `unknown (${facility})`, sev = SYSLOG_SEVERITIES[severity]!;
  if (verbose < 1) return `SYSLOG ${fac}.${sev}, length: ${length}`;
  let s = `SYSLOG, length: ${length}\n\tFacility ${fac} (${facility}), Severity ${sev} (${severity})\n\tMsg: `;
  const end = off + length;
  for (let i = p; i < end; i++) {
    if (i >= capEnd) return s + ' [|syslog]';
    s += printChar(b[i]!);
  }
  if (verbose > 1) {
    for (let i = off, n = 0; i < Math.min(end, capEnd); i++, n++) {
      if (n % 16 === 0) s += `\n\t0x${n.toString(16).padStart(4, '0')}: `;
      if (n % 2 === 0) s += ' ';
      s += b[i]!.toString(16).padStart(2, '0');
    }
  }
  return s;
}

const IGMPV3_RECORDS: Record<number, string> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

/** print-igmp.c: queries (v1, v2, v3), reports (v1, v2, v3), leaves; -q prints `igmp` alone. */
export function igmpText(b: Buffer, off: number, capEnd: number, len: number, verbose: number, quick: boolean): string {
  if (quick) return 'igmp';
  const have = (n: number): boolean => off + n <= capEnd;
  if (!have(1)) return ' [|igmp]';
  let s: string;
  const addr = (at: number): string | null => (have(at + 4) ? ipv4At(b, off + at) : null);
  const type = b[off]!;
  switch (type) {
    case 0x11: {
      s = 'igmp query';
      if (len >= 12) {
        s += ' v3';
        if (len < 12 || (len & 3)) { s += ` [invalid len ${len}]`; break; }
        if (!have(12)) return s + ' [|igmp]';
        const mrc = b[off + 1]!;
        const mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
        if (mrc !== 100) s += ` [max resp time ${mrt < 600 ? `${(mrt * 0.1).toFixed(1)}s` : relativeTime(Math.floor(mrt / 10))}]`;
        if (u32be(b, off + 4) === 0) break;
        s += ` [gaddr ${ipv4At(b, off + 4)}`;
        const sources = u16be(b, off + 10);
        if (sources > 0) {
          if (len < 12 + sources * 4) s += ' [invalid number of sources]';
          else if (verbose > 1) {
            s += ' {';
            for (let i = 0; i < sources; i++) { const a = addr(12 + 4 * i); if (a === null) return s + ' [|igmp]'; s += ` ${a}`; }
            s += ' }';
          } else s += `, ${sources} source(s)`;
        }
        s += ']';
      } else {
        if (!have(2)) return s + ' [|igmp]';
        if (b[off + 1]) {
          s += ' v2';
          if (b[off + 1] !== 100) s += ` [max resp time ${b[off + 1]}]`;
        } else s += ' v1';
        if (!have(8)) return s + ' [|igmp]';
        if (u32be(b, off + 4)) s += ` [gaddr ${ipv4At(b, off + 4)}]`;
        if (len !== 8) s += ` [len ${len}]`;
      }
      break;
    }
    case 0x12: case 0x16: case 0x17: {
      const a = addr(4);
      if (a === null) return ' [|igmp]'; // tcpdump reads the address before printing the words
      s = type === 0x17 ? `igmp leave ${a}` : `igmp v${type === 0x12 ? 1 : 2} report ${a}`;
      if (type === 0x12 && len !== 8) s += ` [len ${len}]`;
      break;
    }
    case 0x22: {
      s = 'igmp v3 report';
      if (len < 16 || (len & 3)) { s += ` [invalid len ${len}]`; break; }
      if (!have(8)) return s + ' [|igmp]';
      const groups = u16be(b, off + 6);
      s += `, ${groups} group record(s)`;
      if (verbose > 0) {
        let g = 8;
        for (let i = 0; i < groups; i++) {
          if (len < g + 8) { s += ' [invalid number of groups]'; break; }
          if (!have(g + 8)) return s + ' [|igmp]';
          s += ` [gaddr ${ipv4At(b, off + g + 4)} ${IGMPV3_RECORDS[b[off + g]!] ?? ` [v3-report-#${b[off + g]}]`}`;
          const sources = u16be(b, off + g + 2);
          if (len < g + 8 + sources * 4) { s += ` [invalid number of sources ${sources}]`; break; }
          if (verbose === 1) s += `, ${sources} source(s)`;
          else {
            s += ' {';
            for (let j = 0; j < sources; j++) { const a = addr(g + 8 + 4 * j); if (a === null) return s + ' [|igmp]'; s += ` ${a}`; }
            s += ' }';
          }
          g += 8 + sources * 4;
          s += ']';
        }
      }
      break;
    }
    default: s = `igmp-${type}`; break;
  }
  if (verbose > 0 && len >= 4 && off + len <= capEnd && foldComplement(onesSum(b, off, off + len)) !== 0) {
    s += ` bad igmp cksum ${u16be(b, off + 2).toString(16)}!`;
  }
  return s;
}

const OSPF_TYPES: Record<number, string> = { 1: 'Hello', 2: 'Database Description', 3: 'LS-Request', 4: 'LS-Update', 5: 'LS-Ack' };

/**
 * IP protocol 89: `OSPFv2, Hello, length 44` (print-ospf.c) or `OSPFv3, Hello,
 * length 40` (print-ospf6.c), tcpdump's line without -v. OSPFv2 with MD5
 * authentication counts its length without the 16-byte digest, as tcpdump
 * does. The -v detail (router and area IDs, hellos, LSAs) is not printed.
 */
export function ospfText(b: Buffer, off: number, capEnd: number, length: number, v6: boolean): string {
  const trunc = v6 ? ' [|ospf3]' : ' [|ospf2]';
  if (!v6) {
    if (off + 16 > capEnd) return trunc; // GET_BE_U_2(ospf_authtype) at offset 14
    if (u16be(b, off + 14) === 2) length -= 16;
  }
  if (off + 2 > capEnd) return trunc;
  const type = b[off + 1]!;
  const name = OSPF_TYPES[type] ?? (v6 ? `unknown packet type (${type})` : `unknown LS-type ${type}`);
  return `OSPFv${b[off]!}, ${name}, length ${length >>> 0}`;
}

/**
 * IP protocol 50 (print-esp.c, without decryption): `ESP(spi=0x00001234,seq=0x1),
 * length 116`; ` [|esp]` when the capture holds no more than the 8-byte header.
 */
export function espText(b: Buffer, off: number, capEnd: number, length: number): string {
  if (off + 8 >= capEnd) return ' [|esp]';
  return `ESP(spi=0x${u32be(b, off).toString(16).padStart(8, '0')},seq=0x${u32be(b, off + 4).toString(16)}), length ${length}`;
}

const VRRP_AUTH: Record<number, string> = { 0: 'none', 1: 'simple', 2: 'ah' };

/**
 * IP protocol 112 (print-vrrp.c): `VRRPv2, Advertisement, vrid 1, prio 100,
 * authtype none, intvl 1s, length 20` (VRRPv3: the interval in centiseconds),
 * `(ttl N)` when the IP TTL is not 255 as RFC 5798 requires; under -v the
 * checksum when wrong, the virtual addresses and a simple-text password.
 * `checksum` gives the packet's checksum result (0 right, > 0 wrong, < 0 not
 * checked), computed by the caller (VRRPv3 sums an IP pseudo-header).
 */
export function vrrpText(b: Buffer, off: number, capEnd: number, length: number, ttl: number, v6: boolean, verbose: number, checksum: (version: number) => number): string {
  const out = { s: 'VRRP' };
  return printUntilCut('vrrp', out, () => {
    const u8 = (at: number): number => { if (off + at >= capEnd) throw new Cut(); return b[off + at]!; };
    const version = u8(0) >> 4, type = u8(0) & 0x0f;
    out.s += `v${version}, ${type === 1 ? 'Advertisement' : `unknown type (${type})`}`;
    if (ttl !== 255) out.s += `, (ttl ${ttl})`;
    if (version < 2 || version > 3 || type !== 1) return;
    out.s += `, vrid ${u8(1)}, prio ${u8(2)}`;
    let auth = 0;
    if (version === 2) {
      auth = u8(4);
      out.s += `, authtype ${VRRP_AUTH[auth] ?? `#${auth}`}, intvl ${u8(5)}s, length ${length}`;
    } else {
      out.s += `, intvl ${((u8(4) & 0x0f) << 8) | u8(5)}cs, length ${length}`;
    }
    if (verbose === 0) return;
    const naddrs = u8(3);
    if (off + length <= capEnd && checksum(version) > 0) out.s += `, (bad vrrp cksum ${((u8(6) << 8) | u8(7)).toString(16)})`;
    out.s += ', addrs';
    if (naddrs > 1) out.s += `(${naddrs})`;
    out.s += ':';
    let p = 8, c = ' ';
    for (let i = 0; i < naddrs; i++) {
      const n = v6 ? 16 : 4;
      if (off + p + n > capEnd) throw new Cut();
      out.s += c + (v6 ? ipv6At(b, off + p) : ipv4At(b, off + p));
      p += n;
      c = ',';
    }
    if (version === 2 && auth === 1) { // nd_printjnp: up to 8 bytes, to the first NUL
      out.s += ' auth "';
      for (let i = 0; i < 8; i++) {
        const ch = u8(p + i);
        if (ch === 0) break;
        out.s += printChar(ch);
      }
      out.s += '"';
    }
  });
}

const TFTP_OPS = ['', 'RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'];
const TFTP_ERRORS = ['EUNDEF', 'ENOTFOUND', 'EACCESS', 'ENOSPACE', 'EBADOP', 'EBADID', 'EEXISTS', 'ENOUSER'];

/**
 * TFTP (print-tftp.c): `TFTP, length 20, RRQ "boot.img" octet blksize 1428`,
 * `DATA block 7`, `ACK block 7`, `ERROR ENOTFOUND "File not found"`, `OACK …`;
 * strings as nd_printztn prints them (to their NUL, bytes escaped), ` [|tftp]`
 * where one runs past the datagram or the capture.
 */
function tftpText(b: Buffer, off: number, capEnd: number, length: number): string {
  let s = `TFTP, length ${length}`;
  const trunc = ' [|tftp]';
  if (length < 2) return s + trunc;
  if (off + 2 > capEnd) return s + trunc;
  const op = u16be(b, off);
  const name = TFTP_OPS[op];
  if (name === undefined || name === '') return s + `, tftp-#${op}`;
  s += `, ${name}`;
  let p = off + 2, left = length - 2;
  /** nd_printztn: the string to its NUL; the bytes used, or 0 when it runs out first. */
  const string = (): number => {
    let used = 0;
    for (;;) {
      if (left - used === 0 || p + used >= capEnd) return 0;
      const c = b[p + used]!;
      used++;
      if (c === 0) return used;
      s += printChar(c);
    }
  };
  const strings = (): boolean => { // the options: each string, a space before it unless it is empty
    while (left !== 0) {
      if (p >= capEnd) throw new Cut();
      if (b[p] !== 0) s += ' ';
      const n = string();
      if (n === 0) return false;
      p += n; left -= n;
    }
    return true;
  };
  try {
    switch (op) {
      case 1: case 2: {
        if (left === 0) return s + trunc;
        s += ' "';
        let n = string();
        s += '"';
        if (n === 0) return s + trunc;
        p += n; left -= n;
        if (left === 0) return s + trunc; // no mode
        s += ' ';
        n = string();
        if (n === 0) return s + trunc;
        p += n; left -= n;
        return strings() ? s : s + trunc;
      }
      case 6: return strings() ? s : s + trunc;
      case 3: case 4:
        if (left < 2) return s + trunc;
        if (p + 2 > capEnd) throw new Cut();
        return s + ` block ${u16be(b, p)}`;
      default: { // 5: ERROR
        if (left < 2) return s + trunc;
        if (p + 2 > capEnd) throw new Cut();
        const code = u16be(b, p);
        s += ` ${TFTP_ERRORS[code] ?? `tftp-err-#${code} "`}`;
        p += 2; left -= 2;
        if (left === 0) return s + trunc;
        s += ' "';
        const n = string();
        s += '"';
        return n === 0 ? s + trunc : s;
      }
    }
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    return s + trunc;
  }
}
