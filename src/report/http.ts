/**
 * `http`: every HTTP/1.x request and its response. An HttpCollector is a
 * packet sink: each TCP connection gets its two reassembled streams
 * (src/track/reassembly.ts) fed to an HttpConversation (src/track/http.ts);
 * a connection is followed only while its client's first bytes look like an
 * HTTP request (any port). Records come out in request order per connection.
 */
import { IpProto, TcpFlag } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../frame.js';
import type { Connection } from '../track/tcp/connection.js';
import { HttpConversation, type HttpTransaction } from '../track/http.js';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL, ReassemblyBudget, type ReassemblyBounds, TcpStreams } from '../track/reassembly.js';
import { seqDiff } from '../track/tcp/seq.js';
import type { Tracker } from '../track/tracker.js';
import { safeText } from '../encode/addr.js';
import { connCommunityId } from '../encode/community-id.js';
import { formatDuration } from '../encode/events.js';
import type { Palette } from '../encode/palette.js';
import { DEFAULT_SPILL_MEMORY, LineSpill } from './spill.js';
import { round9, type TimeFormatter } from '../encode/time.js';


export class HttpCollector {
  /** Entries of the conversations in progress (each also in its Connection's viewState), in no order. */
  private readonly open: Entry[] = [];
  /** Finished entries, for reuse: bounded by the most connections in progress at once. */
  private readonly pool: Entry[] = [];
  /** Parked records for reuse. */
  private readonly parkedPool: Parked[] = [];
  private readonly budget: ReassemblyBudget;
  /** Time stamp of the frame being processed (what the streams deliver now arrived then). */
  sec = 0;
  nsec = 0;
  /** Connections parked now (idle HTTP keep-alive connections holding no Entry). */
  parked = 0;
  /** The seed of the Community IDs given to onTransaction (--community-id-seed). */
  communityIdSeed = 0;

  /**
   * onTransaction gets each transaction once, in request order per connection (encode/http-record.ts
   * makes the record); onError, once per stream, why it is no longer parsed;
   * onLimit, once per stream, that out-of-order bytes over the bounds were dropped.
   */
  constructor(readonly onTransaction: (connId: number, t: HttpTransaction, communityId: string) => void, readonly onError: (connId: number, side: string, msg: string) => void,
    readonly bounds: ReassemblyBounds = { maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL },
    readonly onLimit: (connId: number, side: string, heldBytes: number) => void = () => {},
    /** Park idle connections (false: every connection keeps its full state while it lasts; the tests compare the two). */
    private readonly park = true,
    /** Once per connection: more than `pending` requests waited for their responses, so the oldest were reported without. */
    readonly onPending: (connId: number, pending: number) => void = () => {}) {
    this.budget = new ReassemblyBudget(bounds.maxHeldTotal);
  }

  packet(_n: number, f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || c.proto !== IpProto.TCP) return;
    const tcp = d.tcp;
    const v = c.viewState;
    let e: Entry;
    if (v === null) {
      e = this.take(c.id, c.clientSide, connCommunityId(c, this.communityIdSeed));
      c.viewState = e;
    } else if (v instanceof Parked) {
      // An idle connection speaks again, or acknowledges bytes never seen: back to a full entry.
      const wakes = tcp.payloadEnd > tcp.payloadOff || (tcp.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0
        || ((tcp.flags & TcpFlag.ACK) !== 0 && seqDiff(tcp.ack, t.side === 0 ? v.next1 : v.next0) > 0);
      if (!wakes) return;
      e = this.take(v.id, v.clientSide, v.communityId);
      e.http.isHttp = true;
      e.streams.dir[0].resumeAt(v.next0);
      e.streams.dir[1].resumeAt(v.next1);
      this.parkedPool.push(v);
      this.parked--;
      c.viewState = e;
    } else {
      e = v as Entry;
    }
    if (!e.following) return;
    this.sec = f.tsSec;
    this.nsec = f.tsNsec;
    const s = e.streams;
    s.segment(t.side, tcp.seq, tcp.ack, tcp.flags, tcp.buf, tcp.payloadOff, tcp.payloadEnd);
    if (e.http.isHttp === false || (s.dir[0].ended && s.dir[1].ended)) {
      // Not HTTP (reassembly stops), or both streams are over (FIN or RST): nothing more can come
      // of it, so report now and reuse the entry, rather than hold it until the tracker lets the
      // conversation go.
      this.close(e);
      c.viewState = FINISHED;
    } else if (this.park && e.http.idle && s.dir[0].settled && s.dir[1].settled) {
      // Idle between transactions with every byte delivered: park it (a few numbers instead of
      // the streams and parsers), so connections held open cost little however many there are.
      const pk = this.parkedPool.pop() ?? new Parked();
      pk.id = e.id; pk.clientSide = e.clientSide; pk.communityId = e.communityId;
      pk.next0 = s.dir[0].next; pk.next1 = s.dir[1].next;
      this.release(e);
      this.pool.push(e);
      this.parked++;
      c.viewState = pk;
    }
  }

