/** Time-stamp prefixes like tcpdump's -t, -tt, -ttt, -tttt, -ttttt (util-print.c ts_print). */
import { type ByteSink, StringSink } from './sink.js';
export type TimeMode = 'default' | 't' | 'tt' | 'ttt' | 'tttt' | 'ttttt';

/**
 * What tcpdump 4.99.3 prints for a time stamp it cannot show (util-print.c):
 * a time whose low 32 bits have the top bit set — `(unsigned)sec & 0x80000000`,
 * so 2038 and later in a classic pcap, a negative one, or one an if_tsoffset
 * pushed past — or one gmtime()/localtime() cannot convert (a year past an int).
 */
export const TIME_ERROR = '[Error converting time]';

/**
 * `(unsigned)sec`: the low 32 bits of the seconds. Past 2^53 a double no
 * longer holds every second (an if_tsoffset hundreds of millions of years
 * off): those low bits are unknown, and such a stamp counts as one tcpdump
 * cannot convert (returned as 2^31, which has the top bit set).
 */
function low32(sec: number): number {
  if (sec >= 0 && sec < 4294967296) return sec;
  if (!Number.isSafeInteger(sec)) return 2147483648;
  const r = sec % 4294967296;
  return r < 0 ? r + 4294967296 : r;
}

/** Date's range: ±8.64e15 ms. */
const DATE_LIMIT_SEC = 8.64e12;

export class TimeFormatter {
  private prevSec = -1;
  private prevNsec = 0;
  private firstSec = -1;
  private firstNsec = 0;
  private started = false;
  private cachedSec = -1;
  private cachedText = '';
  private cachedTime = '';
  private cachedOk = false;
  private readonly digits: number;
  private readonly unitsPerSec: number;

  constructor(readonly mode: TimeMode, readonly nano: boolean, readonly utc = false) {
    this.digits = nano ? 9 : 6;
    this.unitsPerSec = nano ? 1e9 : 1e6;
  }

  /**
   * The common modes written straight into a byte sink (no string per packet);
   * false for the modes that keep state or are rare (the caller then uses format()).
   */
  writeTo(out: { ascii(s: string): void; byte(c: number): void; decPad(n: number, width: number): void; dec(n: number): void }, sec: number, nsec: number): boolean {
    if (nsec < 0 || nsec >= 1e9) return false;
    if (!(sec >= 0 && sec < 2147483648)) return false; // tcpdump's error text, or a year Date cannot hold: format()
    const digits = this.digits, v = this.nano ? nsec : Math.floor(nsec / 1000);
    switch (this.mode) {
      case 't': return true;
      case 'tt': out.dec(sec); break;
      case 'tttt': out.ascii(this.date(sec, true)!); break;
      case 'default': out.ascii(this.date(sec, false)!); break;
      default: return false;
    }
    out.byte(46);
    out.decPad(v, digits);
    out.byte(32);
    return true;
  }

  /**
   * The origin of since-first times (-ttttt): the first frame of the capture,
   * given by the pipeline before any table row is formatted; without it, the
   * first time formatted is the origin, as in a packet listing.
   */
  origin(sec: number, nsec: number): void {
    if (this.mode !== 'ttttt' || this.started) return;
    this.started = true;
    this.firstSec = sec; this.firstNsec = nsec;
  }

  /** A time stamp as a table cell: format() without its padding; '' when times are off (-t). */
  cell(sec: number, nsec: number): string {
    return this.format(sec, nsec).trim();
  }

  format(sec: number, nsec: number): string {
    switch (this.mode) {
      case 't': return '';
      case 'tt': { // ts_unix_print: (unsigned)sec
        const low = low32(sec);
        return low >= 2147483648 ? TIME_ERROR : `${low}.${this.frac(nsec)}`;
      }
      case 'ttt': {
        const out = !this.started ? this.delta(0, 0) : this.between(sec, nsec, this.prevSec, this.prevNsec);
        this.started = true;
        this.prevSec = sec; this.prevNsec = nsec;
        return out;
      }
      case 'ttttt': {
        if (!this.started) { this.started = true; this.firstSec = sec; this.firstNsec = nsec; }
        return this.between(sec, nsec, this.firstSec, this.firstNsec);
      }
      default: {
        const d = this.date(sec, this.mode === 'tttt');
        return d === null ? TIME_ERROR : `${d}.${this.frac(nsec)}`;
      }
    }
  }

  /**
   * The sub-second field in the shown precision (µs unless --nano), as libpcap
   * hands it to tcpdump: nanoseconds are cut to whole microseconds first.
   */
  private units(nsec: number): number {
    return this.nano ? nsec : Math.floor(nsec / 1000);
  }

  /** ts_frac_print: the field zero-padded; a value past a second (a damaged file) is printed as it is and flagged. */
  private frac(nsec: number): string {
    const v = this.units(nsec);
    const s = String(v).padStart(this.digits, '0');
    return v < this.unitsPerSec ? s : `${s} (invalid ${this.nano ? 'ns' : 'us'})`;
  }

  /** The delta from a reference; unknown (tcpdump's error text) when either stamp is past what a double holds to the second. */
  private between(sec: number, nsec: number, refSec: number, refNsec: number): string {
    if (!Number.isSafeInteger(sec) || !Number.isSafeInteger(refSec)) return ' ' + TIME_ERROR;
    return this.delta(sec - refSec, this.units(nsec) - this.units(refNsec));
  }

