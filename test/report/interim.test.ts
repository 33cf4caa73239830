/**
 * conns --interim SECONDS: interim records of the conversations still open,
 * at each multiple of SECONDS of capture time since the first frame. The
 * expectations are counted here from the frames the test builds, not taken
 * from netlens's output.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame.js';
import { connections } from '../../src/index.js';
import type { ConnRecord } from '../../src/encode/records.js';
import { parseArgs } from '../../src/cli/args.js';
import { interimSeconds } from '../../src/cli/conns-command.js';
import { captureWriter, tcpFrame } from '../helpers/frames.js';
import { ndjson, netlens } from '../helpers/netlens.js';

const BASE = 1_700_000_000;
const INTERVAL = 60;

interface Built { frame: Frame; t: number; conn: string; fromClient: boolean; payload: number }

/** A TCP connection: handshake at `start`, a 10-byte segment every `every` s (acked 0.5 s later) until `until`, then FIN, FIN, ACK. */
function longConn(name: string, cport: number, start: number, every: number, until: number, extra: number[] = []): Built[] {
  const out: Built[] = [];
  const C = '10.0.0.1', S = '10.0.0.2';
  let cseq = 1000, sseq = 5000;
  const c = (t: number, flags: string, payload = 0): void => {
    out.push({ frame: tcpFrame({ src: C, dst: S, sport: cport, dport: 80, seq: cseq, ack: sseq, flags, payload, t }), t, conn: name, fromClient: true, payload });
    cseq += payload + (flags.includes('S') || flags.includes('F') ? 1 : 0);
  };
  const s = (t: number, flags: string, payload = 0): void => {
    out.push({ frame: tcpFrame({ src: S, dst: C, sport: 80, dport: cport, seq: sseq, ack: cseq, flags, payload, t }), t, conn: name, fromClient: false, payload });
    sseq += payload + (flags.includes('S') || flags.includes('F') ? 1 : 0);
  };
  // The SYN carries no ack.
  out.push({ frame: tcpFrame({ src: C, dst: S, sport: cport, dport: 80, seq: cseq, flags: 'S', t: start }), t: start, conn: name, fromClient: true, payload: 0 });
  cseq++;
  s(start + 0.01, 'SA'); c(start + 0.02, 'A');
  const sends = [];
  for (let t = start + 1; t < until; t += every) sends.push(t);
  sends.push(...extra);
  sends.sort((a, b) => a - b);
  for (const t of sends) { c(t, 'PA', 10); s(t + 0.5, 'A'); }
  c(until + 1, 'FA'); s(until + 1.01, 'FA'); c(until + 1.02, 'A');
  return out;
}

/** A short connection over in a second at the start (its final record comes 5 s later, Zeek's close delay). */
function shortConn(): Built[] {
  return longConn('short', 41000, 0.25, 10, 0.5);
}

const built: Built[] = [...shortConn(), ...longConn('a', 40001, 1, 7, 600, [180.25 /* the third boundary, t0 being 0.25 */]), ...longConn('b', 40002, 2, 11, 420)]
  .sort((x, y) => x.t - y.t);
const write = captureWriter('interim');
const FILE = write('long', built.map((b) => b.frame));
const t0 = built[0]!.t;
const last = built[built.length - 1]!.t;

/** The record's time stamp of a frame at t (the pcap keeps microseconds). */
function ts(t: number): string {
  const f = built.find((b) => b.t === t)!.frame;
  return `${f.tsSec}.${String(Math.floor(f.tsNsec / 1000) * 1000).padStart(9, '0')}`;
}

interface Expected { k: number; conn: string; packets: { client: number; server: number }; bytes: { client: number; server: number }; lastTs: string; firstTs: string }

