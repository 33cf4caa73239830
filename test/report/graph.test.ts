/**
 * `netlens graph`: golden SVGs of the fixtures (lossy-download: tseq, rtt,
 * throughput, window; http-keepalive: tseq); what the SVG shows counted
 * against `read --json` and `conns --json` (retransmissions, data segments,
 * the final cumulative ACK, RTT samples by Karn's rule computed here from the
 * records); the samples compared with tcptrace's time-sequence graph (xplot
 * files) where tcptrace is installed; the time binning that bounds memory;
 * escaping; the command line's errors; and, where chromium is installed, a
 * non-blank rendering.
 * Regenerate the goldens with `npm run golden:update` (or UPDATE_GOLDEN=1 npx vitest run test/report/graph.test.ts) and read the diff.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { openCapture } from '../../src/source/capture-set.js';
import { DirectionSamples, GraphCollector, MAX_POINTS, Series, type GraphHead, type GraphKind } from '../../src/report/graph/model.js';
import { Analysis, Tracker } from '../../src/track/tracker.js';
import { parseConnSelector } from '../../src/report/ladder/model.js';
import { renderGraphSvg } from '../../src/report/graph/svg.js';
import { CORPUS, FIXTURES, ROOT, haveTool, ndjson, netlens } from '../helpers/netlens.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'graph');
const tmp = mkdtempSync(join(tmpdir(), 'netlens-graph-'));
const LOSSY = join(FIXTURES, 'lossy-download.pcap');
const KEEPALIVE = join(FIXTURES, 'http-keepalive.pcap');

function graph(file: string, conn: string, kind: GraphKind, ...more: string[]): string {
  const r = netlens(['graph', file, conn, '--kind', kind, '--svg', '-', ...more]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The graph's samples, from the collector run in-process over the file. */
function collect(file: string, conn: string, kind: GraphKind, dir: 'client' | 'server' | null = null): GraphHead {
  const col = new GraphCollector(parseConnSelector(conn)!, kind, dir);
  const reader = openCapture(file);
  const d = new PacketDecoder();
  const t = new Tracker({ onEnd: (c) => col.connEnded(c) });
  let n = 0;
  for (let f = reader.next(); f !== null; f = reader.next()) {
    d.decode(f);
    t.observe(d, f.tsSec, f.tsNsec);
    col.packet(++n, f, d, t);
  }
  t.finish();
  reader.close();
  return col.finish()!;
}

function count(svg: string, cls: string): number {
  return svg.split(`class="${cls}"`).length - 1;
}

/** One direction of a fixture's connection, from `read --json`: its data segments and the other side's ACKs, relative to the sender's ISN. */
function records(file: string, senderPort: number) {
  const recs = ndjson(netlens(['read', '--json', file]).stdout).filter((r) => r.tcp !== undefined && r.conn === 0);
  // Seconds since the first frame, from the time stamps' digits (a double holds no nanoseconds of an epoch time).
  const [sec0, nsec0] = (recs[0]!.ts as string).split('.').map(Number) as [number, number];
  const since = (ts: string): number => { const [s, ns] = ts.split('.').map(Number) as [number, number]; return (s - sec0) + (ns - nsec0) / 1e9; };
  const syn = recs.find((r) => r.tcp.sport === senderPort && r.tcp.flags.includes('S'))!;
  const base = syn.tcp.seq as number;
  const rel = (v: number): number => (v - base + 2 ** 32) % 2 ** 32;
  const events = recs.map((r) => ({
    t: since(r.ts),
    fromSender: r.tcp.sport === senderPort,
    start: rel(r.tcp.seq), end: rel(r.tcp.seq) + r.tcp.len, len: r.tcp.len as number,
    ack: r.tcp.flags.includes('.') ? rel(r.tcp.ack) : -1,
    analysis: (r.analysis ?? []) as string[],
  }));
  return events;
}

/** Karn's rule, computed from the records: each ACK that moves the cumulative ACK to the end of a segment sent once. */
function karnSamples(events: ReturnType<typeof records>): number[] {
  const samples: number[] = [];
  let highest = -1;
  events.forEach((e, i) => {
    if (e.fromSender || e.ack < 0) return;
    if (e.ack > highest) {
      const before = events.slice(0, i).filter((x) => x.fromSender && x.len > 0);
      const ending = before.filter((x) => x.end === e.ack);
      if (ending.length === 1) {
        const seg = ending[0]!;
        const overlapped = before.some((x) => x !== seg && x.start < seg.end && x.end > seg.start);
        const flagged = seg.analysis.includes('retransmission') || seg.analysis.includes('out-of-order');
        if (!overlapped && !flagged) samples.push(e.t - seg.t);
      }
      highest = e.ack;
    }
  });
  return samples;
}

