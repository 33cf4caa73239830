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
 */

const MAX_LINE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const MAX_HEADERS = 1000;

const enum St {
  Start, Headers, BodyLength, ChunkSize, ChunkData, ChunkEnd, Trailers, BodyClose, Dead, Tunnel,
}

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

/** One direction of one connection. */
export class HttpMessageParser {
  private st: St = St.Start;
  private line = '';
  private head: HttpHead | null = null;
  private remaining = 0;
  private inMessage = false;
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
    this.failed = null;
  }

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

  /** Bytes never captured: counted into a body when they fall inside one, else the stream is lost. */
  gap(size: number): void {
    if (this.st === St.Dead || this.st === St.Tunnel) return;
    if (this.st === St.BodyClose) { this.hooks.body(size); return; }
    if ((this.st === St.BodyLength || this.st === St.ChunkData) && size < this.remaining) {
      this.remaining -= size;
      this.hooks.body(size);
      return;
    }
    if (this.st === St.BodyLength && size === this.remaining) {
      this.remaining = 0;
      this.hooks.body(size);
      this.finish(false);
      return;
    }
    this.fail(`${size} bytes missing from the capture`);
  }

  /** The stream ended (FIN, RST, end of capture). */
  end(): void {
    if (this.st === St.BodyClose) { this.finish(false); return; }
    if (this.inMessage && this.st !== St.Dead && this.st !== St.Tunnel) {
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
  requestSec: number;
  requestNsec: number;
  responseSec: number;
  responseNsec: number;
  requestBodyBytes: number;
  responseBodyBytes: number;
  requestDone: boolean;
  responseDone: boolean;
  /** The stream ended inside the request or response. */
  truncated: boolean;
}

function newTransaction(): HttpTransaction {
  return {
    method: null, uri: null, version: null, host: null, status: null, reason: null, interim: [],
    requestSec: -1, requestNsec: 0, responseSec: -1, responseNsec: 0,
    requestBodyBytes: 0, responseBodyBytes: 0, requestDone: false, responseDone: false, truncated: false,
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
 */
export class HttpConversation {
  /** Transactions not yet reported, in request order. */
  private queue: HttpTransaction[] = [];
  /** Index in `queue` of the request the next response answers. */
  private answering = 0;
  private current: HttpTransaction | null = null;
  /** null: not decided yet; false: not HTTP (everything ignored). */
  isHttp: boolean | null = null;
  private probe: Buffer = EMPTY;
  private probeSec = 0;
  private probeNsec = 0;
  private orphanSec = -1;
  private orphanNsec = 0;
  readonly req: HttpMessageParser;
  readonly resp: HttpMessageParser;
  onTransaction: (t: HttpTransaction) => void = () => {};
  onError: (side: 'client' | 'server', msg: string) => void = () => {};
  count = 0;

  constructor() {
    this.req = new HttpMessageParser(true, {
      start: (sec, nsec) => {
        const t = newTransaction();
        t.requestSec = sec; t.requestNsec = nsec;
        this.current = t;
        this.queue.push(t);
      },
      head: (h, proposed) => {
        const t = this.current!;
        t.method = h.method; t.uri = h.uri; t.version = h.version; t.host = header(h, 'host');
        return proposed;
      },
      body: (n) => { this.current!.requestBodyBytes += n; },
      done: (truncated) => {
        const t = this.current!;
        t.requestDone = true;
        if (truncated) t.truncated = true;
        this.current = null;
        this.flush();
      },
      error: (msg) => { this.onError('client', msg); this.resp.tunnel(); },
    });
    this.resp = new HttpMessageParser(false, {
      start: (sec, nsec) => {
        // A response nobody asked for becomes a transaction only once its status line parses.
        const t = this.queue[this.answering];
        if (t === undefined) { this.orphanSec = sec; this.orphanNsec = nsec; return; }
        if (t.responseSec < 0) { t.responseSec = sec; t.responseNsec = nsec; }
      },
      head: (h, proposed) => {
        const t = this.answered();
        if (h.status >= 100 && h.status < 200 && h.status !== 101) {
          t.interim.push(h.status);
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
      body: (n) => { this.answered().responseBodyBytes += n; },
      done: (truncated) => {
        const t = this.answered();
        if (t.status === null) return; // an interim response ended
        t.responseDone = true;
        if (truncated) t.truncated = true;
        this.answering++;
        this.flush();
      },
      error: (msg) => { this.onError('server', msg); },
    });
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
    while (this.queue.length > 0 && this.answering > 0) {
      const t = this.queue[0]!;
      if (!t.responseDone || !t.requestDone) return;
      this.queue.shift();
      this.answering--;
      this.count++;
      this.onTransaction(t);
    }
  }

  /** A new connection's state, keeping the callbacks (for reuse by another connection). */
  reset(): void {
    this.queue = [];
    this.answering = 0;
    this.current = null;
    this.isHttp = null;
    this.probe = EMPTY;
    this.probeSec = this.probeNsec = 0;
    this.orphanSec = -1;
    this.orphanNsec = 0;
    this.count = 0;
    this.req.reset();
    this.resp.reset();
  }

  client(b: Buffer, sec: number, nsec: number): void {
    if (this.isHttp === false) return;
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
    if (this.isHttp === null) { this.isHttp = false; return; } // the server spoke first: not HTTP
    this.resp.feed(b, sec, nsec);
  }

  clientGap(size: number): void {
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
    for (const t of this.queue) { t.requestDone = true; t.responseDone = true; }
    this.flush();
  }
}
