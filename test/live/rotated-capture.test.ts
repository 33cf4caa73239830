/**
 * A capture rotated by tcpdump itself, live: tcpdump -C 1 records a veth pair
 * while curl downloads across it (one connection, 3 MB: it spans the rotated
 * files), and a second tcpdump records the same interface into one file.
 * netlens reads the rotated files (as a glob, in any order) as one capture:
 * the same conversations as in the single file, the long one one record, not
 * one per file. The two tcpdumps stamp packets separately, so time stamps
 * are compared within a millisecond and the rest exactly. Needs root, tcpdump
 * and curl; skips with the reason otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, netlens } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';
import { expandInputs } from '../../src/source/capture-set.js';

const reason = netnsUnavailableReason()
  || (spawnSync('sh', ['-c', 'command -v tcpdump && command -v curl']).status === 0 ? '' : 'tcpdump or curl missing');
if (reason) console.warn(`skipping the live rotated-capture test: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(reason !== '')('a capture rotated live by tcpdump -C, read as one', () => {
  let v: VethPair;
  let server: Server;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-rotated-live-'));
  const body = Buffer.alloc(3_000_000, 0x61);
  let tcpdumpErr = '';

  beforeAll(async () => {
    v = createVethPair('10.86.0.2', '10.86.0.1');
    server = createServer((req, res) => { res.end(req.url === '/big' ? body : 'small\n'); });
    await new Promise<void>((r) => server.listen(8086, v.hostIp, r));
    // Two captures at once on a busy machine: big kernel buffers and a paced download, so that neither drops.
    const tcpdump = (args: string[]): ChildProcess => {
      const p = spawn('tcpdump', ['-i', v.hostIf, '-Z', 'root', '--immediate-mode', '-B', '65536', '-s', '0', ...args, 'tcp port 8086'], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', (d) => { tcpdumpErr += d; });
      return p;
    };
    const rotating = tcpdump(['-C', '1', '-w', join(dir, 'rot.pcap')]);
    const whole = tcpdump(['-w', join(dir, 'whole.pcap')]);
    await sleep(1500);
    await v.nsExec('curl', ['-s', '-o', '/dev/null', `http://${v.hostIp}:8086/small`], 20_000);
    await v.nsExec('curl', ['-s', '-o', '/dev/null', '--limit-rate', '1M', `http://${v.hostIp}:8086/big`], 20_000);
    await v.nsExec('curl', ['-s', '-o', '/dev/null', `http://${v.hostIp}:8086/small`], 20_000);
    await sleep(500);
    for (const p of [rotating, whole]) p.kill('SIGINT');
    await Promise.all([rotating, whole].map((p) => new Promise((r) => p.on('exit', r))));
  }, 60_000);

  afterAll(() => { server?.close(); v?.destroy(); });

  it('the rotated files give the single file\'s conversations, the long one as one record', () => {
    // Neither capture lost a packet (else the two files differ for that reason alone).
    expect(tcpdumpErr.match(/^(\d+) packets? dropped by kernel$/gm)).toEqual(['0 packets dropped by kernel', '0 packets dropped by kernel']);
    const files = expandInputs([join(dir, 'rot.pcap*')]).files;
    expect(files.length).toBeGreaterThan(1); // 3 MB in files of 1 MB
    const rotated = netlens(['conns', '--json', join(dir, 'rot.pcap*')]);
    const single = netlens(['conns', '--json', join(dir, 'whole.pcap')]);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stderr).toBe('');
    const a = ndjson(rotated.stdout), b = ndjson(single.stdout);
    expect(a).toHaveLength(3);
    const timeless = (r: Record<string, any>) => ({ ...r, firstTs: undefined, lastTs: undefined, duration: undefined, rtt: undefined });
    expect(a.map(timeless)).toEqual(b.map(timeless));
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(Number(a[i]!.firstTs) - Number(b[i]!.firstTs))).toBeLessThan(1e-3);
      expect(Math.abs(Number(a[i]!.lastTs) - Number(b[i]!.lastTs))).toBeLessThan(1e-3);
    }
    // The download crossed the files' boundaries and is still one complete connection.
    const big = a.find((r) => r.bytes.server > 3_000_000)!;
    expect(big).toMatchObject({ handshake: 'complete', connState: 'SF' });
    // The rotated files named in reverse order read the same.
    expect(netlens(['conns', '--json', ...[...files].reverse()]).stdout).toBe(rotated.stdout);
    expect(netlens(['http', '--json', join(dir, 'rot.pcap*')]).stdout.split('\n').length).toBe(netlens(['http', '--json', join(dir, 'whole.pcap')]).stdout.split('\n').length);
  });
});
