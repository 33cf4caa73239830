#!/usr/bin/env node
// npm run bench: netlens against tcpdump, tshark and tcptrace on the same real
// capture, in the same run, alternating, several rounds; medians and ratios are
// printed and written into docs/benchmarks.md between the bench markers.
//
//   BENCH_PCAP=path   capture to use (default bench/out/traffic.pcap, recorded
//                     with ../shared/bench/make-traffic.sh when missing; needs root)
//   BENCH_ROUNDS=N    rounds (default 5)
//   BENCH_RATE_REPEATS=N  runs of each live-capture rate (default 3)
//   BENCH_BIG_GB=N    gigabytes streamed through stdin for the flat-memory check (default 2)
//   BENCH_BOUNDS=0    skip the bounds table (bench/bounds.mjs, written into docs/bounds.md), run last
//   --bounds          run only the bounds table
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// --bounds: only the bounds table (bench/bounds.mjs: every view on generated worst cases, peak RSS beside the goal).
if (process.argv.includes('--bounds')) {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'bounds.mjs')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const cli = join(root, 'dist', 'cli', 'main.js');
const pcap = process.env.BENCH_PCAP ?? join(root, 'bench', 'out', 'traffic.pcap');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

if (!existsSync(pcap)) {
  const maker = join(root, '..', 'shared', 'bench', 'make-traffic.sh');
  if (!existsSync(maker)) { console.error(`bench: no capture at ${pcap} and no ${maker} to record one`); process.exit(1); }
  mkdirSync(dirname(pcap), { recursive: true });
  console.log(`recording ${pcap} with make-traffic.sh …`);
  const r = spawnSync('bash', [maker, pcap], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const have = (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const packets = Number(spawnSync('sh', ['-c', `tcpdump -r '${pcap}' 2>/dev/null | wc -l`], { encoding: 'utf8' }).stdout.trim());

const node = process.execPath;
const noTz = { ...process.env }; delete noTz.TZ;
const cases = [
  { name: 'netlens read', cmd: [node, cli, 'read', pcap], group: 'read' },
  { name: 'netlens read --json', cmd: [node, cli, 'read', '--json', pcap], group: 'read' },
  // With TZ unset glibc stats /etc/localtime for every packet tcpdump prints; TZ=UTC is its honest speed (and the anchor).
  { name: 'TZ=UTC tcpdump -nn -r', cmd: ['tcpdump', '-nn', '-r', pcap], env: { ...process.env, TZ: 'UTC' }, group: 'read', base: true, tool: 'tcpdump' },
  { name: 'tcpdump -nn -r (TZ unset)', cmd: ['tcpdump', '-nn', '-r', pcap], env: noTz, group: 'read', tool: 'tcpdump' },
  { name: 'tshark -r', cmd: ['tshark', '-n', '-r', pcap], group: 'read', tool: 'tshark' },
  { name: 'netlens http --json', cmd: [node, cli, 'http', '--json', pcap], group: 'http' },
  { name: 'tshark -q -z http,tree', cmd: ['tshark', '-n', '-q', '-z', 'http,tree', '-r', pcap], group: 'http', base: true, tool: 'tshark' },
  { name: 'netlens reader, iterate only', cmd: [node, join(root, 'bench', 'iterate.mjs'), 'netlens', pcap], group: 'reader' },
  { name: 'pcap-parser, iterate only', cmd: [node, join(root, 'bench', 'iterate.mjs'), 'pcap-parser', pcap], group: 'reader', base: true },
  { name: 'netlens conns --json', cmd: [node, cli, 'conns', '--json', pcap], group: 'conns' },
  { name: 'tcptrace -n', cmd: ['tcptrace', '-n', pcap], group: 'conns', base: true, tool: 'tcptrace' },
  { name: 'tshark -q -z conv,tcp', cmd: ['tshark', '-n', '-q', '-z', 'conv,tcp', '-r', pcap], group: 'conns', tool: 'tshark' },
  { name: 'floor: node reads the file and looks up the flow of each packet, no TCP state (bench/floor.mjs)', cmd: [node, join(root, 'bench', 'floor.mjs'), pcap], group: 'conns' },
].filter((c) => !c.tool || have(c.tool));

/** One run under GNU time: wall seconds and peak RSS (KiB). Output goes to /dev/null. */
function run(cmd, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [sec, kib] = last.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(sec)) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(0, 300)}`);
  return { sec, kib };
}

// The conversation table's worst case: a million SYNs from distinct sources, never answered.
const flood = join(dirname(pcap), 'synflood.pcap');
if (!existsSync(flood)) spawnSync(node, [join(root, 'bench', 'syn-flood.mjs'), flood, '1000000'], { stdio: 'inherit' });
cases.push({ name: 'netlens conns --json (1M-SYN flood)', cmd: [node, cli, 'conns', '--json', flood], group: 'flood' });

const results = new Map(cases.map((c) => [c.name, []]));
for (let i = 0; i < rounds; i++) {
  for (const c of cases) results.get(c.name).push(run(c.cmd, c.env)); // alternating: every tool once per round
  process.stdout.write(`round ${i + 1}/${rounds} done\n`);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const rows = [];
for (const group of ['read', 'conns', 'http', 'reader', 'flood']) {
  const base = cases.find((c) => c.group === group && c.base);
  const baseSec = base ? median(results.get(base.name).map((r) => r.sec)) : NaN;
  for (const c of cases.filter((x) => x.group === group)) {
    const sec = median(results.get(c.name).map((r) => r.sec));
    const mb = results.get(c.name).reduce((m, r) => Math.max(m, r.kib), 0) / 1024;
    rows.push({ group, name: c.name, sec, mb, ratio: base ? sec / baseSec : NaN, base: base?.name });
  }
}

// The flood's output: every SYN reported once, as unanswered / S0.
const floodOut = spawnSync(node, [cli, 'conns', '--json', flood], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.split('\n').filter(Boolean);
const floodOk = floodOut.length === 1_000_000 && floodOut.every((l) => l.includes('"handshake":"unanswered"') && l.includes('"connState":"S0"'));
const size = (statSync(pcap).size / 1e6).toFixed(0);
const lines = [
  `Capture: ${packets} packets, ${size} MB (make-traffic.sh: nginx and ab across a veth pair). ${rounds} alternating rounds, output to /dev/null, median wall time, peak RSS (max over rounds). Node ${process.version}.`,
  '',
  '| command | median s | ratio | peak RSS MB |',
  '|---|---:|---:|---:|',
  ...rows.map((r) => `| \`${r.name}\` | ${r.sec.toFixed(2)} | ${Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)} × ${r.base}` : '–'} | ${r.mb.toFixed(0)} |`),
  '',
  `SYN flood (bench/syn-flood.mjs, 1,000,000 SYNs from distinct sources): ${floodOut.length} records, ${floodOk ? 'every one unanswered / S0' : 'NOT all unanswered / S0'}.`,
];

// The issues' goals, from the figures above.
const row = (name) => rows.find((r) => r.name === name);
const secOf = (name) => row(name)?.sec ?? NaN, mbOf = (name) => row(name)?.mb ?? NaN;
const goals = [
  ['`read` time / `TZ=UTC tcpdump -nn -r`', secOf('netlens read') / secOf('TZ=UTC tcpdump -nn -r'), '≤ 0.50', (x) => x <= 0.5],
  ['`read` time / `tcpdump -nn -r` with TZ unset', secOf('netlens read') / secOf('tcpdump -nn -r (TZ unset)'), '–', () => true],
  ['`read` peak RSS, MB', mbOf('netlens read'), '< 150', (x) => x < 150],
  ['`conns --json` time / `tcptrace -n`', secOf('netlens conns --json') / secOf('tcptrace -n'), '≤ 0.70', (x) => x <= 0.7],
  ['`tshark -z conv,tcp` time / `conns --json`', secOf('tshark -q -z conv,tcp') / secOf('netlens conns --json'), '≥ 5', (x) => x >= 5],
  ['1M-SYN flood peak RSS, MB', mbOf('netlens conns --json (1M-SYN flood)'), '< 300', (x) => x < 300],
  ['`tshark -z http,tree` time / `http --json`', secOf('tshark -q -z http,tree') / secOf('netlens http --json'), '≥ 5', (x) => x >= 5],
  ['`http --json` time / `conns --json`', secOf('netlens http --json') / secOf('netlens conns --json'), '≤ 1.50', (x) => x <= 1.5],
];
// Flat memory whatever the file size: the capture repeated into a pipe (bench/big-stream.mjs), once per command.
const bigGb = Number(process.env.BENCH_BIG_GB ?? 2);
const big = ['read', 'read --json', 'conns --json', 'http --json'].map((command) => {
  const r = spawnSync('bash', ['-c', `set -o pipefail; '${node}' '${join(root, 'bench', 'big-stream.mjs')}' '${pcap}' ${bigGb} | /usr/bin/time -f '%e %M' '${node}' '${cli}' ${command} - >/dev/null`], { encoding: 'utf8' });
  const [sec, kib] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(sec)) throw new Error(`big-stream ${command} failed: ${r.stderr.slice(0, 300)}`);
  return { command, sec, mb: kib / 1024 };
});
lines.push('', `Streaming ${bigGb} GB through stdin (\`node bench/big-stream.mjs CAPTURE ${bigGb} | netlens COMMAND -\`: the capture above repeated, each copy an hour after the last), against the ${size} MB file alone:`, '',
  '| command | s | MB/s | peak RSS MB | peak RSS MB on the file alone |', '|---|---:|---:|---:|---:|',
  ...big.map((b) => `| \`netlens ${b.command} -\` | ${b.sec.toFixed(1)} | ${(bigGb * 1000 / b.sec).toFixed(0)} | ${b.mb.toFixed(0)} | ${(row(`netlens ${b.command}`)?.mb ?? NaN).toFixed(0)} |`));
goals.splice(2, 0, [`\`read\` peak RSS streaming ${bigGb} GB, MB`, big[0].mb, '< 150', (x) => x < 150]);
lines.push('', 'Goals (from the issues), from the figures above:', '', '| measure | value | goal | met |', '|---|---:|---:|---|',
  ...goals.filter(([, v]) => Number.isFinite(v)).map(([m, v, g, ok]) => `| ${m} | ${v.toFixed(2)} | ${g} | ${ok(v) ? 'yes' : 'no'} |`));
// What the conns goal leaves once Node has started, read the file and looked up each packet's flow.
const floorRatio = secOf(cases.find((c) => c.name.startsWith('floor'))?.name ?? '') / secOf('tcptrace -n');
if (Number.isFinite(floorRatio)) {
  const left = 0.7 - floorRatio, leftMs = left * secOf('tcptrace -n') * 1000;
  lines.push('', `The floor row alone takes ${floorRatio.toFixed(2)} × \`tcptrace -n\`'s time; the \`conns\` goal of 0.7 × leaves ${left.toFixed(2)} × (${leftMs.toFixed(0)} ms, ${(leftMs * 1e6 / packets).toFixed(0)} ns a packet) for all of the tracking, analysis and output.`);
}
// JIT warm-up: the same decode + track work several times in one process.
const passes = spawnSync(node, [join(root, 'bench', 'passes.mjs'), pcap, '5'], { encoding: 'utf8' }).stdout.trim().split('\n');
lines.push('', 'Decode and track the same capture five times in one process (`bench/passes.mjs`): the first pass is what a run pays, the later ones run on code V8 has already optimized:', '', ...passes.map((l) => `- ${l}`));
// Live capture at fixed rates (tcpreplay onto a veth), beside tcpdump.
const rateRepeats = process.env.BENCH_RATE_REPEATS ?? '3';
const rates = spawnSync(node, [join(root, 'bench', 'capture-rates.mjs'), pcap, process.env.BENCH_RATE_COUNT ?? '100000', '10000,50000,100000,200000,500000', rateRepeats], { encoding: 'utf8' });
lines.push('', `Live capture, \`bench/capture-rates.mjs\` (tcpreplay onto a veth at fixed rates, ${rateRepeats} runs of each; each netlens capture runs beside tcpdump on the same interface, both with 32 MiB kernel buffers; tcpdump with --immediate-mode, netlens in its default 10 ms blocks and, in the third pair, with --immediate-mode too):`, '', ...rates.stdout.trim().split('\n'));
console.log('\n' + lines.join('\n'));

const readme = join(root, 'docs', 'benchmarks.md');
if (existsSync(readme)) {
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->', end = '<!-- bench:end -->';
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, text.slice(0, a + start.length) + '\n' + lines.join('\n') + '\n' + text.slice(b));
    console.log('\ndocs/benchmarks.md updated');
  }
}

// The bounds table: every view on generated worst cases (docs/bounds.md).
if (process.env.BENCH_BOUNDS !== '0') {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'bounds.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
