/**
 * Running a view over a capture file (or stdin), and `conns`. `read` and its
 * line and JSON views are in read-command.ts, loaded only when they run.
 */
import { endianness } from 'node:os';
import { compileBpf } from '../source/bpf.js';
import { CaptureFileReader } from '../source/file-reader.js';
import { SourceError } from '../source/frame.js';
import { CaptureWriter } from '../source/pcap-writer.js';
import type { Connection } from '../track/connection.js';
import { connsTable } from '../view/conns-table.js';
import { connSummary, writeConnJson, type ConnSummary } from '../view/json.js';
import { paletteFor } from '../view/palette.js';
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
export async function runFile(opts: Options, file: string, filterExpr: string, sink: PacketSink): Promise<Pipeline> {
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
