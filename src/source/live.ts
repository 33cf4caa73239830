/**
 * Live capture.
 *
 * Two backends:
 *  - 'native': netlens's own N-API binding over libpcap (native/netlens_pcap.c).
 *    A capture thread in native code reads the kernel's buffer into a large
 *    ring (64 MiB by default) as fast as packets come, whatever JavaScript is
 *    doing, as dumpcap does for Wireshark; the JS thread is woken, native code
 *    copies records into one JS-owned buffer and calls back once per batch;
 *    this module walks the records and hands the one reused Frame to onFrame
 *    for each. Kernel time stamps (nanosecond precision where libpcap supports
 *    it), stats (with packets the ring had no room for), drain on stop.
 *  - 'cap': the optional npm package `cap` (fallback when the native binding
 *    could not be built but `cap` could), run in a child process
 *    (native/cap-worker.cjs) because it aborts its process when the interface
 *    goes away. One JS call per packet there, no kernel time stamps, forced
 *    promiscuous mode and snaplen 65535, no stats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newFrame, SourceError, type Frame } from '../frame.js';

export interface LiveOptions {
  iface: string;
  snaplen: number;
  promisc: boolean;
  immediate: boolean;
  bufferKiB: number;
  filter: string;
  nanosecond: boolean;
  backend: 'native' | 'cap';
  /** Native backend: size of the batch buffer native code fills per callback (default 4096 KiB; at least 2 max-size records). */
  batchKiB?: number;
  /** Native backend: the ring the capture thread fills while JavaScript is busy (default 65536 KiB). */
  ringKiB?: number;
}

export interface LiveStats {
  received: number;
  dropped: number;
  ifDropped: number;
  /** Native backend: packets the kernel delivered but the capture ring had no room for (-1: not counted). */
  ringDropped: number;
}

export interface LiveSession {
  readonly linkType: number;
  readonly nanosecond: boolean;
  readonly backend: 'native' | 'cap';
  /**
   * Starts delivery: onFrame gets the one reused Frame (see frame.ts) for every
   * packet, in order. onError (optional) receives a capture failure that happens
   * after start (e.g. the interface went away); without it the error is thrown
   * from the event loop.
   */
  start(onFrame: (f: Frame) => void, onError?: (e: SourceError) => void): void;
  /** Stops: drains every buffered packet through onFrame, closes the handle, then resolves. */
  stop(): Promise<void>;
  stats(): LiveStats;
  inject(bytes: Buffer): number;
}

export interface DeviceInfo {
  name: string;
  description: string;
  addresses: string[];
  up: boolean;
  running: boolean;
  loopback: boolean;
}

// ------------------------------------------------------------------ native binding

/** What native/netlens_pcap.c exports. */
export interface NativeHandle {
  readonly linkType: number;
  readonly dlt: number;
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly maxRecord: number;
  readonly ringBytes: number;
  readonly warning?: string;
  start(buf: Buffer, cb: (count: number, bytesUsed: number, error?: string) => void): void;
  stop(): void;
  close(): void;
  stats(): LiveStats;
  inject(bytes: Buffer): number;
}

export interface NativeDevice {
  name: string;
  description: string;
  addresses: { addr: string | null; netmask: string | null }[];
  flags: { up: boolean; running: boolean; loopback: boolean; wireless: boolean };
}

export interface NativeOpenOptions {
  iface: string;
  snaplen: number;
  promisc: boolean;
  immediate: boolean;
  bufferSize: number;
  nanosecond: boolean;
  filter: string;
  timeoutMs?: number;
  ringBytes?: number;
  /** The JS thread's nice value once capturing starts, if it was lower (0 = unchanged). */
  jsNice?: number;
  /** The capture thread's nice value, set when it is created at open (negative: only with the rights to). */
  captureNice?: number;
}

