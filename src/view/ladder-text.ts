/**
 * The ladder diagram as terminal text, 80 columns: time, the client's states,
 * the client lifeline, the arrows, the server lifeline, the server's states.
 * Unicode box drawing, or plain ASCII (--ascii, or a terminal without UTF-8).
 */
import type { LadderModel } from './ladder.js';
import { kB } from './ladder.js';
import type { Palette } from './palette.js';

export const LADDER_WIDTH = 80;
const TIME_W = 10; // "123.456789"
const SIDE_W = 11; // "ESTABLISHED"
const AREA = LADDER_WIDTH - TIME_W - 1 - SIDE_W - 1 - 1 - 1 - SIDE_W; // between the lifelines

interface Glyphs { life: string; line: string; right: string; left: string; dots: string; ellipsis: string }
const UNICODE: Glyphs = { life: '│', line: '─', right: '▶', left: '◀', dots: '┄', ellipsis: '…' };
const ASCII: Glyphs = { life: '|', line: '-', right: '>', left: '<', dots: '.', ellipsis: '...' };

/** Unicode unless the locale says otherwise (no UTF-8 in LC_ALL / LC_CTYPE / LANG). */
export function terminalSupportsUnicode(env: NodeJS.ProcessEnv = process.env): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

function fit(s: string, w: number, g: Glyphs): string {
  return s.length <= w ? s : s.slice(0, Math.max(0, w - g.ellipsis.length)) + g.ellipsis;
}

function center(s: string, w: number): string {
  const left = Math.floor((w - s.length) / 2);
  return ' '.repeat(Math.max(0, left)) + s + ' '.repeat(Math.max(0, w - s.length - left));
}

export function renderLadderText(m: LadderModel, start: { client: string; server: string }, p: Palette, ascii: boolean): string[] {
  const g = ascii ? ASCII : UNICODE;
  const out: string[] = [];
  const blankTime = ' '.repeat(TIME_W);
  const life = (s: string): string => p.dim(s);
  const row = (time: string, left: string, mid: string, right: string): string =>
    `${time.padStart(TIME_W)} ${left}${life(g.life)}${mid}${life(g.life)} ${right}`;
  const leftCell = (s: string): string => p.client(s.padStart(SIDE_W));
  const rightCell = (s: string): string => p.server(s);

  // Header: who is on which side.
  const head = `client ${m.client}`;
  const tail = `${m.server} server`;
  const gap = LADDER_WIDTH - head.length - tail.length;
  if (gap >= 1) out.push(p.client(head) + ' '.repeat(gap) + p.server(tail));
  else { out.push(p.client(head)); out.push(' '.repeat(Math.max(0, LADDER_WIDTH - tail.length)) + p.server(tail)); }
  out.push(row(blankTime, leftCell(start.client || '(unseen)'), ' '.repeat(AREA), rightCell(start.server || '(never seen)')));

  for (const r of m.rows) {
    switch (r.kind) {
      case 'arrow': {
        const s = r.seg;
        let label = r.label;
        if (r.notes.length) label += ` [${r.notes.join(',')}]`;
        label = ` ${fit(label, AREA - 6, g)} `;
        const dashes = AREA - 1 - label.length;
        const a = Math.min(3, dashes), b = dashes - a;
        const colour = r.notes.length ? p.analysis : (x: string) => x;
        const mid = s.fromClient
          ? g.line.repeat(a) + colour(label) + g.line.repeat(b) + g.right
          : g.left + g.line.repeat(b) + colour(label) + g.line.repeat(a);
        out.push(row(s.t.toFixed(6), ' '.repeat(SIDE_W), s.fromClient ? p.client(mid) : p.server(mid), ''));
        break;
      }
      case 'state':
        out.push(r.side === 'client'
          ? row(blankTime, leftCell(r.text), ' '.repeat(AREA), '')
          : row(blankTime, ' '.repeat(SIDE_W), ' '.repeat(AREA), rightCell(r.text)));
        break;
      case 'note':
        out.push(row(blankTime, ' '.repeat(SIDE_W), p.event(center(fit(`(${r.text})`, AREA - 2, g), AREA)), ''));
        break;
      case 'http': {
        const text = fit(r.text, AREA - 4, g);
        const cell = r.fromClient ? `  ${text}`.padEnd(AREA) : `${text}  `.padStart(AREA);
        out.push(row(blankTime, ' '.repeat(SIDE_W), p.bold(cell), ''));
        break;
      }
      case 'collapsed': {
        let summary = `${g.ellipsis} ${r.segments} segments`;
        if (r.bytesToServer) summary += `, ${kB(r.bytesToServer)} ${g.right}`;
        if (r.bytesToClient) summary += `, ${kB(r.bytesToClient)} ${g.left}`;
        if (r.dupAcks) summary += `, ${r.dupAcks} dup-ack`;
        const text = fit(summary, AREA - 2, g);
        const dots = center(` ${text} `, AREA).replace(/^ +| +$/g, (sp) => g.dots.repeat(sp.length));
        out.push(row(r.t.toFixed(6), ' '.repeat(SIDE_W), r.dupAcks ? p.analysis(dots) : p.dim(dots), ''));
        break;
      }
    }
  }
  for (const l of m.summary) out.push(p.dim(fit(l, LADDER_WIDTH, g)));
  // ASCII mode promises ASCII: the one non-ASCII letter netlens writes is µ.
  return out.map((l) => (ascii ? l.replace(/µ/g, 'u') : l).replace(/ +$/, ''));
}
