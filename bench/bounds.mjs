#!/usr/bin/env node
// The bounds table (docs/bounds.md): every view on generated worst-case
// captures, peak RSS and wall time of each run, beside the goal (300 MB).
//
//   node bench/bounds.mjs          (or: node bench/run.mjs --bounds; npm run bench runs it last)
//
// The captures are made by bench/gen-bounds.mjs into BOUNDS_DIR (default
// /tmp/netlens-bounds, kept for the next run; about 1.6 GB):
//   2,000,000 connections (HTTP, one request each, plus #0 open from start to end)
//   2,000,000 ARP bindings (answered requests, gratuitous, unanswered, unsolicited, conflicts)
//   one connection carrying a 1 GB HTTP response
//   300,000 pipelined HTTP requests on one connection
// Sizes: BOUNDS_CONNS, BOUNDS_ARP, BOUNDS_STREAM_BYTES, BOUNDS_PIPELINED.
// Each view runs once, alone, output to /dev/null, under /usr/bin/time (peak
// RSS = the kernel's maximum resident set size of the process).
// BOUNDS_V8_DEFAULT=1 runs with V8's own heap growth (NETLENS_HEAP_GROWING_PERCENT=0),
// for comparison; BOUNDS_INPUTS=conns,arp and BOUNDS_VIEWS=read,conns run a part
// of the table; BOUNDS_WRITE=0 leaves docs/bounds.md alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli', 'main.js');
const node = process.execPath;
const dir = process.env.BOUNDS_DIR ?? '/tmp/netlens-bounds';
const GOAL_MB = 300;

if (!existsSync(cli)) { console.error('bounds: dist/ is missing (npm run build)'); process.exit(1); }
if (!existsSync('/usr/bin/time')) { console.error('bounds: needs GNU time (/usr/bin/time; Debian: apt-get install time)'); process.exit(1); }
mkdirSync(dir, { recursive: true });

/** The entries a comma list names (all without one). */
const pick = (list, csv) => (csv ? list.filter((x) => csv.split(',').includes(x.key ?? x.name)) : list);

const inputs = pick([
  { key: 'conns', kind: 'conns', n: Number(process.env.BOUNDS_CONNS ?? 2_000_000), conn: '0', label: (n) => `${n.toLocaleString('en')} connections` },
  { key: 'arp', kind: 'arp', n: Number(process.env.BOUNDS_ARP ?? 2_000_000), conn: null, label: (n) => `${n.toLocaleString('en')} ARP bindings` },
  { key: 'stream', kind: 'stream', n: Number(process.env.BOUNDS_STREAM_BYTES ?? 1e9), conn: '0', label: (n) => `one connection, ${n >= 1e9 ? `${n / 1e9} GB` : `${n / 1e6} MB`}` },
  { key: 'pipelined', kind: 'pipelined', n: Number(process.env.BOUNDS_PIPELINED ?? 300_000), conn: '0', label: (n) => `${n.toLocaleString('en')} pipelined requests` },
], process.env.BOUNDS_INPUTS);

const views = pick([
  { name: 'read', args: ['read'] },
  { name: 'read --json', args: ['read', '--json'] },
  { name: 'conns', args: ['conns'] },
  { name: 'conns --json', args: ['conns', '--json'] },
  { name: 'http', args: ['http'] },
  { name: 'http --json', args: ['http', '--json'] },
  { name: 'follow', args: ['follow'], conn: true },
  { name: 'follow --hex', args: ['follow', '--hex'], conn: true },
  { name: 'ladder --full', args: ['ladder', '--full'], conn: true },
  { name: 'arp', args: ['arp'] },
], process.env.BOUNDS_VIEWS);

// The captures, made once (a file named for its size; written to a temporary name, then renamed).
for (const inp of inputs) {
  inp.file = join(dir, `${inp.kind}-${inp.n}.pcap`);
  if (existsSync(inp.file)) continue;
  process.stdout.write(`generating ${inp.file} …\n`);
  const tmp = `${inp.file}.part`;
  const r = spawnSync(node, [join(root, 'bench', 'gen-bounds.mjs'), inp.kind, tmp, String(inp.n)], { stdio: 'inherit' });
  if (r.status !== 0) { console.error(`bounds: gen-bounds ${inp.kind} failed`); process.exit(1); }
  renameSync(tmp, inp.file);
}

