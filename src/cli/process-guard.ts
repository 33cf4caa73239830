/**
 * Process-wide safety, installed before any other module of the command line
 * runs (main.ts imports this module first, and ES modules evaluate in import order).
 *
 * - SIGUSR1: Node opens its inspector (a debugger on 127.0.0.1:9229 that runs any
 *   JavaScript it is sent) when the process receives SIGUSR1 and no JavaScript
 *   listener is installed. After `capture -Z nobody` any process of that user may
 *   signal netlens, which still holds the packet socket, so a listener is installed
 *   here: libuv's handler replaces Node's, and the inspector can no longer be
 *   started by a signal. The listener itself does what tcpdump does on SIGUSR1:
 *   live capture prints its counters (see `onStatsSignal`); otherwise nothing.
 * - An inspector opened by node's own flags (`--inspect` in NODE_OPTIONS or on the
 *   command line) is refused for live capture as root (see `assertNoInspector`).
 * - Errors on stdout/stderr streams (EPIPE, ENOSPC) never surface as an unhandled
 *   'error' event with a stack trace: netlens writes its output with writeSync and
 *   handles errors where it writes (output.ts); these listeners only stop Node's
 *   stream objects from throwing.
 */
import inspector from 'node:inspector';

let statsHandler: (() => void) | null = null;

process.on('SIGUSR1', () => { statsHandler?.(); });
process.stdout.on('error', () => { /* handled where written (output.ts) */ });
process.stderr.on('error', () => { /* nowhere left to report it */ });

/** What SIGUSR1 does while a live capture runs (tcpdump prints its counters); null restores "nothing". */
export function onStatsSignal(handler: (() => void) | null): void {
  statsHandler = handler;
}

/** True when Node's inspector is open in this process (node --inspect, NODE_OPTIONS=--inspect…). */
export function inspectorOpen(): boolean {
  return inspector.url() !== undefined;
}

/**
 * A live capture as root must not run with a debugger port open: any local user
 * could connect to it and run code with the rights of the capture.
 */
export function assertNoInspector(): string | null {
  if (!inspectorOpen()) return null;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return null;
  return "node's inspector is open (--inspect in NODE_OPTIONS or node's flags): live capture as root refuses to run with a debugger port any local user could reach";
}

/** Writes to stderr without ever throwing (stderr may be closed or full). */
export function writeStderr(s: string): void {
  try {
    process.stderr.write(s);
  } catch { /* nowhere left to report it */ }
}
