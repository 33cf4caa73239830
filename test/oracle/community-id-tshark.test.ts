/**
 * Community ID on the whole corpus against tshark's communityid dissector
 * (`--enable-protocol communityid`): every packet record that carries a
 * `communityId` must carry tshark's for that frame. Where the two read a
 * frame's flow differently the file is listed with why; an undocumented
 * difference fails, and so does a documented one that no longer happens.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, haveCorpus, haveTool, ndjson, netlens } from '../helpers/netlens.js';

/** File → why netlens's ID differs from tshark's on some of its frames. */
const DOCUMENTED: Record<string, string> = {
  // netlens hashes the conversation's key, which is Zeek's (conn_id, and so Zeek's community_id):
  // the final destination of a routing header, the home address of a destination option.
  'ipv6-routing-header.pcap': 'routing header: the final destination (Zeek\'s conn_id), tshark the header\'s destination',
  'zeek-ipv6-hbh-routing0.pcap': 'routing header: the final destination (Zeek\'s conn_id)',
  'pcpp-ipv6_options.pcap': 'home address option / routing header: Zeek\'s conn_id addresses',
  // IPv4 source route: tshark shows the route's final hop as ip.dst (as in tshark-diff.test.ts).
  'pcpp-ipv4-options.pcap': 'strict/loose source route: tshark hashes the final hop',
  // A first fragment: netlens gives it its conversation's ID (ports from the fragment, as Zeek
  // keys it); tshark hashes the unreassembled fragment without ports, or nothing.
  'pcpp-IPv4Frag.pcap': 'first fragment: the conversation\'s ID; tshark none or a port-less one',
  'pcpp-ip6_fragments.pcap': 'first fragments: the conversation\'s ID; tshark none',
  'zeek-ipv4_fragmented-1.pcap': 'first fragment: the conversation\'s ID; tshark a port-less one',
  'zeek-ipv4_fragmented-2.pcap': 'first fragments: the conversation\'s ID; tshark a port-less one',
  'zeek-ipv4_fragmented-syn.pcap': 'a fragmented SYN: the conversation\'s ID; tshark a port-less one',
  'zeek-ipv6-fragmented-dns.pcap': 'first fragment: the conversation\'s ID; tshark none',
  // LINKTYPE_IPV6 holding an IPv4 packet: tcpdump and netlens read it as IPv4, tshark refuses it.
  'LINKTYPE_IPV6_invalid.pcap': 'an IPv4 packet in a LINKTYPE_IPV6 file: tshark does not decode it',
};

const ready = haveCorpus() && haveTool('tshark');
describe.skipIf(!ready)('read --json communityId agrees with tshark on the corpus', () => {
  const files = ready ? readdirSync(join(CORPUS, 'pcap')).sort() : [];
  const seen = new Set<string>();
  let compared = 0;

  it('every file', () => {
    const undocumented: string[] = [];
    for (const f of files) {
      const path = join(CORPUS, 'pcap', f);
      const t = spawnSync('tshark', ['-n', '--enable-protocol', 'communityid', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'communityid'],
        { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (t.status !== 0) continue; // a file tshark cannot read at all (the damaged-input cases)
      const theirs = new Map(t.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t') as [string, string]));
      const r = netlens(['read', '--json', path]);
      for (const p of ndjson(r.stdout)) {
        if (p.communityId === undefined) continue; // tshark also hashes SCTP, other protocols and tunnels' inner flows
        compared++;
        const want = theirs.get(String(p.n)) ?? '';
        if (p.communityId === want) continue;
        if (DOCUMENTED[f] !== undefined) { seen.add(f); continue; }
        undocumented.push(`${f} frame ${p.n}: netlens ${p.communityId} tshark ${want}`);
      }
    }
    expect(undocumented).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  }, 600_000);

  it('every documented difference still happens', () => {
    expect(Object.keys(DOCUMENTED).filter((k) => !seen.has(k))).toEqual([]);
  });
});
