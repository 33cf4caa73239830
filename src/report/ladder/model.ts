/**
 * The ladder diagram of one TCP connection: the model shared by the text and
 * SVG renderers. A LadderCollector is a packet sink that takes what the
 * diagram needs from each frame of the chosen connection (numbers and short
 * strings; the frame's bytes are not kept) and turns the segments into rows as
 * they come: arrows, state changes on each side, HTTP lines, and collapsed
 * runs of bulk data (folded as they grow: at most MIN_RUN segments wait to
 * learn whether their run is long enough). Rows go to a callback, so nothing
 * grows with the connection's length; the head of the diagram (endpoints,
 * initial states, summary) is known at the end, in `finish()`.
 */
import { IpProto, TcpFlag } from '../../decode/constants.js';
import type { PacketDecoder } from '../../decode/packet-decoder.js';
import type { Frame } from '../../frame.js';
import type { Connection } from '../../track/tcp/connection.js';
import { Analysis, EventKind, type Tracker } from '../../track/tracker.js';
import { safeText } from '../../encode/addr.js';
import { formatDuration } from '../../encode/events.js';
import { connRecord } from '../../encode/conn-record.js';
import { tcpFlagLetters } from '../../encode/tcp-flags.js';

export interface LadderSegment {
  /** Seconds since the connection's first frame. */
  t: number;
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  win: number;
  analysis: number;
  /** State changes and patterns this frame caused, with the side they belong to. */
  events: { side: 'client' | 'server' | 'both'; text: string }[];
  http: string | null;
}

export type LadderRow =
  | { kind: 'arrow'; seg: LadderSegment; label: string; notes: string[] }
  | { kind: 'state'; side: 'client' | 'server'; t: number; text: string }
  | { kind: 'note'; t: number; text: string }
  | { kind: 'http'; fromClient: boolean; text: string }
  | { kind: 'collapsed'; t: number; t2: number; segments: number; toServer: number; toClient: number; bytesToServer: number; bytesToClient: number; dupAcks: number };

/** A whole diagram (the renderers' renderLadderText / renderLadderSvg take one; the commands stream rows instead). */
export interface LadderModel {
  client: string;
  server: string;
  id: number;
  rows: LadderRow[];
  /** Two short lines: the patterns, then the counts. */
  summary: [string, string];
  /** Zeek's conn_state and history (for the legend). */
  connState?: string;
  history?: string;
}

/** `<conn>` as the contract names it: a conversation id (`N`, or `#N` as the conns table prints it), or ip:port-ip:port (IPv6 in brackets). */
/** What a `<conn>` argument names: a conversation id, or its two endpoints (ip:port, in either order). */
export type ConnSelector = { id: number } | { a: string; b: string };

export function parseConnSelector(s: string): ConnSelector | null {
  if (/^#?\d+$/.test(s)) return { id: Number(s.startsWith('#') ? s.slice(1) : s) };
  const m = /^(\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+)-(\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+)$/.exec(s);
  return m ? { a: m[1]!, b: m[2]! } : null;
}

const selectorPorts = new WeakMap<object, [number, number]>();

/** Whether a conversation is the one `<conn>` names (by id, or by its two endpoints in either order). */
export function selectorMatches(selector: ConnSelector, c: Connection): boolean {
  if ('id' in selector) return c.id === selector.id;
  // The ports first: most conversations differ there, and no text is made for them.
  let ports = selectorPorts.get(selector);
  if (ports === undefined) {
    ports = [Number(selector.a.slice(selector.a.lastIndexOf(':') + 1)), Number(selector.b.slice(selector.b.lastIndexOf(':') + 1))];
    selectorPorts.set(selector, ports);
  }
  const p0 = c.port[0], p1 = c.port[1];
  if (!((p0 === ports[0] && p1 === ports[1]) || (p0 === ports[1] && p1 === ports[0]))) return false;
  const s = connRecord(c);
  const x = endpointText(s.client.ip, s.client.port), y = endpointText(s.server.ip, s.server.port);
  return (selector.a === x && selector.b === y) || (selector.a === y && selector.b === x);
}

export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const HTTP_START = /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|TRACE|CONNECT) \S+ HTTP\/1\.[01]$|^HTTP\/1\.[01] \d{3}( .*)?$/;

