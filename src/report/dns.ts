/**
 * `dns`: every DNS query and its response, over UDP and TCP (port 53). A
 * DnsCollector is a packet sink: a UDP datagram is one message; a TCP
 * connection gets its two reassembled streams (src/track/reassembly.ts) cut
 * into messages by their two-byte lengths (src/track/dns.ts). Each message is
 * read with the one DnsView (src/decode/dns.ts); queries wait in a bounded
 * table for their responses (track/dns.ts: a cap and a timeout in capture
 * time). A transaction is reported when its response comes, or unanswered when
 * it times out, is pushed out of a full table, or the capture ends.
 */
import { IpProto } from '../decode/constants.js';
import { DnsView, dnsTypeName } from '../decode/dns.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../frame.js';
import type { Connection } from '../track/tcp/connection.js';
import { DEFAULT_DNS_TIMEOUT, DEFAULT_MAX_PENDING, DEFAULT_RETRY_WINDOW, DnsPendingTable, DnsTcpFramer, type DnsAnswer, type DnsTransaction, type ExpiryReason } from '../track/dns.js';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL, ReassemblyBudget, TcpStreams } from '../track/reassembly.js';
import type { Tracker } from '../track/tracker.js';
import { ipv4At, ipv6At, safeText } from '../encode/addr.js';
import { endpointIp } from '../encode/conn-record.js';
import { dnsClassName, dnsRcodeName } from '../encode/dns-record.js';
import { formatDuration } from '../encode/events.js';
import type { Palette } from '../encode/palette.js';
import { round9, type TimeFormatter } from '../encode/time.js';
import { DEFAULT_SPILL_MEMORY, LineSpill } from './spill.js';

export const DNS_PORT = 53;

/** The dns view's bounds: pending queries (cap, timeout in seconds of capture time), the retry window, and TCP reassembly. */
export interface DnsBounds {
  maxPending: number;
  timeout: number;
  /** Seconds after a query's first copy within which another copy is a retry (later: a new transaction). */
  retryWindow: number;
  maxHeld: number;
  maxHeldTotal: number;
}

export const defaultDnsBounds: DnsBounds = { maxPending: DEFAULT_MAX_PENDING, timeout: DEFAULT_DNS_TIMEOUT, retryWindow: DEFAULT_RETRY_WINDOW, maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL };

export class DnsCollector {
  private readonly view = new DnsView();
  private readonly table: DnsPendingTable<DnsTransaction>;
  /** TCP connections in progress, and finished entries for reuse (bounded by the most open at once). */
  private readonly open: TcpEntry[] = [];
  private readonly pool: TcpEntry[] = [];
  private readonly budget: ReassemblyBudget;
  readonly bounds: DnsBounds;
  /** Time stamp of the frame being processed. */
  sec = 0;
  nsec = 0;
  /** The capture second from which packet() next looks for timed-out queries. */
  private nextSweep = 0;
  /** Given every message before it is paired (the view reset on it): Zeek's dns.log pairs them its own way. */
  onMessage: ((v: DnsView, c: Connection, transport: 'udp' | 'tcp') => void) | null = null;

  /**
   * onTransaction gets each transaction once: at its response, or unanswered
   * when it leaves the pending table (its `expired` says why); onLost, once
   * per TCP stream, that a gap lost the message framing.
   */
  constructor(readonly onTransaction: (t: DnsTransaction) => void, bounds: Partial<DnsBounds> = {},
    readonly onLost: (connId: number, side: string) => void = () => {}) {
    this.bounds = { ...defaultDnsBounds, ...bounds };
    this.budget = new ReassemblyBudget(this.bounds.maxHeldTotal);
    this.table = new DnsPendingTable<DnsTransaction>(Math.max(1, this.bounds.maxPending), this.bounds.timeout, (q, why) => this.expired(q, why));
  }

  /** Queries waiting for their responses now (never more than bounds.maxPending). */
  get pending(): number { return this.table.size; }

