/**
 * RESP, the Redis protocol (https://redis.io/docs/latest/develop/reference/protocol-spec/),
 * as tcpdump prints it after a segment to or from port 6379 (print-resp.c):
 * `: RESP "SET" "k" "v"`. Every item of the segment in turn, pipelined
 * commands included: simple strings, errors and integers by their text, bulk
 * strings by their bytes (` empty`, ` null`), arrays item by item, and inline
 * commands (a line of text) as one string. Where an item runs past the
 * segment or the capture, or its length is not a number, tcpdump gives up
 * with ` [|resp]`, and so does this. Bytes print as tcpdump's fn_print_char
 * shows them (`^M`, `M-x`), so nothing from the wire reaches the terminal raw.
 */
import { printChar } from './util.js';

/** Thrown where print-resp.c jumps to `trunc`. */
class Trunc extends Error {}

/** The RESP text of a segment's payload b[off, off + length), of which b[off, capEnd) was captured. */
export function respText(b: Uint8Array, off: number, capEnd: number, length: number): string {
  const r = new RespPrinter(b, capEnd);
  try {
    for (let p = off, left = length; left > 0;) {
      const used = r.parse(p, left);
      p += used;
      left -= used;
    }
  } catch (e) {
    if (!(e instanceof Trunc)) throw e;
    r.s += ' [|resp]';
  }
  return ': RESP' + r.s;
}

/**
 * How many arrays deep items are printed. print-resp.c recurses as long as
 * the segment lasts (an item of `*1\r\n` is 4 bytes); past this, ` [|resp]`.
 */
export const MAX_RESP_DEPTH = 32;

class RespPrinter {
  s = '';
  /** Arrays being printed inside one another. */
  private depth = 0;
  constructor(private readonly b: Uint8Array, private readonly capEnd: number) {}

  /** GET_U_1: the byte at p, or the end of the capture. */
  private u8(p: number): number {
    if (p >= this.capEnd) throw new Trunc();
    return this.b[p]!;
  }

  /** resp_parse: one item at p of `length` bytes left; the bytes it used. */
  parse(p: number, length: number): number {
    if (length < 1) throw new Trunc();
    switch (this.u8(p)) {
      case 0x2b: case 0x2d: case 0x3a: return this.line(p, length); // + - :
      case 0x24: return this.bulkString(p, length); // $
      case 0x2a: return this.array(p, length); // *
      default: return this.inline(p, length);
    }
  }

  /** RESP_PRINT_SEGMENT: ` "<bytes>"` (nd_printn: the capture's end is a truncation). */
  private segment(p: number, len: number): void {
    this.s += ' "';
    for (let i = 0; i < len; i++) {
      if (p + i >= this.capEnd) throw new Trunc();
      this.s += printChar(this.b[p + i]!);
    }
    this.s += '"';
  }

  /** FIND_CRLF: the index of the next CR LF at or after p, within `left` bytes. */
  private findCrlf(p: number, left: number): number {
    for (;;) {
      if (left < 2) throw new Trunc();
      if (p + 2 > this.capEnd) throw new Trunc();
      if (this.b[p] === 0x0d && this.b[p + 1] === 0x0a) return p;
      p++;
      left--;
    }
  }

  /** Simple string, error, integer: the text up to CR LF. */
  private line(p: number, length: number): number {
    const start = p + 1;
    const crlf = this.findCrlf(start, length - 1);
    this.segment(start, crlf - start);
    return 1 + (crlf - start) + 2;
  }

  private bulkString(p: number, length: number): number {
    let q = p + 1, left = length - 1;
    const n = this.length(q, left);
    left -= this.lengthEnd - q;
    q = this.lengthEnd;
    if (n >= 0) {
      if (n === 0) this.s += ' empty';
      else {
        if (left < n || q + n > this.capEnd) throw new Trunc();
        this.segment(q, n);
        q += n;
        left -= n;
      }
      q = this.findCrlf(q, left) + 2;
      return q - p;
    }
    this.lengthProblem(n);
    return length - left;
  }

  private array(p: number, length: number): number {
    let q = p + 1, left = length - 1;
    const n = this.length(q, left);
    left -= this.lengthEnd - q;
    q = this.lengthEnd;
    if (n > 0) {
      if (this.depth >= MAX_RESP_DEPTH) throw new Trunc();
      this.depth++;
      for (let i = 0; i < n; i++) {
        const used = this.parse(q, left);
        q += used;
        left -= used;
      }
      this.depth--;
    } else if (n === 0) {
      this.s += ' empty';
    } else {
      this.lengthProblem(n);
    }
    return length - left;
  }

  /** The switch after GET_LENGTH for a negative length. */
  private lengthProblem(n: number): void {
    if (n === -1) this.s += ' null';
    else if (n === -2) throw new Trunc();
    else if (n === -3) this.s += ' length too large';
    else if (n === -4) this.s += ' length negative and not -1';
    else this.s += ' invalid';
  }

  /** An inline command: the text between runs of CR and LF. */
  private inline(p: number, length: number): number {
    let left = length;
    let q = this.skipCrLf(p, left);
    left -= q - p;
    const start = q;
    for (;;) { // FIND_CR_OR_LF
      if (left < 1) throw new Trunc();
      const c = this.u8(q);
      if (c === 0x0d || c === 0x0a) break;
      q++;
      left--;
    }
    this.segment(start, q - start);
    const after = this.skipCrLf(q, left);
    left -= after - q;
    return length - left;
  }

  /** CONSUME_CR_OR_LF: past every CR and LF at p; at least one, or the data ends (truncated). */
  private skipCrLf(p: number, left: number): number {
    let found = false;
    for (;;) {
      if (left === 0 || p >= this.capEnd) {
        if (found) return p;
        throw new Trunc();
      }
      const c = this.b[p]!;
      if (c !== 0x0d && c !== 0x0a) return p;
      found = true;
      p++;
      left--;
    }
  }

  /** Where resp_get_length left off. */
  private lengthEnd = 0;

  /**
   * resp_get_length: `<digits> CR LF` or `-1 CR LF` at p. The length, or -1
   * (null), -2 (the data ends), -3 (too large), -4 (negative, not -1), -5 (not
   * a number); lengthEnd is where it stopped.
   */
  private length(p: number, left: number): number {
    if (left === 0) { this.lengthEnd = p; return -2; }
    let tooLarge = false, neg = false, result = 0, sawDigit = false;
    if (this.u8(p) === 0x2d) { neg = true; p++; left--; }
    for (;;) {
      if (left === 0) { this.lengthEnd = p; return -2; }
      let c = this.u8(p);
      if (c < 0x30 || c > 0x39) {
        if (!sawDigit) { this.lengthEnd = p + 1; return -5; }
        break;
      }
      c -= 0x30;
      // As print-resp.c counts in a C int: past INT_MAX is "too large".
      if (result > 214748364) tooLarge = true;
      else {
        result *= 10;
        if (result === 2147483640 && c > 7) tooLarge = true;
        else result += c;
      }
      p++;
      left--;
      sawDigit = true;
    }
    if (this.u8(p) !== 0x0d) { this.lengthEnd = p + 1; return -5; }
    p++;
    left--;
    if (left === 0) { this.lengthEnd = p; return -2; }
    if (this.u8(p) !== 0x0a) { this.lengthEnd = p + 1; return -5; }
    p++;
    this.lengthEnd = p;
    if (neg) return tooLarge || result !== 1 ? -4 : -1;
    return tooLarge ? -3 : result;
  }
}
