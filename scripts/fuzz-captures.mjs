#!/usr/bin/env node
// `npm run fuzz`: mutation fuzzing of whole capture files through every view.
//
// Takes the captures in fixtures/ and ../shared/corpus/pcap (when present),
// mutates each case's copy (scripts/fuzz-mutate.mjs: bit flips, length
// fields of pcap records, pcapng blocks and options, IP/TCP/UDP and option
// lengths, truncation, block damage, duplicated and reordered records), runs
// every view on it in a worker process (views imported from dist/ and called
// in-process; scripts/fuzz-runner.mjs) with a timeout, and checks each run
// (scripts/fuzz-check.mjs). Every failure is run again as the real command
// line to confirm it, and its input and a one-line repro command are saved.
// docs/fuzzing.md says what is checked and how to run it.
//
//   node scripts/fuzz-captures.mjs [--seed N] [--iterations N] [--time-budget SECONDS]
//        [--out DIR] [--case N] [--jobs N] [--timeout SECONDS] [--no-corpus]
//        [--source NAME] [--views all|core] [--spawn-every N] [--summary-json FILE]
//        [--keep N] [--quiet]
// Exit status 0 when no failure was confirmed, 1 when one was, 2 on a usage error.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signature, writtenFile } from './fuzz-check.mjs';
import { makeRng, mutate } from './fuzz-mutate.mjs';
import { CLI, DIST, ROOT, Worker, shellLine, spawnChecked } from './fuzz-runner.mjs';

const USAGE = `usage: node scripts/fuzz-captures.mjs [options]   (npm run fuzz -- [options])
  --seed N             the run's seed (default: a random one, printed)
  --iterations N       number of cases (default: as many as --time-budget allows)
  --time-budget S      stop starting cases after S seconds (default 60 without --iterations)
  --first N            index of the first case (default 0)
  --case N             run only case N of the seed (to reproduce it)
  --out DIR            where failing inputs and repro lines go (default /tmp/netlens-fuzz-failures)
  --jobs N             worker processes (default 1)
  --timeout S          per view (default 20)
  --no-corpus          only fixtures/, not ../shared/corpus/pcap
  --source NAME        only sources whose file name contains NAME (repeatable)
  --views core|all     the views of the brief, or those plus more read options and a BPF filter (default all)
  --spawn-every N      every N cases, one view also runs as the real command line on stdin (default 25; 0: never)
  --summary-json FILE  the summary as JSON (for test/fuzz.test.ts)
  --keep N             inputs kept per failure class (default 3)
  --heavy-rate R       share of cases that are big inputs: 150,000 or 200,000 distinct conversations
                       or ARP bindings, run through the table views only (default 0.002; 0: none)
  --check FILE         no mutation: run every view on FILE as it is and check it (repeatable)
  --quiet              no progress lines`;

function parseCli(argv) {
  const o = { seed: null, iterations: null, budget: null, first: 0, only: null, out: '/tmp/netlens-fuzz-failures', jobs: 1, timeout: 20, corpus: true, sources: [], views: 'all', spawnEvery: 25, summaryJson: null, keep: 3, quiet: false, check: [], heavyRate: 0.002 };
  const num = (name, v) => {
    if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) { process.stderr.write(`fuzz: ${name} needs a number\n${USAGE}\n`); process.exit(2); }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (name) {
      case '--seed': o.seed = num(name, val()); break;
      case '--iterations': o.iterations = num(name, val()); break;
      case '--time-budget': o.budget = num(name, val()); break;
      case '--first': o.first = num(name, val()); break;
      case '--case': o.only = num(name, val()); break;
      case '--out': o.out = val(); break;
      case '--jobs': o.jobs = Math.max(1, num(name, val())); break;
      case '--timeout': o.timeout = num(name, val()); break;
      case '--no-corpus': o.corpus = false; break;
      case '--source': o.sources.push(val()); break;
      case '--views': o.views = val(); if (o.views !== 'all' && o.views !== 'core') { process.stderr.write(`fuzz: --views is core or all\n`); process.exit(2); } break;
      case '--spawn-every': o.spawnEvery = num(name, val()); break;
      case '--summary-json': o.summaryJson = val(); break;
      case '--keep': o.keep = num(name, val()); break;
      case '--quiet': o.quiet = true; break;
      case '--check': o.check.push(val()); break;
      case '--heavy-rate': o.heavyRate = num(name, val()); break;
      case '-h': case '--help': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: process.stderr.write(`fuzz: unknown option ${a}\n${USAGE}\n`); process.exit(2);
    }
  }
  if (o.seed === null) o.seed = Math.floor(Math.random() * 2 ** 31);
  if (o.only !== null) { o.first = o.only; o.iterations = 1; }
  if (o.check.length > 0) { o.first = 0; o.iterations = o.check.length; o.spawnEvery = 0; }
  if (o.iterations === null && o.budget === null) o.budget = 60;
  return o;
}

