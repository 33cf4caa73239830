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
//   BENCH_FAST=1      only the two captures' table and the goals (no streaming, passes, live rates or bounds)
//   BENCH_BOUNDS=0    skip the bounds table (bench/bounds.mjs, written into docs/bounds.md), run last
//   --bounds          run only the bounds table
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
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
const countPackets = (f) => Number(spawnSync('sh', ['-c', `tcpdump -r '${f}' 2>/dev/null | wc -l`], { encoding: 'utf8' }).stdout.trim());

// Two captures, as issue 17 measures: "small", the short-connection phase alone (one request per
// connection, 2.9 KB responses: the first SMALL_FRAMES frames of the capture), and "big", the whole
// capture (short connections, keep-alive and 270 KB transfers).
const SMALL_FRAMES = Number(process.env.BENCH_SMALL_FRAMES ?? 180000);
const small = join(dirname(pcap), 'traffic-small.pcap');
if (!existsSync(small) || statSync(small).mtimeMs < statSync(pcap).mtimeMs) {
  const r = spawnSync('tcpdump', ['-r', pcap, '-c', String(SMALL_FRAMES), '-w', small], { stdio: 'ignore' });
  if (r.status !== 0) { console.error('bench: tcpdump could not cut the small capture'); process.exit(1); }
}
const captures = [{ label: 'small', file: small }, { label: 'big', file: pcap }];
for (const c of captures) { c.packets = countPackets(c.file); c.mb = statSync(c.file).size / 1e6; }
const packets = captures[1].packets;

const node = process.execPath;
const noTz = { ...process.env }; delete noTz.TZ;
const floorCmd = (f) => [node, join(root, 'bench', 'floor.mjs'), f];
// conns --format parquet writes a file (not stdout): one scratch file, rewritten by each run.
const parquetOut = join(os.tmpdir(), `netlens-bench-${process.pid}.parquet`);
process.on('exit', () => rmSync(parquetOut, { force: true }));
const casesFor = (f) => [
  { name: 'netlens read', cmd: [node, cli, 'read', f], group: 'read' },
  { name: 'netlens read --json', cmd: [node, cli, 'read', '--json', f], group: 'read' },
  // With TZ unset glibc stats /etc/localtime for every packet tcpdump prints; TZ=UTC is its honest speed (and the anchor).
  { name: 'TZ=UTC tcpdump -nn -r', cmd: ['tcpdump', '-nn', '-r', f], env: { ...process.env, TZ: 'UTC' }, group: 'read', base: true, tool: 'tcpdump' },
  { name: 'tcpdump -nn -r (TZ unset)', cmd: ['tcpdump', '-nn', '-r', f], env: noTz, group: 'read', tool: 'tcpdump' },
  { name: 'tshark -r', cmd: ['tshark', '-n', '-r', f], group: 'read', tool: 'tshark' },
  { name: 'netlens http --json', cmd: [node, cli, 'http', '--json', f], group: 'http' },
  { name: 'tshark -q -z http,tree', cmd: ['tshark', '-n', '-q', '-z', 'http,tree', '-r', f], group: 'http', base: true, tool: 'tshark' },
  { name: 'netlens reader, iterate only', cmd: [node, join(root, 'bench', 'iterate.mjs'), 'netlens', f], group: 'reader' },
  { name: 'pcap-parser, iterate only', cmd: [node, join(root, 'bench', 'iterate.mjs'), 'pcap-parser', f], group: 'reader', base: true },
  { name: 'netlens conns --json', cmd: [node, cli, 'conns', '--json', f], group: 'conns' },
  { name: 'netlens conns --format parquet', cmd: [node, cli, 'conns', '--format', 'parquet', '-w', parquetOut, f], group: 'conns' },
  { name: 'netlens conns --format zeek', cmd: [node, cli, 'conns', '--format', 'zeek', f], group: 'conns' },
  { name: 'tcptrace -n', cmd: ['tcptrace', '-n', f], group: 'conns', base: true, tool: 'tcptrace' },
  { name: 'tshark -q -z conv,tcp', cmd: ['tshark', '-n', '-q', '-z', 'conv,tcp', '-r', f], group: 'conns', tool: 'tshark' },
  // The floor of any Node tool on this file, measured in the same rounds: start, chunked read, record walk, flow lookup.
  { name: 'floor', cmd: floorCmd(f), group: 'floor' },
].filter((c) => !c.tool || have(c.tool));

