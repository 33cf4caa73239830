// Builds netlens's libpcap binding (native/) with node-gyp, then copies it to
// native/prebuilds/<platform>-<arch>/netlens_pcap.node, the copy `npm pack`
// ships (N-API is ABI-stable: one binary serves every Node version >= 20).
// The binding dlopen()s libpcap at run time, so building needs libpcap's
// headers (libpcap-dev) but running needs only the runtime library.
//
//   node scripts/build-native.mjs            (npm install, npm run build:native) a
//                                            machine without headers or a compiler
//                                            still installs: it warns and exits 0
//   node scripts/build-native.mjs --strict   (prepack) any failure fails, so no
//                                            package is packed without its binding
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, 'native');
const target = `${process.platform}-${process.arch}`;
const built = join(nativeDir, 'build', 'Release', 'netlens_pcap.node');
const prebuilt = join(nativeDir, 'prebuilds', target, 'netlens_pcap.node');

function giveUp(why) {
  if (strict) {
    console.error(`netlens: ${why}`);
    process.exit(1);
  }
  const fallback = existsSync(prebuilt)
    ? `the prebuilt binding for ${target} is used instead`
    : 'live capture and BPF filters disabled (offline analysis works)';
  console.warn(`netlens: ${why}; ${fallback}`);
  process.exit(0);
}

if (!existsSync(join(nativeDir, 'binding.gyp'))) process.exit(0);
const headers = ['/usr/include/pcap/pcap.h', '/usr/include/pcap.h', '/usr/local/include/pcap.h', '/opt/homebrew/include/pcap.h'];
if (!headers.some((h) => existsSync(h))) {
  giveUp('libpcap headers not found, the binding cannot be built (apt-get install libpcap-dev, or dnf install libpcap-devel, then npm run build:native)');
}

// node-gyp: npm's bundled copy (next to this node), else whatever npx finds.
const gyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
// Configured already, with this binding.gyp: make rebuilds what changed (nothing, often), and the
// binding stays in place meanwhile; otherwise configure and build from scratch.
const makefile = join(nativeDir, 'build', 'Makefile');
const configured = existsSync(makefile) && statSync(makefile).mtimeMs >= statSync(join(nativeDir, 'binding.gyp')).mtimeMs;
const args = [configured ? 'build' : 'rebuild'];
// Node's headers: npm passes its nodedir setting; run directly, use the headers installed with this
// node (distribution packages and the official tarballs put them in <prefix>/include/node) rather
// than downloading them.
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = existsSync(gyp)
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: nativeDir, stdio: 'inherit' })
  : spawnSync('npx', ['--yes', 'node-gyp', ...args], { cwd: nativeDir, stdio: 'inherit' });
if (r.status !== 0 || !existsSync(built)) giveUp('the native libpcap binding failed to build');

mkdirSync(dirname(prebuilt), { recursive: true });
copyFileSync(built, prebuilt);
console.log(`netlens: built ${relative(root, built)}, copied to ${relative(root, prebuilt)}`);
