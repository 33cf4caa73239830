/**
 * Differential test: every CONTRACT field of `read --json` equals tshark's
 * reading of the same frame, for every readable capture in the corpus (against
 * the stored references) and every fixture (against tshark run now).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, haveCorpus, haveTool, ndjson, netlens } from '../helpers/netlens.js';
import { compareFrame, knownDifference, referenceFields, type Row, tsharkFields } from '../helpers/tshark-fields.js';

function diffFile(file: string, rows: Row[]): string[] {
  const r = netlens(['read', '--json', file]);
  const packets = ndjson(r.stdout);
  const problems: string[] = [];
  if (packets.length !== rows.length) problems.push(`frame count ${packets.length} != tshark ${rows.length}`);
  const n = Math.min(packets.length, rows.length);
  for (let i = 0; i < n; i++) {
    for (const p of compareFrame(packets[i]!, rows[i]!)) {
      if (!knownDifference(basename(file), i + 1, p)) problems.push(`frame ${i + 1}: ${p}`);
    }
  }
  return problems;
}

const corpus = haveCorpus();
describe.skipIf(!corpus)('read --json against tshark 4.0 (corpus references)', () => {
  const files = corpus ? readdirSync(join(CORPUS, 'pcap')).sort() : [];
  for (const name of files) {
    const ref = referenceFields(join(CORPUS, 'tshark', `${name}.fields.tsv`));
    // Files tshark refuses, or stops reading in the middle, have no full reference.
    if (ref === null || existsSync(join(CORPUS, 'tshark', `${name}.tshark-error.txt`))) continue;
    it(name, () => {
      expect(diffFile(join(CORPUS, 'pcap', name), ref)).toEqual([]);
    });
  }
});

const tshark = haveTool('tshark');
describe.skipIf(!tshark)('read --json against tshark (fixtures)', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    it(name, () => {
      const file = join(FIXTURES, name);
      expect(diffFile(file, tsharkFields(file))).toEqual([]);
    });
  }
});
