/**
 * `read FILE FILTER`: the filter picks the lines, the analysis behind their
 * annotations sees every frame. The lines stay byte-exact to tcpdump with the
 * same filter (its relative sequence numbers are those of the printed frames);
 * the annotations equal the unfiltered run's for the same frames;
 * -c, -# and -w count and write the matching frames; --prefilter gives
 * tcpdump's meaning back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const hasNative = nativeAvailable();
if (!hasNative) console.warn(`read-filter.test: native binding unavailable (${nativeUnavailableReason()}); skipping (filters need libpcap's compiler)`);
const tcpdump = haveTool('tcpdump');
const fx = (f: string): string => join(FIXTURES, f);
const FILTERS = ['tcp', 'tcp src port 8080', 'tcp[tcpflags] & tcp-push != 0', 'udp or arp', 'greater 100', 'tcp[tcpflags] & tcp-syn == 0'];

describe.skipIf(!hasNative)('read with a filter', () => {
  it.skipIf(!tcpdump)('lines without annotations equal tcpdump with the same filter, on every fixture', () => {
    let compared = 0;
    for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.pcap'))) {
      for (const filter of FILTERS) {
        const ours = netlens(['read', '--no-annotate', fx(f), filter]);
        const theirs = spawnSync('tcpdump', ['-nn', '-r', fx(f), filter], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
        expect(ours.stdout, `${f} '${filter}'`).toBe(theirs.stdout);
        compared += ours.stdout.length > 0 ? 1 : 0;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it("annotations come from the whole capture: each record's analysis and events equal the unfiltered run's", () => {
    const all = ndjson(netlens(['read', '--json', fx('lossy-download.pcap')]).stdout);
    // Frames by time stamp and TCP header (two frames may share a time stamp).
    const key = (r: Record<string, any>): string => `${r.ts} ${r.tcp?.sport} ${r.tcp?.seq} ${r.tcp?.ack} ${r.tcp?.flags} ${r.tcp?.len}`;
    const byKey = new Map(all.map((r) => [key(r), r]));
    expect(byKey.size).toBe(all.length);
    const picked = ndjson(netlens(['read', '--json', fx('lossy-download.pcap'), 'tcp src port 8080']).stdout);
    expect(picked.length).toBeGreaterThan(50);
    expect(picked.length).toBeLessThan(all.length);
    for (const r of picked) {
      const whole = byKey.get(key(r))!;
      expect([r.analysis, r.events, r.conn], r.ts).toEqual([whole.analysis, whole.events, whole.conn]);
    }
    const flagged = (rs: Record<string, any>[], name: string): number => rs.filter((r) => r.analysis?.includes(name)).length;
    expect(flagged(picked, 'retransmission')).toBeGreaterThan(0);
    // tcpdump's meaning: the server's segments alone look out of order and unacknowledged.
    const pre = ndjson(netlens(['read', '--json', '--prefilter', fx('lossy-download.pcap'), 'tcp src port 8080']).stdout);
    expect(pre.length).toBe(picked.length);
    expect(pre.map((r) => r.analysis ?? [])).not.toEqual(picked.map((r) => r.analysis ?? []));
  });

  it('-c and -# count the matching frames; -w writes them', () => {
    const lines = netlens(['read', '--no-annotate', '-#', '-c', '3', fx('mixed.pcap'), 'tcp']).stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, 7))).toEqual(['    1  ', '    2  ', '    3  ']);
    expect(lines.every((l) => / IP6? /.test(l) && l.includes('Flags ['))).toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), 'nl-readfilter-')), 'picked.pcap');
    expect(netlens(['read', '-w', out, fx('mixed.pcap'), 'tcp']).status).toBe(0);
    const want = netlens(['read', '--count', fx('mixed.pcap'), 'tcp']).stdout;
    expect(netlens(['read', '--count', out]).stdout).toBe(want);
    expect(want).toMatch(/^[1-9]\d* packets\n$/);
  });
});
