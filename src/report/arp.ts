/**
 * `netlens arp`: the ARP / neighbour-discovery table and findings as NDJSON
 * records (shared/spec/CONTRACT.md `arp --json`, plus `proto` and the fields
 * below) or as a human report, conflicts first. Also the per-frame conflict
 * words for the line and packet-JSON views. Addresses are formatted from
 * bytes and numbers only, so nothing from a packet reaches the terminal raw.
 *
 * Bounded: the table holds at most its maxAddresses (src/track/arp-table.ts);
 * an ArpReport takes the records of each address the table evicts (and each
 * record it retires) when that happens, formatted, into one SortedSpill per
 * section (in memory up to a bound, then a temporary file), and the addresses
 * still held at the end; each section then comes out in its order. The
 * report says how many addresses were evicted.
 */
import {
  ArpMsg, ArpProto, MAX_PER_ADDRESS, ProbeKind, SightingList,
  type ArpAddress, type ArpBinding, type ArpConflict, type ArpRecord, type ArpSighting, type ArpTable,
} from '../track/arp-table.js';
import { ipv4, ipv6At, macNum } from '../encode/addr.js';
import { addrText } from '../encode/events.js';
import { formatDuration } from '../encode/events.js';
import { noColor as noColorPalette, type Palette } from '../encode/palette.js';
import { DEFAULT_SPILL_MEMORY, SortedSpill } from './spill.js';
import type { TimeFormatter } from '../encode/time.js';
import { glyphs } from '../encode/glyphs.js';
import { StringSink } from '../encode/sink.js';
import { arpRecordRoom, writeArpBinding, writeArpConflict, writeArpEvicted, writeArpSighting, writeArpUnanswered } from '../encode/arp-records.js';

function protoName(e: ArpAddress): string {
  return e.proto === ArpProto.ndp ? 'ndp' : 'arp';
}

function askerText(x: number | Uint8Array): string {
  return typeof x === 'number' ? ipv4(x) : ipv6At(x as Buffer, 0);
}

// ------------------------------------------------------------------ per frame

// ------------------------------------------------------------------ NDJSON

// Records are held as text in the spills: written by encode/arp-records.ts into one string sink.
const recordSink = new StringSink();

function conflictJson(c: ArpConflict): string {
  recordSink.reserve(arpRecordRoom(c.addr)); writeArpConflict(recordSink, c); return recordSink.take();
}

function bindingJson(b: ArpBinding): string {
  recordSink.reserve(arpRecordRoom(b.addr)); writeArpBinding(recordSink, b); return recordSink.take();
}

function unansweredJson(e: ArpAddress): string {
  recordSink.reserve(arpRecordRoom(e)); writeArpUnanswered(recordSink, e); return recordSink.take();
}

function sightingJson(x: ArpSighting): string {
  recordSink.reserve(arpRecordRoom(x.addr)); writeArpSighting(recordSink, x); return recordSink.take();
}

// ------------------------------------------------------------------ human report

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function times(n: number): string {
  return n > 1 ? ` (${glyphs().times}${n})` : '';
}

const BINDING_HEAD = ['address', 'mac', 'proto', 'first seen', 'last seen', 'replies'];

// ------------------------------------------------------------------ the report, bounded

/** Sections in the order they are written; S.unsolicited and after follow SightingList's order. */
const S = { conflicts: 0, bindings: 1, unanswered: 2, unsolicited: 3, gratuitous: 4, probes: 5 } as const;
const SIGHTING_SECTION = [S.gratuitous, S.probes, S.unsolicited];

/**
 * The arp view's records, gathered as addresses leave the table (onEvict,
 * onRetire) and at the end (the addresses still held), written out section
 * by section in their order. Text or NDJSON, as `json` says.
 */
export class ArpReport {
  private readonly sections: SortedSpill[] = [];
  /** The bindings table's column widths (text), as they grow. */
  private readonly widths = BINDING_HEAD.map((h) => h.length);
  private evicted = 0;
  private retired = 0;
  private max = 0;

