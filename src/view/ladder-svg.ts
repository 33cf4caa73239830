/** The ladder diagram as a standalone SVG document (same rows as the text view). */
import type { LadderModel } from './ladder.js';
import { kB } from './ladder.js';

const ROW = 22;
const WIDTH = 860;
const TIME_X = 70; // right edge of the time column
const LEFT_X = 250;
const RIGHT_X = 660;
const TOP = 70;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderLadderSvg(m: LadderModel, start: { client: string; server: string }): string {
  const body: string[] = [];
  let y = TOP;
  const text = (x: number, yy: number, s: string, cls: string, anchor = 'start'): void => {
    body.push(`<text x="${x}" y="${yy}" class="${cls}" text-anchor="${anchor}">${esc(s)}</text>`);
  };
  text(LEFT_X, 24, `client ${m.client}`, 'client head', 'middle');
  text(RIGHT_X, 24, `server ${m.server}`, 'server head', 'middle');
  text(LEFT_X - 8, 50, start.client || '(unseen)', 'client state', 'end');
  text(RIGHT_X + 8, 50, start.server || '(never seen)', 'server state');
  for (const r of m.rows) {
    y += ROW;
    switch (r.kind) {
      case 'arrow': {
        const s = r.seg;
        const x1 = s.fromClient ? LEFT_X : RIGHT_X, x2 = s.fromClient ? RIGHT_X : LEFT_X;
        const cls = r.notes.length ? 'arrow flagged' : s.fromClient ? 'arrow c2s' : 'arrow s2c';
        body.push(`<line x1="${x1}" y1="${y - 8}" x2="${x2}" y2="${y + 4}" class="${cls}" marker-end="url(#head)"/>`);
        text((LEFT_X + RIGHT_X) / 2, y - 8, r.label + (r.notes.length ? ` [${r.notes.join(',')}]` : ''), r.notes.length ? 'label flagged' : 'label', 'middle');
        text(TIME_X, y, s.t.toFixed(6), 'time', 'end');
        break;
      }
      case 'state':
        if (r.side === 'client') text(LEFT_X - 8, y, r.text, 'client state', 'end');
        else text(RIGHT_X + 8, y, r.text, 'server state');
        break;
      case 'note':
        text((LEFT_X + RIGHT_X) / 2, y, `(${r.text})`, 'note', 'middle');
        break;
      case 'http':
        text(r.fromClient ? LEFT_X + 12 : RIGHT_X - 12, y, r.text, 'http', r.fromClient ? 'start' : 'end');
        break;
      case 'collapsed': {
        const parts: string[] = [];
        if (r.toServer) parts.push(`${r.toServer} → ${kB(r.bytesToServer)}`);
        if (r.toClient) parts.push(`${r.toClient} ← ${kB(r.bytesToClient)}`);
        if (r.dupAcks) parts.push(`${r.dupAcks} dup-ack`);
        text((LEFT_X + RIGHT_X) / 2, y, `… ${r.segments} segments: ${parts.join(', ')}`, 'collapsed', 'middle');
        text(TIME_X, y, r.t.toFixed(6), 'time', 'end');
        break;
      }
    }
  }
  y += ROW;
  text(20, y + 10, m.summary.join(' · '), 'summary');
  const height = y + 30;
  return `<?xml version="1.0" encoding="UTF-8"?>
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
${body.join('\n')}
</svg>
`;
}
