/** The ladder diagram as a standalone SVG document (same rows as the text view). */
import type { LadderHead, LadderModel, LadderRow } from './model.js';
import { GapWalker, foldThresholdOf, gapText, kB, legendLines, legendOf } from './model.js';

export const ROW = 22;
/** Under the time scale: the space added for a gap as long as the fold threshold (shorter gaps get proportionally less). */
export const MAX_EXTRA = 8 * ROW;
/** The height a folded gap's break adds, whatever its length. */
export const BREAK = 2 * ROW;
/** The characters that fit on an arrow between the lifelines (12px monospace, 7.2px each). */
const ARROW_CHARS = 53;
const LEGEND_LINE = 16;
const WIDTH = 860;
const TIME_X = 70; // right edge of the time column
const LEFT_X = 250;
const RIGHT_X = 660;
const TOP = 70;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate with at most one decimal. */
function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function fit(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(0, n - 1)) + '…';
}

/** Rows placed in time (the default; with the threshold past which a gap folds into a break), and the legend box (the default). */
export interface LadderSvgOptions { timeScale?: boolean; foldThreshold?: number; legend?: boolean }

/**
 * The SVG a row at a time: row() gives each row's elements as it comes (their
 * y follows from the rows before), and document() writes the whole file at
 * the end, when the height and the initial states are known, with the rows'
 * elements read back from wherever the caller kept them.
 */
export class LadderSvgRenderer {
  private y = TOP;
  private readonly timeScale: boolean;
  private readonly foldThreshold: number;
  private readonly legend: boolean;
  private readonly walker = new GapWalker();

  constructor(opts: LadderSvgOptions = {}) {
    this.timeScale = opts.timeScale ?? true;
    this.foldThreshold = opts.foldThreshold ?? 0.05;
    this.legend = opts.legend ?? true;
  }

  private static text(x: number, yy: number, s: string, cls: string, anchor = 'start'): string {
    return `<text x="${x}" y="${px(yy)}" class="${cls}" text-anchor="${anchor}">${esc(s)}</text>`;
  }

  /**
   * The elements of the next row. Under the time scale a row that stands at
   * a time is moved down by MAX_EXTRA × gap / threshold past the row height,
   * or, after a gap longer than the threshold, by a break of BREAK pixels
   * drawn across both lifelines with the gap's length.
   */
  row(r: LadderRow): string[] {
    const text = LadderSvgRenderer.text;
    const body: string[] = [];
    // An HTTP line is drawn on its segment's arrow.
    if (r.kind === 'http') return body;
    const gap = this.walker.gap(r);
    if (this.timeScale && gap !== null) {
      if (gap > this.foldThreshold) {
        const mid = this.y + (ROW + BREAK) / 2;
        body.push(this.breakMark(mid, gap));
        this.y += BREAK;
      } else this.y += MAX_EXTRA * gap / this.foldThreshold;
    }
    this.y += ROW;
    const y = this.y;
    switch (r.kind) {
      case 'arrow': {
        const s = r.seg;
        const x1 = s.fromClient ? LEFT_X : RIGHT_X, x2 = s.fromClient ? RIGHT_X : LEFT_X;
        const cls = r.notes.length ? 'arrow flagged' : s.fromClient ? 'arrow c2s' : 'arrow s2c';
        body.push(`<line x1="${x1}" y1="${px(y - 8)}" x2="${x2}" y2="${px(y + 4)}" class="${cls}" marker-end="url(#head)"/>`);
        const label = r.label + (r.notes.length ? ` [${r.notes.join(',')}]` : '');
        const labelCls = r.notes.length ? 'label flagged' : 'label';
        if (s.http !== null) {
          // The HTTP line at the sender's end, the segment's letters at the receiver's, both on the arrow.
          body.push(text(s.fromClient ? LEFT_X + 12 : RIGHT_X - 12, y - 8, fit(s.http, Math.max(12, ARROW_CHARS - label.length - 2)), 'http', s.fromClient ? 'start' : 'end'));
          body.push(text(s.fromClient ? RIGHT_X - 12 : LEFT_X + 12, y - 8, label, labelCls, s.fromClient ? 'end' : 'start'));
        } else body.push(text((LEFT_X + RIGHT_X) / 2, y - 8, label, labelCls, 'middle'));
        body.push(text(TIME_X, y, s.t.toFixed(6), 'time', 'end'));
        break;
      }
      case 'state':
        if (r.side === 'client') body.push(text(LEFT_X - 8, y, r.text, 'client state', 'end'));
        else body.push(text(RIGHT_X + 8, y, r.text, 'server state'));
        break;
      case 'note':
        body.push(text((LEFT_X + RIGHT_X) / 2, y, `(${r.text})`, 'note', 'middle'));
        break;
      case 'collapsed': {
        const parts: string[] = [];
        if (r.toServer) parts.push(`${r.toServer} → ${kB(r.bytesToServer)}`);
        if (r.toClient) parts.push(`${r.toClient} ← ${kB(r.bytesToClient)}`);
        if (r.dupAcks) parts.push(`${r.dupAcks} dup-ack`);
        body.push(text((LEFT_X + RIGHT_X) / 2, y, `… ${r.segments} segments: ${parts.join(', ')}`, 'collapsed', 'middle'));
        body.push(text(TIME_X, y, r.t.toFixed(6), 'time', 'end'));
        break;
      }
    }
    return body;
  }