const GOLDENS: [string, string, GraphKind][] = [
  ['lossy-download', '0', 'tseq'], ['lossy-download', '0', 'rtt'], ['lossy-download', '0', 'throughput'],
  ['lossy-download', '0', 'window'], ['http-keepalive', '0', 'tseq'],
];

describe('graph SVGs', () => {
  it('match the golden files and are well-formed XML', () => {
    for (const [fixture, conn, kind] of GOLDENS) {
      const svg = graph(join(FIXTURES, `${fixture}.pcap`), conn, kind);
      expect(XMLValidator.validate(svg), `${fixture} ${kind}`).toBe(true);
      const file = join(GOLDEN, `${fixture}.${conn}.${kind}.svg`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, svg);
      expect(existsSync(file), `${file} missing: run npm run golden:update`).toBe(true);
      expect(svg, `${fixture} ${kind}`).toBe(readFileSync(file, 'utf8'));
    }
    // No stray golden without its case here.
    expect(readdirSync(GOLDEN).sort()).toEqual(GOLDENS.map(([f, c, k]) => `${f}.${c}.${k}.svg`).sort());
  });

  it('tseq: one mark per retransmitted segment (read --json, conns --json), every data segment a bar, the ACK line ending at the final ACK', () => {
    const svg = graph(LOSSY, '0', 'tseq');
    const ev = records(LOSSY, 8080);
    const data = ev.filter((e) => e.fromSender && e.len > 0);
    const rexmit = data.filter((e) => e.analysis.includes('retransmission')).length;
    const ooo = data.filter((e) => e.analysis.includes('out-of-order') && !e.analysis.includes('retransmission')).length;
    const conn = ndjson(netlens(['conns', '--json', LOSSY]).stdout).find((c) => c.id === 0)!;
    // The client sends 85 bytes and retransmits nothing: the connection's count is the server's.
    expect(ev.some((e) => !e.fromSender && e.analysis.includes('retransmission'))).toBe(false);
    expect(rexmit).toBe(conn.retransmissions);
    expect(rexmit).toBeGreaterThan(0);
    expect(count(svg, 'retransmission')).toBe(rexmit);
    expect(count(svg, 'out-of-order')).toBe(ooo);
    expect(count(svg, 'segment') + count(svg, 'retransmission') + count(svg, 'out-of-order')).toBe(data.length);
    // The ACK line's last point: the final cumulative ACK, in data-final and where the y axis puts it.
    const acks = ev.filter((e) => !e.fromSender && e.ack >= 0).map((e) => e.ack);
    const finalAck = acks[acks.length - 1]!;
    expect(finalAck).toBe(Math.max(...acks));
    const ackLine = /<polyline class="ack" data-final="(\d+)" points="([^"]*)"/.exec(svg)!;
    expect(Number(ackLine[1])).toBe(finalAck);
    const lastY = Number(ackLine[2]!.trim().split(' ').pop()!.split(',')[1]);
    const ticks = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" class="ytick" text-anchor="end">([\d.]+) (B|kB|MB)<\/text>/g)]
      .map((m) => ({ y: Number(m[1]) - 4, v: Number(m[2]) * { B: 1, kB: 1e3, MB: 1e6 }[m[3] as 'B']! }));
    expect(ticks.length).toBeGreaterThan(3);
    const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
    const perPixel = (b.v - a.v) / (a.y - b.y);
    expect(Math.abs(a.v + (a.y - lastY) * perPixel - finalAck)).toBeLessThan(perPixel);
    // Axes with their labels and units, and a legend.
    expect(svg).toContain("time since the connection's first packet (ms)");
    expect(svg).toContain('relative sequence number (MB)');
    expect(svg).toMatch(/class="xtick" text-anchor="middle">\d+ ms</);
    for (const key of ['retransmitted', 'out of order', 'ACK', 'receive window', 'SACK', 'zero window']) expect(svg).toContain(`class="legend">${key}<`);
  });

  it('rtt: one sample per ACK of a segment sent once (Karn), computed from read --json', () => {
    const svg = graph(LOSSY, '0', 'rtt');
    const expected = karnSamples(records(LOSSY, 8080));
    expect(expected.length).toBeGreaterThan(10);
    expect(count(svg, 'rtt')).toBe(expected.length);
    const got = collect(LOSSY, '0', 'rtt').samples.rtt;
    const values = Array.from(got.b.subarray(0, got.n), (v) => v.toFixed(9));
    expect(values).toEqual(expected.map((v) => v.toFixed(9)));
    expect(svg).toContain('round-trip time (µs)');
  });

  it('throughput: goodput leaves the retransmitted bytes out; window: the scaled window and bytes in flight', () => {
    const th = collect(LOSSY, '0', 'throughput').samples.bytes;
    const ev = records(LOSSY, 8080).filter((e) => e.fromSender && e.len > 0);
    let all = 0, good = 0;
    for (let i = 0; i < th.n; i++) { all += th.a[i]!; good += th.b[i]!; }
    expect(all).toBe(ev.reduce((s, e) => s + e.len, 0));
    expect(good).toBe(ev.filter((e) => !e.analysis.includes('retransmission')).reduce((s, e) => s + e.len, 0));
    const svg = graph(LOSSY, '0', 'throughput');
    expect(count(svg, 'throughput')).toBe(1);
    expect(count(svg, 'goodput')).toBe(1);
    expect(svg).toMatch(/bytes per second over [\d.]+ µs \(MB\/s\)/);
    // Both SYNs offered window scaling: the client's windows after its SYN are scaled by the shift it offered.
    const w = collect(LOSSY, '0', 'window').samples;
    const client = ndjson(netlens(['read', '--json', LOSSY]).stdout).filter((r) => r.tcp?.sport === 40014);
    const shift = client.find((r) => r.tcp.flags === 'S')!.tcp.wscale as number;
    expect(shift).toBeGreaterThan(0);
    const windows = client.filter((r) => !r.tcp.flags.includes('S')).map((r) => r.tcp.win * 2 ** shift);
    expect(Array.from(w.window.a.subarray(0, w.window.n))).toEqual(windows);
    expect(w.inFlight.n).toBeGreaterThan(0);
  });

  it('--dir picks the direction; the default is the side that sent more', () => {
    expect(collect(LOSSY, '0', 'tseq').dir).toBe('server');
    const c = collect(LOSSY, '0', 'tseq', 'client');
    expect([c.dir, c.sender, c.bytes]).toEqual(['client', '10.77.0.1:40014', 85]);
    const svg = graph(LOSSY, '0', 'tseq', '--dir', 'client');
    expect(svg).toContain("10.77.0.1:40014 → 10.77.0.2:8080 (client's data)");
    expect(collect(KEEPALIVE, '0', 'tseq').dir).toBe('server');
  });
});

