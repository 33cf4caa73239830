/**
 * `netlens capture -w` with rotation, end to end on a veth pair: a UDP sender
 * in the namespace (each datagram numbered), tcpdump writing one unrotated file
 * of the same interface at the same time, and several netlens captures rotating
 * by size (-C, pcap and pcapng), by time (-G 1), as a ring (-C -W 3) and with
 * -G -W 2 (stops by itself). The rotated files, in the order they were closed,
 * hold tcpdump's frames exactly: the same bytes, time stamps within a
 * millisecond (each capture socket stamps on its own). -z writes a marker per
 * closed file, the last one included, before netlens exits.
 * Needs root, libpcap, the native binding and tcpdump: otherwise skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFileReader } from '../../src/source/file-reader.js';
import { CLI, ROOT } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

const reason = netnsUnavailableReason()
  || (existsSync(join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node')) || existsSync(join(ROOT, 'native', 'prebuilds', `${process.platform}-${process.arch}`, 'netlens_pcap.node')) ? '' : 'the native libpcap binding is not built')
  || (spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0 ? '' : 'tcpdump missing');
if (reason) console.warn(`skipping live rotation tests: ${reason}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PORT = 5999;

interface Capture { name: string; args: string[]; proc: ChildProcess; err: string; status: number | null; exited: Promise<number> }

/** A frame read back: its time stamp in ns and its bytes in hex. */
interface Got { ns: bigint; hex: string }

function readBack(path: string): Got[] {
  const r = new CaptureFileReader(path);
  const out: Got[] = [];
  for (let f = r.next(); f !== null; f = r.next()) out.push({ ns: BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec), hex: f.buf.toString('hex', f.offset, f.offset + f.caplen) });
  r.close();
  return out;
}

/** `ours` equals `theirs` frame for frame (from `from` in theirs): the same bytes, stamps within 1 ms. */
function expectSameFrames(ours: Got[], theirs: Got[], from = 0): void {
  expect(ours.length).toBeGreaterThan(0);
  const slice = theirs.slice(from, from + ours.length);
  expect(ours.map((g) => g.hex)).toEqual(slice.map((g) => g.hex));
  ours.forEach((g, i) => {
    const d = g.ns - slice[i]!.ns;
    expect(d < 0n ? -d : d).toBeLessThanOrEqual(1_000_000n);
  });
}

