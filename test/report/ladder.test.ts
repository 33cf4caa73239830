/**
 * `netlens ladder`: golden diagrams (ASCII and Unicode) for the recorded
 * scenarios and for simultaneous open/close built frame by frame; 80-column
 * fit; --full; the SVG parses as XML and, where chromium is installed, renders
 * to a non-blank PNG of the expected size.
 * Regenerate the goldens with UPDATE_GOLDEN=1 npx vitest run test/ladder.test.ts (and read the diff).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/source/pcap-writer.js';
import { conversation } from '../helpers/frames.js';
import { FIXTURES, ROOT, netlens } from '../helpers/netlens.js';

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
  }, 90_000);
});
