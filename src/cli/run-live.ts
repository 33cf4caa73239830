/**
 * Running a view over a live interface: `capture <iface>` and `-i IFACE` as
 * the source of other views (`conns -i`). Ctrl-C, SIGTERM, -c and -d all end the same way:
 * every buffered packet processed, files flushed and closed, then tcpdump's
 * three counter lines on stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces, setPriority } from 'node:os';
import { CaptureHealth } from '../track/health.js';
import type { Frame } from '../frame.js';
import { SourceError } from '../frame.js';
import { type LiveSession, openLive } from '../source/live.js';
import { finestPeriod } from '../source/file-name.js';
import { RotatingWriter, type RotationEvents } from '../source/rotating-writer.js';
import { UsageError, type Options } from './args.js';
import { ByteSink, OutputClosed } from '../encode/sink.js';
import { assertNoInspector, onStatsSignal, writeStderr } from './process-guard.js';
import { Pipeline, type PacketSink } from '../pipeline.js';

/** Optional access for live views (`capture --top`) that redraw on their own clock. */
export interface LiveHooks {
  /** Called once capture has started: the session (for stats), the pipeline (tracker, count) and the function that ends the run. */
  onStart?(session: LiveSession, pipe: Pipeline, stop: () => void): void;
  /** Given the capture's health monitor before the first frame (capture --top shows its findings). */
  onHealth?(health: CaptureHealth): void;
}

/** The health monitor of a capture on `iface`: its MTU and IPv4 addresses as Linux reports them (unknown: those checks are off). */
function liveHealth(iface: string, snaplen: number): CaptureHealth {
  let mtu = 0;
  try { mtu = Number(readFileSync(`/sys/class/net/${iface}/mtu`, 'utf8').trim()) || 0; } catch { /* not Linux, or 'any' */ }
  const localV4: number[] = [];
  for (const a of networkInterfaces()[iface] ?? []) {
    if (a.family !== 'IPv4') continue;
    const [w, x, y, z] = a.address.split('.').map(Number) as [number, number, number, number];
    localV4.push(((w << 24) | (x << 16) | (y << 8) | z) >>> 0);
  }
  return new CaptureHealth({ iface, mtu, snaplen, localV4 });
}

/** The counters' drops and the link's operational state, into the health monitor. */
function checkHealth(health: CaptureHealth, session: LiveSession, iface: string): void {
  if (session.backend === 'native') {
    try {
      const st = session.stats();
      health.counters(st.dropped, st.ringDropped);
    } catch { /* closed */ }
  }
  try { health.link(readFileSync(`/sys/class/net/${iface}/operstate`, 'utf8').trim()); } catch { /* gone: the capture says so */ }
}

/** Every catchable signal that ends a capture the way Ctrl-C does (tcpdump: INT, TERM, HUP, PIPE; netlens adds QUIT). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGPIPE'];

/**
 * Runs a live source through a pipeline until -c, -d, a stop signal, a failed
 * write, or the hooks' stop. However it ends, every packet the capture handed
 * over is written and processed, files are flushed and closed, and tcpdump's
 * counters are printed; the status is 0, or 1 when something failed (an
 * interface gone, a write that failed), as tcpdump's.
 */
