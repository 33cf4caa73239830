/**
 * src/encode/records.ts is the one definition of the JSON records: the
 * generated docs/records.md matches it, and every record the fixtures give
 * (conns, http, dns, arp and read --json) has exactly the fields its type
 * declares: none missing that is not optional, none the type does not name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no declarations
import { recordFields, recordsDoc } from '../../scripts/records-doc.mjs';
import { FIXTURES, ROOT, netlens } from '../helpers/netlens.js';

type Field = { name: string; optional: boolean; type: string };
const text = readFileSync(join(ROOT, 'src', 'encode', 'records.ts'), 'utf8');
const fields = recordFields(text) as Record<string, Field[]>;

const BY_TYPE: Record<string, string> = {
  conn: 'ConnRecord', http: 'HttpRecord', dns: 'DnsRecord', packet: 'PacketRecord', 'arp-binding': 'ArpBindingRecord', 'arp-conflict': 'ArpConflictRecord',
  'arp-unanswered': 'ArpUnansweredRecord', 'arp-gratuitous': 'ArpSightingRecord', 'arp-probe': 'ArpSightingRecord',
  'arp-unsolicited-reply': 'ArpSightingRecord', 'arp-evicted': 'ArpEvictedRecord',
};

/** Problems of one record (or nested object) against an interface: missing and unknown fields. */
function check(obj: Record<string, unknown>, iface: string, where: string, problems: Set<string>): void {
  const decl = fields[iface];
  if (decl === undefined) { problems.add(`${where}: no interface ${iface}`); return; }
  for (const f of decl) if (!f.optional && !(f.name in obj)) problems.add(`${where}: ${iface}.${f.name} missing`);
  for (const [k, v] of Object.entries(obj)) {
    const f = decl.find((d) => d.name === k);
    if (f === undefined) { problems.add(`${where}: ${k} is not in ${iface}`); continue; }
    const named = /^([A-Z]\w+)(?: \| null)?$/.exec(f.type)?.[1];
    if (named !== undefined && fields[named] !== undefined && v !== null && typeof v === 'object') check(v as Record<string, unknown>, named, `${where}.${k}`, problems);
  }
}

describe('records.ts, the one definition of the JSON records', () => {
  it('docs/records.md is generated from it', () => {
    expect(readFileSync(join(ROOT, 'docs', 'records.md'), 'utf8')).toBe(recordsDoc(text));
  });
  const captures = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f));
  for (const command of ['conns', 'http', 'dns', 'arp', 'read']) {
    it(`${command} --json on every fixture: every record as its type declares`, () => {
      const problems = new Set<string>();
      const seen = new Set<string>();
      for (const f of captures) {
        const r = netlens([command, '--json', join(FIXTURES, f)]);
        for (const line of r.stdout.split('\n')) {
          if (line === '') continue;
          const rec = JSON.parse(line) as Record<string, unknown>;
          const iface = BY_TYPE[rec.type as string];
          seen.add(String(rec.type));
          if (iface === undefined) { problems.add(`${f}: record type ${String(rec.type)} has no interface`); continue; }
          check(rec, iface, `${command} ${f}`, problems);
        }
      }
      expect([...problems]).toEqual([]);
      expect(seen.size).toBeGreaterThan(0);
    });
  }
});