/** The options besides --seed and --case that decide a case's bytes and views, for a regenerate line. */
function caseFlags(o) {
  let f = '';
  if (!o.corpus) f += ' --no-corpus';
  for (const src of o.sources) f += ` --source ${shellLine([src])}`;
  if (o.heavyRate !== 0.002) f += ` --heavy-rate ${o.heavyRate}`;
  if (o.views !== 'all') f += ` --views ${o.views}`;
  return f;
}

/** The capture files the cases start from, in a fixed order. */
export function sourceFiles(withCorpus, only = []) {
  const dirs = [join(ROOT, 'fixtures')];
  const corpus = join(ROOT, '..', 'shared', 'corpus', 'pcap');
  if (withCorpus && existsSync(corpus)) dirs.push(corpus);
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(d, f)));
  return only.length === 0 ? files : files.filter((f) => only.some((s) => basename(f).includes(s)));
}

const FILTERS = ['tcp', 'udp port 53', 'ip and tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', 'ip6 or arp', 'vlan and ip', 'ip[0] & 0xf != 5',
  'tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)', 'icmp or icmp6', 'not tcp', 'ether[12:2] = 0x0800 and ip[9] = 17', 'greater 100', 'mpls'];

/**
 * The views run on each case. 'core': those named in issue 14's Proof; 'all'
 * adds more of read's options, a second conversation for follow and ladder,
 * and (with the libpcap binding) a BPF filter. '@tcp' is replaced by the
 * first TCP conversation's id in the case's conns --json.
 */
export function viewsFor(file, svg, mode, filter) {
  const v = [
    ['read', file], ['read', '-v', file], ['read', '-vvv', '-X', file], ['read', '--json', file], ['read', '-e', file],
    ['conns', file], ['conns', '--json', file], ['http', file], ['http', '--json', file],
    ['dns', file], ['dns', '--json', file],
    ['follow', file, '0'], ['follow', file, '0', '--hex'],
    ['ladder', file, '0'], ['ladder', file, '@tcp', '--svg', svg],
    ['arp', file], ['arp', '--json', file],
  ];
  if (mode === 'all') {
    v.push(
      ['read', '-XX', '-q', '-S', '-#', '-tttt', '--nano', file],
      ['read', '-vv', '-e', '-g', '-K', '-ttttt', '-A', file],
      ['read', '-xx', '-vvv', '-ttt', '--no-annotate', file],
      ['follow', file, '@tcp'],
      ['ladder', file, '@tcp', '--full', '--ascii'],
      ['graph', file, '@tcp', '--svg', svg.replace(/\.svg$/, '-tseq.svg')],
      ['graph', file, '@tcp', '--kind', 'rtt', '--dir', 'client', '--svg', svg.replace(/\.svg$/, '-rtt.svg')],
      // Tiny bounds, so that evictions and reassembly limits are reached on small files.
      ['conns', '--json', '--max-conns', '2', '--tcp-idle', '0.001', '--udp-idle', '0.001', file],
      ['http', '--max-held', '64', '--max-held-total', '256', file],
      ['dns', '--json', '--max-pending', '2', '--dns-timeout', '0.001', '--max-held', '64', '--max-held-total', '256', file],
      ['follow', file, '@tcp', '--max-held', '64', '--max-held-total', '128'],
      ['read', '--count', '-w', svg.replace(/\.svg$/, '-w.pcap'), file],
      ['read', '--count', '-w', svg.replace(/\.svg$/, '-w.pcapng'), file],
    );
    if (filter !== null) v.push(['read', '-v', file, filter]);
  }
  return v;
}

/** A module of dist/ that does not load: someone is rebuilding it, the input has nothing to do with it. */
const BROKEN_BUILD = /does not provide an export named|Cannot find module|ERR_MODULE_NOT_FOUND/;

