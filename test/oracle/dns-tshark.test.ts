/**
 * Differential test of `dns --json` against tshark on every fixture and corpus
 * capture with DNS on port 53: the same answered pairs (transaction id, query
 * name, rcode), the same rtts (tshark's dns.time), the same unanswered queries
 * and the same number of retransmitted queries (dns.retransmission).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DnsRecord } from '../../src/encode/records.js';
import { CORPUS, FIXTURES, haveCorpus, haveTool, ndjson, netlens } from '../helpers/netlens.js';

const HAVE = haveTool('tshark');

interface TsharkDns { frame: number; id: number; response: boolean; rcode: number; time: number | null; name: string; responseTo: number | null; responseIn: number | null; retransmission: boolean; fragmented: boolean; aa: boolean; rd: boolean; ra: boolean; z: number }

const bit = (s: string | undefined): boolean => s === '1' || s === 'True';

function tshark(file: string): TsharkDns[] {
  const r = spawnSync('tshark', ['-r', file, '-n', '-2', '-Y', '(udp.port == 53 || tcp.port == 53) && dns', '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'frame.number', '-e', 'dns.id', '-e', 'dns.flags.response', '-e', 'dns.flags.rcode', '-e', 'dns.time', '-e', 'dns.qry.name',
    '-e', 'dns.response_to', '-e', 'dns.response_in', '-e', 'dns.retransmission', '-e', 'ip.fragments', '-e', 'ipv6.fragments',
    '-e', 'dns.flags.authoritative', '-e', 'dns.flags.recdesired', '-e', 'dns.flags.recavail', '-e', 'dns.flags.z', '-e', 'dns.flags.authenticated', '-e', 'dns.flags.checkdisable'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const f = l.split('\t');
    const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));
    return {
      frame: Number(f[0]), id: Number(f[1]), response: f[2] === '1' || f[2] === 'True', rcode: Number(f[3] || 0), time: num(f[4]),
      name: f[5] === '<Root>' ? '.' : f[5]!, responseTo: num(f[6]), responseIn: num(f[7]), retransmission: f[8] === '1' || f[8] === 'True',
      fragmented: (f[9] ?? '') !== '' || (f[10] ?? '') !== '',
      aa: bit(f[11]), rd: bit(f[12]), ra: bit(f[13]), z: (bit(f[14]) ? 4 : 0) + (bit(f[15]) ? 2 : 0) + (bit(f[16]) ? 1 : 0),
    };
  });
}

const RCODE: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10 };

function captures(): string[] {
  const out = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(FIXTURES, f));
  if (haveCorpus() && existsSync(join(CORPUS, 'pcap'))) out.push(...readdirSync(join(CORPUS, 'pcap')).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CORPUS, 'pcap', f)));
  return out;
}

describe.skipIf(!HAVE)('dns --json against tshark', () => {
  const files = HAVE ? captures().map((f) => ({ f, ts: tshark(f) })).filter((c) => c.ts.length > 0) : [];
  // Without ../shared/corpus (a user's clone) only the fixtures are compared: said once, and fewer are expected.
  const withCorpus = haveCorpus() && existsSync(join(CORPUS, 'pcap'));
  if (!withCorpus) console.warn('dns oracle: ../shared/corpus is absent; comparing the fixtures only');
  it('there are captures with DNS to compare', () => expect(files.length).toBeGreaterThanOrEqual(withCorpus ? 5 : 1));
  for (const { f, ts } of files) {
    it(f.slice(f.lastIndexOf('/') + 1), () => {
      const r = netlens(['dns', '--json', f]);
      expect(r.status, r.stderr).toBe(0);
      const ours = ndjson(r.stdout) as DnsRecord[];
      const pairs = ts.filter((m) => m.response && m.responseTo !== null && !m.retransmission);
      const answered = ours.filter((x) => x.rtt !== null);
      expect(answered.map((x) => `${x.id} ${x.query} ${RCODE[x.rcode!]}`).sort()).toEqual(pairs.map((m) => `${m.id} ${m.name} ${m.rcode}`).sort());
      // dns.time: to the response's frame (a fragmented response: tshark's is its last fragment, netlens's its first).
      const time = new Map(pairs.filter((m) => !m.fragmented).map((m) => [`${m.id} ${m.name}`, m.time!]));
      for (const x of answered) {
        const want = time.get(`${x.id} ${x.query}`);
        if (want !== undefined) expect(Math.abs(x.rtt! - want), `${x.id} ${x.query}`).toBeLessThan(1.5e-6);
      }
      // The header bits: AA and RA of the response, RD and Z (Z, AD, CD) of the query it answers.
      const byFrame = new Map(ts.map((m) => [m.frame, m]));
      const bits = new Map(pairs.map((m) => { const q = byFrame.get(m.responseTo!); return [`${m.id} ${m.name}`, { authoritative: m.aa, recursionAvailable: m.ra, recursionDesired: q?.rd, z: q?.z }]; }));
      for (const x of answered) {
        const want = bits.get(`${x.id} ${x.query}`);
        if (want !== undefined && want.z !== undefined) expect({ authoritative: x.authoritative, recursionAvailable: x.recursionAvailable, recursionDesired: x.recursionDesired, z: x.z }, `${x.id} ${x.query}`).toEqual(want);
      }
      const unanswered = ts.filter((m) => !m.response && m.responseIn === null && !m.retransmission);
      expect(ours.filter((x) => x.rcode === null).map((x) => `${x.id} ${x.query}`).sort()).toEqual(unanswered.map((m) => `${m.id} ${m.name}`).sort());
      expect(ours.reduce((n, x) => n + x.retries, 0)).toBe(ts.filter((m) => !m.response && m.retransmission).length);
    });
  }
});
