/**
 * The text protocols tcpdump names after a TCP segment's length, by port, in
 * its order (print-tcp.c, tcpPortPrinter): SMTP 25, WHOIS 43, SSH 22 (the
 * version banner), FTP 21, HTTP 80 and 8080, RTSP 554 and 8554. The rules are tcpdump's
 * (util-print.c txtproto_print, fetch_token, print_txt_line; print-ssh.c):
 *  - HTTP and RTSP name a segment only when its first word is a method or its
 *    second word a three-digit status; the others always;
 *  - the first line is shown when it is printable ASCII (tabs allowed) up to
 *    LF or CR LF; a line the capture cuts short shows " [|http]" instead.
 * Only printable ASCII and tabs are ever shown, so nothing here can drive a
 * terminal. (DNS on port 53 is line.ts's.) scanAppText() only looks at the
 * bytes; appText() and writeAppText() print what it found.
 */
import type { ByteSink } from '../encode/sink.js';

const HTTP_METHODS = [
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'LABEL', 'MERGE',
  'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN', 'PROPFIND',
  'CHECKOUT', 'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY',
  'MKWORKSPACE', 'UNSUBSCRIBE', 'RPC_CONNECT', 'VERSION-CONTROL', 'BASELINE-CONTROL',
];
const RTSP_METHODS = [
  'DESCRIBE', 'ANNOUNCE', 'GET_PARAMETER', 'OPTIONS', 'PAUSE', 'PLAY', 'RECORD', 'REDIRECT', 'SETUP', 'SET_PARAMETER', 'TEARDOWN',
];

interface Protocol {
  /** ": HTTP" and " [|http]" as they are printed. */
  named: string;
  truncated: string;
  /** Methods by length, as upper-case byte codes (null: every segment is named). */
  methods: Map<number, Uint8Array[]> | null;
}

function protocol(name: string, methods: string[] | null): Protocol {
  let byLength: Map<number, Uint8Array[]> | null = null;
  if (methods !== null) {
    byLength = new Map();
    for (const m of methods) {
      const list = byLength.get(m.length) ?? [];
      list.push(Uint8Array.from(m, (ch) => ch.charCodeAt(0)));
      byLength.set(m.length, list);
    }
  }
  return { named: `: ${name}`, truncated: ` [|${name.toLowerCase()}]`, methods: byLength };
}
const FTP = protocol('FTP', null);
const SSH = protocol('SSH', null);
const SMTP = protocol('SMTP', null);
const WHOIS = protocol('WHOIS', null);
const HTTP = protocol('HTTP', HTTP_METHODS);
const RTSP = protocol('RTSP', RTSP_METHODS);

/**
 * Which of tcpdump's port printers takes a TCP segment between these ports:
 * the first match in print-tcp.c's order (4.99), so a segment between 6379
 * and 22 is RESP, one between 22 and 21 SSH. Names are tcpdump's; the ones
 * netlens prints are FTP, SSH, SMTP, WHOIS, HTTP, RTSP (here), RESP
 * (resp.ts), BGP (its name, as without -v) and DNS (line.ts); telnet, PPTP,
 * NetBIOS, SMB, BEEP and OpenFlow segments are left at their length.
 */
export function tcpPortPrinter(sport: number, dport: number): string | null {
  const is = (p: number): boolean => sport === p || dport === p;
  if (is(23)) return 'telnet';
  if (is(25)) return 'smtp';
  if (is(43)) return 'whois';
  if (is(179)) return 'bgp';
  if (is(1723)) return 'pptp';
  if (is(6379)) return 'resp';
  if (is(22)) return 'ssh';
  if (is(139)) return 'nbt';
  if (is(445)) return 'smb';
  if (is(10288)) return 'beep';
  if (is(976) || is(6653)) return 'openflow';
  if (is(21)) return 'ftp';
  if (is(80) || is(8080)) return 'http';
  if (is(554) || is(8554)) return 'rtsp';
  if (is(53)) return 'domain';
  return null;
}

const TEXT_PROTOCOLS: Readonly<Record<string, Protocol>> = { ftp: FTP, ssh: SSH, smtp: SMTP, whois: WHOIS, http: HTTP, rtsp: RTSP };

/** The text protocol tcpdump prints for a segment between these ports, or null. */
function protocolOf(sport: number, dport: number): Protocol | null {
  if (sport > 10288 && dport > 10288) return null; // the usual case: two high ports, no printer
  const name = tcpPortPrinter(sport, dport);
  return name === null ? null : TEXT_PROTOCOLS[name] ?? null;
}

