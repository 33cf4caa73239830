#!/usr/bin/env node
// Mutation fuzzing of whole capture files through the CLI: takes the fixtures
// (and ../shared/corpus when it is there), flips, overwrites or saturates
// 1–20 bytes after the file header, and runs every view on the result. A run
// that ends in an internal error (exit 70), a signal, a timeout or a stack
// trace is reported and its input kept in /tmp. Exit status 1 when any was.
//   node scripts/fuzz-captures.mjs [SEED=1] [CASES=100]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli', 'main.js');
const dirs = [join(root, 'fixtures'), join(root, '..', 'shared', 'corpus', 'pcap')].filter((d) => existsSync(d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(d, f)));
let seed = Number(process.argv[2] ?? 1);
const cases = Number(process.argv[3] ?? 100);
const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };

const views = [
  ['read'], ['read', '--json'], ['read', '-X', '-e', '-#'], ['read', '-A', '-q', '-S', '-ttt'], ['read', '-vvv'], ['read', '-v', '-e', '-q'],
  ['conns', '--json'], ['conns'], ['http', '--json'], ['arp'], ['ladder', '--ascii', '1'], ['follow', '1'],
];
let bad = 0;
for (let i = 0; i < cases; i++) {
  const source = files[Math.floor(random() * files.length)];
  const bytes = Buffer.from(readFileSync(source));
  const start = source.endsWith('ng') ? 0 : 24;
  for (let k = 1 + Math.floor(random() * 20); k > 0 && bytes.length > start; k--) {
    const at = start + Math.floor(random() * (bytes.length - start));
    const r = random();
    if (r < 0.6) bytes[at] ^= 1 << Math.floor(random() * 8); else if (r < 0.9) bytes[at] = Math.floor(random() * 256); else bytes[at] = 0xff;
  }
  const input = `/tmp/netlens-fuzz-${process.pid}.pcap`;
  writeFileSync(input, bytes);
  for (const view of views) {
    const r = spawnSync(process.execPath, [cli, ...view, input], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000 });
    const err = r.stderr ?? '';
    if (r.status === 70 || r.status === null || /internal error|TypeError|RangeError|\n\s+at /.test(err)) {
      bad++;
      const kept = `/tmp/netlens-fuzz-bad-${seed}-${i}.pcap`;
      writeFileSync(kept, bytes);
      console.log(`${source.split('/').pop()}: ${view.join(' ')}: status ${r.status}: ${err.split('\n')[0]} (input kept in ${kept})`);
    }
  }
}
console.log(`${cases} mutated captures × ${views.length} views: ${bad} failures`);
process.exitCode = bad > 0 ? 1 : 0;
