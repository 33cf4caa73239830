#!/usr/bin/env node
// Shrinks a capture that makes a view fail (a file the fuzzer saved) to a
// small one that still fails the same way: drops records / blocks (delta
// debugging), then cuts each remaining packet and the trailing bytes short.
//
//   node scripts/fuzz-minimize.mjs FILE --view "read -v" [--kind KIND] [--match REGEX]
//        [--out FILE] [--timeout SECONDS] [--spawn]
// KIND: the failure kind to keep (internal-error, timeout, control-byte, json, ...;
// default: the kind the file shows first). --match: a regular expression the
// failure's detail must also match. --spawn: judge with the real command line
// (slower; for failures the in-process worker does not show).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneModel, parseCapture, serialize } from './fuzz-mutate.mjs';
import { Worker, spawnChecked } from './fuzz-runner.mjs';

function usage(msg) {
  process.stderr.write(`fuzz-minimize: ${msg}\nusage: node scripts/fuzz-minimize.mjs FILE --view "read -v" [--kind KIND] [--match REGEX] [--out FILE] [--timeout S] [--spawn]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const o = { file: null, view: null, kind: null, match: null, out: null, timeout: 10, spawn: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--view') o.view = args[++i];
  else if (a === '--kind') o.kind = args[++i];
  else if (a === '--match') o.match = new RegExp(args[++i]);
  else if (a === '--out') o.out = args[++i];
  else if (a === '--timeout') o.timeout = Number(args[++i]);
  else if (a === '--spawn') o.spawn = true;
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else o.file = a;
}
if (o.file === null || o.view === null) usage('FILE and --view are needed');
o.out ??= o.file.replace(/(\.pcap(ng)?)?$/, '.min$1');

const dir = mkdtempSync(join(tmpdir(), 'netlens-fuzz-min-'));
const cand = join(dir, 'cand.pcap');
const svg = join(dir, 'ladder.svg');
// The view's words; FILE is where the capture goes (after the command by default).
const words = o.view.split(/\s+/).filter(Boolean);
const argv = words.includes('FILE') ? words.map((w) => (w === 'FILE' ? cand : w === 'SVG' ? svg : w)) : [words[0], cand, ...words.slice(1).map((w) => (w === 'SVG' ? svg : w))];
const worker = o.spawn ? null : new Worker(join(dir, 'w'), o.timeout);
let runs = 0;

async function problemsOf(bytes) {
  writeFileSync(cand, bytes);
  runs++;
  if (worker === null) return spawnChecked(argv, o.timeout);
  const [r] = await worker.runCase([argv], svg);
  return r.problems;
}

async function fails(bytes) {
  const ps = await problemsOf(bytes);
  return ps.some((p) => p.kind === o.kind && (o.match === null || o.match.test(p.detail)));
}

const input = readFileSync(o.file);
const first = await problemsOf(input);
if (first.length === 0) { worker?.stop(); rmSync(dir, { recursive: true }); usage(`${o.file}: ${o.view} shows no failure`); }
o.kind ??= first[0].kind;
if (!first.some((p) => p.kind === o.kind)) usage(`${o.file}: no ${o.kind} failure (it shows: ${first.map((p) => p.kind).join(', ')})`);
console.log(`${o.file}: ${o.kind}: ${first.find((p) => p.kind === o.kind).detail}`);

let best = input;
const model = parseCapture(input);
if (model !== null) {
  const m = cloneModel(model);
  const items = () => (m.format === 'pcap' ? m.records : m.blocks);
  const set = (list) => { if (m.format === 'pcap') m.records = list; else m.blocks = list; };
  const bytes = () => serialize(m).buf;
  // Delta debugging over the records (blocks): drop chunks while the failure stays.
  let list = items();
  for (let chunk = Math.max(1, Math.floor(list.length / 2)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let at = 0; at < list.length;) {
      const trial = [...list.slice(0, at), ...list.slice(at + chunk)];
      set(trial);
      if (trial.length < list.length && (await fails(bytes()))) list = trial; else at += chunk;
    }
    set(list);
  }
  set(list);
  // The bytes after the last whole record: shortest prefix that still fails.
  let lo = 0, hi = m.tail.length;
  const tail = m.tail;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    m.tail = tail.subarray(0, mid);
    if (await fails(bytes())) hi = mid; else lo = mid + 1;
  }
  m.tail = tail.subarray(0, lo);
  // Each packet: shortest prefix of its bytes that still fails (wire length kept).
  for (const r of items()) {
    if (r.data === undefined) continue;
    const data = r.data;
    let a = 0, b = data.length;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      r.data = data.subarray(0, mid);
      if (await fails(bytes())) b = mid; else a = mid + 1;
    }
    r.data = data.subarray(0, a);
  }
  best = bytes();
  if (!(await fails(best))) best = input; // should not happen: every step kept the failure
} else {
  // Not parseable: cut the end off while it fails.
  let lo = 0, hi = input.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await fails(input.subarray(0, mid))) hi = mid; else lo = mid + 1;
  }
  best = input.subarray(0, lo);
}
worker?.stop();
writeFileSync(o.out, best);
const finalProblems = spawnChecked(argv.map((a) => (a === cand ? o.out : a)), o.timeout);
rmSync(dir, { recursive: true, force: true });
const still = finalProblems.find((p) => p.kind === o.kind);
console.log(`${input.length} → ${best.length} bytes in ${runs} runs: ${o.out}`);
console.log(still ? `the command line shows it: ${o.kind}: ${still.detail}` : `the command line does not show ${o.kind} on the minimized file (it did in the worker)`);
process.exitCode = still ? 0 : 1;
