#!/usr/bin/env node
// node scripts/records-doc.mjs [--check]: writes docs/records.md from
// src/encode/records.ts (the one definition of netlens's JSON records), or
// with --check exits 1 when docs/records.md differs from what it would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const srcPath = join(root, 'src', 'encode', 'records.ts');
const docPath = join(root, 'docs', 'records.md');

/** The document for records.ts's source text. */
export function recordsDoc(text) {
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
