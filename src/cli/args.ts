/** argv → options. No protocol logic here. */
import { closeSync, openSync, readSync } from 'node:fs';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL } from '../track/reassembly.js';
import { DEFAULT_DNS_TIMEOUT, DEFAULT_MAX_PENDING } from '../track/dns.js';
import type { DumpMode } from '../print/hex-dump.js';
import type { TimeMode } from '../encode/time.js';
import { finestPeriod, patternProblem } from '../source/file-name.js';

export interface Options {
  command: string;
  positional: string[];
  json: boolean;
  count: number;
  duration: number;
  time: TimeMode;
  nano: boolean;
  iface: string | null;
  write: string | null;
  snaplen: number;
  promisc: boolean;
  bufferKiB: number;
  /** libpcap immediate mode (one ring slot per packet, no block timeout) instead of 10 ms blocks. */
  immediate: boolean;
  /** The native capture thread's ring, KiB (--ring-buffer MiB). */
  ringKiB: number;
  backend: 'native' | 'cap';
  user: string | null;
  annotate: boolean;
  /** tcpdump's -x/-X/-A (and -xx/-XX/-AA: with the link-level header). */
  dump: DumpMode;
  dumpLink: boolean;
  /** tcpdump's -e: the link-level header on each line. */
  linkHeader: boolean;
  /** tcpdump's -#: each line starts with the packet's number. */
  number: boolean;
  /** tcpdump's -q: shorter lines (TCP and UDP by their length). */
  quick: boolean;
  /** tcpdump's -v/-vv/-vvv: 0 to 3. */
  verbose: number;
  /** tcpdump's -g: no line break after the verbose IPv4 header. */
  oneLine: boolean;
  /** tcpdump's -K: -v checks no IPv4, TCP or UDP checksum. */
  noChecksums: boolean;
  /** tcpdump's --count: only the number of packets (that pass the filter and -c). */
  countOnly: boolean;
  /** tcpdump's -S: absolute TCP sequence numbers. */
  absolute: boolean;
  maxConns: number;
  /** Bytes held out of order per stream, and in all streams (follow, http). */
  maxHeld: number;
  maxHeldTotal: number;
  tcpIdle: number;
  udpIdle: number;
  raw: 'client' | 'server' | null;
  hex: boolean;
  /** ladder: draw with ASCII only; write an SVG; show every segment. */
  ascii: boolean;
  svg: string | null;
  full: boolean;
  /** graph: which graph (--kind), and whose data (--dir; null: the side that sent more). */
  graphKind: 'tseq' | 'throughput' | 'rtt' | 'window';
  graphDir: 'client' | 'server' | null;
  /** ladder --time-scale / --no-time-scale; null: the view's default (off in text, on in the SVG). */
  timeScale: boolean | null;
  /** ladder --legend: the text view's legend (the SVG always has its box). */
  legend: boolean;
  /** capture: the live connection table. */
  top: boolean;
  help: boolean;
  /** -V, --version */
  version: boolean;
  /** --prefilter: a filter drops frames before the analysis sees them (tcpdump's meaning), in conns, http, follow and ladder too. */
  prefilter: boolean;
  /** --community-id-seed: the Community ID's 16-bit seed. */
  communityIdSeed: number;
  /** --format: text (the human view), json (= --json), zeek (Zeek's TSV log), zeek-json (Zeek's JSON log), parquet (conns, http: a file, -w FILE). */
  format: 'text' | 'json' | 'zeek' | 'zeek-json' | 'parquet';
  /** --seed: what Zeek uids are drawn from (null: a random seed per run, as Zeek's are). */
  seed: number | null;
  /** --zeek-local-nets: Site::local_nets for local_orig / local_resp, besides the private address space (as Zeek). */
  zeekLocalNets: string | null;
  /** -C: bytes per capture file before the next one (0: one file). */
  rotateBytes: number;
  /** -G: seconds per capture file (0: none). */
  rotateSeconds: number;
  /** -W: the ring's files (with -C), or files before stopping (-G alone); 0: no limit. */
  rotateFiles: number;
  /** -z: the program run on each capture file once it is closed. */
  postRotate: string | null;
  /** --free-space-min in bytes (0: not checked). */
  freeSpaceMin: number;
  /** --stats: seconds between the capture's counters on stderr (a stats record with --json); 0: only at the end and on SIGUSR1. */
  statsEvery: number;
  /** conns --interim: seconds of capture time between interim records of the open conversations; 0: none; null: the default (60 live with --json, else none). */
  interim: number | null;
  /** dns: seconds (of capture time) a query waits for its response before it is reported unanswered. */
  dnsTimeout: number;
  /** dns: queries waiting for their responses at once; the oldest is reported unanswered when one more comes. */
  maxPending: number;
  /** slice: one file per conversation, in this directory. */
  split: string | null;
  /** slice: write pcapng whatever the input. */
  pcapng: boolean;
}

