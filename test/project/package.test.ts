/**
 * The package as a user gets it: `npm pack` of the working tree's files (its
 * prepack builds dist/ and the binding, as in a clean clone), then the tarball installed into an empty project with npm's
 * default script policy and no TypeScript, and netlens run from there:
 * reading a fixture it ships, a BPF filter on it (the prebuilt binding and the
 * libpcap runtime), and, as root, listing interfaces. Skips with the reason
 * when npm is absent or the registry (for netlens's dependencies) can be
 * reached neither from npm's cache nor over the network.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ndjson, netlens } from '../helpers/netlens.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const npmMissing = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0;
if (npmMissing) console.warn('package.test: skipping: npm is not installed');
// npm pack builds the binding it ships (prepack, --strict): that needs libpcap's headers (libpcap-dev).
const PCAP_HEADERS = ['/usr/include/pcap/pcap.h', '/usr/include/pcap.h', '/usr/local/include/pcap.h', '/opt/homebrew/include/pcap.h'];
const headersMissing = !PCAP_HEADERS.some((h) => existsSync(h));
if (!npmMissing && headersMissing) console.warn('package.test: skipping: libpcap headers not installed (libpcap-dev): npm pack cannot build the binding it ships');

// The packed netlens has the binding its prepack builds; the repository's own, the one in native/ (if built).
const repoFilters = nativeAvailable();
if (!npmMissing && !repoFilters) {
  console.warn(`package.test: the repository's netlens has no BPF filters (${nativeUnavailableReason()}): the packed netlens's filtered output is checked without it`);
}

/** What the tarball may hold at most (it is about 0.25 MB; the repository's fixtures alone are 1.2 MB). */
const MAX_TARBALL_BYTES = 1024 * 1024;
const SHIPPED_FIXTURES = ['http-keepalive.pcap', 'mixed.pcap', 'tcp-client-close.pcap', 'tcp-half-close.pcap'];
const PREBUILD = `native/prebuilds/${process.platform}-${process.arch}/netlens_pcap.node`;

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd, encoding: 'utf8', timeout, maxBuffer: 1 << 26,
    // npm's own defaults: no user-level script policy or ignore-scripts from this environment.
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', npm_config_ignore_scripts: '', npm_config_yes: 'true' },
  });
}

/** Skips the running test, saying why on the console too. */
function skipWith(ctx: { skip: (note?: string) => never }, reason: string): never {
  console.warn(`package.test: skipping: ${reason}`);
  return ctx.skip(reason);
}

