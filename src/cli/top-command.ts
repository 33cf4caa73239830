/**
 * `netlens capture IFACE --top`: the live connection table.
 *
 * On a terminal: alternate screen, redrawn in place twice a second from the
 * tracker's conversations (src/report/top.ts renders it); `q` or Ctrl-C ends
 * the capture like SIGINT does; the terminal is restored on every way out,
 * then a one-line summary per conversation goes to stdout and tcpdump's
 * counters to stderr. When stdout is not a terminal: one line per state
 * change as frames arrive, and one per conversation when it ends.
 */
import { writeSync } from 'node:fs';
import type { LiveSession } from '../source/live.js';
import type { Connection } from '../track/tcp/connection.js';
import { paletteFor } from '../encode/palette.js';
import { TimeFormatter } from '../encode/time.js';
import { connRow, renderTop, stateChangeLines, summaryLine, type TopRow } from '../report/top.js';
import { UsageError, type Options } from './args.js';
import { runLive } from './run-live.js';
import { ByteSink } from '../encode/sink.js';
import type { PacketSink, Pipeline } from '../pipeline.js';
import type { CaptureHealth } from '../track/health.js';

/** How often the table is redrawn, and how long a closed conversation stays (dimmed). */
const REFRESH_MS = 500;
const FADE_MS = 5000;
/** Conversations listed in the summary printed after the table closes (the most recently ended). */
const SUMMARY_MAX = 200;

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** `capture --top`: the interface and filter as `capture` takes them. */
export async function runTopCapture(opts: Options): Promise<number> {
  const iface = opts.iface ?? opts.positional[0];
  if (iface === undefined) throw new UsageError('capture needs an interface (netlens interfaces lists them)');
  const filter = (opts.iface !== null ? opts.positional : opts.positional.slice(1)).join(' ');
  if (opts.write === '-') throw new UsageError('--top draws on stdout: -w - (the capture to stdout) does not go with it');
  return runTop(opts, iface, filter);
}

async function runTop(opts: Options, iface: string, filter: string): Promise<number> {
  if (opts.json) throw new UsageError('--top has no JSON form (capture --json gives one record per packet)');
  if (!process.stdout.isTTY) return runStateLines(opts, iface, filter);
  return runScreen(opts, iface, filter);
}

/** Not a terminal: one line per state change, flushed as soon as the batch of frames is done. */
async function runStateLines(opts: Options, iface: string, filter: string): Promise<number> {
  const out = new ByteSink();
  const time = new TimeFormatter(opts.time, opts.nano);
  let scheduled = false;
  const flushSoon = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => { scheduled = false; out.flush(); });
  };
  const now = (): string => {
    const ms = Date.now();
    return time.format(Math.floor(ms / 1000), (ms % 1000) * 1e6);
  };
  const sink: PacketSink = {
    packet: (_n, f, _d, t) => {
      if (t.eventCount === 0 || t.conn === null) return;
      for (const l of stateChangeLines(t, t.conn, time.format(f.tsSec, f.tsNsec))) out.line(l);
      flushSoon();
    },
    conn: (c) => {
      out.line(`${now()} ended ${summaryLine(c)}`);
      flushSoon();
    },
    recycle: true,
  };
  return runLive(opts, iface, filter, sink, out);
}

interface Sample { bytes: number; pkts: number; rate: number; pktRate: number }