/** A user's mistake on the command line: one line, then the command's usage, on stderr; status 2. */
export class UsageError extends Error {
  /** The command whose usage follows the message ('' for the top-level one, null for none). */
  usageOf: string | null = null;
}

/** The commands, in the order the top-level help lists them, with their synopsis. */
export const COMMAND_SYNOPSIS: Readonly<Record<string, { args: string; about: string }>> = {
  read: { args: '<file...|-> [filter...]', about: 'one line per packet, like tcpdump -nn (or --json records, like tshark)' },
  capture: { args: '<iface> [filter...]', about: 'the same, live (libpcap); --top for a live connection table' },
  conns: { args: '<file...|- | -i iface> [filter...]', about: 'one record per TCP/UDP conversation: states, patterns, counts' },
  arp: { args: '<file...|- | -i iface> [filter...]', about: 'ARP / neighbour-discovery table, unanswered requests, conflicts' },
  ladder: { args: '<file...|- | -i iface> <conn> [filter...]', about: 'ladder diagram of one TCP connection' },
  graph: { args: '<file...|- | -i iface> <conn> --svg FILE [filter...]', about: 'TCP stream graph of one connection (--kind tseq, throughput, rtt, window), as tcptrace draws them' },
  follow: { args: '<file...|- | -i iface> <conn> [filter...]', about: "a conversation's reassembled byte streams" },
  http: { args: '<file...|- | -i iface> [filter...]', about: 'one record per HTTP request/response pair' },
  dns: { args: '<file...|- | -i iface> [filter...]', about: 'one record per DNS query and its response (UDP and TCP): rcode, answers, rtt, retries' },
  slice: { args: '<file...|-> <conn...>', about: "every frame of some conversations: to -w FILE, or one file each with --split DIR" },
  interfaces: { args: '', about: 'capture devices, like tcpdump -D' },
};
const COMMAND_NAMES = Object.keys(COMMAND_SYNOPSIS);

const FILE_VIEWS = ['read', 'conns', 'arp', 'ladder', 'graph', 'follow', 'http', 'dns', 'slice'];
const LIVE_VIEWS = ['capture', 'conns', 'arp', 'ladder', 'graph', 'follow', 'http', 'dns'];
const SOURCE_VIEWS = ['read', ...LIVE_VIEWS];
const LINE_VIEWS = ['read', 'capture'];
const TIME_VIEWS = ['read', 'capture', 'arp', 'conns', 'http', 'dns'];
const ALL = [...COMMAND_NAMES];

/**
 * One command-line option: its spellings (a short one is a single letter
 * after '-', bundled as tcpdump's getopt bundles them: -nnr F, -c1, -vX), the
 * value it takes (its metavar, or null), the commands it applies to, whether it
 * applies only to a live source, and its help line.
 */
interface OptionSpec {
  names: string[];
  value: string | null;
  commands: readonly string[];
  live?: boolean;
  help: string;
}

