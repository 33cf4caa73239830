/**
 * Many capture files read as one capture: what a rotated capture (tcpdump -C
 * or -G, dumpcap -b) or a directory of them is. The inputs a command line
 * names (files, directories, globs), gzip-compressed files decompressed to
 * temporary files first (the reader reads a descriptor synchronously; memory
 * stays flat), ordered by the time stamp of their first frame, then read one
 * after the other through one pipeline, so a conversation that crosses a file
 * boundary is one conversation. Files that overlap in time are read one after
 * the other and said to overlap; a file that repeats another (the same size and
 * the same first frame) is skipped and said to repeat it. Nothing is merged
 * silently.
 */
import { closeSync, createReadStream, createWriteStream, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { type Frame, SourceError } from '../frame.js';
import { CaptureFileReader, type CaptureReader, type FileFormat } from './file-reader.js';

export type { CaptureReader } from './file-reader.js';

/** What the pipeline reads from: one capture file (or "-", stdin), or several read as one. */
export type CaptureInput = string | readonly string[];

/** Opens one capture file, or a set of them as one capture. */
export function openCapture(input: CaptureInput, names: ReadonlyMap<string, string> = NO_NAMES): CaptureReader {
  if (typeof input === 'string') return new CaptureFileReader(input, names.get(input));
  if (input.length === 1) return new CaptureFileReader(input[0]!, names.get(input[0]!));
  return new CaptureSetReader(input, names);
}
const NO_NAMES: ReadonlyMap<string, string> = new Map();

/** The name an input is reported by: its path, or for several, the first and how many. */
export function inputName(input: CaptureInput): string {
  if (typeof input === 'string') return input;
  return input.length === 1 ? input[0]! : `${input[0]} (and ${input.length - 1} more)`;
}

const GLOB = /[*?[]/;

/**
 * The leading arguments that name inputs: existing files, directories (their
 * capture files, by name), and globs the shell did not expand ('cap-*.pcapng'),
 * each matching at least one file. The first argument is always an input ("-"
 * is stdin, alone); the first argument after it that names none begins what
 * follows (a connection, a filter). Returns the files and how many arguments
 * they took.
 */
export function expandInputs(args: readonly string[]): { files: string[]; used: number } {
  const files: string[] = [];
  let used = 0;
  for (const arg of args) {
    if (arg === '-') {
      const next = args[1];
      if (used === 0 && (next === undefined || next === '-' || namedFiles(next, false) === null)) return { files: ['-'], used: 1 };
      throw new SourceError('- (stdin) stands alone: it cannot be read with other inputs');
    }
    const found = namedFiles(arg, used === 0);
    if (found === null) {
      // The first argument is the input whatever it is; a later one that is not there but is named like a capture
      // file (a path, or a capture's extension) is a mistyped input, not the filter: the reader says so in one line.
      if (used === 0 || LOOKS_LIKE_A_PATH.test(arg)) { files.push(arg); used++; continue; }
      break;
    }
    for (const f of found) files.push(f);
    used++;
  }
  return { files, used };
}

/** An argument that names a file rather than a word of a filter: a path from / ./ ../ ~/, or a word with a capture file's extension (a filter's 10.0.0.0/8 is neither). */
const LOOKS_LIKE_A_PATH = /^(?:\.{0,2}\/|~\/)\S*$|^\S+\.(?:pcap|pcapng|cap|gz)$/i;

/**
 * The files an argument names, or null when it names none. After the first
 * argument, an existing file counts only when it is a capture (by its magic)
 * and a directory only when it holds one: a filter word that happens to name
 * something in the current directory stays a filter word.
 */
function namedFiles(arg: string, first: boolean): string[] | null {
  if (!first && !existsSync(arg) && !GLOB.test(arg) && !LOOKS_LIKE_A_PATH.test(arg)) return null;
  let st;
  try { st = statSync(arg); } catch { st = null; }
  if (st !== null && st.isFile()) return first || looksLikeCapture(arg) ? [arg] : null;
  if (st !== null && st.isDirectory()) {
    const inDir = readdirSync(arg).sort().map((n) => join(arg, n)).filter((p) => isFile(p) && looksLikeCapture(p));
    if (inDir.length === 0) {
      if (!first) return null;
      throw new SourceError(`${arg}: a directory with no capture files in it`);
    }
    return inDir;
  }
  if (st === null && GLOB.test(arg)) {
    // After the first argument a glob counts only for capture files (a filter's tcp[13] names none).
    const hits = globPaths(arg).filter((p) => isFile(p) && (first || looksLikeCapture(p)));
    if (hits.length === 0 && first) throw new SourceError(`${arg}: no file matches`);
    return hits.length > 0 ? hits : null;
  }
  return null;
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/** A file whose first four bytes are a pcap or pcapng magic, or a gzip file whose decompressed first four are (a gzipped log is not a capture). */
function looksLikeCapture(path: string): boolean {
  let head = readHead(path, 4);
  if (head.length < 4) return false;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(readHead(path, 1 << 16), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
    if (head.length < 4) return false;
  }
  const be = head.readUInt32BE(0), le = head.readUInt32LE(0);
  return [0xa1b2c3d4, 0xa1b23c4d, 0x0a0d0d0a].some((m) => m === be || m === le);
}

function readHead(path: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } catch {
    return b.subarray(0, 0);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * The paths a glob names, component by component as the shell expands them (a wildcard in a directory's name too),
 * sorted: a component that exists as it is written is taken literally (a directory named
 * `run[1]` is that directory), the others match the names in the directories reached so far.
 */
function globPaths(glob: string): string[] {
  const absolute = glob.startsWith('/');
  const parts = glob.split('/').filter((p, i) => p !== '' || i === 0);
  let paths = [absolute ? '/' : ''];
  for (let i = absolute ? 1 : 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: string[] = [];
    for (const base of paths) {
      const literal = base === '' ? part : join(base, part);
      if (!GLOB.test(part) || existsSync(literal)) {
        if (i === parts.length - 1 || isDirectory(literal)) next.push(literal);
        continue;
      }
      let names: string[];
      try { names = readdirSync(base === '' ? '.' : base); } catch { continue; }
      const re = globRegExp(part);
      for (const n of names.filter((x) => re.test(x)).sort()) {
        const p = base === '' ? n : join(base, n);
        if (i === parts.length - 1 || isDirectory(p)) next.push(p);
      }
    }
    paths = next;
    if (paths.length === 0) break;
  }
  return paths;
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** A shell glob of one path component (*, ?, [set], [!set]) as a regular expression; a leading dot is not matched by a wildcard. */
function globRegExp(glob: string): RegExp {
  let re = glob.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      let set = glob.slice(i + 1, close);
      if (set.startsWith('!')) set = '^' + set.slice(1);
      re += '[' + set.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * A directory of its own for a run's temporary files (0700, under os.tmpdir(),
 * named netlens-KIND-PID-…), removed by the run when it ends. A run killed by a
 * signal cannot remove its own (the file commands read synchronously: no
 * handler runs before the end), so each new one first removes those of runs
 * whose process is gone.
 */
export function temporaryDirectory(kind: string): string {
  const prefix = `netlens-${kind}-`;
  try {
    for (const name of readdirSync(tmpdir())) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length).split('-')[0]);
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  } catch { /* a directory we may not read or remove: left */ }
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // another user's process: not ours to judge
  }
}

/** Inputs ready to read: gzip files decompressed, several files ordered by their first frame. */
export interface PreparedInput {
  input: CaptureInput;
  /** The name each decompressed file is reported by (the .gz file's), for openCapture. */
  names: ReadonlyMap<string, string>;
  /** The warnings of preparing (a repeated file skipped). */
  warnings: string[];
  cleanup(): void;
}

/**
 * Decompresses the gzip-compressed inputs (by their magic, whatever their name)
 * into temporary files (0600, in a directory of their own, removed by
 * cleanup()), and orders several inputs by the time stamp of their first frame
 * (files with no frame last), skipping a file that repeats an earlier one.
 */
export async function prepareInput(files: readonly string[]): Promise<PreparedInput> {
  let dir: string | null = null;
  const cleanup = (): void => { if (dir !== null) rmSync(dir, { recursive: true, force: true }); };
  const plain: { name: string; path: string }[] = [];
  for (const f of files) if (f !== '-' && !existsSync(f)) throw new SourceError(`${f}: no such file`);
  try {
    for (const f of files) {
      const head = f === '-' ? Buffer.alloc(0) : readHead(f, 2);
      if (head.length === 2 && head[0] === 0x1f && head[1] === 0x8b) {
        dir ??= temporaryDirectory('gz');
        const out = join(dir, `${plain.length}-${basename(f).replace(/\.gz$/i, '')}`);
        try {
          await pipeline(createReadStream(f), createGunzip(), createWriteStream(out, { mode: 0o600 }));
        } catch (e) {
          throw new SourceError(`${f}: not a readable gzip file (${(e as Error).message.split('\n')[0]})`);
        }
        plain.push({ name: f, path: out });
      } else {
        plain.push({ name: f, path: f });
      }
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  const names = new Map(plain.filter((p) => p.path !== p.name).map((p) => [p.path, p.name]));
  if (plain.length === 1) return { input: plain[0]!.path, names, warnings: [], cleanup };
  // Several: each one's first frame (time and bytes) and size, to order them and to find repeats.
  const keyed = plain.map((p, i) => ({ ...p, i, ...firstFrameOf(p.path), size: statSync(p.path).size }));
  keyed.sort((a, b) => a.sec - b.sec || a.nsec - b.nsec || a.i - b.i);
  const warnings: string[] = [];
  const kept: typeof keyed = [];
  for (const k of keyed) {
    const twin = kept.find((o) => o.size === k.size && o.sec === k.sec && o.nsec === k.nsec && o.bytes !== null && k.bytes !== null && o.bytes.equals(k.bytes));
    if (twin !== undefined) { warnings.push(`${k.name} repeats ${twin.name} (the same size and first packet): skipped`); continue; }
    kept.push(k);
  }
  return { input: kept.map((k) => k.path), names, warnings, cleanup };
}

/** A file's first frame: its time stamp and bytes (Infinity and null when it has none). */
function firstFrameOf(path: string): { sec: number; nsec: number; bytes: Buffer | null } {
  let r: CaptureFileReader;
  try { r = new CaptureFileReader(path); } catch { return { sec: Infinity, nsec: 0, bytes: null }; }
  try {
    const f = r.next();
    if (f === null) return { sec: Infinity, nsec: 0, bytes: null };
    return { sec: f.tsSec, nsec: f.tsNsec, bytes: Buffer.from(f.buf.subarray(f.offset, f.offset + f.caplen)) };
  } catch {
    return { sec: Infinity, nsec: 0, bytes: null }; // damaged: read last, where the reader says what is wrong
  } finally {
    r.close();
  }
}

/**
 * Several capture files, one after the other, as one capture: the files'
 * frames in file order, each file's link types, a warning where a file begins
 * before the one before it ended.
 */
export class CaptureSetReader implements CaptureReader {
  readonly warnings: string[] = [];
  private readonly files: readonly string[];
  private index = 0;
  private current: CaptureFileReader;
  private cut = false;
  private readonly allLinkTypes: number[] = [];
  /** The last frame's time stamp, and whether there was one. */
  private lastSec = 0;
  private lastNsec = 0;
  private any = false;
  /** Whether the current file has handed out a frame yet. */
  private started = false;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly linkType: number;
  readonly format: FileFormat;

  constructor(files: readonly string[], private readonly names: ReadonlyMap<string, string> = new Map()) {
    if (files.length === 0) throw new SourceError('no capture files');
    this.files = files;
    // Every file's header (and a pcapng's first interfaces), for the link types a filter is compiled for.
    let snaplen = 0, nano = false;
    for (const f of files) {
      const r = new CaptureFileReader(f, names.get(f));
      try {
        for (const t of r.linkTypes) if (!this.allLinkTypes.includes(t)) this.allLinkTypes.push(t);
        snaplen = Math.max(snaplen, r.snaplen);
        nano ||= r.nanosecond;
      } finally {
        r.close();
      }
    }
    this.snaplen = snaplen;
    this.nanosecond = nano;
    this.current = new CaptureFileReader(files[0]!, names.get(files[0]!));
    this.linkType = this.current.linkType;
    this.format = this.current.format;
  }

  get path(): string { return this.nameOf(this.files[this.index]!); }
  get littleEndian(): boolean { return this.current.littleEndian; }
  get linkTypes(): number[] {
    for (const t of this.current.linkTypes) if (!this.allLinkTypes.includes(t)) this.allLinkTypes.push(t);
    return this.allLinkTypes;
  }
  get cutToSnaplen(): boolean { return this.cut; }
  set cutToSnaplen(v: boolean) { this.cut = v; this.current.cutToSnaplen = v; }

  next(): Frame | null {
    for (;;) {
      const f = this.current.next();
      if (f !== null) {
        if (!this.started) {
          this.started = true;
          if (this.any && (f.tsSec < this.lastSec || (f.tsSec === this.lastSec && f.tsNsec < this.lastNsec))) {
            this.warnings.push(`${this.path} begins before ${this.nameOf(this.files[this.index - 1]!)} ends: the files overlap in time; read one after the other, not merged`);
          }
        }
        this.lastSec = f.tsSec; this.lastNsec = f.tsNsec; this.any = true;
        return f;
      }
      for (const w of this.current.warnings) this.warnings.push(w);
      if (this.index + 1 >= this.files.length) return null;
      this.current.close();
      this.index++;
      this.current = new CaptureFileReader(this.files[this.index]!, this.names.get(this.files[this.index]!));
      this.current.cutToSnaplen = this.cut;
      this.started = false;
    }
  }

  close(): void {
    this.current.close();
  }

  private nameOf(path: string): string {
    return this.names.get(path) ?? path;
  }
}