/** A terminal: the full-screen table. */
async function runScreen(opts: Options, iface: string, filter: string): Promise<number> {
  const stdout = process.stdout;
  const stdin = process.stdin;
  const palette = paletteFor(stdout);
  const out = new ByteSink();

  // Conversations the tracker has let go of (evicted, or ended at finish), shown until they fade.
  const gone = new Set<Connection>();
  // Wall time (ms) a conversation was first shown as ended.
  const endedAt = new WeakMap<Connection, number>();
  const samples = new WeakMap<Connection, Sample>();
  // The most recently ended conversations, for the summary.
  const ended: Connection[] = [];
  let endedTotal = 0;

  let session: LiveSession | null = null;
  let pipe: Pipeline | null = null;
  let health: CaptureHealth | null = null;
  let stopCapture: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let onScreen = false;
  let lastDraw = Date.now();

  const write = (s: string): void => {
    try { writeSync(1, s); } catch { /* terminal gone: nothing more to show */ }
  };

  const sample = (c: Connection, now: number): Sample => {
    const bytes = c.ep[0].bytes + c.ep[1].bytes, pkts = c.packets;
    let s = samples.get(c);
    if (s === undefined) {
      // First sight: what it did since the previous redraw.
      s = { bytes: 0, pkts: 0, rate: 0, pktRate: 0 };
      samples.set(c, s);
    }
    const dt = (now - lastDraw) / 1000;
    if (dt > 0) {
      s.rate = 0.5 * s.rate + 0.5 * ((bytes - s.bytes) / dt);
      s.pktRate = 0.5 * s.pktRate + 0.5 * ((pkts - s.pkts) / dt);
    }
    s.bytes = bytes;
    s.pkts = pkts;
    return s;
  };

  const draw = (): void => {
    if (!onScreen || pipe === null || session === null) return;
    const now = Date.now();
    const rows: TopRow[] = [];
    const consider = (c: Connection, held: boolean): void => {
      let end = endedAt.get(c);
      if (end === undefined && (c.finished || !held)) { end = now; endedAt.set(c, now); }
      if (end !== undefined && now - end > FADE_MS) {
        if (!held) gone.delete(c);
        return;
      }
      const s = sample(c, now);
      rows.push(connRow(c, now / 1000, s.rate, s.pktRate, end !== undefined));
    };
    for (const c of pipe.tracker.conversations()) consider(c, true);
    for (const c of gone) consider(c, false);
    lastDraw = now;
    const native = session.backend === 'native';
    const st = native ? session.stats() : null;
    const lines = renderTop(rows, {
      iface, clock: new Date(now).toTimeString().slice(0, 8),
      captured: pipe.count, received: st?.received ?? null, dropped: st?.dropped ?? null, health: health?.findings().map((f) => f.kind),
      active: pipe.tracker.active, seen: pipe.tracker.nextId,
    }, stdout.columns || 80, stdout.rows || 24, palette);
    write(`\x1b[H${lines.join('\x1b[K\r\n')}\x1b[K\x1b[J`);
  };

  const onKey = (data: Buffer): void => {
    for (const b of data) {
      if (b === 0x71 || b === 0x51 || b === 0x03 || b === 0x04) { stopCapture?.(); return; } // q Q ^C ^D
    }
  };
  const onResize = (): void => draw();

  /** Leaves the table: idempotent, safe from any exit path. */
  const restore = (): void => {
    if (timer !== null) { clearInterval(timer); timer = null; }
    stdout.removeListener('resize', onResize);
    if (stdin.isTTY) {
      stdin.removeListener('data', onKey);
      try { stdin.setRawMode(false); } catch { /* not a terminal any more */ }
      stdin.pause();
    }
    if (onScreen) {
      onScreen = false;
      write(LEAVE);
    }
  };
  process.once('exit', restore);

  const sink: PacketSink = {
    conn: (c) => {
      gone.add(c);
      endedTotal++;
      ended.push(c);
      if (ended.length > SUMMARY_MAX * 2) ended.splice(0, ended.length - SUMMARY_MAX);
    },
  };

  const printSummary = (): void => {
    restore();
    const list = ended.slice(-SUMMARY_MAX).sort((a, b) => a.id - b.id);
    if (endedTotal > list.length) out.line(`(${endedTotal - list.length} earlier conversations not listed; netlens conns -i ${iface} lists all)`);
    for (const c of list) out.line(summaryLine(c));
    out.flush();
  };

  try {
    return await runLive(opts, iface, filter, sink, out, printSummary, {
      // Findings go in the footer while the screen is up (a line on stderr would tear it), and in full after it.
      onHealth: (h) => { health = h; h.onFinding = null; },
      onStart: (s, p, stop) => {
        session = s;
        pipe = p;
        stopCapture = stop;
        onScreen = true;
        write(ENTER);
        if (stdin.isTTY) {
          stdin.setRawMode(true);
          stdin.on('data', onKey);
          stdin.resume();
        }
        stdout.on('resize', onResize);
        timer = setInterval(draw, REFRESH_MS);
        draw();
      },
    });
  } finally {
    restore();
    process.removeListener('exit', restore);
  }
}