/** What the diagram shows around its rows: known once the connection ended (finish()). */
export interface LadderHead {
  client: string;
  server: string;
  id: number;
  /** Two short lines: the patterns, then the counts. */
  summary: [string, string];
  /** Each side's first state (drawn at the top of its lifeline). */
  start: { client: string; server: string };
  /** Zeek's conn_state and history of the connection (the summary's letters, which the legend explains). */
  connState: string;
  history: string;
  /** The TCP flags of the arrows drawn, OR-ed (the legend explains their letters). */
  flagsShown: number;
  /** Gaps between rows longer than this (seconds) are folded into a break under --time-scale. */
  foldThreshold: number;
}

/** Connection.viewState of a conversation the ladder has looked at: the one asked for, or not. */
const WANTED = Object.freeze({ oneConnectionView: true });
const UNWANTED = Object.freeze({ oneConnectionView: false });

/**
 * Whether c is the TCP connection a one-connection view (ladder, graph) draws: the first
 * conversation `<conn>` names (a tuple names the first one on it: port reuse starts new ids).
 * Decided once per conversation and kept on its viewState, so a frame costs a comparison.
 */
export function isDrawnConnection(selector: ConnSelector, c: Connection, alreadyFound: boolean): boolean {
  if (c.viewState === WANTED) return true;
  if (c.viewState === UNWANTED) return false;
  const v = !alreadyFound && selectorMatches(selector, c) && ('id' in selector || c.proto === IpProto.TCP);
  c.viewState = v ? WANTED : UNWANTED;
  return v;
}

export class LadderCollector {
  /** The connection drawn, while the tracker holds it (null before it is seen and once it ended). */
  conn: Connection | null = null;
  found = false;
  /** Segments of the connection seen. */
  segmentCount = 0;
  private client = '';
  private server = '';
  private id = -1;
  private head: LadderHead | null = null;
  private firstSec = 0;
  private firstNsec = 0;
  /** Sequence base of each side (ISN, or the first sequence number seen mid-stream); -1 until seen. */
  private clientBase = -1;
  private serverBase = -1;
  /** Foldable segments waiting to learn whether their run reaches MIN_RUN (fewer than MIN_RUN). */
  private pending: LadderSegment[] = [];
  /** The collapsed row of the run in progress (its first segment already drawn), or null. */
  private run: Extract<LadderRow, { kind: 'collapsed' }> | null = null;

  private flagsShown = 0;
  private readonly gaps = new GapStats();
  private readonly onRow: (r: LadderRow) => void;

  /** `full`: every segment its own arrow (no folding); `onRow` gets each row once, in order. */
  constructor(private readonly selector: { id: number } | { a: string; b: string }, private readonly full = false,
    onRow: (r: LadderRow) => void = () => {}) {
    this.onRow = (r) => {
      if (r.kind === 'arrow') this.flagsShown |= r.seg.flags;
      this.gaps.add(r);
      onRow(r);
    };
  }

  private wanted(c: Connection): boolean {
    return isDrawnConnection(this.selector, c, this.found);
  }

