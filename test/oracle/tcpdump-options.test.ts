/**
 * tcpdump's printing options in `read` (and `capture`): -x/-xx, -X/-XX, -A/-AA
 * (the packet's bytes after its line), -e (the link-level header) and -#
 * (packet numbers), -q (quick lines), -S (absolute sequence numbers) and
 * -n/-nn (accepted: netlens never resolves names), checked three ways:
 *  - against tcpdump's own expected outputs: the .out files of its test suite
 *    in ../shared/corpus/tcpdump-out, run as its TESTrun runs them
 *    (`-# -n -tttt`, TZ=GMT0);
 *  - against the installed tcpdump on every fixture and on the corpus files
 *    whose lines netlens prints in full;
 *  - on frames built here: bytes that could drive a terminal, odd lengths,
 *    offsets past 0xffff.
 * netlens's command lines run in batches, in-process in a few node processes
 * (../helpers/netlens-batch.ts; NETLENS_TEST_SEPARATE=1 runs each in its own),
 * and tcpdump's runs two at a time while they do: a process per command line
 * took this file about 280 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, haveCorpus, haveTool, netlens, type RunResult } from '../helpers/netlens.js';
import { type NetlensCase, netlensMany } from '../helpers/netlens-batch.js';
import { classicPcap, type CutFrame, tcpSegment } from '../helpers/pcap.js';
import { nativeAvailable, nativeUnavailableReason } from '../../src/source/live.js';

const corpus = haveCorpus();
const tcpdump = haveTool('tcpdump');
if (tcpdump && !nativeAvailable()) console.warn(`tcpdump-options.test: --count without a filter only: ${nativeUnavailableReason()}`);

describe.skipIf(!corpus)("tcpdump's own expected outputs (tests/*.out)", () => {
  // The test cases of tcpdump's suite that use only what netlens prints: the
  // raw-data options, -e, and plain lines of the protocols netlens prints in full.
  const CASES = [
    'print-x', 'print-xx', 'print-X', 'print-XX', 'print-A', 'print-AA',
    '802.1ad_QinQ', 'LINKTYPE_IPV4-e', 'LINKTYPE_IPV6-e', 'LINKTYPE_RAW_ipv4-e', 'LINKTYPE_RAW_ipv6-e',
    'LINKTYPE_IPV4', 'LINKTYPE_IPV6', 'LINKTYPE_RAW_ipv4', 'LINKTYPE_RAW_ipv6',
    'tcp_eight_lowest_weight_flags_set', 'dns_tcp', 'dns_udp', 'empty-pcap', 'empty-pcapng',
    // -q with every time format, µs and ns, and sub-second fields out of range.
    ...['', '-t', '-tt', '-ttt', '-tttt', '-ttttt'].flatMap((t) => [`tcp-handshake-micro${t}`, `tcp-handshake-nano${t}`]),
    'timestamp_invalid_micro', 'timestamp_invalid_nano',
    // -v, -vv, -vvv: IP header fields, checksums, DNS sections and TTLs, IPv6 extension
    // header options, neighbour discovery and MLD, the data of a reset; -g (one line).
    'tcp_rst_data-v', '802.1ad_QinQv', 'icmpv6', 'dns_tcp-v', 'dns_tcp-vv', 'dns_tcp-vvv', 'dns_udp-v', 'dns_udp-vv',
    'dns_udp-vvv', 'dns_udp-vg', 'ipv6-routing-header', 'ipv6_frag6_negative_len',
  ];
  const index = corpus
    ? readFileSync(join(CORPUS, 'tcpdump-out', 'INDEX.tsv'), 'utf8').split('\n').slice(1).filter((l) => l !== '').map((l) => l.split('\t'))
    : [];
  const rows = new Map(CASES.map((name) => [name, index.find((r) => r[1] === name)]));
  const found = CASES.filter((name) => rows.get(name) !== undefined);
  const results = new Map<string, RunResult>();
  beforeAll(async () => {
    const runs = await netlensMany(found.map((name): NetlensCase => {
      const [file, , , options = ''] = rows.get(name)!;
      // TESTrun adds -tttt unless the test names its own time format (SPECIAL_t).
      const args = options.split(' ').filter((o) => o !== '' && o !== 'SPECIAL_t');
      const time = options.includes('SPECIAL_t') ? [] : ['-tttt'];
      return { args: ['read', '--no-annotate', '-#', ...time, ...args, join(CORPUS, 'pcap', file!)], env: { TZ: 'GMT0' } };
    }));
    found.forEach((name, i) => results.set(name, runs[i]!));
  }, 120_000);
  for (const name of CASES) {
    it(name, () => {
      const row = rows.get(name);
      expect(row, `${name} in INDEX.tsv`).toBeDefined();
      const r = results.get(name)!;
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(CORPUS, 'tcpdump-out', row![2]!), 'utf8'));
    });
  }
});

const RAW_LINK_TYPES = new Set([12, 14, 101, 228, 229]);
function linkType(file: string): number {
  const h = readFileSync(file).subarray(0, 24);
  return h.readUInt32LE(0) === 0xa1b2c3d4 || h.readUInt32LE(0) === 0xa1b23c4d ? h.readUInt32LE(20) : h.readUInt32BE(20);
}

/**
 * tcpdump 4.99's verbose IPv6 header in the words of its current sources and
 * test suite, which netlens follows: `next-header UDP (17), payload length 37`
 * (4.99: `next-header UDP (17) payload length: 37`), and `HBH` for next header 0
 * (4.99: `Options`).
 */
