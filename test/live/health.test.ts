/**
 * Capture health on a real veth pair (track/health.ts): a bulk TCP transfer
 * from the namespace arrives as packets larger than the MTU (GRO on the
 * host's end merges them before capture); with transmit checksumming off on
 * the namespace's end, only what this host sends is wrong (and the same from
 * frames injected through pcap_inject with checksums set wrong one way); a
 * short snapshot length cuts frames. Each is said once while the capture runs and again,
 * counted, after tcpdump's counters. Needs root, the
 * native binding, nc and ethtool; skips with the reason otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';
import { tcpFrame } from '../helpers/frames.js';
import { openLive } from '../../src/source/live.js';

/** An Ethernet/IPv4/TCP frame's TCP checksum set right, or right plus one. */
function setTcpChecksum(b: Buffer, right: boolean): void {
  const ip = 14, tcp = 14 + (b[14]! & 15) * 4, end = 14 + b.readUInt16BE(16);
  b.writeUInt16BE(0, tcp + 16);
  let s = 0;
  for (let i = ip + 12; i < ip + 20; i += 2) s += b.readUInt16BE(i);
  s += 6 + (end - tcp);
  for (let i = tcp; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  b.writeUInt16BE(right ? ~s & 0xffff : ((~s & 0xffff) + 1) & 0xffff, tcp + 16);
}

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('sh', ['-c', 'command -v nc && command -v ethtool']).status === 0 ? '' : 'nc or ethtool missing');
if (reason) console.warn(`skipping live capture-health tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(reason !== '')('capture health on a veth pair', () => {
  let v: VethPair;
  let sink: Server;
  beforeAll(async () => {
    v = createVethPair('10.84.0.2', '10.84.0.1');
    // The offloads a real NIC has (createVethPair turns them off so that other tests see wire-sized
    // frames): GRO on the host's end merges received segments before capture; checksums left to offload.
    const offloads = ['gro', 'on', 'gso', 'on', 'tso', 'on', 'tx', 'on', 'rx', 'on'];
    spawnSync('ethtool', ['-K', v.hostIf, ...offloads], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'exec', v.ns, 'ethtool', '-K', v.nsIf, ...offloads], { stdio: 'ignore' });
    // A TCP sink on the host side: the namespace sends it bulk data.
    sink = createServer((s) => { s.on('data', () => {}); s.on('error', () => {}); });
    await new Promise<void>((r) => sink.listen(5599, v.hostIp, r));
  });
  afterAll(() => { sink?.close(); v?.destroy(); });

  /** A capture of one bulk transfer from the namespace (3 MB): its stderr. */
  async function captureTransfer(extra: string[]): Promise<string> {
    const p = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', ...extra, 'tcp port 5599'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number>((r) => p.on('exit', (c) => r(c ?? -1)));
    await sleep(1200);
    await v.nsExec('sh', ['-c', `head -c 3000000 /dev/zero | nc -q1 -w3 ${v.hostIp} 5599`], 20_000);
    await sleep(500);
    p.kill('SIGINT');
    expect(await exited).toBe(0);
    return err;
  }

  it('segments merged beyond the MTU: said once while capturing, then counted after the counters', async () => {
    const err = await captureTransfer([]);
    const live = err.split('\n').filter((l) => l.startsWith('netlens: health: ') && !/\[\d+ (packets?|times?)\]$/.test(l));
    const summary = err.split('\n').filter((l) => /^netlens: health: .*\[\d+ (packets?|times?)\]$/.test(l));
    expect(live.some((l) => /^netlens: health: packets longer than \S+'s MTU \(\d+ > 1500 bytes\): the kernel merged segments/.test(l)), err).toBe(true);
    // Once each while capturing; in the summary after tcpdump's counters, with counts.
    expect(new Set(live).size).toBe(live.length);
    expect(err.indexOf('dropped by kernel')).toBeLessThan(err.indexOf(summary[0]!));
    expect(summary.map((l) => l.replace(/ \[\d+ packets?\]$/, ''))).toEqual(live);
  }, 40_000);

  it('transmit checksumming off on the far end: only what this host sends is wrong, with the ethtool hint', async () => {
    // The far end fills its checksums in; the host's end does not merge what it receives (GRO off), so every
    // received segment is checked as sent; what the host sends is still left to offload.
    spawnSync('ip', ['netns', 'exec', v.ns, 'ethtool', '-K', v.nsIf, 'tx', 'off'], { stdio: 'ignore' });
    spawnSync('ethtool', ['-K', v.hostIf, 'gro', 'off'], { stdio: 'ignore' });
    try {
      const err = await captureTransfer([]);
      expect(err).toMatch(new RegExp(`^netlens: health: TCP/UDP checksums wrong on what this host sends \\(\\d+ of \\d+\\) and right on what it receives: .*ethtool -K ${v.hostIf} tx off to see them right$`, 'm'));
      expect(err).not.toMatch(/wrong both ways/);
    } finally {
      spawnSync('ip', ['netns', 'exec', v.ns, 'ethtool', '-K', v.nsIf, 'tx', 'on', 'tso', 'on', 'gso', 'on'], { stdio: 'ignore' });
      spawnSync('ethtool', ['-K', v.hostIf, 'gro', 'on'], { stdio: 'ignore' });
    }
  }, 40_000);

  it('injected frames (pcap_inject): TCP segments from this host with wrong checksums, to it with right ones, give the one-way finding', async () => {
    // The capture's own offloads off (createVethPair's default), so only the injected frames are judged.
    spawnSync('ethtool', ['-K', v.hostIf, 'gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off'], { stdio: 'ignore' });
    const p = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', 'tcp port 5601'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number>((r) => p.on('exit', (c) => r(c ?? -1)));
    try {
      for (let t = 0; t < 100 && !err.includes('listening on'); t++) await sleep(50);
      const injector = openLive({ iface: v.hostIf, snaplen: 262144, promisc: false, immediate: true, bufferKiB: 1024, filter: '', nanosecond: true, backend: 'native' });
      injector.start(() => {});
      const mac = (m: string) => Buffer.from(m.replace(/:/g, ''), 'hex');
      for (let i = 0; i < 80; i++) {
        const out = i % 2 === 0; // from this host (wrong checksum) or to it (right)
        const frame = tcpFrame({ src: out ? v.hostIp : v.nsIp, dst: out ? v.nsIp : v.hostIp, sport: out ? 40000 : 5601, dport: out ? 5601 : 40000, seq: 1000 + i, ack: 1, flags: 'A', payload: 20, t: 0 });
        const b = frame.buf;
        mac(out ? v.nsMac : v.hostMac).copy(b, 0); mac(out ? v.hostMac : v.nsMac).copy(b, 6);
        setTcpChecksum(b, !out);
        expect(injector.inject(b)).toBe(b.length);
      }
      await sleep(500);
      await injector.stop();
    } finally {
      p.kill('SIGINT');
      expect(await exited).toBe(0);
      spawnSync('ethtool', ['-K', v.hostIf, 'gro', 'on', 'gso', 'on', 'tso', 'on', 'tx', 'on'], { stdio: 'ignore' });
    }
    expect(err).toMatch(/^80 packets captured$/m);
    expect(err).toMatch(new RegExp(`^netlens: health: TCP/UDP checksums wrong on what this host sends \\(40 of 40\\) and right on what it receives: .*ethtool -K ${v.hostIf} tx off to see them right$`, 'm'));
  }, 40_000);

  it('a short snapshot length: frames cut to it', async () => {
    const err = await captureTransfer(['-s', '96']);
    expect(err).toMatch(/^netlens: health: frames cut to the snapshot length \(96 bytes; -s 0 keeps them whole\)/m);
  }, 40_000);
});
