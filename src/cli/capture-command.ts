/** `netlens capture <iface> [filter]`: tcpdump's live capture (lines, --json, -w). `capture --top` is top-command.ts. */
import { UsageError, type Options } from './args.js';
import { ByteSink } from '../encode/sink.js';
import { packetSink } from './packet-sink.js';
import { runLive } from './run-live.js';

export async function runCapture(opts: Options): Promise<number> {
  const iface = opts.iface ?? opts.positional[0];
  if (iface === undefined) throw new UsageError('capture needs an interface (netlens interfaces lists them)');
  const filter = (opts.iface !== null ? opts.positional : opts.positional.slice(1)).join(' ');
  const out = new ByteSink();
  return runLive(opts, iface, filter, packetSink(opts, out), out);
}

