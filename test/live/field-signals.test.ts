/**
 * Live capture under the signals, pipes and rights it meets in the field, on a
 * veth pair with real traffic (ping in a namespace):
 *  - SIGUSR1 never opens Node's inspector (a debugger port that runs any code):
 *    the process prints tcpdump's counters and goes on, still as nobody;
 *  - every catchable termination (INT, TERM, HUP, QUIT, PIPE) ends like Ctrl-C:
 *    every captured packet in the -w file, the file valid, counters, status 0;
 *  - stdout's reader going away stops the capture at once, quietly;
 *  - a -w that cannot be written is one line, the counters, status 1;
 *  - the -w file is opened after -Z (as tcpdump does), and an open inspector
 *    stops a capture as root before it starts.
 * Needs root, libpcap and the native binding: otherwise skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v tcpdump && command -v ping && command -v ss']).status === 0 ? '' : 'tcpdump, ping or ss missing');
if (reason) console.warn(`skipping live signal tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running { p: ChildProcess; out: () => string; err: () => string; exited: Promise<number | string> }

function capture(args: string[], nodeArgs: string[] = []): Running {
  const p = spawn(process.execPath, [...nodeArgs, CLI, 'capture', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | string>((r) => p.on('exit', (code, sig) => r(code ?? sig ?? -1)));
  return { p, out: () => out, err: () => err, exited };
}

/** Waits for an exit, or kills the process after `ms` and fails. */
async function exitWithin(r: Running, ms: number): Promise<number | string> {
  const timer = setTimeout(() => r.p.kill('SIGKILL'), ms);
  const code = await r.exited;
  clearTimeout(timer);
  return code;
}

function listeningSockets(pid: number): string[] {
  const ss = spawnSync('ss', ['-Hltnup'], { encoding: 'utf8' });
  return ss.stdout.split('\n').filter((l) => l.includes(`pid=${pid},`));
}

function tcpdumpCount(file: string): number {
  const td = spawnSync('tcpdump', ['-nn', '-r', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(td.status, td.stderr).toBe(0);
  expect(td.stderr).not.toMatch(/truncated|bogus/i);
  return td.stdout.trim() === '' ? 0 : td.stdout.trim().split('\n').length;
}

function captured(stderr: string): number {
  const m = /^(\d+) packets? captured$/m.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return Number(m![1]);
}

describe.skipIf(reason !== '')('live capture: signals, pipes and rights', () => {
  let v: VethPair;
  let pinger: ChildProcess;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-signals-'));

  beforeAll(async () => {
    v = createVethPair('10.86.0.2', '10.86.0.1');
    pinger = v.nsSpawn('ping', ['-i', '0.05', '-c', '4000', v.hostIp], { stdio: 'ignore' });
    await sleep(300);
  });
  afterAll(() => {
    pinger?.kill();
    v?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGUSR1 opens no inspector: the capture prints its counters and goes on as nobody', async () => {
    const r = capture([v.hostIf, 'icmp']); // -Z nobody by default
    await sleep(1500);
    const pid = r.p.pid!;
    const before = listeningSockets(pid);
    r.p.kill('SIGUSR1');
    await sleep(1500);
    expect(listeningSockets(pid)).toEqual(before);
    expect(before).toEqual([]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe('65534');
    expect(r.err()).toMatch(/^\d+ packets? captured$/m); // printed on SIGUSR1, while capturing
    expect(r.err()).not.toMatch(/Debugger|inspector|ws:\/\//i);
    r.p.kill('SIGUSR1');
    await sleep(300);
    r.p.kill('SIGINT');
    expect(await exitWithin(r, 10_000)).toBe(0);
    expect(r.err().match(/packets? captured/g)!.length).toBe(3); // two SIGUSR1s and the end
  }, 30_000);

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGPIPE'] as const) {
    it(`${sig} during capture -w: every captured packet in a valid file, counters, status 0`, async () => {
      const file = join(dir, `${sig}.${sig === 'SIGHUP' ? 'pcapng' : 'pcap'}`);
      const r = capture([v.hostIf, '-w', file, '-Z', 'root', 'icmp']);
      await sleep(2000);
      r.p.kill(sig);
      expect(await exitWithin(r, 10_000), r.err()).toBe(0);
      const n = captured(r.err());
      expect(n).toBeGreaterThan(10);
      expect(r.err()).toMatch(/^\d+ packets? dropped by kernel$/m);
      expect(tcpdumpCount(file)).toBe(n);
    }, 30_000);
  }

  it('stdout closed by its reader: the capture stops at once, quietly, status 0', async () => {
    const r = capture([v.hostIf, '-Z', 'root', '-l', 'icmp']);
    await new Promise<void>((res) => r.p.stdout!.once('data', () => res()));
    r.p.stdout!.destroy(); // the reader goes away, as head does after its line
    const t0 = Date.now();
    expect(await exitWithin(r, 10_000), r.err()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000); // pings every 50 ms: the next line finds the pipe closed
    expect(r.err()).not.toMatch(/internal error|EPIPE|    at /);
    expect(r.err()).toMatch(/packets? captured/);
  }, 30_000);

  it('-w /dev/full: one line naming the file and the cause, the counters, status 1', async () => {
    const r = capture([v.hostIf, '-w', '/dev/full', '-Z', 'root', 'icmp']);
    await sleep(1500);
    r.p.kill('SIGINT');
    expect(await exitWithin(r, 10_000)).toBe(1);
    const lines = r.err().trim().split('\n');
    expect(lines).toContain('netlens: cannot write /dev/full: no space left on device (ENOSPC)');
    expect(r.err()).toMatch(/^\d+ packets? captured$/m);
    expect(r.err()).not.toMatch(/internal error|    at /);
  }, 30_000);

  it('-w is opened after dropping privileges (-Z nobody), as tcpdump does: a root-only directory is refused in one line', async () => {
    const rootOnly = mkdtempSync(join(tmpdir(), 'netlens-rootonly-'));
    chmodSync(rootOnly, 0o700);
    try {
      const r = capture([v.hostIf, '-w', join(rootOnly, 'x.pcap'), 'icmp']);
      expect(await exitWithin(r, 10_000)).toBe(1);
      const lines = r.err().trim().split('\n');
      expect(lines, r.err()).toHaveLength(1);
      expect(lines[0]).toMatch(/^netlens: cannot write .*x\.pcap.*after dropping privileges to nobody/);
      expect(existsSync(join(rootOnly, 'x.pcap'))).toBe(false);
    } finally {
      rmSync(rootOnly, { recursive: true, force: true });
    }
  }, 30_000);

  it("an open inspector (node --inspect) stops a capture as root before it opens the interface", async () => {
    const r = capture([v.hostIf, '-c', '1', 'icmp'], ['--inspect=127.0.0.1:0']);
    expect(await exitWithin(r, 10_000)).toBe(2);
    expect(r.err()).toMatch(/^netlens: node's inspector is open .*refuses to run/m);
    expect(r.err()).not.toMatch(/^netlens: listening on/m);
  }, 30_000);
});
