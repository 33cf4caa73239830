/**
 * HTTP/1.x over reassembled TCP streams: an incremental parser (a small state
 * machine, no dependency) per direction, and an HttpConversation that pairs
 * responses with requests in order (keep-alive and pipelining).
 *
 * RFC 9112: request and status lines; header fields (names case-insensitive,
 * repeated fields kept, obsolete line folding joined with one space); message
 * bodies by Transfer-Encoding: chunked (with trailer fields), Content-Length,
 * or, for responses only, the end of the connection. No body in responses to
 * HEAD, in 1xx, 204 and 304 responses; 1xx responses other than 101 are
 * interim (`100 Continue`): the final response follows for the same request.
 * 101 Switching Protocols and a 2xx answer to CONNECT end HTTP on the
 * connection (a tunnel follows). Bytes that are not HTTP are reported once per
 * stream (`error`) and the rest of that stream is ignored; never fatal.
 *
 * Bytes missing from the capture (reassembly gaps) are handled as Zeek's HTTP
 * analyzer does (HTTP_Analyzer::Undelivered, HTTP_Entity::Undelivered): a gap
 * that falls inside a body of known length (Content-Length, a chunk's data) or
 * a body read to the end of the connection is skipped and parsing goes on.
 * Where Zeek then stops parsing the connection, netlens ends the interrupted
 * message (truncated) and resynchronises on the next line that is a request
 * line (client) or status line (server). The missing bytes are counted on the
 * transaction they touched (`gapBytes`).
 */

const MAX_LINE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const MAX_HEADERS = 1000;

const enum St {
  Start, Headers, BodyLength, ChunkSize, ChunkData, ChunkEnd, Trailers, BodyClose, Dead, Tunnel,
  /** After a gap that no body absorbed: bytes are skipped up to the next start line. */
  Resync,
}

/** Transactions awaiting their response, per connection; beyond it the oldest is reported without one. */
export const MAX_PENDING = 65536;

export interface HttpHead {
  /** Request: method, uri; response: status, reason. */
  method: string;
  uri: string;
  status: number;
  reason: string;
  /** "1.1", "1.0". */
  version: string;
  /**
   * Header field lines as received ("Name: value"; an obsolete folded line
   * joined to its field with one space), in order, repeats kept. Names and
   * values are cut out when asked for (header(), headerValues()): most are
   * never looked at, so no strings are made for them.
   */
  fields: string[];
}