  /** Queries dropped unanswered because the pending table was full. */
  get evicted(): number { return this.table.evicted; }

  packet(_n: number, f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null) return;
    this.sec = f.tsSec;
    this.nsec = f.tsNsec;
    // Queries time out in capture time even while no DNS message comes (checked once a second of it).
    if (f.tsSec >= this.nextSweep) {
      this.nextSweep = f.tsSec + 1;
      if (this.table.size > 0) this.table.expire(f.tsSec, f.tsNsec);
    }
    if (c.proto === IpProto.UDP) {
      const udp = d.udp;
      if (udp.sport !== DNS_PORT && udp.dport !== DNS_PORT) return;
      this.message(udp.buf, udp.payloadOff, udp.payloadEnd, c, t.side, 'udp');
      return;
    }
    if (c.proto !== IpProto.TCP) return;
    const tcp = d.tcp;
    let e = c.viewState as TcpEntry | null;
    if (e === null) {
      // A connection whose SYN was not captured is not read: where its messages begin is unknown,
      // and a length read from the middle of one would make queries out of whatever follows.
      if ((tcp.sport !== DNS_PORT && tcp.dport !== DNS_PORT) || !c.handshakeSeen) { c.viewState = FINISHED; return; }
      e = this.take(c);
      c.viewState = e;
    }
    if (e === FINISHED) return;
    e.streams.segment(t.side, tcp.seq, tcp.ack, tcp.flags, tcp.buf, tcp.payloadOff, tcp.payloadEnd);
    if (e.streams.dir[0].ended && e.streams.dir[1].ended) {
      // Both streams are over (FIN or RST): report what is left now, and reuse the entry.
      this.close(e);
      c.viewState = FINISHED;
    }
  }

  /** The tracker ended this conversation (evicted, or the end of the trace). */
  conn(c: Connection): void {
    const v = c.viewState;
    c.viewState = null;
    if (v !== null && v !== FINISHED) this.close(v as TcpEntry);
  }

  /** The end of the capture: the TCP streams' last bytes, then every query still waiting, unanswered. */
  end(): void {
    while (this.open.length > 0) this.close(this.open[this.open.length - 1]!);
    this.table.flush();
  }

  /** One DNS message, buf[off, end), sent by tracker side `side` of `c`. */
  message(buf: Buffer, off: number, end: number, c: Connection, side: number, transport: 'udp' | 'tcp'): void {
    const v = this.view;
    if (!v.reset(buf, off, end)) return; // shorter than its header: nothing to pair
    if (this.onMessage !== null) this.onMessage(v, c, transport);
    this.table.expire(this.sec, this.nsec);
    let p = off + 12;
    let query: string | null = null, qtype = -1, qclass = -1;
    if (v.qdcount > 0) {
      const n = v.readName(p);
      p = n === null ? -1 : v.readQuestion(p);
      if (p >= 0) { query = bare(n!.name); qtype = v.rrType; qclass = v.rrClass; }
    }
    const response = v.isResponse;
    const cs = response ? side ^ 1 : side;
    const idKey = `${transport}${tupleKey(c, cs)}|${v.id}`;
    const key = query === null ? `${idKey}|-` : `${idKey}|${qtype}|${qclass}|${query.toLowerCase()}`;
    let tx = this.table.find(key);
    if (!response) {
      if (tx !== undefined && !tx.answered) {
        if ((this.sec - tx.querySec) + (this.nsec - tx.queryNsec) / 1e9 <= this.bounds.retryWindow) { tx.retries++; return; }
        // Sent again after the retry window: the first went unanswered, this is a new transaction (as tshark counts them).
        this.table.remove(tx);
        this.expired(tx, 'resent');
      } else if (tx !== undefined) {
        this.table.remove(tx); // an answered, retried query's record, kept for its copies' answers: this is a new query
      }
      tx = newTransaction(key, idKey, v.id, transport, c, cs, v.opcode, query, qtype, qclass);
      tx.querySec = this.sec;
      tx.queryNsec = this.nsec;
      tx.queryFlags = v.flags;
      this.table.add(tx);
      return;
    }
    if (tx === undefined && query === null) tx = this.table.findById(idKey);
    if (tx !== undefined && tx.answered) return; // a second response to a retried query, already reported
    if (tx === undefined) {
      // A response whose query was not captured (or already reported unanswered).
      tx = newTransaction(key, idKey, v.id, transport, c, cs, v.opcode, query, qtype, qclass);
    } else if (tx.retries > 0) {
      // Kept (answered) until its timeout: the responses to the other copies are not new transactions.
      tx.answered = true;
    } else {
      this.table.remove(tx);
    }
    tx.responseSec = this.sec;
    tx.responseNsec = this.nsec;
    tx.rcode = v.rcode;
    tx.truncated = v.tc;
    tx.responseFlags = v.flags;
    if (p >= 0) {
      for (let i = 1; i < v.qdcount && p >= 0; i++) p = v.readQuestion(p);
      for (let i = 0; i < v.ancount && p >= 0; i++) {
        const n = v.readName(p);
        p = v.readRecord(p);
        if (n === null || p < 0) break;
        tx.answers.push({ name: bare(n.name), type: v.rrType, ttl: v.rrTtl, data: rdataText(v) });
      }
    }
    this.onTransaction(tx);
  }

  private expired(q: DnsTransaction, why: ExpiryReason): void {
    q.expired = why;
    this.onTransaction(q);
  }

  private take(c: Connection): TcpEntry {
    const e = this.pool.pop() ?? new TcpEntry(this, this.budget);
    e.open(c);
    e.slot = this.open.length;
    this.open.push(e);
    return e;
  }

  private close(e: TcpEntry): void {
    const last = this.open.pop()!;
    if (last !== e) { this.open[e.slot] = last; last.slot = e.slot; }
    e.streams.finish();
    e.conn = null;
    this.pool.push(e);
  }
}

