/**
 * `capture --top`: the live connection table as text. Pure: rows + status +
 * terminal size in, lines out (no escape sequences other than the palette's
 * colours), so it is tested without a terminal. src/cli/top-command.ts owns
 * the terminal, the refresh and the keys.
 *
 * Everything here is built from numbers and enum names (addresses, ports,
 * counters, RFC 793 state names): no packet byte reaches the terminal.
 */
import { IpProto } from '../decode/constants.js';
import type { Connection } from '../track/tcp/connection.js';
import type { Tracker } from '../track/tracker.js';
import { ipv4, ipv6Words, safeText } from '../encode/addr.js';
import { eventText, formatDuration } from '../encode/events.js';
import { noColor, type Palette } from '../encode/palette.js';

/** One conversation as the table shows it. */
export interface TopRow {
  id: number;
  proto: 'TCP' | 'UDP';
  client: string;
  server: string;
  /** Current RFC 793 state of each end; '' when that end is not known yet, '-' for UDP. */
  clientState: string;
  serverState: string;
  /** The contract's handshake / teardown patterns so far ("complete/open"); "udp" for UDP. */
  pattern: string;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /** Recent payload bytes and packets per second, both directions together. */
  rate: number;
  pktRate: number;
  /** Seconds since the first packet. */
  age: number;
  /** Epoch seconds of the last packet (tie-break of the sort). */
  lastSeen: number;
  /** Closed on both ends or gone from the tracker: shown dimmed, then dropped after a few seconds. */
  ended: boolean;
}

export interface TopStatus {
  iface: string;
  /** Wall-clock time to show in the title, e.g. "14:03:22". */
  clock: string;
  /** Frames that passed the filter, and the kernel's counters (null when the backend has none). */
  captured: number;
  received: number | null;
  dropped: number | null;
  /** Conversations in the tracker now, and seen since the start. */
  active: number;
  seen: number;
  /** The capture health findings so far (track/health.ts kinds: over-mtu, checksum-offload, drops …); the summary after the screen says each in full. */
  health?: readonly string[];
}

function endpointIp(c: Connection, side: number): string {
  const a = c.addr, o = side === 0 ? 0 : 4;
  if (!c.v6) return ipv4(a[o + 3]! >>> 0);
  const w = new Uint16Array(8);
  for (let i = 0; i < 4; i++) { w[2 * i] = a[o + i]! >>> 16; w[2 * i + 1] = a[o + i]! & 0xffff; }
  return ipv6Words(w);
}

function endpoint(c: Connection, side: number): string {
  const ip = endpointIp(c, side);
  return c.v6 ? `[${ip}]:${c.port[side]}` : `${ip}:${c.port[side]}`;
}

/** The conversation as a row; `nowSec` is the wall clock in epoch seconds. */
export function connRow(c: Connection, nowSec: number, rate: number, pktRate: number, ended: boolean): TopRow {
  const cs = c.clientSide, ss = cs ^ 1;
  const tcp = c.proto === IpProto.TCP;
  const first = c.firstSec + c.firstNsec / 1e9;
  return {
    id: c.id,
    proto: tcp ? 'TCP' : 'UDP',
    client: endpoint(c, cs),
    server: endpoint(c, ss),
    clientState: tcp ? c.ep[cs].state ?? '' : '-',
    serverState: tcp ? c.ep[ss].state ?? '' : '-',
    pattern: tcp ? `${c.handshake}/${c.teardown}` : 'udp',
    packets: { client: c.ep[cs].packets, server: c.ep[ss].packets },
    bytes: { client: c.ep[cs].bytes, server: c.ep[ss].bytes },
    rate,
    pktRate,
    age: Math.max(0, nowSec - first),
    lastSeen: c.lastSec + c.lastNsec / 1e9,
    ended,
  };
}

/** Most active first: payload bytes/s, then packets/s, then the most recently seen; ended rows last. */
export function sortByActivity(rows: readonly TopRow[]): TopRow[] {
  return rows.slice().sort((a, b) =>
    Number(a.ended) - Number(b.ended)
    || b.rate - a.rate
    || b.pktRate - a.pktRate
    || b.lastSeen - a.lastSeen
    || a.id - b.id);
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(1)} GB`;
}

export function formatAge(sec: number): string {
  const s = Math.floor(sec);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor(s / 3600) % 24).padStart(2, '0')}h`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

