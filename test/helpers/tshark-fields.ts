/**
 * Compares netlens `read --json` records with tshark's field dump of the same
 * file (the corpus references, or tshark run now for our fixtures).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const TSHARK_FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'eth.src', 'eth.dst', 'eth.type', 'vlan.id',
  'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'ip.flags.mf',
  'ip.frag_offset', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw',
  'tcp.len', 'tcp.stream', 'udp.srcport', 'udp.dstport', 'udp.length',
];

export type Row = Record<string, string>;

export function parseFieldsTsv(text: string): Row[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return [];
  const head = lines[0]!.split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const r: Row = {};
    head.forEach((h, i) => { r[h] = cells[i] ?? ''; });
    return r;
  });
}

export function tsharkFields(file: string): Row[] {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'header=y', '-E', 'separator=/t'];
  for (const f of TSHARK_FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return parseFieldsTsv(r.stdout);
}

export function referenceFields(tsv: string): Row[] | null {
  return existsSync(tsv) ? parseFieldsTsv(readFileSync(tsv, 'utf8')) : null;
}

const first = (v: string): string => v.split(',')[0]!;

function nsOf(ts: string): bigint {
  const [sec, frac = ''] = ts.split('.');
  const digits = frac.length;
  const f = BigInt(frac || '0');
  // tshark prints the nanosecond field with %09d: more than 9 digits is an out-of-range count of nanoseconds.
  const scaled = digits <= 9 ? f * 10n ** BigInt(9 - digits) : f;
  return BigInt(sec!) * 1_000_000_000n + scaled;
}

const LETTERS: [number, string][] = [[1, 'F'], [2, 'S'], [4, 'R'], [8, 'P'], [16, '.'], [32, 'U'], [64, 'E'], [128, 'W']];
export function flagLetters(hex: string): string {
  const v = parseInt(hex, 16) & 0xff;
  if (v === 0) return 'none';
  return LETTERS.filter(([b]) => v & b).map(([, l]) => l).join('');
}

/**
 * Field-by-field comparison of one frame. Returns a list of "field: ours != tshark".
 * Documented differences in how tshark 4.0 reads a frame, where both are right:
 *  - tshark reassembles IPv4/IPv6 fragments and shows TCP/UDP fields only on the last
 *    fragment; netlens decodes the first fragment's transport header: L4 is skipped on fragments.
 *  - tshark does not dissect 802.1ad S-tags (0x88a8) as VLAN: its vlan.id list must be
 *    a subsequence of netlens's.
 *  - ICMP errors: tshark's ip.* lists hold the outer header first; tcp/udp fields of the
 *    quoted header are compared with netlens's icmp.inner.
 *  - Tunnels (several IP headers): only the outer header is compared.
 *  - A sub-second field of 2^31 µs or more: tshark's 32-bit nanosecond count wraps
 *    (timestamp_invalid_micro.pcap frame 3); netlens carries whole seconds instead.
 *  - IPv4 strict/loose source route options: tshark shows the route's final hop as
 *    ip.dst; netlens (like tcpdump) shows the header's destination field.
 */
export const KNOWN_DIFFERENCES: Record<string, { frames: number[]; fields: string[]; why: string }> = {
  'timestamp_invalid_micro.pcap': { frames: [3], fields: ['ts'], why: 'tshark wraps ts_usec*1000 in 32 bits' },
  'timestamp_invalid_nano.pcap': { frames: [3], fields: ['ts'], why: 'tshark prints a nanosecond field of 2^31 or more as a negative time' },
  'pcpp-ipv4-options.pcap': { frames: [6, 7], fields: ['ip.dst'], why: 'tshark shows the source route final hop as ip.dst' },
};

export function knownDifference(file: string, frame: number, problem: string): boolean {
  const k = KNOWN_DIFFERENCES[file];
  return k !== undefined && k.frames.includes(frame) && k.fields.some((f) => problem.startsWith(`${f}:`));
}