export interface NativeBinding {
  openLive(o: NativeOpenOptions): NativeHandle;
  findAllDevs(): NativeDevice[];
  compileFilter(linkType: number, snaplen: number, expr: string, swapped?: boolean): Uint32Array;
  libVersion(): string;
  readonly recordHeaderSize: number;
  /** Why libpcap could not be dlopen()ed (null: it was; every function above then works). */
  readonly libpcapError: string | null;
  /** The libpcap soname that was loaded (libpcap.so.0.8, libpcap.so.1…). */
  readonly libpcapName: string | null;
}

const require = createRequire(import.meta.url);

/** The directory holding netlens's package.json (works from src/source/ and dist/source/). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Where the binding may be, in order: the one built here (npm run build:native),
 * then the prebuilt one the package ships for this platform.
 */
export function nativeBindingPaths(): string[] {
  const root = packageRoot();
  if (!root) return [];
  return [
    join(root, 'native', 'build', 'Release', 'netlens_pcap.node'),
    join(root, 'native', 'prebuilds', `${process.platform}-${process.arch}`, 'netlens_pcap.node'),
  ];
}

let nativeCache: NativeBinding | null | undefined;
let nativeLoadError = '';
/** Why the binding is unusable: none for this platform, or it loaded but libpcap did not. */
let nativeMissing: 'binding' | 'libpcap' | '' = '';

/**
 * The loaded binding, or null when there is none for this platform (not built,
 * no prebuild, NETLENS_NO_NATIVE=1) or when libpcap itself is not installed
 * (the binding loads without it and says so).
 */
export function nativeBinding(): NativeBinding | null {
  if (nativeCache !== undefined) return nativeCache;
  nativeCache = null;
  nativeMissing = 'binding';
  if (process.env.NETLENS_NO_NATIVE === '1') {
    nativeLoadError = 'disabled by NETLENS_NO_NATIVE=1';
    return null;
  }
  const paths = nativeBindingPaths().filter((p) => existsSync(p));
  if (paths.length === 0) {
    nativeLoadError = `no binding for ${process.platform}-${process.arch} (native/build/Release/netlens_pcap.node not built, no prebuild)`;
    return null;
  }
  const errors: string[] = [];
  for (const path of paths) {
    let b: NativeBinding;
    try {
      b = require(path) as NativeBinding;
    } catch (e) {
      // e.g. a prebuild for another C library (musl): the next candidate, or the reason.
      errors.push(`${path}: ${firstLine(e instanceof Error ? e.message : String(e))}`);
      continue;
    }
    if (b.libpcapError) {
      nativeMissing = 'libpcap';
      nativeLoadError = b.libpcapError;
      return null;
    }
    nativeMissing = '';
    nativeLoadError = '';
    nativeCache = b;
    return b;
  }
  nativeLoadError = errors.join('; ');
  return null;
}

/**
 * The one line that says what to install, for a feature that needs libpcap
 * (`what`: "live capture needs", "BPF filters need"…).
 */
export function libpcapMissingMessage(what: string): string {
  nativeBinding();
  if (nativeMissing === 'libpcap') return libpcapRuntimeMessage(what, nativeLoadError);
  return `${what} libpcap: apt-get install libpcap-dev && npm run build:native (Fedora: libpcap-devel) (${nativeLoadError})`;
}

function libpcapRuntimeMessage(what: string, detail: string): string {
  return `${what} libpcap, which could not be loaded (${detail}): apt-get install libpcap0.8 (Debian, Ubuntu) or dnf install libpcap (Fedora)`;
}

/** Why nativeBinding() returned null ('' when it loaded). */
export function nativeUnavailableReason(): string {
  nativeBinding();
  return nativeLoadError;
}

export function nativeAvailable(): boolean {
  return nativeBinding() !== null;
}

// ------------------------------------------------------------------ cap (optional npm package)

/** What netlens uses of cap in its own process (the capture itself runs in native/cap-worker.cjs). */
interface CapModule {
  Cap: { deviceList(): CapDevice[] };
}
interface CapDevice {
  name: string;
  description?: string;
  addresses: { addr?: string; netmask?: string }[];
  flags?: string;
}

