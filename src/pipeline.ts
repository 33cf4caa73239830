/**
 * source → decode → track → view, wired once per run. Sources push frames
 * into `onFrame`; the pipeline owns one decoder and one tracker.
 */
import { DecodeStatus } from './decode/constants.js';
import { PacketDecoder } from './decode/packet-decoder.js';
import { endianness } from 'node:os';
import { SourceError, type Frame } from './frame.js';
import { type CaptureInput, openCapture } from './source/capture-set.js';
import { PerLinkTypeFilter } from './source/bpf.js';
import { ArpTable } from './track/arp-table.js';
import type { Connection } from './track/tcp/connection.js';
import { Tracker } from './track/tracker.js';

export interface FrameFilter {
  matches(buf: Buffer, offset: number, caplen: number, wirelen: number): boolean;
}

export interface PacketSink {
  /** Called for every frame that passes the filter, after decoding and tracking. */
  packet?(n: number, f: Frame, d: PacketDecoder, t: Tracker, arp: ArpTable): void;
  /** Called once per conversation when it ends (evicted, or at the end of the trace). */
  conn?(c: Connection): void;
  /**
   * Called for each conversation still open at an interim boundary
   * (PipelineOptions.interim), in id order: the conversation as it stands.
   * Keeps nothing of it once it returns.
   */
  interim?(c: Connection): void;
  /** conn() keeps nothing of the Connection once it returns, so the tracker may reuse it (TrackerOptions.recycle). */
  recycle?: boolean;
  /** Called once, with the time stamp of the first frame that passes the filter (the views' time origin). */
  first?(sec: number, nsec: number): void;
}

/** What the pipeline takes from the command's options (cli/args.ts Options has all of them). */
export interface PipelineOptions {
  /** Stop after this many frames passed the filter (-c); 0 for no limit. */
  count: number;
  maxConns: number;
  tcpIdle: number;
  udpIdle: number;
  /** Seconds of capture time between interim conn reports (sink.interim); 0 or absent: none. */
  interim?: number | null;
}

/**
 * What a filter does in a pipeline. 'drop' (tcpdump's meaning; --prefilter):
 * frames that do not match are dropped before anything sees them. 'pick': every
 * frame is decoded and tracked, and only the matching ones reach the sink's
 * packet(), numbered and counted (-c) among themselves: a filter on `read`
 * chooses the lines, never what the analysis saw.
 */
export type FilterMode = 'drop' | 'pick';

export class Pipeline {
  readonly decoder = new PacketDecoder();
  readonly tracker: Tracker;
  /** ARP / neighbour-discovery table; `arp.conflict` is the conflict the current frame caused. */
  readonly arp = new ArpTable();
  /** Frames that passed the filter. */
  count = 0;
  /** Frames decoded and tracked (with a 'pick' filter, also those that did not match). */
  seen = 0;
  malformed = 0;
  done = false;
  private readonly limit: number;

  constructor(opts: PipelineOptions, private readonly sink: PacketSink, private readonly filter: FrameFilter | null = null,
    private readonly filterMode: FilterMode = 'drop') {
    this.limit = opts.count;
    this.tracker = new Tracker({
      maxConns: opts.maxConns, tcpIdle: opts.tcpIdle, udpIdle: opts.udpIdle,
      onEnd: sink.conn ? (c) => sink.conn!(c) : undefined,
      recycle: sink.recycle === true,
      interim: opts.interim ?? 0,
      onInterim: sink.interim ? (c) => sink.interim!(c) : undefined,
    });
  }

  /** Returns false once the packet limit (-c) is reached. */
  onFrame(f: Frame): boolean {
    if (this.done) return false;
    const match = this.filter === null || this.filter.matches(f.buf, f.offset, f.caplen, f.len);
    if (!match && this.filterMode === 'drop') return true;
    this.seen++;
    if (match) this.count++;
    if (this.seen === 1) this.sink.first?.(f.tsSec, f.tsNsec);
    const st = this.decoder.decode(f);
    if (st === DecodeStatus.malformed && match) this.malformed++;
    // tcpdump numbers sequences relative to the frames it prints: only those move the bases.
    this.tracker.shown = match;
    this.tracker.observe(this.decoder, f.tsSec, f.tsNsec);
    this.arp.observe(this.decoder, f.tsSec, f.tsNsec);
    if (!match) return true;
    this.sink.packet?.(this.count, f, this.decoder, this.tracker, this.arp);
    if (this.limit > 0 && this.count >= this.limit) {
      this.done = true;
      return false;
    }
    return true;
  }

  finish(): void {
    this.tracker.finish();
  }
}

/**
 * A view's sink given only the frames and the conversations `shown` picks
 * (every frame of those: their analysis is whole). `see` is told each frame of
 * a conversation first, so that a live run can pick conversations as it goes.
 */
export function shownOnly(inner: PacketSink, shown: (id: number) => boolean, see?: (f: Frame, id: number) => void): PacketSink {
  return {
    recycle: inner.recycle,
    first: inner.first,
    packet: inner.packet === undefined && see === undefined ? undefined : (n, f, d, t, arp) => {
      if (t.conn === null) return;
      see?.(f, t.conn.id);
      if (shown(t.conn.id)) inner.packet?.(n, f, d, t, arp);
    },
    conn: inner.conn === undefined ? undefined : (c) => { if (shown(c.id)) inner.conn!(c); },
    interim: inner.interim === undefined ? undefined : (c) => { if (shown(c.id)) inner.interim!(c); },
  };
}

/**
 * The first pass of a filtered view over a file: the ids of the conversations
 * with at least one frame matching the filter (the tracker sees every frame,
 * so the ids are those of the unfiltered capture), and, with -c N, how many
 * frames the second pass reads: up to the Nth match.
 */
export function matchingConversations(opts: PipelineOptions, file: CaptureInput, filterExpr: string, names?: ReadonlyMap<string, string>): { ids: Set<number>; frames: number } {
  const ids = new Set<number>();
  let frames = 0, matched = 0, stopAt = 0;
  const reader = openCapture(file, names);
  try {
    const swapped = reader.littleEndian !== (endianness() === 'LE');
    const filter = new PerLinkTypeFilter(filterExpr, reader.linkTypes, reader.snaplen || 262144, swapped);
    const pipe = new Pipeline({ ...opts, count: 0 }, {
      packet: (_n, f, _d, t) => {
        frames++;
        if (!filter.matches(f.buf, f.offset, f.caplen, f.len)) return;
        matched++;
        if (t.conn !== null) ids.add(t.conn.id);
        if (opts.count > 0 && matched >= opts.count) stopAt = frames;
      },
      recycle: true,
    });
    try {
      for (let f = reader.next(); f !== null && stopAt === 0; f = reader.next()) {
        filter.select(f.linkType, reader.littleEndian !== (endianness() === 'LE'));
        pipe.onFrame(f);
      }
    } catch (e) {
      if (!(e instanceof SourceError)) throw e; // the second pass reads to the same damage and reports it
    }
  } finally {
    reader.close();
  }
  return { ids, frames: stopAt };
}
