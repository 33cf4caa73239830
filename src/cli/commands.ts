/** Offline commands: read and conns on a capture file (or stdin). */
import { endianness } from 'node:os';
import { compileBpf } from '../source/bpf.js';
import { CaptureFileReader } from '../source/file-reader.js';
import { SourceError } from '../source/frame.js';
import { CaptureWriter } from '../source/pcap-writer.js';
import type { Connection } from '../track/connection.js';
import { connsTable } from '../view/conns-table.js';
import { connSummary, writeConnJson, type ConnSummary } from '../view/json.js';
import { writePacketJson } from '../view/json-bytes.js';
import { formatLine } from '../view/line.js';
import { writeTcpLine } from '../view/line-bytes.js';
import { undecodedNetwork, writeDump } from '../view/dump.js';
import { paletteFor } from '../view/palette.js';
import { TimeFormatter } from '../view/time.js';
import { UsageError, type Options } from './args.js';
import { Output } from './output.js';
import { type FrameFilter, Pipeline, type PacketSink } from './pipeline.js';

/**
 * Compiles a tcpdump filter for a file (libpcap's compiler, run by the JS BPF
 * interpreter; without the binding compileBpf says in one line what to install).
 */
function offlineFilter(expr: string, reader: CaptureFileReader): FrameFilter | null {
  if (expr.trim() === '') return null;
  const swapped = reader.littleEndian !== (endianness() === 'LE');
  return compileBpf(reader.linkType, reader.snaplen || 262144, expr, { swapped });
}

/**
 * Runs a file through a pipeline; a live source (-i) is handled by live-commands.
 * With -w, the frames that pass the filter (and -c) are also written to a capture file.
 */
async function runFile(opts: Options, file: string, filterExpr: string, sink: PacketSink): Promise<Pipeline> {
  const reader = new CaptureFileReader(file);
  let writer: CaptureWriter | null = null;
  try {
    const filter = offlineFilter(filterExpr, reader);
    if (opts.write !== null) {
      writer = openWriter(opts.write, reader);
      sink = writingSink(sink, writer);
    }
    const pipe = new Pipeline(opts, sink, filter);
    for (let f = reader.next(); f !== null; f = reader.next()) {
      if (!pipe.onFrame(f)) break;
    }
    pipe.finish();
    if (reader.warning !== null) process.stderr.write(`netlens: warning: ${reader.warning}\n`);
    return pipe;
  } finally {
    writer?.close();
    reader.close();
  }
}

function openWriter(path: string, reader: CaptureFileReader): CaptureWriter {
  try {
    return CaptureWriter.open(path, reader.linkType, reader.snaplen || 262144, reader.nanosecond);
  } catch (e) {
    throw e instanceof SourceError ? e : new SourceError(`${path}: ${(e as Error).message}`);
  }
}

/**
 * `sink`, after writing each frame it is given to `writer`. A pcapng writer
 * takes every link type (an interface block for each); a classic pcap holds
 * one, and refuses a frame of another in one line.
 */
function writingSink(sink: PacketSink, writer: CaptureWriter): PacketSink {
  return {
    ...sink,
    packet: (n, f, d, t, arp) => {
      writer.write(f);
      sink.packet?.(n, f, d, t, arp);
    },
  };
}

