/**
 * Link-layer protocols that switches speak, in tcpdump's words: IEEE 802.2
 * LLC frames after an 802.3 length field (print-llc.c), spanning tree BPDUs
 * inside them (print-stp.c: 802.1d, 802.1w, 802.1s), and LLDP (print-lldp.c).
 * Where tcpdump reads past the captured bytes it prints ` [|proto]`, and so
 * do these. SNAP, IPX and OSI frames are left to the caller (null).
 */
import { u16be, u32be } from '../bytes.js';
import { ipv4At, ipv6At, macAt } from '../encode/addr.js';
import { Cut, printUntilCut } from './truncation.js';
import { hexLines, printChar } from './verbose.js';


const SAP_NAMES: Record<number, string> = {
  0x00: 'Null', 0xff: 'Global', 0x02: '802.1B I', 0x03: '802.1B G', 0x06: 'IP', 0x04: 'SNA', 0x0e: 'ProWay NM', 0x42: 'STP',
  0x4e: 'RS511', 0x7e: 'ISO8208', 0x8e: 'ProWay', 0xaa: 'SNAP', 0xe0: 'IPX', 0xf0: 'NetBeui', 0xfe: 'OSI',
};
const U_COMMANDS: Record<number, string> = { 0x03: 'ui', 0xe3: 'test', 0xaf: 'xid', 0x63: 'ua', 0x43: 'disc', 0x0f: 'dm', 0x6f: 'sabme', 0x87: 'frmr' };
const LLC_FLAGS: Record<number, string> = { 0: 'Command', 1: 'Response', 0x10: 'Poll', 0x11: 'Final', 0x100: 'Poll', 0x101: 'Final' };

export interface LlcOptions { linkHeader: boolean; verbose: number; defaultDump: boolean }

/**
 * An 802.2 LLC frame at b[p, end) of `length` bytes (the 802.3 length, within
 * the frame): the text after the link-level header, or null for the kinds
 * netlens does not print (SNAP, IPX, IP and OSI SAPs). `src`/`dst`: the MAC
 * addresses, which tcpdump puts before an LLC it does not decode further.
 */
export function llcText(b: Buffer, p: number, end: number, length: number, src: string, dst: string, o: LlcOptions): string | null {
  const caplen = end - p;
  const dump = (): string => (o.defaultDump ? hexAsciiLines(b, p, end) : '');
  if (caplen < 3 || length < 3) return ' [|llc]' + dump();
  const dsapField = b[p]!, ssapField = b[p + 1]!;
  let control = b[p + 2]!;
  const isU = (control & 3) === 3;
  let hdrlen = 3;
  if (!isU) {
    if (caplen < 4 || length < 4) return ' [|llc]' + dump();
    control = b[p + 2]! | (b[p + 3]! << 8);
    hdrlen = 4;
  }
  if (ssapField === 0xff && dsapField === 0xff) return null; // Ethernet_802.3 IPX
  const dsap = dsapField & 0xfe, ssap = ssapField & 0xfe;
  if (dsap === ssap && (dsap === 0x06 || dsap === 0xe0 || dsap === 0xfe) && control === 3) return null;
  const snap = dsap === 0xaa && ssap === 0xaa && control === 3;
  if (snap && !snapPrintable(b, p + 3, end)) return null;
  let s = '';
  if (o.linkHeader) {
    s += `LLC, dsap ${SAP_NAMES[dsap] ?? 'Unknown'} (0x${hex2(dsap)}) ${dsapField & 1 ? 'Group' : 'Individual'}, ssap ${SAP_NAMES[ssap] ?? 'Unknown'} (0x${hex2(ssap)}) ${ssapField & 1 ? 'Response' : 'Command'}`;
    s += isU ? `, ctrl 0x${hex2(control)}: ` : `, ctrl 0x${control.toString(16).padStart(4, '0')}: `;
  }
  const body = p + hdrlen, bodyLength = length - hdrlen;
  if (snap) return s + snapText(b, body, end, bodyLength, src, dst, o) + (snapUnknown ? dump() : '');
  if (ssap === 0x42 && dsap === 0x42 && control === 3) return s + stpText(b, body, end, bodyLength, o.verbose);
  if (!o.linkHeader) {
    if (ssap === dsap) s += `${src} > ${dst} ${SAP_NAMES[dsap] ?? `Unknown DSAP 0x${hex2(dsap)}`} `;
    else s += `${src} ${SAP_NAMES[ssap] ?? `Unknown SSAP 0x${hex2(ssap)}`} > ${dst} ${SAP_NAMES[dsap] ?? `Unknown DSAP 0x${hex2(dsap)}`} `;
  }
  if (isU) {
    s += `Unnumbered, ${U_COMMANDS[control & 0xef] ?? hex2(control & 0xef)}, Flags [${LLC_FLAGS[(ssapField & 1) | (control & 0x10)]}], length ${length}`;
    if ((control & ~0x10) === 0xaf) { // XID
      if (bodyLength === 0) return s;
      if (end - body < 1) return s + ' [|llc]';
      if (b[body] === 0x81) {
        if (end - body < 3 || bodyLength < 3) return s + ' [|llc]' + (end > body ? (o.defaultDump ? hexAsciiLines(b, body, end) : '') : '');
        return s + `: ${hex2(b[body + 1]!)} ${hex2(b[body + 2]!)}`;
      }
    }
    return s + dump();
  }
  const flags = LLC_FLAGS[(ssapField & 1) | (control & 0x100)];
  if ((control & 1) === 1) {
    return s + `Supervisory, ${['Receiver Ready', 'Receiver not Ready', 'Reject'][(control >> 2) & 3] ?? '?'}, rcv seq ${(control >> 9) & 0x7f}, Flags [${flags}], length ${length}`;
  }
  return s + `Information, send seq ${(control >> 1) & 0x7f}, rcv seq ${(control >> 9) & 0x7f}, Flags [${flags}], length ${length}` + dump();
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** hex_and_ascii_print with "\n\t": what tcpdump prints of bytes it does not decode. */
export function hexAsciiLines(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let line = from; line < to; line += 16) {
    const n = Math.min(16, to - line);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) hex += ' ';
      hex += hex2(b[line + i]!);
      const c = b[line + i]!;
      ascii += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }
    s += `\n\t0x${(line - from).toString(16).padStart(4, '0')}: ${hex.padEnd(40, ' ')}  ${ascii}`;
  }
  return s;
}