type ColorKey = 'client' | 'server' | 'event' | 'flags' | null;

interface Column {
  title: string;
  /** Lower goes first when the terminal is too narrow. */
  priority: number;
  right: boolean;
  /** Widest the column grows to; longer cells are cut with '~'. */
  max: number;
  /** Narrowest it may be squeezed to. */
  min: number;
  color: ColorKey;
  cell(r: TopRow): string;
}

const COLUMNS: Column[] = [
  { title: '', priority: 10, right: false, max: 1, min: 1, color: null, cell: (r) => (r.ended ? '-' : ' ') },
  { title: 'ID', priority: 9, right: true, max: 8, min: 2, color: null, cell: (r) => String(r.id) },
  { title: 'PROTO', priority: 3, right: false, max: 5, min: 3, color: null, cell: (r) => r.proto },
  { title: 'CLIENT', priority: 10, right: false, max: 47, min: 9, color: 'client', cell: (r) => r.client },
  { title: 'STATE', priority: 10, right: false, max: 11, min: 11, color: 'event', cell: (r) => r.clientState },
  { title: 'SERVER', priority: 10, right: false, max: 47, min: 9, color: 'server', cell: (r) => r.server },
  { title: 'STATE', priority: 10, right: false, max: 11, min: 11, color: 'event', cell: (r) => r.serverState },
  { title: 'PATTERN', priority: 6, right: false, max: 29, min: 8, color: null, cell: (r) => r.pattern },
  { title: 'PKTS C/S', priority: 5, right: true, max: 17, min: 8, color: null, cell: (r) => `${r.packets.client}/${r.packets.server}` },
  { title: 'BYTES C/S', priority: 7, right: true, max: 21, min: 9, color: null, cell: (r) => `${formatBytes(r.bytes.client)}/${formatBytes(r.bytes.server)}` },
  { title: 'RATE', priority: 8, right: true, max: 11, min: 4, color: 'flags', cell: (r) => `${formatBytes(r.rate)}/s` },
  { title: 'AGE', priority: 4, right: true, max: 6, min: 3, color: null, cell: (r) => formatAge(r.age) },
];

const GAP = 2;

/** Pads or cuts plain text to exactly w columns. */
function fit(s: string, w: number, right: boolean): string {
  if (s.length > w) return w <= 1 ? s.slice(0, w) : `${s.slice(0, w - 1)}~`;
  return right ? s.padStart(w) : s.padEnd(w);
}

/** Cuts plain text to at most w columns. */
function cut(s: string, w: number): string {
  return s.length > w ? s.slice(0, Math.max(0, w)) : s;
}

/** Chooses the columns and their widths for the terminal width. */
function layout(rows: readonly TopRow[], width: number): { cols: Column[]; widths: number[] } {
  let cols = COLUMNS.slice();
  // A loop, not Math.max(...cells): a spread puts every row on the stack (hundreds of thousands throw).
  let widths = cols.map((c) => {
    let w = c.title.length;
    for (const r of rows) { const n = c.cell(r).length; if (n > w) w = n; }
    return Math.min(c.max, w);
  });
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  // Drop the least important columns while the line is too wide.
  while (total() > width) {
    let drop = -1;
    for (let i = 0; i < cols.length; i++) {
      if (cols[i]!.priority < 10 && (drop < 0 || cols[i]!.priority < cols[drop]!.priority)) drop = i;
    }
    if (drop < 0) break;
    cols = cols.filter((_, i) => i !== drop);
    widths = widths.filter((_, i) => i !== drop);
  }
  // Then squeeze the endpoints (and anything else above its minimum), widest first.
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < cols.length; i++) {
      if (widths[i]! > cols[i]!.min && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest] = Math.max(cols[widest]!.min, widths[widest]! - (total() - width));
  }
  return { cols, widths };
}

