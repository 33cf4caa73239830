/**
 * `netlens arp`: the ARP / neighbour-discovery table and findings as NDJSON
 * records (shared/spec/CONTRACT.md `arp --json`, plus `proto` and the fields
 * below) or as a human report, conflicts first. Also the per-frame conflict
 * words for the line and packet-JSON views. Addresses are formatted from
 * bytes and numbers only, so nothing from a packet reaches the terminal raw.
 */
import {
  ArpMsg, ArpProto, ProbeKind,
  type ArpAddress, type ArpBinding, type ArpConflict, type ArpSighting, type ArpTable,
} from '../track/arp-table.js';
import { ipv4, ipv6At } from './addr.js';
import { formatDuration } from './events.js';
import type { Palette } from './palette.js';
import { type TimeFormatter, tsString } from './time.js';

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/** A 48-bit MAC held as a number → aa:bb:cc:dd:ee:ff. */
export function macNum(m: number): string {
  const hi = Math.floor(m / 0x1_0000_0000), lo = m >>> 0;
  return `${HEX2[hi >>> 8]}:${HEX2[hi & 255]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 255]}:${HEX2[(lo >>> 8) & 255]}:${HEX2[lo & 255]}`;
}

export function addrText(e: ArpAddress): string {
  return e.v6 === null ? ipv4(e.v4) : ipv6At(e.v6 as Buffer, 0);
}

function protoName(e: ArpAddress): string {
  return e.proto === ArpProto.ndp ? 'ndp' : 'arp';
}

function askerText(x: number | Uint8Array): string {
  return typeof x === 'number' ? ipv4(x) : ipv6At(x as Buffer, 0);
}

// ------------------------------------------------------------------ per frame

/** The line view's annotation for the conflict this frame caused ('' when none). */
export function arpConflictText(arp: ArpTable | null): string {
  const c = arp?.conflict;
  if (c === null || c === undefined) return '';
  return `${c.addr.proto === ArpProto.ndp ? 'ND' : 'ARP'} conflict: ${addrText(c.addr)} was ${macNum(arp!.conflictWas)}, now ${macNum(c.addr.current!.mac)}`;
}

// ------------------------------------------------------------------ NDJSON

function conflictJson(c: ArpConflict): string {
  return `{"type":"arp-conflict","proto":"${protoName(c.addr)}","ip":"${addrText(c.addr)}","macs":["${macNum(c.first.mac)}","${macNum(c.second.mac)}"],`
    + `"firstTs":"${tsString(c.first.firstSec, c.first.firstNsec)}","conflictTs":"${tsString(c.conflictSec, c.conflictNsec)}","count":${c.count}}`;
}

function bindingJson(b: ArpBinding): string {
  let s = `{"type":"arp-binding","proto":"${protoName(b.addr)}","ip":"${addrText(b.addr)}","mac":"${macNum(b.mac)}",`
    + `"firstTs":"${tsString(b.firstSec, b.firstNsec)}","lastTs":"${tsString(b.lastSec, b.lastNsec)}","answered":${b.answered}`;
  if (b.rtt >= 0) s += `,"rtt":${Math.round(b.rtt * 1e9) / 1e9}`;
  return s + '}';
}

function unansweredJson(e: ArpAddress): string {
  let s = `{"type":"arp-unanswered","proto":"${protoName(e)}","ip":"${addrText(e)}","requests":${e.pending},`
    + `"firstTs":"${tsString(e.pendingFirstSec, e.pendingFirstNsec)}","lastTs":"${tsString(e.pendingLastSec, e.pendingLastNsec)}","askedBy":[`;
  const list = e.askedBy ?? [];
  for (let i = 0; i < list.length; i++) s += (i ? ',"' : '"') + askerText(list[i]!) + '"';
  s += ']';
  if (e.askedByMore > 0) s += `,"askedByMore":${e.askedByMore}`;
  return s + '}';
}

function sightingJson(type: string, x: ArpSighting, extra: string): string {
  return `{"type":"${type}","proto":"${protoName(x.addr)}","ip":"${addrText(x.addr)}","mac":"${macNum(x.mac)}"${extra},`
    + `"ts":"${tsString(x.firstSec, x.firstNsec)}","lastTs":"${tsString(x.lastSec, x.lastNsec)}","count":${x.count}}`;
}