/** What each boundary's interim records should say, counted from the frames before it. */
function expected(): Expected[][] {
  const groups: Expected[][] = [];
  for (let k = 1; t0 + k * INTERVAL <= last; k++) {
    const B = t0 + k * INTERVAL;
    const group: Expected[] = [];
    for (const conn of ['short', 'a', 'b']) {
      const before = built.filter((b) => b.conn === conn && b.t < B);
      const all = built.filter((b) => b.conn === conn);
      if (before.length === 0) continue;
      // Open: not yet closed on both ends (the FINs are the conversation's last three frames).
      const closed = before.length >= all.length - 1;
      if (closed) continue;
      group.push({
        k, conn,
        packets: { client: before.filter((b) => b.fromClient).length, server: before.filter((b) => !b.fromClient).length },
        bytes: { client: before.filter((b) => b.fromClient).reduce((n, b) => n + b.payload, 0), server: 0 },
        firstTs: ts(before[0]!.t), lastTs: ts(before[before.length - 1]!.t),
      });
    }
    groups.push(group);
  }
  return groups;
}

/** The interim records, one group per boundary: a group is a run of interim records with rising ids. */
function interimGroups(records: Record<string, any>[]): Record<string, any>[][] {
  const groups: Record<string, any>[][] = [];
  let prev: number | null = null;
  for (const r of records) {
    if (r.interim !== true) { prev = null; continue; }
    if (prev === null || r.id <= prev) groups.push([]);
    groups[groups.length - 1]!.push(r);
    prev = r.id;
  }
  return groups;
}

