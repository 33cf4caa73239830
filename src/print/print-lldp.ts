/**
 * LLDP (IEEE 802.1AB; print-lldp.c), EtherType 0x88cc: `LLDP, length N` and
 * the system name; under -v every TLV (the organization-specific ones by OUI,
 * with their bytes: netlens does not decode every subtype tcpdump does).
 * ` [|lldp]` where the capture or the frame ends inside a TLV.
 */
import { u16be, u32be } from '../bytes.js';
import { ipv4At, ipv6At, macAt } from '../encode/addr.js';
import { bittok2str, hex2, hexWithOffset, printjnp, type Tok } from './util.js';

const LLDP_TLVS: Tok = {
  0: 'End', 1: 'Chassis ID', 2: 'Port ID', 3: 'Time to Live', 4: 'Port Description', 5: 'System Name', 6: 'System Description',
  7: 'System Capabilities', 8: 'Management Address', 127: 'Organization specific',
};
const CHASSIS_SUBTYPES: Tok = { 1: 'Chassis component', 2: 'Interface alias', 3: 'Port component', 4: 'MAC address', 5: 'Network address', 6: 'Interface name', 7: 'Local' };
const PORT_SUBTYPES: Tok = { 1: 'Interface alias', 2: 'Port component', 3: 'MAC address', 4: 'Network Address', 5: 'Interface Name', 6: 'Agent circuit ID', 7: 'Local' };
const LLDP_CAPS: [number, string][] = [[1, 'Other'], [2, 'Repeater'], [4, 'Bridge'], [8, 'WLAN AP'], [16, 'Router'], [32, 'Telephone'], [64, 'Docsis'], [128, 'Station Only']];
const AF_NAMES: Tok = { 0: 'Reserved', 1: 'IPv4', 2: 'IPv6', 3: 'NSAP', 4: 'HDLC', 5: 'BBN 1822', 6: '802' };
const LLDP_OUI_NAMES: Tok = { 0x0080c2: 'Ethernet bridged', 0x00120f: 'IEEE 802.3 Private', 0x0012bb: 'ANSI/TIA', 0x001b21: 'DCBX', 0x00005e: 'IANA' };

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
          s += `\n\t  System  Capabilities [${bittok2str(LLDP_CAPS, 'none', cap)}] (0x${cap.toString(16).padStart(4, '0')})`;
          s += `\n\t  Enabled Capabilities [${bittok2str(LLDP_CAPS, 'none', ena)}] (0x${ena.toString(16).padStart(4, '0')})`;
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
          s += `: OUI ${LLDP_OUI_NAMES[oui] ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')})`;
          const priv = oui === 0x0080c2 ? private8021(b, p, len) : oui === 0x00120f ? private8023(b, p, len) : null;
          if (priv === null) hexdump = true;
          else { s += priv.text; hexdump = priv.hexdump; }
        }
        break;
      default: hexdump = true; break;
    }
    if (verbose > 1 || (verbose > 0 && hexdump)) s += hexWithOffset(b, p, p + len, '\n\t  ');
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

const SUBTYPES_8021: Tok = {
  1: 'Port VLAN Id', 2: 'Port and Protocol VLAN ID', 3: 'VLAN name', 4: 'Protocol Identity', 7: 'Link aggregation', 8: 'Congestion Notification',
  9: 'ETS Configuration', 10: 'ETS Recommendation', 11: 'Priority Flow Control Configuration', 12: 'Application Priority', 13: 'EVB', 14: 'CDCP',
};
const SUBTYPES_8023: Tok = { 1: 'MAC/PHY configuration/status', 2: 'Power via MDI', 3: 'Link aggregation', 4: 'Max frame size' };
const AGGREGATION: [number, string][] = [[1, 'supported'], [2, 'enabled']];
const PPVID_FLAGS: [number, string][] = [[2, 'supported'], [4, 'enabled']];

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
      if (len >= 7) s += `\n\t    port and protocol vlan id (PPVID): ${u16be(b, p + 5)}, flags [${bittok2str(PPVID_FLAGS, 'none', b[p + 4]!)}] (0x${hex2(b[p + 4]!)})`;
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
      if (len >= 9) s += `\n\t    aggregation status [${bittok2str(AGGREGATION, 'none', b[p + 4]!)}], aggregation port ID ${u32be(b, p + 5)}`;
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
    case 3: if (len >= 9) s += `\n\t    aggregation status [${bittok2str(AGGREGATION, 'none', b[p + 4]!)}], aggregation port ID ${u32be(b, p + 5)}`; break;
    case 4: if (len >= 6) s += `\n\t    MTU size ${u16be(b, p + 4)}`; break;
    default: return { text: s, hexdump: true };
  }
  return { text: s, hexdump: false };
}
