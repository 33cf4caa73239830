/**
 * What netlens adds after tcpdump's text on a line: the ARP/ND conflict the
 * frame caused, the analysis flags (`[retransmission]`), and the state changes
 * it caused (`(client SYN_SENT → ESTABLISHED)`). Written byte by byte without
 * colour; through the palette with it.
 */
import { Analysis, AnalysisNames, EventKind, type Tracker } from '../track/tracker.js';
import type { ArpTable } from '../track/arp-table.js';
import { arpConflictText, eventText } from '../encode/events.js';
import type { Palette } from '../encode/palette.js';
import type { ByteSink } from '../encode/sink.js';
import { glyphs } from '../encode/glyphs.js';

const ARROW = Buffer.from(' → ');
const ASCII_ARROW = Buffer.from(' -> ');

/** Whether analysis flag i is shown: a plain retransmission is not when it is a fast or spurious one. */
function shown(a: number, i: number): boolean {
  return (a & (1 << i)) !== 0 && !(i === 0 && (a & (Analysis.FAST_RETRANSMISSION | Analysis.SPURIOUS_RETRANSMISSION)) !== 0);
}

export function writeAnnotations(out: ByteSink, t: Tracker, p: Palette, colour: boolean, arp: ArpTable | null): void {
  if (arp !== null && arp.conflict !== null) out.text(' ' + p.warn(`(${arpConflictText(arp)})`));
  const a = t.analysis;
  if (a !== 0) {
    if (colour) {
      let names = '';
      for (let i = 0; i < AnalysisNames.length; i++) if (shown(a, i)) names += (names ? ' ' : '') + AnalysisNames[i];
      out.text(' ' + p.analysis(`[${names}]`));
    } else {
      out.reserve(512); // every name fits: about 330 bytes
      out.ascii(' [');
      let first = true;
      for (let i = 0; i < AnalysisNames.length; i++) {
        if (!shown(a, i)) continue;
        if (!first) out.byte(32);
        first = false;
        out.ascii(AnalysisNames[i]!);
      }
      out.byte(93);
    }
  }
  const c = t.conn;
  if (t.eventCount === 0 || c === null) return;
  if (colour) {
    let ev = '';
    for (let i = 0; i < t.eventCount; i++) ev += (i ? '; ' : '') + eventText(t, i, c, true);
    out.text(' ' + p.event(`(${ev})`));
    return;
  }
  out.reserve(4);
  out.ascii(' (');
  for (let i = 0; i < t.eventCount; i++) {
    if (t.eventKind[i] === EventKind.STATE) {
      out.reserve(128); // a state change's text is short: two state names
      if (i > 0) out.ascii('; ');
      out.ascii(t.eventSide[i] === c.clientSide ? 'client ' : 'server ');
      out.ascii(t.eventFrom[i] ?? 'none');
      out.bytes(glyphs().ascii ? ASCII_ARROW : ARROW);
      out.ascii(t.eventTo[i]!);
    } else {
      if (i > 0) out.text('; ');
      out.text(eventText(t, i, c, true));
    }
  }
  out.reserve(1);
  out.byte(41);
}
