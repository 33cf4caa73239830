/**
 * Spanning tree BPDUs (IEEE 802.1D, 802.1w, 802.1s; print-stp.c) inside LLC or
 * SNAP: `STP 802.1w, Rapid STP, Flags [Learn, Forward], bridge-id …, length 36`;
 * under -v the timers, root and, for MSTP, every MSTI. ` [|stp]` where the
 * capture ends.
 */
import { u16be, u32be } from '../bytes.js';
import { macAt } from '../encode/addr.js';
import { Cut, printUntilCut } from './truncation.js';
import { bittok2str, hex2, printjnp, type Tok } from './util.js';

const STP_VERSIONS: Tok = { 0: '802.1d', 2: '802.1w', 3: '802.1s', 4: '802.1aq' };
const STP_TYPES: Tok = { 0x00: 'Config', 0x02: 'Rapid STP', 0x80: 'Topology Change' };
const STP_FLAGS: [number, string][] = [[0x01, 'Topology change'], [0x02, 'Proposal'], [0x10, 'Learn'], [0x20, 'Forward'], [0x40, 'Agreement'], [0x80, 'Topology change ACK']];
const PORT_ROLES = ['Unknown', 'Alternate', 'Root', 'Designated'];

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
    out.s += `, Flags [${bittok2str(STP_FLAGS, 'none', flags)}], bridge-id ${bridge(17)}.${u16(25).toString(16).padStart(4, '0')}, length ${length}`;
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
  out.s += `, CIST Flags [${bittok2str(STP_FLAGS, 'none', flags)}], length ${length}`;
  if (verbose === 0) return;
  out.s += `\n\tport-role ${PORT_ROLES[(flags & 0x0c) >> 2]}, CIST root-id ${r.bridge(5)}, CIST ext-pathcost ${r.u32(13)}`;
  out.s += `\n\tCIST regional-root-id ${r.bridge(17)}, CIST port-id ${r.u16(25).toString(16).padStart(4, '0')},`;
  out.s += `\n\tmessage-age ${r.time(27)}s, max-age ${r.time(29)}s, hello-time ${r.time(31)}s, forwarding-delay ${r.time(33)}s`;
  out.s += `\n\tv3len ${r.u16(36)}, MCID Name `;
  r.u8(39 + 31);
  out.s += printjnp(b, p + 39, 32);
  out.s += `, rev ${r.u16(71)},\n\t\tdigest ${[73, 77, 81, 85].map((at) => r.u32(at).toString(16).padStart(8, '0')).join('')}, `;
  out.s += `CIST int-root-pathcost ${r.u32(89)},`;
  out.s += `\n\tCIST bridge-id ${r.bridge(93)}, CIST remaining-hops ${r.u8(101)}`;
  const v3 = r.u16(36);
  if (v3 > 64) {
    for (let len = v3 - 64, at = 102; len >= 16; len -= 16, at += 16) {
      const msti = r.u16(at + 1) & 0x0fff;
      const f = r.u8(at);
      out.s += `\n\tMSTI ${msti}, Flags [${bittok2str(STP_FLAGS, 'none', f)}], port-role ${PORT_ROLES[(f & 0x0c) >> 2]}`;
      out.s += `\n\t\tMSTI regional-root-id ${r.bridge(at + 1)}, pathcost ${r.u32(at + 9)}`;
      out.s += `\n\t\tMSTI bridge-prio ${r.u8(at + 13) >> 4}, port-prio ${r.u8(at + 14) >> 4}, hops ${r.u8(at + 15)}`;
    }
  }
  void end;
}
