/** Time-stamp prefixes like tcpdump's -t, -tt, -ttt, -tttt, -ttttt (util-print.c ts_print). */
import type { Output } from '../cli/output.js';
export type TimeMode = 'default' | 't' | 'tt' | 'ttt' | 'tttt' | 'ttttt';

export class TimeFormatter {
  private prevSec = -1;
  private prevNsec = 0;
  private firstSec = -1;
  private firstNsec = 0;
  private cachedSec = -1;
  private cachedText = '';
  private cachedTime = '';
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
    const digits = this.digits, v = this.nano ? nsec : Math.floor(nsec / 1000);
    switch (this.mode) {
      case 't': return true;
      case 'tt': out.dec(sec); break;
      case 'tttt': out.ascii(this.date(sec, true)); break;
      case 'default': out.ascii(this.date(sec, false)); break;
      default: return false;
    }
    out.byte(46);
    out.decPad(v, digits);
    out.byte(32);
    return true;
  }

  format(sec: number, nsec: number): string {
    switch (this.mode) {
      case 't': return '';
      case 'tt': return `${sec}.${this.frac(nsec)}`;
      case 'ttt': {
        const out = this.prevSec < 0 ? this.delta(0, 0) : this.delta(sec - this.prevSec, this.units(nsec) - this.units(this.prevNsec));
        this.prevSec = sec; this.prevNsec = nsec;
        return out;
      }
      case 'ttttt': {
        if (this.firstSec < 0) { this.firstSec = sec; this.firstNsec = nsec; }
        return this.delta(sec - this.firstSec, this.units(nsec) - this.units(this.firstNsec));
      }
      case 'tttt': return `${this.date(sec, true)}.${this.frac(nsec)}`;
      default: return `${this.date(sec, false)}.${this.frac(nsec)}`;
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

  /** A difference of (seconds, sub-second units), as tcpdump's netdissect_timevalsub and ts_date_hmsfrac_print show it. */
  private delta(sec: number, units: number): string {
    const per = this.unitsPerSec;
    if (units < 0) { sec -= 1; units += per; }
    const neg = sec < 0;
    if (neg) { sec = -sec - 1; units = per - units; if (units === per) { units = 0; sec++; } }
    const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
    return ` ${neg ? '-' : ''}${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(units).padStart(this.digits, '0')}`;
  }

  private date(sec: number, withDay: boolean): string {
    if (sec !== this.cachedSec) {
      const d = new Date(sec * 1000);
      const hms = this.utc
        ? `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
        : `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
      const day = this.utc
        ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
        : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
      this.cachedSec = sec;
      this.cachedText = `${day} ${hms}`;
      this.cachedTime = hms;
    }
    return withDay ? this.cachedText : this.cachedTime;
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The contract's time stamp: epoch seconds with exactly 9 decimals, as a string. */
export function tsString(sec: number, nsec: number): string {
  if (nsec >= 1e9 || nsec < 0) {
    // Out-of-range sub-second fields (a damaged file): carry into seconds.
    sec += Math.floor(nsec / 1e9);
    nsec = ((nsec % 1e9) + 1e9) % 1e9;
  }
  const n = String(nsec);
  return `${sec}.${'000000000'.slice(n.length)}${n}`;
}

/** Seconds rounded to whole nanoseconds (the JSON views' durations). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** tsString(sec, nsec) written into a byte output. */
export function writeTsString(out: Output, sec: number, nsec: number): void {
  if (sec < 0 || nsec < 0 || nsec >= 1e9) { out.ascii(tsString(sec, nsec)); return; }
  out.dec(sec);
  out.byte(46);
  out.decPad(nsec, 9);
}

/** A duration in seconds rounded to nanoseconds, as JSON.stringify writes Math.round(x * 1e9) / 1e9. */
export function writeSeconds(out: Output, x: number): void {
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
