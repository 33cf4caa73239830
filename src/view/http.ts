/**
 * `http`: every HTTP/1.x request and its response. An HttpCollector is a
 * packet sink: each TCP connection gets its two reassembled streams
 * (src/track/reassembly.ts) fed to an HttpConversation (src/track/http.ts);
 * a connection is followed only while its client's first bytes look like an
 * HTTP request (any port). Records come out in request order per connection.
 */
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../source/frame.js';
import type { Connection } from '../track/connection.js';
import { HttpConversation, type HttpTransaction } from '../track/http.js';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL, ReassemblyBudget, type ReassemblyBounds, TcpStreams } from '../track/reassembly.js';
import type { Tracker } from '../track/tracker.js';
import { safeText } from './addr.js';
import { formatDuration } from './events.js';
import type { Palette } from './palette.js';
import { round9, tsString, writeSeconds, writeTsString } from './time.js';
import type { Output } from '../cli/output.js';


export interface HttpRecord {
  type: 'http';
  conn: number;
  method: string | null;
  uri: string | null;
  host: string | null;
  status: number | null;
  requestTs: string | null;
  responseTs: string | null;
  latency: number | null;
  requestBodyBytes: number;
  responseBodyBytes: number;
  /** Bytes of the transaction missing from the capture (docs/records-hardening.md); only when some are. */
  gapBytes?: number;
}


export function httpRecord(connId: number, t: HttpTransaction): HttpRecord {
  const hasReq = t.requestSec >= 0, hasResp = t.responseSec >= 0;
  return {
    type: 'http', conn: connId, method: t.method, uri: t.uri, host: t.host, status: t.status,
    requestTs: hasReq ? tsString(t.requestSec, t.requestNsec) : null,
    responseTs: hasResp ? tsString(t.responseSec, t.responseNsec) : null,
    latency: hasReq && hasResp ? round9((t.responseSec - t.requestSec) + (t.responseNsec - t.requestNsec) / 1e9) : null,
    requestBodyBytes: t.requestBodyBytes, responseBodyBytes: t.responseBodyBytes,
    ...(t.gapBytes > 0 ? { gapBytes: t.gapBytes } : {}),
  };
}

/**
 * A JSON string; ASCII without quotes, backslashes or control bytes is written
 * as it is. The caller has reserved 6 bytes a character: JSON.stringify's
 * longest escape (\uXXXX), or 3 bytes of UTF-8.
 */
function writeJsonString(out: Output, s: string | null): void {
  if (s === null) { out.ascii('null'); return; }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) { out.utf8(JSON.stringify(s)); return; }
  }
  out.byte(34); out.ascii(s); out.byte(34);
}

/** A time stamp as a JSON string. */
function writeTs(out: Output, sec: number, nsec: number): void {
  out.byte(34); writeTsString(out, sec, nsec); out.byte(34);
}

/**
 * JSON.stringify(httpRecord(connId, t)) written straight into the output (a
 * test compares the two): no record object and no string per transaction.
 */
export function writeHttpJson(out: Output, connId: number, t: HttpTransaction): void {
  const hasReq = t.requestSec >= 0, hasResp = t.responseSec >= 0;
  out.reserve(512 + 6 * ((t.method?.length ?? 0) + (t.uri?.length ?? 0) + (t.host?.length ?? 0)));
  out.ascii('{"type":"http","conn":'); out.dec(connId);
  out.ascii(',"method":'); writeJsonString(out, t.method);
  out.ascii(',"uri":'); writeJsonString(out, t.uri);
  out.ascii(',"host":'); writeJsonString(out, t.host);
  out.ascii(',"status":'); if (t.status === null) out.ascii('null'); else out.dec(t.status);
  out.ascii(',"requestTs":'); if (hasReq) writeTs(out, t.requestSec, t.requestNsec); else out.ascii('null');
  out.ascii(',"responseTs":'); if (hasResp) writeTs(out, t.responseSec, t.responseNsec); else out.ascii('null');
  out.ascii(',"latency":');
  if (hasReq && hasResp) writeSeconds(out, (t.responseSec - t.requestSec) + (t.responseNsec - t.requestNsec) / 1e9);
  else out.ascii('null');
  out.ascii(',"requestBodyBytes":'); out.dec(t.requestBodyBytes);
  out.ascii(',"responseBodyBytes":'); out.dec(t.responseBodyBytes);
  if (t.gapBytes > 0) { out.ascii(',"gapBytes":'); out.dec(t.gapBytes); }
  out.byte(125);
  out.endLine();
}

export class HttpCollector {
  /** Entries of the conversations in progress (each also in its Connection's viewState), in no order. */
  private readonly open: Entry[] = [];
  /** Finished entries, for reuse: bounded by the most connections in progress at once. */
  private readonly pool: Entry[] = [];
  private readonly budget: ReassemblyBudget;
  /** Time stamp of the frame being processed (what the streams deliver now arrived then). */
  sec = 0;
  nsec = 0;

