/** The command line: one-line errors, exit codes, stdin, and every corpus file read to the end. */
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, CORPUS, FIXTURES, haveCorpus, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const hasNative = nativeAvailable();
if (!hasNative) console.warn(`cli.test: native binding unavailable (${nativeUnavailableReason()}); skipping the filter tests`);

function oneLineError(r: { status: number; stdout: string; stderr: string }): void {
  expect(r.status).not.toBe(0);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^netlens: /);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

/** A mistake in the command line itself: the error's line, then the command's synopsis line, on stderr; status 2. */
function usageError(r: { status: number; stdout: string; stderr: string }, synopsis: RegExp): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^netlens: /);
  expect(lines[1]).toMatch(synopsis);
  expect(r.stdout).toBe('');
}

describe('user errors are one line on stderr with a non-zero status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-cli-'));
  it('missing file', () => {
    const r = netlens(['read', join(dir, 'nope.pcap')]);
    oneLineError(r);
    expect(r.stderr).toContain('no such file');
  });
  it('not a capture file', () => {
    writeFileSync(join(dir, 'text.pcap'), 'hello, this is not a capture file\n');
    const r = netlens(['read', join(dir, 'text.pcap')]);
    oneLineError(r);
    expect(r.stderr).toContain('not a pcap or pcapng');
  });
  it('a directory', () => oneLineError(netlens(['read', dir])));
  it('unknown command and option: the line, then the synopsis', () => {
    usageError(netlens(['frobnicate']), /^usage: netlens <command>/);
    usageError(netlens(['read', '--bogus', join(FIXTURES, 'mixed.pcap')]), /^usage: netlens read /);
    oneLineError(netlens(['read', '-c', 'x', join(FIXTURES, 'mixed.pcap')]));
  });
  it('read without a file', () => oneLineError(netlens(['read'])));
});

