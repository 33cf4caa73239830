#!/usr/bin/env node
// Live capture under load (32 MiB kernel buffers for every capture): tcpreplay pushes a real capture onto one end of a
// veth pair at fixed rates; netlens (native backend: -w /dev/null, and line
// output to /dev/null; the cap backend) and tcpdump capture the other end in
// the same run. Prints received / dropped for each, as a markdown table.
//   sudo node bench/capture-rates.mjs [PCAP] [COUNT=100000] [RATES=10000,50000,100000,200000,500000] [REPEATS=1]
// Needs root, tcpreplay and the native binding; says what is missing otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli', 'main.js');
const pcap = process.argv[2] ?? join(root, 'bench', 'out', 'traffic.pcap');
const count = Number(process.argv[3] ?? 100000);
const rates = (process.argv[4] ?? '10000,50000,100000,200000,500000').split(',').map(Number);
const repeats = Number(process.argv[5] ?? 1);

function missing() {
  if (process.getuid?.() !== 0) return 'root';
  if (spawnSync('sh', ['-c', 'command -v tcpreplay']).status !== 0) return 'tcpreplay (apt-get install tcpreplay)';
  if (!existsSync(join(root, 'native', 'build', 'Release', 'netlens_pcap.node'))) return 'the native binding (npm run build)';
  if (!existsSync(pcap)) return `the capture ${pcap}`;
  return '';
}
const why = missing();
if (why) { console.log(`capture-rates: skipped, needs ${why}`); process.exit(0); }

const ns = `nlrate${process.pid}`, out = `nlro${process.pid % 100000}`, inn = `nlri${process.pid % 100000}`;
const ip = (...a) => spawnSync('ip', a, { stdio: 'ignore' });
function setup() {
  ip('netns', 'add', ns);
  ip('link', 'add', out, 'type', 'veth', 'peer', 'name', inn);
  ip('link', 'set', inn, 'netns', ns);
  ip('link', 'set', out, 'up');
  ip('-n', ns, 'link', 'set', inn, 'up');
  spawnSync('ethtool', ['-K', out, 'gro', 'off', 'gso', 'off', 'tso', 'off'], { stdio: 'ignore' });
}
function teardown() { ip('link', 'del', out); ip('netns', 'del', ns); }

/** Starts a capture in the namespace; resolves with its stderr after SIGINT. */
function capture(args) {
  const p = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  return { stop: () => new Promise((r) => { p.on('exit', () => r(err)); p.kill('SIGINT'); }) };
}

function counters(stderr) {
  const num = (re) => { const m = re.exec(stderr); return m ? Number(m[1]) : NaN; };
  return {
    captured: num(/(\d+) packets? captured/), received: num(/(\d+) packets? received by filter/), dropped: num(/(\d+) packets? dropped by kernel/),
    // netlens's own ring (native backend): the line is printed only when it is not 0.
    ringDropped: /dropped by kernel/.test(stderr) && stderr.includes('netlens') ? num(/(\d+) packets? dropped by netlens/) || 0 : NaN,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Rotation's row: the same capture written to a ring of four 10 MB files (-C 10 -W 4), to see that rotating adds no drops.
const rotDir = mkdtempSync(join(tmpdir(), 'netlens-rate-rot-'));
const tools = [
  { name: 'tcpdump -w /dev/null', args: ['tcpdump', '-i', inn, '-s', '0', '-B', '32768', '--immediate-mode', '-w', '/dev/null'] },
  { name: 'netlens capture -w /dev/null', args: [process.execPath, cli, 'capture', inn, '-Z', 'root', '-w', '/dev/null', '-B', '32768'], quiet: true },
  { name: 'netlens capture -w FILE -C 10 -W 4 (rotating)', args: [process.execPath, cli, 'capture', inn, '-Z', 'root', '-w', join(rotDir, 'ring.pcap'), '-C', '10', '-W', '4', '-B', '32768'], quiet: true },
  { name: 'netlens capture (lines)', args: ['sh', '-c', `exec ${process.execPath} ${cli} capture ${inn} -Z root -B 32768 > /dev/null`] },
  // libpcap's immediate mode, as tcpdump runs here: one kernel ring slot per packet, no block timeout.
  { name: 'netlens capture --immediate-mode (lines)', args: ['sh', '-c', `exec ${process.execPath} ${cli} capture ${inn} -Z root -B 32768 --immediate-mode > /dev/null`] },
  { name: 'netlens capture --backend cap (lines)', args: ['sh', '-c', `exec ${process.execPath} ${cli} capture ${inn} -Z root --backend cap > /dev/null`] },
];

setup();
const rows = [];
try {
  for (let run = 1; run <= repeats; run++) for (const rate of rates) {
    // One capture at a time next to tcpdump keeps the two cores as the issue's setup has them.
    for (const t of tools.slice(1)) {
      const a = capture(tools[0].args), b = capture(t.args);
      await sleep(1500);
      const r = spawnSync('tcpreplay', ['-i', out, `--pps=${rate}`, `--limit=${count}`, pcap], { encoding: 'utf8' });
      const sent = Number(/Actual: (\d+) packets/.exec(r.stdout + r.stderr)?.[1] ?? NaN);
      await sleep(1500);
      const [ea, eb] = await Promise.all([a.stop(), b.stop()]);
      rows.push({ run, rate, sent, tool: tools[0].name, ...counters(ea), beside: t.name });
      rows.push({ run, rate, sent, tool: t.name, native: !t.args.join(' ').includes('--backend cap'), ...counters(eb) });
    }
  }
} finally {
  teardown();
  rmSync(rotDir, { recursive: true, force: true });
}
const dash = (x) => (Number.isNaN(x) ? '–' : x);
console.log(`| ${repeats > 1 ? 'run | ' : ''}rate (pkt/s) | sent | capture | captured | received by filter | dropped by kernel | dropped by netlens (ring) |`);
console.log(`|${repeats > 1 ? '---:|' : ''}---:|---:|---|---:|---:|---:|---:|`);
for (const r of rows) {
  const tool = r.beside ? `${r.tool} (beside ${r.beside})` : r.tool;
  console.log(`| ${repeats > 1 ? `${r.run} | ` : ''}${r.rate} | ${r.sent} | \`${tool}\` | ${r.captured} | ${dash(r.received)} | ${dash(r.dropped)} | ${dash(r.ringDropped)} |`);
}
// The issue's goal: with the native backend, no drops in any run where tcpdump beside it dropped none.
console.log('');
for (const t of tools.slice(1)) {
  let runs = 0, clean = 0, kept = 0, none = 0;
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const td = rows[i], nl = rows[i + 1];
    if (nl.tool !== t.name || !nl.native) continue;
    runs++;
    const nlNone = nl.dropped === 0 && (nl.ringDropped || 0) === 0;
    if (nlNone) none++;
    if (td.dropped !== 0) continue;
    clean++;
    if (nlNone) kept++;
  }
  if (runs > 0) console.log(`- \`${t.name}\`: dropped nothing in ${none} of ${runs} runs; tcpdump beside it dropped nothing in ${clean} of them, and netlens dropped nothing in ${kept} of those ${clean}.`);
}