const OPTION_SPECS: OptionSpec[] = [
  { names: ['-r'], value: 'FILE', commands: FILE_VIEWS, help: 'the capture file, as tcpdump -r (netlens -r FILE is read)' },
  { names: ['-i'], value: 'IFACE', commands: LIVE_VIEWS, help: 'a live source instead of a file (netlens -i IFACE is capture)' },
  { names: ['-F'], value: 'FILE', commands: SOURCE_VIEWS, help: 'the filter expression, from a file' },
  { names: ['-c'], value: 'N', commands: SOURCE_VIEWS, help: 'stop after N packets' },
  { names: ['-w'], value: 'FILE', commands: [...SOURCE_VIEWS, 'slice'], help: 'also write the frames that pass the filter (pcap, or pcapng for *.pcapng); read, capture: -w - writes the capture alone to stdout; slice: the conversations\' frames (- for stdout); conns, http --format parquet: the Parquet file instead' },
  { names: ['--json'], value: null, commands: ['read', 'capture', 'conns', 'arp', 'http', 'dns', 'interfaces'], help: 'NDJSON records on stdout (docs/records.md)' },
  { names: ['-t'], value: null, commands: TIME_VIEWS, help: '-t none, -tt epoch, -ttt delta, -tttt date, -ttttt since the first packet, as tcpdump' },
  { names: ['--time'], value: 'MODE', commands: TIME_VIEWS, help: 'time stamps: default, none, epoch, delta, date, since-first' },
  { names: ['--nano'], value: null, commands: TIME_VIEWS, help: 'nanosecond time stamps' },
  { names: ['--time-stamp-precision'], value: 'micro|nano', commands: TIME_VIEWS, help: "tcpdump's spelling of --nano" },
  { names: ['--no-annotate'], value: null, commands: LINE_VIEWS, help: "tcpdump's text only, without netlens's analysis and state events" },
  { names: ['-x'], value: null, commands: LINE_VIEWS, help: 'after each line, the packet in hex (-xx: with the link-level header)' },
  { names: ['-X'], value: null, commands: LINE_VIEWS, help: 'the same in hex and ASCII (-XX)' },
  { names: ['-A'], value: null, commands: LINE_VIEWS, help: 'the same in ASCII (-AA)' },
  { names: ['-e'], value: null, commands: LINE_VIEWS, help: 'the link-level header on each line (MAC addresses, EtherType, VLAN tags)' },
  { names: ['-#', '--number'], value: null, commands: LINE_VIEWS, help: 'number the lines' },
  { names: ['-q'], value: null, commands: LINE_VIEWS, help: 'quick lines: TCP and UDP by their length only' },
  { names: ['-v'], value: null, commands: LINE_VIEWS, help: 'verbose lines (-vv, -vvv): IP header fields, checksums, DNS records' },
  { names: ['-g'], value: null, commands: LINE_VIEWS, help: 'with -v: the IPv4 header fields on the same line as the rest' },
  { names: ['-K', '--dont-verify-checksums'], value: null, commands: LINE_VIEWS, help: 'with -v: check no IPv4, TCP or UDP checksum' },
  { names: ['-S', '--absolute-tcp-sequence-numbers'], value: null, commands: LINE_VIEWS, help: 'absolute TCP sequence numbers' },
  { names: ['--count'], value: null, commands: ['read'], help: 'print only the number of packets that pass the filter (and -c)' },
  { names: ['-l', '-U'], value: null, commands: LINE_VIEWS, help: 'accepted for tcpdump\'s sake: output is written after every batch of packets' },
  { names: ['-n', '-N'], value: null, commands: ALL, help: "accepted for tcpdump's sake: netlens never resolves names" },
  { names: ['-O', '--no-optimize'], value: null, commands: SOURCE_VIEWS, help: "accepted for tcpdump's sake: the filter's optimizer changes nothing here" },
  { names: ['--top'], value: null, commands: ['capture'], help: 'a live connection table, refreshed in place' },
  { names: ['--raw'], value: 'client|server', commands: ['follow'], help: "one side's bytes, unescaped, for a pipe or a file" },
  { names: ['--hex'], value: null, commands: ['follow'], help: 'the streams as a hex dump' },
  { names: ['--ascii'], value: null, commands: ['ladder'], help: 'draw with ASCII only' },
  { names: ['--svg'], value: 'FILE', commands: ['ladder', 'graph'], help: 'ladder: also write the diagram as SVG (- : the SVG alone, on stdout); graph: the SVG file to write (- for stdout)' },
  { names: ['--kind'], value: 'KIND', commands: ['graph'], help: 'tseq (time-sequence, the default), throughput, rtt or window' },
  { names: ['--dir'], value: 'client|server', commands: ['graph'], help: "whose data: the client's or the server's (default: the side that sent more bytes)" },
  { names: ['--full'], value: null, commands: ['ladder'], help: 'every segment, not runs of data folded into one arrow' },
  { names: ['--time-scale'], value: null, commands: ['ladder'], help: 'space rows in proportion to time, long idle gaps folded into one marked break (the SVG does by default)' },
  { names: ['--no-time-scale'], value: null, commands: ['ladder'], help: 'rows evenly spaced in the SVG too' },
  { names: ['--legend'], value: null, commands: ['ladder'], help: 'end the text diagram with what its flag and Zeek letters mean (the SVG has the box always)' },
  { names: ['--max-held'], value: 'SIZE', commands: ['follow', 'http', 'dns'], help: 'bytes held out of order per stream (default 4M)' },
  { names: ['--max-held-total'], value: 'SIZE', commands: ['follow', 'http', 'dns'], help: 'bytes held out of order in all streams (default 64M)' },
  { names: ['--dns-timeout'], value: 'S', commands: ['dns'], help: 'a query unanswered this long (capture time) is reported without a response (default 30)' },
  { names: ['--max-pending'], value: 'N', commands: ['dns'], help: 'queries waiting for their responses at once; the oldest is reported unanswered when full (default 65536)' },
  { names: ['--split'], value: 'DIR', commands: ['slice'], help: 'one file per conversation in DIR, conn-<id>-<client>-<server>.pcap (every conversation when none is named)' },
  { names: ['--pcapng'], value: null, commands: ['slice'], help: 'write pcapng (default: pcap, or pcapng for a -w *.pcapng or an input mixing link types)' },
  { names: ['--prefilter'], value: null, commands: ['read', 'conns', 'http', 'dns', 'follow', 'ladder', 'graph'], help: "the filter drops frames before the analysis (tcpdump's meaning); without it the analysis sees every frame and the filter picks the lines (read) or the conversations shown" },
  { names: ['--format'], value: 'FORMAT', commands: ['conns', 'http', 'dns'], help: 'text (default), json (= --json), zeek (Zeek\'s TSV conn.log / http.log / dns.log), zeek-json (Zeek\'s JSON log lines), parquet (conns, http: a Parquet file, -w FILE)' },
  { names: ['--seed'], value: 'N', commands: ['conns', 'http', 'dns'], help: 'with --format zeek/zeek-json: uids drawn from N, the same in every run and in conns, http and dns (default: random, as Zeek\'s)' },
  { names: ['--zeek-local-nets'], value: 'CIDR,…', commands: ['conns'], help: 'with --format zeek/zeek-json: networks local_orig and local_resp count as local, besides Zeek\'s private address space' },
  { names: ['--community-id-seed'], value: 'N', commands: ['read', 'capture', 'conns', 'http', 'dns'], help: 'the seed of the Community ID in records (0 to 65535, default 0; the same on every sensor)' },
  { names: ['--max-conns'], value: 'N', commands: [...SOURCE_VIEWS, 'slice'], help: 'conversations tracked at once (default 100000)' },
  { names: ['--tcp-idle'], value: 'S', commands: [...SOURCE_VIEWS, 'slice'], help: 'a TCP conversation idle this long ends (default 300)' },
  { names: ['--udp-idle'], value: 'S', commands: [...SOURCE_VIEWS, 'slice'], help: 'a UDP conversation idle this long ends (default 60)' },
  { names: ['-d'], value: 'SECONDS', commands: LIVE_VIEWS, live: true, help: 'stop a live capture after SECONDS' },
  { names: ['-s'], value: 'SNAPLEN', commands: LIVE_VIEWS, live: true, help: 'bytes captured of each packet (default 262144; 0 is the most)' },
  { names: ['-B'], value: 'KiB', commands: LIVE_VIEWS, live: true, help: "the kernel's capture buffer" },
  { names: ['--ring-buffer'], value: 'MiB', commands: LIVE_VIEWS, live: true, help: "netlens's own capture ring (default 64)" },
  { names: ['--immediate-mode'], value: null, commands: LIVE_VIEWS, live: true, help: 'each packet handed over at once' },
  { names: ['-p', '--no-promisc', '--no-promiscuous-mode'], value: null, commands: LIVE_VIEWS, live: true, help: 'do not put the interface into promiscuous mode' },
  { names: ['--backend'], value: 'native|cap', commands: LIVE_VIEWS, live: true, help: "netlens's own libpcap binding (default) or the cap package" },
  { names: ['-C'], value: 'MB', commands: LIVE_VIEWS, live: true, help: 'with -w: a new file once one holds more than MB million bytes (or 100k, 10m, 1g: KiB, MiB, GiB), named FILE, FILE1, FILE2 … as tcpdump' },
  { names: ['-G'], value: 'SECONDS', commands: LIVE_VIEWS, live: true, help: 'with -w: a new file every SECONDS, at multiples of SECONDS since the epoch; the -w name takes strftime conversions (%Y%m%d-%H%M%S)' },
  { names: ['-W'], value: 'N', commands: LIVE_VIEWS, live: true, help: 'with -C: a ring of N files (FILE0 … FILE{N-1}); with -G alone: stop after N files' },
  { names: ['-z'], value: 'CMD', commands: LIVE_VIEWS, live: true, help: 'with -C or -G: run CMD FILE on each file once it is closed, the last one too (netlens waits for them before it exits)' },
  { names: ['--stats'], value: 'SECONDS', commands: LIVE_VIEWS, live: true, help: "every SECONDS, tcpdump's counters on stderr (captured, received, dropped by kernel, by interface, by netlens's ring); in a JSON view a {\"type\":\"stats\"} record among the others" },
  { names: ['--interim'], value: 'SECONDS', commands: ['conns'], help: 'every SECONDS of capture time, an interim record ({"interim":true}) of each conversation still open (default: 60 live with --json, off otherwise; 0 turns it off); zeek formats: conn.log rows so far, only when asked' },
  { names: ['--free-space-min'], value: 'MB', commands: LIVE_VIEWS, live: true, help: "with -w: below MB million bytes free on the file's filesystem, delete the ring's oldest file (-C -W), or else stop writing" },
  { names: ['-Z'], value: 'USER', commands: LIVE_VIEWS, live: true, help: 'drop root privileges to USER once capture is open' },
  { names: ['-D', '--list-interfaces'], value: null, commands: [], help: 'the capture devices (netlens interfaces)' },
  { names: ['-h', '--help'], value: null, commands: ALL, help: 'this help' },
  { names: ['-V', '--version'], value: null, commands: [], help: "netlens's version" },
];