const STP_VERSIONS: Record<number, string> = { 0: '802.1d', 2: '802.1w', 3: '802.1s', 4: '802.1aq' };
const STP_TYPES: Record<number, string> = { 0x00: 'Config', 0x02: 'Rapid STP', 0x80: 'Topology Change' };
const STP_FLAGS: [number, string][] = [[0x01, 'Topology change'], [0x02, 'Proposal'], [0x10, 'Learn'], [0x20, 'Forward'], [0x40, 'Agreement'], [0x80, 'Topology change ACK']];
const PORT_ROLES = ['Unknown', 'Alternate', 'Root', 'Designated'];

function bitNames(v: number, table: [number, string][]): string {
  const names = table.filter(([bit]) => (v & bit) !== 0).map(([, n]) => n);
  return names.length === 0 ? 'none' : names.join(', ');
}

/** stp_print: a BPDU of `length` bytes at b[p, end). */
export function stpText(b: Buffer, p: number, end: number, length: number, verbose: number): string {
  const out = { s: '' };
  return printUntilCut('stp', out, () => stpFields(b, p, end, length, verbose, out));
}

function stpFields(b: Buffer, p: number, end: number, length: number, verbose: number, out: { s: string }): void {
  const need = (n: number): void => { if (p + n > end) throw new Cut(); };
  const u8 = (at: number): number => { need(at + 1); return b[p + at]!; };
  const u16 = (at: number): number => { need(at + 2); return u16be(b, p + at); };
  const u32 = (at: number): number => { need(at + 4); return u32be(b, p + at); };
  const bridge = (at: number): string => { need(at + 8); return `${hex2(b[p + at]!)}${hex2(b[p + at + 1]!)}.${macAt(b, p + at + 2)}`; };
  const time = (at: number): string => (u16(at) / 256).toFixed(2);
  if (length < 4) { out.s += ' (invalid)'; return; }
  if (u16(0) !== 0) { out.s += `unknown STP version, length ${length}`; return; }
  const version = u8(2);
  out.s += `STP ${STP_VERSIONS[version] ?? `Unknown STP protocol (0x${hex2(version)})`}`;
  if (!(version in STP_VERSIONS)) return;
  const type = u8(3);
  out.s += `, ${STP_TYPES[type] ?? `Unknown BPDU Type (0x${hex2(type)})`}`;
  const config = (): void => {
    const flags = u8(4);
    out.s += `, Flags [${bitNames(flags, STP_FLAGS)}], bridge-id ${bridge(17)}.${u16(25).toString(16).padStart(4, '0')}, length ${length}`;
    if (verbose === 0) return;
    out.s += `\n\tmessage-age ${time(27)}s, max-age ${time(29)}s, hello-time ${time(31)}s, forwarding-delay ${time(33)}s`;
    out.s += `\n\troot-id ${bridge(5)}, root-pathcost ${u32(13)}`;
    if (version === 2) out.s += `, port-role ${PORT_ROLES[(flags & 0x0c) >> 2]}`;
  };
  if (type === 0x00) {
    if (length < 35) { out.s += ' (invalid)'; return; }
    config();
  } else if (type === 0x02) {
    if (version === 2) {
      if (length < 36) { out.s += ' (invalid)'; return; }
      config();
    } else if (version === 3 || version === 4) {
      if (length < 102) { out.s += ' (invalid)'; return; }
      if (u8(35) !== 0) { out.s += ' (invalid)'; return; }
      const v3 = u16(36) + 2;
      if (length < 36 + v3) { out.s += ' (invalid)'; return; }
      mstp(out, b, p, end, length, verbose, { u8, u16, u32, bridge, time });
      if (version === 4) out.s += ''; // SPB's own fields are not printed by netlens
    }
  }
}

