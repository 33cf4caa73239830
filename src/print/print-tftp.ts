/** TFTP (RFC 1350, 2347; print-tftp.c), UDP port 69. */
import { u16be } from '../bytes.js';
import { Cut } from './truncation.js';
import { printChar } from './util.js';

const TFTP_OPS = ['', 'RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'];
const TFTP_ERRORS = ['EUNDEF', 'ENOTFOUND', 'EACCESS', 'ENOSPACE', 'EBADOP', 'EBADID', 'EEXISTS', 'ENOUSER'];

/**
 * TFTP (print-tftp.c): `TFTP, length 20, RRQ "boot.img" octet blksize 1428`,
 * `DATA block 7`, `ACK block 7`, `ERROR ENOTFOUND "File not found"`, `OACK …`;
 * strings as nd_printztn prints them (to their NUL, bytes escaped), ` [|tftp]`
 * where one runs past the datagram or the capture.
 */
export function tftpText(b: Buffer, off: number, capEnd: number, length: number): string {
  let s = `TFTP, length ${length}`;
  const trunc = ' [|tftp]';
  if (length < 2) return s + trunc;
  if (off + 2 > capEnd) return s + trunc;
  const op = u16be(b, off);
  const name = TFTP_OPS[op];
  if (name === undefined || name === '') return s + `, tftp-#${op}`;
  s += `, ${name}`;
  let p = off + 2, left = length - 2;
  /** nd_printztn: the string to its NUL; the bytes used, or 0 when it runs out first. */
  const string = (): number => {
    let used = 0;
    for (;;) {
      if (left - used === 0 || p + used >= capEnd) return 0;
      const c = b[p + used]!;
      used++;
      if (c === 0) return used;
      s += printChar(c);
    }
  };
  const strings = (): boolean => { // the options: each string, a space before it unless it is empty
    while (left !== 0) {
      if (p >= capEnd) throw new Cut();
      if (b[p] !== 0) s += ' ';
      const n = string();
      if (n === 0) return false;
      p += n; left -= n;
    }
    return true;
  };
  try {
    switch (op) {
      case 1: case 2: {
        if (left === 0) return s + trunc;
        s += ' "';
        let n = string();
        s += '"';
        if (n === 0) return s + trunc;
        p += n; left -= n;
        if (left === 0) return s + trunc; // no mode
        s += ' ';
        n = string();
        if (n === 0) return s + trunc;
        p += n; left -= n;
        return strings() ? s : s + trunc;
      }
      case 6: return strings() ? s : s + trunc;
      case 3: case 4:
        if (left < 2) return s + trunc;
        if (p + 2 > capEnd) throw new Cut();
        return s + ` block ${u16be(b, p)}`;
      default: { // 5: ERROR
        if (left < 2) return s + trunc;
        if (p + 2 > capEnd) throw new Cut();
        const code = u16be(b, p);
        s += ` ${TFTP_ERRORS[code] ?? `tftp-err-#${code} "`}`;
        p += 2; left -= 2;
        if (left === 0) return s + trunc;
        s += ' "';
        const n = string();
        s += '"';
        return n === 0 ? s + trunc : s;
      }
    }
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    return s + trunc;
  }
}
