/**
 * `slice`: every frame of the chosen conversations, written as it comes, in
 * capture order, with its own time stamp, link type, captured and wire
 * lengths. A SliceCollector is a packet sink: the tracker names each frame's
 * conversation (t.conn), the collector decides once per conversation whether
 * it is wanted (the verdict, or the output's entry for it, is kept on the
 * Connection's viewState, so a frame costs one comparison), and hands the
 * frame straight to a CaptureWriter, which copies its bytes into its buffer:
 * nothing is held per frame, and per conversation only the chosen ones' entry.
 *
 * Ids are the tracker's, over every frame of the capture, so they are the
 * ids `conns` prints (no filter is involved). A tuple (ip:port-ip:port)
 * chooses every conversation on it (a port reused is two conversations).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { SourceError, type Frame } from '../frame.js';
import { Pipeline, type PipelineOptions } from '../pipeline.js';
import { type CaptureInput, type CaptureReader, openCapture } from '../source/capture-set.js';
import { CaptureWriter, type BufferPool } from '../source/pcap-writer.js';
import type { Connection } from '../track/tcp/connection.js';
import type { Tracker } from '../track/tracker.js';
import { connRecord } from '../encode/conn-record.js';
import { selectorMatches } from './ladder/model.js';

/** A `<conn>` argument: a conversation id, or its two endpoints as ip:port-ip:port. */
export type ConnSelector = { id: number } | { a: string; b: string };

/**
 * Where the chosen conversations' frames go. `open` is told a chosen
 * conversation at its first frame and returns its entry (kept on the
 * Connection), `frame` gets each of its frames with that entry, `close` the
 * entry when the conversation ended.
 */
export interface SliceOutput<E extends object> {
  open(c: Connection): E;
  frame(f: Frame, e: E): void;
  close(e: E): void;
}

/** Connection.viewState of a conversation slice does not want (a wanted one holds its output's entry). */
const UNWANTED = Object.freeze({ slice: false });

export class SliceCollector<E extends object> {
  /** Per selector: whether it named a conversation of the capture. */
  readonly matched: boolean[];
  /** Conversations chosen, and frames handed to the output. */
  conversations = 0;
  frames = 0;
  /** Chosen conversations not ended yet; selectors that have named none yet. */
  private open = 0;
  private unmatchedCount: number;
  /** id → the selectors naming it. */
  private readonly byId = new Map<number, number[]>();
  private readonly tuples: { sel: { a: string; b: string }; index: number }[] = [];

  /** `selectors` empty: every conversation. */
  constructor(readonly selectors: readonly ConnSelector[], private readonly out: SliceOutput<E>) {
    this.matched = selectors.map(() => false);
    this.unmatchedCount = selectors.length;
    selectors.forEach((s, index) => {
      if ('id' in s) {
        const list = this.byId.get(s.id);
        if (list === undefined) this.byId.set(s.id, [index]); else list.push(index);
      } else this.tuples.push({ sel: s, index });
    });
  }

  packet(_n: number, f: Frame, _d: PacketDecoder, t: Tracker): void {
    const c = t.conn;
    if (c === null) return;
    let v = c.viewState;
    if (v === UNWANTED) return;
    if (v === null) {
      v = this.choose(c);
      c.viewState = v;
      if (v === UNWANTED) return;
    }
    this.frames++;
    this.out.frame(f, v as E);
  }

  /** The tracker ended a conversation (PacketSink.conn): a chosen one's output entry is closed; nothing of it is kept. */
  connEnded(c: Connection): void {
    const v = c.viewState;
    if (v === null || v === UNWANTED) return;
    c.viewState = UNWANTED;
    this.open--;
    this.out.close(v as E);
  }

  /**
   * Nothing more can be chosen: every id asked for has been seen and has
   * ended (ids are given in order, so none can come back), and no tuple or
   * "every conversation" is asked for. The rest of the capture need not be read.
   */
  get complete(): boolean {
    return this.open === 0 && this.unmatchedCount === 0 && this.tuples.length === 0 && this.selectors.length > 0;
  }

  /** The selectors that named no conversation, as given. */
  unmatched(): ConnSelector[] {
    return this.selectors.filter((_, i) => !this.matched[i]);
  }

  private mark(i: number): void {
    if (this.matched[i]) return;
    this.matched[i] = true;
    this.unmatchedCount--;
  }

