/**
 * The library's engine: a capture run through the same pipeline and the same
 * record writers as the command line, frame by frame, its NDJSON records
 * taken from a string sink as they are written and handed out as objects.
 */
import { endianness } from 'node:os';
import { SourceError } from '../frame.js';
import { matchingConversations, Pipeline, shownOnly, type PacketSink, type PipelineOptions } from '../pipeline.js';
import { PerLinkTypeFilter } from '../source/bpf.js';
import { openCapture } from '../source/capture-set.js';
import { StringSink } from '../encode/sink.js';
import { sourceFile, type CaptureSource } from './source.js';

/** Options every library call takes. */
export interface RunOptions {
  /**
   * A tcpdump (BPF) filter, with the command line's meaning: it chooses what is
   * yielded, never what is analysed. readPackets yields the matching packets,
   * their analysis from every frame; connections, httpTransactions, followStream
   * and summarise take the conversations with a matching frame, analysed on all
   * of theirs, under their unfiltered ids; arpFindings and capture drop the
   * frames that do not match (as `arp` and a live capture's kernel filter do).
   */
  filter?: string;
  /** tcpdump's meaning for `filter`: frames that do not match are dropped before anything sees them. */
  prefilter?: boolean;
  /** Stop after this many frames (that match the filter). */
  count?: number;
  /** Conversations tracked at once (default 100,000); the oldest is ended and reported when a new one would exceed it. */
  maxConns?: number;
  /** Seconds a TCP conversation may be idle before it is ended (default 300). */
  tcpIdle?: number;
  /** Seconds a UDP conversation may be idle before it is ended (default 60). */
  udpIdle?: number;
  /** Told each warning the command line would print on stderr (default: none are reported). */
  onWarning?: (text: string) => void;
  /** The Community ID's seed (0 to 65535, default 0), as `--community-id-seed`. */
  communityIdSeed?: number;
  /** connections(): every this many seconds of capture time, an interim record (`interim: true`) of each conversation still open, as `conns --interim`; 0 or absent: none. */
  interim?: number;
}

export function pipelineOptions(o: RunOptions): PipelineOptions {
  return { count: o.count ?? 0, maxConns: o.maxConns ?? 100_000, tcpIdle: o.tcpIdle ?? 300, udpIdle: o.udpIdle ?? 60, interim: o.interim ?? 0 };
}

/**
 * What a call's filter chooses: 'drop' frames before the analysis, 'pick' the
 * packets yielded (every frame analysed), or the 'conversations' with a
 * matching frame (every frame analysed; two passes over the file).
 */
export type FilterScope = 'drop' | 'pick' | 'conversations';

/** A view for the library: what it wants of the pipeline, and what it writes when the capture ends. */
export interface LibraryView {
  sink: PacketSink;
  end(): void;
}

/** Frames between two hand-overs of the records written so far. */
const BATCH = 512;

/**
 * Runs `source` through a pipeline feeding `makeView`'s sink, yielding every
 * NDJSON record the view writes into the string sink, parsed, in order.
 * A record damaged in the middle of the file ends the reading as it ends the
 * command line's: everything before it is analysed and yielded, the view
 * ended, and then the SourceError is thrown.
 */
export async function* runRecords<T>(source: CaptureSource, opts: RunOptions, makeView: (out: StringSink) => LibraryView, onPipe?: (pipe: Pipeline) => void,
  scope: FilterScope = 'drop'): AsyncGenerator<T> {
  const file = await sourceFile(source);
  try {
    const expr = (opts.filter ?? '').trim();
    if (expr === '' || opts.prefilter === true) scope = 'drop';
    // Conversations: a first pass finds those with a matching frame (and, with count, where the Nth match is).
    const shown = scope === 'conversations' ? matchingConversations(pipelineOptions(opts), file.input, expr, file.names) : null;
    for (const w of file.warnings) opts.onWarning?.(w);
    const reader = openCapture(file.input, file.names);
    try {
      const swapped = reader.littleEndian !== (endianness() === 'LE');
      const filter = expr === '' ? null : new PerLinkTypeFilter(expr, reader.linkTypes, reader.snaplen || 262144, swapped);
      const out = new StringSink();
      const view = makeView(out);
      const pipe = shown !== null
        ? new Pipeline({ ...pipelineOptions(opts), count: shown.frames }, shownOnly(view.sink, (id) => shown.ids.has(id)))
        : new Pipeline(pipelineOptions(opts), view.sink, filter, scope === 'pick' ? 'pick' : 'drop');
      onPipe?.(pipe);
      let damage: SourceError | null = null;
      try {
        let k = 0;
        for (let f = reader.next(); f !== null; f = reader.next()) {
          filter?.select(f.linkType, reader.littleEndian !== (endianness() === 'LE'));
          const more = pipe.onFrame(f);
          if (++k === BATCH) { k = 0; yield* parseLines<T>(out.take()); }
          if (!more) break;
        }
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        damage = e;
      }
      pipe.finish();
      view.end();
      yield* parseLines<T>(out.take());
      for (const w of reader.warnings) opts.onWarning?.(w);
      if (damage !== null) throw damage;
    } finally {
      reader.close();
    }
  } finally {
    file.cleanup();
  }
}

function* parseLines<T>(text: string): Generator<T> {
  let from = 0;
  for (;;) {
    const nl = text.indexOf('\n', from);
    if (nl < 0) break;
    if (nl > from) yield JSON.parse(text.slice(from, nl)) as T;
    from = nl + 1;
  }
}
