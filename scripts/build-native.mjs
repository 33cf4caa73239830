// Builds netlens's libpcap binding in native/ with node-gyp. A machine without
// libpcap headers or a compiler still installs: offline analysis needs no
// native code, and live capture then says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, 'native');
if (!existsSync(join(nativeDir, 'binding.gyp'))) process.exit(0);
if (!existsSync('/usr/include/pcap/pcap.h') && !existsSync('/usr/include/pcap.h') && !existsSync('/usr/local/include/pcap.h')) {
  console.warn('netlens: libpcap headers not found; live capture disabled (install libpcap-dev, then npm run build)');
  process.exit(0);
}
const gyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = existsSync(gyp) ? [gyp, 'rebuild'] : null;
const r = args
  ? spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' })
  : spawnSync('npx', ['--yes', 'node-gyp', 'rebuild'], { cwd: nativeDir, stdio: 'inherit' });
if (r.status !== 0) console.warn('netlens: native libpcap binding failed to build; live capture disabled (offline analysis works)');
