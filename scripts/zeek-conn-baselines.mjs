#!/usr/bin/env node
// zeek-conn-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]
// Regenerates test/golden/zeek-conn-baselines.tsv: the connection rows that
// Zeek's own test baselines (testing/btest/Baseline/…, zeek/zeek on GitHub)
// give for the zeek-* traces of ../shared/corpus (MANIFEST.tsv names each
// one's source path). Only the rows of those traces are kept, not the files.
// ZEEK_GIT_DIR is a clone's .git directory (or a bare mirror); the commit is
// the one MANIFEST.tsv names for the traces, recorded in the first line.
//
// Which baseline belongs to which trace comes from reading each btest's
// @TEST-EXEC lines (listed below, with the form its output takes):
//   conn-log   a conn.log (or zeek-cut of one): every row, the Zeek fields it has
//   cut-m      btest-diff-cut -m of a conn.log: a header line of field names, then the rows
//   state-out  conn_state-RST-behavior/out: "history, conn_state", one trace per line, in EXEC order
//   flip-out   connection_flipped/out: the connection_state_remove line (orig/resp, history)
//   dns-log    a dns.log: who is orig and resp (a response seen first is flipped)
//   conn-print ipv6_ext_headers/output: the connection record new_connection prints
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [gitDir, outArg] = process.argv.slice(2);
if (gitDir === undefined) {
  console.error('usage: node scripts/zeek-conn-baselines.mjs ZEEK_GIT_DIR [OUT.tsv]');
  process.exit(2);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = outArg ?? join(root, 'test', 'golden', 'zeek-conn-baselines.tsv');
const COMMIT = 'a13de64fbbdb01f90961c04719b308fbbb6d199e'; // MANIFEST.tsv's source_commit for every zeek-* trace
const B = 'testing/btest/Baseline/';

const SOURCES = [
  ['zeek-pcapng-multi-interface.pcapng', 'conn-log', 'core.pcapng-pktsrc/conn.log'],
  ['zeek-tcp_missing-syn.pcap', 'conn-log', 'core.history-flip/conn.log'],
  ['zeek-tcp_missing-syn.pcap', 'conn-log', 'core.tcp.missing-syn/conn.log'],
  ['zeek-tcp_handshake-reorder.pcap', 'conn-log', 'scripts.policy.protocols.conn.community-id-logging-flipped/conn.log.cut'],
  ['zeek-tcp_handshake-reorder.pcap', 'flip-out', 'core.connection_flipped/out'],
  ['zeek-tcp_retransmit-fast009.pcap', 'conn-log', 'core.tcp.rxmit-history/conn-1.log'],
  ['zeek-http_get.pcap', 'conn-log', 'core.tcp.reassembly-known-ports/conn.log'],
  ['zeek-http_get.pcap', 'cut-m', 'core.reporter-limit-reached-weird/conn.log'],
  ['zeek-http_get.pcap', 'conn-log', 'scripts.policy.protocols.conn.community-id-logging/conn.log.cut'],
  ['zeek-http_261_variant-01-chunk_2pow64_overflow.pcap', 'cut-m', 'scripts.base.protocols.http.261.chunk-2pow64-overflow/conn.log'],
  ['zeek-http_261_variant-04-te_cl_desync.pcap', 'cut-m', 'scripts.base.protocols.http.261.te-cl-desync/conn.log'],
  // EXEC order in conn_state-RST-behavior.zeek: single-rst, syn-then-rst, syn-then-ack-then-rst, syn-then-stuff-then-rst (not in the corpus).
  ['zeek-tcp_single-rst.pcap', 'state-out:0', 'scripts.base.protocols.conn.conn_state-RST-behavior/out'],
  ['zeek-tcp_syn-then-rst.pcap', 'state-out:1', 'scripts.base.protocols.conn.conn_state-RST-behavior/out'],
  ['zeek-tcp_syn-then-ack-then-rst.pcap', 'state-out:2', 'scripts.base.protocols.conn.conn_state-RST-behavior/out'],
  ['zeek-dns53.pcap', 'dns-log', 'scripts.base.protocols.dns.flip/dns.log'],
  ['zeek-ipv6-hbh-routing0.pcap', 'conn-print', 'core.ipv6_ext_headers/output'],
];

const COLS = ['trace', 'baseline', 'orig_h', 'orig_p', 'resp_h', 'resp_p', 'proto', 'duration', 'orig_bytes', 'resp_bytes',
  'conn_state', 'missed_bytes', 'history', 'orig_pkts', 'resp_pkts',
  // The rest of Conn::Info (not uid: btest's are drawn from its own seed), kept for the --format zeek comparison.
  'ts', 'service', 'local_orig', 'local_resp', 'orig_ip_bytes', 'resp_ip_bytes', 'tunnel_parents', 'ip_proto', 'community_id'];

const show = (path) => execFileSync('git', ['--git-dir', gitDir, 'show', `${COMMIT}:${B}${path}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
const lines = (text) => text.split('\n').filter((l) => l !== '' && !l.startsWith('### '));

const rows = [];
const row = (trace, path, o) => rows.push(COLS.map((c) => (c === 'trace' ? trace : c === 'baseline' ? path : (o[c] ?? ''))));

for (const [trace, kind, path] of SOURCES) {
  const text = show(path);
  if (kind === 'conn-log' || kind === 'cut-m') {
    const ls = lines(text);
    const fieldsLine = ls.find((l) => l.startsWith('#fields'));
    let fields;
    let data;
    if (kind === 'cut-m') {
      fields = ls[0].split('\t');
      data = ls.slice(1);
    } else if (fieldsLine !== undefined) {
      fields = fieldsLine.split('\t').slice(1);
      data = ls.filter((l) => !l.startsWith('#'));
    } else {
      // zeek-cut without -m: no header; the columns are those the test's EXEC line asked for.
      fields = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'community_id'];
      data = ls;
    }
    for (const l of data) {
      const v = l.split('\t');
      const o = {};
      fields.forEach((f, i) => {
        // '-' is Zeek's unset field, kept as such; btest's canonified stamps (XXXXXXXXXX.XXXXXX) say nothing.
        const val = v[i] === undefined || v[i].includes('XXXX') ? '' : v[i];
        const k = f.startsWith('id.') ? f.slice(3) : f;
        if (COLS.includes(k)) o[k] = val;
      });
      row(trace, path, o);
    }
  } else if (kind.startsWith('state-out')) {
    const [history, state] = lines(text)[Number(kind.split(':')[1])].split(', ');
    row(trace, path, { history, conn_state: state });
  } else if (kind === 'flip-out') {
    const l = lines(text).find((x) => x.includes('connection_state_remove'));
    const m = /orig_h=([^,]+), orig_p=(\d+)\/(\w+), resp_h=([^,]+), resp_p=(\d+)\/\w+.*\], ([^,]+), /.exec(l);
    row(trace, path, { orig_h: m[1], orig_p: m[2], proto: m[3], resp_h: m[4], resp_p: m[5], history: m[6] });
  } else if (kind === 'dns-log') {
    const ls = lines(text);
    const fields = ls.find((l) => l.startsWith('#fields')).split('\t').slice(1);
    for (const l of ls.filter((x) => !x.startsWith('#'))) {
      const v = l.split('\t');
      const get = (f) => v[fields.indexOf(f)];
      row(trace, path, { orig_h: get('id.orig_h'), orig_p: get('id.orig_p'), resp_h: get('id.resp_h'), resp_p: get('id.resp_p'), proto: get('proto') });
    }
  } else if (kind === 'conn-print') {
    const m = /\[orig_h=([^,]+), orig_p=(\d+)\/(\w+), resp_h=([^,]+), resp_p=(\d+)\//.exec(text);
    row(trace, path, { orig_h: m[1], orig_p: m[2], proto: m[3], resp_h: m[4], resp_p: m[5] });
  }
}

const head = `# Connection rows from Zeek's test baselines (zeek/zeek ${COMMIT}, ${B}…) for the zeek-* corpus traces; made by scripts/zeek-conn-baselines.mjs. Empty: not in that baseline; '-': Zeek's unset field.`;
writeFileSync(out, [head, COLS.join('\t'), ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
console.error(`zeek-conn-baselines: ${rows.length} rows from ${SOURCES.length} baselines → ${out}`);
