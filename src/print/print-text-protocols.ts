/**
 * The text protocols tcpdump names after a TCP segment's length, by the port
 * printer line.ts's tcpPortPrinter picks: SMTP 25, WHOIS 43, SSH 22 (the
 * version banner), FTP 21, HTTP 80 and 8080, RTSP 554 and 8554; and SIP over
 * UDP (print-sip.c). The rules are tcpdump's
 * (util-print.c txtproto_print, fetch_token, print_txt_line; print-ssh.c):
 *  - HTTP and RTSP name a segment only when its first word is a method or its
 *    second word a three-digit status; the others always;
 *  - the first line is shown when it is printable ASCII (tabs allowed) up to
 *    LF or CR LF; a line the capture cuts short shows " [|http]" instead.
 * Only printable ASCII and tabs are ever shown, so nothing here can drive a
 * terminal. TextProtocols.scan() only looks at the bytes; its printers print
 * what it found.
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

const TEXT_PROTOCOLS: Readonly<Record<string, Protocol>> = { ftp: FTP, ssh: SSH, smtp: SMTP, whois: WHOIS, http: HTTP, rtsp: RTSP };

/** Whether the TCP port printer of this name (line.ts tcpPortPrinter) is one of these text protocols. */
export function isTextProtocol(printer: string | null): boolean {
  return printer !== null && TEXT_PROTOCOLS[printer] !== undefined;
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** fetch_token's buffer holds 128 characters and the terminating NUL. */
const MAX_TOKEN = 128;

/** What scan() found. */
const NOTHING = 0, NAME = 1, LINE = 2, TRUNCATED = 3;

const SIP_METHODS = ['ACK', 'BYE', 'CANCEL', 'DO', 'INFO', 'INVITE', 'MESSAGE', 'NOTIFY', 'OPTIONS', 'PRACK', 'QAUTH', 'REFER', 'REGISTER', 'SPRACK', 'SUBSCRIBE', 'UPDATE', 'PUBLISH'];
const SIP = protocol('SIP', SIP_METHODS);

/**
 * The text-protocol printer of one print context: scan() looks at a payload
 * and keeps what it found in these fields (no object per segment); the
 * printers below print it.
 */
export class TextProtocols {
  private kind = NOTHING;
  private lineEnd = 0;
  private shown = false;
  private unterminated = false;
  /** The word fetchToken() found last. */
  private tokenStart = 0;
  private tokenEnd = 0;

  /**
   * What tcpdump prints after "length N" for the segment, written into `out`:
   * ": HTTP: GET / HTTP/1.1", ": HTTP", ": HTTP [|http]", ": SSH: SSH-2.0-…", or
   * nothing. The line is copied byte for byte (printable ASCII and tabs).
   * `printer`: the TCP port printer's name (isTextProtocol).
   */
  write(out: ByteSink, b: Uint8Array, from: number, cap: number, len: number, printer: string): void {
    const p = TEXT_PROTOCOLS[printer] ?? null;
    this.scan(b, from, cap, len, p);
    if (this.kind === NOTHING || (p === SSH && this.kind === NAME)) return;
    out.reserve(32 + (this.kind === LINE ? this.lineEnd - from : 0));
    if (!(p === SSH && this.kind === TRUNCATED)) out.ascii(p!.named);
    if (this.kind === TRUNCATED) { out.ascii(p!.truncated); return; }
    if (this.kind === LINE) {
      out.ascii(': ');
      for (let i = from; i < this.lineEnd; i++) out.byte(b[i]!);
      if (this.unterminated) out.ascii(p!.truncated);
    }
  }

  /**
   * The same under -v (txtproto_print with ndo_vflag): ": HTTP, length: N" and
   * then every line, each after a new line and a tab, until one that is not
   * printable text; " [|http]" where the capture or the payload cuts a line.
   */
  verboseText(b: Uint8Array, from: number, cap: number, len: number, printer: string): string {
    return this.verboseTextOf(TEXT_PROTOCOLS[printer] ?? null, b, from, cap, len);
  }

  /**
   * SIP over UDP (print-sip.c, txtproto_print with tcpdump's SIP methods and a
   * status code as the second word): ": SIP: INVITE sip:bob@example.org SIP/2.0",
   * under -v every line. The UDP printer puts it after the ports, without "length N".
   */
  sipText(b: Uint8Array, from: number, cap: number, len: number, verbose: number): string {
    if (len === 0) return 'SIP';
    return (verbose > 0 ? this.verboseTextOf(SIP, b, from, cap, len) : this.textOf(SIP, b, from, cap, len)).slice(2); // without the ": " a TCP line puts first
  }

  private textOf(p: Protocol | null, b: Uint8Array, from: number, cap: number, len: number): string {
    this.scan(b, from, cap, len, p);
    switch (this.kind) {
      case NOTHING: return '';
      case TRUNCATED: return p === SSH ? p.truncated : p!.named + p!.truncated;
      case LINE: return `${p!.named}: ${Buffer.from(b.buffer, b.byteOffset + from, this.lineEnd - from).toString('latin1')}${this.unterminated ? p!.truncated : ''}`;
      default: return p === SSH ? '' : p!.named;
    }
  }

  private verboseTextOf(p: Protocol | null, b: Uint8Array, from: number, cap: number, len: number): string {
    this.scan(b, from, cap, len, p);
    if (p === null || p === SSH || this.kind === NOTHING) return this.textOf(p, b, from, cap, len);
    if (!this.shown) return p.named;
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

  /** Looks at a segment's payload b[from, from + cap) of `len` sent; the result is in this object's fields. */
  private scan(b: Uint8Array, from: number, cap: number, len: number, p: Protocol | null): void {
    this.kind = NOTHING;
    this.unterminated = false;
    if (p === null || len === 0) return;
    if (p === SSH) { this.scanSshVersion(b, from, cap, len); return; }
    let show = p.methods === null;
    if (!show) {
      let idx = this.fetchToken(b, from, 0, len, cap);
      if (idx !== 0) {
        if (this.tokenIsMethod(b, from, p.methods!)) show = true;
        idx = this.fetchToken(b, from, idx, len, cap); // the status code is the second word (RESP_CODE_SECOND_TOKEN)
        const t = from + this.tokenStart;
        if (idx !== 0 && this.tokenEnd - this.tokenStart === 3 && isDigit(b[t]!) && isDigit(b[t + 1]!) && isDigit(b[t + 2]!)) show = true;
      }
    }
    this.kind = NAME;
    this.shown = show;
    if (show) this.scanFirstLine(b, from, cap, len);
  }

  /** fetch_token: the index after the word at idx and the blanks that follow, or 0 for no word. */
  private fetchToken(b: Uint8Array, from: number, idx: number, len: number, cap: number): number {
    const start = idx;
    for (; idx < len; idx++) {
      if (idx >= cap) return 0;
      const c = b[from + idx]!;
      if (isBlank(c)) break;
      if (!isPrint(c) || idx - start >= MAX_TOKEN) return 0;
    }
    if (idx === start) return 0;
    this.tokenStart = start; this.tokenEnd = idx;
    // Then the spaces up to the next word (a tab is not printable to isprint(), so it stops this).
    for (; idx < len && idx < cap; idx++) if (b[from + idx] !== 0x20) break;
    return idx;
  }

  /** The last token is one of the methods (compared without regard to case, as tcpdump does). */
  private tokenIsMethod(b: Uint8Array, from: number, methods: Map<number, Uint8Array[]>): boolean {
    const list = methods.get(this.tokenEnd - this.tokenStart);
    if (list === undefined) return false;
    next: for (const m of list) {
      for (let i = 0; i < m.length; i++) {
        let c = b[from + this.tokenStart + i]!;
        if (c >= 0x61 && c <= 0x7a) c -= 0x20;
        if (c !== m[i]) continue next;
      }
      return true;
    }
    return false;
  }

  /** print_txt_line: the first line when it is printable text ended by LF, CR LF or the payload's end. */
  private scanFirstLine(b: Uint8Array, from: number, cap: number, len: number): void {
    let idx = 0;
    for (; idx < len; idx++) {
      if (idx >= cap) { this.kind = TRUNCATED; return; }
      const c = b[from + idx]!;
      if (c === 0x0a) break;
      if (c === 0x0d) {
        if (idx + 1 >= len) return;
        if (idx + 1 >= cap) { this.kind = TRUNCATED; return; }
        if (b[from + idx + 1] === 0x0a) break;
        return;
      }
      if (!isPrint(c) && c !== 0x09) return;
    }
    this.kind = LINE;
    this.lineEnd = from + idx;
    // Printable to the payload's end with no line ending: tcpdump prints it and then " [|http]".
    this.unterminated = idx === len;
  }

  /** ssh_print_version: a banner ("SSH-…") ended by LF or CR LF. */
  private scanSshVersion(b: Uint8Array, from: number, cap: number, len: number): void {
    for (let i = 0; i < 4; i++) {
      if (i >= cap) { this.kind = TRUNCATED; return; }
      if (b[from + i] !== 'SSH-'.charCodeAt(i)) return;
    }
    for (let idx = 4; idx < len; idx++) {
      if (idx >= cap) { this.kind = TRUNCATED; return; }
      const c = b[from + idx]!;
      if (c === 0x0d) {
        if (idx + 1 >= len) return;
        if (idx + 1 >= cap) { this.kind = TRUNCATED; return; }
        if (b[from + idx + 1] !== 0x0a) return;
      } else if (c !== 0x0a && !isPrint(c)) {
        return;
      }
      if (c === 0x0a || c === 0x0d) { this.kind = LINE; this.lineEnd = from + idx; return; }
    }
  }
}