  /** `memLimit`: each of the six sections' memory before it spills (a quarter of a spill's default). */
  constructor(private readonly json: boolean, private readonly p: Palette, private readonly time: TimeFormatter | null,
    memLimit = DEFAULT_SPILL_MEMORY >> 2) {
    for (let i = 0; i < 6; i++) this.sections.push(new SortedSpill(memLimit));
  }

  /** Takes what `t` evicts and retires from now on. */
  watch(t: ArpTable): void {
    t.onEvict = (e) => this.address(e);
    t.onRetire = (r) => this.record(r);
  }

  private ts(sec: number, nsec: number): string {
    return this.time!.format(sec, nsec).trim();
  }

  /** Every record of one address. */
  address(e: ArpAddress): void {
    for (const b of e.bindings) this.binding(b);
    if (e.conflicts !== null) for (const c of e.conflicts) this.conflict(c);
    if (e.sightings !== null) for (const x of e.sightings) this.sighting(x);
    if (e.pending > 0) this.unanswered(e);
  }

  record(r: ArpRecord): void {
    if (r.kind === 'binding') this.binding(r.binding);
    else if (r.kind === 'conflict') this.conflict(r.conflict);
    else this.sighting(r.sighting);
  }

  private conflict(c: ArpConflict): void {
    const text = this.json ? conflictJson(c)
      : '  ' + this.p.warn(`${addrText(c.addr)} claimed by ${macNum(c.first.mac)} (since ${this.ts(c.first.firstSec, c.first.firstNsec)})`
        + ` and ${macNum(c.second.mac)} (from ${this.ts(c.conflictSec, c.conflictNsec)})`) + ` ${protoName(c.addr)}${times(c.count)}`;
    this.sections[S.conflicts]!.push(text, c.seq);
  }

  private binding(b: ArpBinding): void {
    if (this.json) { this.sections[S.bindings]!.push(bindingJson(b), b.seq); return; }
    // The cells, laid out at the end (the columns are as wide as their widest cell); first a flag: the address had a conflict.
    const cells = [
      addrText(b.addr), macNum(b.mac), protoName(b.addr), this.ts(b.firstSec, b.firstNsec), this.ts(b.lastSec, b.lastNsec),
      b.answered > 0 ? `${b.answered} answered${b.rtt >= 0 ? `, ${formatDuration(b.rtt)}` : ''}` : '',
    ];
    const w = this.widths;
    for (let i = 0; i < cells.length; i++) if (cells[i]!.length > w[i]!) w[i] = cells[i]!.length;
    this.sections[S.bindings]!.push((b.addr.conflicts !== null ? '1' : '0') + '\0' + cells.join('\0'), b.seq);
  }

  private unanswered(e: ArpAddress): void {
    let text: string;
    if (this.json) text = unansweredJson(e);
    else {
      const askers = (e.askedBy ?? []).map(askerText).join(', ') + (e.askedByMore > 0 ? ` and ${e.askedByMore} more` : '');
      text = '  ' + this.p.analysis(`${addrText(e)} ${e.pending} request${e.pending === 1 ? '' : 's'}`)
        + ` ${protoName(e)}, ${this.ts(e.pendingFirstSec, e.pendingFirstNsec)} ${glyphs().ellipsis} ${this.ts(e.pendingLastSec, e.pendingLastNsec)}, asked by ${askers}`;
    }
    this.sections[S.unanswered]!.push(text, e.pendingFirstSec, e.pendingFirstNsec, e.seq);
  }

