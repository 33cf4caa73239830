/**
 * source → decode → track → view, wired once per run. Sources push frames
 * into `onFrame`; the pipeline owns one decoder and one tracker.
 */
import { DecodeStatus } from './decode/constants.js';
import { PacketDecoder } from './decode/packet-decoder.js';
import type { Frame } from './frame.js';
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
}

export class Pipeline {
  readonly decoder = new PacketDecoder();
  readonly tracker: Tracker;
  /** ARP / neighbour-discovery table; `arp.conflict` is the conflict the current frame caused. */
  readonly arp = new ArpTable();
  /** Frames that passed the filter. */
  count = 0;
  malformed = 0;
  done = false;
  private readonly limit: number;

  constructor(opts: PipelineOptions, private readonly sink: PacketSink, private readonly filter: FrameFilter | null = null) {
    this.limit = opts.count;
    this.tracker = new Tracker({
      maxConns: opts.maxConns, tcpIdle: opts.tcpIdle, udpIdle: opts.udpIdle,
      onEnd: sink.conn ? (c) => sink.conn!(c) : undefined,
      recycle: sink.recycle === true,
    });
  }

  /** Returns false once the packet limit (-c) is reached. */
  onFrame(f: Frame): boolean {
    if (this.done) return false;
    if (this.filter !== null && !this.filter.matches(f.buf, f.offset, f.caplen, f.len)) return true;
    this.count++;
    if (this.count === 1) this.sink.first?.(f.tsSec, f.tsNsec);
    const st = this.decoder.decode(f);
    if (st === DecodeStatus.malformed) this.malformed++;
    this.tracker.observe(this.decoder, f.tsSec, f.tsNsec);
    this.arp.observe(this.decoder, f.tsSec, f.tsNsec);
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