let capCache: CapModule | null | undefined;
let capLoadError = '';
function capModule(): CapModule | null {
  if (capCache !== undefined) return capCache;
  try {
    capCache = require('cap') as CapModule;
  } catch (e) {
    capCache = null;
    // Not installed, or installed but its libpcap (it links it) is missing.
    capLoadError = firstLine(e instanceof Error ? e.message : String(e));
  }
  return capCache;
}

export function capAvailable(): boolean {
  return capModule() !== null;
}

/** cap's link type names (src/binding.cc) to LINKTYPE_* numbers. */
const CAP_LINKTYPES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  IEEE802_11_RADIO: 127,
  LINKTYPE_LINUX_SLL: 113,
};

function capLinkType(name: string): number {
  const lt = CAP_LINKTYPES[name];
  if (lt !== undefined) return lt;
  const m = /Unknown linktype (\d+)/.exec(name);
  if (m) return Number(m[1]);
  throw new SourceError(`cap reported an unknown link type: ${name}`);
}

// ------------------------------------------------------------------ errors

function permissionMessage(iface: string): string {
  return `no permission to capture on ${iface}: run with sudo, or grant it: sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))`;
}

function interfaceNames(): string {
  try {
    return listInterfaces().map((d) => d.name).join(', ');
  } catch {
    return 'none found';
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Maps a libpcap failure (from either backend) into one SourceError line. */
export function mapOpenError(e: unknown, opts: Pick<LiveOptions, 'iface' | 'filter'>): SourceError {
  const err = e as { code?: string; message?: string };
  const msg = firstLine(err?.message ?? String(e));
  const code = err?.code ?? '';
  const iface = opts.iface;
  if (code === 'PERM_DENIED' || code === 'PROMISC_PERM_DENIED' || /Operation not permitted|Permission denied|permission/i.test(msg)) {
    return new SourceError(permissionMessage(iface));
  }
  if (code === 'NO_SUCH_DEVICE' || /No such device/i.test(msg)) {
    return new SourceError(`no such interface: ${iface} (available: ${interfaceNames()})`);
  }
  if (code === 'BAD_FILTER' || /syntax error|can't parse filter|unknown host|not a valid|illegal/i.test(msg)) {
    return new SourceError(`bad filter "${opts.filter}": ${msg}`);
  }
  if (code === 'IFACE_NOT_UP') return new SourceError(`interface ${iface} is down: ${msg}`);
  return new SourceError(`cannot capture on ${iface}: ${msg}`);
}

function toSourceError(e: unknown): SourceError {
  if (e instanceof SourceError) return e;
  return new SourceError(firstLine(e instanceof Error ? e.message : String(e)));
}

// ------------------------------------------------------------------ native session

/**
 * Kernel block timeout (TPACKET_V3, non-immediate mode): packets wait at most
 * this long in the kernel. Blocks pack packets by their size, so a kernel
 * buffer holds far more of them than immediate mode's one-slot-per-packet
 * ring; the capture thread empties each block as it is retired.
 */
const NATIVE_TIMEOUT_MS = 10;
const BATCH_BYTES = 4 * 1024 * 1024;
/** Scheduling: the capture thread up (where the process may, i.e. as root before -Z), the JS thread down. */
const CAPTURE_NICE = -10;
const JS_NICE = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class NativeLiveSession implements LiveSession {
  readonly backend = 'native' as const;
  readonly linkType: number;
  readonly nanosecond: boolean;
  /** libpcap's activation warning, if any (e.g. promiscuous mode not supported). */
  readonly warning: string | undefined;
  private state: 'open' | 'started' | 'stopping' | 'closed' = 'open';
  private lastStats: LiveStats = { received: 0, dropped: 0, ifDropped: 0, ringDropped: 0 };
  private stopPromise: Promise<void> | null = null;

  constructor(
    private readonly h: NativeHandle,
    private readonly opts: LiveOptions,
  ) {
    this.linkType = h.linkType;
    this.nanosecond = h.nanosecond;
    this.warning = h.warning;
  }

  start(onFrame: (f: Frame) => void, onError?: (e: SourceError) => void): void {
    if (this.state !== 'open') throw new SourceError('live capture already started or stopped');
    const h = this.h;
    const want = this.opts.batchKiB && this.opts.batchKiB > 0 ? Math.floor(this.opts.batchKiB * 1024) : BATCH_BYTES;
    const buf = Buffer.allocUnsafe(Math.max(want, 2 * h.maxRecord));
    const frame = newFrame();
    frame.buf = buf;
    frame.linkType = this.linkType;
    frame.ifIndex = 0;
    h.start(buf, (count, bytesUsed, error) => {
      if (count < 0) {
        const e = new SourceError(`capture on ${this.opts.iface} failed: ${firstLine(error ?? 'unknown error')}`);
        if (onError) onError(e);
        else throw e;
        return;
      }
      let off = 0;
      for (let i = 0; i < count && off < bytesUsed; i++) {
        const caplen = buf.readUInt32LE(off + 8);
        frame.tsSec = buf.readUInt32LE(off);
        frame.tsNsec = buf.readUInt32LE(off + 4);
        frame.caplen = caplen;
        frame.len = buf.readUInt32LE(off + 12);
        frame.offset = off + 16;
        onFrame(frame);
        off += (16 + caplen + 3) & ~3;
      }
    });
    this.state = 'started';
  }

  stop(): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    const wasStarted = this.state === 'started';
    this.state = 'stopping';
    this.stopPromise = (async () => {
      // Never stop from inside a batch callback (onFrame may call stop()):
      // let the current batch finish first.
      await new Promise<void>((r) => setImmediate(r));
      // Without immediate mode (TPACKET_V3) packets sit in a kernel block until
      // it fills or its timeout retires it; wait for that so stop() drains them.
      if (wasStarted && !this.opts.immediate) await sleep(NATIVE_TIMEOUT_MS + 50);
      try {
        this.lastStats = this.h.stats();
      } catch {
        /* keep the last ones */
      }
      try {
        this.h.stop(); // final synchronous dispatch through onFrame, then pcap_close
      } finally {
        this.state = 'closed';
      }
    })();
    return this.stopPromise;
  }

  stats(): LiveStats {
    if (this.state === 'closed') return { ...this.lastStats };
    try {
      this.lastStats = this.h.stats();
    } catch (e) {
      throw toSourceError(e);
    }
    return { ...this.lastStats };
  }

  inject(bytes: Buffer): number {
    if (this.state === 'closed') throw new SourceError('live capture is closed');
    try {
      return this.h.inject(bytes);
    } catch (e) {
      throw new SourceError(`inject on ${this.opts.iface} failed: ${firstLine(e instanceof Error ? e.message : String(e))}`);
    }
  }
}

// ------------------------------------------------------------------ cap session

/**
 * cap runs in a child process (native/cap-worker.cjs): its poll callback
 * asserts when the interface goes down or away, and the abort (exit status
 * 134) would end netlens with it. Here the child's end is seen, what remains
 * in its pipe is delivered, and the failure is one line, as with the native
 * backend. The child is started, has opened the handle (or said why not) and
 * has stepped down to nobody before openLive() returns.
 */
const CAP_SNAPLEN = 65535;
const CAP_RECORD_HEADER = 16;
const CAP_START_TIMEOUT_MS = 10_000;
const CAP_STOP_TIMEOUT_MS = 5_000;

/** Why a capture process ended on its own: what happened to the interface, else how it ended. */
function capEndReason(iface: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const sys = `/sys/class/net/${iface}`;
  if (process.platform === 'linux' && existsSync('/sys/class/net')) {
    if (!existsSync(sys)) return 'the interface disappeared';
    try {
      // IFF_UP
      if ((Number(readFileSync(join(sys, 'flags'), 'utf8').trim()) & 1) === 0) return 'the interface went down';
    } catch {
      /* gone meanwhile */
      if (!existsSync(sys)) return 'the interface disappeared';
    }
  }
  const how = signal ? `signal ${signal}` : `status ${code}`;
  const said = firstLine(stderr);
  return `the cap capture process ended (${how})${said ? `: ${said}` : ''}`;
}

/** Reads what the child wrote to an (unlinked) file given to it, from the start. */
function readFd(fd: number): string {
  const size = fstatSync(fd).size;
  if (size === 0) return '';
  const b = Buffer.alloc(Math.min(size, 64 * 1024));
  const n = readSync(fd, b, 0, b.length, 0);
  return b.toString('utf8', 0, n);
}

class CapLiveSession implements LiveSession {
  readonly backend = 'cap' as const;
  readonly linkType: number;
  readonly nanosecond: boolean;
  private received = 0;
  private state: 'open' | 'started' | 'stopping' | 'closed' = 'open';
  private stopPromise: Promise<void> | null = null;
  private exited = false;
  private outputEnded = false;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private onError: ((e: SourceError) => void) | undefined;
  private afterEnd: (() => void) | null = null;
  /** A record split across two pipe reads is put together here (header + at most CAP_SNAPLEN bytes). */
  private readonly carry = Buffer.allocUnsafe(CAP_RECORD_HEADER + CAP_SNAPLEN);
  private carryUsed = 0;

  constructor(
    private readonly child: ChildProcess,
    private readonly stderrFd: number,
    linkTypeName: string,
    private readonly opts: LiveOptions,
  ) {
    this.linkType = capLinkType(linkTypeName);
    this.nanosecond = opts.nanosecond;
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitCode = code;
      this.exitSignal = signal;
      this.ended();
    });
    child.stdout!.on('end', () => {
      this.outputEnded = true;
      this.ended();
    });
    child.stdin!.on('error', () => { /* the child is gone: its exit says why */ });
  }

  /** Both the process and its output have ended: every packet it wrote has been delivered. */
  private ended(): void {
    if (!this.exited || !this.outputEnded) return;
    try {
      closeSync(this.stderrFd);
    } catch {
      /* closed */
    }
    const after = this.afterEnd;
    this.afterEnd = null;
    if (after) after();
  }

  start(onFrame: (f: Frame) => void, onError?: (e: SourceError) => void): void {
    if (this.state !== 'open') throw new SourceError('live capture already started or stopped');
    this.onError = onError;
    const frame = newFrame();
    frame.linkType = this.linkType;
    const micro = !this.nanosecond;
    const deliver = (buf: Buffer, off: number): void => {
      frame.buf = buf;
      frame.tsSec = buf.readUInt32LE(off);
      const nsec = buf.readUInt32LE(off + 4);
      frame.tsNsec = micro ? nsec - (nsec % 1000) : nsec;
      frame.caplen = buf.readUInt32LE(off + 8);
      frame.len = buf.readUInt32LE(off + 12);
      frame.offset = off + CAP_RECORD_HEADER;
      this.received++;
      onFrame(frame);
    };
    this.child.stdout!.on('data', (chunk: Buffer) => {
      let off = 0;
      if (this.carryUsed > 0) {
        // Complete the record begun in the last read.
        const needHeader = Math.max(0, CAP_RECORD_HEADER - this.carryUsed);
        const h = Math.min(needHeader, chunk.length);
        chunk.copy(this.carry, this.carryUsed, 0, h);
        this.carryUsed += h;
        off = h;
        if (this.carryUsed < CAP_RECORD_HEADER) return;
        const total = CAP_RECORD_HEADER + this.carry.readUInt32LE(8);
        const b = Math.min(total - this.carryUsed, chunk.length - off);
        chunk.copy(this.carry, this.carryUsed, off, off + b);
        this.carryUsed += b;
        off += b;
        if (this.carryUsed < total) return;
        this.carryUsed = 0;
        deliver(this.carry, 0);
      }
      while (chunk.length - off >= CAP_RECORD_HEADER) {
        const total = CAP_RECORD_HEADER + chunk.readUInt32LE(off + 8);
        if (chunk.length - off < total) break;
        deliver(chunk, off);
        off += total;
      }
      if (off < chunk.length) {
        chunk.copy(this.carry, 0, off);
        this.carryUsed = chunk.length - off;
      }
    });
    // The child ends on its own only when something failed (the interface went down or away).
    this.afterEnd = () => {
      if (this.state !== 'started') return;
      this.state = 'closed';
      const e = new SourceError(`capture on ${this.opts.iface} failed: ${capEndReason(this.opts.iface, this.exitCode, this.exitSignal, this.stderrText())}`);
      if (this.onError) this.onError(e);
      else throw e;
    };
    this.state = 'started';
    if (this.exited && this.outputEnded) setImmediate(() => this.ended());
  }

  private stderrText(): string {
    try {
      return readFd(this.stderrFd);
    } catch {
      return '';
    }
  }

  stop(): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    const wasStarted = this.state === 'started';
    this.state = this.state === 'closed' ? 'closed' : 'stopping';
    this.stopPromise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), CAP_STOP_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        this.state = 'closed';
        resolve();
      };
      if (this.exited && this.outputEnded) {
        done();
        return;
      }
      this.afterEnd = done;
      // Not started: nobody reads the output; let it flow so the child can end.
      if (!wasStarted) this.child.stdout!.resume();
      // End of input: the child drains cap, closes it, writes what is left and exits.
      this.child.stdin!.end();
    });
    return this.stopPromise;
  }

  /** cap exposes no pcap_stats: received counts delivered frames, drops are unknown (-1). */
  stats(): LiveStats {
    return { received: this.received, dropped: -1, ifDropped: -1, ringDropped: -1 };
  }

  inject(bytes: Buffer): number {
    if (this.state === 'closed' || this.state === 'stopping' || this.exited) throw new SourceError('live capture is closed');
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32LE(bytes.length, 0);
    this.child.stdin!.write(len);
    this.child.stdin!.write(Buffer.from(bytes));
    return bytes.length;
  }
}

