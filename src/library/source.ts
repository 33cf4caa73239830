/**
 * What the library reads from: a capture file's path, a Buffer holding a
 * whole capture, or a Node readable stream of one. The file reader reads a
 * file descriptor synchronously, so a Buffer or a stream is first written to
 * a temporary file (mode 0600, in a directory of its own under os.tmpdir(),
 * removed when the run ends); a path is read in place.
 */
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/** A capture: a file's path, a Buffer with a whole pcap or pcapng, or a readable stream of one. */
export type CaptureSource = string | Uint8Array | Readable | NodeJS.ReadableStream;

/** A source as a path, and what to do when the run is over. */
export interface SourceFile {
  path: string;
  cleanup(): void;
}

export async function sourceFile(source: CaptureSource): Promise<SourceFile> {
  if (typeof source === 'string') return { path: source, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'netlens-src-'));
  const path = join(dir, 'capture');
  const cleanup = (): void => { rmSync(dir, { recursive: true, force: true }); };
  try {
    if (source instanceof Uint8Array) writeFileSync(path, source, { mode: 0o600 });
    else await pipeline(source as Readable, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    cleanup();
    throw e;
  }
  return { path, cleanup };
}
