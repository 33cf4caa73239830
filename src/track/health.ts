/**
 * Capture health: what about a live capture makes its packets differ from
 * what was on the wire, said once when first seen and again, with counts, in
 * the final summary, so that an artefact of the capture point is not taken
 * for a network problem:
 *
 * - drops: the kernel, the interface or netlens's own ring lost packets;
 * - truncated: frames cut to the snapshot length (-s);
 * - over-mtu: frames longer than the interface's MTU: the kernel merged
 *   segments before capture (GRO on receive, GSO/TSO on transmit), so one
 *   "packet" is several on the wire;
 * - checksum-offload: TCP/UDP checksums wrong on what this host sends and
 *   right on what it receives (packets over the MTU left out: a merged
 *   packet keeps its first segment's checksum): the NIC fills them in after capture (transmit
 *   checksum offload); wrong both ways on a virtual device (veth, tap) that
 *   hands packets over before anyone fills them in;
 * - time-backwards: a frame stamped before the one before it;
 * - link-down: the interface's operational state went down.
 *
 * observe() runs on every frame and costs a few comparisons; the checksum
 * is computed only on the first CHECKSUM_SAMPLE TCP/UDP segments each way.
 */
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { upperChecksum } from '../decode/upper-checksum.js';
import type { Frame } from '../frame.js';

export type HealthKind = 'drops' | 'truncated' | 'over-mtu' | 'checksum-offload' | 'time-backwards' | 'link-down';

export interface HealthFinding {
  kind: HealthKind;
  /** What it is and what to do about it, in one line. */
  text: string;
  /** Frames (or packets dropped, or times the link went down) so far. */
  count: number;
}

export interface HealthOptions {
  /** The interface's name (for the ethtool hints). */
  iface: string;
  /** Its MTU (the largest IP packet it sends), or 0 when unknown: no over-MTU check. */
  mtu: number;
  /** The snapshot length the capture asked for. */
  snaplen: number;
  /** The interface's own IPv4 addresses (as 32-bit numbers): what "this host sends" means; empty: no direction, no checksum check. */
  localV4: readonly number[];
}

/** Segments each way whose checksums are checked; the verdict is given once both ways have this many. */
export const CHECKSUM_SAMPLE = 64;
/** Segments each way the verdict needs when the capture ends before CHECKSUM_SAMPLE. */
export const MIN_VERDICT = 8;

export class CaptureHealth {
  /** Told each finding the first time it is seen. */
  onFinding: ((f: HealthFinding) => void) | null = null;
  private readonly found = new Map<HealthKind, HealthFinding>();
  private lastSec = -1;
  private lastNsec = 0;
  private maxLen = 0;
  private minCut = Infinity;
  /** Checksums checked and found wrong: [sent by this host, received]. */
  private readonly checked = [0, 0];
  private readonly wrong = [0, 0];
  private checksumsDone: boolean;
  private droppedSeen = 0;
  private linkWasUp = true;

  constructor(private readonly opts: HealthOptions) {
    this.checksumsDone = opts.localV4.length === 0;
  }

  /** A frame the capture handed over, decoded. */
  observe(f: Frame, d: PacketDecoder): void {
    if (f.tsSec < this.lastSec || (f.tsSec === this.lastSec && f.tsNsec < this.lastNsec)) {
      this.note('time-backwards', 1, () => `frames stamped before the frame before them (the first ${(this.lastSec - f.tsSec + (this.lastNsec - f.tsNsec) / 1e9).toFixed(6)} s back): the clock was stepped, or the capture merges queues stamped apart`);
    }
    this.lastSec = f.tsSec; this.lastNsec = f.tsNsec;
    if (f.caplen < f.len) {
      if (f.caplen < this.minCut) this.minCut = f.caplen;
      this.note('truncated', 1, () => `frames cut to the snapshot length (${this.opts.snaplen} bytes; -s 0 keeps them whole): payload analyses see less than was sent`);
    }
    if (d.ipVersion === 0) return;
    const ipLen = f.len - (d.netOff - f.offset);
    if (this.opts.mtu > 0 && ipLen > this.opts.mtu) {
      if (ipLen > this.maxLen) this.maxLen = ipLen;
      const i = this.opts.iface;
      this.note('over-mtu', 1, () => `packets longer than ${i}'s MTU (${ipLen} > ${this.opts.mtu} bytes): the kernel merged segments before capture (GRO, GSO/TSO), so one packet here was several on the wire; ethtool -K ${i} gro off gso off tso off shows them as sent`);
    }
    // A merged packet's checksum is its first segment's (GRO does not rewrite it): only packets as sent are checked.
    else if (!this.checksumsDone && d.ipVersion === 4 && !d.ip4.mf && d.ip4.fragOffset === 0) this.checkSum(d);
  }

