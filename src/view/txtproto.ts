/**
 * The text protocols tcpdump names after a TCP segment's length, by port, in
 * its order (print-tcp.c): FTP 21, SSH 22 (the version banner), SMTP 25,
 * WHOIS 43, HTTP 80 and 8080, RTSP 554 and 8554. The rules are tcpdump's
 * (util-print.c txtproto_print, fetch_token, print_txt_line; print-ssh.c):
 *  - HTTP and RTSP name a segment only when its first word is a method or its
 *    second word a three-digit status; the others always;
 *  - the first line is shown when it is printable ASCII (tabs allowed) up to
 *    LF or CR LF; a line the capture cuts short shows " [|http]" instead.
 * Only printable ASCII and tabs are ever shown, so nothing here can drive a
 * terminal. (DNS on port 53 is line.ts's.)
 */

const HTTP_METHODS = new Set([
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'LABEL', 'MERGE',
  'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN', 'PROPFIND',
  'CHECKOUT', 'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY',
  'MKWORKSPACE', 'UNSUBSCRIBE', 'RPC_CONNECT', 'VERSION-CONTROL', 'BASELINE-CONTROL',
]);
const RTSP_METHODS = new Set([
  'DESCRIBE', 'ANNOUNCE', 'GET_PARAMETER', 'OPTIONS', 'PAUSE', 'PLAY', 'RECORD', 'REDIRECT', 'SETUP', 'SET_PARAMETER', 'TEARDOWN',
]);

interface Protocol { name: string; lower: string; methods: Set<string> | null }
const FTP: Protocol = { name: 'FTP', lower: 'ftp', methods: null };
const SSH: Protocol = { name: 'SSH', lower: 'ssh', methods: null };
const SMTP: Protocol = { name: 'SMTP', lower: 'smtp', methods: null };
const WHOIS: Protocol = { name: 'WHOIS', lower: 'whois', methods: null };
const HTTP: Protocol = { name: 'HTTP', lower: 'http', methods: HTTP_METHODS };
const RTSP: Protocol = { name: 'RTSP', lower: 'rtsp', methods: RTSP_METHODS };

/** tcpdump's choice of printer for a segment between these ports (the first match in its order), or null. */
function protocolOf(sport: number, dport: number): Protocol | null {
  const is = (p: number): boolean => sport === p || dport === p;
  if (is(21)) return FTP;
  if (is(22)) return SSH;
  if (is(23) || is(53)) return null; // telnet (not shown) and DNS (line.ts) come before HTTP in tcpdump's order
  if (is(25)) return SMTP;
  if (is(43)) return WHOIS;
  if (is(80)) return HTTP;
  if (is(554)) return RTSP;
  if (is(8080)) return HTTP;
  if (is(8554)) return RTSP;
  return null;
}

/** Whether tcpdump names a text protocol for these ports (the caller then appends appText()). */
export function hasAppText(sport: number, dport: number): boolean {
  return protocolOf(sport, dport) !== null;
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
/** Bytes known to be printable ASCII, as a string (a view of the buffer, no copy). */
const asciiText = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');
const MAX_TOKEN = 128;

/**
 * fetch_token: the word at payload index idx (of `len` on the wire, `cap`
 * captured). Returns the index after it and the blanks that follow, or 0 for
 * no word; the word is left in `token`.
 */
let token = '';
function fetchToken(b: Uint8Array, from: number, idx: number, len: number, cap: number): number {
  const start = idx;
  for (; idx < len; idx++) {
    if (idx >= cap) return 0;
    const c = b[from + idx]!;
    if (c >= 0x80) return 0;
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) break;
    if (!isPrint(c)) return 0;
    if (idx - start + 2 > MAX_TOKEN + 1) return 0;
  }
  if (idx === start) return 0;
  token = asciiText(b, from + start, from + idx);
  for (; idx < len; idx++) {
    if (idx >= cap) break;
    const c = b[from + idx]!;
    if (c === 0x0d || c === 0x0a || !isPrint(c) || (c !== 0x20 && c !== 0x09)) break;
  }
  return idx;
}

/**
 * What tcpdump prints after "length N" for a segment whose payload is
 * b[from, from + cap) captured of `len` sent: ": HTTP: GET / HTTP/1.1",
 * ": HTTP", ": HTTP [|http]", ": SSH: SSH-2.0-…", or '' (nothing).
 */
export function appText(b: Uint8Array, from: number, cap: number, len: number, sport: number, dport: number): string {
  const p = protocolOf(sport, dport);
  if (p === null || len === 0) return '';
  if (p === SSH) return sshVersion(b, from, cap, len);
  let show = p.methods === null;
  if (!show) {
    let idx = fetchToken(b, from, 0, len, cap);
    if (idx !== 0) {
      if (p.methods!.has(token.toUpperCase())) show = true;
      idx = fetchToken(b, from, idx, len, cap); // the status code is the second word (RESP_CODE_SECOND_TOKEN)
      if (idx !== 0 && /^\d{3}$/.test(token)) show = true;
    }
  }
  if (!show) return `: ${p.name}`;
  return `: ${p.name}${firstLine(b, from, cap, len, p)}`;
}

/** print_txt_line with prefix ": ": the first line, '' when it is not printable text, " [|http]" when cut short. */
function firstLine(b: Uint8Array, from: number, cap: number, len: number, p: Protocol): string {
  let idx = 0;
  for (; idx < len; idx++) {
    if (idx >= cap) return ` [|${p.lower}]`;
    const c = b[from + idx]!;
    if (c === 0x0a) break;
    if (c === 0x0d) {
      if (idx + 1 >= len) return '';
      if (idx + 1 >= cap) return ` [|${p.lower}]`;
      if (b[from + idx + 1] === 0x0a) break;
      return '';
    }
    if (!isPrint(c) && c !== 0x09) return '';
  }
  return `: ${asciiText(b, from, from + idx)}`;
}

/** ssh_print_version: ": SSH: " and the version line, only for a banner ("SSH-…") ended by LF or CR LF. */
function sshVersion(b: Uint8Array, from: number, cap: number, len: number): string {
  for (let i = 0; i < 4; i++) {
    if (i >= cap) return ' [|ssh]';
    if (b[from + i] !== 'SSH-'.charCodeAt(i)) return '';
  }
  let idx = 4;
  for (; idx < len; idx++) {
    if (idx >= cap) return ' [|ssh]';
    const c = b[from + idx]!;
    if (c === 0x0a) break;
    if (c === 0x0d) {
      if (idx + 1 >= len) return '';
      if (idx + 1 >= cap) return ' [|ssh]';
      if (b[from + idx + 1] === 0x0a) break;
      return '';
    }
    if (!isPrint(c)) return '';
  }
  if (idx >= len) return '';
  return `: SSH: ${asciiText(b, from, from + idx)}`;
}