export function compareFrame(p: Record<string, any>, r: Row): string[] {
  const out: string[] = [];
  const eq = (name: string, ours: unknown, theirs: unknown): void => {
    if (ours === undefined && theirs === '') return; // absent on both sides
    if (String(ours) !== String(theirs)) out.push(`${name}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)}`);
  };
  if (nsOf(p.ts) !== nsOf(r['frame.time_epoch']!)) eq('ts', p.ts, r['frame.time_epoch']);
  eq('len', p.len, r['frame.len']);
  eq('caplen', p.caplen, r['frame.cap_len']);
  if (r['eth.src']) {
    // Several values: a tunnel's inner Ethernet frames (VXLAN) follow the outer one.
    eq('eth.src', p.eth?.src, first(r['eth.src']));
    eq('eth.dst', p.eth?.dst, first(r['eth.dst']!));
    if (r['eth.type']) eq('eth.type', p.eth?.type, parseInt(first(r['eth.type']), 16));
  }
  if (r['vlan.id']) {
    const theirs = r['vlan.id'].split(',').map(Number);
    const ours: number[] = p.vlan ?? [];
    let i = 0;
    for (const v of ours) if (v === theirs[i]) i++;
    if (i !== theirs.length) out.push(`vlan: ${JSON.stringify(ours)} lacks ${JSON.stringify(theirs)}`);
  }
  if (r['arp.opcode'] && p.ip === undefined) { // (an ARP inside a tunnel belongs to the inner frame)
    eq('arp.op', p.arp?.op, first(r['arp.opcode']));
    if (r['arp.src.proto_ipv4']) {
      eq('arp.senderIp', p.arp?.senderIp, first(r['arp.src.proto_ipv4']));
      eq('arp.targetIp', p.arp?.targetIp, first(r['arp.dst.proto_ipv4']!));
    }
  }
  const v4 = r['ip.src'] !== '';
  const v6 = r['ipv6.src'] !== '';
  const outerV6 = v6 && (!v4 || p.ip?.v === 6);
  if (v4 && !outerV6) {
    eq('ip.v', p.ip?.v, 4);
    eq('ip.src', p.ip?.src, first(r['ip.src']!));
    eq('ip.dst', p.ip?.dst, first(r['ip.dst']!));
    eq('ip.proto', p.ip?.proto, first(r['ip.proto']!));
    eq('ip.ttl', p.ip?.ttl, first(r['ip.ttl']!));
    eq('ip.mf', p.ip?.mf ? 1 : 0, first(r['ip.flags.mf']!));
    eq('ip.fragOffset', p.ip?.fragOffset, first(r['ip.frag_offset']!));
  } else if (outerV6) {
    eq('ip.v', p.ip?.v, 6);
    eq('ip.src', p.ip?.src, first(r['ipv6.src']!));
    eq('ip.dst', p.ip?.dst, first(r['ipv6.dst']!));
  }
  const tunnel = r['ip.src']!.includes(',') || r['ipv6.src']!.includes(',') || (v4 && v6);
  const fragment = p.ip !== undefined && (p.ip.mf === true || p.ip.fragOffset > 0);
  if (fragment || (tunnel && !p.icmp)) return out;
  if (r['tcp.srcport']) {
    if (p.icmp?.inner) {
      eq('icmp.inner.sport', p.icmp.inner.sport, first(r['tcp.srcport']));
      eq('icmp.inner.dport', p.icmp.inner.dport, first(r['tcp.dstport']!));
    } else {
      eq('tcp.sport', p.tcp?.sport, r['tcp.srcport']);
      eq('tcp.dport', p.tcp?.dport, r['tcp.dstport']);
      if (r['tcp.flags']) eq('tcp.flags', p.tcp?.flags, flagLetters(r['tcp.flags']));
      if (r['tcp.seq_raw']) eq('tcp.seq', p.tcp?.seq, r['tcp.seq_raw']);
      if (r['tcp.ack_raw']) eq('tcp.ack', p.tcp?.ack, r['tcp.ack_raw']);
      if (r['tcp.len']) eq('tcp.len', p.tcp?.len, r['tcp.len']);
    }
  }
  if (r['udp.srcport']) {
    if (p.icmp?.inner) {
      eq('icmp.inner.sport', p.icmp.inner.sport, first(r['udp.srcport']));
      eq('icmp.inner.dport', p.icmp.inner.dport, first(r['udp.dstport']!));
    } else {
      eq('udp.sport', p.udp?.sport, first(r['udp.srcport']));
      eq('udp.dport', p.udp?.dport, first(r['udp.dstport']!));
      eq('udp.len', p.udp?.len, first(r['udp.length']!));
    }
  }
  return out;
}