  /** The capture's counters, read now and then: drops are a finding. */
  counters(kernelDropped: number, ringDropped: number): void {
    const total = Math.max(0, kernelDropped) + Math.max(0, ringDropped);
    if (total > this.droppedSeen) {
      const more = total - this.droppedSeen;
      this.droppedSeen = total;
      this.note('drops', more, () => `packets dropped before netlens saw them (kernel: ${kernelDropped}, netlens's ring: ${Math.max(0, ringDropped)}): a larger -B (kernel buffer) or --ring-buffer, a narrower filter`);
      this.found.get('drops')!.count = total;
    }
  }

  /** The interface's operational state, read now and then ("up", "down", …). */
  link(state: string): void {
    const up = state !== 'down' && state !== 'lowerlayerdown' && state !== 'notpresent';
    if (!up && this.linkWasUp) this.note('link-down', 1, () => `${this.opts.iface}'s link went down (operstate ${state}): nothing was captured while it was`);
    this.linkWasUp = up;
  }

  /** Every finding so far, in the order first seen. */
  findings(): HealthFinding[] {
    return [...this.found.values()];
  }

  /** The summary's lines: each finding with its count. */
  summary(): string[] {
    return this.findings().map((f) => `${f.text} [${f.count} ${f.kind === 'link-down' ? (f.count === 1 ? 'time' : 'times') : f.count === 1 ? 'packet' : 'packets'}]`);
  }

  private checkSum(d: PacketDecoder): void {
    const proto = d.l4;
    if (proto !== IpProto.TCP && proto !== IpProto.UDP) return;
    if (proto === IpProto.TCP && d.tcp.error !== null) return;
    if (proto === IpProto.UDP && (d.udp.error !== null || d.udp.checksum === 0)) return; // 0: no checksum (IPv4)
    const src = d.ip4.src;
    const sent = this.opts.localV4.includes(src) ? 0 : this.opts.localV4.includes(d.ip4.dst) ? 1 : -1;
    if (sent < 0 || this.checked[sent]! >= CHECKSUM_SAMPLE) return;
    const off = proto === IpProto.TCP ? d.tcp.off : d.udp.off;
    const sum = upperChecksum(d, off, d.ip4.payloadLength, proto);
    if (sum < 0) return; // not all captured
    this.checked[sent]!++;
    if (sum !== 0) this.wrong[sent]!++;
    if (this.checked[0]! >= CHECKSUM_SAMPLE && this.checked[1]! >= CHECKSUM_SAMPLE) this.checksumVerdict();
  }

  /**
   * The end of the capture: the checks that wait for more (the checksum
   * verdict, given with at least MIN_VERDICT segments each way when the
   * capture ended before CHECKSUM_SAMPLE).
   */
  finish(): void {
    if (!this.checksumsDone && this.checked[0]! >= MIN_VERDICT && this.checked[1]! >= MIN_VERDICT) this.checksumVerdict();
  }

  private checksumVerdict(): void {
    this.checksumsDone = true;
    const [sentChecked, gotChecked] = this.checked as [number, number];
    const [sentWrong, gotWrong] = this.wrong as [number, number];
    const out = sentWrong / sentChecked, back = gotWrong / gotChecked;
    const i = this.opts.iface;
    if (out >= 0.9 && back <= 0.1) {
      this.note('checksum-offload', sentWrong, () => `TCP/UDP checksums wrong on what this host sends (${sentWrong} of ${sentChecked}) and right on what it receives: the NIC fills them in after capture (transmit checksum offload), they are not wrong on the wire; ethtool -K ${i} tx off to see them right`);
    } else if (out >= 0.9 && back >= 0.9) {
      this.note('checksum-offload', sentWrong + gotWrong, () => `TCP/UDP checksums wrong both ways (${sentWrong + gotWrong} of ${sentChecked + gotChecked}): ${i} hands packets over before anyone fills them in (checksum offload on a virtual device: veth, tap, bridge); ethtool -K ${i} tx off on the sending ends to see them right`);
    }
  }

  private note(kind: HealthKind, n: number, text: () => string): void {
    const f = this.found.get(kind);
    if (f !== undefined) { f.count += n; return; }
    const finding = { kind, text: text(), count: n };
    this.found.set(kind, finding);
    this.onFinding?.(finding);
  }
}
