/**
 * The ladder diagram as terminal text, 80 columns: time, the client's states,
 * the client lifeline, the arrows, the server lifeline, the server's states.
 * Unicode box drawing, or plain ASCII (--ascii, or a terminal without UTF-8).
 */
import type { LadderHead, LadderModel, LadderRow } from './model.js';
import { GapWalker, foldThresholdOf, gapText, kB, legendLines, legendOf } from './model.js';
import type { Palette } from '../../encode/palette.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../encode/glyphs.js';

export const LADDER_WIDTH = 80;
const TIME_W = 10; // "123.456789"
const SIDE_W = 11; // "ESTABLISHED"
const AREA = LADDER_WIDTH - TIME_W - 1 - SIDE_W - 1 - 1 - 1 - SIDE_W; // between the lifelines

/** Under --time-scale: blank lines for a gap as long as the fold threshold (shorter gaps get proportionally fewer; longer ones fold). */
export const TEXT_MAX_BLANK = 8;

interface Glyphs { life: string; line: string; right: string; left: string; dots: string; ellipsis: string; vdots: string; sep: string }
const UNICODE: Glyphs = { life: '│', line: '─', right: '▶', left: '◀', dots: '┄', ellipsis: '…', vdots: UNICODE_GLYPHS.vdots, sep: ' · ' };
const ASCII: Glyphs = { life: '|', line: '-', right: '>', left: '<', dots: '.', ellipsis: '...', vdots: ASCII_GLYPHS.vdots, sep: ', ' };

/** What the text view adds when asked: rows placed in time (with the threshold past which a gap folds), and the legend. */
export interface LadderTextOptions { timeScale?: boolean; foldThreshold?: number; legend?: boolean }


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
  private readonly timeScale: boolean;
  private foldThreshold: number;
  private readonly walker = new GapWalker();

  constructor(private readonly p: Palette, private readonly ascii: boolean, opts: LadderTextOptions = {}) {
    this.g = ascii ? ASCII : UNICODE;
    this.timeScale = opts.timeScale ?? false;
    this.foldThreshold = opts.foldThreshold ?? 0.05;
  }

  /**
   * The lines of one row, in order. Without --time-scale, row()'s one line.
   * With it: before a row that stands at a time, lifeline lines in proportion
   * to the time since the row before (TEXT_MAX_BLANK for a gap of the fold
   * threshold), or one `⋮ 2.31 s` break for a longer gap; an HTTP line rides
   * on its segment's arrow instead of a line of its own.
   */
  lines(r: LadderRow, each: (line: string) => void): void {
    const e = this.entry(r);
    if (e !== null) this.expand(e, each);
  }

  /**
   * A row drawn as it comes, before the fold threshold is known (it needs the
   * whole connection): its line, under --time-scale after the gap before it
   * and a tab; null for a row that is drawn on another (HTTP on its arrow).
   */
  entry(r: LadderRow): string | null {
    if (!this.timeScale) return this.row(r);
    if (r.kind === 'http') return null;
    const gap = this.walker.gap(r);
    return `${gap ?? ''}\t${this.row(r, true)}`;
  }

  /** An entry's lines, now that the threshold is known (the constructor's, or setFoldThreshold's). */
  expand(e: string, each: (line: string) => void): void {
    if (!this.timeScale) { each(e); return; }
    const tab = e.indexOf('\t');
    if (tab > 0) {
      const gap = Number(e.slice(0, tab));
      if (gap > this.foldThreshold) each(this.breakLine(gap));
      else {
        const n = Math.min(TEXT_MAX_BLANK, Math.round(TEXT_MAX_BLANK * gap / this.foldThreshold));
        for (let i = 0; i < n; i++) each(this.rowText(this.blankTime, ' '.repeat(SIDE_W), ' '.repeat(AREA), ''));
      }
    }
    each(e.slice(tab + 1));
  }

  setFoldThreshold(t: number): void { this.foldThreshold = t; }

  /** A folded gap: both lifelines broken, and its length. */
  private breakLine(gap: number): string {
    const v = this.p.dim(this.g.vdots);
    return this.done(`${this.blankTime} ${' '.repeat(SIDE_W)}${v}${this.p.dim(center(`${this.g.vdots} ${gapText(gap)}`, AREA))}${v}`);
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

  /** The line of one row (`withHttp`: an arrow carries its segment's HTTP line in its label). */
  row(r: LadderRow, withHttp = false): string {
    const p = this.p, g = this.g;
    switch (r.kind) {
      case 'arrow': {
        const s = r.seg;
        let label = r.label;
        if (r.notes.length) label += ` [${r.notes.join(',')}]`;
        label = fit(label, AREA - 6, g);
        const colour = r.notes.length ? p.analysis : (x: string) => x;
        let plain = ` ${label} `, coloured = colour(plain);
        // The HTTP line after the letters, leaving at least two dashes on the far side of both.
        if (withHttp && s.http !== null && AREA - 8 - label.length - 1 >= 4) {
          const http = fit(s.http, AREA - 8 - label.length - 1, g);
          plain = ` ${label} ${http} `;
          coloured = colour(` ${label} `) + p.bold(http) + ' ';
        }
        const dashes = AREA - 1 - plain.length;
        const a = Math.min(3, dashes), b = dashes - a;
        const mid = s.fromClient
          ? g.line.repeat(a) + coloured + g.line.repeat(b) + g.right
          : g.left + g.line.repeat(b) + coloured + g.line.repeat(a);
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

  /** The legend under the summary: what the flag and Zeek letters shown mean, only those that occur. */
  legend(h: Pick<LadderHead, 'flagsShown' | 'connState' | 'history'>): string[] {
    return legendLines(legendOf(h.flagsShown, h.connState, h.history), LADDER_WIDTH, this.g.sep).map((l) => this.done(fit(l, LADDER_WIDTH, this.g)));
  }
}

/** A whole diagram as lines. */
export function renderLadderText(m: LadderModel, start: { client: string; server: string }, p: Palette, ascii: boolean,
  opts: LadderTextOptions = {}): string[] {
  const r = new LadderTextRenderer(p, ascii, { foldThreshold: foldThresholdOf(m.rows), ...opts });
  const out = r.head(m.client, m.server, start);
  for (const row of m.rows) r.lines(row, (l) => out.push(l));
  for (const l of r.summary(m.summary)) out.push(l);
  if (opts.legend) {
    let flags = 0;
    for (const row of m.rows) if (row.kind === 'arrow') flags |= row.seg.flags;
    for (const l of r.legend({ flagsShown: flags, connState: m.connState ?? '', history: m.history ?? '' })) out.push(l);
  }
  return out;
}
