/**
 * tcpdump's and tshark's command-line habits (issue 16): bundled short
 * options as getopt bundles them, netlens -r FILE as read, per-command help
 * listing exactly that command's options, inapplicable options refused with
 * the command's synopsis, "did you mean" for a mistyped command, -V.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandUsage, parseArgs } from '../../src/cli/args.js';
import { FIXTURES, ROOT, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

if (!nativeAvailable()) console.warn(`habits.test: skipping the filter test: ${nativeUnavailableReason()}`);

const F = join(FIXTURES, 'tcp-client-close.pcap');

describe('bundled short options, as tcpdump parses them', () => {
  it('split into the same options as written apart', () => {
    const same = (a: string[], b: string[]) => expect(parseArgs(a)).toEqual(parseArgs(b));
    same(['read', '-nnr', F], ['read', '-n', '-n', '-r', F]);
    same(['read', F, '-c1'], ['read', F, '-c', '1']);
    same(['read', F, '-vX'], ['read', F, '-v', '-X']);
    same(['read', F, '-ntt'], ['read', F, '--time', 'epoch']);
    same(['read', F, '-vvv'], ['read', F, '-v', '-v', '-v']);
    same(['read', F, '-vg'], ['read', F, '-v', '-g']);
    same(['read', '-rF', F], ['read', '-r', 'F', F]);
  });
  it('count repeated letters as tcpdump does', () => {
    expect(parseArgs(['read', F, '-XX'])).toMatchObject({ dump: 'hex-ascii', dumpLink: true });
    expect(parseArgs(['read', F, '-xX'])).toMatchObject({ dump: 'hex-ascii', dumpLink: false });
    expect(parseArgs(['read', F, '-A', '-x'])).toMatchObject({ dump: 'hex' });
    expect(parseArgs(['read', F, '-tttt']).time).toBe('tttt');
    expect(parseArgs(['read', F, '-vvvv']).verbose).toBe(3);
  });
  it('a letter that takes a value and has none is an error', () => {
    expect(() => parseArgs(['read', F, '-nc'])).toThrow(/-c needs a value/);
    expect(() => parseArgs(['read', F, '-nk'])).toThrow(/unknown option -k \(in -nk\)/);
  });
  it('print what the spelled-out options print', () => {
    const bundled = netlens(['read', '-nnr', F, '-c3', '-vX']);
    const apart = netlens(['read', F, '-c', '3', '-v', '-X']);
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled.stdout).toBe(apart.stdout);
    expect(bundled.stdout.split('\n').filter((l) => /^\d\d:/.test(l))).toHaveLength(3);
  });
});

describe('netlens -r FILE is read, as tcpdump -r', () => {
  it('without a command', () => {
    const r = netlens(['-nnr', F]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(netlens(['read', F]).stdout);
  });
  it.skipIf(!nativeAvailable())(`with a filter after it${nativeAvailable() ? '' : ` (skipped: ${nativeUnavailableReason()})`}`, () => {
    const r = netlens(['-nr', F, 'arp']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(2);
    expect(lines.every((l) => l.includes(' ARP, '))).toBe(true);
  });
});

describe('per-command help', () => {
  it('lists exactly the options that apply', () => {
    const read = netlens(['read', '--help']);
    expect(read.status).toBe(0);
    expect(read.stdout).toBe(`${commandUsage('read')}\n`);
    expect(read.stdout).toMatch(/^usage: netlens read /);
    expect(read.stdout).toContain('  -x ');
    expect(read.stdout).not.toContain('--svg');
    const ladder = netlens(['ladder', '--help']).stdout;
    expect(ladder).toContain('--svg FILE');
    expect(ladder).not.toContain('--json');
    const conns = netlens(['conns', '-h']).stdout;
    expect(conns).toContain('--json');
    expect(conns).not.toMatch(/^\s+-x /m);
    expect(conns).toMatch(/-d SECONDS\s+.*\(with -i\)/);
  });
  it('the top-level help names every command', () => {
    const top = netlens(['--help']).stdout;
    for (const c of ['read', 'capture', 'conns', 'arp', 'ladder', 'follow', 'http', 'interfaces']) expect(top).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });
  it('no command: the usage on stderr, status 2', () => {
    const r = netlens([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^usage: netlens <command>/);
  });
});

describe('options that do not apply are errors, with the synopsis on stderr', () => {
  for (const argv of [['ladder', F, '1', '--json'], ['conns', '--ascii', F], ['read', '--full', F], ['follow', F, '1', '-x'], ['http', F, '--top']]) {
    it(argv.join(' ').replace(F, 'F'), () => {
      const r = netlens(argv);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^netlens: \\S+ does not apply to ${argv[0]}$`));
      expect(lines[1]).toMatch(new RegExp(`^usage: netlens ${argv[0]} `));
    });
  }
  it('a live-only option without -i', () => {
    const r = netlens(['conns', F, '-d', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^netlens: -d applies to a live source: conns -i IFACE\n/);
  });
});

describe('mistyped commands and options', () => {
  it('did you mean', () => {
    expect(netlens(['conn', F]).stderr).toMatch(/^netlens: unknown command "conn" \(did you mean conns\?\)/);
    expect(netlens(['raed', F]).stderr).toMatch(/did you mean read\?/);
    expect(netlens(['read', F, '--jsno']).stderr).toMatch(/^netlens: unknown option --jsno \(did you mean --json\?\)/);
    expect(netlens(['zzzzzz', F]).stderr).toMatch(/^netlens: unknown command "zzzzzz"\n/);
  });
});

describe('-V, --version', () => {
  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['-V', '--version']) {
      const r = netlens([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`netlens ${version}\n`);
    }
  });
});

describe('one output format', () => {
  it('--json and another --format are refused whichever comes first', () => {
    for (const args of [['--format', 'zeek', '--json'], ['--json', '--format', 'zeek'], ['--format', 'text', '--json'], ['--json', '--format', 'parquet', '-w', '/tmp/netlens-x.parquet']]) {
      expect(() => parseArgs(['conns', join(FIXTURES, 'dns.pcap'), ...args]), args.join(' ')).toThrow(/ask for two formats/);
    }
    expect(parseArgs(['conns', join(FIXTURES, 'dns.pcap'), '--format', 'json', '--json']).json).toBe(true);
  });
});