  /** The tracker ended this conversation (evicted, or the end of the trace). */
  conn(c: Connection): void {
    const v = c.viewState;
    c.viewState = null;
    if (v instanceof Parked) { this.parkedPool.push(v); this.parked--; return; } // idle: nothing left to report
    if (v !== null && v !== FINISHED) this.close(v as Entry);
  }

  /** Anything the tracker did not end (it ends every conversation at the end of the trace). */
  end(): void {
    while (this.open.length > 0) this.close(this.open[this.open.length - 1]!);
  }

  /** An entry for a connection (from the pool when one is free), in the list of open ones. */
  private take(id: number, clientSide: number, communityId: string): Entry {
    const e = this.pool.pop() ?? new Entry(this, this.budget);
    e.open(id, clientSide, communityId);
    e.slot = this.open.length;
    this.open.push(e);
    return e;
  }

  /** Out of the list of open entries: the last one takes its place. */
  private release(e: Entry): void {
    const last = this.open.pop()!;
    if (last !== e) { this.open[e.slot] = last; last.slot = e.slot; }
  }

  private close(e: Entry): void {
    this.release(e);
    if (e.following) e.streams.finish();
    e.http.finish();
    this.pool.push(e);
  }
}

/** What an idle (parked) connection keeps: its id, client side and the next sequence number each way (tracker sides). */
class Parked {
  id = 0;
  clientSide = 0;
  communityId = '';
  next0 = 0;
  next1 = 0;
}

class Entry {
  id = 0;
  /** The conversation's Community ID (kept here: the Connection is reused once the tracker lets it go). */
  communityId = '';
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
    http.onTransaction = (tx) => col.onTransaction(this.id, tx, this.communityId);
    http.onError = (side, msg) => col.onError(this.id, side, msg);
    http.onLimit = (pending) => col.onPending(this.id, pending);
    for (const i of [0, 1]) {
      this.streams.dir[i]!
        .onData((b) => { if (i === this.clientSide) http.client(b, col.sec, col.nsec); else http.server(b, col.sec, col.nsec); })
        .onGap((n) => { if (i === this.clientSide) http.clientGap(n); else http.serverGap(n); })
        .onEnd(() => { if (i === this.clientSide) http.clientEnd(); else http.serverEnd(); })
        .onLimit((held) => col.onLimit(this.id, i === this.clientSide ? 'client' : 'server', held));
    }
  }

  open(id: number, clientSide: number, communityId: string): void {
    this.id = id;
    this.communityId = communityId;
    this.clientSide = clientSide;
    this.following = true;
    this.streams.reset();
    this.http.reset();
  }
}

const HEAD = ['conn', 'time', 'method', 'host', 'uri', 'status', 'req body', 'resp body', 'ttfb', 'ttlb'];
const RIGHT = [false, false, false, false, false, true, true, true, true, true];
const STATUS = 5;

