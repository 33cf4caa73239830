/**
 * Without libpcap. The binding dlopen()s libpcap at run time (no DT_NEEDED),
 * so on a machine without the libpcap runtime it still loads: offline analysis
 * works, and live capture, interface listing and BPF filters each fail with
 * one line naming the package to install.
 *
 * The machine without libpcap is made for real: netlens runs in a private
 * mount namespace (unshare -m) where an overlay with whiteouts removes every
 * libpcap.so* from the library directories (or, where overlayfs is refused, an
 * empty file is bind-mounted over them). That needs root; without it those
 * tests skip with the reason. NETLENS_NO_NATIVE=1 stands in for a platform
 * with no binding at all (none built, no prebuild).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, ROOT, netlens, type RunResult } from '../helpers/netlens.js';

const BINDINGS = [
  join(ROOT, 'native', 'build', 'Release', 'netlens_pcap.node'),
  join(ROOT, 'native', 'prebuilds', `${process.platform}-${process.arch}`, 'netlens_pcap.node'),
].filter((p) => existsSync(p));

/** Every directory holding a libpcap.so* (from the loader's cache and the usual places), resolved. */
function libpcapDirs(): string[] {
  const dirs = new Set<string>();
  const ld = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  for (const m of (ld.stdout ?? '').matchAll(/=> (\S*libpcap\.so\S*)/g)) dirs.add(dirname(m[1]));
  for (const d of ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib']) dirs.add(d);
  const out = new Set<string>();
  for (const d of dirs) {
    try {
      const real = realpathSync(d);
      if (readdirSync(real).some((f) => f.startsWith('libpcap.so'))) out.add(real);
    } catch {
      /* absent */
    }
  }
  return [...out];
}

function whyNot(): string {
  if (process.platform !== 'linux') return 'hiding libpcap uses Linux mount namespaces';
  if (process.getuid?.() !== 0) return 'hiding libpcap needs root (unshare -m and mount)';
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'unshare -m is not permitted here';
  if (BINDINGS.length === 0) return 'no binding built (npm run build:native)';
  if (libpcapDirs().length === 0) return 'libpcap is not installed here anyway';
  return '';
}
const skipHidden = whyNot();
if (skipHidden) console.warn(`no-libpcap.test: skipping the tests without libpcap: ${skipHidden}`);

const work = mkdtempSync(join(tmpdir(), 'nlE-nolibpcap-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A shell script that, inside the new mount namespace, removes libpcap from
 * every library directory: an overlay whose upper layer holds a whiteout (a
 * 0/0 character device) per libpcap.so* file; if the kernel refuses overlayfs
 * here, an empty file bind-mounted over each of them.
 */
function hideScript(): string {
  const lines: string[] = ['set -e'];
  const empty = join(work, 'empty');
  writeFileSync(empty, '');
  libpcapDirs().forEach((dir, i) => {
    const upper = join(work, `upper${i}`);
    const wk = join(work, `work${i}`);
    mkdirSync(upper, { recursive: true });
    mkdirSync(wk, { recursive: true });
    const files = readdirSync(dir).filter((f) => f.startsWith('libpcap.so'));
    for (const f of files) {
      const r = spawnSync('mknod', [join(upper, f), 'c', '0', '0']);
      if (r.status !== 0 && !existsSync(join(upper, f))) throw new Error(`mknod failed: ${r.stderr}`);
    }
    const binds = files.map((f) => `mount --bind ${empty} ${realpathSync(join(dir, f))}`).join(' && ');
    lines.push(`mount -t overlay overlay -o lowerdir=${dir},upperdir=${upper},workdir=${wk} ${dir} 2>/dev/null || { ${binds}; }`);
  });
  lines.push(`cd ${ROOT}`, 'exec "$@"');
  return lines.join('\n');
}

let script = '';
/** Runs a command where libpcap is not installed. */
function hidden(cmd: string[]): RunResult {
  if (!script) script = hideScript();
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', ...cmd], {
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const hiddenNetlens = (args: string[]) => hidden([process.execPath, CLI, ...args]);

/** The one line a missing libpcap gets: what needs it, and the runtime package of each distribution. */
function expectInstallLine(r: RunResult, what: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toContain('apt-get install libpcap0.8 (Debian, Ubuntu)');
  expect(lines[0]).toContain('dnf install libpcap (Fedora)');
  expect(lines[0]).toMatch(/libpcap\.so[.0-9]*: cannot open shared object file|file too short/);
}

describe('the binding does not link libpcap', () => {
  const noReadelf = BINDINGS.length === 0 ? 'no binding built (npm run build:native)'
    : spawnSync('sh', ['-c', 'command -v readelf']).status !== 0 ? 'readelf is not installed (binutils)' : '';
  if (noReadelf) console.warn(`no-libpcap.test: skipping the DT_NEEDED check: ${noReadelf}`);
  it.skipIf(noReadelf !== '')('no DT_NEEDED on libpcap in the built binding or the prebuild', () => {
    for (const b of BINDINGS) {
      const r = spawnSync('readelf', ['-d', b], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const needed = [...r.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
      expect(needed, b).toContain('libc.so.6');
      expect(needed.filter((n) => n.includes('pcap')), b).toEqual([]);
    }
  });
});

describe.skipIf(!!skipHidden)('a machine without libpcap (hidden in a mount namespace)', () => {
  it('libpcap really is gone there, and the binding still loads and says why', () => {
    const r = hidden([process.execPath, '-e', `for (const p of ${JSON.stringify(BINDINGS)}) { const b = require(p); console.log(JSON.stringify([b.libpcapError, b.libpcapName])); }`]);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as [string | null, string | null]);
    expect(rows).toHaveLength(BINDINGS.length);
    for (const [err, name] of rows) {
      expect(err).toMatch(/libpcap\.so/);
      expect(name).toBeNull();
    }
    // And outside the namespace it is there.
    const outside = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(BINDINGS[0])}).libpcapName)`], { encoding: 'utf8' });
    expect(outside.stdout.trim()).toMatch(/^libpcap\.(so|dylib)/);
  });

  it('reads, tracks and prints captures as usual', () => {
    const f = join(FIXTURES, 'mixed.pcap');
    const withLib = netlens(['read', f]);
    const without = hiddenNetlens(['read', f]);
    expect(without.status, without.stderr).toBe(0);
    expect(without.stderr).toBe('');
    expect(without.stdout).toBe(withLib.stdout);
    const conns = hiddenNetlens(['conns', '--json', f]);
    expect(conns.status, conns.stderr).toBe(0);
    expect(conns.stdout).toBe(netlens(['conns', '--json', f]).stdout);
  });

  it('live capture says in one line which package to install', () => {
    expectInstallLine(hiddenNetlens(['capture', 'lo', '-c', '1']), /^netlens: live capture needs libpcap, which could not be loaded/);
    expectInstallLine(hiddenNetlens(['conns', '-i', 'lo', '-c', '1']), /^netlens: live capture needs libpcap/);
  });

  it('listing interfaces says it in one line', () => {
    expectInstallLine(hiddenNetlens(['interfaces']), /^netlens: listing interfaces needs libpcap/);
  });

  it('a BPF filter on a file says it in one line', () => {
    expectInstallLine(hiddenNetlens(['read', join(FIXTURES, 'mixed.pcap'), 'tcp']), /^netlens: BPF filters need libpcap/);
  });

  it('the cap backend too: one line, whether or not the cap package is installed', () => {
    const r = hiddenNetlens(['capture', 'lo', '--backend', 'cap', '-c', '1']);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^netlens: live capture (needs libpcap, which could not be loaded .*apt-get install libpcap0\.8|with --backend cap needs the optional npm package "cap")/);
  });
});

describe('no binding for this platform (NETLENS_NO_NATIVE=1)', () => {
  const env = { NETLENS_NO_NATIVE: '1' };
  it('reads, tracks and prints captures as usual', () => {
    const withBinding = netlens(['read', join(FIXTURES, 'mixed.pcap')]);
    const without = netlens(['read', join(FIXTURES, 'mixed.pcap')], undefined, env);
    expect(without.status).toBe(0);
    expect(without.stdout).toBe(withBinding.stdout);
    expect(netlens(['conns', '--json', join(FIXTURES, 'mixed.pcap')], undefined, env).status).toBe(0);
  });
  it('live capture says in one line how to build the binding', () => {
    const r = netlens(['capture', 'lo', '-c', '1'], undefined, env);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('live capture needs libpcap: apt-get install libpcap-dev && npm run build:native');
  });
  it('a BPF filter on a file says in one line what to install', () => {
    const r = netlens(['read', join(FIXTURES, 'mixed.pcap'), 'tcp'], undefined, env);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('BPF filters need libpcap: apt-get install libpcap-dev && npm run build:native');
  });
});
