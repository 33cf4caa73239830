/**
 * `netlens read --no-annotate -tt` prints exactly tcpdump -nn -tt's lines for
 * every fixture, and for the corpus files whose protocols netlens prints in
 * full (IPv4/IPv6 TCP, UDP, DNS, ARP, ICMP echo).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, haveCorpus, haveTool, netlens } from './helpers/netlens.js';

function tcpdumpLines(file: string): string[] {
  const r = spawnSync('tcpdump', ['-nn', '-tt', '-r', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 28 });
  return r.stdout.split('\n').filter((l) => l !== '');
}

function ours(file: string, extra: string[] = []): string[] {
  return netlens(['read', '--no-annotate', '-tt', ...extra, file]).stdout.split('\n').filter((l) => l !== '');
}

const tcpdump = haveTool('tcpdump');
describe.skipIf(!tcpdump)('line output equals tcpdump -nn -tt', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    it(`fixtures/${name}`, () => {
      const file = join(FIXTURES, name);
      expect(ours(file)).toEqual(tcpdumpLines(file));
    });
  }
  const corpus = haveCorpus();
  const FULL = [
    'print-flags.pcap', 'dns_udp.pcap', 'dns_tcp.pcap', 'tcp_rst_data.pcap', 'zeek-http_get.pcap', 'zeek-http_post.pcap',
    'zeek-arp-who-has.pcap', 'zeek-communityid_arp.pcap', 'pcpp-one_tcp_stream.pcap', 'pcpp-three_http_streams.pcap',
    'zeek-http_206_example_b.pcap', 'zeek-dns53.pcap', 'dpkt-http.pcap', 'ipv4_tcp_http_xml.pcap',
  ];
  for (const name of corpus ? FULL : []) {
    it(`corpus ${name}`, () => {
      const file = join(CORPUS, 'pcap', name);
      expect(ours(file)).toEqual(tcpdumpLines(file));
    });
  }
  it('-c stops after N packets', () => {
    expect(ours(join(FIXTURES, 'mixed.pcap'), ['-c', '5'])).toEqual(tcpdumpLines(join(FIXTURES, 'mixed.pcap')).slice(0, 5));
  });
});