/** Whether field line l is named `name` (lower-case), case-insensitively, without a new string. */
function fieldIs(l: string, name: string): boolean {
  if (l.length <= name.length || l.charCodeAt(name.length) !== 0x3a) return false;
  for (let i = 0; i < name.length; i++) {
    let c = l.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** The value of field line l (after its colon, without surrounding whitespace). */
function fieldValue(l: string): string {
  let from = l.indexOf(':') + 1, to = l.length;
  while (from < to && isTrimmed(l.charCodeAt(from))) from++;
  while (to > from && isTrimmed(l.charCodeAt(to - 1))) to--;
  return l.slice(from, to);
}

/** The first value of header `name` (lower-case), or null. */
export function header(h: HttpHead, name: string): string | null {
  for (const l of h.fields) if (fieldIs(l, name)) return fieldValue(l);
  return null;
}

/** Every value of header `name` (lower-case), in order. */
export function headerValues(h: HttpHead, name: string): string[] {
  const out: string[] = [];
  for (const l of h.fields) if (fieldIs(l, name)) out.push(fieldValue(l));
  return out;
}

/** HTTP::proxy_headers (base/protocols/http/main.zeek), lower-case. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-from', 'client-ip', 'via', 'xroxy-connection', 'proxy-connection'];

/**
 * Zeek's username of an Authorization header (main.zeek, http_header): the user
 * of "Basic base64(user:password)" (Authorization or Proxy-Authorization); one
 * without a colon is "<problem-decoding> (value)", as Zeek writes it.
 */
function basicUser(value: string): string | null {
  if (!/^basic /i.test(value)) return null;
  const text = Buffer.from(value.replace(/^basic[ \t]+/i, ''), 'base64').toString('latin1');
  const colon = text.indexOf(':');
  return colon < 0 ? `<problem-decoding> (${value})` : text.slice(0, colon);
}

/** Body framing chosen when a head is complete. */
export type BodyMode = 'none' | 'length' | 'chunked' | 'close';

export interface MessageHooks {
  /** First byte of a message. */
  start(sec: number, nsec: number): void;
  /** Start line and headers parsed; returns how the body is framed (the parser proposes one). */
  head(h: HttpHead, proposed: BodyMode, length: number): BodyMode;
  /** Body bytes (decoded: chunk framing removed). */
  body(n: number): void;
  /** The message is complete (`truncated`: the stream ended inside it). */
  done(truncated: boolean): void;
  error(msg: string): void;
  /**
   * Bytes of the current message (or, outside one, of the stream) missing from the capture;
   * `interrupted`: parsing stops and resynchronises (else the bytes were inside a body).
   */
  gap(n: number, interrupted: boolean): void;
}

// The grammar (RFC 9112), matched by hand below without a match object per line:
//   token        /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
//   request-line /^(token) (\S+) HTTP\/(\d\.\d)$/
//   status-line  /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+.^_`|~-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[ch.charCodeAt(0)] = 1;

function isToken(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** What String.prototype.trim() removes, within Latin-1. */
function isTrimmed(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** "d.d" of "HTTP/d.d" at i, or null. */
function httpVersion(s: string, i: number): string | null {
  if (!s.startsWith('HTTP/', i) || !isDigit(s, i + 5) || s.charCodeAt(i + 6) !== 0x2e || !isDigit(s, i + 7)) return null;
  return s.slice(i + 5, i + 8);
}

/** request-line: method, request-target (no whitespace), version; or null. */
export function parseRequestLine(l: string): HttpHead | null {
  const sp1 = l.indexOf(' ');
  if (sp1 <= 0 || !isToken(l, 0, sp1)) return null;
  const sp2 = l.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 === sp1 + 1 || l.length !== sp2 + 9) return null;
  for (let i = sp1 + 1; i < sp2; i++) if (isTrimmed(l.charCodeAt(i))) return null;
  const version = httpVersion(l, sp2 + 1);
  if (version === null) return null;
  return { method: l.slice(0, sp1), uri: l.slice(sp1 + 1, sp2), status: 0, reason: '', version, fields: [] };
}

/** status-line: version, three-digit status, optional reason (no CR); or null. */
export function parseStatusLine(l: string): HttpHead | null {
  const version = httpVersion(l, 0);
  if (version === null || l.charCodeAt(8) !== 0x20 || !isDigit(l, 9) || !isDigit(l, 10) || !isDigit(l, 11)) return null;
  let reason = '';
  if (l.length > 12) {
    if (l.charCodeAt(12) !== 0x20) return null;
    reason = l.slice(13);
    if (reason.includes('\r')) return null;
  }
  return { method: '', uri: '', status: Number(l.slice(9, 12)), reason, version, fields: [] };
}

/**
 * A status line at the end of line l, after a gap: a body without a line end may run straight
 * into the next response ("…</html>HTTP/1.1 200 OK"), so the status line is looked for anywhere.
 */
function findStatusLine(l: string): HttpHead | null {
  for (let i = l.indexOf('HTTP/'); i >= 0; i = l.indexOf('HTTP/', i + 1)) {
    const h = parseStatusLine(i === 0 ? l : l.slice(i));
    if (h !== null) return h;
  }
  return null;
}

/** Methods a request line is looked for by after a gap (RFC 9110 and WebDAV's common ones). */
const RESYNC_METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT ', 'TRACE ', 'PROPFIND '];

/** A request line at the end of line l, after a gap (see findStatusLine): the earliest known method that starts one. */
function findRequestLine(l: string): HttpHead | null {
  const direct = parseRequestLine(l);
  if (direct !== null) return direct;
  if (httpVersion(l, l.length - 8) === null) return null;
  let best: HttpHead | null = null, at = l.length;
  for (const m of RESYNC_METHODS) {
    for (let i = l.indexOf(m); i >= 0 && i < at; i = l.indexOf(m, i + 1)) {
      const h = parseRequestLine(l.slice(i));
      if (h !== null) { best = h; at = i; break; }
    }
  }
  return best;
}

/** One direction of one connection. */
export class HttpMessageParser {
  private st: St = St.Start;
  private line = '';
  private head: HttpHead | null = null;
  private remaining = 0;
  private inMessage = false;
  /** In St.Resync: the current line grew past MAX_LINE (skipped to its end). */
  private skipLine = false;
  failed: string | null = null;

  constructor(readonly isRequest: boolean, private readonly hooks: MessageHooks) {}

  get idle(): boolean { return this.st === St.Start && !this.inMessage; }

  /** A new stream's state (for reuse by another connection). */
  reset(): void {
    this.st = St.Start;
    this.line = '';
    this.head = null;
    this.remaining = 0;
    this.inMessage = false;
    this.skipLine = false;
    this.failed = null;
  }

  /** Skips to the next start line (the stream began with bytes missing). */
  resync(): void { if (this.st === St.Start && !this.inMessage) this.st = St.Resync; }

  /** Stops parsing (a tunnel follows, or the other direction failed). */
  tunnel(): void { if (this.st !== St.Dead) this.st = St.Tunnel; }

  feed(b: Buffer, sec: number, nsec: number): void {
    let p = 0;
    const n = b.length;
    while (p < n) {
      switch (this.st) {
        case St.Dead: case St.Tunnel: return;
        case St.BodyLength: case St.ChunkData: {
          const k = Math.min(this.remaining, n - p);
          this.remaining -= k;
          p += k;
          this.hooks.body(k);
          if (this.remaining === 0) {
            if (this.st === St.BodyLength) this.finish(false);
            else this.st = St.ChunkEnd;
          }
          break;
        }
        case St.BodyClose:
          this.hooks.body(n - p);
          return;
        case St.Resync: {
          const lf = b.indexOf(0x0a, p);
          const end = lf < 0 ? n : lf;
          if (!this.skipLine) {
            if (this.line.length + (end - p) > MAX_LINE) { this.skipLine = true; this.line = ''; }
            else this.line += b.toString('latin1', p, end);
          }
          if (lf < 0) return;
          p = lf + 1;
          let l = this.line;
          this.line = '';
          if (this.skipLine) { this.skipLine = false; break; }
          if (l.endsWith('\r')) l = l.slice(0, -1);
          const head = this.isRequest ? findRequestLine(l) : findStatusLine(l);
          if (head !== null) {
            this.inMessage = true;
            this.hooks.start(sec, nsec);
            this.head = head;
            this.st = St.Headers;
          }
          break;
        }
        default: {
          if (this.st === St.Start && !this.inMessage) {
            // Empty lines before a message are tolerated (RFC 9112 §2.2).
            const c = b[p]!;
            if (c === 0x0d || c === 0x0a) { p++; continue; }
            this.inMessage = true;
            this.hooks.start(sec, nsec);
          }
          const lf = b.indexOf(0x0a, p);
          const end = lf < 0 ? n : lf;
          if (this.line.length + (end - p) > MAX_LINE) { this.fail('line too long'); return; }
          if (lf < 0) { this.line += b.toString('latin1', p, end); return; }
          let l: string;
          if (this.line === '') {
            // The whole line is in this piece: one string, without its CR.
            l = b.toString('latin1', p, end > p && b[end - 1] === 0x0d ? end - 1 : end);
          } else {
            l = this.line + b.toString('latin1', p, end);
            this.line = '';
            if (l.endsWith('\r')) l = l.slice(0, -1);
          }
          p = lf + 1;
          this.onLine(l);
        }
      }
    }
  }

  /**
   * Bytes never captured. Inside a body of known length (and within it), or a body read to the
   * end of the connection, they are skipped and counted into the body, as Zeek's
   * HTTP_Entity::Undelivered does; otherwise the message is ended (truncated) and parsing
   * resynchronises on the next start line.
   */
  gap(size: number): void {
    if (this.st === St.Dead || this.st === St.Tunnel) return;
    if (this.st === St.BodyClose) { this.hooks.gap(size, false); this.hooks.body(size); return; }
    if ((this.st === St.BodyLength || this.st === St.ChunkData) && size <= this.remaining) {
      this.hooks.gap(size, false);
      this.remaining -= size;
      this.hooks.body(size);
      if (this.remaining === 0) {
        if (this.st === St.BodyLength) this.finish(false);
        else this.st = St.ChunkEnd;
      }
      return;
    }
    // A head cut short still tells what it was (status, method, URI).
    if (this.st === St.Headers && this.head !== null) {
      this.hooks.head(this.head, 'none', 0);
      if (this.st !== St.Headers) { this.hooks.gap(size, false); return; } // a tunnel follows
    }
    this.hooks.gap(size, true);
    if (this.inMessage) {
      this.inMessage = false;
      this.hooks.done(true);
    }
    this.st = St.Resync;
    this.line = '';
    this.skipLine = false;
    this.head = null;
    this.remaining = 0;
  }

  /** The stream ended (FIN, RST, end of capture). */
  end(): void {
    if (this.st === St.BodyClose) { this.finish(false); return; }
    if (this.inMessage && this.st !== St.Dead && this.st !== St.Tunnel && this.st !== St.Resync) {
      this.hooks.done(true);
      this.inMessage = false;
    }
  }

  private fail(msg: string): void {
    if (this.st === St.Dead) return;
    this.st = St.Dead;
    this.failed = msg;
    this.hooks.error(msg);
  }

  private finish(truncated: boolean): void {
    this.st = St.Start;
    this.inMessage = false;
    this.head = null;
    this.hooks.done(truncated);
  }

  private onLine(l: string): void {
    switch (this.st) {
      case St.Start: {
        const head = this.isRequest ? parseRequestLine(l) : parseStatusLine(l);
        if (head === null) { this.fail(this.isRequest ? 'not an HTTP request line' : 'not an HTTP status line'); return; }
        this.head = head;
        this.st = St.Headers;
        return;
      }
      case St.Headers: case St.Trailers: {
        const h = this.head!;
        if (l === '') {
          if (this.st === St.Trailers) this.finish(false);
          else this.headDone(h);
          return;
        }
        const c = l.charCodeAt(0);
        if (c === 0x20 || c === 0x09) {
          // Obsolete line folding (RFC 9112 §5.2): joined to the previous field with one space.
          const n = h.fields.length;
          if (n === 0) { this.fail('continuation line without a header'); return; }
          h.fields[n - 1] = `${h.fields[n - 1]!.trimEnd()} ${l.trim()}`;
          return;
        }
        const colon = l.indexOf(':');
        if (colon <= 0 || !isToken(l, 0, colon)) { this.fail('malformed header line'); return; }
        if (h.fields.length >= MAX_HEADERS) { this.fail('too many header fields'); return; }
        if (this.st === St.Headers) h.fields.push(l);
        return;
      }
      case St.ChunkSize: {
        const semi = l.indexOf(';');
        const hex = (semi < 0 ? l : l.slice(0, semi)).trim();
        if (!/^[0-9a-fA-F]{1,13}$/.test(hex)) { this.fail('bad chunk size'); return; }
        const size = parseInt(hex, 16);
        if (size === 0) { this.st = St.Trailers; return; }
        this.remaining = size;
        this.st = St.ChunkData;
        return;
      }
      case St.ChunkEnd:
        if (l !== '') { this.fail('chunk data longer than its size'); return; }
        this.st = St.ChunkSize;
        return;
      default:
        return;
    }
  }

  private headDone(h: HttpHead): void {
    let proposed: BodyMode = this.isRequest ? 'none' : 'close';
    let length = 0;
    let te: string | null = null;
    let contentLength: string | null = null; // the one Content-Length value, when there is one
    let lengthFields = 0;
    for (const l of h.fields) {
      if (te === null && fieldIs(l, 'transfer-encoding')) te = fieldValue(l);
      else if (fieldIs(l, 'content-length')) { lengthFields++; contentLength = fieldValue(l); }
    }
    if (te !== null && /(^|,)\s*chunked\s*$/i.test(te)) proposed = 'chunked';
    else if (lengthFields > 0) {
      let v = contentLength!;
      if (lengthFields > 1 || v.includes(',')) {
        // Repeated or listed values must all agree (RFC 9110 §8.6).
        const vals = new Set(headerValues(h, 'content-length').flatMap((x) => x.split(',').map((y) => y.trim())));
        if (vals.size !== 1) { this.fail('bad Content-Length'); return; }
        v = [...vals][0]!;
      }
      if (!/^\d{1,15}$/.test(v)) { this.fail('bad Content-Length'); return; }
      proposed = 'length';
      length = Number(v);
    }
    const mode = this.hooks.head(h, proposed, length);
    if (this.st !== St.Headers) return; // the hook ended parsing (tunnel)
    switch (mode) {
      case 'none': this.finish(false); return;
      case 'length':
        if (length === 0) { this.finish(false); return; }
        this.remaining = length; this.st = St.BodyLength; return;
      case 'chunked': this.st = St.ChunkSize; return;
      case 'close': this.st = St.BodyClose; return;
    }
  }
}

/** One request and its response. Times are capture time stamps (sec, nsec); -1 when not seen. */
export interface HttpTransaction {
  method: string | null;
  uri: string | null;
  version: string | null;
  host: string | null;
  status: number | null;
  reason: string | null;
  /** Interim (1xx) statuses seen before the final one. */
  interim: number[];
  /** The last interim status's reason phrase (Zeek's info_msg), or null. */
  interimReason: string | null;
  /** Request headers Zeek's http.log keeps: Referer, User-Agent, Origin (null when absent). */
  referrer: string | null;
  userAgent: string | null;
  origin: string | null;
  /** The user of a Basic Authorization header (Zeek's username), or null. */
  username: string | null;
  /** Zeek's proxied: "NAME -> value" of each proxy header the request carries (HTTP::proxy_headers), or null. */
  proxied: string[] | null;
  requestSec: number;
  requestNsec: number;
  responseSec: number;
  responseNsec: number;
  /** The segment that carried the response's last byte (head or body); -1 when no response was seen. */
  responseEndSec: number;
  responseEndNsec: number;
  requestBodyBytes: number;
  responseBodyBytes: number;
  requestDone: boolean;
  responseDone: boolean;
  /** The stream ended inside the request or response (or a gap interrupted it). */
  truncated: boolean;
  /** Bytes of the request and response missing from the capture (skipped in a body, or where parsing stopped). */
  gapBytes: number;
}

function newTransaction(): HttpTransaction {
  return {
    method: null, uri: null, version: null, host: null, status: null, reason: null, interim: [], interimReason: null,
    referrer: null, userAgent: null, origin: null, username: null, proxied: null,
    requestSec: -1, requestNsec: 0, responseSec: -1, responseNsec: 0, responseEndSec: -1, responseEndNsec: 0,
    requestBodyBytes: 0, responseBodyBytes: 0, requestDone: false, responseDone: false, truncated: false, gapBytes: 0,
  };
}

/** Could these first client bytes be an HTTP request? true / false / null (need more bytes). */
export function looksLikeHttpRequest(b: Buffer): boolean | null {
  for (let i = 0; i < b.length && i < 24; i++) {
    const c = b[i]!;
    if (c === 0x20) return i >= 3;
    if (!((c >= 0x41 && c <= 0x5a) || c === 0x2d)) return false;
  }
  return b.length >= 24 ? false : null;
}

/**
 * Both directions of one connection. Feed the client's reassembled bytes to
 * `client()` and the server's to `server()`; transactions come out through
 * `onTransaction` in request order, each once (at the latest at `finish()`).
 * Malformed streams come out through `onError`, once per direction.
 *
 * Time and memory: the transactions waiting for their response are a queue
 * read from a moving head (no shift per response: linear in the number of
 * requests), compacted as it drains, and at most MAX_PENDING long: past that
 * the oldest is reported without its response (`onLimit`, once), and the
 * response that answers it later is parsed and not reported.
 */
export class HttpConversation {
  /** Transactions not yet reported, in request order, from `head` on. */
  private queue: (HttpTransaction | undefined)[] = [];
  private head = 0;
  /** Index in `queue` of the request the next response answers. */
  private answering = 0;
  /** Responses still to come for requests reported early (the pending bound). */
  private skipResponses = 0;
  /** A response being parsed that answers a request reported early: not recorded. */
  private skipping = false;
  private current: HttpTransaction | null = null;
  /** A gap interrupted the client's / server's stream since the last response began. */
  private reqGap = false;
  private respGap = false;
  /** Seen pipelining (see the response start hook): after a server gap, pairing stays in order. */
  private pipelined = false;
  /** null: not decided yet; false: not HTTP (everything ignored). */
  isHttp: boolean | null = null;
  /** Client bytes missing before anything decided isHttp (the first request lost). */
  private lostClient = 0;
  private probe: Buffer = EMPTY;
  private probeSec = 0;
  private probeNsec = 0;
  private orphanSec = -1;
  private orphanNsec = 0;
  /** The time stamp of the server bytes being parsed (a response's last byte is stamped with it). */
  private serverSec = 0;
  private serverNsec = 0;
  readonly req: HttpMessageParser;
  readonly resp: HttpMessageParser;
  onTransaction: (t: HttpTransaction) => void = () => {};
  onError: (side: 'client' | 'server', msg: string) => void = () => {};
  /** Called once when requests waiting for a response exceed MAX_PENDING. */
  onLimit: (pending: number) => void = () => {};
  count = 0;
  /** Requests reported before their response because of the pending bound. */
  reportedEarly = 0;

  constructor() {
    this.req = new HttpMessageParser(true, {
      start: (sec, nsec) => {
        const t = newTransaction();
        t.requestSec = sec; t.requestNsec = nsec;
        this.current = t;
        if (this.queue.length - this.head >= MAX_PENDING) this.reportOldest();
        this.queue.push(t);
      },
      head: (h, proposed) => {
        const t = this.current!;
        t.method = h.method; t.uri = h.uri; t.version = h.version; t.host = header(h, 'host');
        t.referrer = header(h, 'referer'); t.userAgent = header(h, 'user-agent'); t.origin = header(h, 'origin');
        for (const name of ['authorization', 'proxy-authorization']) {
          const auth = header(h, name);
          if (auth !== null) t.username = basicUser(auth) ?? t.username;
        }
        for (const name of PROXY_HEADERS) {
          for (const v of headerValues(h, name)) (t.proxied ??= []).push(`${name.toUpperCase()} -> ${v}`);
        }
        return proposed;
      },
      body: (n) => { if (this.current !== null) this.current.requestBodyBytes += n; },
      done: (truncated) => {
        const t = this.current!;
        t.requestDone = true;
        if (truncated) t.truncated = true;
        this.current = null;
        this.flush();
      },
      error: (msg) => { this.onError('client', msg); this.resp.tunnel(); },
      gap: (n, interrupted) => {
        if (this.current !== null) this.current.gapBytes += n;
        if (interrupted) this.reqGap = true;
      },
    });
    this.resp = new HttpMessageParser(false, {
      start: (sec, nsec) => {
        if (this.skipResponses > 0) { this.skipResponses--; this.skipping = true; return; }
        this.skipping = false;
        // A response that begins, outside any gap, while two requests or more await theirs: pipelining.
        if (!this.respGap && !this.reqGap && this.queue.length - this.answering >= 2) this.pipelined = true;
        if (this.respGap || this.reqGap) this.realign(sec, nsec);
        // A response nobody asked for becomes a transaction only once its status line parses.
        const t = this.queue[this.answering];
        if (t === undefined) { this.orphanSec = sec; this.orphanNsec = nsec; return; }
        if (t.responseSec < 0) { t.responseSec = sec; t.responseNsec = nsec; }
        t.responseEndSec = sec; t.responseEndNsec = nsec;
      },
      head: (h, proposed) => {
        if (this.skipping) return h.status === 204 || h.status === 304 || (h.status >= 100 && h.status < 200) ? 'none' : proposed;
        const t = this.answered();
        t.responseEndSec = this.serverSec; t.responseEndNsec = this.serverNsec;
        if (h.status >= 100 && h.status < 200 && h.status !== 101) {
          t.interim.push(h.status);
          t.interimReason = h.reason;
          return 'none';
        }
        t.status = h.status;
        t.reason = h.reason;
        if (h.status === 101 || (t.method === 'CONNECT' && h.status >= 200 && h.status < 300)) {
          t.responseDone = true;
          this.resp.tunnel();
          this.req.tunnel();
          this.flush();
          return 'none';
        }
        if (t.method === 'HEAD' || h.status === 204 || h.status === 304) return 'none';
        return proposed;
      },
      body: (n) => {
        if (this.skipping) return;
        const t = this.answered();
        t.responseBodyBytes += n;
        t.responseEndSec = this.serverSec; t.responseEndNsec = this.serverNsec;
      },
      done: (truncated) => {
        if (this.skipping) { this.skipping = false; return; }
        const t = this.answered();
        if (t.status === null && !truncated) return; // an interim response ended
        t.responseDone = true;
        if (truncated) t.truncated = true;
        this.answering++;
        this.flush();
      },
      error: (msg) => { this.onError('server', msg); },
      gap: (n, interrupted) => {
        if (interrupted) this.respGap = true;
        if (this.skipping) return;
        const t = this.queue[this.answering];
        if (t !== undefined) t.gapBytes += n;
      },
    });
  }

  /**
   * After a gap, before a response is paired in order: a response that begins before the
   * request at `answering` was sent answers a request lost in the client's gap (an orphan is
   * made for it); the request at `answering` whose successor was sent before this response
   * began was answered in the server's gap (reported without a response). Pipelined requests
   * make the second rule unsafe, so it applies only on a connection not seen pipelining.
   */
  private realign(sec: number, nsec: number): void {
    const before = (t: HttpTransaction): boolean => t.requestSec < sec || (t.requestSec === sec && t.requestNsec <= nsec);
    if (this.respGap && !this.pipelined) {
      for (;;) {
        const t = this.queue[this.answering], next = this.queue[this.answering + 1];
        if (t === undefined || next === undefined || !t.requestDone || !before(next)) break;
        t.responseDone = true;
        t.truncated = true;
        this.answering++;
      }
    }
    const t = this.queue[this.answering];
    if (this.reqGap && t !== undefined && !before(t)) {
      const orphan = newTransaction();
      orphan.requestDone = true;
      orphan.truncated = true;
      this.queue.splice(this.answering, 0, orphan);
    }
    this.reqGap = this.respGap = false;
    this.flush();
  }

  /** The pending bound: the oldest request is reported now, without its response. */
  private reportOldest(): void {
    const t = this.queue[this.head]!;
    if (this.reportedEarly === 0) this.onLimit(MAX_PENDING);
    this.reportedEarly++;
    this.queue[this.head] = undefined;
    this.head++;
    if (this.answering < this.head) { this.answering = this.head; this.skipResponses++; }
    t.requestDone = true;
    t.responseDone = true;
    this.count++;
    this.onTransaction(t);
    this.compact();
  }

  /** The transaction the response being parsed belongs to (an orphan one if the server answers unasked). */
  private answered(): HttpTransaction {
    let t = this.queue[this.answering];
    if (t === undefined) {
      t = newTransaction();
      t.requestDone = true;
      t.responseSec = this.orphanSec; t.responseNsec = this.orphanNsec;
      this.queue.push(t);
    }
    return t;
  }

  /** Reports finished transactions from the head of the queue. */
  private flush(): void {
    while (this.head < this.answering) {
      const t = this.queue[this.head]!;
      if (!t.responseDone || !t.requestDone) break;
      this.queue[this.head] = undefined;
      this.head++;
      this.count++;
      this.onTransaction(t);
    }
    this.compact();
  }

  /** Drops the reported slots before `head` once they are most of the array (amortised O(1) per transaction). */
  private compact(): void {
    const h = this.head;
    if (h < 1024 || h * 2 < this.queue.length) return;
    this.queue.copyWithin(0, h);
    this.queue.length -= h;
    this.answering -= h;
    this.head = 0;
  }

  /**
   * Between messages with nothing to remember but isHttp: every transaction
   * reported, both directions idle, no gap or pipelining or pending bound in
   * play. A view may then drop this state and continue later on a reset()
   * conversation with isHttp = true: the same records come out (the HTTP
   * view does, so an idle keep-alive connection costs it a few bytes).
   */
  get idle(): boolean {
    return this.isHttp === true && this.head === this.queue.length && this.current === null && this.skipResponses === 0
      && !this.skipping && !this.reqGap && !this.respGap && !this.pipelined && this.reportedEarly === 0
      && this.probe.length === 0 && this.req.idle && this.resp.idle && this.req.failed === null && this.resp.failed === null;
  }

  /** A new connection's state, keeping the callbacks (for reuse by another connection). */
  reset(): void {
    this.queue = [];
    this.head = 0;
    this.answering = 0;
    this.skipResponses = 0;
    this.skipping = false;
    this.current = null;
    this.reqGap = this.respGap = false;
    this.pipelined = false;
    this.isHttp = null;
    this.lostClient = 0;
    this.probe = EMPTY;
    this.probeSec = this.probeNsec = 0;
    this.orphanSec = -1;
    this.orphanNsec = 0;
    this.serverSec = this.serverNsec = 0;
    this.count = 0;
    this.reportedEarly = 0;
    this.req.reset();
    this.resp.reset();
  }

  client(b: Buffer, sec: number, nsec: number): void {
    if (this.isHttp === false) return;
    if (this.isHttp === null && this.lostClient > 0) {
      // The stream began inside a lost piece: both sides resynchronise on start lines, which
      // non-HTTP bytes never make, so nothing is reported for them.
      this.startLost();
      this.req.feed(b, sec, nsec);
      return;
    }
    if (this.isHttp === null) {
      if (this.probe.length === 0) {
        // The usual case: the first piece decides.
        const v = looksLikeHttpRequest(b);
        if (v !== null) {
          this.isHttp = v;
          if (v) this.req.feed(b, sec, nsec);
          return;
        }
      }
      this.probe = Buffer.concat([this.probe, b]);
      if (this.probe.length === b.length) { this.probeSec = sec; this.probeNsec = nsec; }
      const v = looksLikeHttpRequest(this.probe);
      if (v === null) return;
      this.isHttp = v;
      if (!v) return;
      const p = this.probe;
      this.probe = EMPTY;
      this.req.feed(p.subarray(0, p.length - b.length), this.probeSec, this.probeNsec);
      this.req.feed(b, sec, nsec);
      return;
    }
    this.req.feed(b, sec, nsec);
  }

  server(b: Buffer, sec: number, nsec: number): void {
    if (this.isHttp === false) return;
    if (this.isHttp === null && this.lostClient > 0) this.startLost(); // its request was lost
    if (this.isHttp === null) { this.isHttp = false; return; } // the server spoke first: not HTTP
    this.serverSec = sec; this.serverNsec = nsec;
    this.resp.feed(b, sec, nsec);
  }

  /** The first client bytes were lost (tshark still finds the response): parse both sides from their next start line. */
  private startLost(): void {
    this.isHttp = true;
    this.req.gap(this.lostClient);
    this.lostClient = 0;
    this.resp.resync();
  }

  clientGap(size: number): void {
    if (this.isHttp === null && this.probe.length === 0) { this.lostClient += size; return; }
    if (this.isHttp === null) this.isHttp = false;
    if (this.isHttp) this.req.gap(size);
  }

  serverGap(size: number): void {
    if (this.isHttp) this.resp.gap(size);
  }

  clientEnd(): void { if (this.isHttp) this.req.end(); }
  serverEnd(): void { if (this.isHttp) this.resp.end(); }

  /** End of the connection: every transaction left is reported (no response: status null). */
  finish(): void {
    if (!this.isHttp) return;
    this.req.end();
    this.resp.end();
    this.answering = this.queue.length;
    for (let i = this.head; i < this.queue.length; i++) { const t = this.queue[i]!; t.requestDone = true; t.responseDone = true; }
    this.flush();
  }
}
