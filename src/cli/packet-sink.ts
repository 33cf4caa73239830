/** The per-packet view of `read` and `capture`: tcpdump's lines, --json records, hex dumps, and -w. */
import { writePacketJson } from '../encode/packet-record.js';
import { LinePrinter } from '../print/line.js';
import { undecodedNetwork, writeDump } from '../print/hex-dump.js';
import { paletteFor } from '../encode/palette.js';
import { TimeFormatter } from '../encode/time.js';
import type { Options } from './args.js';
import { ByteSink } from '../encode/sink.js';
import type { PacketSink } from '../pipeline.js';

export function packetSink(opts: Options, out: ByteSink): PacketSink {
  // -w - : the capture file goes to stdout, so nothing else may (as with tcpdump -w -).
  if (opts.write === '-') return { recycle: true };
  if (opts.json) {
    return { packet: (n, f, d, t, arp) => writePacketJson(out, n, f, d, t, arp, opts.communityIdSeed), recycle: true };
  }
  const lineOpts = { time: new TimeFormatter(opts.time, opts.nano), palette: paletteFor(process.stdout), annotate: opts.annotate, linkHeader: opts.linkHeader, quick: opts.quick, absolute: opts.absolute, verbose: opts.verbose, oneLine: opts.oneLine, noChecksums: opts.noChecksums,
    defaultDump: !opts.quick && opts.dump !== 'hex' && opts.dump !== 'hex-ascii' };
  const dump = { mode: opts.dump, withLinkHeader: opts.dumpLink };
  const printer = new LinePrinter(out, lineOpts);
  return {
    packet: (n, f, d, t, arp) => {
      if (opts.number) writePacketNumber(out, n);
      printer.line(f, d, t, arp);
      if (undecodedNetwork(d) && !opts.quick && dump.mode !== 'hex' && dump.mode !== 'hex-ascii') writeDump(out, f, d, DEFAULT_DUMP);
      if (dump.mode !== 'none') writeDump(out, f, d, dump);
    },
    recycle: true,
  };
}

/** What tcpdump prints of a protocol it does not decode (ndo_default_print); -q, -x and -X turn it off. */
const DEFAULT_DUMP = { mode: 'hex-ascii', withLinkHeader: false } as const;

/** tcpdump -#: the packet's number, right-aligned in five columns, and two spaces ("%5u  "). */
function writePacketNumber(out: ByteSink, n: number): void {
  out.reserve(24);
  for (let w = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5; w < 5; w++) out.byte(32);
  out.dec(n);
  out.ascii('  ');
}

