/**
 * The `arp --json` records (shared/spec/CONTRACT.md `arp --json`, plus
 * `proto`): a binding, a conflict, an unanswered address, a sighting
 * (gratuitous, probe or announcement, unsolicited reply), and the note that
 * the table evicted addresses. Each writer writes one record without its
 * newline (the report holds records in a spill and ends the lines); the
 * caller has reserved arpRecordRoom(). Addresses are formatted from bytes and
 * numbers only, so nothing from a packet is written raw.
 */
import {
  ArpMsg, ArpProto, MAX_PER_ADDRESS, ProbeKind, SightingList,
  type ArpAddress, type ArpBinding, type ArpConflict, type ArpSighting,
} from '../track/arp-table.js';
import { ipv6At, macNum } from './addr.js';
import { addrText } from './events.js';
import type { ByteSink } from './sink.js';
import { writeSeconds, writeTsString } from './time.js';

/** Room a record needs: fixed fields, plus one quoted address per asker of an unanswered one. */
export function arpRecordRoom(e: ArpAddress | null): number {
  return 1024 + 48 * (e?.askedBy?.length ?? 0);
}

function head(out: ByteSink, type: string, e: ArpAddress): void {
  out.ascii('{"type":"'); out.ascii(type);
  out.ascii(e.proto === ArpProto.ndp ? '","proto":"ndp","ip":"' : '","proto":"arp","ip":"');
  out.ascii(addrText(e));
  out.byte(34);
}

function ts(out: ByteSink, key: string, sec: number, nsec: number): void {
  out.ascii(key); writeTsString(out, sec, nsec); out.byte(34);
}

export function writeArpConflict(out: ByteSink, c: ArpConflict): void {
  head(out, 'arp-conflict', c.addr);
  out.ascii(',"macs":["'); out.ascii(macNum(c.first.mac)); out.ascii('","'); out.ascii(macNum(c.second.mac)); out.ascii('"]');
  ts(out, ',"firstTs":"', c.first.firstSec, c.first.firstNsec);
  ts(out, ',"conflictTs":"', c.conflictSec, c.conflictNsec);
  out.ascii(',"count":'); out.dec(c.count);
  out.byte(125);
}

export function writeArpBinding(out: ByteSink, b: ArpBinding): void {
  head(out, 'arp-binding', b.addr);
  out.ascii(',"mac":"'); out.ascii(macNum(b.mac)); out.byte(34);
  ts(out, ',"firstTs":"', b.firstSec, b.firstNsec);
  ts(out, ',"lastTs":"', b.lastSec, b.lastNsec);
  out.ascii(',"answered":'); out.dec(b.answered);
  if (b.rtt >= 0) { out.ascii(',"rtt":'); writeSeconds(out, b.rtt); }
  out.byte(125);
}

export function writeArpUnanswered(out: ByteSink, e: ArpAddress): void {
  head(out, 'arp-unanswered', e);
  out.ascii(',"requests":'); out.dec(e.pending);
  ts(out, ',"firstTs":"', e.pendingFirstSec, e.pendingFirstNsec);
  ts(out, ',"lastTs":"', e.pendingLastSec, e.pendingLastNsec);
  out.ascii(',"askedBy":[');
  const list = e.askedBy ?? [];
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    out.ascii(i ? ',"' : '"');
    if (typeof x === 'number') out.ipv4(x); else out.ascii(ipv6At(x as Buffer, 0));
    out.byte(34);
  }
  out.byte(93);
  if (e.askedByMore > 0) { out.ascii(',"askedByMore":'); out.dec(e.askedByMore); }
  out.byte(125);
}

export function writeArpSighting(out: ByteSink, x: ArpSighting): void {
  head(out, x.list === SightingList.unsolicited ? 'arp-unsolicited-reply' : x.list === SightingList.gratuitous ? 'arp-gratuitous' : 'arp-probe', x.addr);
  out.ascii(',"mac":"'); out.ascii(macNum(x.mac)); out.byte(34);
  if (x.list === SightingList.gratuitous) out.ascii(x.kind === ArpMsg.request ? ',"op":"request"' : ',"op":"reply"');
  else if (x.list === SightingList.probes) out.ascii(x.kind === ProbeKind.probe ? ',"kind":"probe"' : ',"kind":"announcement"');
  ts(out, ',"ts":"', x.firstSec, x.firstNsec);
  ts(out, ',"lastTs":"', x.lastSec, x.lastNsec);
  out.ascii(',"count":'); out.dec(x.count);
  out.byte(125);
}

/** The table let `addresses` go (of at most `maxAddresses`) and retired `retired` records. */
export function writeArpEvicted(out: ByteSink, addresses: number, maxAddresses: number, retired: number): void {
  out.ascii('{"type":"arp-evicted","addresses":'); out.dec(addresses);
  out.ascii(',"maxAddresses":'); out.dec(maxAddresses);
  out.ascii(',"retired":'); out.dec(retired);
  out.ascii(',"maxPerAddress":'); out.dec(MAX_PER_ADDRESS);
  out.byte(125);
}