  packet(_n: number, f: Frame, d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null || c.proto !== IpProto.TCP || this.head !== null || !this.wanted(c)) return;
    if (!this.found) {
      this.found = true;
      this.conn = c;
      this.id = c.id;
      const sum = connRecord(c);
      this.client = endpointText(sum.client.ip, sum.client.port);
      this.server = endpointText(sum.server.ip, sum.server.port);
      this.firstSec = f.tsSec;
      this.firstNsec = f.tsNsec;
    }
    const tcp = d.tcp;
    const fromClient = t.side === c.clientSide;
    const events: LadderSegment['events'] = [];
    for (let i = 0; i < t.eventCount; i++) {
      const side = t.eventSide[i] === c.clientSide ? 'client' : 'server';
      switch (t.eventKind[i]) {
        case EventKind.STATE: events.push({ side, text: t.eventTo[i]! }); break;
        case EventKind.HANDSHAKE_COMPLETE: events.push({ side: 'both', text: t.eventValue[i]! >= 0 ? `handshake complete, rtt ${formatDuration(t.eventValue[i]!)}` : 'handshake complete' }); break;
        case EventKind.SIMULTANEOUS_OPEN: events.push({ side: 'both', text: 'simultaneous open' }); break;
        case EventKind.SIMULTANEOUS_CLOSE: events.push({ side: 'both', text: 'simultaneous close' }); break;
        case EventKind.REFUSED: events.push({ side: 'both', text: 'connection refused' }); break;
        case EventKind.RESET: events.push({ side: 'both', text: `reset by ${side}` }); break;
        case EventKind.HALF_CLOSE: events.push({ side: 'both', text: `half-close: ${side} sends in CLOSE_WAIT` }); break;
        default: break;
      }
    }
    let http: string | null = null;
    if (tcp.payloadEnd > tcp.payloadOff) {
      let e = tcp.payloadOff;
      while (e < tcp.payloadEnd && tcp.buf[e] !== 0x0d && tcp.buf[e] !== 0x0a && e - tcp.payloadOff < 200) e++;
      const first = tcp.buf.toString('latin1', tcp.payloadOff, e);
      if (HTTP_START.test(first)) http = safeText(first);
    }
    // Sequence numbers relative to each side's ISN, so the diagram starts at 0 on both sides.
    if (fromClient && this.clientBase < 0) this.clientBase = tcp.seq;
    if (!fromClient && this.serverBase < 0) this.serverBase = tcp.seq;
    const own = fromClient ? this.clientBase : this.serverBase;
    const peer = fromClient ? this.serverBase : this.clientBase;
    this.segment({
      t: (f.tsSec - this.firstSec) + (f.tsNsec - this.firstNsec) / 1e9,
      fromClient, flags: tcp.flags, seq: (tcp.seq - own) >>> 0,
      ack: peer < 0 ? tcp.ack : (tcp.ack - peer) >>> 0, len: tcp.payloadLength, win: tcp.window,
      analysis: t.analysis, events, http,
    });
  }

  /**
   * The tracker ended a conversation (PacketSink.conn): when it is the one
   * drawn, the head is taken now (its Connection may be reused once this returns).
   */
  connEnded(c: Connection): void {
    if (c === this.conn) this.finishWith(c);
  }

  /** The end of the source: the last rows, and the head (null when the connection was not found). */
  finish(): LadderHead | null {
    if (this.head === null && this.conn !== null) this.finishWith(this.conn);
    return this.head;
  }

  private finishWith(c: Connection): void {
    this.flushRun();
    const sum = connRecord(c);
    const rtt = sum.rtt !== null && sum.rtt !== undefined ? `, rtt ${formatDuration(sum.rtt)}` : '';
    this.head = {
      client: this.client, server: this.server, id: this.id,
      summary: [`#${this.id}: ${sum.handshake} / ${sum.teardown}, ${sum.connState} ${sum.history}`, `${this.segmentCount} segments${rtt}, ${sum.retransmissions} retransmitted`],
      start: initialStates(c),
      connState: sum.connState ?? '', history: sum.history ?? '', flagsShown: this.flagsShown, foldThreshold: this.gaps.foldThreshold(),
    };
    this.conn = null;
  }

  /** One segment: its rows now, or held while the run of foldable segments it belongs to may still be folded. */
  private segment(s: LadderSegment): void {
    this.segmentCount++;
    if (!this.full && foldable(s)) {
      const r = this.run;
      if (r !== null) { addToRun(r, s); return; }
      this.pending.push(s);
      if (this.pending.length === MIN_RUN) {
        // Long enough: its first segment is an arrow, the rest fold into one row.
        const [first, ...rest] = this.pending;
        this.pending = [];
        pushSegment(this.onRow, first!);
        const run: Extract<LadderRow, { kind: 'collapsed' }> = {
          kind: 'collapsed', t: rest[0]!.t, t2: rest[0]!.t, segments: 0, toServer: 0, toClient: 0, bytesToServer: 0, bytesToClient: 0, dupAcks: 0,
        };
        for (const x of rest) addToRun(run, x);
        this.run = run;
      }
      return;
    }
    this.flushRun();
    pushSegment(this.onRow, s);
  }

  /** The run in progress ends: its collapsed row, or the segments that were too few to fold. */
  private flushRun(): void {
    if (this.run !== null) { this.onRow(this.run); this.run = null; }
    for (const s of this.pending) pushSegment(this.onRow, s);
    this.pending = [];
  }
}

