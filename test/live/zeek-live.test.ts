/**
 * `conns -i` and `http -i` with --format zeek on a real NIC (a namespace
 * joined by a veth pair, curl in the namespace talking to a Node HTTP server):
 * the live conn.log and http.log rows equal what the same views write from
 * the frames they captured (-w), the two logs join on uid for one --seed,
 * and the community_id of the connection is the one tshark computes from
 * that file. Needs root, libpcap, the native binding, curl and tshark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, netlens, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) || existsSync(join(ROOT, 'native', 'prebuilds')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v curl && command -v tshark']).status === 0 ? '' : 'curl or tshark missing');
if (reason) console.warn(`skipping live Zeek log tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Zeek TSV log's rows (by #fields), without the header. */
function rows(text: string): Record<string, string>[] {
  const ls = text.split('\n').filter((l) => l !== '');
  const fields = ls.find((l) => l.startsWith('#fields\t'))?.split('\t').slice(1) ?? [];
  return ls.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

describe.skipIf(reason !== '')('Zeek logs from a live capture', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-zeek-live-'));
  const server = createServer((req, res) => { res.end(`hello ${req.url}\n`); });
  const out: Record<string, string> = { conn: '', http: '' };
  const errors: Record<string, string> = { conn: '', http: '' };
  const status: Record<string, number> = {};

  beforeAll(async () => {
    v = createVethPair('10.83.0.2', '10.83.0.1');
    await new Promise<void>((r) => server.listen(8080, v.hostIp, r));
    const exits: Promise<void>[] = [];
    for (const view of ['conn', 'http']) {
      const command = view === 'conn' ? 'conns' : 'http';
      const p = spawn(process.execPath, [CLI, command, '-i', v.hostIf, '-d', '5', '--format', 'zeek', '--seed', '11', '-w', join(dir, `${view}.pcap`), '-Z', 'root', 'tcp port 8080'],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.on('data', (d) => { out[view] += d; });
      p.stderr.on('data', (d) => { errors[view] += d; });
      exits.push(new Promise((r) => p.on('exit', (c) => { status[view] = c ?? -1; r(); })));
    }
    await sleep(1500);
    await v.nsExec('curl', ['-s', `http://${v.hostIp}:8080/one`, `http://${v.hostIp}:8080/two`]);
    await v.nsExec('curl', ['-s', '-A', 'zeek-live/1', `http://${v.hostIp}:8080/three`]);
    await Promise.all(exits);
  }, 60_000);

  afterAll(() => {
    server.close();
    v?.destroy();
  });

  it('both views end by -d with status 0 and write a whole log', () => {
    expect(status, JSON.stringify(errors)).toEqual({ conn: 0, http: 0 });
    for (const text of Object.values(out)) {
      expect(text.startsWith('#separator \\x09\n')).toBe(true);
      expect(text.trimEnd().split('\n').at(-1)).toMatch(/^#close\t/);
    }
  });

  it('conn.log: the two curl connections, each complete, as the same view writes them from the captured frames', () => {
    const live = rows(out.conn!);
    expect(live.length).toBe(2);
    for (const r of live) {
      expect([r['id.orig_h'], r['id.resp_h'], r['id.resp_p'], r.proto, r.conn_state, r.local_orig, r.local_resp]).toEqual(['10.83.0.1', '10.83.0.2', '8080', 'tcp', 'SF', 'T', 'T']);
      expect(r.history).toMatch(/^ShAD/);
    }
    expect(rows(netlens(['conns', '--format', 'zeek', '--seed', '11', join(dir, 'conn.pcap')]).stdout)).toEqual(live);
  });

  it('http.log: three requests, trans_depth per connection, joined to conn.log on uid', () => {
    const live = rows(out.http!);
    expect(live.map((r) => [r.uri, r.trans_depth, r.status_code])).toEqual([['/one', '1', '200'], ['/two', '2', '200'], ['/three', '1', '200']]);
    expect(live[2]!.user_agent).toBe('zeek-live/1');
    const conns = rows(out.conn!);
    for (const h of live) {
      const c = conns.find((x) => x.uid === h.uid);
      expect(c, h.uid).toBeDefined();
      expect(c!['id.orig_p']).toBe(h['id.orig_p']);
    }
    expect(rows(netlens(['http', '--format', 'zeek', '--seed', '11', join(dir, 'http.pcap')]).stdout)).toEqual(live);
  });

  it('community_id is tshark\'s for the captured frames', () => {
    const t = spawnSync('tshark', ['-n', '--enable-protocol', 'communityid', '-r', join(dir, 'conn.pcap'), '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'communityid'], { encoding: 'utf8' });
    const byPort = new Map(t.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')).filter((f) => f[1] === '8080').map((f) => [f[0]!, f[2]!]));
    const live = rows(out.conn!);
    expect(live.length).toBe(2);
    expect(byPort.size).toBe(live.length);
    for (const r of live) expect(r.community_id).toBe(byPort.get(r['id.orig_p']!));
  });
});