/** Whether tcpdump names a text protocol for these ports. */
export function hasAppText(sport: number, dport: number): boolean {
  return protocolOf(sport, dport) !== null;
}

/** What scanAppText() found. */
const NOTHING = 0, NAME = 1, LINE = 2, TRUNCATED = 3;
const found = { kind: NOTHING, protocol: HTTP, lineEnd: 0, shown: false, unterminated: false };

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
/** fetch_token's buffer holds 128 characters and the terminating NUL. */
const MAX_TOKEN = 128;

/** fetch_token: the index after the word at idx and the blanks that follow, or 0 for no word. */
let tokenStart = 0, tokenEnd = 0;
function fetchToken(b: Uint8Array, from: number, idx: number, len: number, cap: number): number {
  const start = idx;
  for (; idx < len; idx++) {
    if (idx >= cap) return 0;
    const c = b[from + idx]!;
    if (isBlank(c)) break;
    if (!isPrint(c) || idx - start >= MAX_TOKEN) return 0;
  }
  if (idx === start) return 0;
  tokenStart = start; tokenEnd = idx;
  // Then the spaces up to the next word (a tab is not printable to isprint(), so it stops this).
  for (; idx < len && idx < cap; idx++) if (b[from + idx] !== 0x20) break;
  return idx;
}

/** The last token is one of the methods (compared without regard to case, as tcpdump does). */
function tokenIsMethod(b: Uint8Array, from: number, methods: Map<number, Uint8Array[]>): boolean {
  const list = methods.get(tokenEnd - tokenStart);
  if (list === undefined) return false;
  next: for (const m of list) {
    for (let i = 0; i < m.length; i++) {
      let c = b[from + tokenStart + i]!;
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== m[i]) continue next;
    }
    return true;
  }
  return false;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Looks at a segment's payload b[from, from + cap) of `len` sent; the result is in `found`. */
function scanAppText(b: Uint8Array, from: number, cap: number, len: number, p: Protocol | null): void {
  found.kind = NOTHING;
  found.unterminated = false;
  if (p === null || len === 0) return;
  found.protocol = p;
  if (p === SSH) { scanSshVersion(b, from, cap, len); return; }
  let show = p.methods === null;
  if (!show) {
    let idx = fetchToken(b, from, 0, len, cap);
    if (idx !== 0) {
      if (tokenIsMethod(b, from, p.methods!)) show = true;
      idx = fetchToken(b, from, idx, len, cap); // the status code is the second word (RESP_CODE_SECOND_TOKEN)
      if (idx !== 0 && tokenEnd - tokenStart === 3 && isDigit(b[from + tokenStart]!) && isDigit(b[from + tokenStart + 1]!) && isDigit(b[from + tokenStart + 2]!)) show = true;
    }
  }
  found.kind = NAME;
  found.shown = show;
  if (show) scanFirstLine(b, from, cap, len);
}

/** print_txt_line: the first line when it is printable text ended by LF, CR LF or the payload's end. */
function scanFirstLine(b: Uint8Array, from: number, cap: number, len: number): void {
  let idx = 0;
  for (; idx < len; idx++) {
    if (idx >= cap) { found.kind = TRUNCATED; return; }
    const c = b[from + idx]!;
    if (c === 0x0a) break;
    if (c === 0x0d) {
      if (idx + 1 >= len) return;
      if (idx + 1 >= cap) { found.kind = TRUNCATED; return; }
      if (b[from + idx + 1] === 0x0a) break;
      return;
    }
    if (!isPrint(c) && c !== 0x09) return;
  }
  found.kind = LINE;
  found.lineEnd = from + idx;
  // Printable to the payload's end with no line ending: tcpdump prints it and then " [|http]".
  found.unterminated = idx === len;
}

/** ssh_print_version: a banner ("SSH-…") ended by LF or CR LF. */
function scanSshVersion(b: Uint8Array, from: number, cap: number, len: number): void {
  for (let i = 0; i < 4; i++) {
    if (i >= cap) { found.kind = TRUNCATED; return; }
    if (b[from + i] !== 'SSH-'.charCodeAt(i)) return;
  }
  for (let idx = 4; idx < len; idx++) {
    if (idx >= cap) { found.kind = TRUNCATED; return; }
    const c = b[from + idx]!;
    if (c === 0x0d) {
      if (idx + 1 >= len) return;
      if (idx + 1 >= cap) { found.kind = TRUNCATED; return; }
      if (b[from + idx + 1] !== 0x0a) return;
    } else if (c !== 0x0a && !isPrint(c)) {
      return;
    }
    if (c === 0x0a || c === 0x0d) { found.kind = LINE; found.lineEnd = from + idx; return; }
  }
}