const SPEC_BY_NAME = new Map<string, OptionSpec>();
for (const spec of OPTION_SPECS) for (const n of spec.names) SPEC_BY_NAME.set(n, spec);

interface Token { name: string; value: string | undefined; spelled: string }

/** argv → option tokens and positionals, bundles of short options split as getopt splits them. */
function tokenize(argv: string[]): { tokens: Token[]; positional: string[]; firstPositionalAt: number } {
  const tokens: Token[] = [];
  const positional: string[] = [];
  let firstPositionalAt = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-' || !a.startsWith('-')) {
      if (firstPositionalAt < 0) firstPositionalAt = tokens.length;
      positional.push(a);
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      const spec = SPEC_BY_NAME.get(name);
      if (spec === undefined) throw unknownOption(a);
      let value: string | undefined = eq < 0 ? undefined : a.slice(eq + 1);
      if (spec.value === null && value !== undefined) throw new UsageError(`option ${name} takes no value`);
      if (spec.value !== null && value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`option ${name} needs a value (${spec.value})`);
      }
      tokens.push({ name, value, spelled: a });
      continue;
    }
    // A bundle of short options: each letter an option; one that takes a value takes the rest, or the next argument.
    for (let k = 1; k < a.length; k++) {
      const name = `-${a[k]}`;
      const spec = SPEC_BY_NAME.get(name);
      if (spec === undefined) throw unknownOption(a.length === 2 ? a : `${name} (in ${a})`);
      if (spec.value === null) { tokens.push({ name, value: undefined, spelled: a }); continue; }
      let value: string | undefined = a.slice(k + 1);
      if (value === '') {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`option ${name} needs a value (${spec.value})`);
      }
      tokens.push({ name, value, spelled: a });
      break;
    }
  }
  return { tokens, positional, firstPositionalAt };
}