/** One TCP connection to or from port 53: its streams, cut into messages. */
class TcpEntry {
  conn: Connection | null = null;
  /** Index in DnsCollector.open while the connection is in progress. */
  slot = 0;
  readonly streams: TcpStreams;
  readonly framers: [DnsTcpFramer, DnsTcpFramer];

  constructor(col: DnsCollector, budget: ReassemblyBudget) {
    this.streams = new TcpStreams(col.bounds.maxHeld, budget);
    const framer = (side: number): DnsTcpFramer => new DnsTcpFramer((b, off, end) => { if (this.conn !== null) col.message(b, off, end, this.conn, side, 'tcp'); });
    this.framers = [framer(0), framer(1)];
    for (const i of [0, 1]) {
      this.streams.dir[i]!
        .onData((b) => this.framers[i]!.data(b))
        .onGap(() => {
          if (!this.framers[i]!.lost && this.conn !== null) col.onLost(this.conn.id, i === this.conn.clientSide ? 'client' : 'server');
          this.framers[i]!.gap();
        });
    }
  }

  open(c: Connection): void {
    this.conn = c;
    this.streams.reset();
    this.framers[0].reset();
    this.framers[1].reset();
  }
}

/** Marks a connection that is not DNS, or whose entry was already reported and reused. */
const FINISHED = Object.freeze({}) as unknown as TcpEntry;

/** Both ends of a conversation, client first, as numbers (cheaper than the addresses' text). */
function tupleKey(c: Connection, cs: number): string {
  const a = c.addr, o = cs * 4, s = (cs ^ 1) * 4;
  return `${a[o]},${a[o + 1]},${a[o + 2]},${a[o + 3]}:${c.port[cs]}>${a[s]},${a[s + 1]},${a[s + 2]},${a[s + 3]}:${c.port[cs ^ 1]}`;
}