  /** A folded gap: the lifelines cut by zig-zags, and the gap's length between them. */
  private breakMark(mid: number, gap: number): string {
    const zig = (x: number): string => `<rect x="${x - 8}" y="${px(mid - 10)}" width="16" height="20" fill="#ffffff"/>`
      + `<polyline points="${x},${px(mid - 10)} ${x - 6},${px(mid - 5)} ${x + 6},${px(mid)} ${x - 6},${px(mid + 5)} ${x},${px(mid + 10)}" class="zigzag"/>`;
    return `<g class="break">${zig(LEFT_X)}${zig(RIGHT_X)}${LadderSvgRenderer.text((LEFT_X + RIGHT_X) / 2, mid + 4, `// ${gapText(gap)}`, 'break', 'middle')}</g>`;
  }

  /**
   * The document, in pieces to `write`: its head (size, style, lifelines), the
   * header texts, the rows' elements (`rows` calls its argument with each, in
   * order, as row() gave them), the summary, the end.
   */
  document(m: { client: string; server: string; id: number; summary: readonly string[] } & Partial<Pick<LadderHead, 'flagsShown' | 'connState' | 'history'>>,
    start: { client: string; server: string }, rows: (each: (element: string) => void) => void, write: (s: string) => void): void {
    const text = LadderSvgRenderer.text;
    const y = this.y + ROW;
    const legend = this.legend ? legendLines(legendOf(m.flagsShown ?? 0, m.connState ?? '', m.history ?? ''), 110) : [];
    const legendTop = y + 28;
    const legendHeight = legend.length ? 14 + LEGEND_LINE * (legend.length + 1) : 0;
    const height = Math.ceil(y + 30 + legendHeight);
    write(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<title>${esc(`netlens ladder #${m.id}: ${m.client} → ${m.server}`)}</title>
<style>
text { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 12px; fill: #222; }
.head { font-size: 14px; font-weight: bold; }
.client { fill: #1a7f37; } .server { fill: #0550ae; }
.state { font-weight: bold; }
.time { fill: #777; } .break { fill: #777; } polyline.zigzag { fill: none; stroke: #999; stroke-width: 2; }
.legend { fill: #444; } rect.legend { fill: #f6f8fa; stroke: #bbb; } .note { fill: #8250df; } .http { fill: #222; font-style: italic; }
.collapsed, .summary { fill: #666; } .flagged { fill: #bf5700; }
line.arrow { stroke-width: 1.4; } .c2s { stroke: #1a7f37; } .s2c { stroke: #0550ae; } line.flagged { stroke: #bf5700; stroke-dasharray: 5 3; }
line.life { stroke: #999; stroke-width: 2; }
</style>
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
<line x1="${LEFT_X}" y1="34" x2="${LEFT_X}" y2="${px(y)}" class="life"/>
<line x1="${RIGHT_X}" y1="34" x2="${RIGHT_X}" y2="${px(y)}" class="life"/>
`);
    write(text(LEFT_X, 24, `client ${m.client}`, 'client head', 'middle') + '\n');
    write(text(RIGHT_X, 24, `server ${m.server}`, 'server head', 'middle') + '\n');
    write(text(LEFT_X - 8, 50, start.client || '(unseen)', 'client state', 'end') + '\n');
    write(text(RIGHT_X + 8, 50, start.server || '(never seen)', 'server state') + '\n');
    rows((el) => write(el + '\n'));
    write(text(20, y + 10, m.summary.join(' · '), 'summary') + '\n');
    if (legend.length) {
      // The legend box: what the letters in the arrows and the summary mean (only those that occur).
      write(`<g class="legend"><rect x="10" y="${px(legendTop)}" width="${WIDTH - 20}" height="${px(legendHeight - 6)}" rx="4" class="legend"/>\n`);
      write(text(20, legendTop + LEGEND_LINE, 'legend (Zeek letters: upper case client, lower case server)', 'legend head') + '\n');
      legend.forEach((l, i) => {
        // A wrapped line's indent as an x offset (SVG text collapses spaces).
        const indent = l.length - l.trimStart().length;
        write(text(Math.round(20 + 7.2 * indent), legendTop + LEGEND_LINE * (i + 2), l.trimStart(), 'legend entry') + '\n');
      });
      write('</g>\n');
    }
    write('</svg>\n');
  }
}

/** A whole diagram as one SVG document. */
export function renderLadderSvg(m: LadderModel, start: { client: string; server: string }, opts: LadderSvgOptions = {}): string {
  const r = new LadderSvgRenderer({ foldThreshold: foldThresholdOf(m.rows), ...opts });
  const els: string[] = [];
  for (const row of m.rows) for (const el of r.row(row)) els.push(el);
  let doc = '';
  let flagsShown = 0;
  for (const row of m.rows) if (row.kind === 'arrow') flagsShown |= row.seg.flags;
  r.document({ ...m, flagsShown }, start, (each) => { for (const el of els) each(el); }, (s) => { doc += s; });
  return doc;
}
