/**
 * IEEE 802.2 LLC (print-llc.c) after an 802.3 length field, in tcpdump's words:
 * the SAPs and control field (under -e), then what the frame carries: a
 * spanning tree BPDU (print-stp.ts), SNAP with CDP or PVST (print-cdp.ts), or
 * the frame's kind and its bytes. Where tcpdump reads past the captured bytes
 * it prints ` [|llc]`, and so does this. IPX, IP and OSI frames are left to the
 * caller (null).
 */
import { u16be } from '../bytes.js';
import { cdpText } from './print-cdp.js';
import { stpText } from './print-stp.js';
import { OUI_NAMES } from './protocol-names.js';
import { hex2, hexAndAscii, type Tok } from './util.js';

const SAP_NAMES: Tok = {
  0x00: 'Null', 0xff: 'Global', 0x02: '802.1B I', 0x03: '802.1B G', 0x06: 'IP', 0x04: 'SNA', 0x0e: 'ProWay NM', 0x42: 'STP',
  0x4e: 'RS511', 0x7e: 'ISO8208', 0x8e: 'ProWay', 0xaa: 'SNAP', 0xe0: 'IPX', 0xf0: 'NetBeui', 0xfe: 'OSI',
};
const U_COMMANDS: Tok = { 0x03: 'ui', 0xe3: 'test', 0xaf: 'xid', 0x63: 'ua', 0x43: 'disc', 0x0f: 'dm', 0x6f: 'sabme', 0x87: 'frmr' };
const LLC_FLAGS: Tok = { 0: 'Command', 1: 'Response', 0x10: 'Poll', 0x11: 'Final', 0x100: 'Poll', 0x101: 'Final' };

export interface LlcOptions { linkHeader: boolean; verbose: number; defaultDump: boolean }

/**
 * An 802.2 LLC frame at b[p, end) of `length` bytes (the 802.3 length, within
 * the frame): the text after the link-level header, or null for the kinds
 * netlens does not print (SNAP, IPX, IP and OSI SAPs). `src`/`dst`: the MAC
 * addresses, which tcpdump puts before an LLC it does not decode further.
 */
export function llcText(b: Buffer, p: number, end: number, length: number, src: string, dst: string, o: LlcOptions): string | null {
  const caplen = end - p;
  const dump = (): string => (o.defaultDump ? hexAndAscii(b, p, end) : '');
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
  if (snap) return s + snapText(b, body, end, bodyLength, src, dst, o, dump);
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
        if (end - body < 3 || bodyLength < 3) return s + ' [|llc]' + (end > body ? (o.defaultDump ? hexAndAscii(b, body, end) : '') : '');
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

const CISCO_PIDS: Tok = { 0x2000: 'CDP', 0x2003: 'VTP', 0x2004: 'DTP', 0x0111: 'UDLD', 0x010b: 'PVST', 0x010c: 'VLAN Bridge' };

/** The SNAP frames whose contents netlens prints as tcpdump does: CDP, PVST, and other OUIs' unknown payloads. */
function snapPrintable(b: Buffer, p: number, end: number): boolean {
  if (end - p < 5) return true; // ' [|snap]'
  const oui = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!, pid = u16be(b, p + 3);
  if (oui === 0x000000 || oui === 0x0000f8 || oui === 0x0080c2 || oui === 0x080007) return false; // encapsulated Ethernet protocols, bridged frames
  if (oui === 0x00000c) return pid === 0x2000 || pid === 0x010b || pid === 0x010c;
  return true;
}

/**
 * snap_print: CDP and PVST from Cisco; another OUI's payload as tcpdump's
 * "SNAP, oui …" line, and then its bytes (`dump`: the LLC frame's, as the
 * default print shows them).
 */
function snapText(b: Buffer, p: number, end: number, length: number, src: string, dst: string, o: LlcOptions, dump: () => string): string {
  if (end - p < 5 || length < 5) return ' [|snap]';
  const oui = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!, pid = u16be(b, p + 3);
  const pidName = oui === 0x00000c ? CISCO_PIDS[pid] ?? 'Unknown' : 'Unknown';
  let s = o.linkHeader ? `oui ${OUI_NAMES.get(oui) ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')}), pid ${pidName} (0x${pid.toString(16).padStart(4, '0')}), length ${length - 5}: ` : '';
  if (oui === 0x00000c && pid === 0x2000) return s + cdpText(b, p + 5, end, length - 5, o.verbose);
  if (oui === 0x00000c) return s + stpText(b, p + 5, end, length - 5, o.verbose);
  if (!o.linkHeader) s += `${src} > ${dst} SNAP, oui ${OUI_NAMES.get(oui) ?? 'Unknown'} (0x${oui.toString(16).padStart(6, '0')}), pid ${pidName} (0x${pid.toString(16).padStart(4, '0')}), length ${length - 5}: `;
  return s + dump();
}
