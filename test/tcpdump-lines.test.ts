/**
 * `netlens read --no-annotate -tt` prints exactly tcpdump -nn -tt's lines for
 * every fixture and every corpus file, but for the corpus files listed in
 * DIFFERENT with the reason. A listed file that comes to equal tcpdump fails
 * too, so the list says what is true.
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

// Why each of these corpus files prints other lines than the installed tcpdump.
const DAMAGED = 'a damaged packet: netlens says what is wrong in brackets, tcpdump in its own words';
const APP = (proto: string): string => `tcpdump decodes ${proto}, which netlens leaves as bytes`;
const LIBPCAP = 'libpcap 1.10 stops at a pcapng interface unlike the first (or a version it refuses); netlens reads every packet';
const DIFFERENT: Record<string, string> = {
  'aarp-heapoverflow-1.pcap': DAMAGED,
  'arp-oobr.pcap': DAMAGED,
  'arp-too-long-tha.pcap': 'an ARP with an unknown hardware type and 14-byte addresses: tcpdump prints them, netlens only the operation',
  'dns-zlip-1.pcap': DAMAGED,
  'dpkt-truncated_dns.pcap': DAMAGED,
  'heapoverflow-tcp_print.pcap': DAMAGED,
  'icmp-icmp_print-oobr-1.pcap': DAMAGED,
  'ip6_frag_asan.pcap': DAMAGED,
  'ip_printroute_asan.pcap': DAMAGED,
  'ip_ts_opts_asan.pcap': DAMAGED,
  'ipv4_invalid_hdr_length.pcap': DAMAGED,
  'ipv4_invalid_length.pcap': DAMAGED,
  'ipv4_invalid_total_length.pcap': DAMAGED,
  'ipv4_invalid_total_length_2.pcap': DAMAGED,
  'ipv6-bad-version.pcap': DAMAGED,
  'ipv6-next-header-oobr-1.pcap': DAMAGED,
  'ipv6-rthdr-oobr.pcap': DAMAGED,
  'ipv6_39_byte_header.pcap': DAMAGED,
  'ipv6_frag6_negative_len.pcap': DAMAGED,
  'ipv6_invalid_length.pcap': DAMAGED,
  'mptcp-dss-oobr.pcap': DAMAGED,
  'pcpp-ip4_bad_fragment.pcap': DAMAGED,
  'tcp-auth-heapoverflow.pcap': DAMAGED,
  'tcp_header_heapoverflow.pcap': DAMAGED,
  'udp-length-heapoverflow.pcap': DAMAGED,
  'zeek-ip-bogus-header-len.pcap': DAMAGED,
  'zeek-ipv4_fragmented-syn.pcap': DAMAGED,
  'zeek-tcp_truncated-header.pcap': DAMAGED,
  'zeek-trunc_ip4-trunc.pcap': DAMAGED,
  'zeek-trunc_ip6-ext-trunc.pcap': DAMAGED,
  'zeek-trunc_ip6-trunc.pcap': DAMAGED,
  'zeek-trunc_trunc-hdr.pcap': DAMAGED,
  'icmpv6.pcap': 'IPv6 extension headers (HBH) before the upper layer',
  'ipv6-routing-header.pcap': 'IPv6 extension headers (RT6) before the upper layer',
  'pcpp-ipv6_options.pcap': 'IPv6 extension headers (HBH, DSTOPT, RT6, AH) before the upper layer',
  'libpcap-ipv6_ext_headers.pcap': 'IPv6 extension headers (HBH, RT6, frag, DSTOPT) before the upper layer',
  'zeek-ipv6-hbh-routing0.pcap': 'IPv6 extension headers (HBH, RT6) before the upper layer',
  'pcpp-ip6_fragments.pcap': 'IPv6 fragment headers: tcpdump prints frag (offset|length)',
  'zeek-ipv6-fragmented-dns.pcap': 'DNS TXT records: tcpdump prints their strings',
  'pcpp-IPv4Frag.pcap': APP('NFS'),
  'pcpp-VlanPackets.pcap': APP('CDP, STP and other 802.3/LLC frames'),
  'pcpp-ipv4-options.pcap': APP('IGMP'),
  'pcpp-microsecs_big_endian.pcap': 'link type 147 (user 0): tcpdump shows UNSUPPORTED and the bytes',
  'pcpp-null_loopback.pcap': 'a BSD loopback family tcpdump does not know whose payload is IP: netlens decodes it, tcpdump dumps it',
  'pcpp-raw_ip.pcap': APP('BOOTP/DHCP'),
  'pptp.pcap': APP('PPTP and GRE'),
  'zeek-ipv4_fragmented-1.pcap': APP('NTP'),
  'zeek-ipv4_fragmented-2.pcap': APP('NTP'),
  'zeek-redis_pipelining-example.pcap': APP('RESP (Redis)'),
  'pcpp-many_interfaces-1.pcapng': LIBPCAP,
  'pcpp-too_many_interfaces.pcapng': LIBPCAP,
  'pcpp-pcapng-example.pcapng': LIBPCAP,
  'libpcap-pcap-invalid-version-2.pcap': LIBPCAP,
  'timestamp_invalid_micro.pcap': 'tcpdump 4.99 leaves out the (invalid us) flag that its current sources print',
  'timestamp_invalid_nano.pcap': 'tcpdump 4.99 leaves out the (invalid ns) flag that its current sources print',
};

const tcpdump = haveTool('tcpdump');
describe.skipIf(!tcpdump)('line output equals tcpdump -nn -tt', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    it(`fixtures/${name}`, () => {
      const file = join(FIXTURES, name);
      expect(ours(file)).toEqual(tcpdumpLines(file));
    });
  }
  const corpus = haveCorpus();
  if (!corpus) console.log('corpus comparisons skipped: ../shared/corpus is not beside this clone');
  const corpusFiles = corpus ? readdirSync(join(CORPUS, 'pcap')).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];
  for (const name of corpusFiles) {
    const reason = DIFFERENT[name];
    it(`corpus ${name}${reason === undefined ? '' : ` differs: ${reason}`}`, () => {
      const file = join(CORPUS, 'pcap', name);
      if (reason === undefined) expect(ours(file)).toEqual(tcpdumpLines(file));
      else expect(ours(file), `${name} now equals tcpdump: take it off the list`).not.toEqual(tcpdumpLines(file));
    });
  }
  it.skipIf(!corpus)('every listed difference names a corpus file', () => {
    expect(Object.keys(DIFFERENT).filter((n) => !corpusFiles.includes(n))).toEqual([]);
    expect(corpusFiles.length - Object.keys(DIFFERENT).length).toBeGreaterThan(60);
  });
  it('-c stops after N packets', () => {
    expect(ours(join(FIXTURES, 'mixed.pcap'), ['-c', '5'])).toEqual(tcpdumpLines(join(FIXTURES, 'mixed.pcap')).slice(0, 5));
  });
});
