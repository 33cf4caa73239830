/**
 * `netlens arp` and the ARP/ND table: golden NDJSON of the recorded fixtures
 * (fixtures/arp-icmp.pcap: real ARP and neighbour discovery between two
 * namespaces; fixtures/arp-crafted.pcap: real ARP plus frames injected with
 * the native binding, see scripts/record-arp-fixture.mjs), the facts spelled
 * out, the conflict annotation in `read`, neighbour-discovery corner cases on
 * built frames, and a live run on a veth pair compared with a tcpdump
 * recording of the same traffic.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { Frame } from '../../src/frame.js';
import { ArpTable } from '../../src/track/arp-table.js';
import { arpJsonLines, arpReport } from '../../src/report/arp.js';
import { arpConflictText } from '../../src/encode/events.js';
import { loadPalette, noColor, paletteFor } from '../../src/encode/palette.js';
import { TimeFormatter } from '../../src/encode/time.js';
import { arpFrame } from '../../scripts/arp-frames.mjs';
import { CLI, FIXTURES, ROOT, netlens, ndjson } from '../helpers/netlens.js';
import { createVethPair, netnsUnavailableReason, type VethPair } from '../helpers/netns.js';

// Colour views in these tests: chalk is loaded as main.ts loads it for a terminal.
await loadPalette({ isTTY: true }, {});

type Rec = Record<string, any>;

function arpJson(fixture: string): Rec[] {
  const r = netlens(['arp', '--json', fixture.startsWith('/') ? fixture : join(FIXTURES, fixture)]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return ndjson(r.stdout);
}

const of = (recs: Rec[], type: string): Rec[] => recs.filter((r) => r.type === type);

describe('golden NDJSON (npm run golden:update regenerates)', () => {
  for (const fixture of ['arp-icmp', 'arp-crafted']) {
    it(`${fixture}.arp.ndjson`, () => {
      const want = readFileSync(join(ROOT, 'test', 'golden', `${fixture}.arp.ndjson`), 'utf8');
      const r = netlens(['arp', '--json', join(FIXTURES, `${fixture}.pcap`)]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(want);
    });
  }
});

describe('arp-icmp.pcap: real ARP and neighbour discovery', () => {
  const recs = arpJson('arp-icmp.pcap');

  it('every record has a contract type, proto and 9-decimal time stamps', () => {
    for (const r of recs) {
      expect(['arp-binding', 'arp-unanswered', 'arp-conflict', 'arp-gratuitous', 'arp-probe', 'arp-unsolicited-reply']).toContain(r.type);
      expect(['arp', 'ndp']).toContain(r.proto);
      for (const k of ['ts', 'firstTs', 'lastTs', 'conflictTs']) if (k in r) expect(r[k]).toMatch(/^\d+\.\d{9}$/);
    }
  });

  it('bindings for 10.77.0.1 and 10.77.0.2 (ARP) and fd77::1, fd77::2 (ND), with the request/reply pairs', () => {
    const b = of(recs, 'arp-binding');
    const find = (ip: string) => b.filter((r) => r.ip === ip);
    expect(find('10.77.0.1')).toHaveLength(1);
    expect(find('10.77.0.2')).toHaveLength(1);
    expect(find('10.77.0.2')[0]).toMatchObject({ proto: 'arp', mac: 'b6:84:87:50:27:ac', answered: 1 });
    expect(find('10.77.0.1')[0]).toMatchObject({ proto: 'arp', mac: '96:4b:58:84:0f:b3' });
    expect(find('fd77::1')[0]).toMatchObject({ proto: 'ndp', mac: '96:4b:58:84:0f:b3' });
    expect(find('fd77::2')[0]).toMatchObject({ proto: 'ndp', mac: 'b6:84:87:50:27:ac', answered: 1 });
    expect(find('fd77::2')[0].rtt).toBeGreaterThan(0);
    expect(b.every((r) => r.firstTs <= r.lastTs)).toBe(true);
  });

  it('10.77.0.99: unanswered, 3 requests, asked by 10.77.0.1; nothing else unanswered, no conflicts', () => {
    const u = of(recs, 'arp-unanswered');
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ ip: '10.77.0.99', proto: 'arp', askedBy: ['10.77.0.1'] });
    expect(u[0].requests).toBeGreaterThanOrEqual(2);
    expect(u[0].requests).toBe(3);
    expect(of(recs, 'arp-conflict')).toEqual([]);
    expect(of(recs, 'arp-unsolicited-reply')).toEqual([]);
  });
});

describe('arp-crafted.pcap: injected gratuitous reply, probe, announcement, unsolicited reply', () => {
  const recs = arpJson('arp-crafted.pcap');
  const client = of(recs, 'arp-binding').find((r) => r.ip === '10.77.0.1' && r.mac !== '02:00:00:00:00:aa')!;

  it('the conflict on 10.77.0.1 with both MACs and times, listed first', () => {
    expect(recs[0]!.type).toBe('arp-conflict');
    const c = of(recs, 'arp-conflict');
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ ip: '10.77.0.1', proto: 'arp', macs: [client.mac, '02:00:00:00:00:aa'], firstTs: client.firstTs, count: 1 });
    expect(c[0]!.conflictTs > c[0]!.firstTs).toBe(true);
  });

  it('bindings: both MACs of 10.77.0.1, the server, and the crafted senders', () => {
    const b = of(recs, 'arp-binding').map((r) => `${r.ip} ${r.mac}`);
    expect(b).toContain(`10.77.0.1 ${client.mac}`);
    expect(b).toContain('10.77.0.1 02:00:00:00:00:aa');
    expect(b.some((s) => s.startsWith('10.77.0.2 '))).toBe(true);
    expect(b).toContain('10.77.0.50 02:00:00:00:00:bb');
    expect(b).toContain('10.77.0.70 02:00:00:00:00:cc');
  });

  it('gratuitous reply and request; probe and announcement; the unsolicited reply', () => {
    expect(of(recs, 'arp-gratuitous').map((r) => [r.ip, r.mac, r.op])).toEqual([
      ['10.77.0.1', '02:00:00:00:00:aa', 'reply'],
      ['10.77.0.50', '02:00:00:00:00:bb', 'request'],
    ]);
    expect(of(recs, 'arp-probe').map((r) => [r.ip, r.mac, r.kind])).toEqual([
      ['10.77.0.50', '02:00:00:00:00:bb', 'probe'],
      ['10.77.0.50', '02:00:00:00:00:bb', 'announcement'],
    ]);
    expect(of(recs, 'arp-unsolicited-reply').map((r) => [r.ip, r.mac])).toEqual([['10.77.0.70', '02:00:00:00:00:cc']]);
    expect(of(recs, 'arp-unanswered')).toEqual([]);
  });

  it('human report: conflicts first, no escape sequences without a TTY', () => {
    const r = netlens(['arp', join(FIXTURES, 'arp-crafted.pcap')]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Conflicts (1)');
    expect(lines[1]).toContain(`10.77.0.1 claimed by ${client.mac}`);
    expect(lines[1]).toContain('and 02:00:00:00:00:aa');
    expect(r.stdout).toContain('Probes and announcements (2)');
    expect(r.stdout).not.toMatch(/\x1b/);
  });
});

describe('read: the frame that causes a conflict', () => {
  it('line view: annotated, and only that frame; --no-annotate drops it', () => {
    const lines = netlens(['read', join(FIXTURES, 'arp-crafted.pcap')]).stdout.split('\n').filter((l) => l !== '');
    const flagged = lines.filter((l) => l.includes('conflict'));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/ARP, Reply 10\.77\.0\.1 is-at 02:00:00:00:00:aa, length 28 \(ARP conflict: 10\.77\.0\.1 was [0-9a-f:]{17}, now 02:00:00:00:00:aa\)$/);
    const plain = netlens(['read', '--no-annotate', join(FIXTURES, 'arp-crafted.pcap')]).stdout;
    expect(plain).not.toContain('conflict');
  });

  it('JSON: "events":["arp-conflict"] on that packet only', () => {
    const pkts = ndjson(netlens(['read', '--json', join(FIXTURES, 'arp-crafted.pcap')]).stdout);
    const ev = pkts.filter((p) => p.events !== undefined);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ events: ['arp-conflict'], arp: { op: 2, senderIp: '10.77.0.1', senderMac: '02:00:00:00:00:aa' } });
  });
});

// ------------------------------------------------------------------ built frames

function ip6Bytes(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(parseInt(w, 16), 2 * i));
  return b;
}

function macBytes(m: string): Buffer {
  return Buffer.from(m.split(':').map((h) => parseInt(h, 16)));
}

/** Ethernet + IPv6 + ICMPv6 neighbour solicitation (135) or advertisement (136) with an optional link-layer address option. */
function ndFrame(o: { type: 135 | 136; src: string; dst: string; target: string; mac: string; flags?: number; option?: boolean }): Buffer {
  const icmp = Buffer.alloc(24 + (o.option === false ? 0 : 8));
  icmp[0] = o.type;
  icmp[4] = o.flags ?? 0;
  ip6Bytes(o.target).copy(icmp, 8);
  if (o.option !== false) {
    icmp[24] = o.type === 135 ? 1 : 2;
    icmp[25] = 1;
    macBytes(o.mac).copy(icmp, 26);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255;
  ip6Bytes(o.src).copy(ip, 8);
  ip6Bytes(o.dst).copy(ip, 24);
  const eth = Buffer.alloc(14);
  macBytes('33:33:ff:00:00:01').copy(eth, 0);
  macBytes(o.mac).copy(eth, 6);
  eth.writeUInt16BE(0x86dd, 12);
  return Buffer.concat([eth, ip, icmp]);
}

function run(frames: Buffer[]): { table: ArpTable; conflicts: boolean[] } {
  const d = new PacketDecoder();
  const table = new ArpTable();
  const conflicts: boolean[] = [];
  frames.forEach((bytes, i) => {
    const f: Frame = { buf: bytes, offset: 0, caplen: bytes.length, len: bytes.length, tsSec: 1_700_000_000 + i, tsNsec: 0, linkType: 1, ifIndex: 0 };
    d.decode(f);
    table.observe(d, f.tsSec, f.tsNsec);
    conflicts.push(table.conflict !== null);
  });
  return { table, conflicts };
}

describe('ArpTable on built frames', () => {
  it('ND: DAD probe from ::, solicitation/advertisement pair, unsolicited advertisement from a second MAC = gratuitous + conflict', () => {
    const { table, conflicts } = run([
      ndFrame({ type: 135, src: '::', dst: 'ff02::1:ff00:1', target: 'fd77::1', mac: '02:00:00:00:00:01', option: false }),
      ndFrame({ type: 135, src: 'fd77::2', dst: 'ff02::1:ff00:1', target: 'fd77::1', mac: '02:00:00:00:00:02' }),
      ndFrame({ type: 136, src: 'fd77::1', dst: 'fd77::2', target: 'fd77::1', mac: '02:00:00:00:00:01', flags: 0x60 }),
      ndFrame({ type: 136, src: 'fd77::1', dst: 'ff02::1', target: 'fd77::1', mac: '02:00:00:00:00:99', flags: 0x20 }),
      ndFrame({ type: 135, src: 'fd77::2', dst: 'ff02::1:ff00:3', target: 'fd77::3', mac: '02:00:00:00:00:02' }),
      ndFrame({ type: 135, src: 'fd77::2', dst: 'ff02::1:ff00:3', target: 'fd77::3', mac: '02:00:00:00:00:02' }),
    ]);
    expect(conflicts).toEqual([false, false, false, true, false, false]);
    const recs = arpJsonLines(table).map((l) => JSON.parse(l));
    expect(recs.map((r) => r.type)).toEqual([
      'arp-conflict', 'arp-binding', 'arp-binding', 'arp-binding', 'arp-unanswered', 'arp-gratuitous', 'arp-probe',
    ]);
    expect(recs[0]).toMatchObject({ proto: 'ndp', ip: 'fd77::1', macs: ['02:00:00:00:00:01', '02:00:00:00:00:99'] });
    expect(of(recs, 'arp-binding').find((r) => r.ip === 'fd77::1' && r.mac === '02:00:00:00:00:01')).toMatchObject({ answered: 1 });
    expect(of(recs, 'arp-unanswered')[0]).toMatchObject({ proto: 'ndp', ip: 'fd77::3', requests: 2, askedBy: ['fd77::2'] });
    expect(of(recs, 'arp-gratuitous')[0]).toMatchObject({ proto: 'ndp', ip: 'fd77::1', mac: '02:00:00:00:00:99', op: 'reply' });
    expect(of(recs, 'arp-probe')[0]).toMatchObject({ proto: 'ndp', ip: 'fd77::1', mac: '02:00:00:00:00:01', kind: 'probe' });
    expect(arpConflictText(table)).toBe('');
  });

  it('ARP: a conflict flipping back is one record with a count; the per-frame text names the old and new MAC', () => {
    const a = '02:00:00:00:00:0a', b = '02:00:00:00:00:0b';
    const d = new PacketDecoder();
    const table = new ArpTable();
    const texts: string[] = [];
    [a, b, a, a].forEach((mac, i) => {
      const bytes: Buffer = arpFrame({ op: 2, src: mac, spa: '10.0.0.1', tpa: '10.0.0.1' });
      const f: Frame = { buf: bytes, offset: 0, caplen: 42, len: 42, tsSec: 100 + i, tsNsec: 5, linkType: 1, ifIndex: 0 };
      d.decode(f);
      table.observe(d, f.tsSec, f.tsNsec);
      texts.push(arpConflictText(table));
    });
    expect(texts).toEqual(['', `ARP conflict: 10.0.0.1 was ${a}, now ${b}`, `ARP conflict: 10.0.0.1 was ${b}, now ${a}`, '']);
    expect(table.conflicts).toHaveLength(1);
    expect(table.conflicts[0]!.count).toBe(2);
    expect(table.gratuitous[0]!.count).toBe(3);
  });

  it('colour only through the palette: the conflict line in the warning colour on a TTY', () => {
    const { table } = run([
      arpFrame({ op: 2, src: '02:00:00:00:00:0a', spa: '10.0.0.1', tpa: '10.0.0.1' }),
      arpFrame({ op: 2, src: '02:00:00:00:00:0b', spa: '10.0.0.1', tpa: '10.0.0.1' }),
    ]);
    const coloured = arpReport(table, paletteFor({ isTTY: true }, {}), new TimeFormatter('tt', false));
    expect(coloured[1]).toContain('\x1b[31m');
    const plain = arpReport(table, noColor, new TimeFormatter('tt', false));
    expect(plain.join('\n')).not.toMatch(/\x1b/);
    expect(plain[0]).toBe('Conflicts (1)');
    expect(plain[1]).toBe('  10.0.0.1 claimed by 02:00:00:00:00:0a (since 1700000000.000000) and 02:00:00:00:00:0b (from 1700000001.000000) arp');
    expect(paletteFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(noColor);
  });

  it('nothing allocated per frame for traffic the table already knows (addresses stay numbers)', () => {
    const frames = [
      arpFrame({ op: 1, src: '02:00:00:00:00:01', spa: '10.0.0.1', tpa: '10.0.0.2' }),
      arpFrame({ op: 2, src: '02:00:00:00:00:02', dst: '02:00:00:00:00:01', spa: '10.0.0.2', tha: '02:00:00:00:00:01', tpa: '10.0.0.1' }),
    ];
    const d = new PacketDecoder();
    const table = new ArpTable();
    for (let i = 0; i < 10_000; i++) {
      const bytes = frames[i & 1]!;
      d.decode({ buf: bytes, offset: 0, caplen: 42, len: 42, tsSec: i, tsNsec: 0, linkType: 1, ifIndex: 0 });
      table.observe(d, i, 0);
    }
    expect(table.size).toBe(2);
    expect(table.bindings()).toHaveLength(2);
    expect(table.bindings()[1]!.answered).toBe(5000);
    expect(table.unsolicited).toEqual([]);
  });
});

// ------------------------------------------------------------------ live

const liveReason = ((): string => {
  const ns = netnsUnavailableReason();
  if (ns !== '') return ns;
  const probe = spawnSync(process.execPath, ['-e', `import('${join(ROOT, 'dist', 'source', 'live.js')}').then(m => process.stdout.write(m.nativeUnavailableReason()))`], { encoding: 'utf8' });
  if (probe.stdout !== '') return `native binding unavailable: ${probe.stdout}`;
  if (spawnSync('sh', ['-c', 'command -v tcpdump && command -v ping'], { stdio: 'ignore' }).status !== 0) return 'tcpdump or ping not installed';
  return '';
})();
if (liveReason !== '') console.warn(`arp.test live: skipping (${liveReason})`);

describe.skipIf(liveReason !== '')('live: netlens arp -i on a veth pair', () => {
  let pair: VethPair;
  let tmp: string;
  beforeAll(() => {
    pair = createVethPair('10.79.0.2', '10.79.0.1');
    tmp = mkdtempSync(join(tmpdir(), 'nl-arp-'));
  });
  afterAll(() => {
    pair?.destroy();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Starts a process and resolves once its stderr says it is listening. */
  function started(cmd: string, args: string[]): Promise<{ proc: ReturnType<typeof spawn>; out: () => string; err: () => string }> {
    const proc = spawn(cmd, args, { env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' } });
    let out = '', err = '';
    proc.stdout!.on('data', (d) => { out += d; });
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${cmd} did not start: ${err}`)), 10_000);
      proc.stderr!.on('data', (d) => {
        err += d;
        if (err.includes('listening on')) { clearTimeout(t); resolve({ proc, out: () => out, err: () => err }); }
      });
      proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`${cmd} exited ${code}: ${err}`)); });
    });
  }

  const exited = (p: ReturnType<typeof spawn>): Promise<number> => new Promise((r) => {
    if (p.exitCode !== null) r(p.exitCode); else p.once('exit', (c) => r(c ?? -1));
  });

  /** What must agree between the live run and the file: types with addresses, not times or counts. */
  const facts = (recs: Rec[]): string[] => [...new Set(recs.map((r) => `${r.type} ${r.proto} ${r.ip} ${r.mac ?? ''}${r.macs ? r.macs.join(',') : ''}${r.op ?? ''}${r.kind ?? ''}`))].sort();

  it('reports the same findings as reading a tcpdump recording of the same run', async () => {
    const pcap = join(tmp, 'live.pcap');
    const dump = await started('tcpdump', ['-Z', 'root', '-i', pair.hostIf, '-s', '0', '--immediate-mode', '-U', '-w', pcap]);
    const nl = await started(process.execPath, [CLI, 'arp', '-i', pair.hostIf, '-d', '3', '--json']);
    const { openLive } = await import('../../src/source/live.js');
    const session = openLive({ iface: pair.hostIf, snaplen: 262144, promisc: false, immediate: true, bufferKiB: 1024, filter: '', nanosecond: true, backend: 'native' });
    try {
      await pair.nsExec('ip', ['neigh', 'flush', 'all']);
      spawnSync('ip', ['neigh', 'flush', 'dev', pair.hostIf]);
      await pair.nsExec('ping', ['-q', '-c', '1', '-W', '1', pair.hostIp]);
      const missing = pair.nsExec('ping', ['-q', '-c', '1', '-W', '1', '10.79.0.99']).catch(() => null);
      await new Promise((r) => setTimeout(r, 300));
      // Gratuitous reply: 02:00:00:00:00:aa claims the namespace's address.
      session.inject(arpFrame({ op: 2, src: '02:00:00:00:00:aa', spa: pair.nsIp, tha: 'ff:ff:ff:ff:ff:ff', tpa: pair.nsIp }));
      await missing;
    } finally {
      await session.stop();
    }
    expect(await exited(nl.proc)).toBe(0);
    dump.proc.kill('SIGINT');
    await exited(dump.proc);

    const live = ndjson(nl.out());
    const file = arpJson(pcap);
    expect(facts(live)).toEqual(facts(file));
    expect(of(live, 'arp-conflict')).toHaveLength(1);
    expect(of(live, 'arp-conflict')[0]).toMatchObject({ ip: pair.nsIp, macs: [pair.nsMac, '02:00:00:00:00:aa'] });
    expect(of(live, 'arp-unanswered').map((r) => r.ip)).toEqual(['10.79.0.99']);
    expect(of(live, 'arp-gratuitous').map((r) => [r.ip, r.mac, r.op])).toEqual([[pair.nsIp, '02:00:00:00:00:aa', 'reply']]);
    expect(of(live, 'arp-binding').map((r) => `${r.ip} ${r.mac}`)).toEqual(expect.arrayContaining([`${pair.hostIp} ${pair.hostMac}`, `${pair.nsIp} ${pair.nsMac}`]));
  }, 30_000);
});
