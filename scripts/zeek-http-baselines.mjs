#!/usr/bin/env node
// zeek-http-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]
// Regenerates test/golden/zeek-http-baselines.tsv: the http.log rows of Zeek's
// own test baselines (testing/btest/Baseline/…, zeek/zeek on GitHub) for the
// zeek-* traces of ../shared/corpus, each with the trace and the baseline it
// came from. Which baseline belongs to which trace: the btest's @TEST-EXEC
// line (zeek -r $TRACES/… then btest-diff http.log), listed below.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [gitDir, outArg] = process.argv.slice(2);
if (gitDir === undefined) {
  console.error('usage: node scripts/zeek-http-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]');
  process.exit(2);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = outArg ?? join(root, 'test', 'golden', 'zeek-http-baselines.tsv');
const COMMIT = 'a13de64fbbdb01f90961c04719b308fbbb6d199e'; // MANIFEST.tsv's source_commit for every zeek-* trace
const B = 'testing/btest/Baseline/';

const SOURCES = [
  ['zeek-http_get.pcap', 'core.tcp.reassembly-known-ports/http.log'], // core/tcp/reassembly-known-ports.zeek: http/get.pcap
  ['zeek-http_pipelined-requests.pcap', 'scripts.base.protocols.http.http-pipelining/http.log'],
  ['zeek-http_http-11-request-then-cruft.pcap', 'scripts.base.protocols.http.http-11-request-then-cruft/http.log'],
];

let fields = null;
const rows = [];
for (const [trace, path] of SOURCES) {
  const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${COMMIT}:${B}${path}`], { encoding: 'utf8' });
  const ls = text.split('\n').filter((l) => l !== '' && !l.startsWith('### '));
  const f = ls.find((l) => l.startsWith('#fields')).split('\t').slice(1);
  if (fields !== null && f.join('\t') !== fields.join('\t')) throw new Error(`${path}: other fields`);
  fields = f;
  for (const l of ls.filter((x) => !x.startsWith('#'))) rows.push([trace, path, ...l.split('\t')]);
}
const head = `# http.log rows from Zeek's test baselines (zeek/zeek ${COMMIT}, ${B}…) for the zeek-* corpus traces; made by scripts/zeek-http-baselines.mjs. btest canonifies ts (XXXXXXXXXX.XXXXXX).`;
writeFileSync(out, [head, ['trace', 'baseline', ...fields].join('\t'), ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
console.error(`zeek-http-baselines: ${rows.length} rows → ${out}`);
