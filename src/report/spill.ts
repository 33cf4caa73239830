/**
 * Bounded memory for views that cannot print before the input ends (a table's
 * column widths, a sort, a block's byte count in its header): what they keep
 * stays in memory up to a bound, and beyond it goes to one temporary file.
 *
 * Temporary files: a directory made by mkdtempSync under os.tmpdir() (mode
 * 0700, a name nobody can guess or take first), one file in it opened with
 * O_CREAT|O_EXCL and mode 0600, and both removed at once: the file lives on
 * only as the open descriptor, so nothing is left behind however the process
 * ends (even SIGKILL), and no other process can open it by name.
 *
 * - ByteSpill: bytes appended, read back in order.
 * - LineSpill: lines (no '\n' inside) appended, read back in order.
 * - SortedSpill: records with a numeric key, read back in key order (an
 *   external merge sort: sorted runs on the file, merged at the end).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError } from '../frame.js';

/** What a spill keeps in memory before it writes to its file (each spill's own bound). */
export const DEFAULT_SPILL_MEMORY = 8 << 20;

function tempError(e: unknown): SourceError {
  const err = e as NodeJS.ErrnoException;
  return new SourceError(`temporary file in ${tmpdir()}: ${err.code ?? err.message} (set TMPDIR to a writable directory with room)`);
}

/** An anonymous temporary file: written at its end, read at any position; gone once closed or the process ends. */
export class TempFile {
  private fd: number;
  /** Bytes written. */
  size = 0;

