/**
 * Damage in the middle of a capture file: every view prints (and analyses)
 * every packet before the damage, exactly what it prints for the file cut
 * there, then one line naming the file and the offset, and exits 1 — as
 * tcpdump prints every packet before it, then its error. `read` is compared
 * with the installed tcpdump on the same damaged files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, netlens } from '../helpers/netlens.js';
import { ngBlock, ngPacket, pcapngOf, pcapRecords } from '../helpers/pcapng.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };

const fixture = readFileSync(join(FIXTURES, 'http-keepalive.pcap'));
const { header, records, raw } = pcapRecords(fixture);
/** Damage goes after this many good records: inside the HTTP exchange, after the handshake. */
const GOOD = 10;

interface Case { name: string; damaged: Buffer; intact: Buffer; offset: number; message: RegExp }

function pcapCase(name: string, bad: Buffer, message: RegExp): Case {
  const intact = Buffer.concat([header, ...raw.slice(0, GOOD)]);
  return { name, damaged: Buffer.concat([intact, bad, ...raw.slice(GOOD)]), intact, offset: intact.length, message };
}

function recordHeader(caplen: number, wireLen = caplen): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(records[GOOD]!.sec, 0); h.writeUInt32LE(caplen >>> 0, 8); h.writeUInt32LE(wireLen >>> 0, 12);
  return h;
}

function pcapngCase(name: string, damage: (good: Buffer) => Buffer, message: RegExp): Case {
  const blocks = pcapngOf(records);
  const intact = Buffer.concat(blocks.slice(0, 2 + GOOD));
  const bad = damage(blocks[2 + GOOD]!);
  return { name, damaged: Buffer.concat([intact, bad, ...blocks.slice(3 + GOOD)]), intact, offset: intact.length, message };
}

const CASES: Case[] = [
  pcapCase('pcap: caplen 2^31-1', Buffer.concat([recordHeader(0x7fffffff, 60), Buffer.alloc(60)]), /caplen 2147483647/),
  pcapCase('pcap: caplen 262145, one more than libpcap accepts, with its bytes there', Buffer.concat([recordHeader(262145), Buffer.alloc(262145)]), /caplen 262145/),
  pcapngCase('pcapng: a bad block trailer', (b) => { const c = Buffer.from(b); c.writeUInt32LE(c.length + 4, c.length - 4); return c; }, /trailing length/),
  pcapngCase('pcapng: a block length that is not a multiple of 4', (b) => { const c = Buffer.from(b); c.writeUInt32LE(c.length + 2, 4); return c; }, /bad length/),
  pcapngCase('pcapng: a block of 2 GiB', (b) => { const c = Buffer.from(b); c.writeUInt32LE(0x7ffffff0, 4); return c; }, /too large/),
  pcapngCase('pcapng: a packet on an interface never described', (b) => { const c = Buffer.from(b); c.writeUInt32LE(7, 8); return c; }, /interface 7/),
  pcapngCase('pcapng: a captured length past its block', (b) => { const c = Buffer.from(b); c.writeUInt32LE(c.length, 20); return c; }, /exceeds the block/),
  pcapngCase('pcapng: a captured length past the interface snaplen', () => ngPacket(0, 1n, Buffer.alloc(262148)), /larger than the snaplen 262144/),
];

/** Every view, as arguments around the file. */
const VIEWS: { name: string; args: (f: string) => string[] }[] = [
  { name: 'read', args: (f) => ['read', f] },
  { name: 'read -v -x', args: (f) => ['read', '-v', '-x', f] },
  { name: 'read --json', args: (f) => ['read', '--json', f] },
  { name: 'read --count', args: (f) => ['read', '--count', f] },
  { name: 'read -w -', args: (f) => ['read', '-w', '-', f] },
  { name: 'conns', args: (f) => ['conns', f] },
  { name: 'conns --json', args: (f) => ['conns', '--json', f] },
  { name: 'http', args: (f) => ['http', f] },
  { name: 'http --json', args: (f) => ['http', '--json', f] },
  { name: 'follow', args: (f) => ['follow', f, '0'] },
  { name: 'follow --hex', args: (f) => ['follow', '--hex', f, '0'] },
  { name: 'ladder', args: (f) => ['ladder', '--ascii', f, '0'] },
  { name: 'arp', args: (f) => ['arp', f] },
  { name: 'slice -w -', args: (f) => ['slice', f, '0', '-w', '-'] },
];

