#!/usr/bin/env node
// node bench/compare.mjs OTHER_CHECKOUT [CAPTURE]: this build against another
// build of netlens (a checkout with its own dist/, e.g. `git worktree add
// /tmp/before <commit> && (cd /tmp/before && npm run build)`) on the same
// capture, in the same run: alternating rounds, median wall time and peak RSS
// of read, read --json, conns --json and http --json, and tcpdump (TZ=UTC and
// TZ unset) as the anchor. The ratio is this build's time over the other's.
//
//   BENCH_ROUNDS=N   rounds (default 5)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const other = process.argv[2];
if (other === undefined) { console.error('usage: node bench/compare.mjs OTHER_CHECKOUT [CAPTURE]'); process.exit(2); }
const otherCli = join(resolve(other), 'dist', 'cli', 'main.js');
if (!existsSync(otherCli)) { console.error(`bench/compare: no ${otherCli} (build that checkout first)`); process.exit(2); }
const pcap = process.argv[3] ?? process.env.BENCH_PCAP ?? join(root, 'bench', 'out', 'traffic.pcap');
if (!existsSync(pcap)) { console.error(`bench/compare: no capture at ${pcap} (npm run bench records one)`); process.exit(2); }
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const node = process.execPath;
const cli = join(root, 'dist', 'cli', 'main.js');
const commands = [['read'], ['read', '--json'], ['conns', '--json'], ['http', '--json']];

function run(cmd, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const [sec, kib] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(sec)) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(0, 300)}`);
  return { sec, kib };
}
const noTz = { ...process.env }; delete noTz.TZ;
const cases = [
  ...commands.flatMap((c) => [
    { key: `this ${c.join(' ')}`, cmd: [node, cli, ...c, pcap] },
    { key: `other ${c.join(' ')}`, cmd: [node, otherCli, ...c, pcap] },
  ]),
  { key: 'tcpdump TZ=UTC', cmd: ['tcpdump', '-nn', '-r', pcap], env: { ...process.env, TZ: 'UTC' } },
  { key: 'tcpdump TZ unset', cmd: ['tcpdump', '-nn', '-r', pcap], env: noTz },
];
const res = new Map(cases.map((c) => [c.key, []]));
for (let i = 0; i < rounds; i++) for (const c of cases) res.get(c.key).push(run(c.cmd, c.env));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const sec = (k) => median(res.get(k).map((r) => r.sec));
const mb = (k) => Math.max(...res.get(k).map((r) => r.kib)) / 1024;
console.log(`${pcap}, ${rounds} alternating rounds, median wall s (peak RSS MB); this = ${root}, other = ${resolve(other)}`);
console.log('');
console.log('| command | this s | other s | this / other | this MB | other MB |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const c of commands) {
  const n = c.join(' ');
  console.log(`| \`netlens ${n}\` | ${sec(`this ${n}`).toFixed(2)} | ${sec(`other ${n}`).toFixed(2)} | ${(sec(`this ${n}`) / sec(`other ${n}`)).toFixed(2)} | ${mb(`this ${n}`).toFixed(0)} | ${mb(`other ${n}`).toFixed(0)} |`);
}
console.log('');
console.log(`tcpdump -nn -r: ${sec('tcpdump TZ=UTC').toFixed(2)} s with TZ=UTC, ${sec('tcpdump TZ unset').toFixed(2)} s with TZ unset.`);
