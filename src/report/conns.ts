/** The human `conns` table: one block per conversation, in id (start) order. */
import { IpProto } from '../decode/constants.js';
import { type Connection, MptcpSubflow } from '../track/tcp/connection.js';
import { ipv4, ipv6Words } from '../encode/addr.js';
import { formatDuration } from '../encode/events.js';
import type { Palette } from '../encode/palette.js';
import { DEFAULT_SPILL_MEMORY, SortedSpill } from './spill.js';
import { round9, type TimeFormatter } from '../encode/time.js';
import { glyphs } from '../encode/glyphs.js';

function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

function mptcpLine(c: Connection, p: Palette): string {
  const token = c.mptcpToken >= 0 ? `token 0x${c.mptcpToken.toString(16).padStart(8, '0')}` : 'token not seen';
  return `    ${p.event(c.mptcp === MptcpSubflow.INITIAL ? `MPTCP initial subflow, ${token}` : `MPTCP subflow joining ${c.mptcpOf >= 0 ? `#${c.mptcpOf}` : 'a connection not captured'}, ${token}`)}`;
}

const v6words = new Uint16Array(8);
function endpointText(c: Connection, side: number): string {
  const a = c.addr, o = side * 4, port = c.port[side]!;
  if (!c.v6) return `${ipv4(a[o + 3]! >>> 0)}:${port}`;
  for (let i = 0; i < 4; i++) { v6words[2 * i] = a[o + i]! >>> 16; v6words[2 * i + 1] = a[o + i]! & 0xffff; }
  return `[${ipv6Words(v6words)}]:${port}`;
}

/** "CLOSED → SYN_SENT → …" of an endpoint's path of states (a capture has few distinct paths; one cache per arrow). */
const pathText = [new Map<string, string>(), new Map<string, string>()];
function statesText(c: Connection, side: number): string {
  const e = c.ep[side]!;
  const g = glyphs();
  const cache = pathText[g.ascii ? 1 : 0]!;
  let s = cache.get(e.path);
  if (s === undefined) {
    s = e.path.length ? e.states.join(` ${g.arrow} `) : '(never seen)';
    if (cache.size < 4096) cache.set(e.path, s);
  }
  return s;
}

/**
 * One conversation's block of the `conns` table, lines joined by '\n', made
 * from the conversation itself: no record object, no time stamp strings (the
 * table shows none), so a table of millions of conversations leaves the
 * garbage collector little to do.
 */
export function connBlockText(c: Connection, p: Palette, time: TimeFormatter | null = null): string {
  const cs = c.clientSide, ss = cs ^ 1;
  const C = c.ep[cs], S = c.ep[ss];
  const tcp = c.proto === IpProto.TCP;
  const head = `${p.bold(`#${c.id}`)} ${tcp ? 'TCP' : 'UDP'} ${p.client(endpointText(c, cs))} ${glyphs().arrow} ${p.server(endpointText(c, ss))}`;
  const at = time === null ? '' : time.cell(c.firstSec, c.firstNsec);
  const when = `${at === '' ? '' : `at ${at} `}for ${formatDuration(round9(c.durationSec()))}`;
  const counts = `${when}, ${C.packets}/${S.packets} pkts, ${bytes(C.bytes)} / ${bytes(S.bytes)}`;
  if (!tcp) return `${head}  ${counts}`;
  const rtt = c.rtt >= 0 ? `, rtt ${formatDuration(round9(c.rtt))}` : '';
  const r = C.retransmissions + S.retransmissions;
  const rx = r ? p.analysis(`, ${r} retransmitted`) : '';
  let s = `${head}  ${p.event(`${c.handshake} / ${c.teardown}`)}  ${c.connState} ${c.history}\n    ${counts}${rtt}${rx}`
    + `\n    client: ${statesText(c, cs)}\n    server: ${statesText(c, ss)}`;
  if (c.mptcp !== MptcpSubflow.NONE) s += '\n' + mptcpLine(c, p);
  return s;
}

/** The table's last line: how many conversations, by pattern, and the retransmitted segments. */
export class ConnsSummary {
  tcp = 0;
  udp = 0;
  retransmissions = 0;
  /** "handshake / teardown" → conversations (a handful of distinct values). */
  private readonly patterns = new Map<string, number>();

