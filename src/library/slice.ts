/**
 * The library's slice: the frames of chosen conversations as objects
 * (slicePackets), or written to capture files (sliceToFile), through the same
 * collector and writers as `netlens slice` (report/slice.ts).
 */
import { SourceError, type Frame } from '../frame.js';
import { Pipeline } from '../pipeline.js';
import { openCapture } from '../source/capture-set.js';
import { tsString } from '../encode/time.js';
import { parseConnSelector } from '../report/ladder/model.js';
import { SliceCollector, unmatchedMessage, writeSlice, type ConnSelector } from '../report/slice.js';
import { pipelineOptions, type RunOptions } from './run.js';
import { sourceFile, type CaptureSource } from './source.js';

/** One frame of a sliced conversation, as captured. */
export interface SlicedFrame {
  /** Its conversation's id (as in `connections`). */
  conn: number;
  /** Time stamp: epoch seconds with 9 decimals, as every record's `ts`, and its two parts. */
  ts: string;
  tsSec: number;
  tsNsec: number;
  /** LINKTYPE_* of the frame. */
  linkType: number;
  /** Bytes captured (data.length) and bytes on the wire. */
  caplen: number;
  len: number;
  /** The frame's bytes, from its link-layer header on (a copy: it may be kept). */
  data: Buffer;
}

/** Options of slicePackets and sliceToFile: the conversation table's bounds (they decide the ids, as on the command line). */
export type SliceOptions = Pick<RunOptions, 'maxConns' | 'tcpIdle' | 'udpIdle' | 'onWarning'>;

/** Conversations named as the command line names them: ids (numbers, "N", "#N") or "ip:port-ip:port"; none is every conversation. */
export type ConnNames = number | string | readonly (number | string)[];

export function selectorsOf(conns: ConnNames): ConnSelector[] {
  const list = Array.isArray(conns) ? conns : [conns as number | string];
  return list.map((x) => {
    const s = parseConnSelector(String(x));
    if (s === null) throw new SourceError(`not a connection id or ip:port-ip:port: ${JSON.stringify(x)}`);
    return s;
  });
}

/** Frames between two hand-overs of the frames taken so far. */
const BATCH = 512;

/**
 * Every frame of the conversations named, in capture order. After the last
 * one, a SourceError when a name matched no conversation of the capture, or
 * when the file was damaged (everything before the damage is yielded first).
 */
export async function* slicePackets(source: CaptureSource, conns: ConnNames, options: SliceOptions = {}): AsyncGenerator<SlicedFrame> {
  const selectors = selectorsOf(conns);
  const file = await sourceFile(source);
  try {
    for (const w of file.warnings) options.onWarning?.(w);
    const reader = openCapture(file.input, file.names);
    try {
      const taken: SlicedFrame[] = [];
      const collector = new SliceCollector<{ id: number }>(selectors, {
        open: (c) => ({ id: c.id }),
        frame: (f: Frame, e) => {
          taken.push({
            conn: e.id, ts: tsString(f.tsSec, f.tsNsec), tsSec: f.tsSec, tsNsec: f.tsNsec, linkType: f.linkType,
            caplen: f.caplen, len: f.len, data: Buffer.from(f.buf.subarray(f.offset, f.offset + f.caplen)),
          });
        },
        close: () => {},
      });
      const pipe = new Pipeline(pipelineOptions(options), {
        packet: (n, f, d, t) => collector.packet(n, f, d, t),
        conn: (c) => collector.connEnded(c),
        recycle: true,
      });
      let damage: SourceError | null = null;
      try {
        let k = 0;
        for (let f = reader.next(); f !== null; f = reader.next()) {
          pipe.onFrame(f);
          if (++k === BATCH || taken.length >= BATCH) {
            k = 0;
            yield* taken.splice(0);
          }
          if (collector.complete) break;
        }
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        damage = e;
      }
      pipe.finish();
      yield* taken.splice(0);
      for (const w of reader.warnings) options.onWarning?.(w);
      const missing = collector.unmatched();
      if (missing.length > 0) throw new SourceError(unmatchedMessage(missing, damage).replace('; nothing written', ''));
      if (damage !== null) throw damage;
    } finally {
      reader.close();
    }
  } finally {
    file.cleanup();
  }
}

/** Where sliceToFile writes: one capture file, or a directory with one file per conversation. */
export type SliceDestination = { path: string; pcapng?: boolean } | { split: string; pcapng?: boolean };

/** What sliceToFile wrote. */
export interface SliceSummary {
  /** Conversations written, and their frames. */
  conversations: number;
  frames: number;
  /** The files written (with `split`, one per conversation, in the order of their first frame). */
  files: string[];
}

/**
 * `netlens slice -w PATH` / `--split DIR`: the conversations' frames written
 * to a capture file (pcap; pcapng when asked, for a path ending in .pcapng, or
 * for an input mixing link types), or one file per conversation (none named:
 * every conversation). Throws a SourceError, and leaves no file, when a name
 * matches no conversation; a damaged file throws after writing what came before.
 */
export async function sliceToFile(source: CaptureSource, conns: ConnNames, destination: SliceDestination, options: SliceOptions = {}): Promise<SliceSummary> {
  const selectors = selectorsOf(conns);
  if ('path' in destination && selectors.length === 0) throw new SourceError('sliceToFile to a path needs a connection (split writes every conversation)');
  const file = await sourceFile(source);
  try {
    const target = 'path' in destination ? { write: destination.path, pcapng: destination.pcapng } : { split: destination.split, pcapng: destination.pcapng };
    for (const w of file.warnings) options.onWarning?.(w);
    const run = writeSlice(file.input, selectors, target, pipelineOptions(options), file.names);
    for (const w of run.warnings) options.onWarning?.(w);
    const missing = run.collector.unmatched();
    if (missing.length > 0) throw new SourceError(unmatchedMessage(missing, run.damage));
    if (run.damage !== null) throw run.damage;
    return { conversations: run.collector.conversations, frames: run.collector.frames, files: run.files };
  } finally {
    file.cleanup();
  }
}
