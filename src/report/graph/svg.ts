/**
 * A TCP stream graph as a standalone SVG document (no external assets; every
 * text escaped): tcptrace's time-sequence graph, throughput, RTT and window.
 * Elements carry their meaning as a class (segment, retransmission,
 * out-of-order, sack, zero-window, ack, rwin, rtt, throughput, goodput,
 * inflight), so a test or a stylesheet can find them.
 */
import type { GraphHead, Series } from './model.js';

const WIDTH = 960;
const HEIGHT = 600;
const LEFT = 96;
const RIGHT = WIDTH - 24;
const TOP = 76;
const BOTTOM = HEIGHT - 64;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A pixel coordinate: one decimal keeps the file small and the same on every run. */
function px(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** 1, 2 or 5 times a power of ten, near range / target. */
export function niceStep(range: number, target: number): number {
  const raw = range / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

interface Unit { div: number; name: string }

/** Seconds in µs, ms or s, by the axis's largest value. */
function timeUnit(max: number): Unit {
  if (max < 1e-3) return { div: 1e-6, name: 'µs' };
  if (max < 1) return { div: 1e-3, name: 'ms' };
  return { div: 1, name: 's' };
}

/** Bytes (or bytes per second) in B, kB, MB or GB (decimal, as the other views print sizes). */
function byteUnit(max: number, per = ''): Unit {
  if (max < 1e3) return { div: 1, name: `B${per}` };
  if (max < 1e6) return { div: 1e3, name: `kB${per}` };
  if (max < 1e9) return { div: 1e6, name: `MB${per}` };
  return { div: 1e9, name: `GB${per}` };
}

/** One axis: a value range mapped onto pixels, with its unit and label. */
class Axis {
  readonly step: number;
  readonly unit: Unit;
  constructor(readonly min: number, readonly max: number, readonly p0: number, readonly p1: number, unit: Unit, readonly label: string, ticks: number) {
    this.step = niceStep(max - min, ticks);
    this.unit = unit;
  }

  at(v: number): number {
    return this.p0 + ((v - this.min) / (this.max - this.min)) * (this.p1 - this.p0);
  }

  ticks(): { v: number; text: string }[] {
    const out: { v: number; text: string }[] = [];
    const decimals = Math.max(0, -Math.floor(Math.log10(this.step / this.unit.div) + 1e-9));
    for (let i = Math.ceil(this.min / this.step - 1e-9); i * this.step <= this.max * (1 + 1e-9); i++) {
      const v = i * this.step;
      out.push({ v, text: `${(v / this.unit.div).toFixed(decimals)} ${this.unit.name}` });
    }
    return out;
  }
}

function maxOf(...series: { s: Series; cols: ('a' | 'b')[] }[]): number {
  let m = 0;
  for (const { s, cols } of series) for (const c of cols) for (let i = 0; i < s.n; i++) if (s[c][i]! > m) m = s[c][i]!;
  return m;
}

const KIND_TITLE = { tseq: 'time-sequence graph', throughput: 'throughput', rtt: 'round-trip time', window: 'window and bytes in flight' } as const;

/** The legend's entries: a class (drawn as its sample) and what it means. */
type LegendEntry = { cls: string; text: string; mark: 'line' | 'bar' | 'dot' };

const LEGENDS: Record<GraphHead['kind'], LegendEntry[]> = {
  tseq: [
    { cls: 'segment', text: 'data', mark: 'bar' },
    { cls: 'retransmission', text: 'retransmitted', mark: 'bar' },
    { cls: 'out-of-order', text: 'out of order', mark: 'bar' },
    { cls: 'ack', text: 'ACK', mark: 'line' },
    { cls: 'rwin', text: 'receive window', mark: 'line' },
    { cls: 'sack', text: 'SACK', mark: 'bar' },
    { cls: 'zero-window', text: 'zero window', mark: 'dot' },
  ],
  throughput: [
    { cls: 'throughput', text: 'throughput', mark: 'line' },
    { cls: 'goodput', text: 'goodput (no retransmitted bytes)', mark: 'line' },
  ],
  rtt: [{ cls: 'rtt', text: "RTT sample (Karn's rule)", mark: 'dot' }],
  window: [
    { cls: 'rwin', text: 'advertised window', mark: 'line' },
    { cls: 'inflight', text: 'bytes in flight', mark: 'line' },
  ],
};

/** The moving window of the throughput graph: a round 1/40 of the connection's duration. */
export function throughputWindow(duration: number): number {
  return niceStep(Math.max(duration, 1e-6), 40);
}

/** The graph, in pieces to `write` (a long connection's polylines are long). */
export function renderGraphSvg(h: GraphHead, write: (s: string) => void): void {
  const s = h.samples;
  const duration = h.duration > 0 ? h.duration : 1e-6;
  const x = new Axis(0, duration, LEFT, RIGHT, timeUnit(duration), 'time since the connection\'s first packet', 10);
  let y: Axis;
  /** tseq: the receive window's highest edge, when it is drawn cut at the top (0: all of it shows). */
  let windowCut = 0;
  // The throughput graph's points, computed before the axis (its range is theirs).
  let rate: { t: Float64Array; all: Float64Array; good: Float64Array; n: number } | null = null;
  const win = throughputWindow(duration);
  switch (h.kind) {
    case 'tseq': {
      const dataTop = maxOf({ s: s.data, cols: ['b'] }, { s: s.retransmitted, cols: ['b'] }, { s: s.outOfOrder, cols: ['b'] },
        { s: s.acks, cols: ['a'] }, { s: s.sack, cols: ['b'] });
      // The window's edge joins the range when it is near the data; far above it (a short
      // exchange under a large window), it is cut at the top rather than squash the data flat.
      const rwinTop = maxOf({ s: s.rwin, cols: ['a'] });
      const top = rwinTop <= dataTop * 4 ? Math.max(dataTop, rwinTop) : dataTop;
      if (top < rwinTop) windowCut = rwinTop;
      y = new Axis(0, top > 0 ? top * 1.02 : 1, BOTTOM, TOP, byteUnit(top), 'relative sequence number', 8);
      break;
    }
    case 'throughput': {
      rate = movingRate(s.bytes, win);
      let top = 0;
      for (let i = 0; i < rate.n; i++) if (rate.all[i]! > top) top = rate.all[i]!;
      y = new Axis(0, top > 0 ? top * 1.05 : 1, BOTTOM, TOP, byteUnit(top, '/s'), `bytes per second over ${fmt(win, timeUnit(win))}`, 8);
      break;
    }
    case 'rtt': {
      const top = maxOf({ s: s.rtt, cols: ['b'] });
      y = new Axis(0, top > 0 ? top * 1.05 : 1e-3, BOTTOM, TOP, timeUnit(top > 0 ? top : 1e-3), 'round-trip time', 8);
      break;
    }
    case 'window': {
      const top = maxOf({ s: s.window, cols: ['a'] }, { s: s.inFlight, cols: ['a'] });
      y = new Axis(0, top > 0 ? top * 1.05 : 1, BOTTOM, TOP, byteUnit(top), h.scaled ? 'bytes (window scaled as negotiated)' : 'bytes (window unscaled: no scaling negotiated or handshake unseen)', 8);
      break;
    }
  }
  const title = `netlens graph #${h.id}: ${KIND_TITLE[h.kind]}, ${h.sender} → ${h.receiver} (${h.dir}'s data)`;
  write(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<title>${esc(title)}</title>
<style>
text { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 12px; fill: #222; }
.head { font-size: 14px; font-weight: bold; } .note { fill: #666; }
line.axis { stroke: #444; stroke-width: 1; } line.grid { stroke: #e4e4e4; stroke-width: 1; }
.segment { stroke: #0550ae; stroke-width: 1.5; } .retransmission { stroke: #cf222e; stroke-width: 2.5; }
.out-of-order { stroke: #e36209; stroke-width: 2.5; } .sack { stroke: #8250df; stroke-width: 1.5; }
.ack { stroke: #1a7f37; stroke-width: 1.2; fill: none; } .rwin { stroke: #bf8700; stroke-width: 1.2; fill: none; }
.zero-window { fill: #d6336c; stroke: none; } .rtt { fill: #0550ae; stroke: none; } .rtt-range { stroke: #0550ae; stroke-width: 1; }
.throughput { stroke: #0550ae; stroke-width: 1.5; fill: none; } .goodput { stroke: #1a7f37; stroke-width: 1.5; fill: none; stroke-dasharray: 5 3; }
.inflight { stroke: #0550ae; stroke-width: 1.2; fill: none; }
rect.key.zero-window, rect.key.rtt { stroke: none; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<defs><clipPath id="plot"><rect x="${LEFT}" y="${TOP}" width="${RIGHT - LEFT}" height="${BOTTOM - TOP}"/></clipPath></defs>
`);
  write(`<text x="${LEFT}" y="24" class="head">${esc(title)}</text>\n`);
  const bin = [s.data, s.acks, s.rtt, s.bytes, s.window].some((v) => v.bin > 0);
  write(`<text x="${LEFT}" y="42" class="note">${esc(summaryLine(h, bin))}</text>\n`);
  axes(x, y!, write);
  legend(windowCut > 0 ? LEGENDS.tseq.map((e) => e.cls === 'rwin' ? { ...e, text: `receive window (to ${fmt(windowCut, byteUnit(windowCut))}, cut)` } : e) : LEGENDS[h.kind], write);
  switch (h.kind) {
    case 'tseq': tseq(h, x, y!, write); break;
    case 'throughput': {
      const r = rate!;
      write(polyline('throughput', r.n, (i) => [r.t[i]!, r.all[i]!], x, y!) + '\n');
      write(polyline('goodput', r.n, (i) => [r.t[i]!, r.good[i]!], x, y!) + '\n');
      break;
    }
    case 'rtt':
      for (let i = 0; i < s.rtt.n; i++) {
        const cx = px(x.at(s.rtt.t[i]!));
        if (s.rtt.b[i]! > s.rtt.a[i]!) write(`<line x1="${cx}" y1="${px(y!.at(s.rtt.a[i]!))}" x2="${cx}" y2="${px(y!.at(s.rtt.b[i]!))}" class="rtt-range"/>\n`);
        write(`<circle cx="${cx}" cy="${px(y!.at(s.rtt.a[i]!))}" r="2.5" class="rtt"/>\n`);
      }
      break;
    case 'window':
      write(stepLine('rwin', s.window, duration, x, y!) + '\n');
      write(polyline('inflight', s.inFlight.n, (i) => [s.inFlight.t[i]!, s.inFlight.a[i]!], x, y!) + '\n');
      break;
  }
  if (nothing(h)) write(`<text x="${(LEFT + RIGHT) / 2}" y="${(TOP + BOTTOM) / 2}" class="note" text-anchor="middle">${esc(`no ${h.kind === 'rtt' ? 'RTT sample' : 'data'} from ${h.sender} in this connection`)}</text>\n`);
  write('</svg>\n');
}

function nothing(h: GraphHead): boolean {
  const s = h.samples;
  switch (h.kind) {
    case 'tseq': return s.segments === 0 && s.acks.n === 0;
    case 'throughput': return s.bytes.n === 0;
    case 'rtt': return s.rtt.n === 0;
    case 'window': return s.window.n === 0 && s.inFlight.n === 0;
  }
}

function fmt(v: number, u: Unit): string {
  const n = v / u.div;
  return `${Number.isInteger(n) ? n : Number(n.toPrecision(3))} ${u.name}`;
}

function summaryLine(h: GraphHead, binned: boolean): string {
  const s = h.samples;
  const parts = [`${fmt(h.bytes, byteUnit(h.bytes))} in ${s.segments} data segments over ${fmt(h.duration, timeUnit(h.duration))}`,
    `${s.retransmissions} retransmitted`, `${s.outOfOrders} out of order`];
  if (h.kind === 'rtt') parts.push(`${s.rttSamples} RTT samples`);
  if (binned) parts.push('binned by time to fit the points');
  return parts.join(', ');
}

function axes(x: Axis, y: Axis, write: (s: string) => void): void {
  for (const { v, text } of x.ticks()) {
    const p = px(x.at(v));
    write(`<line x1="${p}" y1="${TOP}" x2="${p}" y2="${BOTTOM}" class="grid"/><line x1="${p}" y1="${BOTTOM}" x2="${p}" y2="${BOTTOM + 5}" class="axis"/>`
      + `<text x="${p}" y="${BOTTOM + 18}" class="xtick" text-anchor="middle">${esc(text)}</text>\n`);
  }
  for (const { v, text } of y.ticks()) {
    const p = px(y.at(v));
    write(`<line x1="${LEFT}" y1="${p}" x2="${RIGHT}" y2="${p}" class="grid"/><line x1="${LEFT - 5}" y1="${p}" x2="${LEFT}" y2="${p}" class="axis"/>`
      + `<text x="${LEFT - 8}" y="${px(y.at(v) + 4)}" class="ytick" text-anchor="end">${esc(text)}</text>\n`);
  }
  write(`<line x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}" class="axis"/><line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}" class="axis"/>\n`);
  write(`<text x="${(LEFT + RIGHT) / 2}" y="${HEIGHT - 20}" class="xlabel" text-anchor="middle">${esc(`${x.label} (${x.unit.name})`)}</text>\n`);
  write(`<text x="18" y="${(TOP + BOTTOM) / 2}" class="ylabel" text-anchor="middle" transform="rotate(-90 18 ${(TOP + BOTTOM) / 2})">${esc(`${y.label} (${y.unit.name})`)}</text>\n`);
}

function legend(entries: LegendEntry[], write: (s: string) => void): void {
  let lx = LEFT;
  const ly = 60;
  for (const e of entries) {
    // The key's class is "key <cls>": a test counting class="<cls>" counts the graph's elements only.
    if (e.mark === 'dot') write(`<circle cx="${lx + 8}" cy="${ly - 4}" r="3" class="key ${e.cls}"/>`);
    else if (e.mark === 'bar') write(`<line x1="${lx + 8}" y1="${ly - 10}" x2="${lx + 8}" y2="${ly + 2}" class="key ${e.cls}"/>`);
    else write(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" class="key ${e.cls}"/>`);
    write(`<text x="${lx + 22}" y="${ly}" class="legend">${esc(e.text)}</text>\n`);
    lx += 22 + e.text.length * 7.3 + 18;
  }
}

function tseq(h: GraphHead, x: Axis, y: Axis, write: (s: string) => void): void {
  const s = h.samples;
  write(stepLine('rwin', s.rwin, h.duration, x, y).replace('<polyline ', '<polyline clip-path="url(#plot)" ') + '\n');
  write(stepLine('ack', s.acks, h.duration, x, y) + '\n');
  // minPx: a flagged segment stays visible however small it is beside the whole transfer.
  const bars = (series: Series, cls: string, dx = 0, minPx = 0): void => {
    for (let i = 0; i < series.n; i++) {
      const cx = px(x.at(series.t[i]!) + dx);
      let y1 = y.at(series.a[i]!), y2 = y.at(series.b[i]!);
      if (y1 - y2 < minPx) { const mid = (y1 + y2) / 2; y1 = mid + minPx / 2; y2 = mid - minPx / 2; }
      write(`<line x1="${cx}" y1="${px(y1)}" x2="${cx}" y2="${px(y2)}" class="${cls}"/>\n`);
    }
  };
  bars(s.data, 'segment');
  bars(s.outOfOrder, 'out-of-order', 0, 4);
  bars(s.retransmitted, 'retransmission', 0, 4);
  // SACK blocks a little right of their ACK, as tcptrace draws them, so they do not hide the data.
  bars(s.sack, 'sack', 2);
  for (let i = 0; i < s.zeroWindow.n; i++) {
    write(`<circle cx="${px(x.at(s.zeroWindow.t[i]!))}" cy="${px(y.at(s.zeroWindow.a[i]!))}" r="3.5" class="zero-window"/>\n`);
  }
}

/** A step line through a series' (t, a) points, held to the graph's end; data-final holds its last value. */
function stepLine(cls: string, s: Series, end: number, x: Axis, y: Axis): string {
  if (s.n === 0) return `<polyline class="${cls}" points=""/>`;
  const pts: string[] = [];
  for (let i = 0; i < s.n; i++) {
    const cx = px(x.at(s.t[i]!));
    if (i > 0) pts.push(`${cx},${px(y.at(s.a[i - 1]!))}`);
    pts.push(`${cx},${px(y.at(s.a[i]!))}`);
  }
  pts.push(`${px(x.at(end))},${px(y.at(s.a[s.n - 1]!))}`);
  return `<polyline class="${cls}" data-final="${s.a[s.n - 1]}" points="${pts.join(' ')}"/>`;
}

function polyline(cls: string, n: number, point: (i: number) => [number, number], x: Axis, y: Axis): string {
  const pts: string[] = [];
  for (let i = 0; i < n; i++) {
    const [t, v] = point(i);
    pts.push(`${px(x.at(t))},${px(y.at(v))}`);
  }
  return `<polyline class="${cls}" points="${pts.join(' ')}"/>`;
}

/** Bytes per second over the `win` seconds up to each sample (the first `win` seconds ramp up, as in tcptrace). */
function movingRate(s: Series, win: number): { t: Float64Array; all: Float64Array; good: Float64Array; n: number } {
  const all = new Float64Array(s.n), good = new Float64Array(s.n);
  let from = 0, sumAll = 0, sumGood = 0;
  for (let i = 0; i < s.n; i++) {
    sumAll += s.a[i]!; sumGood += s.b[i]!;
    while (s.t[from]! <= s.t[i]! - win) { sumAll -= s.a[from]!; sumGood -= s.b[from]!; from++; }
    all[i] = sumAll / win; good[i] = sumGood / win;
  }
  return { t: s.t, all, good, n: s.n };
}
