/**
 * `http --format zeek` against Zeek's own http.log baselines: for the corpus
 * traces a btest writes an http.log of (test/golden/zeek-http-baselines.tsv,
 * extracted by scripts/zeek-http-baselines.mjs), every row and every field is
 * compared, in order. Every difference is listed with its reason; an
 * undocumented one fails, and so does a documented one that no longer happens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, haveCorpus, netlens, ROOT } from '../helpers/netlens.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'zeek-http-baselines.tsv');

function table(text: string, fieldsFrom: 'golden' | 'log'): Record<string, string>[] {
  const ls = text.split('\n').filter((l) => l !== '');
  const fields = fieldsFrom === 'golden' ? ls[1]!.split('\t') : ls.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
  const data = fieldsFrom === 'golden' ? ls.slice(2) : ls.filter((l) => !l.startsWith('#'));
  return data.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

/** Fields never compared: btest canonifies ts, and uids are drawn from each one's own seed. */
const NOT_COMPARED = new Set(['trace', 'baseline', 'ts', 'uid']);

/** Differences of every row: field → why. */
const FIELD_DOCUMENTED: Record<string, string> = {
  resp_fuids: 'netlens has no file analysis: no file ids (-)',
  resp_mime_types: 'netlens does not sniff bodies: no MIME types (-)',
};
/** Differences of single rows, "trace field#trans_depth" → why. */
const DOCUMENTED: Record<string, string> = {
  // Zeek's response_body_len is the body after the content coding is undone (its HTTP analyzer
  // inflates gzip); netlens counts the body as sent, after removing only chunked transfer coding.
  'zeek-http_pipelined-requests.pcap response_body_len#1': 'Content-Encoding: gzip: 946 bytes sent, 2675 inflated',
  'zeek-http_pipelined-requests.pcap response_body_len#2': 'Content-Encoding: gzip: 6716 bytes sent, 21421 inflated',
};

const corpus = haveCorpus();
describe.skipIf(!corpus)('http --format zeek agrees with Zeek\'s http.log baselines', () => {
  const rows = table(readFileSync(GOLDEN, 'utf8'), 'golden');
  const traces = [...new Set(rows.map((r) => r.trace!))];
  const seen = new Set<string>();

  it('covers the baselines', () => {
    expect(traces.length).toBe(3);
    expect(rows.length).toBe(7);
  });

  for (const trace of traces) {
    it(trace, () => {
      const r = netlens(['http', '--format', 'zeek', '--seed', '1', join(CORPUS, 'pcap', trace)]);
      expect(r.status, r.stderr).toBe(0);
      const ours = table(r.stdout, 'log');
      const theirs = rows.filter((x) => x.trace === trace);
      expect(ours.length).toBe(theirs.length);
      const undocumented: string[] = [];
      theirs.forEach((b, i) => {
        const row = ours[i]!;
        for (const [f, v] of Object.entries(b)) {
          if (NOT_COMPARED.has(f) || row[f] === v) continue;
          const key = `${trace} ${f}#${b.trans_depth}`;
          if (FIELD_DOCUMENTED[f] !== undefined) { seen.add(f); continue; }
          if (DOCUMENTED[key] !== undefined) { seen.add(key); continue; }
          undocumented.push(`${key}: netlens ${row[f]} zeek ${v}`);
        }
      });
      expect(undocumented).toEqual([]);
    });
  }

  it('every documented difference still happens', () => {
    expect([...Object.keys(FIELD_DOCUMENTED), ...Object.keys(DOCUMENTED)].filter((k) => !seen.has(k))).toEqual([]);
  });

  it('http.log and conn.log of one --seed join on uid', () => {
    const file = join(CORPUS, 'pcap', 'zeek-http_pipelined-requests.pcap');
    const conn = table(netlens(['conns', '--format', 'zeek', '--seed', '42', file]).stdout, 'log');
    const http = table(netlens(['http', '--format', 'zeek', '--seed', '42', file]).stdout, 'log');
    expect(http.length).toBe(5);
    for (const h of http) {
      const c = conn.find((x) => x.uid === h.uid);
      expect(c, h.uid).toBeDefined();
      expect([c!['id.orig_h'], c!['id.orig_p'], c!['id.resp_h'], c!['id.resp_p']]).toEqual([h['id.orig_h'], h['id.orig_p'], h['id.resp_h'], h['id.resp_p']]);
    }
  });
});
