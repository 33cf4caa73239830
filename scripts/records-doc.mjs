#!/usr/bin/env node
// node scripts/records-doc.mjs [--check]: writes docs/records.md from
// src/encode/records.ts (the one definition of netlens's JSON records) and
// src/encode/parquet-table.ts (the Parquet columns), or with --check exits 1
// when docs/records.md differs from what it would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const srcPath = join(root, 'src', 'encode', 'records.ts');
const docPath = join(root, 'docs', 'records.md');
const parquetPath = join(root, 'src', 'encode', 'parquet-table.ts');

/** A column kind of parquet-table.ts: its Parquet type, and the type DuckDB's DESCRIBE gives it. */
const PARQUET_KINDS = {
  string: ['BYTE_ARRAY (UTF8)', 'VARCHAR'],
  port: ['INT32 (UINT_16)', 'USMALLINT'],
  count: ['INT64', 'BIGINT'],
  seconds: ['DOUBLE', 'DOUBLE'],
  ts: ['INT64 TIMESTAMP(NANOS, isAdjustedToUTC)', 'TIMESTAMP WITH TIME ZONE'],
  nanos: ['INT64 TIMESTAMP(NANOS, isAdjustedToUTC)', 'TIMESTAMP WITH TIME ZONE'],
  states: ['LIST of BYTE_ARRAY (UTF8)', 'VARCHAR[]'],
};

/** The Parquet section: the `col(name, kind, optional, …)` calls of connColumns and HTTP_COLUMNS, in order. */
function parquetDoc(text) {
  const sf = ts.createSourceFile('parquet-table.ts', text, ts.ScriptTarget.ES2022, true);
  const tables = { conns: [], http: [] };
  const visit = (node, into) => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === 'connColumns') into = tables.conns;
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === 'HTTP_COLUMNS') into = tables.http;
    if (into && ts.isCallExpression(node) && node.expression.getText(sf) === 'col') {
      const [name, kind, optional] = node.arguments.map((a) => a.getText(sf).replace(/^'|'$/g, ''));
      into.push({ name, kind, optional: optional === 'true' });
    }
    ts.forEachChild(node, (n) => visit(n, into));
  };
  visit(sf, null);
  const table = (cols) => ['| column | Parquet type | DuckDB type | null |', '|---|---|---|---|',
    ...cols.map((c) => `| \`${c.name}\` | ${PARQUET_KINDS[c.kind][0]} | \`${PARQUET_KINDS[c.kind][1]}\` | ${c.optional ? 'optional' : 'required'} |`)];
  return [
    '## Parquet: `conns --format parquet`, `http --format parquet`',
    '',
    'The same records as Parquet rows (`-w FILE`), one column per field: nested keys joined with `_` and camelCase',
    'made snake_case (`client.ip` → `client_ip`, `packets.client` → `packets_client`, `firstTs` → `first_ts`,',
    '`mptcp.of` → `mptcp_of`), `type` left out. A field the record leaves out (the TCP-only fields of a UDP',
    'conversation, `mptcp`, `gapBytes`) is null. Time stamps are the exact nanoseconds (DuckDB reads a',
    'TIMESTAMP(NANOS) adjusted to UTC as its TIMESTAMP WITH TIME ZONE, which keeps microseconds; Spark reads',
    'NANOS timestamps only with `spark.sql.legacy.parquet.nanosAsLong`). SNAPPY compression, min/max and null',
    'counts in every column chunk, a row group every 8192 rows.',
    '',
    '### conns',
    '',
    ...table(tables.conns),
    '',
    '### http',
    '',
    ...table(tables.http),
    '',
  ].join('\n');
}

/** The document for records.ts's source text. */
export function recordsDoc(text, parquetText = readFileSync(parquetPath, 'utf8')) {
  const sf = ts.createSourceFile('records.ts', text, ts.ScriptTarget.ES2022, true);
  const doc = (node) => (ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).map((d) => (typeof d.comment === 'string' ? d.comment : '')).join(' ') || '').replace(/\s+/g, ' ').trim();
  const first = (ts.getLeadingCommentRanges(text, 0) ?? [])[0];
  const head = first === undefined ? '' : text.slice(first.pos, first.end);
  const intro = head.replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
  const out = ['# netlens records', '', '<!-- generated from src/encode/records.ts by node scripts/records-doc.mjs; test/encode/records.test.ts checks it -->', '', intro, ''];
  for (const st of sf.statements) {
    if (ts.isTypeAliasDeclaration(st)) {
      out.push(`## \`${st.name.text}\``, '', doc(st), '', '```ts', st.type.getText(sf).replace(/\s+/g, ' '), '```', '');
    } else if (ts.isInterfaceDeclaration(st)) {
      const tp = st.typeParameters ? `<${st.typeParameters.map((p) => p.getText(sf)).join(', ')}>` : '';
      out.push(`## \`${st.name.text}${tp}\``, '', doc(st), '', '| field | type | |', '|---|---|---|');
      for (const m of st.members) {
        if (!ts.isPropertySignature(m)) continue;
        const name = m.name.getText(sf) + (m.questionToken ? '?' : '');
        const type = (m.type?.getText(sf) ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
        out.push(`| \`${name}\` | \`${type}\` | ${doc(m).replace(/\|/g, '\\|')} |`);
      }
      out.push('');
    }
  }
  out.push(parquetDoc(parquetText));
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** The exported interfaces' property names (optional ones marked with ?), by interface. */
export function recordFields(text) {
  const sf = ts.createSourceFile('records.ts', text, ts.ScriptTarget.ES2022, true);
  const res = {};
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    res[st.name.text] = st.members.filter(ts.isPropertySignature).map((m) => ({ name: m.name.getText(sf), optional: m.questionToken !== undefined, type: m.type?.getText(sf) ?? '' }));
  }
  return res;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const want = recordsDoc(readFileSync(srcPath, 'utf8'));
  if (process.argv.includes('--check')) {
    let have = '';
    try { have = readFileSync(docPath, 'utf8'); } catch { /* missing */ }
    if (have !== want) { console.error('docs/records.md is out of date: run node scripts/records-doc.mjs'); process.exit(1); }
  } else {
    writeFileSync(docPath, want);
    console.log(`wrote ${docPath}`);
  }
}
