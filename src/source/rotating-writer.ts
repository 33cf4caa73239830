/**
 * -w FILE with tcpdump's rotation: -C (a new file once this one holds more
 * than the size), -G (a new file per interval, intervals at multiples of the
 * seconds since the epoch, a packet's interval read from its own time stamp),
 * -W (with -C, a ring of that many files; with -G alone, stop after that many),
 * and --free-space-min (below it: delete the ring's oldest file, or stop writing).
 *
 * Rotation happens between two packets, so each packet is in exactly one file
 * and the files, in the order they were written, hold the capture in order.
 * Every file closed (rotated, stopped, at the end) is reported to `closed`,
 * which runs -z on it: the last one too.
 */
import { statfsSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { SourceError, type Frame } from '../frame.js';
import { rotatedName, suffixWidth } from './file-name.js';
import { CaptureWriter, isPcapngName } from './pcap-writer.js';

export interface Rotation {
  /** The -w name; with -G a strftime pattern. */
  pattern: string;
  /** -C: bytes a file may hold before the next packet goes to a new one (0: no limit). */
  maxBytes: number;
  /** -G: seconds per file (0: none). */
  seconds: number;
  /** -W: files in the ring (with -C), or files before the capture stops (-G alone); 0: no limit. */
  files: number;
  /** --free-space-min in bytes (0: not checked). */
  freeSpaceMin: number;
}

export interface RotationEvents {
  /** A file was closed and holds whole records (-z runs on it). */
  closed(path: string): void;
  /** One line for stderr (without the newline). */
  notice(line: string): void;
  /** -G with -W reached its count: no more files, the capture ends (tcpdump exits there). */
  limitReached(): void;
}

/** A file of an interval that saw no packet for this long after its end is closed without waiting for the next packet. */
const IDLE_CLOSE_GRACE_SEC = 0.5;
/** Free space is looked at before each new file, on every tick, and after this many bytes written. */
const FREE_SPACE_CHECK_BYTES = 1_000_000;

export class RotatingWriter {
  private current: CaptureWriter | null = null;
  /** -G interval number (start / seconds) of the current or last file. */
  private slot = 0;
  /** -C number of the current file. */
  private index = 0;
  /** Files opened so far (-G -W stops at its count). */
  private opened = 0;
  /** Ring only: closed files that may still exist, oldest first (--free-space-min deletes from the front). */
  private readonly closedFiles: string[] = [];
  private bytesSinceCheck = 0;
  /** The file closed last (named when writing stops between two files). */
  private lastClosed: string | null = null;
  /** Writing stopped for good: free space, the -W count, or a failed file. */
  private stopped = false;
  private readonly width: number;
  private readonly pcapng: boolean;
  private readonly ring: boolean;

  constructor(
    private readonly spec: Rotation,
    private readonly linkType: number,
    private readonly snaplen: number,
    private readonly nanosecond: boolean,
    private readonly events: RotationEvents,
    nowSec: number,
  ) {
    this.width = suffixWidth(spec.files);
    this.pcapng = isPcapngName(spec.pattern);
    this.ring = spec.maxBytes > 0 && spec.files > 0;
    if (spec.seconds > 0) this.slot = Math.floor(nowSec / spec.seconds);
    const first = this.nextName();
    if (spec.freeSpaceMin > 0) {
      const free = freeBytes(dirname(first));
      if (free < spec.freeSpaceMin) throw new SourceError(`${dirname(first)}: ${mb(free)} MB free, less than --free-space-min ${mb(spec.freeSpaceMin)} MB: nothing written`);
    }
    this.open(first);
  }

  /** The file being written (null between an idle interval's close and the next packet, or once writing stopped). */
  get path(): string | null {
    return this.current?.path ?? null;
  }

  /** True once a write failed (run-live ends the capture; the files hold every whole record before it). */
  get failed(): boolean {
    return this.current?.failed ?? false;
  }

  /** Writes one frame, to a new file first if its interval began or the current file is full. Throws when a write fails. */
  write(f: Frame): void {
    if (this.stopped) return;
    const spec = this.spec;
    if (spec.seconds > 0) {
      const slot = Math.floor(f.tsSec / spec.seconds);
      // A frame stamped before the last interval's end, arriving after tick() closed it, opens the next interval's file, never the closed one again.
      if (this.current === null) { if (!this.nextInterval(Math.max(slot, this.slot + 1))) return; }
      else if (slot > this.slot) { this.closeCurrent(); if (!this.nextInterval(slot)) return; }
    }
    // As tcpdump: the file is rotated once it holds more than -C, so a file ends at most one packet past the size.
    if (spec.maxBytes > 0 && this.current!.size > spec.maxBytes) {
      this.closeCurrent();
      this.index = spec.files > 0 && this.index + 1 >= spec.files ? 0 : this.index + 1;
      if (!this.openChecked(this.nextName())) return;
    }
    this.current!.write(f);
    if (spec.freeSpaceMin > 0) {
      this.bytesSinceCheck += f.caplen + 16;
      if (this.bytesSinceCheck >= FREE_SPACE_CHECK_BYTES) this.makeRoom(this.current!.path);
    }
  }

  /** The clock: closes the file of an interval that ended while no packet came (so -z runs on time), and looks at free space. */
  tick(nowSec: number): void {
    if (this.stopped || this.current === null) return;
    const spec = this.spec;
    if (spec.seconds > 0 && nowSec >= (this.slot + 1) * spec.seconds + IDLE_CLOSE_GRACE_SEC) {
      this.closeCurrent();
      if (this.countReached()) this.endByCount();
      return;
    }
    if (spec.freeSpaceMin > 0) this.makeRoom(this.current.path);
  }

  /** Closes the current file (and reports it); no more writes. */
  close(): void {
    this.stopped = true;
    this.closeCurrent();
  }

  // ---------------------------------------------------------------- files

  private countReached(): boolean {
    return this.spec.maxBytes === 0 && this.spec.files > 0 && this.opened >= this.spec.files;
  }

  private endByCount(): void {
    this.stopped = true;
    this.events.notice(`Maximum file limit reached: ${this.spec.files}`);
    this.events.limitReached();
  }

  private nextInterval(slot: number): boolean {
    if (this.countReached()) { this.endByCount(); return false; }
    this.slot = slot;
    this.index = 0; // as tcpdump: each interval's -C numbering starts again
    return this.openChecked(this.nextName());
  }

  private nextName(): string {
    const spec = this.spec;
    return rotatedName(spec.pattern, spec.seconds > 0 ? this.slot * spec.seconds : null, spec.maxBytes > 0 ? this.index : null, this.width);
  }

  private openChecked(name: string): boolean {
    if (this.spec.freeSpaceMin > 0 && !this.makeRoom(name)) return false;
    this.open(name);
    return true;
  }

  private open(name: string): void {
    const again = this.closedFiles.indexOf(name);
    if (again >= 0) this.closedFiles.splice(again, 1); // the ring comes round: this name is overwritten
    try {
      this.current = CaptureWriter.open(name, this.linkType, this.snaplen, this.nanosecond, this.pcapng);
    } catch (e) {
      this.stopped = true;
      throw e;
    }
    this.opened++;
    this.bytesSinceCheck = 0;
  }

  private closeCurrent(): void {
    const w = this.current;
    if (w === null) return;
    this.current = null;
    try {
      w.close();
    } catch (e) {
      this.stopped = true;
      throw e;
    } finally {
      this.lastClosed = w.path;
      if (this.ring) this.closedFiles.push(w.path);
      this.events.closed(w.path);
    }
  }

  /**
   * --free-space-min, for the filesystem of `path`: with a ring, delete its
   * oldest files until there is enough; otherwise (or when none is left) close
   * the current file and stop writing, with one line. False when writing stopped.
   */
  private makeRoom(path: string): boolean {
    this.bytesSinceCheck = 0;
    const min = this.spec.freeSpaceMin;
    const dir = dirname(path);
    let free = freeBytes(dir);
    while (free < min && this.closedFiles.length > 0) {
      const oldest = this.closedFiles.shift()!;
      try { unlinkSync(oldest); } catch { /* already gone (a -z command may have moved it) */ }
      free = freeBytes(dir);
    }
    if (free >= min) return true;
    this.stopped = true;
    this.closeCurrent();
    const writing = this.lastClosed;
    this.events.notice(`netlens: ${dir}: ${mb(free)} MB free, less than --free-space-min ${mb(min)} MB: stopped writing${writing !== null ? ` (${writing} is the last file)` : ''}${this.ring ? '; no older file of the ring is left to delete' : ''}; the capture goes on`);
    return false;
  }
}

/** Bytes an unprivileged writer may still use on the filesystem of `dir` (Infinity when it cannot be told). */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Infinity;
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 0);
}