interface Readers { u8(at: number): number; u16(at: number): number; u32(at: number): number; bridge(at: number): string; time(at: number): string }

/** stp_print_mstp_bpdu: the CIST, and under -v each MSTI. */
function mstp(out: { s: string }, b: Buffer, p: number, end: number, length: number, verbose: number, r: Readers): void {
  const flags = r.u8(4);
  out.s += `, CIST Flags [${bitNames(flags, STP_FLAGS)}], length ${length}`;
  if (verbose === 0) return;
  out.s += `\n\tport-role ${PORT_ROLES[(flags & 0x0c) >> 2]}, CIST root-id ${r.bridge(5)}, CIST ext-pathcost ${r.u32(13)}`;
  out.s += `\n\tCIST regional-root-id ${r.bridge(17)}, CIST port-id ${r.u16(25).toString(16).padStart(4, '0')},`;
  out.s += `\n\tmessage-age ${r.time(27)}s, max-age ${r.time(29)}s, hello-time ${r.time(31)}s, forwarding-delay ${r.time(33)}s`;
  out.s += `\n\tv3len ${r.u16(36)}, MCID Name `;
  r.u8(39 + 31);
  for (let i = 0; i < 32 && b[p + 39 + i] !== 0; i++) out.s += printChar(b[p + 39 + i]!);
  out.s += `, rev ${r.u16(71)},\n\t\tdigest ${[73, 77, 81, 85].map((at) => r.u32(at).toString(16).padStart(8, '0')).join('')}, `;
  out.s += `CIST int-root-pathcost ${r.u32(89)},`;
  out.s += `\n\tCIST bridge-id ${r.bridge(93)}, CIST remaining-hops ${r.u8(101)}`;
  const v3 = r.u16(36);
  if (v3 > 64) {
    for (let len = v3 - 64, at = 102; len >= 16; len -= 16, at += 16) {
      const msti = r.u16(at + 1) & 0x0fff;
      const f = r.u8(at);
      out.s += `\n\tMSTI ${msti}, Flags [${bitNames(f, STP_FLAGS)}], port-role ${PORT_ROLES[(f & 0x0c) >> 2]}`;
      out.s += `\n\t\tMSTI regional-root-id ${r.bridge(at + 1)}, pathcost ${r.u32(at + 9)}`;
      out.s += `\n\t\tMSTI bridge-prio ${r.u8(at + 13) >> 4}, port-prio ${r.u8(at + 14) >> 4}, hops ${r.u8(at + 15)}`;
    }
  }
  void end;
}