function unknownOption(a: string): UsageError {
  const near = closest(a.split(' ')[0]!, [...SPEC_BY_NAME.keys()].filter((n) => n.startsWith('--')));
  const e = new UsageError(`unknown option ${a}${near !== null ? ` (did you mean ${near}?)` : ''}`);
  e.usageOf = '';
  return e;
}

/** The candidate within edit distance 2 of `word` (or that it begins), if exactly one is nearest. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 1 : editDistance(word, c);
    if (d < bestD) { bestD = d; best = c; } else if (d === bestD) best = best === null ? c : best;
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

export function parseArgs(argv: string[]): Options {
  const o: Options = {
    command: '', positional: [], json: false, count: 0, duration: 0, time: 'default', nano: false,
    iface: null, write: null, snaplen: 262144, promisc: true, bufferKiB: 4096, ringKiB: 65536, immediate: false, backend: 'native', user: null,
    annotate: true, dump: 'none', dumpLink: false, linkHeader: false, number: false, quick: false, verbose: 0, oneLine: false, noChecksums: false, countOnly: false, absolute: false, maxConns: 100_000, maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL, tcpIdle: 300, udpIdle: 60, raw: null, hex: false, ascii: false, svg: null, full: false, timeScale: null, legend: false, graphKind: 'tseq', graphDir: null, top: false, help: false, version: false, prefilter: false, split: null, pcapng: false,
    rotateBytes: 0, rotateSeconds: 0, rotateFiles: 0, postRotate: null, freeSpaceMin: 0, statsEvery: 0, interim: null,
    dnsTimeout: DEFAULT_DNS_TIMEOUT, maxPending: DEFAULT_MAX_PENDING,
    communityIdSeed: 0, format: 'text', seed: null, zeekLocalNets: null,
  };
  const { tokens, positional } = tokenize(argv);
  const has = (n: string): boolean => tokens.some((t) => t.name === n);
  // The command: the first argument when it names one; otherwise tcpdump's habits:
  // netlens -r FILE [filter] is read, netlens -i IFACE [filter] is capture, netlens -D is interfaces.
  // A command named after -r or -i is a filter word (netlens -r F arp: tcpdump's filter "arp").
  const named = positional.length > 0 && (Object.hasOwn(COMMAND_SYNOPSIS, positional[0]!) || positional[0] === 'help' || positional[0] === 'version');
  if (named && (argv[0] === positional[0] || !(has('-r') || has('-i')))) {
    o.command = positional.shift()!;
  } else if (has('-r')) o.command = 'read';
  else if (has('-i')) o.command = 'capture';
  else if (has('-D') || has('--list-interfaces')) o.command = 'interfaces';
  else if (positional.length > 0) {
    const word = positional[0]!;
    const near = closest(word, COMMAND_NAMES);
    const e = new UsageError(`unknown command ${JSON.stringify(word)}${near !== null ? ` (did you mean ${near}?)` : ''}`);
    e.usageOf = '';
    throw e;
  }
  o.positional = positional;
  const command = o.command;
  let readFile: string | null = null;
  let filterFile: string | null = null;
  let tLevel = 0, xLevel = 0, bigXLevel = 0, aLevel = 0;
  let liveOnly: string | null = null;
  let format: Options['format'] | null = null;
  for (const { name, value, spelled } of tokens) {
    const spec = SPEC_BY_NAME.get(name)!;
    if (name === '-h' || name === '--help') { o.help = true; continue; }
    if (name === '-V' || name === '--version') { o.version = true; continue; }
    if ((name === '-D' || name === '--list-interfaces') && command === 'interfaces') continue;
    if (command !== '' && command !== 'help' && command !== 'version' && !spec.commands.includes(command)) {
      const what = spelled === name || spelled.startsWith('--') ? name : `${name} (in ${spelled})`;
      const e = new UsageError(`${what} does not apply to ${command}`);
      e.usageOf = command;
      throw e;
    }
    if (spec.live === true && command !== 'capture') liveOnly ??= name;
    switch (name) {
      case '--json':
        if (format !== null && format !== 'json') throw new UsageError(`--json and --format ${format} ask for two formats`);
        o.json = true; format = 'json'; break;
      case '--format':
        if (value !== 'text' && value !== 'json' && value !== 'zeek' && value !== 'zeek-json' && value !== 'parquet') throw new UsageError(`--format must be text, json, zeek, zeek-json or parquet, not ${JSON.stringify(value)}`);
        if (format !== null && format !== value && !(format === 'json' && value === 'json')) throw new UsageError(`--format ${value} and ${format === 'json' ? '--json' : `--format ${format}`} ask for two formats`);
        format = value; break;
      case '--seed': o.seed = positiveInt(name, value!); break;
      case '--zeek-local-nets': o.zeekLocalNets = value!; break;
      case '-c': o.count = positiveInt(name, value!); break;
      case '-d': o.duration = atMost(name, positiveNumber(name, value!), MAX_DURATION_SEC, 'seconds (24 days: a longer timer would fire at once)'); break;
      case '-i': o.iface = value!; break;
      case '-w': o.write = value!; break;
      // tcpdump: -s 0 is the largest snaplen, and more than 262144 is refused.
      case '-s': o.snaplen = atMost(name, positiveInt(name, value!), MAXIMUM_SNAPLEN, 'bytes (libpcap\'s MAXIMUM_SNAPLEN)'); if (o.snaplen === 0) o.snaplen = MAXIMUM_SNAPLEN; break;
      // libpcap takes the buffer size in bytes as an int.
      case '-B': o.bufferKiB = atMost(name, atLeast1(name, positiveInt(name, value!)), MAX_BUFFER_KIB, 'KiB (libpcap takes the size in bytes as an int)'); break;
      case '--ring-buffer': o.ringKiB = atMost(name, atLeast1(name, positiveInt(name, value!)), MAX_RING_MIB, 'MiB') * 1024; break;
      case '--backend':
        if (value !== 'native' && value !== 'cap') throw new UsageError(`--backend must be native or cap, not ${value}`);
        o.backend = value; break;
      case '-Z': o.user = value!; break;
      case '-C': o.rotateBytes = fileSize(name, value!); break;
      case '-G': o.rotateSeconds = atMost(name, atLeast1(name, positiveInt(name, value!)), 0x7fffffff, 'seconds'); break;
      case '-W': o.rotateFiles = atMost(name, atLeast1(name, positiveInt(name, value!)), 0x7fffffff, 'files'); break;
      case '-z': o.postRotate = value!; break;
      case '--interim': o.interim = atMost(name, positiveNumber(name, value!), MAX_DURATION_SEC, 'seconds'); break;
      case '--free-space-min': o.freeSpaceMin = fileSize(name, value!); break;
      case '--stats': o.statsEvery = atMost(name, positiveNumber(name, value!), MAX_DURATION_SEC, 'seconds (24 days: a longer timer would fire at once)'); break;
      case '-p': case '--no-promisc': case '--no-promiscuous-mode': o.promisc = false; break;
      case '--nano': o.nano = true; break;
      // tcpdump counts its t's: -t none, -tt epoch, -ttt delta, -tttt date, -ttttt since the first.
      case '-t': tLevel++; break;
      case '--time': {
        const m = { default: 'default', none: 't', epoch: 'tt', delta: 'ttt', date: 'tttt', 'since-first': 'ttttt', t: 't', tt: 'tt', ttt: 'ttt', tttt: 'tttt', ttttt: 'ttttt' } as Record<string, TimeMode>;
        const mode = Object.hasOwn(m, value!) ? m[value!] : undefined;
        if (mode === undefined) throw new UsageError(`--time must be one of default, none, epoch, delta, date, since-first (or t, tt, ttt, tttt, ttttt)`);
        o.time = mode; tLevel = 0; break;
      }
      case '--no-annotate': o.annotate = false; break;
      case '-x': xLevel++; break;
      case '-X': bigXLevel++; break;
      case '-A': aLevel++; break;
      case '-e': o.linkHeader = true; break;
      case '-#': case '--number': o.number = true; break;
      case '-q': o.quick = true; break;
      case '-v': o.verbose = Math.min(3, o.verbose + 1); break;
      case '-g': o.oneLine = true; break;
      case '-K': case '--dont-verify-checksums': o.noChecksums = true; break;
      case '--count': o.countOnly = true; break;
      case '-S': case '--absolute-tcp-sequence-numbers': o.absolute = true; break;
      // netlens never resolves names or ports (-n, -N), and its filters need no optimizer switch (-O); -l, -U: output is written after every batch.
      case '-n': case '-N': case '-O': case '--no-optimize': case '-l': case '-U': break;
      case '--immediate-mode': o.immediate = true; break;
      case '--max-conns': o.maxConns = positiveInt(name, value!); break;
      case '--community-id-seed': o.communityIdSeed = atMost(name, positiveInt(name, value!), 0xffff, '(the seed is 16 bits)'); break;
      case '--max-held': o.maxHeld = size(name, value!); break;
      case '--max-held-total': o.maxHeldTotal = size(name, value!); break;
      case '--tcp-idle': o.tcpIdle = positiveNumber(name, value!); break;
      case '--udp-idle': o.udpIdle = positiveNumber(name, value!); break;
      case '--raw':
        if (value !== 'client' && value !== 'server') throw new UsageError('--raw must be client or server');
        o.raw = value; break;
      case '--hex': o.hex = true; break;
      case '--ascii': o.ascii = true; break;
      case '--svg': o.svg = value!; break;
      case '--full': o.full = true; break;
      case '--kind':
        if (value !== 'tseq' && value !== 'throughput' && value !== 'rtt' && value !== 'window') throw new UsageError('--kind must be tseq, throughput, rtt or window');
        o.graphKind = value; break;
      case '--dir':
        if (value !== 'client' && value !== 'server') throw new UsageError('--dir must be client or server');
        o.graphDir = value; break;
      case '--time-scale': o.timeScale = true; break;
      case '--no-time-scale': o.timeScale = false; break;
      case '--legend': o.legend = true; break;
      case '--top': o.top = true; break;
      case '--prefilter': o.prefilter = true; break;
      case '--dns-timeout': o.dnsTimeout = positiveNumber(name, value!); break;
      case '--max-pending': o.maxPending = atLeast1(name, positiveInt(name, value!)); break;
      case '--split': o.split = value!; break;
      case '--pcapng': o.pcapng = true; break;
      case '-r': readFile = value!; break; // the file, as the first argument after the command
      case '-F': filterFile = value!; break; // the filter expression, from a file
      case '--time-stamp-precision':
        if (value !== 'micro' && value !== 'nano') throw new UsageError('--time-stamp-precision must be micro or nano');
        o.nano = value === 'nano';
        break;
      case '-D': case '--list-interfaces': break;
    }
  }
  if (format !== null) { o.format = format; o.json = format === 'json'; }
  if (o.format === 'parquet' && !o.help) {
    if (command !== 'conns' && command !== 'http') throw new UsageError(`${command} --format parquet: only conns and http write Parquet (--format text or json)`);
    // Parquet is a file (its footer is written last), not lines: -w names it, and -w's capture copy is not written then.
    if (o.write === null) throw new UsageError(`${command} --format parquet writes a file: give it -w FILE (or -w - for stdout, when stdout is not a terminal)`);
  }
  if (tLevel > 0) o.time = (['t', 'tt', 'ttt', 'tttt', 'ttttt'] as const)[Math.min(tLevel, 5) - 1]!;
  // As in tcpdump, -X wins over -x, and either over -A; doubled, each includes the link-level header.
  if (bigXLevel > 0) { o.dump = 'hex-ascii'; o.dumpLink = bigXLevel > 1; }
  else if (xLevel > 0) { o.dump = 'hex'; o.dumpLink = xLevel > 1; }
  else if (aLevel > 0) { o.dump = 'ascii'; o.dumpLink = aLevel > 1; }
  if (liveOnly !== null && o.iface === null && !o.help) {
    const e = new UsageError(`${liveOnly} applies to a live source: ${command} -i IFACE`);
    e.usageOf = command;
    throw e;
  }
  if (!o.help) checkRotation(o);
  if (readFile !== null) o.positional.unshift(readFile);
  if (filterFile !== null) o.positional.push(readFilterFile(filterFile));
  return o;
}

/** tcpdump's rules for -C, -G, -W and -z, and netlens's for a -G name (one that would overwrite itself is refused). */
function checkRotation(o: Options): void {
  const rotating = o.rotateBytes > 0 || o.rotateSeconds > 0;
  const refuse = (message: string): never => {
    const e = new UsageError(message);
    e.usageOf = o.command;
    throw e;
  };
  if (o.rotateBytes > 0 && o.write === null) refuse('-C cannot be used without -w');
  if (o.rotateSeconds > 0 && o.write === null) refuse('-G cannot be used without -w');
  if (o.freeSpaceMin > 0 && o.write === null) refuse('--free-space-min cannot be used without -w');
  if (o.postRotate !== null && !rotating) refuse('-z cannot be used without -w and (-C or -G)');
  if (o.rotateFiles > 0 && !rotating) refuse('-W cannot be used without -C or -G');
  if (o.write === '-' && (rotating || o.freeSpaceMin > 0)) refuse('-w - writes one stream to stdout: it cannot be rotated (-C, -G) or watched for free space');
  if (o.write === '') refuse('-w needs a file name');
  if (o.rotateSeconds > 0) {
    const problem = patternProblem(o.write!);
    if (problem !== null) refuse(`-w ${o.write}: the -G file name ${problem}`);
    if (finestPeriod(o.write!) === Infinity) {
      refuse(`-w ${o.write}: with -G the name needs a time conversion such as %H%M%S, or every interval would overwrite the same file`);
    }
  }
}

