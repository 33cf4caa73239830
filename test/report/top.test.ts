/**
 * `capture --top`: the pure table renderer (src/report/top.ts) without a
 * terminal, and its rows / state-change lines from a recorded capture.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import type { Connection } from '../../src/track/tcp/connection.js';
import { Tracker } from '../../src/track/tracker.js';
import { loadPalette, paletteFor } from '../../src/encode/palette.js';
import { connRow, formatAge, renderTop, sortByActivity, stateChangeLines, summaryLine, type TopRow, type TopStatus } from '../../src/report/top.js';
import { FIXTURES } from '../helpers/netlens.js';

// Colour views in these tests: chalk is loaded as main.ts loads it for a terminal.
await loadPalette({ isTTY: true }, {});

function row(id: number, over: Partial<TopRow> = {}): TopRow {
  return {
    id, proto: 'TCP', client: `10.0.0.1:${40000 + id}`, server: '10.0.0.2:80',
    clientState: 'ESTABLISHED', serverState: 'ESTABLISHED', pattern: 'complete/open',
    packets: { client: 10, server: 8 }, bytes: { client: 500, server: 12000 },
    rate: 0, pktRate: 0, age: 12, lastSeen: 1000 + id, ended: false, ...over,
  };
}

const status: TopStatus = { iface: 'eth0', clock: '12:00:00', captured: 1234, received: 1240, dropped: 6, active: 3, seen: 9 };
// eslint-disable-next-line no-control-regex
const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('renderTop', () => {
  const rows = [
    row(1, { rate: 10, pktRate: 2 }),
    row(2, { rate: 5000, pktRate: 40, clientState: 'FIN_WAIT_2', serverState: 'CLOSE_WAIT', pattern: 'complete/half-closed' }),
    row(3, { ended: true, rate: 99999, clientState: 'TIME_WAIT', serverState: 'CLOSED', pattern: 'complete/fin' }),
    row(4, { rate: 10, pktRate: 5 }),
    row(5, { proto: 'UDP', clientState: '-', serverState: '-', pattern: 'udp', lastSeen: 2000 }),
  ];

  it('sorts by activity: bytes/s, then packets/s, then last seen; ended rows last', () => {
    expect(sortByActivity(rows).map((r) => r.id)).toEqual([2, 4, 1, 5, 3]);
    const lines = renderTop(rows, status, 120, 20);
    const ids = lines.slice(2).map((l) => /^.\s+(\d+)\s/.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(ids).toEqual([2, 4, 1, 5, 3]);
  });

  it("shows both ends' states and the pattern so far", () => {
    const lines = renderTop(rows, status, 120, 20);
    expect(lines[1]).toMatch(/CLIENT\s+STATE\s+SERVER\s+STATE\s+PATTERN/);
    const r2 = lines.find((l) => l.includes(':40002'))!;
    expect(r2).toMatch(/10\.0\.0\.1:40002\s+FIN_WAIT_2\s+10\.0\.0\.2:80\s+CLOSE_WAIT\s+complete\/half-closed/);
    expect(r2).toMatch(/10\/8\s+500 B\/12\.0 kB\s+5\.0 kB\/s/);
    const wide = renderTop(rows, status, 160, 20).find((l) => l.includes(':40002'))!;
    expect(wide).toMatch(/^ +2 {2}TCP +10\.0\.0\.1:40002 .* 10\/8 +500 B\/12\.0 kB +5\.0 kB\/s +12s$/);
  });

  it('marks ended rows (a leading "-", dimmed on a terminal)', () => {
    const lines = renderTop(rows, status, 120, 20);
    const ended = lines.filter((l) => l.startsWith('-'));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatch(/TIME_WAIT\s+10\.0\.0\.2:80\s+CLOSED\s+complete\/fin/);
    expect(lines[0]).toContain('1 just closed');
    const tty = renderTop(rows, status, 120, 20, paletteFor({ isTTY: true }, {}));
    const dimmed = tty.find((l) => strip(l).startsWith('-'))!;
    expect(dimmed.startsWith('\x1b[2m')).toBe(true);
  });

  it('footer has packets captured, received and dropped', () => {
    const lines = renderTop(rows, status, 120, 20);
    expect(lines).toHaveLength(20);
    expect(lines[19]).toBe('1234 packets captured, 1240 received by filter, 6 dropped by kernel  q quit');
    const cap = renderTop(rows, { ...status, received: null, dropped: null, captured: 1 }, 120, 20);
    expect(cap[19]).toBe('1 packet captured  q quit');
    // Capture health findings (track/health.ts) join the footer while the screen is up.
    const sick = renderTop(rows, { ...status, health: ['over-mtu', 'checksum-offload'] }, 160, 20);
    expect(sick[19]).toBe('1234 packets captured, 1240 received by filter, 6 dropped by kernel, health: over-mtu, checksum-offload (in full on exit)  q quit');
    expect(renderTop(rows, { ...status, health: [] }, 120, 20)[19]).toBe(lines[19]);
  });

  it('fits any width and height: drops the least important columns, cuts what still does not fit', () => {
    for (const width of [200, 120, 100, 80, 60, 40, 20, 10]) {
      for (const height of [40, 8, 4, 2, 1]) {
        const lines = renderTop(rows, status, width, height, paletteFor({ isTTY: true }, {}));
        expect(lines.length).toBe(height);
        for (const l of lines) expect(strip(l).length).toBeLessThanOrEqual(width);
      }
    }
    const narrow = renderTop(rows, status, 80, 20);
    expect(narrow[1]).not.toContain('PROTO');
    expect(narrow[1]).toMatch(/STATE.*STATE/);
    const wide = renderTop(rows, status, 160, 20);
    expect(wide[1]).toMatch(/ID\s+PROTO\s+CLIENT.*RATE\s+AGE$/);
  });

  it('says how many rows did not fit', () => {
    const many = Array.from({ length: 30 }, (_, i) => row(i, { rate: i }));
    const lines = renderTop(many, status, 120, 10);
    expect(lines).toHaveLength(10);
    expect(lines[8]).toContain('... 24 more');
    expect(lines[2]).toMatch(/^\s+29\s/);
  });

  it('IPv6 endpoints are cut, not wrapped', () => {
    const v6 = [row(1, { client: '[2001:db8:1234:5678:9abc:def0:1234:5678]:50000', server: '[2001:db8::2]:443' })];
    for (const l of renderTop(v6, status, 80, 6)) expect(l.length).toBeLessThanOrEqual(80);
    expect(renderTop(v6, status, 160, 6)[2]).toContain('[2001:db8:1234:5678:9abc:def0:1234:5678]:50000');
  });

  it('ages', () => {
    expect([formatAge(0.4), formatAge(59), formatAge(61), formatAge(3725), formatAge(90000)]).toEqual(['0s', '59s', '1m01s', '1h02m', '1d01h']);
  });
});

describe('rows and state-change lines from a capture', () => {
  it('tcp-client-close.pcap: states advance, one line per state change, a summary', () => {
    const reader = new CaptureFileReader(join(FIXTURES, 'tcp-client-close.pcap'));
    const d = new PacketDecoder();
    const ended: Connection[] = [];
    const t = new Tracker({ onEnd: (c) => ended.push(c) });
    const lines: string[] = [];
    const seen: string[] = [];
    for (let f = reader.next(); f !== null; f = reader.next()) {
      d.decode(f);
      t.observe(d, f.tsSec, f.tsNsec);
      if (t.conn !== null && t.eventCount > 0) lines.push(...stateChangeLines(t, t.conn, 'T'));
      const [c] = [...t.conversations()];
      if (c === undefined) continue; // the ARP exchange before the SYN
      const r = connRow(c!, f.tsSec + 1, 0, 0, c!.finished);
      seen.push(`${r.clientState}/${r.serverState}`);
    }
    reader.close();
    expect(seen[0]).toBe('SYN_SENT/');
    expect(seen).toContain('ESTABLISHED/ESTABLISHED');
    expect(seen.at(-1)).toBe('TIME_WAIT/CLOSED');
    expect(lines[0]).toBe('T #0 TCP 10.77.0.1:40001 > 10.77.0.2:9001: client CLOSED → SYN_SENT');
    expect(lines).toContain('T #0 TCP 10.77.0.1:40001 > 10.77.0.2:9001: client FIN_WAIT_2 → TIME_WAIT');
    expect(lines.filter((l) => l.includes(' → ')).length).toBe(10);
    t.finish();
    expect(ended).toHaveLength(1);
    expect(summaryLine(ended[0]!)).toMatch(/^#0 TCP 10\.77\.0\.1:40001 > 10\.77\.0\.2:9001 {2}complete\/fin {2}TIME_WAIT\/CLOSED {2}\d+\/\d+ pkts/);
  });
});