  private sighting(x: ArpSighting): void {
    let text: string;
    if (this.json) text = sightingJson(x);
    else if (x.list === SightingList.unsolicited) text = `  ${addrText(x.addr)} is-at ${macNum(x.mac)} ${protoName(x.addr)}, ${this.ts(x.firstSec, x.firstNsec)}${times(x.count)}`;
    else if (x.list === SightingList.gratuitous) text = `  ${x.kind === ArpMsg.request ? 'request' : 'reply  '} ${addrText(x.addr)} is-at ${macNum(x.mac)} ${protoName(x.addr)}, ${this.ts(x.firstSec, x.firstNsec)}${times(x.count)}`;
    else text = `  ${x.kind === ProbeKind.probe ? 'probe       ' : 'announcement'} ${addrText(x.addr)} from ${macNum(x.mac)} ${protoName(x.addr)}, ${this.ts(x.firstSec, x.firstNsec)}${times(x.count)}`;
    this.sections[SIGHTING_SECTION[x.list]!]!.push(text, x.seq);
  }

  /** The end: the addresses `t` still holds join the evicted ones, and every section is written. */
  finish(t: ArpTable | null, line: (s: string) => void): void {
    if (t !== null) {
      for (const e of t.addresses()) this.address(e);
      this.evicted = t.evicted;
      this.retired = t.retired;
      this.max = t.maxAddresses;
    }
    const [conflicts, bindings, unanswered, unsolicited, gratuitous, probes] = this.sections as [SortedSpill, SortedSpill, SortedSpill, SortedSpill, SortedSpill, SortedSpill];
    if (this.json) {
      for (const sec of this.sections) sec.drain(line);
      if (this.evicted > 0 || this.retired > 0) {
        recordSink.reserve(arpRecordRoom(null));
        writeArpEvicted(recordSink, this.evicted, this.max, this.retired);
        line(recordSink.take());
      }
      return;
    }
    const p = this.p;
    if (conflicts.count > 0) {
      line(p.warn(`Conflicts (${conflicts.count})`));
      conflicts.drain(line);
      line('');
    }
    line(p.bold(`Bindings (${bindings.count})`));
    if (bindings.count > 0) {
      const w = this.widths;
      line('  ' + p.dim(BINDING_HEAD.map((h, i) => pad(h, w[i]!)).join('  ').trimEnd()));
      bindings.drain((rec) => {
        const r = rec.split('\0');
        const conflicted = r[0] === '1';
        const ip = conflicted ? p.warn(pad(r[1]!, w[0]!)) : p.addr(pad(r[1]!, w[0]!));
        let s = '  ' + ip;
        for (let i = 2; i < r.length; i++) s += '  ' + pad(r[i]!, w[i - 1]!);
        line(s.trimEnd());
      });
    }
    const section = (title: string, sec: SortedSpill): void => {
      if (sec.count === 0) return;
      line('');
      line(p.bold(`${title} (${sec.count})`));
      sec.drain(line);
    };
    section('Unanswered requests', unanswered);
    section('Unsolicited replies', unsolicited);
    section('Gratuitous', gratuitous);
    section('Probes and announcements', probes);
    if (this.evicted > 0) {
      line('');
      line(p.warn(`${this.evicted} addresses evicted to keep the table to ${this.max} (the least recently seen first): their records are in the lists above, and an address seen again after its eviction starts over`));
    }
    if (this.retired > 0) {
      line('');
      line(p.warn(`${this.retired} records retired from addresses that had ${MAX_PER_ADDRESS} bindings, conflicts or sightings (the oldest first): in the lists above, but no longer updated`));
    }
  }
}

/** Every record, one NDJSON line each: conflicts, bindings, unanswered requests, unsolicited replies, gratuitous, probes. */
export function arpJsonLines(t: ArpTable): string[] {
  const out: string[] = [];
  new ArpReport(true, noColorPalette, null).finish(t, (l) => out.push(l));
  return out;
}

/** The human report: conflicts (in the warning colour), the table, then the other findings. */
export function arpReport(t: ArpTable, p: Palette, time: TimeFormatter): string[] {
  const out: string[] = [];
  new ArpReport(false, p, time).finish(t, (l) => out.push(l));
  return out;
}
