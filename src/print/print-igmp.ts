/**
 * IGMP (RFC 1112, 2236, 3376; print-igmp.c), IP protocol 2: queries (v1, v2,
 * v3), reports (v1, v2, v3) and leaves; -q prints `igmp` alone; under -v a
 * wrong checksum and the v3 group records.
 */
import { u16be, u32be } from '../bytes.js';
import { foldComplement, onesSum } from '../decode/checksum.js';
import { ipv4At } from '../encode/addr.js';
import { relativeTime } from './util.js';

const IGMPV3_RECORDS: Record<number, string> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

/** print-igmp.c: queries (v1, v2, v3), reports (v1, v2, v3), leaves; -q prints `igmp` alone. */
export function igmpText(b: Buffer, off: number, capEnd: number, len: number, verbose: number, quick: boolean): string {
  if (quick) return 'igmp';
  const have = (n: number): boolean => off + n <= capEnd;
  if (!have(1)) return ' [|igmp]';
  let s: string;
  const addr = (at: number): string | null => (have(at + 4) ? ipv4At(b, off + at) : null);
  const type = b[off]!;
  switch (type) {
    case 0x11: {
      s = 'igmp query';
      if (len >= 12) {
        s += ' v3';
        if (len < 12 || (len & 3)) { s += ` [invalid len ${len}]`; break; }
        if (!have(12)) return s + ' [|igmp]';
        const mrc = b[off + 1]!;
        const mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
        if (mrc !== 100) s += ` [max resp time ${mrt < 600 ? `${(mrt * 0.1).toFixed(1)}s` : relativeTime(Math.floor(mrt / 10))}]`;
        if (u32be(b, off + 4) === 0) break;
        s += ` [gaddr ${ipv4At(b, off + 4)}`;
        const sources = u16be(b, off + 10);
        if (sources > 0) {
          if (len < 12 + sources * 4) s += ' [invalid number of sources]';
          else if (verbose > 1) {
            s += ' {';
            for (let i = 0; i < sources; i++) { const a = addr(12 + 4 * i); if (a === null) return s + ' [|igmp]'; s += ` ${a}`; }
            s += ' }';
          } else s += `, ${sources} source(s)`;
        }
        s += ']';
      } else {
        if (!have(2)) return s + ' [|igmp]';
        if (b[off + 1]) {
          s += ' v2';
          if (b[off + 1] !== 100) s += ` [max resp time ${b[off + 1]}]`;
        } else s += ' v1';
        if (!have(8)) return s + ' [|igmp]';
        if (u32be(b, off + 4)) s += ` [gaddr ${ipv4At(b, off + 4)}]`;
        if (len !== 8) s += ` [len ${len}]`;
      }
      break;
    }
    case 0x12: case 0x16: case 0x17: {
      const a = addr(4);
      if (a === null) return ' [|igmp]'; // tcpdump reads the address before printing the words
      s = type === 0x17 ? `igmp leave ${a}` : `igmp v${type === 0x12 ? 1 : 2} report ${a}`;
      if (type === 0x12 && len !== 8) s += ` [len ${len}]`;
      break;
    }
    case 0x22: {
      s = 'igmp v3 report';
      if (len < 16 || (len & 3)) { s += ` [invalid len ${len}]`; break; }
      if (!have(8)) return s + ' [|igmp]';
      const groups = u16be(b, off + 6);
      s += `, ${groups} group record(s)`;
      if (verbose > 0) {
        let g = 8;
        for (let i = 0; i < groups; i++) {
          if (len < g + 8) { s += ' [invalid number of groups]'; break; }
          if (!have(g + 8)) return s + ' [|igmp]';
          s += ` [gaddr ${ipv4At(b, off + g + 4)} ${IGMPV3_RECORDS[b[off + g]!] ?? ` [v3-report-#${b[off + g]}]`}`;
          const sources = u16be(b, off + g + 2);
          if (len < g + 8 + sources * 4) { s += ` [invalid number of sources ${sources}]`; break; }
          if (verbose === 1) s += `, ${sources} source(s)`;
          else {
            s += ' {';
            for (let j = 0; j < sources; j++) { const a = addr(g + 8 + 4 * j); if (a === null) return s + ' [|igmp]'; s += ` ${a}`; }
            s += ' }';
          }
          g += 8 + sources * 4;
          s += ']';
        }
      }
      break;
    }
    default: s = `igmp-${type}`; break;
  }
  if (verbose > 0 && len >= 4 && off + len <= capEnd && foldComplement(onesSum(b, off, off + len)) !== 0) {
    s += ` bad igmp cksum ${u16be(b, off + 2).toString(16)}!`;
  }
  return s;
}