  constructor() {
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), 'netlens-'));
    } catch (e) {
      throw tempError(e);
    }
    const path = join(dir, 'spill');
    try {
      this.fd = openSync(path, 'wx+', 0o600);
    } catch (e) {
      try { rmdirSync(dir); } catch { /* nothing to clean */ }
      throw tempError(e);
    }
    try {
      unlinkSync(path);
      rmdirSync(dir);
    } catch (e) {
      closeSync(this.fd);
      throw tempError(e);
    }
  }

  append(b: Uint8Array, from = 0, to = b.length): void {
    while (from < to) {
      let n: number;
      try {
        n = writeSync(this.fd, b, from, to - from, this.size);
      } catch (e) {
        throw tempError(e);
      }
      from += n;
      this.size += n;
    }
  }

  /** Reads up to `len` bytes at `pos` into `b[off…]`; returns how many. */
  read(pos: number, b: Buffer, off: number, len: number): number {
    try {
      return readSync(this.fd, b, off, len, pos);
    } catch (e) {
      throw tempError(e);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

const CHUNK = 1 << 20;

/**
 * Bytes appended, read back in order. Up to `memLimit` bytes stay in memory
 * (in chunks of up to 1 MiB, the first one reused after clear()); past that
 * every full chunk goes to a temporary file, and only the chunk being filled
 * stays in memory.
 */
export class ByteSpill {
  /** Bytes appended since the last clear(). */
  length = 0;
  private cur: Buffer | null = null;
  private curPos = 0;
  private readonly full: Buffer[] = [];
  private file: TempFile | null = null;
  /** Size of a full chunk: 1 MiB, or a quarter of a small bound. */
  private readonly chunk: number;

  constructor(readonly memLimit = DEFAULT_SPILL_MEMORY) {
    this.chunk = Math.max(4096, Math.min(CHUNK, memLimit >> 2));
  }

  /** Whether part of what it holds is on disk. */
  get spilled(): boolean { return this.file !== null; }

  append(b: Uint8Array, from = 0, to = b.length): void {
    this.length += to - from;
    while (from < to) {
      const cur = this.room();
      const n = Math.min(to - from, cur.length - this.curPos);
      cur.set(b.subarray(from, from + n), this.curPos);
      this.curPos += n;
      from += n;
    }
  }

  /** A string's UTF-8 bytes and a newline, written straight into the current chunk when they fit. */
  appendLine(s: string): void {
    const cur = this.room();
    if (this.curPos + s.length * 3 + 1 <= cur.length) {
      const n = cur.write(s, this.curPos, 'utf8');
      cur[this.curPos + n] = 10;
      this.curPos += n + 1;
      this.length += n + 1;
      return;
    }
    const b = Buffer.from(s + '\n', 'utf8');
    this.append(b);
  }

  /** Room for at least one byte in the current chunk (a full one goes to the list, or to the file past the bound). */
  private room(): Buffer {
    let cur = this.cur;
    if (cur === null) {
      // A small first chunk: most spills hold little (a follow block of one segment).
      cur = this.cur = Buffer.allocUnsafe(4096);
      this.curPos = 0;
    } else if (this.curPos === cur.length) {
      if (cur.length < this.chunk && this.full.length === 0 && this.file === null) {
        // Grow the first chunk up to a full one, copying what it holds.
        const next = Buffer.allocUnsafe(Math.min(this.chunk, cur.length * 4));
        cur.copy(next, 0, 0, this.curPos);
        cur = this.cur = next;
      } else {
        this.retire(cur);
        cur = this.cur = Buffer.allocUnsafe(this.chunk);
        this.curPos = 0;
      }
    }
    return cur;
  }

  private retire(chunk: Buffer): void {
    if (this.file === null && (this.full.length + 2) * this.chunk > this.memLimit) {
      this.file = new TempFile();
      for (const c of this.full) this.file.append(c);
      this.full.length = 0;
    }
    if (this.file !== null) this.file.append(chunk);
    else this.full.push(chunk);
  }

  /** Calls `cb` with consecutive pieces of what was appended, in order (each piece valid during the call only). */
  replay(cb: (piece: Buffer) => void): void {
    const f = this.file;
    if (f !== null) {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let pos = 0; pos < f.size;) {
        const n = f.read(pos, buf, 0, Math.min(CHUNK, f.size - pos));
        if (n <= 0) throw new SourceError('temporary file: ended early');
        cb(buf.subarray(0, n));
        pos += n;
      }
    }
    for (const c of this.full) cb(c);
    if (this.cur !== null && this.curPos > 0) cb(this.cur.subarray(0, this.curPos));
  }

  /** Empties it (the file is closed and gone; the first chunk is kept for reuse when small). */
  clear(): void {
    this.length = 0;
    this.full.length = 0;
    this.file?.close();
    this.file = null;
    if (this.cur !== null && this.cur.length > 65536) this.cur = null;
    this.curPos = 0;
  }
}

/** Lines (without '\n'), read back in order: a ByteSpill of their UTF-8 text. */
export class LineSpill {
  count = 0;
  private readonly bytes: ByteSpill;

  constructor(memLimit = DEFAULT_SPILL_MEMORY) {
    this.bytes = new ByteSpill(memLimit);
  }

  get spilled(): boolean { return this.bytes.spilled; }

  push(line: string): void {
    this.count++;
    this.bytes.appendLine(line);
  }

  /** Each line, in order. */
  forEach(cb: (line: string) => void): void {
    let carry: Buffer | null = null;
    this.bytes.replay((piece) => {
      let start = 0;
      for (let lf = piece.indexOf(10); lf >= 0; lf = piece.indexOf(10, start)) {
        if (carry !== null) {
          cb(Buffer.concat([carry, piece.subarray(start, lf)]).toString('utf8'));
          carry = null;
        } else {
          cb(piece.toString('utf8', start, lf));
        }
        start = lf + 1;
      }
      if (start < piece.length) {
        const rest = Buffer.from(piece.subarray(start));
        carry = carry === null ? rest : Buffer.concat([carry, rest]);
      }
    });
  }

  clear(): void {
    this.count = 0;
    this.bytes.clear();
  }
}

interface Rec { k1: number; k2: number; k3: number; text: string }

function cmp(a: Rec, b: Rec): number {
  return a.k1 - b.k1 || a.k2 - b.k2 || a.k3 - b.k3;
}

const REC_HEAD = 28; // three f64 keys, u32 byte length

/** One sorted run on the file, read back record by record. */
class RunReader {
  private buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  private start = 0;
  private end = 0;
  head: Rec | null = null;

  constructor(private readonly file: TempFile, private pos: number, private readonly stop: number) {
    this.next();
  }

  /** Makes `n` bytes available at buf[start…]; false at the end of the run. */
  private fill(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (n > this.buf.length) {
      const b = Buffer.allocUnsafe(n * 2);
      this.buf.copy(b, 0, this.start, this.end);
      this.buf = b;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.end -= this.start;
    this.start = 0;
    while (this.end < n && this.pos < this.stop) {
      const got = this.file.read(this.pos, this.buf, this.end, Math.min(this.buf.length - this.end, this.stop - this.pos));
      if (got <= 0) throw new SourceError('temporary file: ended early');
      this.pos += got;
      this.end += got;
    }
    return this.end - this.start >= n;
  }

  next(): void {
    if (!this.fill(REC_HEAD)) { this.head = null; return; }
    const b = this.buf, s = this.start;
    const k1 = b.readDoubleLE(s), k2 = b.readDoubleLE(s + 8), k3 = b.readDoubleLE(s + 16), len = b.readUInt32LE(s + 24);
    if (!this.fill(REC_HEAD + len)) throw new SourceError('temporary file: a record cut short');
    const text = this.buf.toString('utf8', this.start + REC_HEAD, this.start + REC_HEAD + len);
    this.start += REC_HEAD + len;
    this.head = { k1, k2, k3, text };
  }
}

/**
 * Records (a key of up to three numbers, and a text) read back in key order.
 * Records are encoded into one arena of up to `memLimit` bytes as they come
 * (nothing per record stays on the JavaScript heap, so the garbage collector
 * has nothing to move or to leave behind); a full arena is sorted and written
 * to the temporary file as one run, and the runs are merged at the end (a heap
 * over the runs' heads: time n log n, memory a read buffer per run).
 */
export class SortedSpill {
  count = 0;
  private arena: Buffer | null = null;
  private used = 0;
  /** Start of each record in the arena. */
  private starts = new Uint32Array(1024);
  private n = 0;
  private file: TempFile | null = null;
  private readonly runs: [number, number][] = [];

  constructor(readonly memLimit = DEFAULT_SPILL_MEMORY) {}

  get spilled(): boolean { return this.file !== null; }

  push(text: string, k1: number, k2 = 0, k3 = 0): void {
    this.count++;
    const need = REC_HEAD + text.length * 3;
    let a = this.arena;
    if (a === null || this.used + need > a.length) {
      if (a !== null && a.length >= this.memLimit && this.n > 0) { this.writeRun(); a = this.arena!; }
      if (a === null || this.used + need > a.length) {
        // Grow (doubling, up to the bound, or to what one record needs).
        let size = a === null ? 65536 : a.length * 2;
        while (size < this.used + need) size *= 2;
        const next = Buffer.allocUnsafe(Math.max(this.used + need, Math.min(size, this.memLimit)));
        a?.copy(next, 0, 0, this.used);
        a = this.arena = next;
      }
    }
    const p = this.used;
    a.writeDoubleLE(k1, p); a.writeDoubleLE(k2, p + 8); a.writeDoubleLE(k3, p + 16);
    const len = a.write(text, p + REC_HEAD, 'utf8');
    a.writeUInt32LE(len, p + 24);
    this.used = p + REC_HEAD + len;
    if (this.n === this.starts.length) {
      const s = new Uint32Array(this.n * 2);
      s.set(this.starts);
      this.starts = s;
    }
    this.starts[this.n++] = p;
  }

  /** The arena's records in key order (indices into `starts`). */
  private order(): Uint32Array {
    const a = this.arena!, starts = this.starts, n = this.n;
    const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n);
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const p = starts[i]!;
      k1[i] = a.readDoubleLE(p); k2[i] = a.readDoubleLE(p + 8); k3[i] = a.readDoubleLE(p + 16);
      idx[i] = i;
    }
    return idx.sort((x, y) => k1[x]! - k1[y]! || k2[x]! - k2[y]! || k3[x]! - k3[y]! || x - y);
  }

  private writeRun(): void {
    const a = this.arena!;
    const f = this.file ??= new TempFile();
    const from = f.size;
    const out = Buffer.allocUnsafe(CHUNK);
    let p = 0;
    for (const i of this.order()) {
      const s = this.starts[i]!, len = REC_HEAD + a.readUInt32LE(s + 24);
      if (p + len > out.length) { f.append(out, 0, p); p = 0; }
      if (len > out.length) { f.append(a, s, s + len); continue; }
      a.copy(out, p, s, s + len);
      p += len;
    }
    if (p > 0) f.append(out, 0, p);
    this.runs.push([from, f.size]);
    this.used = 0;
    this.n = 0;
  }

  /** Every record's text in key order; empties it. */
  drain(cb: (text: string) => void): void {
    const a = this.arena;
    const mem = a === null || this.n === 0 ? new Uint32Array(0) : this.order();
    const memRec = (j: number): Rec => {
      const p = this.starts[mem[j]!]!;
      return { k1: a!.readDoubleLE(p), k2: a!.readDoubleLE(p + 8), k3: a!.readDoubleLE(p + 16), text: a!.toString('utf8', p + REC_HEAD, p + REC_HEAD + a!.readUInt32LE(p + 24)) };
    };
    if (this.file === null) {
      for (let j = 0; j < mem.length; j++) {
        const p = this.starts[mem[j]!]!;
        cb(a!.toString('utf8', p + REC_HEAD, p + REC_HEAD + a!.readUInt32LE(p + 24)));
      }
      this.reset();
      return;
    }
    // Sources: each run on the file, and what is still in memory. A binary heap on their heads.
    const f = this.file;
    let memAt = 0;
    const readers = this.runs.map(([x, y]) => new RunReader(f, x, y));
    const heads: Rec[] = [];
    const src: number[] = []; // -1: memory, else a reader index
    const swap = (i: number, j: number): void => {
      const h = heads[i]!; heads[i] = heads[j]!; heads[j] = h;
      const s = src[i]!; src[i] = src[j]!; src[j] = s;
    };
    const up = (i: number): void => {
      while (i > 0) {
        const par = (i - 1) >> 1;
        if (cmp(heads[i]!, heads[par]!) >= 0) break;
        swap(i, par);
        i = par;
      }
    };
    const down = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heads.length && cmp(heads[l]!, heads[m]!) < 0) m = l;
        if (r < heads.length && cmp(heads[r]!, heads[m]!) < 0) m = r;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    const add = (r: Rec, s: number): void => { heads.push(r); src.push(s); up(heads.length - 1); };
    readers.forEach((rd, i) => { if (rd.head !== null) add(rd.head, i); });
    if (mem.length > 0) add(memRec(memAt++), -1);
    while (heads.length > 0) {
      const top = heads[0]!, s = src[0]!;
      cb(top.text);
      let next: Rec | null;
      if (s < 0) next = memAt < mem.length ? memRec(memAt++) : null;
      else { readers[s]!.next(); next = readers[s]!.head; }
      if (next !== null) { heads[0] = next; down(0); continue; }
      const lastH = heads.pop()!, lastS = src.pop()!;
      if (heads.length > 0) { heads[0] = lastH; src[0] = lastS; down(0); }
    }
    this.reset();
  }

  private reset(): void {
    this.file?.close();
    this.file = null;
    this.runs.length = 0;
    this.arena = null;
    this.used = 0;
    this.n = 0;
    this.count = 0;
  }
}