const LLDP_TLVS: Record<number, string> = {
  0: 'End', 1: 'Chassis ID', 2: 'Port ID', 3: 'Time to Live', 4: 'Port Description', 5: 'System Name', 6: 'System Description',
  7: 'System Capabilities', 8: 'Management Address', 127: 'Organization specific',
};
const CHASSIS_SUBTYPES: Record<number, string> = { 1: 'Chassis component', 2: 'Interface alias', 3: 'Port component', 4: 'MAC address', 5: 'Network address', 6: 'Interface name', 7: 'Local' };
const PORT_SUBTYPES: Record<number, string> = { 1: 'Interface alias', 2: 'Port component', 3: 'MAC address', 4: 'Network Address', 5: 'Interface Name', 6: 'Agent circuit ID', 7: 'Local' };
const LLDP_CAPS: [number, string][] = [[1, 'Other'], [2, 'Repeater'], [4, 'Bridge'], [8, 'WLAN AP'], [16, 'Router'], [32, 'Telephone'], [64, 'Docsis'], [128, 'Station Only']];
const AF_NAMES: Record<number, string> = { 0: 'Reserved', 1: 'IPv4', 2: 'IPv6', 3: 'NSAP', 4: 'HDLC', 5: 'BBN 1822', 6: '802' };
const OUI_NAMES: Record<number, string> = { 0x0080c2: 'Ethernet bridged', 0x00120f: 'IEEE 802.3 Private', 0x0012bb: 'ANSI/TIA', 0x001b21: 'DCBX', 0x00005e: 'IANA' };

/** nd_printjnp: at most n bytes, up to a NUL, escaped. */
function printjnp(b: Buffer, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && b[at + i] !== 0; i++) s += printChar(b[at + i]!);
  return s;
}

/** lldp_network_addr_print, or null when the address is shorter than its family's. */
function lldpAddress(b: Buffer, at: number, len: number): string | null {
  if (len < 1) return null;
  const af = b[at]!;
  const name = AF_NAMES[af] ?? 'Unknown';
  if (af === 1) return len - 1 < 4 ? null : `AFI ${name} (${af}): ${ipv4At(b, at + 1)}`;
  if (af === 2) return len - 1 < 16 ? null : `AFI ${name} (${af}): ${ipv6At(b, at + 1)}`;
  if (af === 6) return len - 1 < 6 ? null : `AFI ${name} (${af}): ${macAt(b, at + 1)}`;
  return `AFI ${name} (${af}), no AF printer !`;
}

/**
 * lldp_print: `LLDP, length N` and the system name; under -v every TLV (the
 * organization-specific ones by OUI, with their bytes: netlens does not
 * decode their subtypes as tcpdump does).
 */
export function lldpText(b: Buffer, p: number, end: number, length: number, verbose: number): string {
  let s = `LLDP, length ${length}`;
  let tlen = length;
  while (tlen >= 2) {
    if (p + 2 > end) return s + ' [|lldp]';
    const tlv = u16be(b, p);
    const type = tlv >> 9, len = tlv & 0x1ff;
    tlen -= 2; p += 2;
    if (verbose > 0) s += `\n\t${LLDP_TLVS[type] ?? 'Unknown'} TLV (${type}), length ${len}`;
    if (type === 0 || len === 0) break;
    if (p + len > end || tlen < len) return s + ' [|lldp]';
    let hexdump = false;
    switch (type) {
      case 1: case 2: {
        if (verbose === 0) break;
        if (len < 2) return s + ' [|lldp]';
        const sub = b[p]!;
        const names = type === 1 ? CHASSIS_SUBTYPES : PORT_SUBTYPES;
        s += `\n\t  Subtype ${names[sub] ?? 'Unknown'} (${sub}): `;
        const mac = type === 1 ? 4 : 3, net = type === 1 ? 5 : 4;
        if (sub === mac) { if (len < 7) return s + ' [|lldp]'; s += macAt(b, p + 1); }
        else if (sub === net) { const a = lldpAddress(b, p + 1, len - 1); if (a === null) return s + ' [|lldp]'; s += a; }
        else if (sub >= 1 && sub <= 7) s += printjnp(b, p + 1, len - 1);
        else hexdump = true;
        break;
      }
      case 3: if (verbose > 0) { if (len < 2) return s + ' [|lldp]'; s += `: TTL ${u16be(b, p)}s`; } break;
      case 4: if (verbose > 0) s += `: ${printjnp(b, p, len)}`; break;
      case 5: s += `: ${printjnp(b, p, len)}`; break;
      case 6: if (verbose > 0) s += `\n\t  ${printjnp(b, p, len)}`; break;
      case 7:
        if (verbose > 0) {
          if (len < 4) return s + ' [|lldp]';
          const cap = u16be(b, p), ena = u16be(b, p + 2);
          s += `\n\t  System  Capabilities [${bitNames(cap, LLDP_CAPS)}] (0x${cap.toString(16).padStart(4, '0')})`;
          s += `\n\t  Enabled Capabilities [${bitNames(ena, LLDP_CAPS)}] (0x${ena.toString(16).padStart(4, '0')})`;
        }
        break;
      case 8:
        if (verbose > 0) {
          const m = mgmtAddress(b, p, len);
          if (m === null) return s + ' [|lldp]';
          s += m;
        }
        break;
      case 127:
        if (verbose > 0) {
          if (len < 3) return s + ' [|lldp]';
          const oui = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
          s += `: OUI ${OUI_NAMES[oui] ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')})`;
          const priv = oui === 0x0080c2 ? private8021(b, p, len) : oui === 0x00120f ? private8023(b, p, len) : null;
          if (priv === null) hexdump = true;
          else { s += priv.text; hexdump = priv.hexdump; }
        }
        break;
      default: hexdump = true; break;
    }
    if (verbose > 1 || (verbose > 0 && hexdump)) s += hexLines(b, p, p + len, '\n\t  ');
    tlen -= len; p += len;
  }
  return s;
}