const xplot = haveTool('tcptrace');
describe.skipIf(!xplot)('graph tseq against tcptrace -zxy (xplot time-sequence files)', () => {
  /** tcptrace's vertical lines by colour: white (data), red (retransmitted), purple (SACK), green (ACK), yellow (window). */
  function tcptraceLines(file: string, sender: string, receiver: string): Record<string, string[]> {
    const dir = mkdtempSync(join(tmp, 'tcptrace-'));
    const r = spawnSync('tcptrace', ['-n', '-S', '-zxy', file], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const name = readdirSync(dir).filter((f) => f.endsWith('_tsg.xpl')).find((f) => readFileSync(join(dir, f), 'utf8').split('\n')[2]!.startsWith(`${sender}_==>_${receiver} `))!;
    const out: Record<string, string[]> = {};
    let colour = '';
    for (const l of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (/^[a-z]+$/.test(l)) { colour = l; continue; }
      const m = /^line (\S+) (\d+) (\S+) (\d+)$/.exec(l);
      if (m === null || m[1] !== m[3] || m[2] === m[4]) continue;
      (out[colour] ??= []).push(`${m[1]} ${m[2]} ${m[4]}`);
    }
    return out;
  }
  const ours = (s: Series): string[] => Array.from({ length: s.n }, (_, i) => `${s.t[i]!.toFixed(6)} ${s.a[i]} ${s.b[i]}`);
  /** A step line's moves, as tcptrace draws each: a vertical line at the time of the change. */
  const moves = (s: Series): string[] => Array.from({ length: s.n - 1 }, (_, i) => `${s.t[i + 1]!.toFixed(6)} ${s.a[i]} ${s.a[i + 1]}`);
  const sorted = (a: string[] | undefined): string[] => [...(a ?? [])].sort();

  /** Every data segment, SACK block, move of the ACK line and of the window's edge, as tcptrace has them; the R marks' set. */
  function compare(file: string, conn: string, sender: string, receiver: string): { red: string[]; s: DirectionSamples } {
    const lines = tcptraceLines(file, sender, receiver);
    const h = collect(file, conn, 'tseq');
    expect([h.sender, h.receiver]).toEqual([sender, receiver]);
    const s = h.samples;
    expect(s.segments).toBeGreaterThan(0);
    expect(sorted([...(lines.white ?? []), ...(lines.red ?? [])])).toEqual(sorted([...ours(s.data), ...ours(s.retransmitted), ...ours(s.outOfOrder)]));
    expect(sorted(lines.purple)).toEqual(sorted(ours(s.sack)));
    expect(sorted(lines.green)).toEqual(sorted(moves(s.acks)));
    expect(sorted(lines.yellow)).toEqual(sorted(moves(s.rwin)));
    return { red: sorted(lines.red), s };
  }

  for (const [name, file] of [['lossy-download', LOSSY], ['http-keepalive', KEEPALIVE]] as const) {
    it(`${name}: the same data segments, SACK blocks, ACK and window lines, and R marks where tshark flags retransmission or out-of-order`, () => {
      const { red, s } = compare(file, '0', '10.77.0.2:8080', name === 'lossy-download' ? '10.77.0.1:40014' : '10.77.0.1:40008');
      // Captured at the sender, every segment below the highest one sent was sent before: tcptrace's R
      // (bytes seen before) and tshark's two flags mark the same segments.
      expect(red).toEqual(sorted([...ours(s.retransmitted), ...ours(s.outOfOrder)]));
    });
  }

  const corpus = join(CORPUS, 'pcap', 'zeek-http_206_example_b.pcap');
  it.skipIf(!existsSync(corpus))('zeek-http_206_example_b (../shared/corpus: a real download with losses and SACK, captured at the client)', () => {
    const { red, s } = compare(corpus, '0', '65.54.95.206:80', '192.168.72.14:3254');
    // At the receiver a retransmission that fills a hole carries bytes never seen: tshark flags it
    // (retransmission or out-of-order) where tcptrace, which marks bytes seen before, does not.
    expect(red.length).toBeLessThan(s.retransmissions + s.outOfOrders);
    expect(new Set([...ours(s.retransmitted), ...ours(s.outOfOrder)]).size).toBe(s.retransmissions + s.outOfOrders);
    const flagged = new Set([...ours(s.retransmitted), ...ours(s.outOfOrder)]);
    expect(red.filter((r) => !flagged.has(r))).toEqual([]);
    compare(corpus, '1', '65.54.95.14:80', '192.168.72.14:3257');
  });
});

describe('graph memory bound', () => {
  it('bins a series by time once it is full: at most its cap, sums kept, extremes kept', () => {
    const sum = new Series(1000, 'sum'), span = new Series(1000, 'min', 'max');
    let total = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const t = i * 1e-4, v = (i * 7919) % 1000;
      sum.push(t, v, 1); total += v;
      span.push(t, v, v + 1);
    }
    expect(sum.n).toBeLessThanOrEqual(1000);
    expect(sum.n).toBeGreaterThan(200);
    expect(sum.bin).toBeGreaterThan(0);
    let s = 0, ones = 0;
    for (let i = 0; i < sum.n; i++) { s += sum.a[i]!; ones += sum.b[i]!; }
    expect([s, ones]).toEqual([total, 1_000_000]);
    expect(Math.min(...span.a.subarray(0, span.n))).toBe(0);
    expect(Math.max(...span.b.subarray(0, span.n))).toBe(1000);
    for (let i = 1; i < span.n; i++) expect(span.t[i]!).toBeGreaterThan(span.t[i - 1]!);
  });

  it('draws a long connection in at most MAX_POINTS points, and says it binned them', () => {
    for (const kind of ['tseq', 'rtt', 'throughput', 'window'] as GraphKind[]) {
      const s = new DirectionSamples(kind);
      const n = 400_000;
      for (let i = 0; i < n; i++) {
        const t = i * 1e-5, seq = 1 + i * 1000;
        s.sent(t, seq, seq + 1000, i % 97 === 0 ? Analysis.RETRANSMISSION : 0);
        s.replied(t + 5e-6, seq + 1000, 65535, false);
        s.sacked(t + 5e-6, seq + 2000, seq + 3000);
      }
      let svg = '';
      renderGraphSvg({ id: 0, kind, sender: 'a', receiver: 'b', dir: 'server', duration: n * 1e-5, bytes: n * 1000, scaled: true, samples: s }, (x) => { svg += x; });
      expect(XMLValidator.validate(svg), kind).toBe(true);
      const points = (svg.match(/<(line|circle) /g) ?? []).length + [...svg.matchAll(/points="([^"]*)"/g)].reduce((k, m) => k + m[1]!.split(' ').length, 0);
      expect(points, kind).toBeLessThanOrEqual(MAX_POINTS * 2.2); // a step line has two points per sample
      expect(svg, kind).toContain('binned by time to fit the points');
      expect(s.segments).toBe(n);
    }
  });

  it('keeps every sample of a short connection', () => {
    const s = collect(LOSSY, '0', 'tseq').samples;
    expect([s.data.bin, s.acks.bin, s.sack.bin]).toEqual([0, 0, 0]);
  });
});

