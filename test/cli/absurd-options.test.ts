/**
 * Options with absurd values end in one clean line and exit 2, before any
 * capture or file is opened: a filter file that never ends (-F /dev/zero, read
 * at most 1 MiB), sizes past what libpcap or the native ring take (-s, -B,
 * --ring-buffer), counts and durations past what a number or a timer holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_FILTER_FILE, MAX_RING_MIB, parseArgs } from '../../src/cli/args.js';
import { FIXTURES, netlens } from '../helpers/netlens.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MIXED = join(FIXTURES, 'mixed.pcap');

function oneLine(args: string[], pattern: RegExp): void {
  const r = netlens(args);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^netlens: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|    at /);
}

describe('absurd option values: one line each, exit 2', () => {
  it('-F /dev/zero and /dev/urandom: a filter file that never ends is read to 1 MiB, then refused', () => {
    oneLine(['read', MIXED, '-F', '/dev/zero'], /-F \/dev\/zero: a filter file of more than 1048576 bytes/);
    oneLine(['conns', MIXED, '-F', '/dev/urandom'], /-F \/dev\/urandom: a filter file of more than/);
  });
  it('-F of a directory, a missing file, a file with NUL bytes', () => {
    oneLine(['read', MIXED, '-F', dir], /is a directory/);
    oneLine(['read', MIXED, '-F', join(dir, 'none')], /no such file/);
    const nul = join(dir, 'nul');
    writeFileSync(nul, 'udp\0port 53');
    oneLine(['read', MIXED, '-F', nul], /NUL bytes/);
  });
  it('-F of exactly 1 MiB is read (spaces around a short filter)', () => {
    const big = join(dir, 'big');
    writeFileSync(big, 'udp' + ' '.repeat(MAX_FILTER_FILE - 3));
    expect(parseArgs(['read', MIXED, '-F', big]).positional).toEqual([MIXED, 'udp']);
    writeFileSync(big, 'udp' + ' '.repeat(MAX_FILTER_FILE - 2));
    expect(() => parseArgs(['read', MIXED, '-F', big])).toThrow(/more than 1048576 bytes/);
  });
  it('-s past 262144 (as tcpdump refuses it), -s 0 is 262144', () => {
    oneLine(['capture', 'lo', '-s', '262145'], /-s: 262145 is too large; the most is 262144/);
    expect(parseArgs(['capture', 'lo', '-s', '0']).snaplen).toBe(262144);
    expect(parseArgs(['capture', 'lo', '-s', '262144']).snaplen).toBe(262144);
  });
  it('-B of 0 or past an int of bytes; --ring-buffer of 0 or past the bound', () => {
    oneLine(['capture', 'lo', '-B', '0'], /-B needs a size of at least 1/);
    oneLine(['capture', 'lo', '-B', '99999999999'], /-B: 99999999999 is too large; the most is 2097151 KiB/);
    oneLine(['capture', 'lo', '--ring-buffer', '0'], /--ring-buffer needs a size of at least 1/);
    oneLine(['capture', 'lo', '--ring-buffer', String(MAX_RING_MIB + 1)], new RegExp(`--ring-buffer: ${MAX_RING_MIB + 1} is too large; the most is ${MAX_RING_MIB} MiB`));
    oneLine(['conns', '-i', 'lo', '--ring-buffer=1e9'], /--ring-buffer needs a whole number/);
    expect(parseArgs(['capture', 'lo', '--ring-buffer', String(MAX_RING_MIB)]).ringKiB).toBe(MAX_RING_MIB * 1024);
  });
  it('counts past 2^53 and a -d past what a timer holds', () => {
    oneLine(['read', MIXED, '-c', '99999999999999999999999'], /-c: 99999999999999999999999 is too large/);
    oneLine(['read', MIXED, '--max-conns', '123456789012345678901'], /--max-conns: .* is too large/);
    oneLine(['capture', 'lo', '-d', '99999999'], /-d: 99999999 is too large; the most is 2147483 seconds/);
    expect(parseArgs(['capture', 'lo', '-d', '2147483']).duration).toBe(2147483);
  });
});