// ------------------------------------------------------------------ public API

export function openLive(opts: LiveOptions): LiveSession {
  if (!opts.iface) throw new SourceError('live capture needs an interface name (-i IFACE)');
  if (opts.backend === 'cap') return openCap(opts);
  const nb = nativeBinding();
  if (!nb) throw new SourceError(libpcapMissingMessage('live capture needs'));
  let h: NativeHandle;
  try {
    h = nb.openLive({
      iface: opts.iface,
      snaplen: opts.snaplen > 0 ? Math.min(opts.snaplen, 262144) : 262144,
      promisc: opts.promisc,
      immediate: opts.immediate,
      bufferSize: Math.max(0, Math.floor(opts.bufferKiB * 1024)),
      nanosecond: opts.nanosecond,
      filter: opts.filter ?? '',
      timeoutMs: NATIVE_TIMEOUT_MS,
      ringBytes: opts.ringKiB !== undefined && opts.ringKiB > 0 ? Math.floor(opts.ringKiB * 1024) : undefined,
      // On a busy machine the capture thread must run first; JavaScript can fall behind (the ring absorbs it).
      captureNice: CAPTURE_NICE,
      jsNice: JS_NICE,
    });
  } catch (e) {
    throw mapOpenError(e, opts);
  }
  return new NativeLiveSession(h, opts);
}