/** One line: netlens: FILE: … at offset N …, and nothing else on stderr. */
function expectDamageLine(stderr: string, path: string, c: Case): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]!.startsWith(`netlens: ${path}: `), stderr).toBe(true);
  expect(lines[0]).toContain(`at offset ${c.offset}`);
  expect(lines[0]).toMatch(c.message);
  expect(lines[0]).not.toMatch(/internal error|    at /);
}

/** The intact files' outputs, per intact file and view: the pcap cases share one, the pcapng cases another. */
const intactRuns = new Map<string, ReturnType<typeof netlens>>();
function intactRun(path: string, args: string[]): ReturnType<typeof netlens> {
  const key = args.join('\0');
  let r = intactRuns.get(key);
  if (r === undefined) { r = netlens(args); intactRuns.set(key, r); }
  return r;
}

describe('damage in the middle of a file', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const damaged = file(`${c.name.replace(/\W+/g, '_')}.${c.name.startsWith('pcapng') ? 'pcapng' : 'pcap'}`, c.damaged);
      const intact = file(`intact.${c.name.startsWith('pcapng') ? 'pcapng' : 'pcap'}`, c.intact);
      for (const v of VIEWS) {
        it(`${v.name}: what the file cut at the damage gives, then one line with the offset, exit 1`, () => {
          const good = intactRun(intact, v.args(intact));
          expect(good.status, good.stderr).toBe(0);
          expect(good.stdout.length).toBeGreaterThan(0);
          const r = netlens(v.args(damaged));
          expect(r.stdout).toBe(good.stdout);
          expectDamageLine(r.stderr, damaged, c);
          expect(r.status).toBe(1);
        });
      }
      it('read -w FILE: the packets before the damage written, the file valid', () => {
        const out = join(dir, 'w.pcap');
        const r = netlens(['read', '-w', out, damaged]);
        expect(r.status).toBe(1);
        expectDamageLine(r.stderr, damaged, c);
        const back = netlens(['read', '--json', out]);
        expect(back.status, back.stderr).toBe(0);
        expect(back.stdout).toBe(netlens(['read', '--json', intact]).stdout);
      });
    });
  }
});

describe.skipIf(!haveTool('tcpdump'))('read on damaged files, against tcpdump', () => {
  for (const c of CASES) {
    it(`${c.name}: the same packets as tcpdump -nn, and like it exit 1`, () => {
      const path = file('oracle', c.damaged);
      const td = spawnSync('tcpdump', ['-nn', '-r', path], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' } });
      expect(td.status, td.stderr).toBe(1);
      const want = td.stdout.split('\n').filter((l) => l !== '');
      expect(want.length).toBe(GOOD); // tcpdump printed the good packets, not more, not fewer
      const r = netlens(['read', '--no-annotate', path]);
      expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(want);
      expect(r.status).toBe(1);
    });
  }
});

describe('records libpcap cuts rather than refuses', () => {
  it('a caplen beyond the file snaplen (but within 262144): the lines cut it to the snaplen as tcpdump reads it, --json keeps every byte as tshark does', () => {
    const small = Buffer.from(header);
    // 54: Ethernet, IPv4 and the fixed TCP header (an option cut inside would show tcpdump 4.99's
    // "[|tcp]>", which its current sources no longer print; netlens follows those).
    small.writeUInt32LE(54, 16);
    const path = file('snap54.pcap', Buffer.concat([small, ...raw]));
    const r = netlens(['read', '--no-annotate', path]);
    expect(r.status, r.stderr).toBe(0);
    const caplens = netlens(['read', '--json', path]).stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).caplen as number);
    expect(caplens.reduce((a, b) => Math.max(a, b), 0)).toBe(raw.reduce((a, r) => Math.max(a, r.length - 16), 0));
    if (haveTool('tcpdump')) {
      const td = spawnSync('tcpdump', ['-nn', '-r', path], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' } });
      expect(r.stdout).toBe(td.stdout);
    }
  });
  it('a pcapng block type netlens does not know, damaged or not, is skipped only when its framing is sound', () => {
    const blocks = pcapngOf(records);
    const path = file('unknown-block.pcapng', Buffer.concat([...blocks.slice(0, 5), ngBlock(0x0bad, Buffer.from('skip me')), ...blocks.slice(5)]));
    const r = netlens(['read', '--json', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(records.length);
  });
});