function addToRun(r: Extract<LadderRow, { kind: 'collapsed' }>, s: LadderSegment): void {
  r.t2 = s.t;
  r.segments++;
  if (s.fromClient) { r.toServer++; r.bytesToServer += s.len; } else { r.toClient++; r.bytesToClient += s.len; }
  if (s.analysis & Analysis.DUP_ACK) r.dupAcks++;
}

const NOTE_NAMES: [number, string][] = [
  [Analysis.FAST_RETRANSMISSION, 'fast-rexmit'],
  [Analysis.SPURIOUS_RETRANSMISSION, 'spurious'],
  [Analysis.RETRANSMISSION, 'rexmit'],
  [Analysis.OUT_OF_ORDER, 'ooo'],
  [Analysis.LOST_SEGMENT, 'lost'],
  [Analysis.ACK_LOST_SEGMENT, 'ack-unseen'],
  [Analysis.DUP_ACK, 'dup-ack'],
  [Analysis.ZERO_WINDOW, 'zero-win'],
  [Analysis.ZERO_WINDOW_PROBE, 'zwin-probe'],
  [Analysis.WINDOW_FULL, 'win-full'],
  [Analysis.KEEP_ALIVE, 'keep-alive'],
];

function notesOf(a: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of NOTE_NAMES) {
    if ((a & bit) === 0) continue;
    if (bit === Analysis.RETRANSMISSION && (a & (Analysis.FAST_RETRANSMISSION | Analysis.SPURIOUS_RETRANSMISSION))) continue;
    out.push(name);
  }
  return out;
}

/** tcpdump's letters, relative seq (and range for data), ack, and length. */
export function arrowLabel(s: LadderSegment): string {
  let l = tcpFlagLetters(s.flags);
  l += s.len > 0 ? ` ${s.seq}:${(s.seq + s.len) >>> 0}` : ` ${s.seq}`;
  if (s.flags & TcpFlag.ACK) l += ` ack ${s.ack}`;
  return l;
}

/** A segment that may be folded (plain data, a pure ACK, or a duplicate ACK: the run says how many) into a run: plain data or a pure ACK that changed nothing. */
function foldable(s: LadderSegment): boolean {
  return s.events.length === 0 && (s.analysis & ~(Analysis.DUP_ACK | Analysis.WINDOW_UPDATE)) === 0 && s.http === null
    && (s.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) === 0;
}

const MIN_RUN = 6;

function pushSegment(row: (r: LadderRow) => void, s: LadderSegment): void {
  row({ kind: 'arrow', seg: s, label: arrowLabel(s), notes: notesOf(s.analysis) });
  if (s.http !== null) row({ kind: 'http', fromClient: s.fromClient, text: s.http });
  for (const e of s.events) {
    if (e.side === 'both') row({ kind: 'note', t: s.t, text: e.text });
    else row({ kind: 'state', side: e.side, t: s.t, text: e.text });
  }
}