  private choose(c: Connection): object {
    let hit = this.selectors.length === 0;
    const ids = this.byId.get(c.id);
    if (ids !== undefined) {
      hit = true;
      for (const i of ids) this.mark(i);
    }
    for (const t of this.tuples) {
      if (selectorMatches(t.sel, c)) { hit = true; this.mark(t.index); }
    }
    if (!hit) return UNWANTED;
    this.conversations++;
    this.open++;
    return this.out.open(c);
  }
}

/** A selector as the user wrote it (for a message). */
export function selectorText(s: ConnSelector): string {
  return 'id' in s ? `#${s.id}` : `${s.a}-${s.b}`;
}

/** What the output files are: the format, and the header values taken from the input. */
export interface SliceFormat {
  pcapng: boolean;
  linkType: number;
  snaplen: number;
  nanosecond: boolean;
}

/**
 * The output's format for an input: pcapng when asked (`--pcapng`, or a -w
 * path ending in .pcapng), or when the input is a pcapng whose interfaces
 * have several link types (a classic pcap holds one); classic pcap otherwise.
 * The input's link type, snaplen and time-stamp precision (µs or ns) are kept.
 */
export function sliceFormat(reader: CaptureReader, pcapng: boolean): SliceFormat {
  // A pcapng whose section has no interface yet has no link type to write (tcpdump refuses such a file too).
  if (reader.linkType < 0) throw new SourceError(`${reader.path}: no interface description block before the first packet: nothing to slice`);
  return {
    pcapng: pcapng || (reader.format === 'pcapng' && reader.linkTypes.length > 1),
    linkType: reader.linkType,
    snaplen: reader.snaplen || 262144,
    nanosecond: reader.nanosecond,
  };
}

/** One output file for every chosen conversation (-w FILE, or -w - for stdout). */
export class SingleFileOutput implements SliceOutput<{ file: true }> {
  readonly writer: CaptureWriter;
  private readonly entry = { file: true } as const;

  constructor(path: string, format: SliceFormat) {
    this.writer = CaptureWriter.open(path, format.linkType, format.snaplen, format.nanosecond, { format: format.pcapng ? 'pcapng' : 'pcap', keepLength: true });
  }

  open(): { file: true } { return this.entry; }
  frame(f: Frame): void { this.writer.write(f); }
  close(): void { /* the file stays open for the others */ }
  finish(): void { this.writer.close(); }
}

/** A conversation's file in --split: its path, its writer once its first frame came, its place among the files holding a buffer. */
export interface SplitFile {
  readonly id: number;
  readonly path: string;
  writer: CaptureWriter | null;
  frames: number;
  /** Whether it is in the list of files holding a buffer (most recently written first). */
  listed: boolean;
  newer: SplitFile | null;
  older: SplitFile | null;
}

/** Buffer memory all the --split files hold together; past it the least recently written are flushed and let go. */
export const SPLIT_MEMORY = 16 * 1024 * 1024;
/** One file's buffer at most (it is flushed when full). */
const SPLIT_BUFFER = 256 * 1024;

/**
 * Buffers of 1 KiB to 256 KiB (powers of two) kept for reuse, up to `keep`
 * bytes in all: the split files' buffers come and go with the shedding, and
 * would otherwise be garbage faster than the collector takes it.
 */
export class SplitBuffers implements BufferPool {
  private readonly free: Buffer[][] = [];
  private kept = 0;

  constructor(private readonly keep: number) {
    for (let k = 0; k <= 8; k++) this.free.push([]);
  }

  take(size: number): Buffer {
    const k = classOf(size);
    if (k < 0) return Buffer.allocUnsafeSlow(size);
    const b = this.free[k]!.pop();
    if (b !== undefined) { this.kept -= b.length; return b; }
    return Buffer.allocUnsafeSlow(1024 << k);
  }

  give(b: Buffer): void {
    const k = classOf(b.length);
    if (k < 0 || b.length !== 1024 << k || this.kept + b.length > this.keep) return;
    this.free[k]!.push(b);
    this.kept += b.length;
  }
}

/** The size class (1 KiB << k) of a buffer of at least `size` bytes, or -1 past 256 KiB. */
function classOf(size: number): number {
  let k = 0;
  while ((1024 << k) < size) if (++k > 8) return -1;
  return k;
}