describe('conns --interim', () => {
  const plain = ndjson(netlens(['conns', '--json', FILE]).stdout);
  const run = netlens(['conns', '--json', '--interim', String(INTERVAL), FILE]);
  const records = ndjson(run.stdout);
  const ids = new Map(plain.map((r) => [r.client.port as number, r.id as number]));
  const idOf = (conn: string): number => ids.get(conn === 'short' ? 41000 : conn === 'a' ? 40001 : 40002)!;

  it('the capture spans ten intervals; a frame sits exactly on a boundary', () => {
    expect(Math.floor((last - t0) / INTERVAL)).toBe(10);
    expect(built.some((b) => b.t === t0 + 3 * INTERVAL)).toBe(true);
  });

  it('without --interim, a file has no interim record', () => {
    expect(plain.some((r) => 'interim' in r)).toBe(false);
    expect(plain).toHaveLength(3);
  });

  it('one group per boundary, each conversation still open as the frames before the boundary left it, in id order', () => {
    expect(run.status).toBe(0);
    const want = expected();
    const got = interimGroups(records);
    expect(got).toHaveLength(want.length);
    for (let i = 0; i < want.length; i++) {
      expect(got[i]!.map((r) => r.id)).toEqual(want[i]!.map((e) => idOf(e.conn)));
      expect(got[i]!.map((r) => r.id)).toEqual([...got[i]!.map((r) => r.id)].sort((x, y) => x - y));
      for (let j = 0; j < want[i]!.length; j++) {
        const r = got[i]![j]!, e = want[i]![j]!;
        expect({ packets: r.packets, bytes: r.bytes, firstTs: r.firstTs, lastTs: r.lastTs }, `boundary ${e.k}, ${e.conn}`)
          .toEqual({ packets: e.packets, bytes: e.bytes, firstTs: e.firstTs, lastTs: e.lastTs });
        expect(r.connState).toBe('S1');
        expect(r.states.client.at(-1)).toBe('ESTABLISHED');
      }
    }
    // The long one: once per boundary (floor(span / interval)); b ends before the last ones; the short one never.
    const per = (id: number) => records.filter((r) => r.interim === true && r.id === id).length;
    expect(per(idOf('a'))).toBe(Math.floor((last - t0) / INTERVAL));
    expect(per(idOf('b'))).toBe(Math.floor((420 + 1 - t0) / INTERVAL));
    expect(per(idOf('short'))).toBe(0);
  });

  it('the final records are those without --interim, in the same order', () => {
    expect(records.filter((r) => r.interim !== true)).toEqual(plain);
  });

  it('an interim record has the final record\'s fields, and "interim" as its second key', () => {
    const r = records.find((x) => x.interim === true)!;
    const final = plain.find((x) => x.id === r.id)!;
    expect(Object.keys(r)).toEqual(['type', 'interim', ...Object.keys(final).slice(1)]);
  });

  it('--format zeek-json: interim rows are conn.log rows so far under the final row\'s uid', () => {
    const rows = ndjson(netlens(['conns', '--format', 'zeek-json', '--seed', '7', '--interim', String(INTERVAL), FILE]).stdout);
    const finals = ndjson(netlens(['conns', '--format', 'zeek-json', '--seed', '7', FILE]).stdout);
    expect(finals).toHaveLength(3);
    const interimJson = records.filter((r) => r.interim === true);
    expect(rows).toHaveLength(finals.length + interimJson.length);
    // The rows of a uid: its interims (packets growing), then its final row, equal to the one written without --interim.
    for (const f of finals) {
      const mine = rows.filter((r) => r.uid === f.uid);
      expect(mine.at(-1)).toEqual(f);
      const port = f['id.orig_p'] as number;
      const want = interimJson.filter((r) => r.client.port === port);
      expect(mine.slice(0, -1).map((r) => r.orig_pkts)).toEqual(want.map((r) => r.packets.client));
      expect(mine.slice(0, -1).map((r) => r.resp_pkts)).toEqual(want.map((r) => r.packets.server));
    }
  });

  it('--format zeek: the same rows in TSV, under one header', () => {
    const tsv = netlens(['conns', '--format', 'zeek', '--seed', '7', '--interim', String(INTERVAL), FILE]).stdout.split('\n').filter((l) => l !== '');
    const json = ndjson(netlens(['conns', '--format', 'zeek-json', '--seed', '7', '--interim', String(INTERVAL), FILE]).stdout);
    expect(tsv.filter((l) => l.startsWith('#fields'))).toHaveLength(1);
    const fields = tsv.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
    const rows = tsv.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
    expect(rows.map((r) => [r[fields.indexOf('uid')], Number(r[fields.indexOf('orig_pkts')])])).toEqual(json.map((r) => [r.uid, r.orig_pkts]));
  });

  it('the library: connections(source, { interim }) yields the same records', async () => {
    const got: ConnRecord[] = [];
    for await (const c of connections(FILE, { interim: INTERVAL })) got.push(c);
    expect(got).toEqual(records);
    const none: ConnRecord[] = [];
    for await (const c of connections(FILE)) none.push(c);
    expect(none).toEqual(plain);
  });

  it('--interim 0 is off; the table refuses --interim', () => {
    expect(ndjson(netlens(['conns', '--json', '--interim', '0', FILE]).stdout)).toEqual(plain);
    const text = netlens(['conns', '--interim', '60', FILE]);
    expect(text.status).toBe(2);
    expect(text.stderr.split('\n')[0]).toMatch(/--interim goes with --json/);
    expect(netlens(['conns', '--json', '--interim', 'x', FILE]).status).toBe(2);
  });

  it('a filter picks the interim records of the conversations it shows, at the same boundaries', () => {
    const b = netlens(['conns', '--json', '--interim', String(INTERVAL), FILE, 'tcp port 40002']);
    expect(b.status).toBe(0);
    expect(ndjson(b.stdout)).toEqual(records.filter((r) => r.id === idOf('b')));
  });

  it('the default: every 60 s on a live capture with --json, none from a file or in the Zeek formats unless asked', () => {
    const of = (args: string[]) => interimSeconds(parseArgs(['conns', ...args]));
    expect(of(['-i', 'eth0', '--json'])).toBe(60);
    expect(of(['-i', 'eth0', '--format', 'json'])).toBe(60);
    expect(of(['-i', 'eth0', '--json', '--interim', '0'])).toBe(0);
    expect(of(['-i', 'eth0', '--json', '--interim', '2.5'])).toBe(2.5);
    expect(of(['-i', 'eth0', '--format', 'zeek-json'])).toBe(0);
    expect(of(['-i', 'eth0', '--format', 'zeek', '--interim', '30'])).toBe(30);
    expect(of(['-i', 'eth0'])).toBe(0);
    expect(of(['--json', 'f.pcap'])).toBe(0);
  });
});
