/** argv → options. No protocol logic here. */
import { closeSync, openSync, readSync } from 'node:fs';
import { DEFAULT_MAX_HELD, DEFAULT_MAX_HELD_TOTAL } from '../track/reassembly.js';
import type { DumpMode } from '../print/hex-dump.js';
import type { TimeMode } from '../encode/time.js';

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
  /** capture: the live connection table. */
  top: boolean;
  help: boolean;
}

export class UsageError extends Error {}

const VALUE_OPTS = new Set(['-c', '-d', '-i', '-w', '-r', '-F', '--time-stamp-precision', '-s', '-B', '--ring-buffer', '--backend', '-Z', '--time', '--max-conns', '--max-held', '--max-held-total', '--tcp-idle', '--udp-idle', '--raw', '--svg']);

export function parseArgs(argv: string[]): Options {
  const o: Options = {
    command: '', positional: [], json: false, count: 0, duration: 0, time: 'default', nano: false,
    iface: null, write: null, snaplen: 262144, promisc: true, bufferKiB: 4096, ringKiB: 65536, immediate: false, backend: 'native', user: null,
    annotate: true, dump: 'none', dumpLink: false, linkHeader: false, number: false, quick: false, verbose: 0, oneLine: false, noChecksums: false, countOnly: false, absolute: false, maxConns: 100_000, maxHeld: DEFAULT_MAX_HELD, maxHeldTotal: DEFAULT_MAX_HELD_TOTAL, tcpIdle: 300, udpIdle: 60, raw: null, hex: false, ascii: false, svg: null, full: false, top: false, help: false,
  };
  let readFile: string | null = null;
  let filterFile: string | null = null;
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    let name = a;
    let value: string | undefined;
    if (a.startsWith('--') && a.includes('=')) { name = a.slice(0, a.indexOf('=')); value = a.slice(a.indexOf('=') + 1); }
    if (VALUE_OPTS.has(name) && value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      i++;
    }
    i++;
    switch (name) {
      case '--json': o.json = true; break;
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
      case '--no-promisc': case '-p': o.promisc = false; break;
      case '--nano': o.nano = true; break;
      case '-t': case '-tt': case '-ttt': case '-tttt': case '-ttttt': o.time = name.slice(1) as TimeMode; break;
      case '--time': {
        const m = { default: 'default', none: 't', epoch: 'tt', delta: 'ttt', date: 'tttt', 'since-first': 'ttttt', t: 't', tt: 'tt', ttt: 'ttt', tttt: 'tttt', ttttt: 'ttttt' } as Record<string, TimeMode>;
        const mode = m[value!];
        if (mode === undefined) throw new UsageError(`--time must be one of default, none, epoch, delta, date, since-first (or t, tt, ttt, tttt, ttttt)`);
        o.time = mode; break;
      }
      case '--no-annotate': o.annotate = false; break;
      // As in tcpdump, -X wins over -x, and either over -A.
      case '-x': case '-xx': if (o.dump !== 'hex-ascii') { o.dump = 'hex'; o.dumpLink = name === '-xx'; } break;
      case '-X': case '-XX': o.dump = 'hex-ascii'; o.dumpLink = name === '-XX'; break;
      case '-A': case '-AA': if (o.dump === 'none' || o.dump === 'ascii') { o.dump = 'ascii'; o.dumpLink = name === '-AA'; } break;
      case '-e': o.linkHeader = true; break;
      case '-#': case '--number': o.number = true; break;
      case '-q': o.quick = true; break;
      case '-v': case '-vv': case '-vvv': o.verbose = name.length - 1; break;
      case '-g': o.oneLine = true; break;
      case '-K': case '--dont-verify-checksums': o.noChecksums = true; break;
      case '--count': o.countOnly = true; break;
      // tcpdump's -N (no domain qualification) and -O (no filter optimizer) change nothing here.
      case '-N': case '-O': case '--no-optimize': break;
      case '-vg': o.verbose = 1; o.oneLine = true; break;
      case '-S': case '--absolute-tcp-sequence-numbers': o.absolute = true; break;
      // netlens never resolves names or ports: tcpdump's -n and -nn are what it always does.
      case '-n': case '-nn': break;
      case '--immediate-mode': o.immediate = true; break;
      case '--max-conns': o.maxConns = positiveInt(name, value!); break;
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
      case '--top': o.top = true; break;
      case '-h': case '--help': o.help = true; break;
      // tcpdump's spellings, for its users' hands:
      case '-r': readFile = value!; break; // the file, as the first argument after the command
      case '-F': filterFile = value!; break; // the filter expression, from a file
      case '--time-stamp-precision':
        if (value !== 'micro' && value !== 'nano') throw new UsageError('--time-stamp-precision must be micro or nano');
        o.nano = value === 'nano';
        break;
      case '-l': case '-U': break; // output is already written after every batch of packets
      case '-D': case '--list-interfaces': if (o.command === '') o.command = 'interfaces'; break;
      default:
        if (a.startsWith('-') && a !== '-' && o.command !== '') {
          // A filter may start with a keyword but never with '-'; "-" alone is stdin.
          throw new UsageError(`unknown option ${a}`);
        }
        if (o.command === '') o.command = a; else o.positional.push(a);
    }
  }
  if (readFile !== null) o.positional.unshift(readFile);
  if (filterFile !== null) o.positional.push(readFilterFile(filterFile));
  return o;
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

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`option ${name} needs a positive number, not ${JSON.stringify(v)}`);
  return n;
}

