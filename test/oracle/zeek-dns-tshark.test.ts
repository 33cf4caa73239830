/**
 * `dns --format zeek` against tshark on every fixture and corpus capture with
 * DNS on port 53: Zeek's baselines cover two traces, tshark reads the header
 * bits and the answer section of every message. For each row that pairs one
 * query with one response (their port pair and id seen once each in the
 * capture), the query's RD, TC and Z (Zeek's three bits: z, AD, CD), the
 * response's AA and RA (main.zeek sets them from an answer record: F without
 * one), the answer section's TTLs (of the types main.zeek logs an answer
 * for), its A and AAAA addresses and CNAME targets (downcased, as Zeek's
 * names) must be tshark's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, haveCorpus, haveTool, netlens } from '../helpers/netlens.js';

const HAVE = haveTool('tshark');

const FIELDS = ['frame.number', 'dns.id', 'dns.flags.response', 'udp.srcport', 'udp.dstport', 'tcp.srcport', 'tcp.dstport',
  'dns.flags.authoritative', 'dns.flags.truncated', 'dns.flags.recdesired', 'dns.flags.recavail', 'dns.flags.z',
  'dns.flags.authenticated', 'dns.flags.checkdisable', 'dns.count.answers', 'dns.resp.type', 'dns.resp.ttl', 'dns.a', 'dns.aaaa',
  'dns.cname', 'ip.fragments', 'ipv6.fragments', 'dns.flags.opcode'] as const;

type Msg = Record<(typeof FIELDS)[number], string[]>;

function tshark(file: string): Msg[] {
  const r = spawnSync('tshark', ['-r', file, '-n', '-2', '-Y', '(udp.port == 53 || tcp.port == 53) && dns', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
    ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const f = l.split('\t');
    return Object.fromEntries(FIELDS.map((k, i) => [k, f[i] === undefined || f[i] === '' ? [] : f[i]!.split('|')])) as Msg;
  });
}

const bit = (v: string[]): boolean => v[0] === '1' || v[0] === 'True';
const TF = (b: boolean): string => (b ? 'T' : 'F');
/** Types main.zeek logs no answer for (no reply event handled, or WKS's empty one). */
const NO_ANSWER = new Set([11, 13, 257, 32, 41, 249, 250, 64, 65, 35]);

function captures(): string[] {
  const out = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(FIXTURES, f));
  if (haveCorpus() && existsSync(join(CORPUS, 'pcap'))) out.push(...readdirSync(join(CORPUS, 'pcap')).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CORPUS, 'pcap', f)));
  return out;
}

function rows(text: string): Record<string, string>[] {
  const ls = text.split('\n').filter((l) => l !== '');
  const fields = ls.find((l) => l.startsWith('#fields\t'))?.split('\t').slice(1) ?? [];
  return ls.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

describe.skipIf(!HAVE)('dns --format zeek: header bits and answers against tshark', () => {
  const files = HAVE ? captures().map((f) => ({ f, ts: tshark(f) })).filter((c) => c.ts.length > 0) : [];
  let compared = 0;
  // Without ../shared/corpus (a user's clone) only the fixtures are compared: said once, and fewer are expected.
  const withCorpus = haveCorpus() && existsSync(join(CORPUS, 'pcap'));
  if (!withCorpus) console.warn('dns oracle: ../shared/corpus is absent; comparing the fixtures only');
  it('there are captures with DNS to compare', () => expect(files.length).toBeGreaterThanOrEqual(withCorpus ? 5 : 1));
  for (const { f, ts } of files) {
    it(f.slice(f.lastIndexOf('/') + 1), () => {
      const r = netlens(['dns', '--format', 'zeek', f]);
      expect(r.status, r.stderr).toBe(0);
      const port = (m: Msg, side: 'src' | 'dst') => (m[`udp.${side}port`][0] ?? m[`tcp.${side}port`][0])!;
      // Messages by (query's source port, its destination port, id); a response's are the other way round.
      const byKey = new Map<string, { q: Msg[]; r: Msg[] }>();
      for (const m of ts) {
        const resp = bit(m['dns.flags.response']);
        const key = resp ? `${port(m, 'dst')} ${port(m, 'src')} ${Number(m['dns.id'][0])}` : `${port(m, 'src')} ${port(m, 'dst')} ${Number(m['dns.id'][0])}`;
        const e = byKey.get(key) ?? { q: [], r: [] };
        (resp ? e.r : e.q).push(m);
        byKey.set(key, e);
      }
      const diffs: string[] = [];
      for (const row of rows(r.stdout)) {
        if (row.qtype === '-' || row.rcode === '-') continue;
        const e = byKey.get(`${row['id.orig_p']} ${row['id.resp_p']} ${Number(row.trans_id)}`);
        if (e === undefined || e.q.length !== 1 || e.r.length !== 1) continue;
        const [q, s] = [e.q[0]!, e.r[0]!];
        if ([q, s].some((m) => m['ip.fragments'].length > 0 || m['ipv6.fragments'].length > 0 || Number(m['dns.flags.opcode'][0] ?? 0) !== 0)) continue;
        compared++;
        const n = Number(s['dns.count.answers'][0] ?? 0);
        const types = s['dns.resp.type'].slice(0, n).map(Number);
        const logged = types.filter((t) => !NO_ANSWER.has(t));
        const withAnswer = types.some((t) => t === 11 || !NO_ANSWER.has(t)); // WKS is logged without text, but logged
        const want: Record<string, string> = {
          RD: TF(bit(q['dns.flags.recdesired'])), TC: TF(bit(q['dns.flags.truncated'])),
          Z: String((bit(q['dns.flags.z']) ? 4 : 0) + (bit(q['dns.flags.authenticated']) ? 2 : 0) + (bit(q['dns.flags.checkdisable']) ? 1 : 0)),
          AA: TF(withAnswer && bit(s['dns.flags.authoritative'])), RA: TF(withAnswer && bit(s['dns.flags.recavail'])),
          TTLs: logged.length === 0 ? '-' : s['dns.resp.ttl'].slice(0, n).filter((_, i) => !NO_ANSWER.has(types[i]!)).map((t) => `${t}.000000`).join(','),
        };
        for (const [k, v] of Object.entries(want)) if (row[k] !== v) diffs.push(`${row.trans_id} ${k}: netlens ${row[k]} tshark ${v}`);
        // The answers of each kind, in order: the first of tshark's (answers come before the other sections).
        const answers = row.answers === '-' ? [] : row.answers!.split(',');
        const kinds: [number, string, (a: string) => string][] = [[1, 'dns.a', (a) => a], [28, 'dns.aaaa', (a) => a], [5, 'dns.cname', (a) => a.toLowerCase()]];
        for (const [type, field, norm] of kinds) {
          const ours = answers.filter((_, i) => logged[i] === type);
          const theirs = s[field].slice(0, types.filter((t) => t === type).length).map(norm);
          if (ours.join(',') !== theirs.join(',')) diffs.push(`${row.trans_id} ${field}: netlens ${ours.join(',')} tshark ${theirs.join(',')}`);
        }
      }
      expect(diffs).toEqual([]);
    });
  }
  it('compared rows', () => expect(compared).toBeGreaterThanOrEqual(withCorpus ? 10 : 1));
});