/** One run under GNU time: wall seconds and peak RSS (KiB). Output goes to /dev/null. */
function run(cmd, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [sec, kib] = last.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(sec)) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(0, 300)}`);
  return { sec, kib };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// The conversation table's worst case: a million SYNs from distinct sources, never answered.
const flood = join(dirname(pcap), 'synflood.pcap');
if (!existsSync(flood)) spawnSync(node, [join(root, 'bench', 'syn-flood.mjs'), flood, '1000000'], { stdio: 'inherit' });

// Every case of both captures once per round, in turn (alternating), several rounds; medians.
const all = captures.flatMap((cap) => casesFor(cap.file).map((c) => ({ ...c, capture: cap.label })));
all.push({ name: 'netlens conns --json (1M-SYN flood)', cmd: [node, cli, 'conns', '--json', flood], group: 'flood', capture: 'flood' });
const results = new Map(all.map((c) => [`${c.capture}|${c.name}`, []]));
for (let i = 0; i < rounds; i++) {
  for (const c of all) results.get(`${c.capture}|${c.name}`).push(run(c.cmd, c.env));
  process.stdout.write(`round ${i + 1}/${rounds} done\n`);
}
const secOn = (capture, name) => { const r = results.get(`${capture}|${name}`); return r ? median(r.map((x) => x.sec)) : NaN; };
const mbOn = (capture, name) => { const r = results.get(`${capture}|${name}`); return r ? r.reduce((m, x) => Math.max(m, x.kib), 0) / 1024 : NaN; };

const lines = [
  `Captures (make-traffic.sh: nginx and ab across a veth pair): **small**, ${captures[0].packets} packets, ${captures[0].mb.toFixed(0)} MB (the first ${SMALL_FRAMES} frames: short connections, one request each); **big**, ${captures[1].packets} packets, ${captures[1].mb.toFixed(0)} MB (the whole capture: short connections, keep-alive, 270 KB transfers). ${rounds} alternating rounds over every row of both captures, output to /dev/null, median wall time, peak RSS (max over rounds). Node ${process.version}, ${os.cpus().length} CPUs. The floor column is \`bench/floor.mjs\` on the same capture in the same rounds (Node start, 4 MiB chunked read, record walk, a flow lookup per packet: what no Node tool can go below); "× floor" is the row's time over it.`,
  '',
  '| capture | command | median s | ratio | floor s | × floor | peak RSS MB |',
  '|---|---|---:|---:|---:|---:|---:|',
];
const rows = [];
for (const cap of captures) {
  const cs = casesFor(cap.file);
  const floor = secOn(cap.label, 'floor');
  for (const group of ['read', 'conns', 'http', 'reader']) {
    const base = cs.find((c) => c.group === group && c.base);
    const baseSec = base ? secOn(cap.label, base.name) : NaN;
    for (const c of cs.filter((x) => x.group === group)) {
      const sec = secOn(cap.label, c.name), mb = mbOn(cap.label, c.name);
      rows.push({ capture: cap.label, name: c.name, sec, mb });
      const ratio = base && c !== base ? `${(sec / baseSec).toFixed(2)} × ${base.name}` : '–';
      lines.push(`| ${cap.label} | \`${c.name}\` | ${sec.toFixed(2)} | ${ratio} | ${floor.toFixed(2)} | ${(sec / floor).toFixed(2)} | ${mb.toFixed(0)} |`);
    }
  }
  lines.push(`| ${cap.label} | \`floor\` (bench/floor.mjs) | ${floor.toFixed(2)} | ${(floor / secOn(cap.label, 'TZ=UTC tcpdump -nn -r')).toFixed(2)} × TZ=UTC tcpdump -nn -r, ${(floor / secOn(cap.label, 'tcptrace -n')).toFixed(2)} × tcptrace -n | ${floor.toFixed(2)} | 1.00 | ${mbOn(cap.label, 'floor').toFixed(0)} |`);
}
lines.push(`| flood | \`netlens conns --json (1M-SYN flood)\` | ${secOn('flood', 'netlens conns --json (1M-SYN flood)').toFixed(2)} | – | – | – | ${mbOn('flood', 'netlens conns --json (1M-SYN flood)').toFixed(0)} |`);
const row = (name, capture = 'big') => rows.find((r) => r.name === name && r.capture === capture);
const secOf = (name, capture = 'big') => (name.includes('flood') ? secOn('flood', name) : row(name, capture)?.sec) ?? NaN;
const mbOf = (name, capture = 'big') => (name.includes('flood') ? mbOn('flood', name) : row(name, capture)?.mb) ?? NaN;
const size = captures[1].mb.toFixed(0);
// The flood's output: every SYN reported once, as unanswered / S0.
const floodOut = spawnSync(node, [cli, 'conns', '--json', flood], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.split('\n').filter(Boolean);
const floodOk = floodOut.length === 1_000_000 && floodOut.every((l) => l.includes('"handshake":"unanswered"') && l.includes('"connState":"S0"'));
lines.push('', `SYN flood (bench/syn-flood.mjs, 1,000,000 SYNs from distinct sources): ${floodOut.length} records, ${floodOk ? 'every one unanswered / S0' : 'NOT all unanswered / S0'}.`);
// The issues' goals (issue 17: the hot path; earlier issues' memory bounds), from the figures above, on each capture.
const goals = [];
for (const cap of ['small', 'big']) {
  const on = (n) => secOf(n, cap);
  goals.push(
    [`${cap}: \`read\` time / \`TZ=UTC tcpdump -nn -r\``, on('netlens read') / on('TZ=UTC tcpdump -nn -r'), '≤ 1.50', (x) => x <= 1.5],
    [`${cap}: \`read --json\` time / \`TZ=UTC tcpdump -nn -r\``, on('netlens read --json') / on('TZ=UTC tcpdump -nn -r'), '≤ 2.00', (x) => x <= 2],
    [`${cap}: \`read\` time / \`tcpdump -nn -r\` with TZ unset`, on('netlens read') / on('tcpdump -nn -r (TZ unset)'), '–', () => true],
    [`${cap}: \`tshark -z conv,tcp\` time / \`conns --json\``, on('tshark -q -z conv,tcp') / on('netlens conns --json'), '≥ 6', (x) => x >= 6],
    [`${cap}: \`conns --json\` time / \`tcptrace -n\``, on('netlens conns --json') / on('tcptrace -n'), cap === 'big' ? '≤ 1.00' : '–', (x) => cap !== 'big' || x <= 1],
    [`${cap}: \`tshark -z http,tree\` time / \`http --json\``, on('tshark -q -z http,tree') / on('netlens http --json'), '≥ 5', (x) => x >= 5],
    [`${cap}: \`http --json\` time / \`conns --json\``, on('netlens http --json') / on('netlens conns --json'), '≤ 1.50', (x) => x <= 1.5],
    [`${cap}: \`conns --format parquet\` time / \`conns --json\``, on('netlens conns --format parquet') / on('netlens conns --json'), '≤ 1.30', (x) => x <= 1.3],
    [`${cap}: \`conns --format zeek\` time / \`conns --json\``, on('netlens conns --format zeek') / on('netlens conns --json'), '≤ 1.30', (x) => x <= 1.3],
  );
}
goals.push(
  ['`read` peak RSS (big), MB', mbOf('netlens read'), '< 150', (x) => x < 150],
  ['1M-SYN flood peak RSS, MB', mbOf('netlens conns --json (1M-SYN flood)'), '< 300', (x) => x < 300],
);
// Flat memory whatever the file size: the capture repeated into a pipe (bench/big-stream.mjs), once per command.
const fast = process.env.BENCH_FAST === '1';
const bigGb = Number(process.env.BENCH_BIG_GB ?? 2);
const big = (fast ? [] : ['read', 'read --json', 'conns --json', 'http --json']).map((command) => {
  const r = spawnSync('bash', ['-c', `set -o pipefail; '${node}' '${join(root, 'bench', 'big-stream.mjs')}' '${pcap}' ${bigGb} | /usr/bin/time -f '%e %M' '${node}' '${cli}' ${command} - >/dev/null`], { encoding: 'utf8' });
  const [sec, kib] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(sec)) throw new Error(`big-stream ${command} failed: ${r.stderr.slice(0, 300)}`);
  return { command, sec, mb: kib / 1024 };
});
if (!fast) lines.push('', `Streaming ${bigGb} GB through stdin (\`node bench/big-stream.mjs CAPTURE ${bigGb} | netlens COMMAND -\`: the capture above repeated, each copy an hour after the last), against the ${size} MB file alone:`, '',
  '| command | s | MB/s | peak RSS MB | peak RSS MB on the file alone |', '|---|---:|---:|---:|---:|',
  ...big.map((b) => `| \`netlens ${b.command} -\` | ${b.sec.toFixed(1)} | ${(bigGb * 1000 / b.sec).toFixed(0)} | ${b.mb.toFixed(0)} | ${(row(`netlens ${b.command}`)?.mb ?? NaN).toFixed(0)} |`));
