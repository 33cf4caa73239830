/**
 * `netlens slice <file|-> <conn...> -w FILE` / `--split DIR`: every frame of
 * the conversations named, in capture order, as they were captured
 * (report/slice.ts). Nothing on stdout unless -w -.
 */
import { SourceError } from '../frame.js';
import { parseConnSelector } from '../report/ladder/model.js';
import { unmatchedMessage, writeSlice, type ConnSelector } from '../report/slice.js';
import { UsageError, type Options } from './args.js';
import { refuseWritingAnInput, sourceArgs } from './run-file.js';
import { prepareInput } from '../source/capture-set.js';

export async function runSlice(opts: Options): Promise<number> {
  const { files, rest } = sourceArgs(opts);
  if (files.length === 0) throw new UsageError('slice needs a capture file (- for stdin) and the connections to write');
  const selectors: ConnSelector[] = [];
  for (const arg of rest) {
    const s = parseConnSelector(arg);
    if (s === null) throw new UsageError(`not a connection id (N or #N, as netlens conns prints them) or ip:port-ip:port: ${JSON.stringify(arg)}`);
    selectors.push(s);
  }
  if (opts.write === null && opts.split === null) throw new UsageError('slice writes to -w FILE (- for stdout) or to --split DIR');
  if (opts.write !== null && opts.split !== null) throw new UsageError('-w and --split do not go together');
  if (opts.write !== null && selectors.length === 0) {
    throw new UsageError('slice -w needs a connection: an id from netlens conns, or ip:port-ip:port (--split DIR alone writes every conversation)');
  }
  if (opts.write === '-' && process.stdout.isTTY === true) {
    throw new UsageError('-w - writes a capture file to stdout, which is a terminal: redirect it to a file or a pipe');
  }
  refuseWritingAnInput(opts, files);
  const prepared = await prepareInput(files);
  try {
    for (const w of prepared.warnings) process.stderr.write(`netlens: warning: ${w}\n`);
    const target = opts.write !== null ? { write: opts.write, pcapng: opts.pcapng } : { split: opts.split!, pcapng: opts.pcapng };
    const run = writeSlice(prepared.input, selectors, target, opts, prepared.names);
    for (const w of run.warnings) process.stderr.write(`netlens: warning: ${w}\n`);
    const missing = run.collector.unmatched();
    if (missing.length > 0) throw new SourceError(unmatchedMessage(missing, run.damage));
    if (run.damage !== null) {
      process.stderr.write(`netlens: ${run.damage.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    prepared.cleanup();
  }
}
