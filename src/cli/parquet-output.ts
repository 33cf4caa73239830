/**
 * `--format parquet -w FILE` (conns, http): where the Parquet file goes. -w
 * names it (the capture copy -w writes otherwise is not written then); -w -
 * is stdout, refused when stdout is a terminal (Parquet is binary, and its
 * footer comes last: nothing to read on a screen).
 */
import { closeSync, openSync } from 'node:fs';
import { UsageError, type Options } from './args.js';
import { ByteSink } from '../encode/sink.js';
import { SourceError } from '../frame.js';
import { refuseWritingAnInput, sourceArgs } from './run-file.js';

export interface ParquetOutput {
  out: ByteSink;
  /** The view's options with -w taken (no capture copy). */
  opts: Options;
  close(): void;
}

export function openParquetOutput(opts: Options, command: string): ParquetOutput {
  const path = opts.write!;
  refuseWritingAnInput(opts, sourceArgs(opts).files);
  const rest: Options = { ...opts, write: null };
  if (path === '-') {
    if (process.stdout.isTTY) throw new UsageError(`${command} --format parquet -w -: stdout is a terminal; redirect it to a file or a pipe, or give -w FILE`);
    return { out: new ByteSink(1), opts: rest, close: () => {} };
  }
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o644);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // As the capture writer says it: "cannot write x.parquet: no such file or directory (ENOENT)".
    const cause = err.message.split('\n')[0]!.replace(/^[A-Z]+: /, '').replace(/, open '.*'$/, '');
    throw new SourceError(`cannot write ${path}: ${cause}${err.code !== undefined ? ` (${err.code})` : ''}`);
  }
  return { out: new ByteSink(fd, 1 << 16, path), opts: rest, close: () => closeSync(fd) };
}