describe.skipIf(npmMissing || headersMissing)('npm pack, installed into an empty project', () => {
  let dir = '';
  let tarball = '';
  let files: string[] = [];
  let project = '';
  let installSkip = '';
  let installLog = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlE-package-'));
    // Packed from a copy of the working tree (its files, without build outputs: as a clean clone),
    // so that prepack's builds do not rewrite the dist/ and native/build/ other tests are running.
    const tree = join(dir, 'tree');
    const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
    expect(ls.status, ls.stderr).toBe(0);
    for (const f of ls.stdout.split('\0')) {
      // Regular files only: a worktree's node_modules may be an untracked symlink (.gitignore's node_modules/ matches directories).
      if (f === '' || !existsSync(join(ROOT, f)) || !lstatSync(join(ROOT, f)).isFile()) continue;
      mkdirSync(dirname(join(tree, f)), { recursive: true });
      copyFileSync(join(ROOT, f), join(tree, f));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    const pack = run('npm', ['pack', '--pack-destination', dir], tree);
    expect(pack.status, `npm pack failed:\n${pack.stderr}`).toBe(0);
    const tgz = readdirSync(dir).filter((f) => /^netlens-.*\.tgz$/.test(f));
    expect(tgz).toHaveLength(1);
    tarball = join(dir, tgz[0]);
    const list = run('tar', ['tzf', tarball], dir);
    expect(list.status).toBe(0);
    files = list.stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/')).map((l) => l.replace(/^package\//, ''));

    project = join(dir, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // Dependencies come from npm's cache when they are there (the clone's own npm install put them there).
    const inst = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
    installLog = `${inst.stdout}\n${inst.stderr}`;
    if (inst.status !== 0) {
      if (/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network|offline/i.test(installLog)) {
        installSkip = `the npm registry is unreachable and netlens's dependencies are not in npm's cache (${installLog.trim().split('\n').pop()})`;
      } else {
        throw new Error(`npm install of the tarball failed:\n${installLog}`);
      }
    }
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds what a user needs and no tests, benches or extra fixtures, in under 1 MB', () => {
    const size = statSync(tarball).size;
    console.log(`package.test: ${tarball.split('/').pop()} is ${size} bytes, ${files.length} files`);
    expect(size).toBeLessThan(MAX_TARBALL_BYTES);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/cli/main.js', 'dist/source/live.js', 'dist/index.js', 'dist/index.d.ts', 'dist/encode/records.d.ts', 'native/netlens_pcap.c', 'native/binding.gyp', 'native/cap-worker.cjs', 'scripts/build-native.mjs']) {
      expect(files, f).toContain(f);
    }
    if (process.platform === 'linux' && process.arch === 'x64') expect(files).toContain(PREBUILD);
    expect(files.filter((f) => /^(test|bench|src|\.ci)\//.test(f) || /\.test\.[jt]s$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('native/build/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('fixtures/')).sort()).toEqual(SHIPPED_FIXTURES.map((f) => `fixtures/${f}`));
  });

  it('installs without TypeScript or a build: no script of netlens fails, dist/ and the prebuilt binding come in the tarball', (ctx) => {
    if (installSkip) skipWith(ctx, installSkip);
    expect(installLog).not.toMatch(/tsc: not found/);
    const pkg = join(project, 'node_modules', 'netlens');
    expect(existsSync(join(pkg, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(pkg, 'native', 'build'))).toBe(false); // nothing was compiled at install
    if (process.platform === 'linux' && process.arch === 'x64') expect(existsSync(join(pkg, PREBUILD))).toBe(true);
  });

  it('npx netlens read prints what the repository prints, with and without a BPF filter', (ctx) => {
    if (installSkip) skipWith(ctx, installSkip);
    const fixture = join(project, 'node_modules', 'netlens', 'fixtures', 'mixed.pcap');
    const plain = run('npx', ['--no', 'netlens', 'read', fixture], project);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(netlens(['read', join(ROOT, 'fixtures', 'mixed.pcap')]).stdout);
    expect(plain.stdout.split('\n').length).toBeGreaterThan(20);
    const filtered = run('npx', ['--no', 'netlens', 'read', fixture, 'tcp port 8080 and ip6'], project);
    expect(filtered.status, filtered.stderr).toBe(0);
    if (repoFilters) expect(filtered.stdout).toBe(netlens(['read', join(ROOT, 'fixtures', 'mixed.pcap'), 'tcp port 8080 and ip6']).stdout);
    expect(filtered.stdout).not.toBe('');
    expect(filtered.stdout.split('\n').length).toBeLessThan(plain.stdout.split('\n').length);
  });

  it('a strict TypeScript consumer compiles against the declarations and gets the command line\'s records', (ctx) => {
    if (installSkip) skipWith(ctx, installSkip);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const fixture = join(project, 'node_modules', 'netlens', 'fixtures', 'tcp-client-close.pcap');
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmitOnError: true, outDir: 'out', typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
      include: ['consumer.ts'],
    }));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { netlens: `file:${tarball}` } }));
    writeFileSync(join(project, 'consumer.ts'), [
      "import { connections, readPackets, summarise, type ConnRecord, type PacketRecord } from 'netlens';",
      'const file = process.argv[2]!;',
      'const ids: number[] = [];',
      'for await (const c of connections(file)) { const r: ConnRecord = c; ids.push(r.id); }',
      'let tcp = 0;',
      "for await (const p of readPackets(file, { filter: 'tcp' })) { const r: PacketRecord = p; if (r.tcp !== undefined) tcp++; }",
      'const s = await summarise(file);',
      'console.log(JSON.stringify({ ids, tcp, handshake: s.handshake, teardown: s.teardown }));',
    ].join('\n'));
    const built = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(built.status, `${built.stdout}${built.stderr}`).toBe(0);
    const r = run(process.execPath, [join(project, 'out', 'consumer.js'), fixture], project);
    expect(r.status, r.stderr).toBe(0);
    const conns = netlens(['conns', '--json', join(ROOT, 'fixtures', 'tcp-client-close.pcap')]).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number });
    const tcpLines = repoFilters
      ? netlens(['read', '--json', join(ROOT, 'fixtures', 'tcp-client-close.pcap'), 'tcp']).stdout.trim().split('\n').length
      : ndjson(netlens(['read', '--json', join(ROOT, 'fixtures', 'tcp-client-close.pcap')]).stdout).filter((p) => p.tcp !== undefined).length;
    expect(JSON.parse(r.stdout)).toEqual({ ids: conns.map((c) => c.id), tcp: tcpLines, handshake: 'complete', teardown: 'fin' });
    // The types are real: a consumer that takes a number for a string does not compile.
    writeFileSync(join(project, 'consumer.ts'), "import { connections } from 'netlens';\nfor await (const c of connections('x.pcap')) { const s: string = c.id; console.log(s); }\n");
    const wrong = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it('npx netlens interfaces lists the capture devices (root, with the libpcap runtime)', (ctx) => {
    if (installSkip) skipWith(ctx, installSkip);
    if (process.getuid?.() !== 0) skipWith(ctx, 'listing capture devices needs root');
    if (!(process.platform === 'linux' && process.arch === 'x64')) skipWith(ctx, `no prebuilt binding for ${process.platform}-${process.arch}`);
    const probe = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(join(project, 'node_modules', 'netlens', PREBUILD))}).libpcapName))`], { encoding: 'utf8' });
    if (probe.stdout === 'null') skipWith(ctx, 'the libpcap runtime library is not installed');
    const r = run('npx', ['--no', 'netlens', 'interfaces'], project);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.lo \[.*Loopback.*\]/m);
  });
});
