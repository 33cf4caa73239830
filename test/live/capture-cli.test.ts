/**
 * `netlens capture` end to end on a real NIC: a namespace joined by a veth
 * pair, real programs talking (a Node HTTP server here, curl/ping/UDP in the
 * namespace), netlens and tcpdump capturing the same interface at once.
 * Needs root, libpcap and the native binding: otherwise skipped with a reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES as FIXTURES_DIR, ROOT, ndjson } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, unprivilegedReadReason, type VethPair } from '../helpers/netns.js';
import { tsharkFields } from '../helpers/tshark-fields.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v tcpdump && command -v curl']).status === 0 ? '' : 'tcpdump or curl missing');
if (reason) console.warn(`skipping live capture CLI tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(reason !== '')('netlens capture on a veth pair', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-live-'));
  const http = createServer((req, res) => { res.end(`hello ${req.url}\n`); });
  const udp = createSocket('udp4');
  let netlensJson = '';
  let netlensErr = '';
  let netlensText = '';
  let status = -1;

  beforeAll(async () => {
    v = createVethPair('10.81.0.2', '10.81.0.1');
    await new Promise<void>((r) => http.listen(8080, v.hostIp, r));
    await new Promise<void>((r) => udp.bind(5005, v.hostIp, r));
    udp.on('message', (m, rinfo) => udp.send(Buffer.concat([Buffer.from('re:'), m]), rinfo.port, rinfo.address));
    const td = spawn('tcpdump', ['-i', v.hostIf, '-s', '0', '--immediate-mode', '-U', '-w', join(dir, 'tcpdump.pcap')], { stdio: 'ignore' });
    const nl = spawn(process.execPath, [CLI, 'capture', v.hostIf, '--json', '-w', join(dir, 'netlens.pcap'), '-Z', 'root'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nl.stdout.on('data', (d) => { netlensJson += d; });
    nl.stderr.on('data', (d) => { netlensErr += d; });
    // A second capture prints tcpdump's -e -X -# -vv lines and writes its own file to compare them with.
    const nlText = spawn(process.execPath, [CLI, 'capture', v.hostIf, '--no-annotate', '-t', '-e', '-X', '-#', '-vv', '-w', join(dir, 'netlens-text.pcap'), '-Z', 'root'], { stdio: ['ignore', 'pipe', 'ignore'] });
    nlText.stdout.on('data', (d) => { netlensText += d; });
    await sleep(1500);
    await v.nsExec('ping', ['-c', '2', '-i', '0.2', v.hostIp]);
    await v.nsExec('curl', ['-s', `http://${v.hostIp}:8080/a`, `http://${v.hostIp}:8080/b`]);
    await v.nsExec('sh', ['-c', `printf ping | nc -u -w1 -p 5006 ${v.hostIp} 5005`]);
    await sleep(1000);
    const exited = new Promise<number>((r) => nl.on('exit', (c) => r(c ?? -1)));
    const textExited = new Promise((r) => nlText.on('exit', r));
    nl.kill('SIGINT');
    nlText.kill('SIGINT');
    status = await exited;
    await textExited;
    td.kill('SIGINT');
    await new Promise((r) => td.on('exit', r));
  }, 60_000);

  afterAll(() => {
    http.close();
    udp.close();
    v?.destroy();
  });

  it('ends cleanly on SIGINT with tcpdump\'s three counters and no drops', () => {
    expect(status).toBe(0);
    expect(netlensErr).toMatch(/\d+ packets? captured/);
    expect(netlensErr).toMatch(/\d+ packets? received by filter/);
    expect(netlensErr).toMatch(/0 packets dropped by kernel/);
  });

  it('sees the same frames as tcpdump, in the same order, stamped within 100 µs', () => {
    const ours = ndjson(netlensJson);
    const theirs = tsharkFields(join(dir, 'tcpdump.pcap'));
    expect(ours.length).toBe(theirs.length);
    expect(ours.length).toBeGreaterThan(15);
    ours.forEach((p, i) => {
      const t = theirs[i]!;
      expect(p.len).toBe(Number(t['frame.len']));
      expect(p.tcp?.seq ?? null).toBe(t['tcp.seq_raw'] ? Number(t['tcp.seq_raw']) : null);
      const ns = (s: string) => { const [a, b] = s.split('.'); return BigInt(a!) * 1_000_000_000n + BigInt(b!.padEnd(9, '0').slice(0, 9)); };
      const diff = ns(p.ts) - ns(t['frame.time_epoch']!);
      expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual(100_000n);
    });
  });

  it('the -w file reads back in tshark frame for frame', () => {
    const written = tsharkFields(join(dir, 'netlens.pcap'));
    const ours = ndjson(netlensJson);
    expect(written.length).toBe(ours.length);
    written.forEach((w, i) => {
      expect(Number(w['frame.len'])).toBe(ours[i]!.len);
      expect(w['frame.time_epoch']).toBe(ours[i]!.ts);
    });
  });

  it('live -e -X -# -vv lines equal tcpdump\'s reading of the same frames', () => {
    const td = spawnSync('tcpdump', ['-nn', '-t', '-e', '-X', '-#', '-vv', '-r', join(dir, 'netlens-text.pcap')], { encoding: 'utf8' });
    expect(netlensText.split('\n').filter((l) => /^ +\d+ {2}/.test(l)).length).toBeGreaterThan(10);
    expect(netlensText).toMatch(/cksum 0x[0-9a-f]{4} \(correct\)/);
    // tcpdump 4.99's verbose IPv6 header, in the words of its current sources (which netlens follows).
    const current = td.stdout.replace(/next-header (.*?) \((\d+)\) payload length: (\d+)\)/g, 'next-header $1 ($2), payload length $3)')
      .replace(/next-header Options \(0\)/g, 'next-header HBH (0)');
    expect(netlensText).toBe(current);
  });

  it('the capture shows the HTTP connection\'s handshake and teardown', () => {
    const events = ndjson(netlensJson).flatMap((p) => p.events ?? []);
    expect(events).toContain('handshake-complete');
    expect(events.some((e: string) => e.endsWith('-> TIME_WAIT'))).toBe(true);
  });

  it('unknown interface and bad filter are one line each', () => {
    const a = spawnSync(process.execPath, [CLI, 'capture', 'nosuchif0', '-c', '1'], { encoding: 'utf8' });
    expect(a.status).not.toBe(0);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toContain('no such interface');
    const b = spawnSync(process.execPath, [CLI, 'capture', v.hostIf, '-c', '1', 'tcp', 'port', 'banana'], { encoding: 'utf8' });
    expect(b.status).not.toBe(0);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lines reach a pipe while the capture runs, not only at its end', async () => {
    const nl = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', 'icmp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    nl.stdout.on('data', (d) => { out += d; });
    try {
      await sleep(1500);
      await v.nsExec('ping', ['-c', '3', '-i', '0.2', v.hostIp]);
      await sleep(500);
      // Still running: the six echo lines are already out.
      expect(nl.exitCode).toBeNull();
      expect(out.trim().split('\n').filter((l) => l.includes('ICMP echo'))).toHaveLength(6);
    } finally {
      const exited = new Promise((r) => nl.on('exit', r));
      nl.kill('SIGINT');
      await exited;
    }
  });

  it('-c and -d end the capture by themselves; SIGTERM like Ctrl-C', async () => {
    const pinger = v.nsSpawn('ping', ['-i', '0.1', '-c', '40', v.hostIp], { stdio: 'ignore' });
    try {
      const c = spawnSync(process.execPath, [CLI, 'capture', v.hostIf, '-c', '3', '-Z', 'root', 'icmp'], { encoding: 'utf8', timeout: 20_000 });
      expect(c.status).toBe(0);
      expect(c.stdout.trim().split('\n')).toHaveLength(3);
      expect(c.stderr).toMatch(/^3 packets captured$/m);
      const t0 = Date.now();
      const d = spawnSync(process.execPath, [CLI, 'capture', v.hostIf, '-d', '1', '-Z', 'root', 'icmp'], { encoding: 'utf8', timeout: 20_000 });
      expect(d.status).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(d.stderr).toMatch(/packets? captured/);
      const term = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', 'icmp'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      term.stderr.on('data', (x) => { err += x; });
      await sleep(1500);
      const exited = new Promise<number>((r) => term.on('exit', (code) => r(code ?? -1)));
      term.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toMatch(/dropped by kernel/);
    } finally {
      pinger.kill();
    }
  }, 40_000);

  it('--stats 1: the counters every second on stderr; with --json, stats records among the packets', async () => {
    const pinger = v.nsSpawn('ping', ['-i', '0.1', '-c', '40', v.hostIp], { stdio: 'ignore' });
    try {
      const t = spawnSync(process.execPath, [CLI, 'capture', v.hostIf, '-d', '3.5', '--stats', '1', '-Z', 'root', 'icmp'], { encoding: 'utf8', timeout: 20_000 });
      expect(t.status, t.stderr).toBe(0);
      // Three on the clock (1 s, 2 s, 3 s) and the final ones: each block tcpdump's three counters, the captured count never going down.
      const captured = [...t.stderr.matchAll(/^(\d+) packets? captured\n\d+ packets? received by filter\n\d+ packets? dropped by kernel$/gm)].map((m) => Number(m[1]));
      expect(captured).toHaveLength(4);
      expect(captured).toEqual([...captured].sort((a, b) => a - b));
      expect(captured[3]).toBe(t.stdout.trim().split('\n').length);
      const j = spawnSync(process.execPath, [CLI, 'capture', v.hostIf, '-d', '2.5', '--stats', '1', '--json', '-Z', 'root', 'icmp'], { encoding: 'utf8', timeout: 20_000 });
      expect(j.status, j.stderr).toBe(0);
      const recs = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const stats = recs.filter((r) => r.type === 'stats');
      expect(stats).toHaveLength(2);
      for (const s of stats) {
        expect(Object.keys(s)).toEqual(['type', 'ts', 'captured', 'received', 'droppedKernel', 'droppedInterface', 'droppedRing']);
        expect(s.droppedKernel).toBe(0);
        expect(Number(s.received)).toBeGreaterThanOrEqual(Number(s.captured));
      }
      // Each stats record counts the packet records before it.
      const at = recs.indexOf(stats[1]!);
      expect(stats[1]!.captured).toBe(recs.slice(0, at).filter((r) => r.type === 'packet').length);
      expect(spawnSync(process.execPath, [CLI, 'read', '--stats', '1', join(FIXTURES_DIR, 'tcp-refused.pcap')], { encoding: 'utf8' }).stderr).toMatch(/--stats/);
    } finally {
      pinger.kill();
    }
  }, 40_000);

  it('Ctrl-C right after the last packet: every packet is in the output, in block mode and in immediate mode', async () => {
    const N = 3000;
    const send = `const s = require('dgram').createSocket('udp4'); let i = 0;
      (function go() { for (let k = 0; k < 200 && i < ${N}; k++, i++) s.send(Buffer.from('n' + i), 9911, '${v.hostIp}');
        if (i < ${N}) setImmediate(go); else s.send(Buffer.from('last'), 9911, '${v.hostIp}', () => s.close()); })();`;
    for (const mode of [[], ['--immediate-mode']]) {
      const p = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', ...mode, 'udp', 'port', '9911'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      p.stdout.on('data', (x) => { out += x; });
      p.stderr.on('data', (x) => { err += x; });
      await sleep(1500);
      await v.nsExec(process.execPath, ['-e', send]);
      const exited = new Promise<number>((r) => p.on('exit', (code) => r(code ?? -1)));
      p.kill('SIGINT'); // at once: the last packets are still in the kernel's current block
      expect(await exited, err).toBe(0);
      expect(out.trim().split('\n'), mode.join(' ')).toHaveLength(N + 1);
      expect(err).toMatch(new RegExp(`^${N + 1} packets captured$`, 'm'));
      expect(err).toMatch(/^0 packets dropped by kernel$/m);
    }
  }, 40_000);

  it('four captures at once in the default (TPACKET_V3 block) mode, stopped right after the last packet: each has every packet, five times over', async () => {
    const N = 2000;
    const send = `const s = require('dgram').createSocket('udp4'); let i = 0;
      (function go() { for (let k = 0; k < 200 && i < ${N}; k++, i++) s.send(Buffer.from('n' + i), 9912, '${v.hostIp}');
        if (i < ${N}) setImmediate(go); else s.send(Buffer.from('last'), 9912, '${v.hostIp}', () => s.close()); })();`;
    for (let round = 0; round < 5; round++) {
      const caps = Array.from({ length: 4 }, () => {
        const p = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', '-q', 'udp', 'port', '9912'], { stdio: ['ignore', 'pipe', 'pipe'] });
        const r = { p, out: '', err: '', exited: new Promise<number>((res) => p.on('exit', (code) => res(code ?? -1))) };
        p.stdout.on('data', (x) => { r.out += x; });
        p.stderr.on('data', (x) => { r.err += x; });
        return r;
      });
      // Every capture listening before the first packet.
      for (let t = 0; t < 100 && !caps.every((c) => c.err.includes('listening on')); t++) await sleep(50);
      await sleep(300);
      await v.nsExec(process.execPath, ['-e', send]);
      for (const c of caps) c.p.kill('SIGINT'); // at once: the last packets are still in each socket's current block
      for (const [i, c] of caps.entries()) {
        expect(await c.exited, c.err).toBe(0);
        expect(c.out.trim().split('\n'), `round ${round}, capture ${i}`).toHaveLength(N + 1);
        expect(c.err).toMatch(new RegExp(`^${N + 1} packets captured$`, 'm'));
      }
    }
  }, 90_000);

  it('the interface goes away mid-capture: one line saying so, the counters, exit status 1', async () => {
    const gone = createVethPair('10.83.0.2', '10.83.0.1');
    try {
      const p = spawn(process.execPath, [CLI, 'capture', gone.hostIf, '-Z', 'root'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (x) => { err += x; });
      const exited = new Promise<number>((r) => p.on('exit', (code) => r(code ?? -1)));
      await sleep(1500);
      gone.destroy();
      const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
      expect(await exited, err).toBe(1);
      clearTimeout(timer);
      expect(err).toMatch(/^netlens: capture on \S+ failed: the interface (went down|disappeared)$/m);
      expect(err).toMatch(/^\d+ packets? captured$/m);
      expect(err).toMatch(/dropped by kernel/);
    } finally {
      gone.destroy();
    }
  }, 30_000);

  it('as root, parses packets as nobody once the handle is open (-Z default)', async () => {
    const p = spawn(process.execPath, [CLI, 'capture', v.hostIf], { stdio: 'ignore' });
    await sleep(1500);
    const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
    p.kill('SIGINT');
    await new Promise((r) => p.on('exit', r));
    const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status)!;
    expect(Number(uid[1])).toBe(65534);
    expect(Number(uid[2])).toBe(65534);
  });

  it('not root: one line saying how to get the rights', (ctx) => {
    const cannotRead = spawnSync('runuser', ['--version'], { stdio: 'ignore' }).status !== 0 ? 'runuser not installed' : unprivilegedReadReason([CLI]);
    if (cannotRead) {
      console.warn(`capture-cli.test: skipping the unprivileged check: ${cannotRead}`);
      ctx.skip(cannotRead);
    }
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'capture', v.hostIf, '-c', '1'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sudo/);
    expect(r.stderr).toMatch(/setcap cap_net_raw,cap_net_admin=eip/);
  });
});