  add(c: Connection): void {
    if (c.proto !== IpProto.TCP) { this.udp++; return; }
    this.tcp++;
    this.retransmissions += c.ep[0].retransmissions + c.ep[1].retransmissions;
    const k = `${c.handshake} / ${c.teardown}`;
    this.patterns.set(k, (this.patterns.get(k) ?? 0) + 1);
  }

  /** One line; `filtered`: a filter chose the conversations shown. */
  text(p: Palette, filtered: boolean): string {
    if (this.tcp + this.udp === 0) {
      return p.dim(filtered ? 'no TCP or UDP conversation has a frame matching the filter' : 'no TCP or UDP conversations in this capture');
    }
    const parts: string[] = [];
    if (this.tcp > 0) {
      const byCount = [...this.patterns].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
      parts.push(`${this.tcp} TCP (${byCount.join(', ')})`);
    } else parts.push('no TCP connections');
    if (this.udp > 0) parts.push(`${this.udp} UDP`);
    const rx = this.tcp > 0 ? `; ${this.retransmissions} retransmitted segment${this.retransmissions === 1 ? '' : 's'}` : '';
    return p.dim(`${this.tcp + this.udp} conversation${this.tcp + this.udp === 1 ? '' : 's'}: ${parts.join(', ')}${rx}`);
  }
}

/**
 * The table written as conversations end, in id (start) order. The tracker
 * reports a conversation when it ends, which for most of them is close to id
 * order: each block is written as soon as every lower id has been, and the
 * blocks waiting for a lower id are held, up to 2 MiB of text; past that
 * they go to a sorted spill (src/report/spill.ts: a temporary file)
 * and the rest of the table is merged from it at the end. Memory: the
 * spill's `memLimit` bytes of text, whatever the number of conversations.
 */
export class ConnsTableWriter {
  /** The lowest id not written yet. */
  private next = 0;
  private readonly waiting = new Map<number, string>();
  private waitingBytes = 0;
  private sorted: SortedSpill | null = null;

  /** `write` gets one block at a time: its lines joined by '\n' (no newline at the end). */
  /** Bytes of text held waiting for a lower id before the table goes through the sorted spill. */
  private readonly waitLimit: number;

  /** Counts for the closing line (summaryLine()). */
  readonly summary = new ConnsSummary();

  constructor(private readonly p: Palette, private readonly write: (block: string) => void,
    private readonly memLimit = DEFAULT_SPILL_MEMORY, private readonly time: TimeFormatter | null = null) {
    this.waitLimit = Math.min(memLimit, 2 << 20);
  }

  /** Whether blocks went to the temporary file. */
  get spilled(): boolean { return this.sorted !== null; }

  add(c: Connection): void {
    this.summary.add(c);
    const text = connBlockText(c, this.p, this.time);
    const id = c.id;
    if (this.sorted !== null) { this.sorted.push(text, id); return; }
    if (id === this.next) {
      this.write(text);
      this.next++;
      for (let t = this.waiting.get(this.next); t !== undefined; t = this.waiting.get(this.next)) {
        this.waiting.delete(this.next);
        this.waitingBytes -= t.length;
        this.write(t);
        this.next++;
      }
      return;
    }
    // Held a while: flattened (the template's pieces would otherwise stay, several times the text).
    text.charCodeAt(0);
    this.waiting.set(id, text);
    this.waitingBytes += text.length + 64;
    if (this.waitingBytes > this.waitLimit) {
      // Too much waits for a conversation still open: from here on the table is sorted through the file.
      this.sorted = new SortedSpill(this.memLimit);
      for (const [k, t] of this.waiting) this.sorted.push(t, k);
      this.waiting.clear();
      this.waitingBytes = 0;
    }
  }

  /** The end of the input: everything still held, in id order. */
  end(): void {
    if (this.sorted !== null) {
      this.sorted.drain(this.write);
      this.sorted = null;
      return;
    }
    const ids = Array.from(this.waiting.keys()).sort((a, b) => a - b);
    for (const id of ids) this.write(this.waiting.get(id)!);
    this.waiting.clear();
    this.waitingBytes = 0;
  }
}
