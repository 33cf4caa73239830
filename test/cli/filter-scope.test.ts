/**
 * A filter never silently changes the analysis (issue 16): conns, http,
 * follow and ladder analyse every frame and show the conversations with at
 * least one frame matching the filter, under their unfiltered ids;
 * --prefilter keeps tcpdump's meaning (frames dropped before the analysis).
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const LOSSY = join(FIXTURES, 'lossy-download.pcap');
const MIXED = join(FIXTURES, 'mixed.pcap');
const KEEPALIVE = join(FIXTURES, 'http-keepalive.pcap');
const skip = !nativeAvailable();
if (skip) console.warn(`filter-scope.test: skipping: BPF filters need libpcap (${nativeUnavailableReason()})`);

describe.skipIf(skip)('a filter picks conversations; the analysis sees every frame', () => {
  it('one direction of a lossy download: still complete / fin with its 13 retransmissions', () => {
    const all = ndjson(netlens(['conns', '--json', LOSSY]).stdout);
    const filtered = ndjson(netlens(['conns', '--json', LOSSY, 'tcp src port 8080']).stdout);
    expect(filtered).toEqual(all);
    expect(filtered[0]).toMatchObject({ handshake: 'complete', teardown: 'fin', retransmissions: 13 });
  });
  it('--prefilter: tcpdump\'s meaning, the analysis sees only the matching frames', () => {
    const pre = ndjson(netlens(['conns', '--json', '--prefilter', LOSSY, 'tcp src port 8080']).stdout);
    expect(pre[0]).toMatchObject({ handshake: 'not-seen' });
    expect(pre[0]!.packets.client).toBe(0);
  });
  it('ids and records are those of the unfiltered capture', () => {
    const all = ndjson(netlens(['conns', '--json', MIXED]).stdout);
    for (const filter of ['udp', 'tcp port 8080', 'ip6']) {
      const got = ndjson(netlens(['conns', '--json', MIXED, filter]).stdout);
      expect(got.length, filter).toBeGreaterThan(0);
      expect(got.length, filter).toBeLessThan(all.length);
      for (const c of got) expect(c, filter).toEqual(all.find((a) => a.id === c.id));
      const want = filter === 'udp' ? all.filter((a) => a.proto === 'udp') : null;
      if (want) expect(got).toEqual(want);
    }
  });
  it('stdin gives what the file gives', () => {
    const r = netlens(['conns', '--json', '-', 'udp'], readFileSync(MIXED));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(netlens(['conns', '--json', MIXED, 'udp']).stdout);
  });
  it('http: a filter on the client\'s pushes still gives every transaction whole', () => {
    const all = netlens(['http', '--json', KEEPALIVE]).stdout;
    expect(netlens(['http', '--json', KEEPALIVE, 'tcp dst port 8080 and tcp[tcpflags] & tcp-push != 0']).stdout).toBe(all);
    expect(netlens(['http', '--json', KEEPALIVE, 'udp']).stdout).toBe('');
  });
  it('follow and ladder: a conversation the filter does not pick is not there', () => {
    const r = netlens(['follow', MIXED, '2', 'tcp']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^netlens: no conversation 2 /);
    expect(netlens(['follow', MIXED, '2', 'udp']).stdout).toBe(netlens(['follow', MIXED, '2']).stdout);
    expect(netlens(['ladder', LOSSY, '0', 'tcp src port 8080']).stdout).toBe(netlens(['ladder', LOSSY, '0']).stdout);
  });
  it('-w writes the frames that match, as tcpdump -w does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-scope-'));
    expect(netlens(['conns', MIXED, 'udp', '-w', join(dir, 'n.pcap')]).status).toBe(0);
    const td = spawnSync('tcpdump', ['-r', MIXED, '-w', join(dir, 't.pcap'), 'udp'], { encoding: 'utf8' });
    if (td.status === 0) expect(readFileSync(join(dir, 'n.pcap')).equals(readFileSync(join(dir, 't.pcap')))).toBe(true);
    expect(ndjson(netlens(['read', '--json', join(dir, 'n.pcap')]).stdout).every((p) => p.udp !== undefined)).toBe(true);
  });
  it('-c N: up to the Nth matching frame', () => {
    const got = ndjson(netlens(['conns', '--json', '-c', '3', MIXED, 'tcp']).stdout);
    expect(got.map((c) => c.id)).toEqual([1]);
    expect(got[0]!.packets.client + got[0]!.packets.server).toBeGreaterThanOrEqual(3);
  });
});