export async function runLive(opts: Options, iface: string, filter: string, sink: PacketSink, out: ByteSink, end?: () => void, hooks?: LiveHooks): Promise<number> {
  const inspectorOpen = assertNoInspector();
  if (inspectorOpen !== null) throw new UsageError(inspectorOpen);
  const session: LiveSession = openLive({
    iface, snaplen: opts.snaplen, promisc: opts.promisc, immediate: opts.immediate, bufferKiB: opts.bufferKiB, ringKiB: opts.ringKiB,
    filter, nanosecond: true, backend: opts.backend,
  });
  let writer: RotatingWriter | null = null;
  // -z commands still running: the capture waits for them before it exits.
  const postRotate = new Set<Promise<void>>();
  let writingEnded = false;
  let stopRun: () => void = () => { writingEnded = true; };
  try {
    // As tcpdump -Z: privileges are dropped once the capture handle is open, before any output file is opened,
    // so no file is created with root's rights and no packet is parsed as root.
    dropPrivileges(opts.user);
    if (opts.write !== null) {
      writer = openCaptureFile(opts.write, session, opts, {
        closed: (path) => { if (opts.postRotate !== null) postRotate.add(runPostRotate(opts.postRotate, path, postRotate)); },
        notice: (line) => writeStderr(`${line}\n`),
        limitReached: () => { writingEnded = true; stopRun(); },
      });
    }
  } catch (e) {
    await session.stop();
    throw e;
  }
  if (opts.backend === 'native') {
    writeStderr(`netlens: listening on ${iface}, link-type ${session.linkType}, snapshot length ${opts.snaplen} bytes\n`);
  }
  const pipe = new Pipeline(opts, sink);
  // What about this capture point makes packets differ from the wire: said once when first seen, and in the summary.
  const health = liveHealth(iface, opts.snaplen);
  health.onFinding = (f) => { writeStderr(`netlens: health: ${f.text}\n`); };
  hooks?.onHealth?.(health);
  let stopping: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (stopping !== null) return;
    stopping = session.stop().then(resolveDone, resolveDone);
  };
  stopRun = stop;
  let failed = false;
  const failWith = (message: string): void => {
    if (!failed) writeStderr(`netlens: ${message}\n`);
    failed = true;
    stop();
  };
  // stdout's reader went away (| head): stop capturing at once, quietly; any other write failure: one line, status 1.
  out.onFailure = (e) => { if (e instanceof OutputClosed) stop(); else failWith(e.message); };
  // What a batch of frames printed is written once the batch is done (as tcpdump -l does per line),
  // so lines show up while the capture runs, on a terminal or through a pipe.
  let flushScheduled = false;
  const flushOutput = (): void => { flushScheduled = false; out.flush(); };
  const onFrame = (f: Frame): void => {
    if (pipe.done || writingEnded) return;
    if (writer !== null && !writer.failed) {
      try {
        writer.write(f);
      } catch (e) {
        failWith((e as Error).message);
      }
      // -G -W: the frame that would have opened one file too many ends the capture, as in tcpdump, unseen.
      if (writingEnded) return;
    }
    if (!pipe.onFrame(f)) stop();
    health.observe(f, pipe.decoder);
    if (!flushScheduled) { flushScheduled = true; setImmediate(flushOutput); }
  };
  session.start(onFrame, (e) => {
    // e.g. the interface went down or away: what was captured is reported, and the exit status says it failed (as tcpdump's).
    failWith(e.message);
  });
  for (const sig of STOP_SIGNALS) process.on(sig, stop);
  onStatsSignal(() => printCounters(pipe, session));
  // Drops and the link's state, looked at every second.
  const healthClock = setInterval(() => { checkHealth(health, session, iface); }, 1000);
  // --stats: the counters on a clock; with --json a stats record in the output, between packets' or conversations' records.
  const statsClock = opts.statsEvery > 0
    ? setInterval(() => { if (opts.json) writeStatsRecord(out, pipe, session); else printCounters(pipe, session); }, opts.statsEvery * 1000)
    : null;
  if (opts.duration > 0) timer = setTimeout(stop, opts.duration * 1000);
  // -G closes an interval's file on time when no packet comes; --free-space-min looks at the disk while packets are few.
  const clock = writer !== null && (opts.rotateSeconds > 0 || opts.freeSpaceMin > 0)
    ? setInterval(() => {
      try {
        writer!.tick(Date.now() / 1000);
      } catch (e) {
        failWith((e as Error).message);
      }
    }, 250)
    : null;
  hooks?.onStart?.(session, pipe, stop);
  await done;
  if (timer !== null) clearTimeout(timer);
  if (clock !== null) clearInterval(clock);
  if (statsClock !== null) clearInterval(statsClock);
  clearInterval(healthClock);
  pipe.finish();
  try {
    writer?.close();
  } catch (e) {
    failWith((e as Error).message);
  }
  end?.();
  out.flush();
  await waitForPostRotate(postRotate);
  printCounters(pipe, session);
  checkHealth(health, session, iface);
  health.finish();
  for (const line of health.summary()) writeStderr(`netlens: health: ${line}\n`);
  onStatsSignal(null);
  for (const sig of STOP_SIGNALS) process.removeListener(sig, stop);
  return failed ? 1 : 0;
}

/** -w FILE for a live capture (rotated with -C, -G); a refusal names the file and, after -Z, why the user may not write there. */
function openCaptureFile(path: string, session: LiveSession, opts: Options, events: RotationEvents): RotatingWriter {
  try {
    const rotation = { pattern: path, maxBytes: opts.rotateBytes, seconds: opts.rotateSeconds, files: opts.rotateFiles, freeSpaceMin: opts.freeSpaceMin };
    const period = opts.rotateSeconds > 0 ? finestPeriod(path) : 0;
    if (period > opts.rotateSeconds) {
      writeStderr(`netlens: warning: the -w name ${path} changes every ${period} s at the most, so with -G ${opts.rotateSeconds} a file can overwrite an earlier one of the same name\n`);
    }
    return new RotatingWriter(rotation, session.linkType, opts.snaplen, session.nanosecond, events, Date.now() / 1000);
  } catch (e) {
    const dropped = typeof process.getuid === 'function' && process.getuid() !== 0 && (opts.user ?? 'nobody') !== 'root';
    const msg = e instanceof Error ? e.message : String(e);
    if (dropped && /EACCES|permission/i.test(msg)) {
      throw new SourceError(`${msg} (the file is opened after dropping privileges to ${opts.user ?? 'nobody'}, as tcpdump -Z does: choose a directory that user can write, or -Z root)`);
    }
    throw e instanceof SourceError ? e : new SourceError(`${path}: ${msg}`);
  }
}

