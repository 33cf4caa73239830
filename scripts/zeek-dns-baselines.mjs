#!/usr/bin/env node
// zeek-dns-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]
// Regenerates test/golden/zeek-dns-baselines.tsv: the dns.log rows of Zeek's
// own test baselines (testing/btest/Baseline/…, zeek/zeek on GitHub) for the
// zeek-* traces of ../shared/corpus, each with the trace and the baseline it
// came from. Which baseline belongs to which trace: the btest's @TEST-EXEC
// line (zeek -r $TRACES/… then btest-diff dns.log), listed below.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [gitDir, outArg] = process.argv.slice(2);
if (gitDir === undefined) {
  console.error('usage: node scripts/zeek-dns-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]');
  process.exit(2);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = outArg ?? join(root, 'test', 'golden', 'zeek-dns-baselines.tsv');
const COMMIT = 'a13de64fbbdb01f90961c04719b308fbbb6d199e'; // MANIFEST.tsv's source_commit for every zeek-* trace
const B = 'testing/btest/Baseline/';

const SOURCES = [
  ['zeek-ipv6-fragmented-dns.pcap', 'core.ipv6-frag/dns.log'], // core/ipv6-frag.test: zeek -b -r $TRACES/ipv6-fragmented-dns.pcap
  ['zeek-dns53.pcap', 'scripts.base.protocols.dns.flip/dns.log'], // scripts/base/protocols/dns/flip.zeek: the reply seen first
];

let fields = null;
let types = null;
const rows = [];
for (const [trace, path] of SOURCES) {
  const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${COMMIT}:${B}${path}`], { encoding: 'utf8' });
  const ls = text.split('\n').filter((l) => l !== '' && !l.startsWith('### '));
  const f = ls.find((l) => l.startsWith('#fields')).split('\t').slice(1);
  if (fields !== null && f.join('\t') !== fields.join('\t')) throw new Error(`${path}: other fields`);
  fields = f;
  types = ls.find((l) => l.startsWith('#types')).split('\t').slice(1);
  for (const l of ls.filter((x) => !x.startsWith('#'))) rows.push([trace, path, ...l.split('\t')]);
}
const head = `# dns.log rows from Zeek's test baselines (zeek/zeek ${COMMIT}, ${B}…) for the zeek-* corpus traces; made by scripts/zeek-dns-baselines.mjs. btest canonifies ts (XXXXXXXXXX.XXXXXX).`;
// The log's #types line last: the types of its fields, as the ASCII writer gives them.
writeFileSync(out, [head, ['trace', 'baseline', ...fields].join('\t'), ...rows.map((r) => r.join('\t')), ['#types', ...types].join('\t')].join('\n') + '\n');
console.error(`zeek-dns-baselines: ${rows.length} rows → ${out}`);
