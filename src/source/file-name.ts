/**
 * The names of rotated capture files, as tcpdump's MakeFilename makes them:
 * with -G the -w name is a strftime pattern (local time of the file's start),
 * and with -C a file number follows it, zero-padded to the digits of -W minus
 * one (-W 3: file0 file1 file2; -W 11: file00 … file10). With -C and no -W, or
 * -W 1, the first file has no number: file, file1, file2 …
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The conversions netlens's strftime knows (a name with any other is refused up front, not written with a literal %).
 * Not %Z: the zone abbreviations of the C library (tzdata) are not what Node's Intl names (IST vs GMT+5:30).
 */
const CONVERSIONS = 'aAbBCdDeFhHIjklmMnpRsStTuwyYz%';

/** Why `pattern` cannot be a -G file name pattern, or null when it can. */
export function patternProblem(pattern: string): string | null {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '%') continue;
    const c = pattern[i + 1];
    if (c === undefined) return 'ends with a lone %';
    if (!CONVERSIONS.includes(c)) return `has %${c}, which netlens's strftime does not know (it knows %${[...CONVERSIONS].join(' %')})`;
    i++;
  }
  return null;
}

/** How often each time conversion changes, in seconds (the coarse ones roughly: they only decide whether a name can change at all). */
const PERIOD: Record<string, number> = {
  s: 1, S: 1, T: 1, M: 60, R: 60, H: 3600, I: 3600, k: 3600, l: 3600, p: 43_200,
  d: 86_400, e: 86_400, j: 86_400, a: 86_400, A: 86_400, u: 86_400, w: 86_400, D: 86_400, F: 86_400,
  m: 2_678_400, b: 2_678_400, h: 2_678_400, B: 2_678_400, y: 31_622_400, Y: 31_622_400, C: 3_162_240_000,
};

/** The shortest period of the time conversions in `pattern` (Infinity when it has none: the name never changes). */
export function finestPeriod(pattern: string): number {
  let finest = Infinity;
  for (let i = 0; i < pattern.length - 1; i++) {
    if (pattern[i] !== '%') continue;
    const p = PERIOD[pattern[++i]!];
    if (p !== undefined && p < finest) finest = p;
  }
  return finest;
}

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

/** C's strftime over the subset CONVERSIONS, in the local time zone (TZ), for the instant `epochSec`. */
export function strftime(pattern: string, epochSec: number): string {
  const d = new Date(epochSec * 1000);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '%' || i + 1 >= pattern.length) { out += ch; continue; }
    const c = pattern[++i]!;
    const h = d.getHours();
    switch (c) {
      case 'a': out += DAYS[d.getDay()]!.slice(0, 3); break;
      case 'A': out += DAYS[d.getDay()]; break;
      case 'b': case 'h': out += MONTHS[d.getMonth()]!.slice(0, 3); break;
      case 'B': out += MONTHS[d.getMonth()]; break;
      case 'C': out += pad(Math.floor(d.getFullYear() / 100), 2); break;
      case 'd': out += pad(d.getDate(), 2); break;
      case 'D': out += `${pad(d.getMonth() + 1, 2)}/${pad(d.getDate(), 2)}/${pad(d.getFullYear() % 100, 2)}`; break;
      case 'e': out += pad(d.getDate(), 2, ' '); break;
      case 'F': out += `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`; break;
      case 'H': out += pad(h, 2); break;
      case 'I': out += pad(h % 12 === 0 ? 12 : h % 12, 2); break;
      case 'j': out += pad(dayOfYear(d), 3); break;
      case 'k': out += pad(h, 2, ' '); break;
      case 'l': out += pad(h % 12 === 0 ? 12 : h % 12, 2, ' '); break;
      case 'm': out += pad(d.getMonth() + 1, 2); break;
      case 'M': out += pad(d.getMinutes(), 2); break;
      case 'n': out += '\n'; break;
      case 'p': out += h < 12 ? 'AM' : 'PM'; break;
      case 'R': out += `${pad(h, 2)}:${pad(d.getMinutes(), 2)}`; break;
      case 's': out += String(Math.floor(epochSec)); break;
      case 'S': out += pad(d.getSeconds(), 2); break;
      case 't': out += '\t'; break;
      case 'T': out += `${pad(h, 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}`; break;
      case 'u': out += String(d.getDay() === 0 ? 7 : d.getDay()); break;
      case 'w': out += String(d.getDay()); break;
      case 'y': out += pad(d.getFullYear() % 100, 2); break;
      case 'Y': out += String(d.getFullYear()); break;
      case 'z': {
        const east = -d.getTimezoneOffset();
        out += `${east < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(east) / 60), 2)}${pad(Math.abs(east) % 60, 2)}`;
        break;
      }
      case '%': out += '%'; break;
      default: out += `%${c}`;
    }
  }
  return out;
}

function dayOfYear(d: Date): number {
  // Calendar days since 1 January of the same year, counted in UTC so a DST change does not shift them.
  return Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** tcpdump's getWflagChars: the digits of the largest file number, N - 1 (0 for -W 1 or no -W). */
export function suffixWidth(files: number): number {
  let chars = 0;
  for (let x = files - 1; x > 0; x = Math.floor(x / 10)) chars++;
  return chars;
}

/**
 * One rotated file's name. `slotStartSec` is the start of its -G interval (null
 * without -G); `index` is its -C file number (null without -C).
 */
export function rotatedName(pattern: string, slotStartSec: number | null, index: number | null, width: number): string {
  const base = slotStartSec === null ? pattern : strftime(pattern, slotStartSec);
  if (index === null || (index === 0 && width === 0)) return base;
  return base + pad(index, width);
}
