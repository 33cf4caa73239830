/**
 * NTP (RFC 5905; print-ntp.c), UDP port 123: `NTPv4, Client, length 48`;
 * under -v the leap indicator, stratum, poll, precision, root delay and
 * dispersion, reference ID, the four timestamps and the originator's
 * differences, or a control message's header. ` [|ntp]` where the capture ends.
 */
import { u16be, u32be } from '../bytes.js';
import { ipv4At } from '../encode/addr.js';
import { Cut, printUntilCut } from './truncation.js';
import { printn } from './util.js';

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

/**
 * `NTPv4, Client, length 48`; under -v the leap indicator, stratum, poll,
 * precision, root delay and dispersion, reference ID, the four timestamps and
 * the originator's differences (print-ntp.c), or a control message's header.
 */
export function ntpText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
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
  else if (stratum === 1) out.s += printn(b, off + 12, off + 16);
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