export const USAGE = `usage: netlens <command> [options]

commands:
  read <file|-> [filter...]       one line per packet, like tcpdump -nn
  capture <iface> [filter...]     the same, live (libpcap)
  conns <file | -i iface>         one record per TCP/UDP conversation: states, patterns, counts
  arp <file | -i iface>           ARP / neighbour-discovery table, unanswered requests, conflicts
  ladder <file | -i iface> <conn> ladder diagram of one TCP connection (--ascii, --svg FILE, --full)
  follow <file | -i iface> <conn> a conversation's reassembled byte streams (--raw client|server, --hex)
  http <file | -i iface>          one record per HTTP request/response pair
  interfaces                      capture devices, like tcpdump -D

options:
  --json               NDJSON on stdout (see CONTRACT.md)
  -c N                 stop after N packets
  -t|-tt|-ttt|-tttt|-ttttt, --time MODE
                       time stamps like tcpdump (default, none, epoch, delta, date, since-first)
  --nano               nanosecond time stamps in line output
  --no-annotate        tcpdump's text only, without netlens's analysis and state events
  -x, -X, -A           after each line, the packet in hex, hex and ASCII, or ASCII, as tcpdump
                       prints it (-xx, -XX, -AA: with the link-level header)
  -e                   the link-level header on each line (MAC addresses, EtherType, VLAN tags)
  -#, --number         number the lines, as tcpdump -# does
  -q                   quick lines: TCP and UDP by their length only, as tcpdump -q
  -v, -vv, -vvv        verbose lines as tcpdump's: IP header fields, checksums, DNS records
  -g                   with -v: the IPv4 header fields on the same line as the rest
  -K                   with -v: check no IPv4, TCP or UDP checksum
  --count              print only the number of packets that pass the filter (and -c)
  -S                   absolute TCP sequence numbers, as tcpdump -S
  -n, -nn              accepted for tcpdump's sake: netlens never resolves names
  -r FILE, -F FILE, -D, --time-stamp-precision micro|nano, -l, -U
                       tcpdump's spellings: the file, the filter from a file, interfaces,
                       --nano; -l and -U are what netlens always does
  -i IFACE             live source for conns and other views
  -d SECONDS           stop a live capture after SECONDS
  -w FILE              also write the frames that pass the filter (pcap, or pcapng for *.pcapng);
                       -w - writes the capture alone to stdout (read, capture)
  --top                capture: a live connection table refreshed in place
  -s SNAPLEN, -B KiB, --ring-buffer MiB, --immediate-mode, --no-promisc,
  --backend native|cap, -Z USER                                       capture settings
  --max-conns N, --tcp-idle S, --udp-idle S                           conversation table bounds
  --max-held SIZE, --max-held-total SIZE     follow, http: bytes held out of order per stream (4M) and in all (64M)`;
