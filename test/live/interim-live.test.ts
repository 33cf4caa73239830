/**
 * `conns -i IFACE --json --interim 1` on a real NIC (a namespace joined by a
 * veth pair; a Node client in the namespace sends a byte every 0.25 s for
 * about 3.5 s to a server here): interim records of the open connection
 * arrive while the capture runs, before SIGINT, and the live records equal
 * what the same view writes from the frames it captured (-w). Needs root,
 * libpcap and the native binding.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ndjson, netlens, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) || existsSync(join(ROOT, 'native', 'prebuilds')) ? '' : 'the native libpcap binding is not built');
if (reason) console.warn(`skipping live --interim tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PORT = 9107;

describe.skipIf(reason !== '')('conns --interim on a live capture', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-interim-live-'));
  const server = createServer((s) => { s.on('data', () => {}); s.on('error', () => {}); });
  /** Each stdout line and whether it came before SIGINT was sent. */
  const lines: { text: string; beforeStop: boolean }[] = [];
  let stopped = false;
  let status = -1;
  let stderr = '';

  beforeAll(async () => {
    v = createVethPair('10.84.0.2', '10.84.0.1');
    await new Promise<void>((r) => server.listen(PORT, v.hostIp, r));
    const p = spawn(process.execPath, [CLI, 'conns', '-i', v.hostIf, '--json', '--interim', '1', '-w', join(dir, 'live.pcap'), '-Z', 'root', `tcp port ${PORT}`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    p.stdout.on('data', (d) => {
      pending += d;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const text of parts) if (text !== '') lines.push({ text, beforeStop: !stopped });
    });
    p.stderr.on('data', (d) => { stderr += d; });
    const exit = new Promise<void>((r) => p.on('exit', (c) => { status = c ?? -1; r(); }));
    await sleep(1500);
    const client = `const s=require('net').connect(${PORT},'${v.hostIp}',()=>{let n=0;const t=setInterval(()=>{s.write('x');if(++n===14){clearInterval(t);s.end();}},250);});s.on('close',()=>process.exit(0));`;
    await new Promise<void>((r) => v.nsSpawn(process.execPath, ['-e', client], { stdio: 'ignore' }).on('exit', () => r()));
    await sleep(700);
    stopped = true;
    p.kill('SIGINT');
    await exit;
  }, 60_000);

  afterAll(() => {
    server.close();
    v?.destroy();
  });

  it('interim records of the open connection arrive before SIGINT, its final record after them', () => {
    expect(status, stderr).toBe(0);
    const records = lines.map((l) => ({ ...JSON.parse(l.text), beforeStop: l.beforeStop }));
    const interim = records.filter((r) => r.interim === true);
    // About 3.5 s of traffic: at least two whole seconds of capture time pass while the connection is open.
    expect(interim.length).toBeGreaterThanOrEqual(2);
    expect(interim.every((r) => r.beforeStop)).toBe(true);
    expect(new Set(interim.map((r) => r.id)).size).toBe(1);
    const finals = records.filter((r) => r.interim !== true);
    expect(finals).toHaveLength(1);
    expect(finals[0].id).toBe(interim[0].id);
    expect(records.at(-1)!.interim).toBeUndefined();
    // Counts so far: growing from one interim record to the next, and to the final one.
    const totals = [...interim, finals[0]].map((r) => r.packets.client + r.packets.server);
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThan(totals[i - 1]!);
    expect(interim.every((r) => r.connState === 'S1' && r.states.client.at(-1) === 'ESTABLISHED')).toBe(true);
  });

  it('the live records are those the same view writes from the captured frames', () => {
    const live = lines.map((l) => JSON.parse(l.text));
    expect(ndjson(netlens(['conns', '--json', '--interim', '1', join(dir, 'live.pcap')]).stdout)).toEqual(live);
  });
});
