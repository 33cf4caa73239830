/**
 * Time stamps out of range: a classic pcap at and past 2038 (the top bit of
 * the 32-bit seconds), pcapng interfaces whose if_tsoffset pushes stamps
 * negative, past 2^32, past Date's range or past what gmtime converts, and
 * deltas of days. Every -t mode prints what tcpdump 4.99.3 prints
 * (`[Error converting time]` where its util-print.c refuses), never NaN, and
 * --json stays valid with the contract's decimal stamp.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TIME_ERROR, TimeFormatter, tsString } from '../../src/encode/time.js';
import { haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { classicPcap } from '../helpers/pcap.js';
import { ngInterface, ngPacket, ngSection } from '../helpers/pcapng.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tcpdump = haveTool('tcpdump');

/** ARP who-has 10.0.0.2 tell 10.0.0.1. */
const ARP = Buffer.from('ffffffffffff02000000000108060001080006040001020000000001' + '0a000001' + '000000000000' + '0a000002', 'hex');

/** A pcap whose records carry these seconds (a µs field of 250000). */
function pcapAt(secs: number[]): Buffer {
  const file = classicPcap(secs.map(() => ARP), 0);
  for (let i = 0, p = 24; i < secs.length; i++, p += 16 + ARP.length) {
    file.writeUInt32LE(secs[i]! >>> 0, p);
    file.writeUInt32LE(250000, p + 4);
  }
  return file;
}

/** A pcapng of one interface with this if_tsoffset, packets at these µs stamps. */
function pcapngAt(tsoffset: bigint, stamps: bigint[]): Buffer {
  return Buffer.concat([ngSection(), ngInterface(1, 0, { tsoffset }), ...stamps.map((t) => ngPacket(0, t, ARP))]);
}

const US = 1_000_000n;
/**
 * `differs`: the -t modes netlens prints otherwise than tcpdump 4.99.3 here, and why.
 * libpcap reads a classic pcap's seconds as a signed 32-bit number (the format
 * says unsigned, as tshark and netlens read them), which only the deltas show;
 * past 2^53 seconds a double does not hold every second, and netlens prints
 * the error text where tcpdump's 64-bit arithmetic wraps.
 */
const SIGNED = ['-ttt', '-ttttt'];
const BEYOND_2_53 = ['-tt', '-ttt', '-ttttt'];
const FILES: { name: string; bytes: Buffer; differs?: string[] }[] = [
  { name: 'pcap 2038 and later', bytes: pcapAt([0x7fffffff, 0x80000000, 0xffffffff, 1, 0x7ffffffe]), differs: SIGNED },
  { name: 'pcapng offset 2^31', bytes: pcapngAt(2n ** 31n, [1n * US, 2n * US]) },
  { name: 'pcapng offset 2^32 + 5', bytes: pcapngAt(2n ** 32n + 5n, [1n * US, 90_000n * US]) },
  { name: 'pcapng offset 2^40 (year 36812, past Date)', bytes: pcapngAt(2n ** 40n, [1n * US, 100_000n * US + 7n]) },
  { name: 'pcapng offset -10^10 (negative)', bytes: pcapngAt(-10_000_000_000n, [1n * US, 2n * US]) },
  { name: 'pcapng offset -2^32 + 5 (1833)', bytes: pcapngAt(-(2n ** 32n) + 5n, [1n * US, 2n * US]) },
  { name: 'pcapng offset 2^62 (past gmtime)', bytes: pcapngAt(2n ** 62n, [1n * US, 2n * US]), differs: BEYOND_2_53 },
  { name: 'pcapng offset -2^63 and the largest stamp', bytes: pcapngAt(-(2n ** 63n), [0n, 2n ** 64n - 1n]), differs: BEYOND_2_53 },
  { name: 'pcapng offset 2^63 - 1', bytes: pcapngAt(2n ** 63n - 1n, [2n ** 64n - 1n, 0n]), differs: BEYOND_2_53 },
  { name: 'deltas of days, backwards and forwards', bytes: pcapngAt(0n, [1n * US, 100_001n * US, 99n * US, 3n * 86_400n * US + 5n, 2n ** 31n * US + 1n]) },
];
const MODES = [[], ['-tt'], ['-ttt'], ['-tttt'], ['-ttttt']];

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('time stamps out of range', () => {
  for (const f of FILES) {
    const path = join(dir, `${f.name.replace(/\W+/g, '_')}.${f.name.startsWith('pcap ') ? 'pcap' : 'pcapng'}`);
    writeFileSync(path, f.bytes);
    it(`${f.name}: no NaN in any -t mode, and --json valid with decimal stamps`, () => {
      for (const m of MODES) {
        const r = netlens(['read', ...m, path]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).not.toMatch(/NaN|undefined|Infinity/);
        expect(lines(r.stdout).length).toBeGreaterThan(1);
      }
      for (const args of [['read', '--json'], ['conns', '--json'], ['arp', '--json']]) {
        const r = netlens([...args, path]);
        expect(r.status, r.stderr).toBe(0);
        const recs = ndjson(r.stdout); // throws on invalid JSON
        for (const rec of recs) if (rec.ts !== undefined) expect(rec.ts).toMatch(/^-?\d+\.\d{9}$/);
      }
      const arp = netlens(['arp', path]);
      expect(arp.stdout).not.toMatch(/NaN|undefined/);
    });
    for (const tz of ['UTC', 'America/New_York']) {
      it.skipIf(!tcpdump)(`${f.name}, TZ=${tz}: every -t mode prints tcpdump 4.99.3's stamps`, () => {
        for (const m of MODES) {
          if (f.differs?.includes(m[0] ?? '')) continue;
          const td = spawnSync('tcpdump', ['-nn', ...m, '-r', path], { encoding: 'latin1', env: { ...process.env, TZ: tz } });
          const ours = netlens(['read', '--no-annotate', ...m, path], undefined, { TZ: tz });
          expect(lines(ours.stdout), `${m.join(' ') || 'default'}`).toEqual(lines(td.stdout));
        }
      });
    }
  }
});

describe('TimeFormatter at the edges', () => {
  it('the error text per mode, as util-print.c writes it', () => {
    const at = (mode: 'default' | 'tt' | 'tttt', sec: number): string => new TimeFormatter(mode, false, true).format(sec, 0);
    expect(at('default', 2 ** 31)).toBe(TIME_ERROR);
    expect(at('tt', 2 ** 31)).toBe(TIME_ERROR);
    expect(at('tttt', -1)).toBe(TIME_ERROR);
    expect(at('tt', 2 ** 32 + 6)).toBe('6.000000'); // (unsigned)sec
    expect(at('tttt', 2 ** 32 + 6)).toBe('2106-02-07 06:28:22.000000');
    expect(at('tttt', 2 ** 40 + 1)).toBe('36812-02-20 00:36:17.000000');
    expect(at('default', 2 ** 62 + 1)).toBe(TIME_ERROR); // a year past an int
  });
  it('JSON stamps stay decimal strings whatever the seconds', () => {
    expect(tsString(2 ** 62, 5)).toMatch(/^\d+\.000000005$/);
    expect(tsString(-5, 0)).toBe('-5.000000000');
    expect(tsString(Number.NaN, 0)).toMatch(/^\d+\.\d{9}$/);
  });
});