describe('sources', () => {
  it('reads stdin with -', () => {
    const bytes = readFileSync(join(FIXTURES, 'mixed.pcap'));
    const viaStdin = netlens(['read', '--json', '-'], bytes);
    const viaFile = netlens(['read', '--json', join(FIXTURES, 'mixed.pcap')]);
    expect(viaStdin.status).toBe(0);
    expect(viaStdin.stdout).toBe(viaFile.stdout);
  });
  it('a file cut short: every complete packet, then one warning line', () => {
    const bytes = readFileSync(join(FIXTURES, 'mixed.pcap'));
    const dir = mkdtempSync(join(tmpdir(), 'netlens-cut-'));
    writeFileSync(join(dir, 'cut.pcap'), bytes.subarray(0, bytes.length - 10));
    const r = netlens(['read', '--json', join(dir, 'cut.pcap')]);
    const full = ndjson(netlens(['read', '--json', join(FIXTURES, 'mixed.pcap')]).stdout);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toEqual(full.slice(0, -1));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cut short');
  });
  it('--json is NDJSON only, with the contract time stamp', () => {
    const recs = ndjson(netlens(['read', '--json', join(FIXTURES, 'mixed.pcap')]).stdout);
    expect(recs.length).toBeGreaterThan(10);
    for (const r of recs) {
      expect(r.type).toBe('packet');
      expect(r.ts).toMatch(/^\d+\.\d{9}$/);
    }
  });
  it('-w also writes the frames that pass the filter and -c; read back, they are the same packets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-w-'));
    const src = join(FIXTURES, 'mixed.pcap');
    const r = netlens(['read', '-c', '7', '-w', join(dir, 'first7.pcap'), src]);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(7); // the lines are printed too
    expect(netlens(['read', '--json', join(dir, 'first7.pcap')]).stdout)
      .toBe(netlens(['read', '--json', '-c', '7', src]).stdout);
    const ng = netlens(['read', '-w', join(dir, 'all.pcapng'), src]);
    expect(ng.status).toBe(0);
    expect(readFileSync(join(dir, 'all.pcapng')).readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(netlens(['read', '--json', join(dir, 'all.pcapng')]).stdout).toBe(netlens(['read', '--json', src]).stdout);
  });
  it('-w FILE.pcapng keeps every link type of a pcapng with several; -w FILE.pcap refuses the second in one line', () => {
    const block = (type: number, body: Buffer): Buffer => {
      const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
      const b = Buffer.alloc(len);
      b.writeUInt32LE(type, 0); b.writeUInt32LE(len, 4); body.copy(b, 8); b.writeUInt32LE(len, len - 4);
      return b;
    };
    const u32 = (...v: number[]): Buffer => { const b = Buffer.alloc(4 * v.length); v.forEach((x, i) => b.writeUInt32LE(x, 4 * i)); return b; };
    const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), Buffer.from([1, 0, 0, 0]), Buffer.alloc(8, 0xff)]));
    const idb = (linkType: number): Buffer => block(1, Buffer.concat([Buffer.from([linkType & 255, linkType >> 8, 0, 0]), u32(262144)]));
    const epb = (iface: number, usec: number, frame: Buffer): Buffer => block(6, Buffer.concat([u32(iface, 0, usec, frame.length, frame.length), frame]));
    const raw = Buffer.from('4500001c000100004011f8b00a0000010a000002a4100035000800000000', 'hex').subarray(0, 28);
    const eth = Buffer.concat([Buffer.from('020000000002020000000001' + '0800', 'hex'), raw]);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-w-'));
    const src = join(dir, 'two-links.pcapng');
    writeFileSync(src, Buffer.concat([shb, idb(1), idb(101), epb(0, 1, eth), epb(1, 2, raw), epb(0, 3, eth)]));
    expect(netlens(['read', '-w', join(dir, 'out.pcapng'), src]).status).toBe(0);
    expect(netlens(['read', '--json', join(dir, 'out.pcapng')]).stdout).toBe(netlens(['read', '--json', src]).stdout);
    expect(ndjson(netlens(['read', '--json', join(dir, 'out.pcapng')]).stdout)).toHaveLength(3);
    const refused = netlens(['read', '-w', join(dir, 'out.pcap'), src]);
    oneLineError(refused);
    expect(refused.stderr).toMatch(/write \.pcapng for mixed link types/);
  });
  it.skipIf(!hasNative)('-w with a filter writes only the matching frames', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-w-'));
    const src = join(FIXTURES, 'mixed.pcap');
    expect(netlens(['read', '-w', join(dir, 'udp.pcap'), src, 'udp']).status).toBe(0);
    const written = ndjson(netlens(['read', '--json', join(dir, 'udp.pcap')]).stdout);
    expect(written.length).toBeGreaterThan(2);
    expect(written.every((p) => p.udp !== undefined)).toBe(true);
    expect(written.map((p) => p.ts)).toEqual(ndjson(netlens(['read', '--json', src, 'udp']).stdout).map((p) => p.ts));
  });
  it('-w - writes the capture to stdout and nothing else; views other than read refuse it', () => {
    const src = join(FIXTURES, 'mixed.pcap');
    const r = spawnSync(process.execPath, [CLI, 'read', '-w', '-', '-c', '3', src], { maxBuffer: 1 << 24 });
    expect(r.status).toBe(0);
    expect(netlens(['read', '-'], r.stdout).stdout).toBe(netlens(['read', '-c', '3', src]).stdout);
    oneLineError(netlens(['conns', '-w', '-', src]));
  });
  it("tcpdump's spellings: -r FILE, -F FILE, -D, --time-stamp-precision, -l, -U, -n", () => {
    const src = join(FIXTURES, 'mixed.pcap');
    const dir = mkdtempSync(join(tmpdir(), 'netlens-f-'));
    writeFileSync(join(dir, 'filter'), 'udp\n');
    const plain = netlens(['read', '--nano', src]).stdout;
    expect(plain.split('\n').length).toBeGreaterThan(10);
    expect(netlens(['read', '-nn', '-l', '-U', '--time-stamp-precision=nano', '-r', src]).stdout).toBe(plain);
    expect(netlens(['read', '--time-stamp-precision', 'micro', '-r', src]).stdout).toBe(netlens(['read', src]).stdout);
    if (hasNative) expect(netlens(['read', '-r', src, '-F', join(dir, 'filter')]).stdout).toBe(netlens(['read', src, 'udp']).stdout);
    oneLineError(netlens(['read', '-F', join(dir, 'missing'), src]));
    oneLineError(netlens(['read', '--time-stamp-precision=pico', src]));
    expect(netlens(['-D']).stdout).toBe(netlens(['interfaces']).stdout);
  });
  it('no colour when stdout is not a TTY', () => {
    const r = netlens(['read', join(FIXTURES, 'mixed.pcap')], undefined, { NO_COLOR: '' });
    expect(r.stdout).not.toContain('\x1b[');
  });
});

const corpus = haveCorpus();
describe.skipIf(!corpus)('every corpus capture runs to completion: exit 0, or one clean line', () => {
  for (const name of corpus ? readdirSync(join(CORPUS, 'pcap')).sort() : []) {
    it(name, () => {
      const file = join(CORPUS, 'pcap', name);
      for (const args of [['read', file], ['read', '--json', file], ['conns', '--json', file]]) {
        const r = netlens(args);
        if (r.status !== 0) oneLineError(r);
        else expect(r.stderr).not.toMatch(/internal error/);
        expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // nothing raw from a packet reaches the terminal
      }
    });
  }
});
