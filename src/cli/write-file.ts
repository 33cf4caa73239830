/** Writing a view's file (ladder --svg, graph --svg) in pieces. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { SourceError } from '../frame.js';

/** Writes a file in pieces (a diagram of a million rows is never one string); the cause in one line if it fails. */
export function writeFileInPieces(path: string, fill: (write: (s: string) => void) => void): void {
  let fd = -1;
  try {
    fd = openSync(path, 'w');
    let buf = '';
    const flush = (): void => {
      const b = Buffer.from(buf, 'utf8');
      for (let o = 0; o < b.length;) o += writeSync(fd, b, o, b.length - o);
      buf = '';
    };
    fill((s) => { buf += s; if (buf.length >= 1 << 16) flush(); });
    flush();
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