const env = { ...process.env, NO_COLOR: '1' };
if (process.env.BOUNDS_V8_DEFAULT === '1') env.NETLENS_HEAP_GROWING_PERCENT = '0';

/** One run: peak RSS (MB), wall seconds, exit status. */
function run(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', node, cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const lines = r.stderr.trim().split('\n');
  const [sec, kib] = (lines.pop() ?? '').split(' ').map(Number);
  const status = /exited with non-zero status (\d+)/.exec(lines.join('\n'))?.[1];
  return { sec, mb: kib / 1024, status: status === undefined ? 0 : Number(status), err: lines.filter((l) => !l.startsWith('Command exited')).join(' ').slice(0, 200) };
}

const results = new Map();
for (const inp of inputs) {
  for (const v of views) {
    if (v.conn && inp.conn === null) continue; // no TCP connection in an ARP capture
    const args = [...v.args, inp.file, ...(v.conn ? [inp.conn] : [])];
    const r = run(args);
    results.set(`${inp.key}|${v.name}`, r);
    process.stdout.write(`${inp.key.padEnd(10)} ${v.name.padEnd(14)} ${r.mb.toFixed(0).padStart(6)} MB ${r.sec.toFixed(1).padStart(7)} s${r.status ? `  exit ${r.status}: ${r.err}` : ''}\n`);
  }
}

const cell = (r) => {
  if (r === undefined) return '–';
  const mb = `${r.mb.toFixed(0)} MB`;
  const over = r.mb >= GOAL_MB;
  return `${over ? `**${mb}**` : mb}, ${r.sec.toFixed(1)} s${r.status ? ` (exit ${r.status})` : ''}`;
};
const size = (f) => `${(statSync(f).size / 1e6).toFixed(0)} MB`;
const all = [...results.values()];
const over = [...results.entries()].filter(([, r]) => r.mb >= GOAL_MB);
const failed = [...results.entries()].filter(([, r]) => r.status !== 0);
const lines = [
  `Generated by \`node bench/bounds.mjs\` (captures from bench/gen-bounds.mjs), Node ${process.version}, ${cpus().length} CPUs${process.env.BOUNDS_V8_DEFAULT === '1' ? ', V8\'s default heap growth (NETLENS_HEAP_GROWING_PERCENT=0)' : ''}. Each cell: peak RSS of the process (GNU time's maximum resident set size) and wall time, one run, output to /dev/null. Goal: peak RSS under ${GOAL_MB} MB in every cell (over it in bold).`,
  '',
  `| view | ${inputs.map((i) => `${i.label(i.n)} (${size(i.file)})`).join(' | ')} | goal |`,
  `|---|${inputs.map(() => '---:').join('|')}|---:|`,
  ...views.map((v) => `| \`${v.name}\` | ${inputs.map((i) => cell(results.get(`${i.key}|${v.name}`))).join(' | ')} | < ${GOAL_MB} MB |`),
  '',
  `${all.length} runs; highest peak ${all.reduce((m, r) => Math.max(m, r.mb), 0).toFixed(0)} MB; ${over.length === 0 ? `every one under ${GOAL_MB} MB` : `over ${GOAL_MB} MB: ${over.map(([k, r]) => `${k.replace('|', ' / ')} (${r.mb.toFixed(0)} MB)`).join(', ')}`}${failed.length ? `; failed: ${failed.map(([k, r]) => `${k.replace('|', ' / ')} (exit ${r.status})`).join(', ')}` : ''}.`,
];
console.log('\n' + lines.join('\n'));

const doc = join(root, 'docs', 'bounds.md');
if (process.env.BOUNDS_WRITE !== '0' && existsSync(doc)) {
  const text = readFileSync(doc, 'utf8');
  const start = process.env.BOUNDS_V8_DEFAULT === '1' ? '<!-- bounds-v8:start -->' : '<!-- bounds:start -->';
  const end = start.replace(':start', ':end');
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(doc, text.slice(0, a + start.length) + '\n' + lines.join('\n') + '\n' + text.slice(b));
    console.log(`\n${doc} updated`);
  }
}
process.exitCode = failed.length ? 1 : 0;
