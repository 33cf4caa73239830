/**
 * Rotated file names: netlens's strftime subset against GNU date's (C strftime)
 * in several time zones, tcpdump's zero padding (getWflagChars / MakeFilename),
 * and the checks on a -G pattern.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { finestPeriod, patternProblem, rotatedName, strftime, suffixWidth } from '../../src/source/file-name.js';

const haveDate = spawnSync('date', ['-d', '@0', '+%s'], { encoding: 'utf8' }).stdout?.trim() === '0';
if (!haveDate) console.warn('file-name.test: GNU date missing; skipping the strftime comparisons');

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

/** GNU date formats with the C library's strftime: the oracle. */
function dateStrftime(pattern: string, epochSec: number, tz: string): string {
  const r = spawnSync('date', ['-d', `@${epochSec}`, `+${pattern}`], { encoding: 'utf8', env: { ...process.env, TZ: tz, LC_ALL: 'C' } });
  return r.stdout.replace(/\n$/, '');
}

describe('strftime', () => {
  const pattern = 'cap-%Y%m%d-%H%M%S|%y %C %j %e %k %l %I %p|%a %A %b %h %B|%F %T %D %R|%s %u %w %z|%%';
  const instants = [
    0, 1_700_000_000, 1_709_210_096 /* 29 Feb 2024 */, 1_711_846_799 /* before the EU DST change */, 1_711_846_800,
    951_782_400 /* 29 Feb 2000 */, 1_735_689_599 /* 31 Dec 2024 23:59:59 UTC */, 1_704_067_200 + 12 * 3600, 4_102_444_800,
  ];
  for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
    it.skipIf(!haveDate)(`formats as C's strftime does, TZ=${tz}`, () => {
      process.env.TZ = tz;
      for (const t of instants) expect(`${t} ${strftime(pattern, t)}`).toBe(`${t} ${dateStrftime(pattern, t, tz)}`);
    });
  }

  it('leaves text without conversions alone, and a trailing % as it is', () => {
    expect(strftime('/tmp/plain.pcap', 1_700_000_000)).toBe('/tmp/plain.pcap');
    expect(strftime('a%', 0)).toBe('a%');
  });
});

describe("tcpdump's file numbers", () => {
  it('pads to the digits of -W minus one (getWflagChars)', () => {
    expect([0, 1, 2, 3, 10, 11, 100, 101, 1000].map(suffixWidth)).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 3]);
  });

  it('names -C files FILE, FILE1, FILE2 … without -W, and FILE0 … with -W (MakeFilename)', () => {
    expect([0, 1, 2, 12].map((i) => rotatedName('out.pcap', null, i, suffixWidth(0)))).toEqual(['out.pcap', 'out.pcap1', 'out.pcap2', 'out.pcap12']);
    expect([0, 1, 2].map((i) => rotatedName('out', null, i, suffixWidth(3)))).toEqual(['out0', 'out1', 'out2']);
    expect([0, 7, 10].map((i) => rotatedName('out', null, i, suffixWidth(11)))).toEqual(['out00', 'out07', 'out10']);
    expect(rotatedName('out', null, 0, suffixWidth(1))).toBe('out'); // -W 1: a ring of one file, always the same name
  });

  it('formats the time first, then appends the number; without -C no number at all', () => {
    process.env.TZ = 'UTC';
    expect(rotatedName('d-%H%M%S.pcap', 1_700_000_000, 2, suffixWidth(10))).toBe('d-221320.pcap2');
    expect(rotatedName('d-%H%M%S.pcap', 1_700_000_000, null, 0)).toBe('d-221320.pcap');
  });
});

describe('-G patterns', () => {
  it('refuses conversions netlens does not know and a lone %', () => {
    expect(patternProblem('x-%Y%m%d.pcap')).toBeNull();
    expect(patternProblem('x-%Q.pcap')).toMatch(/%Q/);
    expect(patternProblem('x-%')).toMatch(/lone %/);
    expect(patternProblem('x-%Z')).toMatch(/%Z/);
    expect(patternProblem('100%%.pcap')).toBeNull();
  });

  it('knows how often a name changes', () => {
    expect(finestPeriod('x.pcap')).toBe(Infinity);
    expect(finestPeriod('100%%.pcap')).toBe(Infinity);
    expect(finestPeriod('x-%H%M.pcap')).toBe(60);
    expect(finestPeriod('x-%F_%T.pcap')).toBe(1);
    expect(finestPeriod('x-%s')).toBe(1);
  });
});