  /**
   * onTransaction gets each transaction once, in request order per connection (httpRecord() or
   * writeHttpJson() make the record); onError, once per stream, why it is no longer parsed;
   * onLimit, once per stream, that out-of-order bytes over the bounds were dropped.
   */
  constructor(readonly onTransaction: (connId: number, t: HttpTransaction) => void, readonly onError: (connId: number, side: string, msg: string) => void,
    readonly bounds: ReassemblyBounds = { maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL },
    readonly onLimit: (connId: number, side: string, heldBytes: number) => void = () => {}) {
    this.budget = new ReassemblyBudget(bounds.maxHeldTotal);
  }

  packet(_n: number, f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || c.proto !== IpProto.TCP) return;
    let e = c.viewState as Entry | null;
    if (e === null) {
      e = this.pool.pop() ?? new Entry(this, this.budget);
      e.open(c.id, c.clientSide);
      e.slot = this.open.length;
      this.open.push(e);
      c.viewState = e;
    }
    if (!e.following) return;
    this.sec = f.tsSec;
    this.nsec = f.tsNsec;
    const tcp = d.tcp;
    const s = e.streams;
    s.segment(t.side, tcp.seq, tcp.ack, tcp.flags, tcp.buf, tcp.payloadOff, tcp.payloadEnd);
    if (e.http.isHttp === false) {
      // Not HTTP: stop reassembling this connection.
      s.finish();
      e.following = false;
    } else if (s.dir[0].ended && s.dir[1].ended) {
      // Both streams are over (FIN or RST): nothing more can arrive, so report now and reuse
      // the entry, rather than hold it until the tracker lets the conversation go.
      this.close(e);
      c.viewState = FINISHED;
    }
  }

  /** The tracker ended this conversation (evicted, or the end of the trace). */
  conn(c: Connection): void {
    const e = c.viewState as Entry | null;
    c.viewState = null;
    if (e !== null && e !== FINISHED) this.close(e);
  }

  /** Anything the tracker did not end (it ends every conversation at the end of the trace). */
  end(): void {
    while (this.open.length > 0) this.close(this.open[this.open.length - 1]!);
  }

  private close(e: Entry): void {
    // Out of the list of open entries: the last one takes its place.
    const last = this.open.pop()!;
    if (last !== e) { this.open[e.slot] = last; last.slot = e.slot; }
    if (e.following) e.streams.finish();
    e.http.finish();
    this.pool.push(e);
  }
}

/**
 * One connection's streams and HTTP state. Its callbacks are made once and
 * read the entry's fields, so a finished entry is reused for a later
 * connection (open()) instead of being rebuilt: no closures per connection.
 */
class Entry {
  id = 0;
  /** Index in HttpCollector.open while the connection is in progress. */
  slot = 0;
  clientSide = 0;
  /** false once the connection turned out not to be HTTP (reassembly stopped). */
  following = true;
  readonly streams: TcpStreams;
  readonly http = new HttpConversation();

  constructor(col: HttpCollector, budget: ReassemblyBudget) {
    this.streams = new TcpStreams(col.bounds.maxHeld, budget);
    const http = this.http;
    http.onTransaction = (tx) => col.onTransaction(this.id, tx);
    http.onError = (side, msg) => col.onError(this.id, side, msg);
    for (const i of [0, 1]) {
      this.streams.dir[i]!
        .onData((b) => { if (i === this.clientSide) http.client(b, col.sec, col.nsec); else http.server(b, col.sec, col.nsec); })
        .onGap((n) => { if (i === this.clientSide) http.clientGap(n); else http.serverGap(n); })
        .onEnd(() => { if (i === this.clientSide) http.clientEnd(); else http.serverEnd(); })
        .onLimit((held) => col.onLimit(this.id, i === this.clientSide ? 'client' : 'server', held));
    }
  }

  open(id: number, clientSide: number): void {
    this.id = id;
    this.clientSide = clientSide;
    this.following = true;
    this.streams.reset();
    this.http.reset();
  }
}

/** The human table: one row per request. Everything from the wire is escaped. */
export function httpTable(rows: HttpRecord[], p: Palette): string[] {
  const cells = rows.map((r) => [
    `#${r.conn}`, safeText(r.method ?? '-'), safeText(r.host ?? '-'), safeText(r.uri ?? '-'),
    r.status === null ? '-' : String(r.status), String(r.requestBodyBytes), String(r.responseBodyBytes),
    r.latency === null ? '-' : formatDuration(r.latency),
  ]);
  const head = ['conn', 'method', 'host', 'uri', 'status', 'req body', 'resp body', 'latency'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const right = new Set([4, 5, 6, 7]);
  const fmt = (c: string[]): string => c.map((x, i) => (right.has(i) ? x.padStart(w[i]!) : x.padEnd(w[i]!))).join('  ').trimEnd();
  const out = [p.bold(fmt(head))];
  for (const c of cells) {
    const st = Number(c[4]);
    const line = fmt(c);
    out.push(st >= 400 ? p.error(line) : c[4] === '-' ? p.warn(line) : line);
  }
  return out;
}

/** Marks a connection whose entry was already reported and reused (its late segments are ignored). */
const FINISHED = Object.freeze({ following: false }) as unknown as Entry;