/** The initial state of each side (drawn at the top of its lifeline). */
export function initialStates(c: Connection): { client: string; server: string } {
  const cs = c.ep[c.clientSide].states, ss = c.ep[c.clientSide ^ 1].states;
  return { client: cs[0] ?? '', server: ss[0] ?? '' };
}

export function kB(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(2)} MB`;
}

// --- Time scale -------------------------------------------------------------

/**
 * Under --time-scale a gap between two rows is folded into a break of fixed
 * height when it is longer than FOLD_FACTOR times the median gap between rows
 * and longer than FOLD_MIN: a keep-alive idle of 30 s is one marked break, not
 * a picture metres tall. The rest is drawn to scale.
 */
export const FOLD_FACTOR = 10;
export const FOLD_MIN = 0.05;

/** The time a row stands at: an arrow's segment, a folded run's first segment; null for rows that belong to the arrow above them. */
export function rowTime(r: LadderRow): number | null {
  return r.kind === 'arrow' ? r.seg.t : r.kind === 'collapsed' ? r.t : null;
}

/** Walks the rows in order and says, for each row that stands at a time, the seconds since the one before (null for the first and for untimed rows). */
export class GapWalker {
  private last = NaN;

  gap(r: LadderRow): number | null {
    const t = rowTime(r);
    if (t === null) return null;
    const g = Number.isNaN(this.last) ? null : Math.max(0, t - this.last);
    this.last = t;
    return g;
  }
}

// Log-spaced buckets from 1 ns to 1e6 s, 100 a decade (each 2.3% wide), and one for gaps under 1 ns:
// the median in fixed memory, whatever the connection's length.
const PER_DECADE = 100;
const LOW_EXP = -9;
const BUCKETS = 15 * PER_DECADE;

/** The gaps between rows, for the median that sets the fold threshold. */
export class GapStats {
  private readonly walker = new GapWalker();
  private readonly hist = new Float64Array(BUCKETS + 1);
  private count = 0;

  add(r: LadderRow): void {
    const g = this.walker.gap(r);
    if (g === null) return;
    let i = 0;
    if (g >= 1e-9) i = 1 + Math.min(BUCKETS - 1, Math.floor((Math.log10(g) - LOW_EXP) * PER_DECADE));
    this.hist[i]!++;
    this.count++;
  }

  /** The median gap (to within its bucket's 2.3%), 0 when there are none. */
  median(): number {
    if (this.count === 0) return 0;
    const half = (this.count + 1) / 2;
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.hist[i]!;
      if (seen >= half) return i === 0 ? 0 : 10 ** ((i - 1 + 0.5) / PER_DECADE + LOW_EXP);
    }
    return 0;
  }

  foldThreshold(): number {
    return Math.max(FOLD_FACTOR * this.median(), FOLD_MIN);
  }
}

/** The threshold of a whole diagram's rows (renderLadderText / renderLadderSvg). */
export function foldThresholdOf(rows: Iterable<LadderRow>): number {
  const s = new GapStats();
  for (const r of rows) s.add(r);
  return s.foldThreshold();
}

/** A folded gap's length as the break shows it: 3 significant digits, `2.31 s`, `101 ms`, `312 s`. */
export function gapText(s: number): string {
  if (s >= 100) return `${Math.round(s)} s`;
  if (s >= 1) return `${s.toPrecision(3)} s`;
  if (s >= 1e-3) return `${Number((s * 1e3).toPrecision(3))} ms`;
  return `${Number((s * 1e6).toPrecision(3))} µs`;
}

// --- Legend -----------------------------------------------------------------

/** tcpdump's flag letters, in its order (print-tcp.c tcp_flag_values), with what they stand for. */
const FLAG_LEGEND: [number, string, string][] = [
  [TcpFlag.FIN, 'F', 'FIN'], [TcpFlag.SYN, 'S', 'SYN'], [TcpFlag.RST, 'R', 'RST'], [TcpFlag.PSH, 'P', 'PSH'],
  [TcpFlag.ACK, '.', 'ACK'], [TcpFlag.URG, 'U', 'URG'], [TcpFlag.ECE, 'E', 'ECN echo'], [TcpFlag.CWR, 'W', 'CWR'],
];

/** Zeek's history letters (base/protocols/conn/main.zeek): upper case from the originator (client), lower case from the responder (server). */
const HISTORY_LEGEND: Record<string, string> = {
  s: 'SYN', h: 'SYN-ACK', a: 'pure ACK', d: 'data', f: 'FIN', r: 'RST', c: 'bad checksum', g: 'content gap',
  t: 'retransmission', w: 'zero window', i: 'inconsistent (FIN+RST)', q: 'multi-flag (SYN+FIN or SYN+RST)',
};
const HISTORY_OTHER: Record<string, string> = { '^': 'direction flipped by Zeek\'s heuristic', x: 'analysis partial' };

/** Zeek's conn_state values (the same file). */
const STATE_LEGEND: Record<string, string> = {
  S0: 'attempt seen, no reply', S1: 'established, not terminated', SF: 'normal establishment and termination',
  REJ: 'attempt rejected', S2: 'established, client tried to close, no reply', S3: 'established, server tried to close, no reply',
  RSTO: 'established, client aborted (RST)', RSTR: 'server sent a RST', RSTOS0: 'client sent SYN then RST, no SYN-ACK',
  RSTRH: 'server sent SYN-ACK then RST, no SYN seen', SH: 'client sent SYN then FIN, no SYN-ACK',
  SHR: 'server sent SYN-ACK then FIN, no SYN seen', OTH: 'no SYN seen, midstream traffic',
};

export interface LegendGroup { title: string; entries: string[] }

/**
 * What the letters in the diagram mean, only those that occur: the flag letters
 * of the arrows drawn, the conn_state, and each distinct history letter.
 */
export function legendOf(flagsShown: number, connState: string, history: string): LegendGroup[] {
  const groups: LegendGroup[] = [];
  const flags = FLAG_LEGEND.filter(([bit]) => (flagsShown & bit) !== 0).map(([, l, m]) => `${l} ${m}`);
  if (flags.length) groups.push({ title: 'flags', entries: flags });
  if (STATE_LEGEND[connState] !== undefined) groups.push({ title: 'conn_state', entries: [`${connState} ${STATE_LEGEND[connState]}`] });
  const letters: string[] = [];
  for (const ch of history) {
    if (letters.includes(ch)) continue;
    letters.push(ch);
  }
  const entries: string[] = [];
  let repeated = '';
  for (const ch of letters) {
    const lower = ch.toLowerCase();
    if (HISTORY_OTHER[ch] !== undefined) entries.push(`${ch} ${HISTORY_OTHER[ch]}`);
    else if (HISTORY_LEGEND[lower] !== undefined) entries.push(`${ch} ${ch === lower ? 'server' : 'client'} ${HISTORY_LEGEND[lower]}`);
    else entries.push(`${ch} ?`);
    if (repeated === '' && 'cgtwCGTW'.includes(ch) && history.split(ch).length > 2) repeated = ch;
  }
  // c g t w count in powers of ten (Zeek's logarithmic letters).
  if (repeated !== '') entries.push(`${repeated.repeat(2)} 10 or more, ${repeated.repeat(3)} 100 or more`);
  if (entries.length) groups.push({ title: 'history', entries });
  return groups;
}

/** The legend as lines of at most `width` characters: `title: entry · entry`, wrapped under the first entry. */
export function legendLines(groups: readonly LegendGroup[], width: number, sep = ' · '): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const lead = `${g.title}: `;
    let line = lead;
    for (const e of g.entries) {
      const add = line === lead || line.trim() === '' ? e : sep + e;
      if (line.length + add.length > width && line.trim() !== '' && line !== lead) {
        out.push(line);
        line = ' '.repeat(lead.length) + e;
      } else line += add;
    }
    out.push(line);
  }
  return out;
}