function newTransaction(key: string, idKey: string, id: number, transport: 'udp' | 'tcp', c: Connection, cs: number, opcode: number,
  query: string | null, qtype: number, qclass: number): DnsTransaction {
  return {
    key, idKey, answered: false, id, transport, conn: c.id,
    clientIp: endpointIp(c, cs), clientPort: c.port[cs]!, serverIp: endpointIp(c, cs ^ 1), serverPort: c.port[cs ^ 1]!,
    opcode, query, qtype, qclass, querySec: -1, queryNsec: -1, responseSec: -1, responseNsec: -1,
    rcode: -1, truncated: false, queryFlags: -1, responseFlags: -1, answers: [], retries: 0, expired: null,
  };
}

/**
 * A name without its final dot (as tshark and Zeek show names); the root stays ".". Its
 * escapes in RFC 1035 §5.1's presentation form, as dig writes them and as the TXT strings
 * below: `\.` and `\\` for a dot or backslash inside a label, `\DDD` (decimal) for the rest.
 * (DnsView.readName escapes in octal, as tcpdump's printer shows names.)
 */
function bare(name: string): string {
  const n = name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name;
  return n.includes('\\') ? n.replace(OCTAL_ESCAPE, presentationEscape) : n;
}

const OCTAL_ESCAPE = /\\([0-7]{3})/g;

function presentationEscape(_: string, octal: string): string {
  const c = parseInt(octal, 8);
  return c === 0x2e ? '\\.' : c === 0x5c ? '\\\\' : `\\${String(c).padStart(3, '0')}`;
}

/** A character-string's bytes in presentation form (RFC 1035 §5.1): printable ASCII, `\"`, `\\`, and \DDD for the rest. */
function characterString(b: Buffer, from: number, to: number): string {
  let s = '"';
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    s += c === 0x22 || c === 0x5c ? `\\${String.fromCharCode(c)}` : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${String(c).padStart(3, '0')}`;
  }
  return s + '"';
}

function nameAt(v: DnsView, p: number): string | null {
  const n = v.readName(p);
  return n === null ? null : bare(n.name);
}

/**
 * The record DnsView.readRecord last read, its data as dig shows it (names
 * without the final dot): addresses, names, MX and SRV with their numbers,
 * TXT's quoted strings, SOA's seven fields; any other type (or data that does
 * not parse) in RFC 3597's generic form, `\# LENGTH HEX`.
 */
function rdataText(v: DnsView): string {
  const b = v.buf, rd = v.rdOff, len = v.rdLen, end = rd + len;
  switch (v.rrType) {
    case 1: if (len === 4) return ipv4At(b, rd); break;
    case 28: if (len === 16) return ipv6At(b, rd); break;
    case 2: case 5: case 12: case 39: { const n = nameAt(v, rd); if (n !== null) return n; break; }
    case 15: if (len >= 3) { const n = nameAt(v, rd + 2); if (n !== null) return `${b.readUInt16BE(rd)} ${n}`; } break;
    case 33: if (len >= 7) { const n = nameAt(v, rd + 6); if (n !== null) return `${b.readUInt16BE(rd)} ${b.readUInt16BE(rd + 2)} ${b.readUInt16BE(rd + 4)} ${n}`; } break;
    case 16: case 99: {
      let s = '';
      let q = rd;
      while (q < end && q + 1 + b[q]! <= end) { s += (s === '' ? '' : ' ') + characterString(b, q + 1, q + 1 + b[q]!); q += 1 + b[q]!; }
      if (q === end) return s;
      break;
    }
    case 6: {
      const m = v.readName(rd);
      const r = m === null ? null : v.readName(m.next);
      if (m !== null && r !== null && r.next + 20 <= end) {
        let s = `${bare(m.name)} ${bare(r.name)}`;
        for (let k = 0; k < 5; k++) s += ` ${b.readUInt32BE(r.next + 4 * k)}`;
        return s;
      }
      break;
    }
    default: break;
  }
  return `\\# ${len}${len > 0 ? ' ' + b.toString('hex', rd, end) : ''}`;
}

const HEAD = ['conn', 'time', 'proto', 'client', 'server', 'id', 'query', 'type', 'rcode', 'answers', 'rtt', 'retries'];
const RIGHT = [false, false, false, false, false, true, false, false, false, false, true, true];
const RCODE = 8;

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
  return c[RCODE] === '-' ? p.warn(line) : !c[RCODE]!.startsWith('NOERROR') ? p.error(line) : line;
}