/** lldp_mgmt_addr_tlv_print. */
function mgmtAddress(b: Buffer, p: number, len: number): string | null {
  if (len < 1) return null;
  const alen = b[p]!;
  if (len - 1 < alen) return null;
  const a = lldpAddress(b, p + 1, alen);
  if (a === null) return null;
  let s = `\n\t  Management Address length ${alen}, ${a}`;
  let q = p + 1 + alen, rest = len - 1 - alen;
  if (rest < 5) return null;
  const sub = b[q]!;
  s += `\n\t  ${['', 'Unknown', 'Interface Index', 'System Port Number'][sub] || 'Unknown'} Interface Numbering (${sub}): ${u32be(b, q + 1)}`;
  q += 5; rest -= 5;
  if (rest > 0) {
    const oidLen = b[q]!;
    if (rest < 1 + oidLen) return null;
    if (oidLen) s += `\n\t  OID length ${oidLen}${printjnp(b, q + 1, oidLen)}`;
  }
  return s;
}

const SUBTYPES_8021: Record<number, string> = {
  1: 'Port VLAN Id', 2: 'Port and Protocol VLAN ID', 3: 'VLAN name', 4: 'Protocol Identity', 7: 'Link aggregation', 8: 'Congestion Notification',
  9: 'ETS Configuration', 10: 'ETS Recommendation', 11: 'Priority Flow Control Configuration', 12: 'Application Priority', 13: 'EVB', 14: 'CDCP',
};
const SUBTYPES_8023: Record<number, string> = { 1: 'MAC/PHY configuration/status', 2: 'Power via MDI', 3: 'Link aggregation', 4: 'Max frame size' };
const AGGREGATION: [number, string][] = [[1, 'supported'], [2, 'enabled']];

/**
 * lldp_private_8021_print for the subtypes netlens decodes (VLAN IDs and names,
 * protocol identity, link aggregation); the others show their bytes, as
 * tcpdump's do only for subtypes it does not know (so they may differ).
 */
function private8021(b: Buffer, p: number, len: number): { text: string; hexdump: boolean } {
  if (len < 4) return { text: '', hexdump: false };
  const sub = b[p + 3]!;
  let s = `\n\t  ${SUBTYPES_8021[sub] ?? 'unknown'} Subtype (${sub})`;
  switch (sub) {
    case 1: if (len >= 6) s += `\n\t    port vlan id (PVID): ${u16be(b, p + 4)}`; break;
    case 2:
      if (len >= 7) s += `\n\t    port and protocol vlan id (PPVID): ${u16be(b, p + 5)}, flags [${bitNames(b[p + 4]!, [[2, 'supported'], [4, 'enabled']])}] (0x${hex2(b[p + 4]!)})`;
      break;
    case 3: {
      if (len < 6) break;
      s += `\n\t    vlan id (VID): ${u16be(b, p + 4)}`;
      if (len < 7 || len < 7 + b[p + 6]!) break;
      s += `\n\t    vlan name: ${printjnp(b, p + 7, b[p + 6]!)}`;
      break;
    }
    case 4:
      if (len < 5 || len < 5 + b[p + 4]!) break;
      s += `\n\t    protocol identity: ${printjnp(b, p + 5, b[p + 4]!)}`;
      break;
    case 7:
      if (len >= 9) s += `\n\t    aggregation status [${bitNames(b[p + 4]!, AGGREGATION)}], aggregation port ID ${u32be(b, p + 5)}`;
      break;
    default: return { text: s, hexdump: true };
  }
  return { text: s, hexdump: false };
}