/** For the big inputs: the views that keep a table (and read, which streams, once). */
function heavyViews(file) {
  return [['conns', file], ['conns', '--json', file], ['http', file], ['http', '--json', file], ['dns', file], ['dns', '--json', file], ['arp', file], ['arp', '--json', file], ['follow', file, '0'], ['ladder', file, '@tcp'], ['read', '--json', file]];
}

const viewName = (argv, file) => argv.filter((a) => a !== file).map((a) => (a.endsWith('.svg') ? 'OUT.svg' : a.endsWith('-w.pcap') ? 'OUT.pcap' : a.endsWith('-w.pcapng') ? 'OUT.pcapng' : a)).join(' ');

function extOf(bytes) {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x0a0d0d0a ? 'pcapng' : 'pcap';
}

/** Whether the libpcap binding (BPF filters) is there, as netlens sees it. */
async function haveBpf() {
  try {
    const live = await import(pathToFileURL(join(DIST, 'source', 'live.js')).href);
    return live.nativeAvailable();
  } catch { return false; }
}

/** Builds case i of a seed: its source, its mutated bytes and what was done. */
export function buildCase(seed, i, files, cache, heavyRate = 0) {
  const rng = makeRng(seed, i);
  // pcapng sources are few: weight them so that their reader gets its share.
  const ng = files.filter((f) => f.endsWith('.pcapng'));
  const src = ng.length > 0 && rng.chance(0.15) ? rng.pick(ng) : rng.pick(files);
  const other = rng.pick(files);
  const read = (f) => { if (!cache.has(f)) cache.set(f, readFileSync(f)); return cache.get(f); };
  const { bytes, ops } = mutate(read(src), rng, { other: read(other), otherName: basename(other), heavy: heavyRate > 0, heavyRate });
  return { src, bytes, ops, rng };
}

