/**
 * `netlens ladder`: golden diagrams (ASCII and Unicode) for the recorded
 * scenarios and for simultaneous open/close built frame by frame; 80-column
 * fit; --full; the SVG parses as XML and, where chromium is installed, renders
 * to a non-blank PNG of the expected size.
 * --time-scale (SVG by default): positions against `read --json`'s times, one
 * break for one idle gap; HTTP lines on their arrows; the legend's letters
 * against the flags of `read --json` and the history of `conns --json`.
 * Regenerate the goldens with UPDATE_GOLDEN=1 npx vitest run test/ladder.test.ts (and read the diff).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/source/pcap-writer.js';
import { conversation, tcpFrame } from '../helpers/frames.js';
import { CLI, FIXTURES, ROOT, ndjson, netlens } from '../helpers/netlens.js';
import { GapStats, arrowLabel, type LadderModel, type LadderRow, type LadderSegment } from '../../src/report/ladder/model.js';
import { ROW } from '../../src/report/ladder/svg.js';
import { TEXT_MAX_BLANK, renderLadderText } from '../../src/report/ladder/text.js';
import { noColor } from '../../src/encode/palette.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'ladder');
const tmp = mkdtempSync(join(tmpdir(), 'netlens-ladder-'));

/** Simultaneous open and simultaneous close, written as a pcap so the CLI reads them like any capture. */
function builtCaptures(): Record<string, string> {
  const open = conversation('10.0.0.1', '10.0.0.2', 5000, 5001);
  open.c(100, undefined, 'S'); open.s(900, undefined, 'S');
  open.c(100, 901, 'SA'); open.s(900, 101, 'SA'); open.c(101, 901, 'A');
  const close = conversation();
  close.c(100, undefined, 'S'); close.s(900, 101, 'SA'); close.c(101, 901, 'A');
  close.c(101, 901, 'FA'); close.s(901, 101, 'FA'); close.c(102, 902, 'A'); close.s(902, 102, 'A');
  const files: Record<string, string> = {};
  for (const [name, k] of Object.entries({ 'simultaneous-open': open, 'simultaneous-close': close })) {
    const file = join(tmp, `${name}.pcap`);
    const w = CaptureWriter.open(file, 1, 65535, true);
    for (const f of k.frames) w.write(f);
    w.close();
    files[name] = file;
  }
  return files;
}