/** libpcap's MAXIMUM_SNAPLEN: tcpdump -s refuses more. */
const MAXIMUM_SNAPLEN = 262144;
/** -B: libpcap's pcap_set_buffer_size takes an int of bytes. */
const MAX_BUFFER_KIB = Math.floor(0x7fffffff / 1024);
/** --ring-buffer: the native capture thread's ring is allocated whole. */
export const MAX_RING_MIB = 4096;
/** -d: Node's timers hold at most 2^31-1 ms (a longer one fires after 1 ms). */
const MAX_DURATION_SEC = Math.floor(0x7fffffff / 1000);
/** -F: the most of a filter file read (a filter is a line or two; /dev/zero never ends). */
export const MAX_FILTER_FILE = 1024 * 1024;

/** -F: a filter expression kept in a file (its lines joined with spaces), at most MAX_FILTER_FILE bytes. */
function readFilterFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`-F ${path}: ${fsReason(e)}`);
  }
  try {
    const buf = Buffer.allocUnsafe(MAX_FILTER_FILE + 1);
    let got = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, got, buf.length - got, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw new UsageError(`-F ${path}: ${fsReason(e)}`);
      }
      if (n === 0) break;
      got += n;
      if (got > MAX_FILTER_FILE) throw new UsageError(`-F ${path}: a filter file of more than ${MAX_FILTER_FILE} bytes (1 MiB); is it a filter?`);
    }
    const text = buf.toString('utf8', 0, got);
    if (text.includes('\0')) throw new UsageError(`-F ${path}: a filter file with NUL bytes; is it a filter?`);
    return text.split('\n').join(' ').trim();
  } finally {
    closeSync(fd);
  }
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message.split('\n')[0]!;
}