function openCap(opts: LiveOptions): LiveSession {
  const cm = capModule();
  if (!cm) {
    if (capLoadError.includes('libpcap')) throw new SourceError(libpcapRuntimeMessage('live capture needs', capLoadError));
    if (/cap\.node/.test(capLoadError)) {
      throw new SourceError('live capture with --backend cap: the npm package "cap" is installed but not built (its install script did not run): npm rebuild cap');
    }
    throw new SourceError('live capture with --backend cap needs the optional npm package "cap" (npm install cap)');
  }
  // cap prints a stderr warning and a libpcap error for unknown devices; check first.
  let names: string[] = [];
  try {
    names = cm.Cap.deviceList().map((d) => d.name);
  } catch {
    /* let open() report */
  }
  if (names.length > 0 && !names.includes(opts.iface)) {
    throw new SourceError(`no such interface: ${opts.iface} (available: ${names.join(', ')})`);
  }
  const root = packageRoot();
  const worker = root ? join(root, 'native', 'cap-worker.cjs') : '';
  if (!worker || !existsSync(worker)) throw new SourceError('live capture with --backend cap: native/cap-worker.cjs is missing from the netlens package');
  // Two unlinked files the child inherits: its "ready" line (fd 3) and its stderr, both read
  // synchronously here (and the stderr later, after -Z, through the descriptor kept open).
  const dir = mkdtempSync(join(tmpdir(), 'netlens-cap-'));
  let readyFd = -1;
  let stderrFd = -1;
  try {
    readyFd = openSync(join(dir, 'ready'), 'w+', 0o600);
    stderrFd = openSync(join(dir, 'stderr'), 'w+', 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const args = JSON.stringify({
    iface: opts.iface,
    filter: opts.filter ?? '',
    // cap: promiscuous mode always on, snaplen fixed at 65535, immediate mode on.
    bufferBytes: Math.max(64 * 1024, Math.floor(opts.bufferKiB * 1024)),
  });
  const child = spawn(process.execPath, [worker, args], { stdio: ['pipe', 'pipe', stderrFd, readyFd] });
  // openLive is synchronous: wait here until the child has opened the handle (or failed to).
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + CAP_START_TIMEOUT_MS;
  let line = '';
  for (;;) {
    line = readFd(readyFd);
    if (line.endsWith('\n')) break;
    let dead = false;
    try {
      dead = /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
    } catch {
      dead = process.platform === 'linux';
    }
    if (dead || Date.now() > deadline) {
      child.kill('SIGKILL');
      const said = firstLine(readFd(stderrFd));
      closeSync(readyFd);
      closeSync(stderrFd);
      throw new SourceError(`cannot capture on ${opts.iface}: the cap capture process ${dead ? 'ended' : 'did not start'}${said ? `: ${said}` : ''}`);
    }
    Atomics.wait(sleeper, 0, 0, 2);
  }
  closeSync(readyFd);
  const msg = JSON.parse(line) as { linkType?: string; error?: string };
  if (msg.error !== undefined || msg.linkType === undefined) {
    child.kill('SIGKILL');
    closeSync(stderrFd);
    throw mapOpenError(new Error(msg.error ?? 'unknown error'), opts);
  }
  try {
    return new CapLiveSession(child, stderrFd, msg.linkType, opts);
  } catch (e) {
    child.kill('SIGKILL');
    closeSync(stderrFd);
    throw e;
  }
}

export function listInterfaces(): DeviceInfo[] {
  const nb = nativeBinding();
  if (nb) {
    try {
      return nb.findAllDevs().map((d) => ({
        name: d.name,
        description: d.description ?? '',
        addresses: d.addresses.map((a) => a.addr).filter((a): a is string => typeof a === 'string'),
        up: d.flags.up,
        running: d.flags.running,
        loopback: d.flags.loopback,
      }));
    } catch (e) {
      throw toSourceError(e);
    }
  }
  const cm = capModule();
  if (cm) {
    try {
      // cap reports only the loopback flag; up/running are unknown and reported as true.
      return cm.Cap.deviceList().map((d) => ({
        name: d.name,
        description: d.description ?? '',
        addresses: (d.addresses ?? []).map((a) => a.addr).filter((a): a is string => typeof a === 'string'),
        up: true,
        running: true,
        loopback: d.flags === 'PCAP_IF_LOOPBACK',
      }));
    } catch (e) {
      throw toSourceError(e);
    }
  }
  throw new SourceError(libpcapMissingMessage('listing interfaces needs'));
}