const SCENARIOS: Record<string, string> = {
  'client-close': join(FIXTURES, 'tcp-client-close.pcap'),
  'server-close': join(FIXTURES, 'tcp-server-close.pcap'),
  'half-close': join(FIXTURES, 'tcp-half-close.pcap'),
  reset: join(FIXTURES, 'tcp-abort.pcap'),
  refused: join(FIXTURES, 'tcp-refused.pcap'),
  lossy: join(FIXTURES, 'lossy-download.pcap'),
};

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
  expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('ladder diagrams', () => {
  beforeAll(() => { Object.assign(SCENARIOS, builtCaptures()); });

  it('match the golden ASCII and Unicode diagrams of every scenario', () => {
    for (const [name, file] of Object.entries(SCENARIOS)) {
      const conn = name === 'lossy' ? connOf(file, 8080) : '0';
      const ascii = netlens(['ladder', '--ascii', file, conn]);
      expect(ascii.status, ascii.stderr).toBe(0);
      golden(`${name}.ascii.txt`, ascii.stdout);
      expect(ascii.stdout).toMatch(/^[\x20-\x7e\n]*$/); // ASCII means ASCII
      const uni = netlens(['ladder', file, conn], undefined, { LANG: 'C.UTF-8' });
      golden(`${name}.utf8.txt`, uni.stdout);
      for (const l of [...ascii.stdout.split('\n'), ...uni.stdout.split('\n')]) expect([...l].length).toBeLessThanOrEqual(80);
    }
  });

  it('writes each end\'s states on its own side', () => {
    const out = netlens(['ladder', '--ascii', SCENARIOS['simultaneous-close']!, '0']).stdout.split('\n');
    const left = out.filter((l) => /^\s+[A-Z_0-9]+\|/.test(l)).map((l) => l.trim().split('|')[0]);
    const right = out.filter((l) => /\| [A-Z_0-9]+$/.test(l)).map((l) => l.split('| ').pop());
    expect(left.slice(-3)).toEqual(['FIN_WAIT_1', 'CLOSING', 'TIME_WAIT']);
    expect(right.slice(-3)).toEqual(['FIN_WAIT_1', 'CLOSING', 'TIME_WAIT']);
  });

  it('collapses bulk runs unless --full', () => {
    const conn = connOf(SCENARIOS.lossy!, 8080);
    const short = netlens(['ladder', '--ascii', SCENARIOS.lossy!, conn]).stdout.split('\n');
    const full = netlens(['ladder', '--ascii', '--full', SCENARIOS.lossy!, conn]).stdout.split('\n');
    expect(short.some((l) => /\.\.\. \d+ segments/.test(l))).toBe(true);
    expect(full.some((l) => /\.\.\. \d+ segments/.test(l))).toBe(false);
    expect(full.length).toBeGreaterThan(short.length * 4);
    expect(short.filter((l) => l.includes('rexmit')).length).toBeGreaterThan(0);
  });

  it('takes ip:port-ip:port as well as an id, and says when there is no such connection', () => {
    const byTuple = netlens(['ladder', '--ascii', SCENARIOS['client-close']!, '10.77.0.2:9001-10.77.0.1:40001']);
    expect(byTuple.stdout).toBe(netlens(['ladder', '--ascii', SCENARIOS['client-close']!, '0']).stdout);
    const none = netlens(['ladder', SCENARIOS['client-close']!, '7']);
    expect(none.status).not.toBe(0);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});

function connOf(file: string, port: number): string {
  const r = netlens(['conns', '--json', file]);
  const c = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((x) => x.proto === 'tcp' && x.server.port === port);
  return String(c.id);
}

describe('ladder --svg', () => {
  const svgFile = join(tmp, 'client-close.svg');
  beforeAll(() => {
    const r = netlens(['ladder', '--svg', svgFile, join(FIXTURES, 'tcp-client-close.pcap'), '0']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('is well-formed XML with the endpoints and states in it', () => {
    const svg = readFileSync(svgFile, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('10.77.0.1:40001');
    for (const s of ['SYN_SENT', 'FIN_WAIT_2', 'TIME_WAIT', 'LAST_ACK']) expect(svg).toContain(`>${s}<`);
  });

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) console.warn('skipping the SVG rendering test: chromium is not installed (CI installs it)');
  it.skipIf(!chromium)('renders in headless chromium to a non-blank PNG of the expected size', () => {
    const svg = readFileSync(svgFile, 'utf8');
    const w = Number(/width="(\d+)"/.exec(svg)![1]), h = Number(/height="(\d+)"/.exec(svg)![1]);
    const png = join(tmp, 'ladder.png');
    const r = spawnSync(chromium!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chr-'))}`,
      '--hide-scrollbars', `--window-size=${w},${h}`, `--screenshot=${png}`, `file://${svgFile}`,
    ], { encoding: 'utf8', timeout: 60_000 });
    expect(existsSync(png), r.stderr).toBe(true);
    const img = PNG.sync.read(readFileSync(png));
    expect([img.width, img.height]).toEqual([w, h]);
    let dark = 0;
    const colours = new Set<number>();
    for (let i = 0; i < img.data.length; i += 4) {
      const [rr, gg, bb] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if (rr + gg + bb < 600) dark++;
      colours.add((rr >> 4) << 8 | (gg >> 4) << 4 | (bb >> 4));
    }
    expect(dark / (img.width * img.height)).toBeGreaterThan(0.005); // text and arrows, not a blank page
    expect(colours.size).toBeGreaterThan(8); // client green, server blue, greys …
    // The legend box (its #f6f8fa fill) is drawn where the SVG puts it, below the summary, with text in it.
    const box = /<rect x="10" y="([\d.]+)" width="\d+" height="([\d.]+)" rx="4" class="legend"\/>/.exec(svg)!;
    const top = Math.ceil(Number(box[1])) + 2, bottom = Math.floor(Number(box[1]) + Number(box[2])) - 2;
    let fill = 0, ink = 0;
    for (let y = top; y < bottom; y++) {
      for (let x = 14; x < img.width - 14; x++) {
        const i = (y * img.width + x) * 4;
        const [rr, gg, bb] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
        if (rr === 0xf6 && gg === 0xf8 && bb === 0xfa) fill++;
        else if (rr + gg + bb < 450) ink++;
      }
    }
    expect(fill).toBeGreaterThan((bottom - top) * (img.width - 28) * 0.5);
    expect(ink).toBeGreaterThan(100);
    // The 200 ms break cuts the client's lifeline: at its middle the lifeline's column is white, the zig-zag beside it grey.
    const mid = Number(/<g class="break"><rect x="\d+" y="([\d.]+)"/.exec(svg)![1]) + 10;
    const at = (x: number, y: number) => { const i = (Math.round(y) * img.width + x) * 4; return img.data[i]! + img.data[i + 1]! + img.data[i + 2]!; };
    expect(at(250, mid - 7)).toBeGreaterThan(700); // the lifeline is gone there (it is grey elsewhere)
    expect(at(250, mid - 40)).toBeLessThan(600);
  }, 90_000);
});

/**
 * A keep-alive HTTP connection built frame by frame: two requests with their
 * responses, 2.31 s idle between them, gaps of 1 to 19 ms elsewhere, then the
 * client closes. Every segment is its own arrow (nothing folds).
 */
function keepAliveCapture(): { file: string; requestTimes: Map<string, number> } {
  const C = '10.0.0.1', S = '10.0.0.2', cp = 40000, sp = 80;
  const frames = [];
  const requestTimes = new Map<string, number>();
  let cs = 100, ss = 900;
  const c = (t: number, flags: string, payload?: Buffer) => {
    frames.push(tcpFrame({ src: C, dst: S, sport: cp, dport: sp, seq: cs, ack: flags.includes('S') && !flags.includes('A') ? undefined : ss, flags, payload, t }));
    cs += (payload?.length ?? 0) + (flags.includes('S') || flags.includes('F') ? 1 : 0);
  };
  const s = (t: number, flags: string, payload?: Buffer) => {
    frames.push(tcpFrame({ src: S, dst: C, sport: sp, dport: cp, seq: ss, ack: cs, flags, payload, t }));
    ss += (payload?.length ?? 0) + (flags.includes('S') || flags.includes('F') ? 1 : 0);
  };
  const req = (t: number, uri: string) => { requestTimes.set(`GET ${uri} HTTP/1.1`, t); c(t, 'PA', Buffer.from(`GET ${uri} HTTP/1.1\r\nHost: x\r\n\r\n`)); };
  const resp = (t: number) => { requestTimes.set(`HTTP/1.1 200 OK@${t}`, t); s(t, 'PA', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')); };
  c(0, 'S'); s(0.001, 'SA'); c(0.002, 'A');
  req(0.010, '/one'); s(0.011, 'A'); resp(0.030); c(0.031, 'A');
  req(2.341, '/two'); s(2.342, 'A'); resp(2.360); c(2.361, 'A');
  c(2.370, 'FA'); s(2.371, 'FA'); c(2.372, 'A');
  const file = join(tmp, 'keepalive-idle.pcap');
  const w = CaptureWriter.open(file, 1, 65535, false);
  for (const f of frames) w.write(f);
  w.close();
  return { file, requestTimes };
}

/** Each packet of conversation `conn`: its time since the conversation's first, and its flags, as read --json gives them. */
function packetTimes(file: string, conn = 0): { t: number; flags: string }[] {
  const pkts = ndjson(netlens(['read', '--json', file]).stdout).filter((p) => p.type === 'packet' && p.tcp && p.conn === conn);
  const first = Number(pkts[0]!.ts);
  return pkts.map((p) => ({ t: Number(p.ts) - first, flags: p.tcp.flags as string }));
}

/** The SVG's rows in document order: arrows (y1 and time), rows without a time (states, notes), breaks (their text). */
type SvgItem = { kind: 'arrow'; y: number; time: number } | { kind: 'untimed' } | { kind: 'break'; text: string } | { kind: 'http'; y: number; text: string };
function svgRows(svg: string): SvgItem[] {
  const out: SvgItem[] = [];
  const lines = svg.split('\n');
  const firstRow = lines.findIndex((l) => /class="arrow/.test(l));
  for (let i = firstRow; i < lines.length; i++) {
    const l = lines[i]!;
    const attr = (name: string) => Number(new RegExp(`${name}="([-\\d.]+)"`).exec(l)![1]);
    if (l.startsWith('<line ') && /class="arrow/.test(l)) {
      // The arrow's time text comes with it (the same row).
      const time = lines.slice(i, i + 4).map((x) => /class="time"[^>]*>([\d.]+)</.exec(x)).find((m) => m !== null)!;
      out.push({ kind: 'arrow', y: attr('y1'), time: Number(time[1]) });
    } else if (/class="(client state|server state|note)"/.test(l)) out.push({ kind: 'untimed' });
    else if (l.startsWith('<g class="break"')) out.push({ kind: 'break', text: />(\/\/ [^<]+)</.exec(l)![1]! });
    else if (/class="http"/.test(l)) out.push({ kind: 'http', y: attr('y'), text: />([^<]*)</.exec(l)![1]! });
  }
  return out;
}

describe('ladder --time-scale', () => {
  let built: ReturnType<typeof keepAliveCapture>;
  let svg: string;
  beforeAll(() => {
    built = keepAliveCapture();
    const file = join(tmp, 'keepalive-idle.svg');
    const r = netlens(['ladder', '--svg', file, built.file, '0']);
    expect(r.status, r.stderr).toBe(0);
    svg = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  it('places the SVG rows monotone in time, in proportion to it between breaks, with one break for the idle gap', () => {
    const times = packetTimes(built.file);
    const rows = svgRows(svg);
    const arrows = rows.filter((r) => r.kind === 'arrow') as Extract<SvgItem, { kind: 'arrow' }>[];
    // One arrow per packet, at its time from read --json.
    expect(arrows.map((a) => a.time)).toEqual(times.map((p) => Number(p.t.toFixed(6))));
    for (let i = 1; i < arrows.length; i++) expect(arrows[i]!.y).toBeGreaterThan(arrows[i - 1]!.y);
    const breaks = rows.filter((r) => r.kind === 'break') as Extract<SvgItem, { kind: 'break' }>[];
    expect(breaks.map((b) => b.text)).toEqual(['// 2.31 s']);
    // Between two arrows not split by a break: Δy = ROW per row (the arrow and the untimed rows above it) + c·Δt, one c for all.
    const pairs: { dt: number; extra: number }[] = [];
    let prev = -1, untimed = 0, broken = false, pi = -1;
    for (const r of rows) {
      if (r.kind === 'untimed') untimed++;
      else if (r.kind === 'break') broken = true;
      else if (r.kind === 'arrow') {
        pi++;
        if (prev >= 0 && !broken) pairs.push({ dt: times[pi]!.t - times[pi - 1]!.t, extra: r.y - prev - ROW * (untimed + 1) });
        if (broken) expect(times[pi]!.t - times[pi - 1]!.t).toBeCloseTo(2.31, 6);
        prev = r.y; untimed = 0; broken = false;
      }
    }
    expect(pairs.length).toBe(arrows.length - 2);
    const widest = pairs.reduce((a, b) => (b.dt > a.dt ? b : a));
    const c = widest.extra / widest.dt;
    expect(c).toBeGreaterThan(0);
    for (const p of pairs) expect(Math.abs(p.extra - c * p.dt)).toBeLessThan(0.15); // rounding to 0.1 px at each end
    // The 19 ms wait for a response is visibly longer than a 1 ms ACK.
    expect(c * 0.019).toBeGreaterThan(ROW);
  });

  it('puts each HTTP line on the arrow of the segment that carries it, in the SVG', () => {
    const rows = svgRows(svg);
    const labels: { text: string; time: number }[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.kind !== 'http') continue;
      const arrow = rows.slice(0, i).reverse().find((x) => x.kind === 'arrow') as Extract<SvgItem, { kind: 'arrow' }>;
      expect(r.y).toBe(arrow.y);
      labels.push({ text: r.text, time: arrow.time });
    }
    const want = [...built.requestTimes].map(([k, t]) => ({ text: k.replace(/@.*/, ''), time: Number(t.toFixed(6)) })).sort((a, b) => a.time - b.time);
    expect(labels).toEqual(want);
  });

  it('spaces the text rows by time (bounded), folds the idle gap into one ⋮ line, and puts HTTP lines on their arrows', () => {
    const uni = netlens(['ladder', '--time-scale', built.file, '0'], undefined, { LANG: 'C.UTF-8' });
    expect(uni.status, uni.stderr).toBe(0);
    const lines = uni.stdout.split('\n');
    expect(lines.filter((l) => l.includes('⋮'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('⋮'))).toMatch(/⋮ +⋮ 2\.31 s +⋮$/);
    const blank = /^ +│ +│$/;
    // Runs of lifeline-only lines: never more than TEXT_MAX_BLANK; the 19 ms waits get more than the 1 ms ones (none).
    const runBefore = (pattern: RegExp): number => {
      const i = lines.findIndex((l) => pattern.test(l));
      let n = 0;
      while (blank.test(lines[i - 1 - n]!)) n++;
      return n;
    };
    let run = 0;
    for (const l of lines) { run = blank.test(l) ? run + 1 : 0; expect(run).toBeLessThanOrEqual(TEXT_MAX_BLANK); }
    expect(runBefore(/^ +0\.030000 .*HTTP\/1\.1 200 OK/)).toBeGreaterThan(0);
    expect(runBefore(/^ +0\.011000 /)).toBe(0);
    // HTTP lines ride on their arrows: the request's line starts with the request's time.
    for (const [k, t] of built.requestTimes) {
      const text = k.replace(/@.*/, '');
      expect(lines.find((l) => l.startsWith(t.toFixed(6).padStart(10)))).toContain(text);
    }
    expect(lines.some((l) => /^ +│ +(GET|HTTP)/.test(l))).toBe(false);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    // ASCII: the break is `:`.
    const ascii = netlens(['ladder', '--time-scale', '--ascii', built.file, '0']).stdout;
    expect(ascii).toMatch(/^[\x20-\x7e\n]*$/);
    expect(ascii.split('\n').filter((l) => /: 2\.31 s/.test(l))).toHaveLength(1);
    // Off, the text view is what it was: no blank rows, the HTTP lines under their arrows.
    const plain = netlens(['ladder', built.file, '0'], undefined, { LANG: 'C.UTF-8' }).stdout.split('\n');
    expect(plain.some((l) => l.includes('⋮') || blank.test(l))).toBe(false);
    expect(plain.filter((l) => /^ +│ +(GET|HTTP)/.test(l))).toHaveLength(4);
  });

  it('folds the keep-alive fixture\'s 101 ms wait after its chunked response into one break, and --no-time-scale none', () => {
    const file = join(tmp, 'keepalive.svg');
    expect(netlens(['ladder', '--svg', file, join(FIXTURES, 'http-keepalive.pcap'), '0']).status).toBe(0);
    const items = svgRows(readFileSync(file, 'utf8'));
    const breaks = items.filter((r) => r.kind === 'break');
    expect(breaks).toHaveLength(1);
    // The break's length is the time between the rows around it (the folded run's first segment and the next request).
    const doc = readFileSync(file, 'utf8');
    const times = [...doc.matchAll(/class="time"[^>]*>([\d.]+)</g)].map((m) => Number(m[1]));
    const before = doc.slice(0, doc.indexOf('<g class="break"'));
    const n = [...before.matchAll(/class="time"/g)].length;
    expect((breaks[0] as { text: string }).text).toBe(`// ${Math.round((times[n]! - times[n - 1]!) * 1e3)} ms`);
    const flat = join(tmp, 'keepalive-flat.svg');
    expect(netlens(['ladder', '--no-time-scale', '--svg', flat, join(FIXTURES, 'http-keepalive.pcap'), '0']).status).toBe(0);
    const flatSvg = readFileSync(flat, 'utf8');
    expect(flatSvg).not.toContain('class="break"');
    // Evenly spaced: every arrow a multiple of ROW below the first.
    const ys = svgRows(flatSvg).filter((r) => r.kind === 'arrow').map((r) => (r as { y: number }).y);
    for (const y of ys) expect((y - ys[0]!) % ROW).toBe(0);
  });
});

describe('ladder legend', () => {
  /** The letters a legend explains: the first character of each `L meaning` entry, by group. */
  function legendLetters(lines: string[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    let group = '';
    for (const l of lines) {
      const m = /^(\w+): (.*)$/.exec(l);
      let rest = l.trim();
      if (m) { group = m[1]!; rest = m[2]!; }
      for (const e of rest.split(/ · |, /)) if (/^\S /.test(e)) (out[group] ??= []).push(e[0]!);
    }
    return out;
  }

  const cases = { 'client-close': join(FIXTURES, 'tcp-client-close.pcap'), reset: join(FIXTURES, 'tcp-abort.pcap'), refused: join(FIXTURES, 'tcp-refused.pcap'), lossy: join(FIXTURES, 'lossy-download.pcap') };
  it('lists exactly the flag letters of the arrows and the history letters present, in text and in the SVG', () => {
    for (const [name, file] of Object.entries(cases)) {
      const conn = name === 'lossy' ? connOf(file, 8080) : '0';
      const history = ndjson(netlens(['conns', '--json', file]).stdout).find((c) => String(c.id) === conn)!.history as string;
      // --full: every packet an arrow, so the flags shown are those of every packet (read --json, tcpdump's letters).
      const flags = new Set(packetTimes(file, Number(conn)).map((p) => p.flags).join('').replace('none', ''));
      const r = netlens(['ladder', '--full', '--legend', file, conn], undefined, { LANG: 'C.UTF-8' });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      const legend = lines.slice(lines.findIndex((l) => l.startsWith('flags: ')));
      const got = legendLetters(legend);
      expect(new Set(got.flags), name).toEqual(flags);
      expect(got.flags!.length).toBe(flags.size);
      expect(new Set(got.history), name).toEqual(new Set(history));
      expect(got.history!.length).toBe(new Set(history).size);
      for (const l of legend) expect([...l].length).toBeLessThanOrEqual(80);
      // The SVG's box says the same.
      const file2 = join(tmp, `${name}-legend.svg`);
      expect(netlens(['ladder', '--full', '--svg', file2, file, conn]).status).toBe(0);
      const entries = [...readFileSync(file2, 'utf8').matchAll(/class="legend entry"[^>]*>([^<]*)</g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
      expect(legendLetters(entries)).toEqual(got);
    }
  });

  it('is not there without --legend (text)', () => {
    const out = netlens(['ladder', cases['client-close'], '0']).stdout;
    expect(out).not.toMatch(/^flags: /m);
  });
});

describe('the fold threshold', () => {
  /** Arrows at the given times (seconds), alternating sides. */
  function model(times: number[]): LadderModel {
    const rows: LadderRow[] = times.map((t, i) => {
      const seg: LadderSegment = { t, fromClient: i % 2 === 0, flags: 0x10, seq: i, ack: i, len: 0, win: 100, analysis: 0, events: [], http: null };
      return { kind: 'arrow', seg, label: arrowLabel(seg), notes: [] };
    });
    return { client: 'a:1', server: 'b:2', id: 0, rows, summary: ['', ''] };
  }
  const breaks = (times: number[]): string[] =>
    renderLadderText(model(times), { client: 'X', server: 'Y' }, noColor, false, { timeScale: true }).filter((l) => l.includes('⋮')).map((l) => l.replace(/.*⋮ (\S+ \S+) +⋮$/, '$1'));

  it('is 10 × the median gap, and at least 50 ms', () => {
    // Gaps of 1 s: a 9 s gap is drawn to scale, a 12 s one folds.
    const every = (n: number, step: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);
    expect(breaks([...every(10, 1), 9 + 9, 18 + 1])).toEqual([]);
    expect(breaks([...every(10, 1), 9 + 12, 21 + 1])).toEqual(['12.0 s']);
    // Gaps of 1 ms: the floor is 50 ms (a 40 ms gap is drawn to scale, a 60 ms one folds).
    expect(breaks([...every(10, 0.001), 0.009 + 0.04, 0.009 + 0.04 + 0.06])).toEqual(['60 ms']);
    const s = new GapStats();
    for (const r of model([...every(100, 0.002), 1]).rows) s.add(r);
    expect(Math.abs(s.median() / 0.002 - 1)).toBeLessThan(0.023);
  });
});

describe('ladder --svg -', () => {
  it('writes the SVG alone on stdout (no file named -, no text diagram)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'netlens-ladder-stdout-'));
    const r = spawnSync(process.execPath, [CLI, 'ladder', join(FIXTURES, 'tcp-client-close.pcap'), '0', '--svg', '-'], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<?xml')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
