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
import { ReassemblyBudget, TcpStreams } from '../track/reassembly.js';
import type { Tracker } from '../track/tracker.js';
import { safeText } from './addr.js';
import { formatDuration } from './events.js';
import type { Palette } from './palette.js';
import { tsString } from './time.js';

interface Entry {
  conn: Connection;
  streams: TcpStreams | null;
  http: HttpConversation;
}

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
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

export function httpRecord(connId: number, t: HttpTransaction): HttpRecord {
  const hasReq = t.requestSec >= 0, hasResp = t.responseSec >= 0;
  return {
    type: 'http', conn: connId, method: t.method, uri: t.uri, host: t.host, status: t.status,
    requestTs: hasReq ? tsString(t.requestSec, t.requestNsec) : null,
    responseTs: hasResp ? tsString(t.responseSec, t.responseNsec) : null,
    latency: hasReq && hasResp ? round9((t.responseSec - t.requestSec) + (t.responseNsec - t.requestNsec) / 1e9) : null,
    requestBodyBytes: t.requestBodyBytes, responseBodyBytes: t.responseBodyBytes,
  };
}

export class HttpCollector {
  private readonly entries = new Map<number, Entry>();
  private readonly budget = new ReassemblyBudget();
  private sec = 0;
  private nsec = 0;

  constructor(private readonly onRecord: (r: HttpRecord) => void, private readonly onError: (connId: number, side: string, msg: string) => void) {}

  packet(_n: number, f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || c.proto !== IpProto.TCP) return;
    let e = this.entries.get(c.id);
    if (e === undefined) {
      e = this.open(c);
      this.entries.set(c.id, e);
    }
    if (e.streams === null) return;
    this.sec = f.tsSec;
    this.nsec = f.tsNsec;
    const tcp = d.tcp;
    e.streams.segment(t.side, tcp.seq, tcp.ack, tcp.flags, tcp.buf, tcp.payloadOff, tcp.payloadEnd);
    if (e.http.isHttp === false) {
      // Not HTTP: stop reassembling this connection.
      e.streams.dir[0].finish();
      e.streams.dir[1].finish();
      e.streams = null;
    }
  }

  private open(c: Connection): Entry {
    const http = new HttpConversation();
    const streams = new TcpStreams(4 * 1024 * 1024, this.budget);
    const e: Entry = { conn: c, streams, http };
    http.onTransaction = (tx) => this.onRecord(httpRecord(c.id, tx));
    http.onError = (side, msg) => this.onError(c.id, side, msg);
    for (const i of [0, 1]) {
      const isClient = (): boolean => i === c.clientSide;
      streams.dir[i]!
        .onData((b) => { if (isClient()) http.client(b, this.sec, this.nsec); else http.server(b, this.sec, this.nsec); })
        .onGap((n) => { if (isClient()) http.clientGap(n); else http.serverGap(n); })
        .onEnd(() => { if (isClient()) http.clientEnd(); else http.serverEnd(); });
    }
    return e;
  }

  /** The tracker ended this conversation (evicted, or the end of the trace). */
  conn(c: Connection): void {
    const e = this.entries.get(c.id);
    if (e === undefined) return;
    this.entries.delete(c.id);
    e.streams?.finish();
    e.http.finish();
  }

  /** Anything the tracker did not end (it ends every conversation at the end of the trace). */
  end(): void {
    for (const e of this.entries.values()) this.conn(e.conn);
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