/** Every record, one NDJSON line each: conflicts, bindings, unanswered requests, unsolicited replies, gratuitous, probes. */
export function arpJsonLines(t: ArpTable): string[] {
  const out: string[] = [];
  for (const c of t.conflicts) out.push(conflictJson(c));
  for (const b of t.bindings()) out.push(bindingJson(b));
  for (const e of t.unanswered()) out.push(unansweredJson(e));
  for (const x of t.unsolicited) out.push(sightingJson('arp-unsolicited-reply', x, ''));
  for (const x of t.gratuitous) out.push(sightingJson('arp-gratuitous', x, `,"op":"${x.kind === ArpMsg.request ? 'request' : 'reply'}"`));
  for (const x of t.probes) out.push(sightingJson('arp-probe', x, `,"kind":"${x.kind === ProbeKind.probe ? 'probe' : 'announcement'}"`));
  return out;
}

// ------------------------------------------------------------------ human report

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function times(n: number): string {
  return n > 1 ? ` (×${n})` : '';
}

/** The human report: conflicts (in the warning colour), the table, then the other findings. */
export function arpReport(t: ArpTable, p: Palette, time: TimeFormatter): string[] {
  const out: string[] = [];
  const ts = (sec: number, nsec: number): string => time.format(sec, nsec).trim();
  if (t.conflicts.length > 0) {
    out.push(p.warn(`Conflicts (${t.conflicts.length})`));
    for (const c of t.conflicts) {
      out.push('  ' + p.warn(`${addrText(c.addr)} claimed by ${macNum(c.first.mac)} (since ${ts(c.first.firstSec, c.first.firstNsec)})`
        + ` and ${macNum(c.second.mac)} (from ${ts(c.conflictSec, c.conflictNsec)})`) + ` ${protoName(c.addr)}${times(c.count)}`);
    }
    out.push('');
  }

  const bindings = t.bindings();
  out.push(p.bold(`Bindings (${bindings.length})`));
  if (bindings.length > 0) {
    const rows = bindings.map((b) => [
      addrText(b.addr), macNum(b.mac), protoName(b.addr), ts(b.firstSec, b.firstNsec), ts(b.lastSec, b.lastNsec),
      b.answered > 0 ? `${b.answered} answered${b.rtt >= 0 ? `, ${formatDuration(b.rtt)}` : ''}` : '',
    ]);
    const head = ['address', 'mac', 'proto', 'first seen', 'last seen', 'replies'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    out.push('  ' + p.dim(head.map((h, i) => pad(h, w[i]!)).join('  ').trimEnd()));
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      const conflicted = bindings[k]!.addr.conflicts !== null;
      const ip = conflicted ? p.warn(pad(r[0]!, w[0]!)) : p.addr(pad(r[0]!, w[0]!));
      out.push(('  ' + ip + '  ' + r.slice(1).map((c, i) => pad(c, w[i + 1]!)).join('  ')).trimEnd());
    }
  }

  const unanswered = t.unanswered();
  if (unanswered.length > 0) {
    out.push('', p.bold(`Unanswered requests (${unanswered.length})`));
    for (const e of unanswered) {
      const askers = (e.askedBy ?? []).map(askerText).join(', ') + (e.askedByMore > 0 ? ` and ${e.askedByMore} more` : '');
      out.push('  ' + p.analysis(`${addrText(e)} ${e.pending} request${e.pending === 1 ? '' : 's'}`)
        + ` ${protoName(e)}, ${ts(e.pendingFirstSec, e.pendingFirstNsec)} … ${ts(e.pendingLastSec, e.pendingLastNsec)}, asked by ${askers}`);
    }
  }
  if (t.unsolicited.length > 0) {
    out.push('', p.bold(`Unsolicited replies (${t.unsolicited.length})`));
    for (const x of t.unsolicited) out.push(`  ${addrText(x.addr)} is-at ${macNum(x.mac)} ${protoName(x.addr)}, ${ts(x.firstSec, x.firstNsec)}${times(x.count)}`);
  }
  if (t.gratuitous.length > 0) {
    out.push('', p.bold(`Gratuitous (${t.gratuitous.length})`));
    for (const x of t.gratuitous) {
      out.push(`  ${x.kind === ArpMsg.request ? 'request' : 'reply  '} ${addrText(x.addr)} is-at ${macNum(x.mac)} ${protoName(x.addr)}, ${ts(x.firstSec, x.firstNsec)}${times(x.count)}`);
    }
  }
  if (t.probes.length > 0) {
    out.push('', p.bold(`Probes and announcements (${t.probes.length})`));
    for (const x of t.probes) {
      out.push(`  ${x.kind === ProbeKind.probe ? 'probe       ' : 'announcement'} ${addrText(x.addr)} from ${macNum(x.mac)} ${protoName(x.addr)}, ${ts(x.firstSec, x.firstNsec)}${times(x.count)}`);
    }
  }
  if (t.overflow > 0) out.push('', p.warn(`${t.overflow} messages about new addresses ignored: table full`));
  return out;
}
