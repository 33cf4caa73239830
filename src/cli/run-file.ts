/**
 * Running a view over its source: a capture file, stdin, or `-i IFACE`
 * (run-live.ts, loaded only then). Every command that reads a capture comes
 * through here.
 */
import { endianness } from 'node:os';
import { PerLinkTypeFilter } from '../source/bpf.js';
import { CaptureFileReader } from '../source/file-reader.js';
import { SourceError } from '../frame.js';
import { CaptureWriter } from '../source/pcap-writer.js';
import { UsageError, type Options } from './args.js';
import { ByteSink } from '../encode/sink.js';
import { Pipeline, type PacketSink } from '../pipeline.js';

/**
 * Compiles a tcpdump filter for a file (libpcap's compiler, run by the JS BPF
 * interpreter; without the binding compileBpf says in one line what to install),
 * once per link type the file's interfaces have (a pcapng may mix them).
 */
function offlineFilter(expr: string, reader: CaptureFileReader): PerLinkTypeFilter | null {
  if (expr.trim() === '') return null;
  return new PerLinkTypeFilter(expr, reader.linkTypes, reader.snaplen || 262144, swappedFile(reader));
}

function swappedFile(reader: CaptureFileReader): boolean {
  return reader.littleEndian !== (endianness() === 'LE');
}

/** What runFile did: the pipeline (counts, tracker), and the damage that ended the file early, if any. */
export interface FileRun {
  pipe: Pipeline;
  /** A damaged record (or a write that failed) after which nothing more was read; null when the file was read to its end or to -c. */
  damage: SourceError | null;
}

/**
 * Runs a file through a pipeline; a live source (-i) is handled by live-commands.
 * With -w, the frames that pass the filter (and -c) are also written to a capture file.
 * Damage in the middle of the file (a record no reader can trust, as libpcap
 * would refuse it) ends the reading, not the run: every frame before it has
 * been through the pipeline, the pipeline is finished and -w's file closed as
 * at the end of a file, and the caller prints its view before reportDamage()
 * says what stopped it — tcpdump prints every packet before the damage, then its error.
 */
export async function runFile(opts: Options, file: string, filterExpr: string, sink: PacketSink): Promise<FileRun> {
  const reader = new CaptureFileReader(file);
  // tcpdump's lines see records as libpcap cuts them; --json (tshark's fields) and the analyses see every byte.
  reader.cutToSnaplen = opts.command === 'read' && !opts.json;
  let writer: CaptureWriter | null = null;
  try {
    const filter = offlineFilter(filterExpr, reader);
    if (opts.write !== null) {
      writer = openWriter(opts.write, reader);
      sink = writingSink(sink, writer);
    }
    const pipe = new Pipeline(opts, sink, filter);
    let damage: SourceError | null = null;
    try {
      for (let f = reader.next(); f !== null; f = reader.next()) {
        filter?.select(f.linkType, swappedFile(reader));
        if (!pipe.onFrame(f)) break;
      }
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      damage = e;
    }
    pipe.finish();
    if (reader.warning !== null) process.stderr.write(`netlens: warning: ${reader.warning}\n`);
    return { pipe, damage };
  } finally {
    writer?.close();
    reader.close();
  }
}

/** After the view is printed: the damage's one line on stderr, and the exit status (1, as tcpdump's), or 0. */
export function reportDamage(run: FileRun): number {
  if (run.damage === null) return 0;
  process.stderr.write(`netlens: ${run.damage.message}\n`);
  return 1;
}

function openWriter(path: string, reader: CaptureFileReader): CaptureWriter {
  // A pcapng whose section has no interface yet has no link type to write (tcpdump refuses such a file too).
  if (reader.linkType < 0) throw new SourceError(`${reader.path}: no interface description block before the first packet: nothing to write to ${path}`);
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
export async function runSourceView(opts: Options, command: string, makeView: (out: ByteSink) => SourceView, firstFilterArg = 1): Promise<number> {
  if (opts.write === '-') throw new UsageError(`${command} writes its view to stdout: -w - (the capture to stdout) goes with read or capture`);
  const out = new ByteSink();
  const view = makeView(out);
  if (opts.iface !== null) {
    const { runLive } = await import('./run-live.js');
    return runLive(opts, opts.iface, opts.positional.slice(firstFilterArg - 1).join(' '), view.sink, out, () => view.end());
  }
  const file = opts.positional[0];
  if (file === undefined) throw new UsageError(`${command} needs a capture file, - for stdin, or -i IFACE`);
  const run = await runFile(opts, file, opts.positional.slice(firstFilterArg).join(' '), view.sink);
  view.end();
  out.flush();
  return reportDamage(run);
}