function current(text: string): string {
  return text.replace(/next-header (.*?) \((\d+)\) payload length: (\d+)\)/g, 'next-header $1 ($2), payload length $3)')
    .replace(/next-header Options \(0\)/g, 'next-header HBH (0)');
}

const TCPDUMP_ENV = { ...process.env, TZ: 'UTC' };

function tcpdumpOut(args: string[], input?: Buffer): string {
  const r = spawnSync('tcpdump', ['-nn', '-tt', ...args], { input, env: TCPDUMP_ENV, maxBuffer: 1 << 28 });
  return r.stdout.toString('utf8');
}

/** `tcpdump ARGS` for each command line, `jobs` at a time (while netlens's batches run): each one's stdout. */
async function tcpdumpMany(commands: string[][], jobs = 2): Promise<string[]> {
  const out: string[] = new Array(commands.length);
  let next = 0;
  const job = async (): Promise<void> => {
    while (next < commands.length) {
      const i = next++;
      out[i] = await new Promise<string>((resolve, reject) => {
        const p = spawn('tcpdump', commands[i]!, { env: TCPDUMP_ENV, stdio: ['ignore', 'pipe', 'ignore'] });
        const chunks: Buffer[] = [];
        p.stdout.on('data', (c: Buffer) => chunks.push(c));
        p.on('error', reject);
        p.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, job));
  return out;
}

describe.skipIf(!tcpdump)('equal to the installed tcpdump', () => {
  const files = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(FIXTURES, f));
  // The corpus files whose plain lines equal tcpdump's (test/tcpdump-lines.test.ts).
  if (corpus) {
    for (const f of ['print-flags.pcap', 'dns_udp.pcap', 'dns_tcp.pcap', 'zeek-http_get.pcap', 'zeek-arp-who-has.pcap',
      'pcpp-three_http_streams.pcap', 'zeek-dns53.pcap', 'dpkt-http.pcap', 'ipv4_tcp_http_xml.pcap', '802.1ad_QinQ.pcap',
      'icmpv6.pcap', 'ipv6-routing-header.pcap', 'libpcap-ipv6_ext_headers.pcap', 'zeek-ipv6-hbh-routing0.pcap', 'pcpp-ip6_fragments.pcap',
      'zeek-icmp_icmp-destunreach-udp.pcap', 'zeek-icmp_icmp-timeexceeded.pcap', 'zeek-icmp_icmp6-neighbor-solicit.pcap', 'tcp_rst_data.pcap']) {
      files.push(join(CORPUS, 'pcap', f));
    }
  }
  const OPTIONS = ['-x', '-X', '-A', '-XX', '-e', '-q', '-S', '-nn', '-v', '-vv', '-vvv', '-v -q', '-v -e', '-vv -X', '-K -vv'];
  // tcpdump 4.99 prints "ip: " after -e on raw-IP links; its current sources and its
  // test suite (the .out files above) print "IP ", as netlens does.
  const filesFor = (args: string[]): string[] => files.filter((file) => !(args.includes('-e') && RAW_LINK_TYPES.has(linkType(file))));
  // A filter needs the libpcap binding (BPF).
  const extras = nativeAvailable() ? [[], ['-c', '3'], ['udp or arp']] : [[], ['-c', '3']];
  const countCases = files.slice(0, 12).flatMap((file) => extras.map((extra) => ({ file, extra })));
  const optionCases = OPTIONS.flatMap((option) => filesFor(option.split(' ')).map((file) => ({ option, args: option.split(' '), file })));
  // Every command line of this block, netlens's and tcpdump's, run before its tests.
  let ours: RunResult[] = [];
  let theirs: string[] = [];
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([
      netlensMany([
        ...countCases.map(({ file, extra }) => ({ args: ['read', '--count', file, ...extra.filter((e) => e.includes(' ')), ...extra.filter((e) => !e.includes(' '))] })),
        ...optionCases.map(({ args, file }) => ({ args: ['read', '--no-annotate', '-tt', ...args, file] })),
      ]),
      tcpdumpMany([
        ...countCases.map(({ file, extra }) => ['--count', '-r', file, ...extra.filter((e) => !e.includes(' ')), ...extra.filter((e) => e.includes(' '))]),
        ...optionCases.map(({ args, file }) => ['-nn', '-tt', ...args, '-r', file]),
      ]),
    ]);
  }, 600_000);

  it('--count: only the number of packets that pass the filter and -c', () => {
    for (const [i, { file, extra }] of countCases.entries()) {
      expect(ours[i]!.stdout, `${file} ${extra.join(' ')}`).toBe(theirs[i]);
      expect(ours[i]!.status, `${file} ${extra.join(' ')}: ${ours[i]!.stderr}`).toBe(0);
    }
  });

  for (const option of OPTIONS) {
    it(`${option} on every fixture and the fully printed corpus files`, () => {
      let compared = 0;
      for (const [k, c] of optionCases.entries()) {
        if (c.option !== option) continue;
        const i = countCases.length + k;
        expect(ours[i]!.stdout, `${option} ${c.file}`).toBe(current(theirs[i]!));
        expect(ours[i]!.status, `${option} ${c.file}: ${ours[i]!.stderr}`).toBe(0);
        compared++;
      }
      // Every fixture (the corpus files too, when it is there): the loop really ran.
      expect(compared).toBe(filesFor(option.split(' ')).length);
      expect(compared).toBeGreaterThan(corpus ? 30 : 12);
    });
  }
});

