/** `netlens read`: one line (or JSON record) per packet, and the sink live capture shares. */
import { UsageError, type Options } from './args.js';
import { refuseWritingAnInput, reportDamage, runFile, sourceArgs } from './run-file.js';
import { ByteSink } from '../encode/sink.js';
import { prepareInput } from '../source/capture-set.js';

import { packetSink } from './packet-sink.js';

export async function runRead(opts: Options): Promise<number> {
  const { files, rest } = sourceArgs(opts);
  if (files.length === 0) throw new UsageError('read needs a capture file (or - for stdin)');
  refuseWritingAnInput(opts, files);
  if (opts.write === '-' && process.stdout.isTTY === true) {
    throw new UsageError('-w - writes a capture file to stdout, which is a terminal: redirect it to a file or a pipe');
  }
  const filter = rest.join(' ');
  const prepared = await prepareInput(files);
  try {
    for (const w of prepared.warnings) process.stderr.write(`netlens: warning: ${w}\n`);
    const out = new ByteSink();
    if (opts.countOnly) { // tcpdump --count: "N packets", nothing else on stdout
      if (opts.json) throw new UsageError('--count prints a number of packets; --json prints packets');
      const run = await runFile(opts, prepared.input, filter, { recycle: true }, 'prefilter', prepared.names);
      const status = reportDamage(run); // tcpdump: the error, then the count of the packets before it
      process.stdout.write(`${run.pipe.count} packet${run.pipe.count === 1 ? '' : 's'}\n`);
      return status;
    }
    // A filter picks the lines; the analysis behind their annotations sees every frame (--prefilter: tcpdump's meaning).
    const run = await runFile(opts, prepared.input, filter, packetSink(opts, out), opts.prefilter ? 'prefilter' : 'pick', prepared.names);
    out.flush();
    return reportDamage(run);
  } finally {
    prepared.cleanup();
  }
}
