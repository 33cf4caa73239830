/**
 * Running a view over its source: a capture file, stdin, or `-i IFACE`
 * (run-live.ts, loaded only then). Every command that reads a capture comes
 * through here.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { compileBpf, PerLinkTypeFilter, type BpfProgram } from '../source/bpf.js';
import { type CaptureInput, type CaptureReader, expandInputs, openCapture, prepareInput, temporaryDirectory } from '../source/capture-set.js';
import { SourceError, type Frame } from '../frame.js';
import { CaptureWriter } from '../source/pcap-writer.js';
import { UsageError, type Options } from './args.js';
import { ByteSink } from '../encode/sink.js';
import { TimeFormatter } from '../encode/time.js';
import { matchingConversations, Pipeline, shownOnly, type PacketSink } from '../pipeline.js';
import { IpProto } from '../decode/constants.js';
import type { Connection } from '../track/tcp/connection.js';
import { selectorMatches, type ConnSelector } from '../report/ladder/model.js';

/**
 * Compiles a tcpdump filter for a file (libpcap's compiler, run by the JS BPF
 * interpreter; without the binding compileBpf says in one line what to install),
 * once per link type the file's interfaces have (a pcapng may mix them).
 */
function offlineFilter(expr: string, reader: CaptureReader): PerLinkTypeFilter | null {
  if (expr.trim() === '') return null;
  return new PerLinkTypeFilter(expr, reader.linkTypes, reader.snaplen || 262144, swappedFile(reader));
}

