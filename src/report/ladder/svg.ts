/** The ladder diagram as a standalone SVG document (same rows as the text view). */
import type { LadderModel, LadderRow } from './model.js';
import { kB } from './model.js';

const ROW = 22;
const WIDTH = 860;
const TIME_X = 70; // right edge of the time column
const LEFT_X = 250;
const RIGHT_X = 660;
const TOP = 70;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The SVG a row at a time: row() gives each row's elements as it comes (their
 * y follows from the rows before), and document() writes the whole file at
 * the end, when the height and the initial states are known, with the rows'
 * elements read back from wherever the caller kept them.
 */
export class LadderSvgRenderer {
  private y = TOP;

  private static text(x: number, yy: number, s: string, cls: string, anchor = 'start'): string {
    return `<text x="${x}" y="${yy}" class="${cls}" text-anchor="${anchor}">${esc(s)}</text>`;
  }

  /** The elements of the next row. */
  row(r: LadderRow): string[] {
    const text = LadderSvgRenderer.text;
    const body: string[] = [];
    this.y += ROW;
    const y = this.y;
    switch (r.kind) {
      case 'arrow': {
        const s = r.seg;
        const x1 = s.fromClient ? LEFT_X : RIGHT_X, x2 = s.fromClient ? RIGHT_X : LEFT_X;
        const cls = r.notes.length ? 'arrow flagged' : s.fromClient ? 'arrow c2s' : 'arrow s2c';
        body.push(`<line x1="${x1}" y1="${y - 8}" x2="${x2}" y2="${y + 4}" class="${cls}" marker-end="url(#head)"/>`);
        body.push(text((LEFT_X + RIGHT_X) / 2, y - 8, r.label + (r.notes.length ? ` [${r.notes.join(',')}]` : ''), r.notes.length ? 'label flagged' : 'label', 'middle'));
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
      case 'http':
        body.push(text(r.fromClient ? LEFT_X + 12 : RIGHT_X - 12, y, r.text, 'http', r.fromClient ? 'start' : 'end'));
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

  /**
   * The document, in pieces to `write`: its head (size, style, lifelines), the
   * header texts, the rows' elements (`rows` calls its argument with each, in
   * order, as row() gave them), the summary, the end.
   */
  document(m: { client: string; server: string; id: number; summary: readonly string[] }, start: { client: string; server: string },
    rows: (each: (element: string) => void) => void, write: (s: string) => void): void {
    const text = LadderSvgRenderer.text;
    const y = this.y + ROW;
    const height = y + 30;
    write(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<title>${esc(`netlens ladder #${m.id}: ${m.client} → ${m.server}`)}</title>
<style>
text { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 12px; fill: #222; }
.head { font-size: 14px; font-weight: bold; }
.client { fill: #1a7f37; } .server { fill: #0550ae; }
.state { font-weight: bold; }
.time { fill: #777; } .note { fill: #8250df; } .http { fill: #222; font-style: italic; }
.collapsed, .summary { fill: #666; } .flagged { fill: #bf5700; }
line.arrow { stroke-width: 1.4; } .c2s { stroke: #1a7f37; } .s2c { stroke: #0550ae; } line.flagged { stroke: #bf5700; stroke-dasharray: 5 3; }
line.life { stroke: #999; stroke-width: 2; }
</style>
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
<line x1="${LEFT_X}" y1="34" x2="${LEFT_X}" y2="${y}" class="life"/>
<line x1="${RIGHT_X}" y1="34" x2="${RIGHT_X}" y2="${y}" class="life"/>
`);
    write(text(LEFT_X, 24, `client ${m.client}`, 'client head', 'middle') + '\n');
    write(text(RIGHT_X, 24, `server ${m.server}`, 'server head', 'middle') + '\n');
    write(text(LEFT_X - 8, 50, start.client || '(unseen)', 'client state', 'end') + '\n');
    write(text(RIGHT_X + 8, 50, start.server || '(never seen)', 'server state') + '\n');
    rows((el) => write(el + '\n'));
    write(text(20, y + 10, m.summary.join(' · '), 'summary') + '\n');
    write('</svg>\n');
  }
}

/** A whole diagram as one SVG document. */
export function renderLadderSvg(m: LadderModel, start: { client: string; server: string }): string {
  const r = new LadderSvgRenderer();
  const els: string[] = [];
  for (const row of m.rows) for (const el of r.row(row)) els.push(el);
  let doc = '';
  r.document(m, start, (each) => { for (const el of els) each(el); }, (s) => { doc += s; });
  return doc;
}