describe('graph text and command line', () => {
  it('escapes every text it writes', () => {
    const samples = new DirectionSamples('tseq');
    samples.sent(0, 1, 100, 0);
    samples.replied(0.001, 100, 1000, false);
    let svg = '';
    renderGraphSvg({ id: 3, kind: 'tseq', sender: '<a&"b>', receiver: '</svg><script>', dir: 'server', duration: 0.002, bytes: 99, scaled: false, samples }, (s) => { svg += s; });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;a&amp;&quot;b&gt;');
  });

  it('writes the file it is told and says what it drew; errors are one line', () => {
    const file = join(tmp, 'g.svg');
    const r = netlens(['graph', LOSSY, '0', '--svg', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`#0 tseq: 10.77.0.2:8080 → 10.77.0.1:40014, 724 data segments, 13 retransmitted, 9 out of order → ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(graph(LOSSY, '0', 'tseq'));
    for (const [args, status] of [
      [['graph', LOSSY, '0'], 2], [['graph', LOSSY, '--svg', file], 2], [['graph', LOSSY, '0', '--kind', 'pie', '--svg', file], 2],
      [['graph', LOSSY, '0', '--dir', 'up', '--svg', file], 2], [['graph', LOSSY, '7', '--svg', file], 1], [['graph', LOSSY, '0', '--svg', join(tmp, 'no', 'such.svg')], 1],
    ] as [string[], number][]) {
      const e = netlens(args);
      expect(e.status, args.join(' ')).toBe(status);
      expect(e.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(e.stderr.trim().split('\n')[0]).toMatch(/^netlens: /);
    }
    // A UDP conversation named by id or endpoints: said so, for graph and ladder alike.
    for (const cmd of ['graph', 'ladder']) {
      for (const sel of ['0', '10.77.0.2:53-10.77.0.1:40541']) {
        const u = netlens([cmd, join(FIXTURES, 'mixed.pcap'), sel, '--svg', file]);
        expect(u.status).toBe(1);
        expect(u.stderr).toBe(`netlens: conversation ${sel === '0' ? '#0' : sel} is UDP: ${cmd} draws TCP connections (netlens follow shows its datagrams)\n`);
      }
    }
    expect(netlens(['graph', LOSSY, '7', '--svg', file]).stderr).toBe('netlens: no TCP connection 7 in this capture (netlens conns lists them)\n');
    const empty = netlens(['graph', join(FIXTURES, 'tcp-refused.pcap'), '0', '--kind', 'rtt', '--svg', '-']);
    expect(empty.status, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('no RTT sample from');
  });
});

describe('graph rendering', () => {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) console.warn('skipping the graph rendering test: chromium is not installed (CI installs it)');
  it.skipIf(!chromium)('renders in headless chromium to a non-blank PNG with the retransmissions in red', () => {
    const svgFile = join(tmp, 'tseq.svg');
    writeFileSync(svgFile, graph(LOSSY, '0', 'tseq'));
    const png = join(tmp, 'tseq.png');
    const r = spawnSync(chromium!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chr-'))}`,
      '--hide-scrollbars', '--window-size=960,600', `--screenshot=${png}`, `file://${svgFile}`,
    ], { encoding: 'utf8', timeout: 60_000 });
    expect(existsSync(png), r.stderr).toBe(true);
    const img = PNG.sync.read(readFileSync(png));
    expect([img.width, img.height]).toEqual([960, 600]);
    let dark = 0, red = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      const [rr, gg, bb] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if (rr + gg + bb < 600) dark++;
      if (rr > 180 && gg < 80 && bb < 80) red++; // the retransmissions' #cf222e
    }
    expect(dark / (img.width * img.height)).toBeGreaterThan(0.005);
    expect(red).toBeGreaterThan(20);
  }, 90_000);
});