  /**
   * A difference of (seconds, sub-second units) as tcpdump's -ttt and -ttttt
   * show it: netdissect_timevalsub of the later minus the earlier, "-" before
   * it when the packet is earlier than the reference (" " otherwise), then
   * ts_date_hmsfrac_print in UTC: the difference's time of day (a day or
   * more wraps, as gmtime's %H does), or tcpdump's error text.
   */
  private delta(sec: number, units: number): string {
    const per = this.unitsPerSec;
    if (units < 0) { sec -= 1; units += per; }
    const neg = sec < 0;
    if (neg) { sec = -sec - 1; units = per - units; if (units === per) { units = 0; sec++; } }
    const sign = neg ? '-' : ' ';
    if (low32(sec) >= 2147483648) return sign + TIME_ERROR;
    const t = sec % 86400;
    const h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t % 60;
    return `${sign}${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(units).padStart(this.digits, '0')}`;
  }

  /** "HH:MM:SS" (or "YYYY-MM-DD HH:MM:SS") of sec in local time (UTC with utc), or null where tcpdump 4.99.3 prints TIME_ERROR. */
  private date(sec: number, withDay: boolean): string | null {
    if (sec !== this.cachedSec) {
      this.cachedSec = sec;
      this.cachedOk = false;
      if (low32(sec) >= 2147483648) return null;
      let hms: string, day: string;
      if (Math.abs(sec) <= DATE_LIMIT_SEC) {
        const d = new Date(sec * 1000);
        hms = this.utc
          ? `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
          : `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
        day = this.utc
          ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
          : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
      } else {
        // Past Date's range (an if_tsoffset far off) gmtime still converts, up to a year that fits an
        // int: the proleptic Gregorian calendar by arithmetic, local time with the offset at Date's edge.
        const edge = new Date(Math.sign(sec) * DATE_LIMIT_SEC * 1000);
        const local = this.utc ? sec : sec - edge.getTimezoneOffset() * 60;
        const days = Math.floor(local / 86400);
        const t = local - days * 86400;
        const [y, mo, dd] = civilFromDays(days);
        if (y - 1900 > 2147483647 || y - 1900 < -2147483648) return null; // gmtime: EOVERFLOW
        hms = `${pad2(Math.floor(t / 3600))}:${pad2(Math.floor(t / 60) % 60)}:${pad2(Math.floor(t % 60))}`;
        day = `${y}-${pad2(mo)}-${pad2(dd)}`;
      }
      this.cachedText = `${day} ${hms}`;
      this.cachedTime = hms;
      this.cachedOk = true;
    }
    if (!this.cachedOk) return null;
    return withDay ? this.cachedText : this.cachedTime;
  }
}

/** Days since 1970-01-01 → [year, month, day] in the proleptic Gregorian calendar (H. Hinnant's civil_from_days). */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Seconds rounded to whole nanoseconds (the JSON views' durations). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/**
 * The contract's time stamp, epoch seconds with exactly 9 decimals, written
 * into a sink (the caller has reserved 64 bytes): the one writer of time
 * stamps in records.
 */
export function writeTsString(out: ByteSink, sec: number, nsec: number): void {
  if (!(sec >= 0 && sec <= Number.MAX_SAFE_INTEGER) || nsec < 0 || nsec >= 1e9) { writeOddTs(out, sec, nsec); return; }
  out.dec(sec);
  out.byte(46);
  out.decPad(nsec, 9);
}

/** Negative, past 2^53 (an if_tsoffset far off) or a damaged sub-second field. */
function writeOddTs(out: ByteSink, sec: number, nsec: number): void {
  if (!Number.isFinite(sec) || !Number.isFinite(nsec)) { out.ascii('0.000000000'); return; } // never reached from a reader; JSON stays valid
  if (nsec >= 1e9 || nsec < 0) {
    // Out-of-range sub-second fields (a damaged file): carry into seconds.
    sec += Math.floor(nsec / 1e9);
    nsec = ((nsec % 1e9) + 1e9) % 1e9;
  }
  const n = String(nsec);
  out.ascii(String(sec));
  out.byte(46);
  out.ascii('000000000'.slice(n.length));
  out.ascii(n);
}

const tsSink = new StringSink(256);

/** writeTsString as a string (tests, and reports that show the contract's stamp). */
export function tsString(sec: number, nsec: number): string {
  tsSink.reserve(64);
  writeTsString(tsSink, sec, nsec);
  return tsSink.take();
}

/** A duration in seconds rounded to nanoseconds, as JSON.stringify writes Math.round(x * 1e9) / 1e9. */
export function writeSeconds(out: ByteSink, x: number): void {
  const k = Math.round(x * 1e9);
  if (k === 0) { out.byte(48); return; }
  // Below 1 µs JavaScript switches to exponent notation, past 2^53 digits are not exact, and
  // negative durations (time stamps out of order) are rare: String() writes those.
  if (k < 1000 || k > 9e15) { out.ascii(String(k / 1e9)); return; }
  const whole = Math.floor(k / 1e9);
  let frac = k - whole * 1e9;
  out.dec(whole);
  if (frac === 0) return;
  let width = 9;
  while (frac % 10 === 0) { frac /= 10; width--; }
  out.byte(46);
  out.decPad(frac, width);
}