/**
 * -z CMD FILE on a closed file: without a shell (as tcpdump's execlp), at low
 * priority, in its own process group so the Ctrl-C that ends the capture does
 * not cut it short; its output goes to stderr, never into netlens's stdout.
 */
function runPostRotate(cmd: string, path: string, running: Set<Promise<void>>): Promise<void> {
  const done = new Promise<void>((resolve) => {
    let reported = false;
    const report = (why: string): void => {
      if (!reported) writeStderr(`netlens: -z ${cmd} ${path}: ${why}\n`);
      reported = true;
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, [path], { stdio: ['ignore', 2, 2], detached: true });
    } catch (e) {
      report((e as Error).message.split('\n')[0]!);
      resolve();
      return;
    }
    child.on('error', (e) => { report((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such program' : e.message); resolve(); });
    child.on('exit', (code, signal) => {
      if (code !== 0) report(signal !== null ? `killed by ${signal}` : `exit status ${code}`);
      resolve();
    });
    if (child.pid !== undefined) {
      try { setPriority(child.pid, 19); } catch { /* not allowed: it runs at our priority */ }
    }
  });
  void done.then(() => running.delete(done));
  return done;
}

/** Waits for the -z commands still running; another stop signal meanwhile gives up waiting (they go on, in their own process groups). */
async function waitForPostRotate(running: Set<Promise<void>>): Promise<void> {
  if (running.size === 0) return;
  let giveUp!: () => void;
  const gaveUp = new Promise<'gave-up'>((r) => { giveUp = () => r('gave-up'); });
  for (const sig of STOP_SIGNALS) process.on(sig, giveUp);
  try {
    while (running.size > 0) {
      if (await Promise.race([Promise.all([...running]), gaveUp]) === 'gave-up') {
        writeStderr(`netlens: not waiting for ${running.size} -z command${running.size === 1 ? '' : 's'} still running\n`);
        return;
      }
    }
  } finally {
    for (const sig of STOP_SIGNALS) process.removeListener(sig, giveUp);
  }
}

/** tcpdump's counters, on stderr: at the end of a capture and on SIGUSR1. */
function printCounters(pipe: Pipeline, session: LiveSession): void {
  const st = session.stats();
  let s = `${pipe.count} packet${pipe.count === 1 ? '' : 's'} captured\n`;
  if (session.backend === 'native') {
    s += `${st.received} packet${st.received === 1 ? '' : 's'} received by filter\n`;
    s += `${st.dropped} packet${st.dropped === 1 ? '' : 's'} dropped by kernel\n`;
    if (st.ifDropped > 0) s += `${st.ifDropped} packet${st.ifDropped === 1 ? '' : 's'} dropped by interface\n`; // tcpdump prints it when not 0
    if (st.ringDropped > 0) s += `${st.ringDropped} packet${st.ringDropped === 1 ? '' : 's'} dropped by netlens (capture ring full; see --ring-buffer)\n`;
  } else {
    s += '(the cap backend reports no kernel counters)\n';
  }
  writeStderr(s);
}

/**
 * CONTRACT.md's stats record: {"type":"stats","ts":…,"captured":…,"received":…,"droppedKernel":…,
 * "droppedInterface":…,"droppedRing":…}; the kernel's counters are null where the backend has none
 * (cap), droppedRing where the ring does not count.
 */
function writeStatsRecord(out: ByteSink, pipe: Pipeline, session: LiveSession): void {
  const st = session.stats();
  const native = session.backend === 'native';
  const n = (v: number): string => (native && v >= 0 ? String(v) : 'null');
  const now = Date.now();
  out.line(`{"type":"stats","ts":"${Math.floor(now / 1000)}.${String((now % 1000) * 1e6).padStart(9, '0')}","captured":${pipe.count},"received":${n(st.received)},"droppedKernel":${n(st.dropped)},"droppedInterface":${n(st.ifDropped)},"droppedRing":${n(st.ringDropped)}}`);
  out.flush();
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