/** Ethernet + IPv4 + TCP (PSH|ACK) from 10.0.0.1:40000 to 10.0.0.2:9000 carrying payload. */
const tcpFrame = (payload: Buffer): Buffer => tcpSegment({ seq: 1, ack: 1, payload });
const pcap = (frames: (Buffer | CutFrame)[]): Buffer => classicPcap(frames);

describe('raw-data options on built frames', () => {
  const hostile = Buffer.from('GET / HTTP/1.1\r\nX-A: \x1b[2J\x1b]52;c;SGk=\x07\r\nX-B: caf\xc3\xa9\x7f\x00\r\r\n\r', 'latin1');
  const odd = Buffer.from('odd!!', 'latin1');
  const file = pcap([tcpFrame(hostile), tcpFrame(odd)]);

  it('-A and -X print no byte that could drive a terminal', async () => {
    const options = ['-A', '-AA', '-X', '-XX', '-x'];
    const runs = await netlensMany(options.map((option) => ({ args: ['read', '--no-annotate', option, '-'], input: file })));
    for (const [i, option] of options.entries()) {
      expect(runs[i]!.stdout, option).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\uffff]/);
      expect(runs[i]!.status, `${option}: ${runs[i]!.stderr}`).toBe(0);
    }
    const ascii = runs[0]!.stdout.split('\n');
    // ESC, BEL, DEL, NUL and the UTF-8 bytes as '.'; a CR before LF dropped, a lone CR as '.'.
    expect(ascii).toContain('X-A: .[2J.]52;c;SGk=.');
    expect(ascii).toContain('X-B: caf.....');
  });

  it.skipIf(!tcpdump)('-A, -X and -x equal tcpdump on those frames', async () => {
    const options = ['-A', '-X', '-x', '-AA', '-XX', '-xx'];
    const runs = await netlensMany(options.map((option) => ({ args: ['read', '--no-annotate', '-tt', option, '-'], input: file })));
    for (const [i, option] of options.entries()) {
      expect(runs[i]!.stdout, option).toBe(tcpdumpOut([option, '-r', '-'], file));
    }
  });

  it('-xx counts offsets past 0xffff in five digits, as printf %04x does', () => {
    const big = Buffer.alloc(70000, 0x41);
    Buffer.from('020000000002020000000001' + '88b5', 'hex').copy(big); // a local experimental EtherType
    const lines = netlens(['read', '--no-annotate', '-xx', '-'], pcap([big])).stdout.split('\n').filter((l) => l.startsWith('\t'));
    expect(lines).toHaveLength(Math.ceil(70000 / 16));
    expect(lines[0]).toBe('\t0x0000:  0200 0000 0002 0200 0000 0001 88b5 4141');
    expect(lines[4096]).toBe('\t0x10000:  4141 4141 4141 4141 4141 4141 4141 4141');
    expect(lines.at(-1)).toBe('\t0x11160:  4141 4141 4141 4141 4141 4141 4141 4141');
  });

  it.skipIf(!tcpdump)('a protocol netlens does not decode: the link-level header, then the bytes, as tcpdump prints them', async () => {
    const unknownType = Buffer.concat([Buffer.from('020000000002020000000001' + '88b5', 'hex'), Buffer.from('payload of a local experimental EtherType\x1b[2J')]);
    // BSD loopback, AF 99. (A payload starting with an IP version nibble would be decoded as that
    // IP version, as Wireshark does; tcpdump dumps it.)
    const unknownFamily = Buffer.concat([Buffer.from([99, 0, 0, 0]), Buffer.from('xyz: not an IP packet at all')]);
    const cases = [pcap([unknownType]), classicPcap([unknownFamily], 1763800000, 0)]
      .flatMap((capture) => [[], ['-e'], ['-A'], ['-X'], ['-q'], ['-e', '-q']].map((option) => ({ capture, option })));
    const runs = await netlensMany(cases.map(({ capture, option }) => ({ args: ['read', '-tt', ...option, '-'], input: capture })));
    for (const [i, { capture, option }] of cases.entries()) {
      expect(runs[i]!.stdout, option.join(' ')).toBe(tcpdumpOut([...option, '-r', '-'], capture));
    }
  });

  it.skipIf(!tcpdump)('Linux cooked v2 (what -i any captures): interface name and direction first, as tcpdump prints them', async () => {
    const sll2 = (ifindex: number, pkttype: number, frame: Buffer): Buffer => {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(0x0800, 0); h.writeUInt32BE(ifindex, 4); h.writeUInt16BE(1, 8); h[10] = pkttype; h[11] = 6;
      Buffer.from('020000000001', 'hex').copy(h, 12);
      return Buffer.concat([h, frame.subarray(14)]); // the IPv4 packet of an Ethernet frame
    };
    // ifindex 1 is lo on every Linux machine; 2^31 - 1 is no interface ("?").
    const capture = classicPcap([sll2(1, 0, tcpFrame(Buffer.from('hello'))), sll2(0x7fffffff, 4, tcpFrame(Buffer.from('again')))], 1763800000, 276);
    const options = [[], ['-e'], ['-X'], ['-q']];
    const runs = await netlensMany(options.map((option) => ({ args: ['read', '--no-annotate', '-tt', ...option, '-'], input: capture })));
    for (const [i, option] of options.entries()) {
      const ours = runs[i]!.stdout;
      expect(ours, option.join(' ')).toBe(tcpdumpOut([...option, '-r', '-'], capture));
      expect(ours).toMatch(/^\d+\.\d+ lo {4}In  /);
    }
  });

  it.skipIf(!tcpdump)('text protocols by port (FTP, SSH, SMTP, WHOIS, HTTP, RTSP): first lines as tcpdump shows them', () => {
    const seg = (sport: number, dport: number, text: string, cut = -1): Buffer | CutFrame => {
      const f = tcpSegment({ sport, dport, seq: 1, ack: 1, payload: Buffer.from(text, 'latin1') });
      return cut < 0 ? f : { data: f.subarray(0, 54 + cut), wireLen: f.length }; // snaplen: the payload cut after `cut` bytes
    };
    const frames = [
      seg(40000, 22, 'SSH-2.0-OpenSSH_9.2p1 Debian\r\n'), seg(22, 40000, 'SSH-2.0-x\r'), seg(22, 40000, '\x00\x00\x01binary'),
      seg(40000, 21, 'USER anonymous\r\n'), seg(25, 40000, '220 mail ESMTP\r\n'), seg(40000, 43, 'example.org\r\n'),
      seg(40000, 80, 'GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n'), seg(80, 40000, 'HTTP/1.1 404 Not Found\r\n\r\n'),
      seg(40000, 80, 'get /lower-case-method HTTP/1.0\n\n'), seg(40000, 80, 'BREW /pot HTCPCP/1.0\r\n\r\n'),
      seg(40000, 80, 'GET /\x1b[2J HTTP/1.1\r\n\r\n'), seg(40000, 80, 'GET /cut-by-the-snaplen HTTP/1.1\r\n', 10),
      seg(40000, 8080, 'POST /form HTTP/1.1\r\nContent-Length: 0\r\n\r\n'), seg(40000, 8000, 'GET /not-a-tcpdump-http-port HTTP/1.1\r\n\r\n'),
      seg(40000, 554, 'DESCRIBE rtsp://cam/stream RTSP/1.0\r\n\r\n'), seg(8554, 40000, 'RTSP/1.0 200 OK\r\n\r\n'),
    ];
    const capture = pcap(frames);
    const ours = netlens(['read', '--no-annotate', '-tt', '-S', '-'], capture).stdout;
    expect(ours).toBe(tcpdumpOut(['-S', '-r', '-'], capture));
    expect(ours).toContain(': SSH: SSH-2.0-OpenSSH_9.2p1 Debian\n');
    expect(ours).toContain(': HTTP [|http]\n');
  });

  it('-# numbers lines as tcpdump does ("%5u  ")', () => {
    const lines = netlens(['read', '--no-annotate', '-#', '-t', '-'], file).stdout.split('\n');
    expect(lines[0]).toMatch(/^ {4}1 {2}IP 10\.0\.0\.1\.40000 > 10\.0\.0\.2\.9000: /);
    expect(lines[1]).toMatch(/^ {4}2 {2}IP /);
  });
});
