/**
 * What the library reads from: a capture file's path (or a directory of
 * capture files), several paths read as one capture, a Buffer holding a
 * whole capture, or a Node readable stream of one. The file reader reads a
 * file descriptor synchronously, so a Buffer or a stream is first written to
 * a temporary file (mode 0600, in a directory of its own under os.tmpdir(),
 * removed when the run ends); gzip-compressed files are decompressed the same
 * way; a path is read in place. Several files are ordered by their first
 * frame and read as one capture (source/capture-set.ts).
 */
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { SourceError } from '../frame.js';
import { type CaptureInput, expandInputs, prepareInput } from '../source/capture-set.js';

/** A capture: a file's or directory's path, several paths (read as one capture), a Buffer with a whole pcap or pcapng (or its gzip), or a readable stream of one. */
export type CaptureSource = string | readonly string[] | Uint8Array | Readable | NodeJS.ReadableStream;

/** A source as what the pipeline opens, and what to do when the run is over. */
export interface SourceFile {
  input: CaptureInput;
  /** What messages call the decompressed files (their .gz names). */
  names: ReadonlyMap<string, string>;
  /** Warnings of preparing the input (a repeated file skipped). */
  warnings: string[];
  cleanup(): void;
}

export async function sourceFile(source: CaptureSource): Promise<SourceFile> {
  if (typeof source === 'string' || Array.isArray(source)) {
    const paths: readonly string[] = typeof source === 'string' ? [source] : source;
    if (paths.length === 0) throw new SourceError('no capture files given');
    // Each path names files: itself, or a directory's capture files.
    const files = paths.flatMap((p) => expandInputs([p]).files);
    return prepareInput(files);
  }
  const dir = mkdtempSync(join(tmpdir(), 'netlens-src-'));
  const path = join(dir, 'capture');
  const removeSpool = (): void => { rmSync(dir, { recursive: true, force: true }); };
  try {
    if (source instanceof Uint8Array) writeFileSync(path, source, { mode: 0o600 });
    else await pipeline(source as Readable, createWriteStream(path, { mode: 0o600 }));
    const prepared = await prepareInput([path]);
    return { ...prepared, cleanup: () => { prepared.cleanup(); removeSpool(); } };
  } catch (e) {
    removeSpool();
    throw e;
  }
}