/**
 * What tcpdump prints after "length N" for the segment: ": HTTP: GET / HTTP/1.1",
 * ": HTTP", ": HTTP [|http]", ": SSH: SSH-2.0-…", or ''.
 */
export function appText(b: Uint8Array, from: number, cap: number, len: number, sport: number, dport: number): string {
  return textOf(protocolOf(sport, dport), b, from, cap, len);
}

function textOf(p: Protocol | null, b: Uint8Array, from: number, cap: number, len: number): string {
  scanAppText(b, from, cap, len, p);
  switch (found.kind) {
    case NOTHING: return '';
    case TRUNCATED: return p === SSH ? p.truncated : p!.named + p!.truncated;
    case LINE: return `${p!.named}: ${Buffer.from(b.buffer, b.byteOffset + from, found.lineEnd - from).toString('latin1')}${found.unterminated ? p!.truncated : ''}`;
    default: return p === SSH ? '' : p!.named;
  }
}

/** appText() written into the output, the line copied byte for byte (printable ASCII and tabs). */
export function writeAppText(out: ByteSink, b: Uint8Array, from: number, cap: number, len: number, sport: number, dport: number): void {
  const p = protocolOf(sport, dport);
  scanAppText(b, from, cap, len, p);
  if (found.kind === NOTHING || (p === SSH && found.kind === NAME)) return;
  out.reserve(32 + (found.kind === LINE ? found.lineEnd - from : 0));
  if (!(p === SSH && found.kind === TRUNCATED)) out.ascii(p!.named);
  if (found.kind === TRUNCATED) { out.ascii(p!.truncated); return; }
  if (found.kind === LINE) {
    out.ascii(': ');
    for (let i = from; i < found.lineEnd; i++) out.byte(b[i]!);
    if (found.unterminated) out.ascii(p!.truncated);
  }
}

/**
 * appText() under -v (txtproto_print with ndo_vflag): ": HTTP, length: N" and
 * then every line, each after a new line and a tab, until one that is not
 * printable text; " [|http]" where the capture or the payload cuts a line.
 */
export function appTextVerbose(b: Uint8Array, from: number, cap: number, len: number, sport: number, dport: number): string {
  return verboseTextOf(protocolOf(sport, dport), b, from, cap, len);
}

function verboseTextOf(p: Protocol | null, b: Uint8Array, from: number, cap: number, len: number): string {
  scanAppText(b, from, cap, len, p);
  if (p === null || p === SSH || found.kind === NOTHING) return textOf(p, b, from, cap, len);
  if (!found.shown) return p.named;
  let s = `${p.named}, length: ${len}`;
  const text = (start: number, end: number): string => Buffer.from(b.buffer, b.byteOffset + from + start, end - start).toString('latin1');
  let idx = 0;
  while (idx < len) {
    let i = idx;
    for (;; i++) {
      if (i >= len) return s + '\n\t' + text(idx, i) + p.truncated; // no line end in the payload
      if (i >= cap) return s + p.truncated; // the capture ends inside the line
      const c = b[from + i]!;
      if (c === 0x0a) { s += '\n\t' + text(idx, i); idx = i + 1; break; }
      if (c === 0x0d) {
        if (i + 1 >= len) return s;
        if (i + 1 >= cap) return s + p.truncated;
        if (b[from + i + 1] !== 0x0a) return s;
        s += '\n\t' + text(idx, i);
        idx = i + 2;
        break;
      }
      if (!isPrint(c) && c !== 0x09) return s;
    }
  }
  return s;
}

const SIP_METHODS = ['ACK', 'BYE', 'CANCEL', 'DO', 'INFO', 'INVITE', 'MESSAGE', 'NOTIFY', 'OPTIONS', 'PRACK', 'QAUTH', 'REFER', 'REGISTER', 'SPRACK', 'SUBSCRIBE', 'UPDATE', 'PUBLISH'];
const SIP = protocol('SIP', SIP_METHODS);

/**
 * SIP over UDP (print-sip.c, txtproto_print with tcpdump's SIP methods and a
 * status code as the second word): ": SIP: INVITE sip:bob@example.org SIP/2.0",
 * under -v every line. The UDP printer puts it after the ports, without "length N".
 */
export function sipText(b: Uint8Array, from: number, cap: number, len: number, verbose: number): string {
  if (len === 0) return 'SIP';
  return (verbose > 0 ? verboseTextOf : textOf)(SIP, b, from, cap, len).slice(2); // without the ": " a TCP line puts first
}