/**
 * One file per conversation in a directory (--split DIR): `conn-<id>-<client>-<server>.pcap`
 * (.pcapng for pcapng), made at its conversation's first frame and closed when
 * it ends. The writers are detached (a descriptor only while a buffer is
 * written out), and their buffers together stay within `memory`: past it, the
 * least recently written files are flushed and their buffers let go. So
 * descriptors and memory stay bounded whatever the number of conversations,
 * and a busy file is written in large pieces.
 */
export class SplitOutput implements SliceOutput<SplitFile> {
  /** Every file written, in the order they were made. */
  readonly paths: string[] = [];
  /** Those of them that did not exist before this run. */
  readonly made: string[] = [];
  /** Buffer bytes the files hold now, and the most they held after a frame. */
  held = 0;
  mostHeld = 0;
  private newest: SplitFile | null = null;
  private oldest: SplitFile | null = null;
  private readonly buffers: SplitBuffers;

  constructor(private readonly dir: string, private readonly format: SliceFormat, private readonly memory = SPLIT_MEMORY) {
    this.buffers = new SplitBuffers(memory);
  }

  open(c: Connection): SplitFile {
    const r = connRecord(c);
    const name = splitFileName(c.id, r.client, r.server, this.format.pcapng);
    return { id: c.id, path: joinPath(this.dir, name), writer: null, frames: 0, listed: false, newer: null, older: null };
  }

  frame(f: Frame, e: SplitFile): void {
    let w = e.writer;
    if (w === null) {
      if (!existsSync(e.path)) this.made.push(e.path);
      // The file's link type is its conversation's first frame's (a pcapng may carry conversations on several).
      w = CaptureWriter.open(e.path, f.linkType, this.format.snaplen, this.format.nanosecond,
        { format: this.format.pcapng ? 'pcapng' : 'pcap', bufferSize: SPLIT_BUFFER, detached: true, keepLength: true, buffers: this.buffers });
      e.writer = w;
      this.paths.push(e.path);
      this.held += w.capacity; // the header's buffer
    }
    const before = w.capacity;
    w.write(f);
    e.frames++;
    this.held += w.capacity - before;
    if (this.newest !== e) {
      if (e.listed) this.unlink(e);
      this.link(e);
    }
    if (this.held > this.memory) this.shed();
    if (this.held > this.mostHeld) this.mostHeld = this.held;
  }

  close(e: SplitFile): void {
    const w = e.writer;
    if (w === null) return;
    if (e.listed) this.unlink(e);
    this.held -= w.capacity;
    w.close();
  }

  /** At the end: every file still buffered is written out. */
  finish(): void {
    for (let e = this.newest; e !== null; e = this.newest) this.close(e);
  }

  /** Flushes the least recently written files and lets their buffers go, down to three quarters of the bound. */
  private shed(): void {
    const target = this.memory - (this.memory >> 2);
    while (this.held > target && this.oldest !== null) {
      const o = this.oldest;
      this.unlink(o);
      this.held -= o.writer!.capacity;
      o.writer!.release();
    }
  }

  private link(e: SplitFile): void {
    e.older = this.newest;
    e.newer = null;
    if (this.newest !== null) this.newest.newer = e;
    this.newest = e;
    if (this.oldest === null) this.oldest = e;
    e.listed = true;
  }

  private unlink(e: SplitFile): void {
    if (e.newer !== null) e.newer.older = e.older; else this.newest = e.older;
    if (e.older !== null) e.older.newer = e.newer; else this.oldest = e.newer;
    e.newer = e.older = null;
    e.listed = false;
  }
}

/**
 * `conn-<id>-<client>-<server>.pcap`, each endpoint as tcpdump writes it
 * (`ip.port`), an IPv6 address's colons as '_', and any other character
 * outside [A-Za-z0-9._-] as '_' too: a name that is one path component, for any shell.
 */