export async function runFuzz(o) {
  const t0 = Date.now();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
  const files = sourceFiles(o.corpus, o.sources);
  if (files.length === 0) throw new Error('no source captures');
  const bpf = o.views === 'all' && (await haveBpf());
  const work = join(tmpdir(), `netlens-fuzz-${process.pid}`);
  mkdirSync(work, { recursive: true });
  mkdirSync(o.out, { recursive: true });
  let xmlValidate = null;
  try { xmlValidate = (await import('fast-xml-parser')).XMLValidator.validate; } catch { /* optional */ }
  const cache = new Map();
  const classes = new Map();
  const notReproduced = new Map();
  const slow = [];
  const viewMs = new Map();
  let cases = 0, runs = 0, spawns = 0, fuzzerErrors = 0, brokenBuild = 0;
  let next = o.first;
  const last = o.iterations !== null ? o.first + o.iterations : Infinity;
  const deadline = o.budget !== null ? t0 + o.budget * 1000 : Infinity;
  if (!o.quiet) console.log(`fuzz: seed ${o.seed}, ${o.iterations ?? 'unbounded'} cases from ${o.first}${o.budget !== null ? `, budget ${o.budget} s` : ''}; ${files.length} sources; views ${o.views}${bpf ? ' (with a BPF filter)' : ''}; timeout ${o.timeout} s; failures to ${o.out}`);

  const record = (i, c, argv, file, problems, extra) => {
    if (problems.some((p) => BROKEN_BUILD.test(p.detail))) {
      // Not the input's doing: dist/ was being rebuilt under the fuzzer.
      brokenBuild++;
      if (!o.quiet) console.log(`  case ${i}: dist/ does not load (${problems[0].detail}); a build in progress? not counted`);
      return;
    }
    for (const p of problems) {
      const sig = signature(p.kind, p.detail, extra.frame);
      let cls = classes.get(sig);
      if (cls === undefined) {
        cls = { sig, kind: p.kind, detail: p.detail, frame: extra.frame, stack: extra.stack, views: new Set(), cases: [], examples: [] };
        classes.set(sig, cls);
        if (!o.quiet) console.log(`  case ${i}: NEW ${p.kind} in ${viewName(argv, file)}: ${p.detail}${extra.frame ? ` @ ${extra.frame}` : ''}`);
      }
      cls.views.add(viewName(argv, file));
      if (!cls.cases.includes(i)) cls.cases.push(i);
      if (cls.examples.length < o.keep && !cls.examples.some((e) => e.case === i)) {
        const name = `seed${o.seed}-case${i}.${extOf(c.bytes)}`;
        const saved = join(o.out, name);
        writeFileSync(saved, c.bytes);
        const outFile = (a) => join(o.out, `seed${o.seed}-case${i}-out${a.slice(a.lastIndexOf('.'))}`);
        const cmd = argv.map((a) => (a === file && !extra.stdin ? saved : /(\.svg|-w\.pcap|-w\.pcapng)$/.test(a) ? outFile(a) : a));
        let repro = `${p.kind === 'timeout' ? `timeout ${extra.timeout ?? o.timeout} ` : ''}${extra.stdin ? `node ${shellLine([CLI, ...cmd])} < ${shellLine([saved])}` : `node ${shellLine([CLI, ...cmd])}`}`;
        if (p.kind === 'write-roundtrip') repro += ` && node ${shellLine([CLI, 'read', '--count', writtenFile(cmd)])}`;
        cls.examples.push({ case: i, file: saved, repro });
        writeFileSync(join(o.out, `seed${o.seed}-case${i}.txt`), [
          `${p.kind}: ${p.detail}`,
          `view: ${viewName(argv, file)}`,
          `repro: ${repro}`,
          `regenerate: node scripts/fuzz-captures.mjs --seed ${o.seed} --case ${i}${caseFlags(o)}`,
          `source: ${c.src}`,
          `mutations: ${c.ops.join('; ')}`,
          extra.stack ? `stack (in the fuzz worker):\n${extra.stack}` : '',
          '',
        ].join('\n'), { flag: 'a' });
      }
    }
  };

  /** Confirms a worker's failure with the real command line; returns the problems it shows. */
  const confirm = (argv, file, realFile, timeout) => {
    const real = argv.map((a) => (a === file ? realFile : a));
    spawns++;
    const problems = spawnChecked(real, timeout, xmlValidate);
    return problems;
  };

  const workers = Array.from({ length: o.jobs }, (_, w) => new Worker(join(work, `w${w}`), o.timeout));
  const runOne = async (i, worker, file, svg) => {
    const c = o.check.length > 0 ? { src: o.check[i], bytes: readFileSync(o.check[i]), ops: ['none (--check)'], rng: makeRng(o.seed, i) } : buildCase(o.seed, i, files, cache, o.heavyRate);
    writeFileSync(file, c.bytes);
    // Big inputs (the floods) get more time: 10 s more per MB.
    const timeout = o.timeout + Math.ceil((10 * c.bytes.length) / 1e6);
    worker.timeoutSec = timeout;
    const filter = bpf ? FILTERS[c.rng.int(FILTERS.length)] : null;
    const views = c.ops.some((d) => d.startsWith('flood')) ? heavyViews(file) : viewsFor(file, svg, o.views, filter);
    const results = await worker.runCase(views, svg);
    cases++;
    runs += results.length;
    for (let k = 0; k < results.length; k++) {
      const r = results[k];
      const vn = viewName(views[k] ?? r.argv, file).replace(/^(read -v) .*/, '$1 FILTER');
      const t = viewMs.get(vn) ?? { runs: 0, ms: 0 };
      t.runs++; t.ms += r.ms;
      viewMs.set(vn, t);
      if (r.ms > 2000) slow.push({ case: i, view: viewName(r.argv, file), ms: Math.round(r.ms), size: c.bytes.length });
      if (r.problems.length === 0) continue;
      // The command line decides: a failure it does not show is reported apart.
      const confirmed = confirm(r.argv, file, file, timeout);
      if (confirmed.length > 0) record(i, c, r.argv, file, confirmed, { frame: r.frame, stack: r.stack, timeout });
      else {
        const sig = signature(r.problems[0].kind, r.problems[0].detail, r.frame);
        const n = notReproduced.get(sig) ?? { sig, count: 0, example: `--seed ${o.seed} --case ${i} (${viewName(r.argv, file)})` };
        n.count++;
        notReproduced.set(sig, n);
      }
    }
    if (o.spawnEvery > 0 && i % o.spawnEvery === 0) {
      // The real command line on stdin: main.js's own error handling and the pipe reader.
      const v = views[c.rng.int(views.length)].map((a) => (a === file ? '-' : a === '@tcp' ? '0' : a));
      spawns++;
      runs++;
      const problems = spawnChecked(v, timeout, xmlValidate, file);
      if (problems.length > 0) record(i, c, v, '-', problems, { frame: '', stack: '', stdin: true, timeout });
    }
  };
  const loop = async (w) => {
    const worker = workers[w];
    const file = join(work, `w${w}`, 'case.pcap');
    const svg = join(work, `w${w}`, 'ladder.svg');
    mkdirSync(join(work, `w${w}`), { recursive: true });
    while (next < last && Date.now() < deadline) {
      const i = next++;
      try {
        await runOne(i, worker, file, svg);
      } catch (e) {
        // A bug of the fuzzer itself: say so, keep going.
        fuzzerErrors++;
        console.log(`  case ${i}: fuzzer error: ${e.stack?.split('\n').slice(0, 3).join(' | ') ?? e}`);
      }
      if (!o.quiet && cases % 50 === 0) console.log(`  ${cases} cases, ${runs} view runs, ${classes.size} failure classes, ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    worker.stop();
  };
  try {
    await Promise.all(workers.map((_, w) => loop(w)));
  } finally {
    for (const w of workers) w.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const seconds = (Date.now() - t0) / 1000;
  const summary = {
    seed: o.seed, first: o.first, cases, runs, spawns, fuzzerErrors, brokenBuild, seconds: Math.round(seconds * 10) / 10, sources: files.length,
    classes: [...classes.values()].map((c) => ({ kind: c.kind, detail: c.detail, frame: c.frame, views: [...c.views], cases: c.cases.length, firstCase: c.cases[0], examples: c.examples, signature: c.sig })),
    notReproduced: [...notReproduced.values()],
    slow: slow.sort((a, b) => b.ms - a.ms).slice(0, 10),
    viewMs: Object.fromEntries([...viewMs].map(([k, v]) => [k, { runs: v.runs, msPerRun: Math.round((v.ms / v.runs) * 10) / 10 }])),
  };
  printSummary(summary, o);
  if (o.summaryJson !== null) writeFileSync(o.summaryJson, JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

function printSummary(s, o) {
  const lines = [];
  lines.push(`fuzz: seed ${s.seed}: ${s.cases} cases (from ${s.first}), ${s.runs} view runs (${s.spawns} as separate processes) in ${s.seconds} s over ${s.sources} sources`);
  if (s.classes.length === 0) lines.push('no failures');
  else {
    const n = s.classes.reduce((a, c) => a + c.cases, 0);
    lines.push(`${s.classes.length} failure class${s.classes.length === 1 ? '' : 'es'} (${n} failing case${n === 1 ? '' : 's'} counted per class); inputs and repro lines in ${o.out}:`);
    for (const c of s.classes) {
      const views = c.views.length > 3 ? `${c.views.slice(0, 3).join(', ')} (+${c.views.length - 3} more)` : c.views.join(', ');
      lines.push(`- [${c.kind}] ${c.detail}${c.frame ? `  @ ${c.frame}` : ''}`);
      lines.push(`    ${c.cases} case${c.cases === 1 ? '' : 's'} (first: --seed ${s.seed} --case ${c.firstCase}${caseFlags(o)}); views: ${views}`);
      if (c.examples[0]) lines.push(`    repro: ${c.examples[0].repro}`);
    }
  }
  if (s.notReproduced.length > 0) {
    lines.push(`seen in the worker but not by the command line (not counted as failures):`);
    for (const n of s.notReproduced) lines.push(`- ${n.sig} (${n.count}×, e.g. ${n.example})`);
  }
  if (s.fuzzerErrors > 0) lines.push(`${s.fuzzerErrors} case(s) hit an error of the fuzzer itself (printed above)`);
  if (s.brokenBuild > 0) lines.push(`${s.brokenBuild} run(s) found dist/ not loading (rebuilt during the run?) and were not counted`);
  if (s.slow.length > 0) lines.push(`slowest view runs: ${s.slow.slice(0, 5).map((x) => `case ${x.case} ${x.view} ${x.ms} ms (${x.size} B)`).join('; ')}`);
  console.log(lines.join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const o = parseCli(process.argv.slice(2));
  runFuzz(o).then(
    (s) => { process.exitCode = s.classes.length > 0 ? 1 : 0; },
    (e) => { process.stderr.write(`fuzz: ${e.message}\n`); process.exitCode = 2; },
  );
}