describe.skipIf(reason !== '')('capture -w with rotation on a veth pair', () => {
  let v: VethPair;
  const dir = mkdtempSync(join(tmpdir(), 'netlens-rotate-live-'));
  const sink = createSocket('udp4');
  const caps = new Map<string, Capture>();
  const marker = join(dir, 'closed.txt');
  const mark = join(dir, 'mark.sh');
  let td: ChildProcess;
  let tdErr = '';

  const start = (name: string, args: string[]): void => {
    mkdirSync(join(dir, name), { recursive: true });
    const proc = spawn(process.execPath, [CLI, 'capture', v.hostIf, '-Z', 'root', ...args, 'udp', 'port', String(PORT)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
    const c: Capture = { name, args, proc, err: '', status: null, exited: null! };
    c.exited = new Promise<number>((r) => proc.on('exit', (code) => { c.status = code ?? -1; r(c.status); }));
    proc.stderr!.on('data', (d) => { c.err += d; });
    caps.set(name, c);
  };
  const files = (name: string): string[] => readdirSync(join(dir, name)).sort();
  const mounts: string[] = [];
  /** A capture whose directory is a small tmpfs of its own (a disk that fills up). */
  const startOnTmpfs = (name: string, megabytes: number, args: (d: string) => string[]): void => {
    const d = join(dir, name);
    mkdirSync(d);
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', d], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount tmpfs: ${r.stderr}`);
    mounts.push(d);
    start(name, args(d));
  };
  const closedOf = (name: string): string[] => readFileSync(marker, 'utf8').split('\n').filter((l) => l.startsWith(join(dir, name) + '/'));

  beforeAll(async () => {
    v = createVethPair('10.83.0.2', '10.83.0.1');
    await new Promise<void>((r) => sink.bind(PORT, v.hostIp, r));
    // -z: a program (no shell, as tcpdump's execlp) given the closed file's name.
    writeFileSync(mark, `#!/bin/sh\necho "$1" >> ${marker}\n`);
    chmodSync(mark, 0o755);
    writeFileSync(marker, '');
    td = spawn('tcpdump', ['-i', v.hostIf, '-s', '0', '--immediate-mode', '-U', '-Z', 'root', '-w', join(dir, 'tcpdump.pcap'), 'udp', 'port', String(PORT)], { stdio: ['ignore', 'ignore', 'pipe'] });
    td.stderr!.on('data', (d) => { tdErr += d; });
    start('size', ['-C', '1', '-z', mark, '-w', join(dir, 'size', 's.pcap')]);
    start('size-ng', ['-C', '1', '-z', mark, '-w', join(dir, 'size-ng', 's.pcapng')]);
    start('time', ['-G', '1', '-z', mark, '-w', join(dir, 'time', 't-%s.pcap')]);
    start('ring', ['-C', '1', '-W', '3', '-z', mark, '-w', join(dir, 'ring', 'r.pcap')]);
    start('count', ['-G', '1', '-W', '2', '-w', join(dir, 'count', 'c-%H%M%S.pcap')]);
    // Disks that fill up (about 3.4 MB is sent): a ring deleting its oldest files, a -C run that stops writing, one that hits ENOSPC.
    startOnTmpfs('low-ring', 3, (d) => ['-C', '300k', '-W', '30', '-z', mark, '--free-space-min', '1', '-w', join(d, 'l.pcap')]);
    startOnTmpfs('low-stop', 3, (d) => ['-C', '300k', '-z', mark, '--free-space-min', '1', '-w', join(d, 'l.pcap')]);
    startOnTmpfs('full', 2, (d) => ['-C', '1', '-z', mark, '-w', join(d, 'f.pcap')]);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !([...caps.values()].every((c) => /listening on/.test(c.err)) && /listening on/.test(tdErr))) await sleep(100);
    await sleep(500);
    // About 1 MB/s for 3.5 s: numbered 1000-byte datagrams, 10 every 10 ms.
    const sender = `
      const s = require('dgram').createSocket('udp4');
      const buf = Buffer.alloc(1000, 0x5a); let n = 0; const end = Date.now() + 3500;
      const t = setInterval(() => {
        for (let i = 0; i < 10; i++) { buf.writeUInt32BE(n++, 0); s.send(buf, ${PORT}, '${v.hostIp}'); }
        if (Date.now() > end) { clearInterval(t); setTimeout(() => s.close(), 200); }
      }, 10);`;
    await v.nsExec(process.execPath, ['-e', sender], 30_000);
    await sleep(1200);
    for (const c of caps.values()) if (c.status === null) c.proc.kill('SIGINT');
    await Promise.all([...caps.values()].map((c) => c.exited));
    td.kill('SIGINT');
    await new Promise((r) => td.on('exit', r));
  }, 90_000);

  afterAll(() => {
    for (const m of mounts) spawnSync('umount', [m]);
    sink.close();
    v?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every capture ended with status 0 and lost nothing in the kernel', () => {
    for (const c of caps.values()) {
      if (c.name === 'full') continue;
      expect(c.status, `${c.name}: ${c.err}`).toBe(0);
      expect(c.err, c.name).toMatch(/^0 packets dropped by kernel$/m);
    }
    expect(tdErr).toMatch(/^0 packets dropped by kernel$/m);
    expect(readBack(join(dir, 'tcpdump.pcap')).length).toBeGreaterThan(3000);
  });

  it('-C 1: FILE, FILE1 … each just over a million bytes, together tcpdump\'s single file frame for frame', () => {
    const names = files('size');
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual(['s.pcap', ...Array.from({ length: names.length - 1 }, (_, i) => `s.pcap${i + 1}`)].sort());
    const ordered = ['s.pcap', ...Array.from({ length: names.length - 1 }, (_, i) => `s.pcap${i + 1}`)].map((n) => join(dir, 'size', n));
    for (const p of ordered.slice(0, -1)) {
      const size = readFileSync(p).length;
      expect(size).toBeGreaterThan(1_000_000);
      expect(size).toBeLessThanOrEqual(1_000_000 + 16 + 1042);
    }
    expectSameFrames(ordered.flatMap(readBack), readBack(join(dir, 'tcpdump.pcap')));
    expect(readBack(join(dir, 'tcpdump.pcap')).length).toBe(ordered.flatMap(readBack).length);
    // tshark reads every file whole, frame for frame what netlens's reader read.
    if (spawnSync('sh', ['-c', 'command -v tshark']).status !== 0) { console.warn('not checking the rotated files with tshark: not installed'); return; }
    for (const p of ordered) {
      const t = spawnSync('tshark', ['-n', '-r', p, '-T', 'fields', '-e', 'frame.len'], { encoding: 'utf8' });
      expect(t.status, t.stderr).toBe(0);
      expect(t.stdout.trim().split('\n')).toHaveLength(readBack(p).length);
    }
  });

  it('-z ran on every closed file, the last one included, before netlens exited', () => {
    const names = files('size');
    expect(closedOf('size').sort()).toEqual(names.map((n) => join(dir, 'size', n)).sort());
    expect(closedOf('size').at(-1)).toBe(join(dir, 'size', `s.pcap${names.length - 1}`));
    expect(closedOf('time').sort()).toEqual(files('time').map((n) => join(dir, 'time', n)).sort());
  });

  it('pcapng output rotates the same way, each file a pcapng', () => {
    const ordered = closedOf('size-ng');
    expect(ordered.length).toBeGreaterThanOrEqual(3);
    expect(ordered[0]).toBe(join(dir, 'size-ng', 's.pcapng'));
    for (const p of ordered) expect(readFileSync(p).readUInt32LE(0)).toBe(0x0a0d0d0a);
    expectSameFrames(ordered.flatMap(readBack), readBack(join(dir, 'tcpdump.pcap')));
    expect(ordered.flatMap(readBack).length).toBe(readBack(join(dir, 'tcpdump.pcap')).length);
  });

  it('-G 1: a file per second named by its start, each frame in the file of its own second; together tcpdump\'s file', () => {
    const ordered = closedOf('time');
    expect(ordered.length).toBeGreaterThanOrEqual(3);
    const starts = ordered.map((p) => Number(/t-(\d+)\.pcap$/.exec(p)![1]));
    for (let i = 1; i < starts.length; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
    for (const [i, p] of ordered.entries()) {
      for (const g of readBack(p)) expect(g.ns / 1_000_000_000n).toBe(BigInt(starts[i]!));
    }
    expectSameFrames(ordered.flatMap(readBack), readBack(join(dir, 'tcpdump.pcap')));
    expect(ordered.flatMap(readBack).length).toBe(readBack(join(dir, 'tcpdump.pcap')).length);
  });

  it('-C 1 -W 3: a ring of r.pcap0 … r.pcap2, holding the end of the capture', () => {
    expect(files('ring')).toEqual(['r.pcap0', 'r.pcap1', 'r.pcap2']);
    const closed = closedOf('ring');
    expect(closed.length).toBeGreaterThan(3); // it came round
    const lastThree = closed.slice(-3);
    expect([...lastThree].sort()).toEqual(['r.pcap0', 'r.pcap1', 'r.pcap2'].map((n) => join(dir, 'ring', n)));
    const kept = lastThree.flatMap(readBack);
    const theirs = readBack(join(dir, 'tcpdump.pcap'));
    expectSameFrames(kept, theirs, theirs.length - kept.length);
  });

  it('-G 1 -W 2: two files, then "Maximum file limit reached: 2" and the capture ends by itself', () => {
    const c = caps.get('count')!;
    expect(c.err).toMatch(/^Maximum file limit reached: 2$/m);
    const names = files('count');
    expect(names.length).toBe(2);
    const ours = names.map((n) => join(dir, 'count', n)).flatMap(readBack); // %H%M%S sorts by time within a day
    const theirs = readBack(join(dir, 'tcpdump.pcap'));
    const from = theirs.findIndex((g) => g.hex === ours[0]!.hex);
    expect(from).toBeGreaterThanOrEqual(0);
    expectSameFrames(ours, theirs, from);
    expect(ours.length).toBeLessThan(theirs.length);
  });

  it('--free-space-min with a ring: the oldest files go, the newest stay and end with the last frame', () => {
    const c = caps.get('low-ring')!;
    expect(c.err).not.toMatch(/stopped writing/);
    const closed = closedOf('low-ring');
    const left = files('low-ring');
    expect(closed.length).toBeGreaterThan(left.length); // some were deleted
    const newest = closed.slice(-left.length);
    expect([...newest].sort()).toEqual(left.map((n) => join(dir, 'low-ring', n)));
    const kept = newest.flatMap(readBack);
    const theirs = readBack(join(dir, 'tcpdump.pcap'));
    expectSameFrames(kept, theirs, theirs.length - kept.length);
  });

  it('--free-space-min without a ring: one line, writing stops, the capture goes on; the files hold the start of it', () => {
    const c = caps.get('low-stop')!;
    expect(c.err.split('\n').filter((l) => /free-space-min/.test(l))).toHaveLength(1);
    expect(c.err).toMatch(/stopped writing/);
    expect(c.err).toMatch(/^3\d{3} packets captured$/m); // every packet still seen after writing stopped
    const closed = closedOf('low-stop');
    expect(closed.sort()).toEqual(files('low-stop').map((n) => join(dir, 'low-stop', n)).sort());
    const ordered = ['l.pcap', ...Array.from({ length: closed.length - 1 }, (_, i) => `l.pcap${i + 1}`)].map((n) => join(dir, 'low-stop', n));
    expectSameFrames(ordered.flatMap(readBack), readBack(join(dir, 'tcpdump.pcap')));
  });

  it('a full disk: one line, status 1, and every file written holds whole frames, the capture\'s start frame for frame', () => {
    const c = caps.get('full')!;
    expect(c.status).toBe(1);
    expect(c.err).toMatch(/no space left on device/);
    const closed = closedOf('full');
    expect(closed.sort()).toEqual(files('full').map((n) => join(dir, 'full', n)).sort());
    const ordered = ['f.pcap', ...Array.from({ length: closed.length - 1 }, (_, i) => `f.pcap${i + 1}`)].map((n) => join(dir, 'full', n));
    const ours = ordered.flatMap(readBack);
    expect(ours.length).toBeGreaterThan(1000);
    expectSameFrames(ours, readBack(join(dir, 'tcpdump.pcap')));
  });
});
