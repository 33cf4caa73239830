/** `netlens read`: one line (or JSON record) per packet, and the sink live capture shares. */
import { UsageError, type Options } from './args.js';
import { reportDamage, runFile } from './run-file.js';
import { ByteSink } from '../encode/sink.js';

import { packetSink } from './packet-sink.js';

export async function runRead(opts: Options): Promise<number> {
  const file = opts.positional[0];
  if (file === undefined) throw new UsageError('read needs a capture file (or - for stdin)');
  const out = new ByteSink();
  if (opts.countOnly) { // tcpdump --count: "N packets", nothing else on stdout
    if (opts.json) throw new UsageError('--count prints a number of packets; --json prints packets');
    const run = await runFile(opts, file, opts.positional.slice(1).join(' '), { recycle: true });
    const status = reportDamage(run); // tcpdump: the error, then the count of the packets before it
    process.stdout.write(`${run.pipe.count} packet${run.pipe.count === 1 ? '' : 's'}\n`);
    return status;
  }
  // A filter picks the lines; the analysis behind their annotations sees every frame (--prefilter: tcpdump's meaning).
  const run = await runFile(opts, file, opts.positional.slice(1).join(' '), packetSink(opts, out), opts.prefilter ? 'prefilter' : 'pick');
  out.flush();
  return reportDamage(run);
}