function swappedFile(reader: CaptureReader): boolean {
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
export async function runFile(opts: Options, file: CaptureInput, filterExpr: string, sink: PacketSink, scope: FilterScope = 'prefilter', names?: ReadonlyMap<string, string>): Promise<FileRun> {
  const reader = openCapture(file, names);
  // tcpdump's lines see records as libpcap cuts them; --json (tshark's fields) and the analyses see every byte.
  reader.cutToSnaplen = opts.command === 'read' && !opts.json;
  if (scope === 'pick' && filterExpr.trim() === '') scope = 'prefilter'; // nothing to pick: the same, without the test per frame
  let writer: CaptureWriter | null = null;
  try {
    const filter = offlineFilter(filterExpr, reader);
    if (opts.write !== null) {
      writer = openWriter(opts.write, reader);
      sink = writingSink(sink, writer, scope === 'packets' ? filter : null);
    }
    // 'packets': every frame is analysed; the filter only picks the frames -w writes (the view picks its conversations).
    // 'pick': every frame is analysed; the sink (and -w, and -c) get the matching ones.
    const pipe = new Pipeline(opts, sink, scope === 'packets' ? null : filter, scope === 'pick' ? 'pick' : 'drop');
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
    for (const w of reader.warnings) process.stderr.write(`netlens: warning: ${w}\n`);
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

function openWriter(path: string, reader: CaptureReader): CaptureWriter {
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
function writingSink(sink: PacketSink, writer: CaptureWriter, only: PerLinkTypeFilter | null): PacketSink {
  return {
    ...sink,
    packet: (n, f, d, t, arp) => {
      if (only === null || only.matches(f.buf, f.offset, f.caplen, f.len)) writer.write(f);
      sink.packet?.(n, f, d, t, arp);
    },
  };
}

/**
 * What a filter given to a view means. 'prefilter' (tcpdump's meaning, and
 * `--prefilter`): frames that do not match are dropped before anything sees
 * them. 'packets': every frame is analysed, and the view shows the
 * conversations with at least one matching frame — a filter never changes
 * what a connection went through, nor any connection's id.
 */
export type FilterScope = 'prefilter' | 'packets' | 'pick';

/** A view over a whole source: what it wants per frame / per conversation, and what it prints at the end. */
export interface SourceView {
  sink: PacketSink;
  end(): void;
}

/** Whether the command line holds a filter expression (after the inputs; all of the positionals with -i). */
export function hasFilter(opts: Options, firstFilterArg = 1): boolean {
  return sourceArgs(opts).rest.slice(firstFilterArg - 1).join(' ').trim() !== '';
}

/**
 * The time stamps of a table view (conns, http): the same modes as read's -t…
 * -ttttt and --time, since-first counted from the capture's first frame; not
 * -ttt (the time since the previous packet), which means nothing in a table.
 */
export function viewTime(opts: Options, command: string): TimeFormatter {
  if (opts.time === 'ttt') throw new UsageError(`${command}: -ttt / --time delta is the time since the previous packet, which a table has not; use --time since-first (-ttttt)`);
  return new TimeFormatter(opts.time, opts.nano);
}

/**
 * Runs a view over `<source>`: `-i IFACE` (live, until -c, -d or Ctrl-C), or
 * the inputs the positional arguments begin with (files, directories, globs,
 * "-"; read as one capture); of what follows them, the arguments from
 * `firstFilterArg` on (counting from 1) are a BPF filter.
 */
export async function runSourceView(opts: Options, command: string, makeView: (out: ByteSink) => SourceView, firstFilterArg = 1): Promise<number> {
  if (opts.write === '-') throw new UsageError(`${command} writes its view to stdout: -w - (the capture to stdout) goes with read or capture`);
  const out = new ByteSink();
  const scoped = opts.prefilter !== true && SCOPED_VIEWS.has(command);
  if (opts.iface !== null) {
    const filter = opts.positional.slice(firstFilterArg - 1).join(' ');
    const { runLive } = await import('./run-live.js');
    if (!scoped || filter.trim() === '') {
      const view = makeView(out);
      return runLive(opts, opts.iface, filter, view.sink, out, () => view.end());
    }
    // Live, one pass: a conversation is shown once a frame of it has matched (the filter runs in JavaScript on every frame).
    const ids = new Set<number>();
    const view = makeView(out);
    // Compiled for the interface's link type at its first frame (an error in the expression ends the capture in one line).
    let program: BpfProgram | null = null;
    const matches = (f: Frame): boolean => {
      program ??= compileBpf(f.linkType, opts.snaplen, filter);
      return program.matches(f.buf, f.offset, f.caplen, f.len);
    };
    const sink = shownOnly(view.sink, (id) => ids.has(id), (f, id) => { if (!ids.has(id) && matches(f)) ids.add(id); });
    const conn = sink.conn;
    if (conn !== undefined) sink.conn = (c) => { conn(c); ids.delete(c.id); };
    return runLive(opts, opts.iface, '', sink, out, () => view.end());
  }
  const { files, rest } = sourceArgs(opts);
  if (files.length === 0) throw new UsageError(`${command} needs a capture file, - for stdin, or -i IFACE`);
  refuseWritingAnInput(opts, files);
  const filterExpr = rest.slice(firstFilterArg - 1).join(' ');
  // Two passes over the file when a filter chooses conversations: which match, then the view over every frame, showing those.
  const twoPass = scoped && filterExpr.trim() !== '';
  const spool = twoPass && files[0] === '-' ? await spoolStdin() : null;
  const prepared = await prepareInput(spool !== null ? [spool.path] : files);
  try {
    for (const w of prepared.warnings) process.stderr.write(`netlens: warning: ${w}\n`);
    const input = prepared.input;
    if (!twoPass) {
      const view = makeView(out);
      const run = await runFile(opts, input, filterExpr, view.sink, 'prefilter', prepared.names);
      view.end();
      out.flush();
      return reportDamage(run);
    }
    const { ids, frames } = matchingConversations(opts, input, filterExpr, prepared.names);
    const view = makeView(out);
    const run = await runFile({ ...opts, count: frames }, input, filterExpr, shownOnly(view.sink, (id) => ids.has(id)), 'packets', prepared.names);
    view.end();
    out.flush();
    return reportDamage(run);
  } finally {
    prepared.cleanup();
    spool?.cleanup();
  }
}

/** Whether two paths name one file. */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a), y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** -w onto a capture being read would empty it before it is read: refused, before anything is opened. */
export function refuseWritingAnInput(opts: Options, files: readonly string[]): void {
  const w = opts.write;
  if (w === null || w === '-') return;
  for (const f of files) if (f !== '-' && sameFile(f, w)) throw new UsageError(`-w ${w} is a capture being read`);
}

/**
 * A file command's positional arguments: the inputs (files, directories,
 * globs: source/capture-set.ts expandInputs; none with -i) and what follows
 * them (a connection, a filter).
 */
export function sourceArgs(opts: Options): { files: string[]; rest: string[] } {
  if (opts.iface !== null) return { files: [], rest: opts.positional };
  const { files, used } = expandInputs(opts.positional);
  return { files, rest: opts.positional.slice(used) };
}

/** The views whose filter selects conversations, analysed on all their frames (FilterScope 'packets'), unless --prefilter. */
const SCOPED_VIEWS = new Set(['conns', 'http', 'dns', 'follow', 'ladder', 'graph']);

/** stdin copied to a temporary file (0600, its own directory), for a second pass. */
async function spoolStdin(): Promise<{ path: string; cleanup(): void }> {
  const dir = temporaryDirectory('stdin');
  const path = join(dir, 'stdin');
  const cleanup = (): void => { rmSync(dir, { recursive: true, force: true }); };
  try {
    await pipeline(process.stdin, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    cleanup();
    throw new SourceError(`stdin: ${(e as Error).message.split('\n')[0]}`);
  }
  return { path, cleanup };
}

/**
 * The sink of a one-connection view (ladder, graph): the collector takes every frame and every
 * ended conversation; `other` keeps the protocol of a non-TCP conversation the selector names,
 * for noTcpConnection's message.
 */
export function drawnConnectionSink(selector: ConnSelector, collector: { packet: NonNullable<PacketSink['packet']>; connEnded(c: Connection): void },
  other: { proto: string }): PacketSink {
  return {
    packet: (n, f, d, t, arp) => collector.packet(n, f, d, t, arp),
    conn: (c) => {
      if (other.proto === '' && c.proto !== IpProto.TCP && selectorMatches(selector, c)) other.proto = conversationProtocol(c.proto);
      collector.connEnded(c);
    },
    recycle: true,
  };
}

/**
 * The error of a one-connection view (ladder, graph) whose <conn> named nothing it can draw:
 * `otherProto` is the protocol of a non-TCP conversation the selector matched ('' when none did).
 */
export function noTcpConnection(command: string, connArg: string, otherProto: string): SourceError {
  if (otherProto !== '') {
    return new SourceError(`conversation ${connArg.startsWith('#') ? connArg : /^\d+$/.test(connArg) ? `#${connArg}` : connArg} is ${otherProto}: ${command} draws TCP connections (netlens follow shows its datagrams)`);
  }
  return new SourceError(`no TCP connection ${connArg} in this capture (netlens conns lists them)`);
}

/** The protocol's name for noTcpConnection. */
export function conversationProtocol(proto: number): string {
  return proto === 17 ? 'UDP' : proto === 1 ? 'ICMP' : proto === 58 ? 'ICMPv6' : `IP protocol ${proto}`;
}