/** lldp_private_8023_print for link aggregation and frame size; MAC/PHY and power show their bytes. */
function private8023(b: Buffer, p: number, len: number): { text: string; hexdump: boolean } {
  if (len < 4) return { text: '', hexdump: false };
  const sub = b[p + 3]!;
  let s = `\n\t  ${SUBTYPES_8023[sub] ?? 'unknown'} Subtype (${sub})`;
  switch (sub) {
    case 3: if (len >= 9) s += `\n\t    aggregation status [${bitNames(b[p + 4]!, AGGREGATION)}], aggregation port ID ${u32be(b, p + 5)}`; break;
    case 4: if (len >= 6) s += `\n\t    MTU size ${u16be(b, p + 4)}`; break;
    default: return { text: s, hexdump: true };
  }
  return { text: s, hexdump: false };
}

const OUI_ALL: Record<number, string> = {
  0x000000: 'Ethernet', 0x00000c: 'Cisco', 0x00005e: 'IANA', 0x000081: 'Nortel Networks SONMP', 0x0000f8: 'Cisco bridged', 0x0080c2: 'Ethernet bridged',
  0x00a03e: 'ATM Forum', 0x00e02f: 'DOCSIS Spanning Tree', 0x080007: 'Appletalk', 0x009069: 'Juniper', 0x080009: 'Hewlett-Packard',
  0x00120f: 'IEEE 802.3 Private', 0x0012bb: 'ANSI/TIA', 0x001b21: 'DCBX', 0x002320: 'Nicira Networks', 0x5c16c7: 'Big Switch Networks',
  0xb0d2f5: 'Vello Systems', 0x002481: 'HP', 0x0004ea: 'HP-Labs', 0x748771: 'Infoblox Inc', 0xa42305: 'Open Networking Lab',
  0x00049f: 'Freescale', 0x0015ad: 'Netronome', 0x001018: 'Broadcom', 0x00e004: 'PMC-Sierra', 0xd0f0db: 'Ericsson',
};
const CISCO_PIDS: Record<number, string> = { 0x2000: 'CDP', 0x2003: 'VTP', 0x2004: 'DTP', 0x0111: 'UDLD', 0x010b: 'PVST', 0x010c: 'VLAN Bridge' };

/** Set by snapText(): the SNAP payload is one tcpdump dumps as bytes after the line. */
let snapUnknown = false;

/** The SNAP frames whose contents netlens prints as tcpdump does: CDP, PVST, and other OUIs' unknown payloads. */
function snapPrintable(b: Buffer, p: number, end: number): boolean {
  if (end - p < 5) return true; // ' [|snap]'
  const oui = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!, pid = u16be(b, p + 3);
  if (oui === 0x000000 || oui === 0x0000f8 || oui === 0x0080c2 || oui === 0x080007) return false; // encapsulated Ethernet protocols, bridged frames
  if (oui === 0x00000c) return pid === 0x2000 || pid === 0x010b || pid === 0x010c;
  return true;
}

/** snap_print: CDP and PVST from Cisco; another OUI's payload as tcpdump's "SNAP, oui …" line. */
function snapText(b: Buffer, p: number, end: number, length: number, src: string, dst: string, o: LlcOptions): string {
  snapUnknown = false;
  if (end - p < 5 || length < 5) return ' [|snap]';
  const oui = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!, pid = u16be(b, p + 3);
  const pidName = oui === 0x00000c ? CISCO_PIDS[pid] ?? 'Unknown' : 'Unknown';
  let s = o.linkHeader ? `oui ${OUI_ALL[oui] ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')}), pid ${pidName} (0x${pid.toString(16).padStart(4, '0')}), length ${length - 5}: ` : '';
  if (oui === 0x00000c && pid === 0x2000) return s + cdpText(b, p + 5, end, length - 5, o.verbose);
  if (oui === 0x00000c) return s + stpText(b, p + 5, end, length - 5, o.verbose);
  snapUnknown = true;
  if (!o.linkHeader) s += `${src} > ${dst} SNAP, oui ${OUI_ALL[oui] ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')}), pid ${pidName} (0x${pid.toString(16).padStart(4, '0')}), length ${length - 5}: `;
  return s;
}

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
      s += hexLines(b, q, q + len, '\n\t  ');
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