function tableLine(c: string[], w: number[]): string {
  let s = '';
  for (let i = 0; i < c.length; i++) {
    if (w[i] === 0) continue; // the time column with -t
    if (s !== '') s += '  ';
    s += RIGHT[i] ? c[i]!.padStart(w[i]!) : c[i]!.padEnd(w[i]!);
  }
  return s.trimEnd();
}

function paintRow(c: string[], line: string, p: Palette): string {
  const st = Number(c[STATUS]);
  return st >= 400 ? p.error(line) : c[STATUS] === '-' ? p.warn(line) : line;
}

/** Seconds from (sec, nsec) to (sec2, nsec2), as a table cell; '-' when either is missing. */
function span(sec: number, nsec: number, sec2: number, nsec2: number): string {
  return sec < 0 || sec2 < 0 ? '-' : formatDuration(round9((sec2 - sec) + (nsec2 - nsec) / 1e9));
}

/**
 * The human table: one row per request, in request order per connection:
 * when the request began (in --time's format), and the times to the
 * response's first byte (ttfb) and last byte (ttlb). Written at the end (its
 * columns are as wide as their widest cell), with bounded memory: each
 * transaction's cells go to a LineSpill (in memory up to 8 MiB, then a
 * temporary file) as they come, the widths are kept as they grow, and the rows
 * are read back and laid out at the end. No record object per transaction;
 * everything from the wire is escaped.
 */
export class HttpTableWriter {
  private readonly rows: LineSpill;
  private readonly widths = HEAD.map((h) => h.length);
  private readonly cells: string[] = new Array<string>(HEAD.length).fill('');

  constructor(private readonly p: Palette, memLimit = DEFAULT_SPILL_MEMORY, private readonly time: TimeFormatter | null = null) {
    this.rows = new LineSpill(memLimit);
    if (time === null || time.mode === 't') this.widths[1] = 0;
  }

  get count(): number { return this.rows.count; }
  get spilled(): boolean { return this.rows.spilled; }

  add(connId: number, t: HttpTransaction): void {
    const c = this.cells;
    c[0] = `#${connId}`;
    c[1] = this.widths[1] === 0 ? '' : t.requestSec >= 0 ? this.time!.cell(t.requestSec, t.requestNsec) : t.responseSec >= 0 ? this.time!.cell(t.responseSec, t.responseNsec) : '-';
    c[2] = t.method === null ? '-' : safeText(t.method);
    c[3] = t.host === null ? '-' : safeText(t.host);
    c[4] = t.uri === null ? '-' : safeText(t.uri);
    c[5] = t.status === null ? '-' : String(t.status);
    c[6] = String(t.requestBodyBytes);
    c[7] = String(t.responseBodyBytes);
    c[8] = span(t.requestSec, t.requestNsec, t.responseSec, t.responseNsec);
    c[9] = span(t.requestSec, t.requestNsec, t.responseEndSec, t.responseEndNsec);
    const w = this.widths;
    for (let i = 0; i < c.length; i++) if (w[i] !== 0 && c[i]!.length > w[i]!) w[i] = c[i]!.length;
    // safeText leaves no control byte in a cell, so NUL separates them.
    this.rows.push(c.join('\0'));
  }

  /** The table, line by line (or one line saying there was no HTTP); empties it. */
  write(line: (s: string) => void, filtered = false): void {
    const w = this.widths, p = this.p;
    if (this.rows.count === 0) {
      line(p.dim(filtered ? 'no HTTP request or response in the conversations matching the filter' : 'no HTTP/1.x requests or responses in this capture'));
      return;
    }
    line(p.bold(tableLine(HEAD, w)));
    this.rows.forEach((r) => {
      const c = r.split('\0');
      line(paintRow(c, tableLine(c, w), p));
    });
    this.rows.clear();
  }
}

/** Marks a connection whose entry was already reported and reused (its late segments are ignored). */
const FINISHED = Object.freeze({ following: false }) as unknown as Entry;