function positiveInt(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`option ${name} needs a whole number, not ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UsageError(`option ${name}: ${v} is too large`);
  return n;
}

function atLeast1(name: string, n: number): number {
  if (n < 1) throw new UsageError(`option ${name} needs a size of at least 1, not ${n}`);
  return n;
}

function atMost(name: string, n: number, max: number, unit: string): number {
  if (n > max) throw new UsageError(`option ${name}: ${n} is too large; the most is ${max} ${unit}`);
  return n;
}

/** A byte count: a whole number, optionally with K, M or G (KiB, MiB, GiB). */
function size(name: string, v: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(v);
  if (m === null) throw new UsageError(`option ${name} needs a size such as 512K or 4M, not ${JSON.stringify(v)}`);
  return Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]!.toUpperCase()]!;
}

/** tcpdump's -C: a whole number of millions of bytes, or of KiB, MiB, GiB with a k, m or g after it. */
function fileSize(name: string, v: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(v);
  if (m === null) throw new UsageError(`option ${name} needs a size in millions of bytes (or with k, m, g: KiB, MiB, GiB), not ${JSON.stringify(v)}`);
  const bytes = Number(m[1]) * ({ '': 1e6, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[m[2]!.toLowerCase()]!;
  if (bytes < 1) throw new UsageError(`option ${name} needs a size of at least 1`);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`option ${name}: ${v} is too large`);
  return bytes;
}

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`option ${name} needs a positive number, not ${JSON.stringify(v)}`);
  return n;
}

/** The top-level help: the commands, and where each one's options are. */
export function topUsage(): string {
  const lines = ['usage: netlens <command> [options] [source] [filter...]', '', 'commands:'];
  for (const name of COMMAND_NAMES) {
    const c = COMMAND_SYNOPSIS[name]!;
    lines.push(`  ${(`${name} ${c.args}`).padEnd(44)} ${c.about}`);
  }
  lines.push('', "tcpdump's habits work: netlens -nnr FILE [filter] is read, netlens -i IFACE is capture, -D lists interfaces.",
    'netlens <command> --help lists the options of that command; -V, --version prints the version.');
  return lines.join('\n');
}

/** One command's synopsis line (after an error). */
export function commandSynopsis(command: string): string {
  const c = COMMAND_SYNOPSIS[command];
  return c === undefined ? 'usage: netlens <command> [options] (netlens --help lists the commands)' : `usage: netlens ${command} ${c.args}${c.args === '' ? '' : ' '}[options]   (netlens ${command} --help lists them)`.replace('  [options]', ' [options]');
}

/** One command's help: its synopsis and exactly the options that apply to it. */
export function commandUsage(command: string): string {
  const c = COMMAND_SYNOPSIS[command]!;
  const lines = [`usage: netlens ${command} ${c.args}${c.args === '' ? '' : ' '}[options]`, `  ${c.about}`, '', 'options:'];
  for (const spec of OPTION_SPECS) {
    if (!spec.commands.includes(command)) continue;
    const names = spec.names.join(', ') + (spec.value !== null ? ` ${spec.value}` : '');
    const help = spec.live === true && command !== 'capture' ? `${spec.help} (with -i)` : spec.help;
    if (names.length <= 24) lines.push(`  ${names.padEnd(24)} ${help}`);
    else lines.push(`  ${names}`, `  ${''.padEnd(24)} ${help}`);
  }
  return lines.join('\n');
}