export function splitFileName(id: number, client: { ip: string; port: number }, server: { ip: string; port: number }, pcapng: boolean): string {
  const ep = (e: { ip: string; port: number }): string => `${e.ip}.${e.port}`;
  const name = `conn-${id}-${ep(client)}-${ep(server)}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${name}.${pcapng ? 'pcapng' : 'pcap'}`;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** What a slice run did. */
export interface SliceRun<E extends object> {
  collector: SliceCollector<E>;
  /** A damaged record after which nothing more was read (everything before it was written), or null. */
  damage: SourceError | null;
  /** The reader's warnings (a file that ends inside a record, files that overlap). */
  warnings: string[];
}

/**
 * Reads a capture file (or "-", stdin) through a pipeline into a
 * SliceCollector whose output `makeOutput` makes once the file's header is
 * read. Every frame is tracked (the ids are those of `conns`); the reading
 * stops early once the conversations asked for by id have all ended. Damage
 * in the middle ends the reading as in every view: what came before is
 * written, and the damage is returned for the caller to report.
 */
export function sliceFile<E extends object>(input: CaptureInput, selectors: readonly ConnSelector[], opts: PipelineOptions,
  makeOutput: (format: CaptureReader) => SliceOutput<E>, names?: ReadonlyMap<string, string>): SliceRun<E> {
  const reader = openCapture(input, names);
  try {
    const collector = new SliceCollector(selectors, makeOutput(reader));
    const pipe = new Pipeline({ ...opts, count: 0 }, {
      packet: (n, f, d, t) => collector.packet(n, f, d, t),
      conn: (c) => collector.connEnded(c),
      recycle: true,
    });
    let damage: SourceError | null = null;
    try {
      for (let f = reader.next(); f !== null; f = reader.next()) {
        pipe.onFrame(f);
        if (collector.complete) break;
      }
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      damage = e;
    }
    pipe.finish();
    return { collector, damage, warnings: reader.warnings };
  } finally {
    reader.close();
  }
}

/** Where a slice is written: one file (-w; "-" is stdout), or a directory with a file per conversation (--split). */
export type SliceTarget = { write: string; pcapng?: boolean } | { split: string; pcapng?: boolean };

/** What writeSlice did: the run, and the files it left (none when a selector named no conversation). */
export interface SliceWritten extends SliceRun<object> {
  files: string[];
}

/**
 * The whole of `slice`: reads `input` and writes the chosen conversations'
 * frames to `target` (pcapng when asked, when a -w path ends in .pcapng, or
 * for an input mixing link types). When a selector named no conversation of
 * the capture, the files written are removed again: a slice with a wrong name
 * in it is no slice (the caller says so). Every file is closed before it returns.
 */
export function writeSlice(input: CaptureInput, selectors: readonly ConnSelector[], target: SliceTarget, opts: PipelineOptions, names?: ReadonlyMap<string, string>): SliceWritten {
  let single: SingleFileOutput | null = null;
  let split: SplitOutput | null = null;
  let run: SliceRun<object>;
  try {
    run = sliceFile<object>(input, selectors, opts, (reader): SliceOutput<object> => {
      const path = 'write' in target ? target.write : null;
      const format = sliceFormat(reader, target.pcapng === true || (path !== null && /\.pcapng$/i.test(path)));
      if (path !== null) {
        // Written beside the target and renamed over it once the run succeeded: a failed run leaves the file that was there.
        single = new SingleFileOutput(path === '-' ? path : partial(path), format);
        return single as SliceOutput<object>;
      }
      const dir = (target as { split: string }).split;
      makeDirectory(dir);
      split = new SplitOutput(dir, format);
      return split as SliceOutput<object>;
    });
  } finally {
    (single as SingleFileOutput | null)?.finish();
    (split as SplitOutput | null)?.finish();
  }
  const failed = run.collector.unmatched().length > 0;
  if (single !== null && 'write' in target && target.write !== '-') {
    if (failed) rmSync(partial(target.write), { force: true });
    else renameSync(partial(target.write), target.write);
    return { ...run, files: failed ? [] : [target.write] };
  }
  let files = (split as SplitOutput | null)?.paths ?? [];
  if (failed) {
    // Only the files this run made (a file of the same name that was there is replaced as the run writes it).
    for (const p of (split as SplitOutput | null)?.made ?? []) rmSync(p, { force: true });
    files = [];
  }
  return { ...run, files };
}

/** Where -w FILE is written until the run has succeeded. */
function partial(path: string): string {
  return `${path}.netlens-partial-${process.pid}`;
}

function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const cause = err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'not a directory' : err.code === 'EACCES' ? 'permission denied' : err.message.split('\n')[0]!;
    throw new SourceError(`--split ${dir}: ${cause}`);
  }
}

/** The one line for selectors that named no conversation. */
export function unmatchedMessage(missing: readonly ConnSelector[], damage: SourceError | null): string {
  const names = missing.map(selectorText).join(', ');
  const cause = damage !== null ? ` before the damage (${damage.message})` : '';
  return `no conversation ${names} in this capture${cause} (netlens conns lists them); nothing written`;
}
