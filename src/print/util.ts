/**
 * The helpers every printer shares, after tcpdump's util-print.c and
 * print-ascii.c: value-to-name tables (tok2str, bittok2str), bytes escaped as
 * fn_print_char escapes them (nd_printn, nd_printjnp), hex in tcpdump's layouts
 * (hex_print_with_offset, hex_and_ascii_print), and unsigned_relts_print.
 * Pure functions of their arguments: the bytes given are already known to be
 * captured (the readers that check, and throw Cut, are in nd-reader.ts).
 */
import { hex2 } from '../encode/addr.js';

export { hex2 };

/** A value-to-name table (tcpdump's struct tok). */
export interface Tok { readonly [v: number]: string }

/**
 * tok2str: the name of `v`, or `fmt` with the value put in for its printf
 * conversion (`%u`, `%d`, `%x`, `%02x`, `%04x`…), as tok2str's default is.
 */
export function tok2str(table: Tok, fmt: string, v: number): string {
  const s = table[v];
  if (s !== undefined) return s;
  return fmt.replace(/%(0(\d))?([udx])/, (_m, _pad, width: string | undefined, conv: string) => {
    const text = conv === 'x' ? v.toString(16) : String(v);
    return width === undefined ? text : text.padStart(Number(width), '0');
  });
}

/**
 * bittok2str: the names of the values whose bits are all set in `v`, in the
 * table's order, `sep` between them (tcpdump's ", "; bittok2str_nosep: '');
 * `none` when there are none.
 */
export function bittok2str(table: readonly (readonly [number, string])[], none: string, v: number, sep = ', '): string {
  let s = '';
  let any = false;
  for (const [bits, name] of table) {
    if (bits === 0 || (v & bits) !== (bits | 0)) continue; // (bits | 0): a 32-bit value's top bit reads negative
    s += any ? sep + name : name;
    any = true;
  }
  return any ? s : none;
}

/** fn_print_char: M- for a byte past ASCII and then its low seven bits, ^ and a letter for a control character (ESC is ^[, DEL ^?). */
export function printChar(c: number): string {
  let s = '';
  if (c > 0x7f) { s = 'M-'; c &= 0x7f; }
  if (c < 0x20 || c === 0x7f) { s += '^'; c ^= 0x40; }
  return s + String.fromCharCode(c);
}

/** nd_printn over captured bytes: b[from, to) through fn_print_char. Only printable ASCII comes out. */
export function printn(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += printChar(b[i]!);
  return s;
}

/** nd_printjnp over captured bytes: at most n bytes from `at`, up to a NUL, through fn_print_char. */
export function printjnp(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && b[at + i] !== 0; i++) s += printChar(b[at + i]!);
  return s;
}

/** printf's %04x. */
export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** printf's %08x. */
export const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** The `%02x` loops: b[from, to) as hex digits, no separator. */
export function hexBytes(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += hex2(b[i]!);
  return s;
}

/** b[from, to) as colon-separated hex bytes, as a link-level address of any length prints (`aa:bb:cc`). */
export function hexColons(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += (i === from ? '' : ':') + hex2(b[i]!);
  return s;
}

/** hex_print_with_offset: `0x0000:  4500 0034 …`, 16 bytes a line, each line after `indent`. */
export function hexWithOffset(b: Uint8Array, from: number, to: number, indent: string): string {
  let s = '';
  for (let p = from, n = 0; p < to; p++, n++) {
    if (n % 16 === 0) s += `${indent}0x${hex4(n)}: `;
    if (n % 2 === 0) s += ' ';
    s += hex2(b[p]!);
  }
  return s;
}

/**
 * hex_and_ascii_print: what tcpdump prints of bytes it does not decode, 16 a
 * line after `indent` (default "\n\t"), the hex padded to 40 columns, then the
 * bytes as graphic characters or '.'.
 */
export function hexAndAscii(b: Uint8Array, from: number, to: number, indent = '\n\t'): string {
  let s = '';
  for (let line = from; line < to; line += 16) {
    const n = Math.min(16, to - line);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < n; i++) {
      const c = b[line + i]!;
      if (i % 2 === 0) hex += ' ';
      hex += hex2(c);
      ascii += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }
    s += `${indent}0x${hex4(line - from)}: ${hex.padEnd(40, ' ')}  ${ascii}`;
  }
  return s;
}

const RELTS: readonly (readonly [string, number])[] = [['y', 31536000], ['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];

/** unsigned_relts_print: 3600 as 1h, 90061 as 1d1h1m1s. */
export function relativeTime(secs: number): string {
  if (secs === 0) return '0s';
  let s = '';
  for (const [unit, n] of RELTS) {
    if (secs >= n) { s += `${Math.floor(secs / n)}${unit}`; secs -= Math.floor(secs / n) * n; }
  }
  return s;
}
