/**
 * The ladder diagram as terminal text, 80 columns: time, the client's states,
 * the client lifeline, the arrows, the server lifeline, the server's states.
 * Unicode box drawing, or plain ASCII (--ascii, or a terminal without UTF-8).
 */
import type { LadderModel, LadderRow } from './model.js';
import { kB } from './model.js';
import type { Palette } from '../../encode/palette.js';

export const LADDER_WIDTH = 80;
const TIME_W = 10; // "123.456789"
const SIDE_W = 11; // "ESTABLISHED"
const AREA = LADDER_WIDTH - TIME_W - 1 - SIDE_W - 1 - 1 - 1 - SIDE_W; // between the lifelines

interface Glyphs { life: string; line: string; right: string; left: string; dots: string; ellipsis: string }
const UNICODE: Glyphs = { life: '│', line: '─', right: '▶', left: '◀', dots: '┄', ellipsis: '…' };
const ASCII: Glyphs = { life: '|', line: '-', right: '>', left: '<', dots: '.', ellipsis: '...' };


function fit(s: string, w: number, g: Glyphs): string {
  return s.length <= w ? s : s.slice(0, Math.max(0, w - g.ellipsis.length)) + g.ellipsis;
}

function center(s: string, w: number): string {
  const left = Math.floor((w - s.length) / 2);
  return ' '.repeat(Math.max(0, left)) + s + ' '.repeat(Math.max(0, w - s.length - left));
}

/**
 * The text diagram a row at a time: head() and summary() around the rows'
 * lines (row()), so a command can write the rows as they come and the head,
 * which needs the whole connection, at the end.
 */
export class LadderTextRenderer {
  private readonly g: Glyphs;
  private readonly blankTime = ' '.repeat(TIME_W);

  constructor(private readonly p: Palette, private readonly ascii: boolean) {
    this.g = ascii ? ASCII : UNICODE;
  }

  /** ASCII mode promises ASCII: the one non-ASCII letter netlens writes is µ. */
  private done(l: string): string {
    return (this.ascii ? l.replace(/µ/g, 'u') : l).replace(/ +$/, '');
  }

  private rowText(time: string, left: string, mid: string, right: string): string {
    const life = this.p.dim(this.g.life);
    return this.done(`${time.padStart(TIME_W)} ${left}${life}${mid}${life} ${right}`);
  }

  private leftCell(s: string): string { return this.p.client(s.padStart(SIDE_W)); }
  private rightCell(s: string): string { return this.p.server(s); }

  /** Who is on which side, and each side's first state. */
  head(client: string, server: string, start: { client: string; server: string }): string[] {
    const p = this.p, out: string[] = [];
    const head = `client ${client}`;
    const tail = `${server} server`;
    const gap = LADDER_WIDTH - head.length - tail.length;
    if (gap >= 1) out.push(p.client(head) + ' '.repeat(gap) + p.server(tail));
    else { out.push(p.client(head)); out.push(' '.repeat(Math.max(0, LADDER_WIDTH - tail.length)) + p.server(tail)); }
    for (let i = 0; i < out.length; i++) out[i] = this.done(out[i]!);
    out.push(this.rowText(this.blankTime, this.leftCell(start.client || '(unseen)'), ' '.repeat(AREA), this.rightCell(start.server || '(never seen)')));
    return out;
  }

  /** The line of one row. */
  row(r: LadderRow): string {
    const p = this.p, g = this.g;
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
        return this.rowText(s.t.toFixed(6), ' '.repeat(SIDE_W), s.fromClient ? p.client(mid) : p.server(mid), '');
      }
      case 'state':
        return r.side === 'client'
          ? this.rowText(this.blankTime, this.leftCell(r.text), ' '.repeat(AREA), '')
          : this.rowText(this.blankTime, ' '.repeat(SIDE_W), ' '.repeat(AREA), this.rightCell(r.text));
      case 'note':
        return this.rowText(this.blankTime, ' '.repeat(SIDE_W), p.event(center(fit(`(${r.text})`, AREA - 2, g), AREA)), '');
      case 'http': {
        const text = fit(r.text, AREA - 4, g);
        const cell = r.fromClient ? `  ${text}`.padEnd(AREA) : `${text}  `.padStart(AREA);
        return this.rowText(this.blankTime, ' '.repeat(SIDE_W), p.bold(cell), '');
      }
      case 'collapsed': {
        let summary = `${g.ellipsis} ${r.segments} segments`;
        if (r.bytesToServer) summary += `, ${kB(r.bytesToServer)} ${g.right}`;
        if (r.bytesToClient) summary += `, ${kB(r.bytesToClient)} ${g.left}`;
        if (r.dupAcks) summary += `, ${r.dupAcks} dup-ack`;
        const text = fit(summary, AREA - 2, g);
        const dots = center(` ${text} `, AREA).replace(/^ +| +$/g, (sp) => g.dots.repeat(sp.length));
        return this.rowText(r.t.toFixed(6), ' '.repeat(SIDE_W), r.dupAcks ? p.analysis(dots) : p.dim(dots), '');
      }
    }
  }

  /** The two summary lines under the diagram. */
  summary(lines: readonly string[]): string[] {
    return lines.map((l) => this.done(this.p.dim(fit(l, LADDER_WIDTH, this.g))));
  }
}

/** A whole diagram as lines. */
export function renderLadderText(m: LadderModel, start: { client: string; server: string }, p: Palette, ascii: boolean): string[] {
  const r = new LadderTextRenderer(p, ascii);
  const out = r.head(m.client, m.server, start);
  for (const row of m.rows) out.push(r.row(row));
  for (const l of r.summary(m.summary)) out.push(l);
  return out;
}