if (!fast) goals.push([`\`read\` peak RSS streaming ${bigGb} GB, MB`, big[0].mb, '< 150', (x) => x < 150]);
lines.push('', 'Goals (from the issues), from the figures above:', '', '| measure | value | goal | met |', '|---|---:|---:|---|',
  ...goals.filter(([, v]) => Number.isFinite(v)).map(([m, v, g, ok]) => `| ${m} | ${v.toFixed(2)} | ${g} | ${ok(v) ? 'yes' : 'no'} |`));
// What each goal leaves once Node has started, read the file and looked up each packet's flow.
for (const cap of ['small', 'big']) {
  const floor = secOn(cap, 'floor'), n = captures.find((c) => c.label === cap).packets;
  const left = (limit) => ((limit - floor) * 1e9 / n).toFixed(0);
  lines.push('', `${cap}: the floor is ${(floor / secOf('tcptrace -n', cap)).toFixed(2)} × \`tcptrace -n\` and ${(floor / secOf('TZ=UTC tcpdump -nn -r', cap)).toFixed(2)} × TZ=UTC tcpdump. Above it, \`conns --json\` spends ${left(secOf('netlens conns --json', cap))} ns a packet (the goal of 1.0 × tcptrace leaves ${left(secOf('tcptrace -n', cap))}); \`read\` spends ${left(secOf('netlens read', cap))} ns (1.5 × tcpdump leaves ${left(1.5 * secOf('TZ=UTC tcpdump -nn -r', cap))}).`);
}
// JIT warm-up: the same decode + track work several times in one process.
const passes = fast ? [] : spawnSync(node, [join(root, 'bench', 'passes.mjs'), pcap, '5'], { encoding: 'utf8' }).stdout.trim().split('\n');
if (!fast) lines.push('', 'Decode and track the same capture five times in one process (`bench/passes.mjs`): the first pass is what a run pays, the later ones run on code V8 has already optimized:', '', ...passes.map((l) => `- ${l}`));
// Live capture at fixed rates (tcpreplay onto a veth), beside tcpdump.
const rateRepeats = process.env.BENCH_RATE_REPEATS ?? '3';
const rates = fast ? { stdout: '' } : spawnSync(node, [join(root, 'bench', 'capture-rates.mjs'), pcap, process.env.BENCH_RATE_COUNT ?? '100000', '10000,50000,100000,200000,500000', rateRepeats], { encoding: 'utf8' });
if (!fast) lines.push('', `Live capture, \`bench/capture-rates.mjs\` (tcpreplay onto a veth at fixed rates, ${rateRepeats} runs of each; each netlens capture runs beside tcpdump on the same interface, both with 32 MiB kernel buffers; tcpdump with --immediate-mode, netlens in its default 10 ms blocks and, in the third pair, with --immediate-mode too):`, '', ...rates.stdout.trim().split('\n'));
console.log('\n' + lines.join('\n'));

const readme = join(root, 'docs', 'benchmarks.md');
if (existsSync(readme) && !fast) {
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->', end = '<!-- bench:end -->';
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, text.slice(0, a + start.length) + '\n' + lines.join('\n') + '\n' + text.slice(b));
    console.log('\ndocs/benchmarks.md updated');
  }
}

// The bounds table: every view on generated worst cases (docs/bounds.md).
if (process.env.BENCH_BOUNDS !== '0' && !fast) {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'bounds.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
