/**
 * Syslog (RFC 3164; print-syslog.c), UDP port 514: `SYSLOG local0.info,
 * length: 42`; under -v the facility, severity and message on lines of their
 * own, under -vv the bytes in hex.
 */
import { hexWithOffset, printn } from './util.js';

const SYSLOG_FACILITIES = ['kernel', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const SYSLOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** `SYSLOG local0.info, length: 42`; under -v the facility, severity and message on lines of their own. */
export function syslogText(b: Buffer, off: number, capEnd: number, length: number, verbose: number): string {
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
  s += printn(b, p, Math.min(end, capEnd));
  if (p < end && capEnd < end) return s + ' [|syslog]';
  if (verbose > 1) s += hexWithOffset(b, off, Math.min(end, capEnd), '\n\t');
  return s;
}