/**
 * A cell of text from the wire. The decoder already wrote every byte of a name
 * outside printable ASCII as \ddd, and TXT data is in presentation form, so this
 * only guards (safeText would double their backslashes).
 */
function wireCell(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : safeText(s);
}

function endpointCell(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The answers cell: the first answer's data, and how many more. */
function answersCell(answers: DnsAnswer[]): string {
  if (answers.length === 0) return '-';
  const first = wireCell(answers[0]!.data);
  const shown = first.length > 48 ? `${first.slice(0, 47)}${'~'}` : first;
  return answers.length > 1 ? `${shown} (+${answers.length - 1})` : shown;
}

/**
 * The human table: one row per transaction, in the order they were reported
 * (at the response, or when an unanswered query timed out): when the query
 * was sent (in --time's format), the two ends, the question, the response's
 * rcode ('-' without one), the first answer and how many more, the rtt and
 * the retries. Written at the end with bounded memory, as the http table is:
 * rows go to a LineSpill as they come, the widths are kept as they grow.
 */
export class DnsTableWriter {
  private readonly rows: LineSpill;
  private readonly widths = HEAD.map((h) => h.length);
  private readonly cells: string[] = new Array<string>(HEAD.length).fill('');

  constructor(private readonly p: Palette, memLimit = DEFAULT_SPILL_MEMORY, private readonly time: TimeFormatter | null = null) {
    this.rows = new LineSpill(memLimit);
    if (time === null || time.mode === 't') this.widths[1] = 0;
  }

  get count(): number { return this.rows.count; }
  get spilled(): boolean { return this.rows.spilled; }

  add(t: DnsTransaction): void {
    const c = this.cells;
    const hasQuery = t.querySec >= 0, hasResponse = t.responseSec >= 0;
    c[0] = `#${t.conn}`;
    c[1] = this.widths[1] === 0 ? '' : hasQuery ? this.time!.cell(t.querySec, t.queryNsec) : this.time!.cell(t.responseSec, t.responseNsec);
    c[2] = t.transport;
    c[3] = endpointCell(t.clientIp, t.clientPort);
    c[4] = endpointCell(t.serverIp, t.serverPort);
    c[5] = String(t.id);
    c[6] = t.query === null ? '-' : wireCell(t.query);
    c[7] = t.qtype < 0 ? '-' : dnsTypeName(t.qtype) + (t.qclass !== 1 ? ` ${dnsClassName(t.qclass)}` : '');
    c[8] = hasResponse ? dnsRcodeName(t.rcode) + (t.truncated ? ' (TC)' : '') : '-';
    c[9] = answersCell(t.answers);
    c[10] = hasQuery && hasResponse ? formatDuration(round9((t.responseSec - t.querySec) + (t.responseNsec - t.queryNsec) / 1e9)) : '-';
    c[11] = String(t.retries);
    const w = this.widths;
    for (let i = 0; i < c.length; i++) if (w[i] !== 0 && c[i]!.length > w[i]!) w[i] = c[i]!.length;
    // safeText leaves no control byte in a cell, so NUL separates them.
    this.rows.push(c.join('\0'));
  }

  /** The table, line by line (or one line saying there was no DNS); empties it. */
  write(line: (s: string) => void, filtered = false): void {
    const w = this.widths, p = this.p;
    if (this.rows.count === 0) {
      line(p.dim(filtered ? 'no DNS query or response in the conversations matching the filter' : 'no DNS queries or responses (port 53) in this capture'));
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
