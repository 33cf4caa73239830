/**
 * The short protocols tcpdump names on a line of their own, in its words:
 * IGMP (print-igmp.c), and over UDP NTP (print-ntp.c), BOOTP/DHCP
 * (print-bootp.c) and syslog (print-syslog.c). Each reads only the bytes the
 * capture holds; where tcpdump would read past them it prints ` [|proto]`, and
 * so do these. Under -v tcpdump prints more of NTP and BOOTP than netlens does
 * (their verbose fields are not built); IGMP and syslog are complete.
 */
import { u16be, u32be } from '../decode/bytes.js';
import { foldComplement, onesSum } from '../decode/checksum.js';
import { ipv4At, macAt } from './addr.js';
import { printChar, relativeTime } from './verbose.js';

/** tcpdump's UDP printer for these ports, in its order (print-udp.c), or null. */
export function udpAppOf(sport: number, dport: number): ((b: Buffer, off: number, capEnd: number, length: number, verbose: number) => string) | null {
  const is = (p: number): boolean => sport === p || dport === p;
  if (is(67) || is(68)) return bootpText;
  if (is(123)) return ntpText;
  if (is(514)) return syslogText;
  return null;
}

/** Ports tcpdump's UDP printer looks at before these (DNS, mDNS, timed, TFTP): they are not ours to claim. */
export function udpAppShadowed(sport: number, dport: number): boolean {
  const is = (p: number): boolean => sport === p || dport === p;
  return is(53) || is(5353) || is(525) || is(69);
}

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

/** `NTPv4, Client, length 48`. */
function ntpText(b: Buffer, off: number, capEnd: number, length: number): string {
  if (off >= capEnd) return ' [|ntp]';
  const status = b[off]!;
  return `NTPv${(status >> 3) & 7}, ${NTP_MODES[status & 7]}, length ${length}`;
}

/** `BOOTP/DHCP, Request from 02:00:00:00:00:01, length 300`. */
function bootpText(b: Buffer, off: number, capEnd: number, length: number): string {
  if (off >= capEnd) return ' [|bootp]';
  const op = b[off]!;
  let s = `BOOTP/DHCP, ${op === 1 ? 'Request' : op === 2 ? 'Reply' : `unknown (0x${op.toString(16).padStart(2, '0')})`}`;
  if (off + 3 > capEnd) return s + ' [|bootp]';
  if (b[off + 1] === 1 && b[off + 2] === 6 && op === 1) {
    if (off + 34 > capEnd) return s + ' [|bootp]';
    s += ` from ${macAt(b, off + 28)}`;
  }
  return s + `, length ${length}`;
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