export function packetSink(opts: Options, out: Output): PacketSink {
  // -w - : the capture file goes to stdout, so nothing else may (as with tcpdump -w -).
  if (opts.write === '-') return { recycle: true };
  if (opts.json) {
    return { packet: (n, f, d, t, arp) => writePacketJson(out, n, f, d, t, arp), recycle: true };
  }
  const lineOpts = { time: new TimeFormatter(opts.time, opts.nano), palette: paletteFor(process.stdout), annotate: opts.annotate, linkHeader: opts.linkHeader, quick: opts.quick, absolute: opts.absolute, verbose: opts.verbose, oneLine: opts.oneLine, noChecksums: opts.noChecksums,
    defaultDump: !opts.quick && opts.dump !== 'hex' && opts.dump !== 'hex-ascii' };
  const dump = { mode: opts.dump, withLinkHeader: opts.dumpLink };
  return {
    packet: (n, f, d, t, arp) => {
      if (opts.number) writePacketNumber(out, n);
      // TCP lines are written byte by byte; everything else goes through the string view.
      if (!writeTcpLine(out, f, d, t, lineOpts, arp)) out.line(formatLine(f, d, t, lineOpts, arp));
      if (undecodedNetwork(d) && !opts.quick && dump.mode !== 'hex' && dump.mode !== 'hex-ascii') writeDump(out, f, d, DEFAULT_DUMP);
      if (dump.mode !== 'none') writeDump(out, f, d, dump);
    },
    recycle: true,
  };
}

/** What tcpdump prints of a protocol it does not decode (ndo_default_print); -q, -x and -X turn it off. */
const DEFAULT_DUMP = { mode: 'hex-ascii', withLinkHeader: false } as const;

/** tcpdump -#: the packet's number, right-aligned in five columns, and two spaces ("%5u  "). */
function writePacketNumber(out: Output, n: number): void {
  out.reserve(24);
  for (let w = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5; w < 5; w++) out.byte(32);
  out.dec(n);
  out.ascii('  ');
}

export async function runRead(opts: Options): Promise<number> {
  const file = opts.positional[0];
  if (file === undefined) throw new UsageError('read needs a capture file (or - for stdin)');
  const out = new Output();
  if (opts.countOnly) { // tcpdump --count: "N packets", nothing else on stdout
    if (opts.json) throw new UsageError('--count prints a number of packets; --json prints packets');
    const pipe = await runFile(opts, file, opts.positional.slice(1).join(' '), { recycle: true });
    process.stdout.write(`${pipe.count} packet${pipe.count === 1 ? '' : 's'}\n`);
    return 0;
  }
  await runFile(opts, file, opts.positional.slice(1).join(' '), packetSink(opts, out));
  out.flush();
  return 0;
}

export function connsSink(opts: Options, out: Output): { sink: PacketSink; end(): void } {
  if (opts.json) {
    return { sink: { conn: (c: Connection) => writeConnJson(out, c), recycle: true }, end: () => out.flush() };
  }
  const rows: ConnSummary[] = [];
  return {
    sink: { conn: (c: Connection) => { rows.push(connSummary(c)); }, recycle: true },
    end: () => {
      rows.sort((a, b) => a.id - b.id);
      for (const l of connsTable(rows, paletteFor(process.stdout))) out.line(l);
      out.flush();
    },
  };
}

/** A view over a whole source: what it wants per frame / per conversation, and what it prints at the end. */
export interface SourceView {
  sink: PacketSink;
  end(): void;
}

/**
 * Runs a view over `<source>`: `-i IFACE` (live, until -c, -d or Ctrl-C) or a
 * file path / "-" as the first positional argument; the rest of the
 * positional arguments from `firstFilterArg` on are a BPF filter.
 */
export async function runSourceView(opts: Options, command: string, makeView: (out: Output) => SourceView, firstFilterArg = 1): Promise<number> {
  if (opts.write === '-') throw new UsageError(`${command} writes its view to stdout: -w - (the capture to stdout) goes with read or capture`);
  const out = new Output();
  const view = makeView(out);
  if (opts.iface !== null) {
    const { runLive } = await import('./live-commands.js');
    return runLive(opts, opts.iface, opts.positional.slice(firstFilterArg - 1).join(' '), view.sink, out, () => view.end());
  }
  const file = opts.positional[0];
  if (file === undefined) throw new UsageError(`${command} needs a capture file, - for stdin, or -i IFACE`);
  await runFile(opts, file, opts.positional.slice(firstFilterArg).join(' '), view.sink);
  view.end();
  out.flush();
  return 0;
}

export async function runConns(opts: Options): Promise<number> {
  return runSourceView(opts, 'conns', (out) => connsSink(opts, out));
}
