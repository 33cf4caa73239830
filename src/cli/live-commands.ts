/**
 * Live commands: `capture <iface>`, `interfaces`, and `-i IFACE` as the source
 * of other views (`conns -i`). Ctrl-C, SIGTERM, -c and -d all end the same way:
 * every buffered packet processed, files flushed and closed, then tcpdump's
 * three counter lines on stderr.
 */
import type { Frame } from '../source/frame.js';
import { SourceError } from '../source/frame.js';
import { type LiveSession, listInterfaces, openLive } from '../source/live.js';
import { CaptureWriter } from '../source/pcap-writer.js';
import { UsageError, type Options } from './args.js';
import { packetSink } from './read-command.js';
import { Output } from './output.js';
import { Pipeline, type PacketSink } from './pipeline.js';

/** Optional access for live views (`capture --top`) that redraw on their own clock. */
export interface LiveHooks {
  /** Called once capture has started: the session (for stats), the pipeline (tracker, count) and the function that ends the run. */
  onStart?(session: LiveSession, pipe: Pipeline, stop: () => void): void;
}

/** Runs a live source through a pipeline until -c, -d, SIGINT or SIGTERM (or hooks' stop). */
export async function runLive(opts: Options, iface: string, filter: string, sink: PacketSink, out: Output, end?: () => void, hooks?: LiveHooks): Promise<number> {
  const session: LiveSession = openLive({
    iface, snaplen: opts.snaplen, promisc: opts.promisc, immediate: opts.immediate, bufferKiB: opts.bufferKiB, ringKiB: opts.ringKiB,
    filter, nanosecond: true, backend: opts.backend,
  });
  let writer: CaptureWriter | null = null;
  try {
    if (opts.write !== null) writer = CaptureWriter.open(opts.write, session.linkType, opts.snaplen, session.nanosecond);
  } catch (e) {
    await session.stop();
    throw e instanceof SourceError ? e : new SourceError(`${opts.write}: ${(e as Error).message}`);
  }
  dropPrivileges(opts.user);
  if (opts.backend === 'native') {
    process.stderr.write(`netlens: listening on ${iface}, link-type ${session.linkType}, snapshot length ${opts.snaplen} bytes\n`);
  }
  const pipe = new Pipeline(opts, sink);
  let stopping: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (stopping !== null) return;
    stopping = session.stop().then(resolveDone, resolveDone);
  };
  // What a batch of frames printed is written once the batch is done (as tcpdump -l does per line),
  // so lines show up while the capture runs, on a terminal or through a pipe.
  let flushScheduled = false;
  const flushOutput = (): void => { flushScheduled = false; out.flush(); };
  const onFrame = (f: Frame): void => {
    if (pipe.done) return;
    writer?.write(f);
    if (!pipe.onFrame(f)) stop();
    if (!flushScheduled) { flushScheduled = true; setImmediate(flushOutput); }
  };
  let failed = false;
  session.start(onFrame, (e) => {
    // e.g. the interface went down or away: what was captured is reported, and the exit status says it failed (as tcpdump's).
    process.stderr.write(`netlens: ${e.message}\n`);
    failed = true;
    stop();
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (opts.duration > 0) timer = setTimeout(stop, opts.duration * 1000);
  hooks?.onStart?.(session, pipe, stop);
  await done;
  if (timer !== null) clearTimeout(timer);
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  pipe.finish();
  writer?.close();
  end?.();
  out.flush();
  const st = session.stats();
  process.stderr.write(`${pipe.count} packet${pipe.count === 1 ? '' : 's'} captured\n`);
  if (session.backend === 'native') {
    process.stderr.write(`${st.received} packet${st.received === 1 ? '' : 's'} received by filter\n`);
    process.stderr.write(`${st.dropped} packet${st.dropped === 1 ? '' : 's'} dropped by kernel\n`);
    if (st.ringDropped > 0) process.stderr.write(`${st.ringDropped} packet${st.ringDropped === 1 ? '' : 's'} dropped by netlens (capture ring full; see --ring-buffer)\n`);
  } else {
    process.stderr.write('(the cap backend reports no kernel counters)\n');
  }
  return failed ? 1 : 0;
}

/**
 * tcpdump -Z: once the capture handle is open, run as an unprivileged user
 * (default nobody) so no packet is parsed with root rights. -Z root keeps root.
 */
function dropPrivileges(user: string | null): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  const name = user ?? 'nobody';
  if (name === 'root') return;
  try {
    (process as unknown as { initgroups?: (u: string, g: string) => void }).initgroups?.(name, name === "nobody" ? "nogroup" : name);
  } catch { /* group may not exist under that name */ }
  try {
    process.setgid?.(name === 'nobody' ? 'nogroup' : name);
  } catch { /* fall back to the user's own group below */ }
  try {
    process.setuid?.(name);
  } catch (e) {
    throw new SourceError(`cannot drop privileges to user ${name}: ${(e as Error).message}`);
  }
}

export async function runCapture(opts: Options): Promise<number> {
  const iface = opts.iface ?? opts.positional[0];
  if (iface === undefined) throw new UsageError('capture needs an interface (netlens interfaces lists them)');
  const filter = (opts.iface !== null ? opts.positional : opts.positional.slice(1)).join(' ');
  if (opts.top) {
    if (opts.write === '-') throw new UsageError('--top draws on stdout: -w - (the capture to stdout) does not go with it');
    const { runTop } = await import('./top-command.js');
    return runTop(opts, iface, filter);
  }
  const out = new Output();
  return runLive(opts, iface, filter, packetSink(opts, out), out);
}

export async function runInterfaces(opts: Options): Promise<number> {
  const devs = listInterfaces();
  const out = new Output();
  devs.forEach((d, i) => {
    if (opts.json) {
      out.line(JSON.stringify({ type: 'interface', index: i + 1, ...d }));
      return;
    }
    const flags = [d.up ? 'Up' : null, d.running ? 'Running' : null, d.loopback ? 'Loopback' : null].filter(Boolean).join(', ');
    const desc = d.description ? ` (${d.description})` : '';
    const addrs = d.addresses.length ? `  ${d.addresses.join(' ')}` : '';
    out.line(`${i + 1}.${d.name}${desc} [${flags}]${addrs}`);
  });
  out.flush();
  return 0;
}