/** One line from cells, never wider than `width`; colours applied after cutting. */
function line(texts: string[], colors: ((s: string) => string)[], width: number): string {
  let out = '';
  let used = 0;
  for (let i = 0; i < texts.length && used < width; i++) {
    const sep = i === 0 ? '' : ' '.repeat(GAP);
    const t = cut(sep + texts[i]!, width - used);
    used += t.length;
    const body = t.slice(sep.length);
    out += t.slice(0, sep.length) + (body.trim() === '' ? body : colors[i]!(body));
  }
  return out;
}

/**
 * The whole screen: a title line, the column header, one line per
 * conversation (most active first, ended ones last and dimmed), and the
 * footer with the capture counters. At most `height` lines, none wider than
 * `width` columns (colour codes aside).
 */
export function renderTop(rows: readonly TopRow[], st: TopStatus, width: number, height: number, p: Palette = noColor): string[] {
  width = Math.max(10, width);
  height = Math.max(1, height);
  const sorted = sortByActivity(rows);
  const { cols, widths } = layout(sorted, width);
  const colorOf = (k: ColorKey): ((s: string) => string) => (k === null ? (s) => s : (s) => p[k](s));

  const closed = sorted.filter((r) => r.ended).length;
  const title = `netlens --top  ${safeText(st.iface)}  ${st.clock}  ${plural(st.active, 'conversation')} tracked, ${st.seen} seen`
    + (closed > 0 ? `, ${closed} just closed` : '');
  const counters = [plural(st.captured, 'packet') + ' captured'];
  if (st.received !== null) counters.push(`${st.received} received by filter`);
  if (st.dropped !== null) counters.push(`${st.dropped} dropped by kernel`);
  if (st.health !== undefined && st.health.length > 0) counters.push(`health: ${st.health.join(', ')} (in full on exit)`);
  const keys = '  q quit';
  let footer = counters.join(', ');
  footer = footer.length + keys.length <= width ? footer + keys : footer;

  const header = line(cols.map((c, i) => fit(c.title, widths[i]!, c.right)), cols.map(() => (s: string) => p.bold(s)), width);
  const out: string[] = [p.bold(cut(title, width)), header];
  const room = height - 3;
  const shown = sorted.length > room ? Math.max(0, room - 1) : sorted.length;
  for (let i = 0; i < shown; i++) {
    const r = sorted[i]!;
    const texts = cols.map((c, j) => fit(c.cell(r), widths[j]!, c.right));
    if (r.ended) out.push(p.dim(line(texts, cols.map(() => (s: string) => s), width)));
    else out.push(line(texts, cols.map((c) => colorOf(c.color)), width));
  }
  if (shown < sorted.length && room > 0) out.push(p.dim(cut(`  ... ${sorted.length - shown} more`, width)));
  if (sorted.length === 0 && room > 0) out.push(p.dim(cut('  (no TCP or UDP conversation yet)', width)));
  while (out.length < height - 1) out.push('');
  out.push(cut(footer, width));
  return out.slice(Math.max(0, out.length - height));
}

/** For the non-TTY mode: one line per state change the tracker's last frame caused. */
export function stateChangeLines(t: Tracker, c: Connection, time: string): string[] {
  const out: string[] = [];
  const head = `${time} #${c.id} ${c.proto === IpProto.TCP ? 'TCP' : 'UDP'} ${endpoint(c, c.clientSide)} > ${endpoint(c, c.clientSide ^ 1)}:`;
  for (let i = 0; i < t.eventCount; i++) out.push(`${head} ${eventText(t, i, c, true)}`);
  return out;
}

/** A conversation's one-line summary: when it ends (non-TTY mode) and after the table closes. */
export function summaryLine(c: Connection): string {
  const cs = c.clientSide, ss = cs ^ 1;
  const tcp = c.proto === IpProto.TCP;
  const head = `#${c.id} ${tcp ? 'TCP' : 'UDP'} ${endpoint(c, cs)} > ${endpoint(c, ss)}`;
  const pattern = tcp ? `  ${c.handshake}/${c.teardown}  ${c.ep[cs].state ?? '-'}/${c.ep[ss].state ?? '-'}` : '';
  return `${head}${pattern}  ${c.ep[cs].packets}/${c.ep[ss].packets} pkts, ${formatBytes(c.ep[cs].bytes)} / ${formatBytes(c.ep[ss].bytes)}, ${formatDuration(c.durationSec())}`;
}
