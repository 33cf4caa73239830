/**
 * The print context: what tcpdump's netdissect_options is to its printers.
 * One per output (the command line's stdout, or a StringSink for a string):
 * the options, the sink every printer writes into, the packet being printed
 * (its frame, decoder and conversation; the innermost one while a packet
 * inside another is printed), and the state a line's printers share: whether
 * a link-layer protocol was printed in full, how deep packets nest, the DNS
 * and text-protocol printers' scratch. Nothing a printer keeps between
 * packets lives anywhere else.
 *
 * The printers of one layer hand the next layer's bytes back through the
 * abstract dispatch methods, which line.ts implements with tcpdump's tables
 * (EtherType, IP protocol, port): so no printer imports another layer's
 * dispatch, and a packet inside a packet (VXLAN, GRE, an ICMP error's quoted
 * datagram) is printed by the same printers.
 */
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv4, ipv6At } from '../encode/addr.js';
import { noColor, type Palette } from '../encode/palette.js';
import type { ByteSink } from '../encode/sink.js';
import type { TimeFormatter } from '../encode/time.js';
import type { Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import type { Tracker } from '../track/tracker.js';
import { DnsPrinter } from './print-dns.js';
import { TextProtocols } from './print-text-protocols.js';

export interface LineOptions {
  time: TimeFormatter;
  palette: Palette;
  /** Add netlens's analysis and state events after tcpdump's text. */
  annotate: boolean;
  /** tcpdump's -e: the link-level header before the network layer. */
  linkHeader?: boolean;
  /** tcpdump's -q: TCP and UDP as their length only ("tcp 0", "UDP, length 29"). */
  quick?: boolean;
  /** tcpdump's -S: absolute TCP sequence numbers. */
  absolute?: boolean;
  /** tcpdump's -v, -vv, -vvv: 1, 2, 3. */
  verbose?: number;
  /** tcpdump's -g: the verbose IPv4 header on the same line as the rest. */
  oneLine?: boolean;
  /** tcpdump's -K: no IPv4, TCP or UDP checksum under -v. */
  noChecksums?: boolean;
  /** The bytes of a link-layer frame tcpdump does not decode further (an unknown LLC SAP) follow its line,
   *  as tcpdump's default print does; off under -q, -x and -X. */
  defaultDump?: boolean;
}

/**
 * How many packets deep the line printers go: an ICMP error's quoted datagram
 * (which may be an ICMP error quoting another…), VXLAN, Geneve and GRE, in any
 * mix. tcpdump recurses until the bytes run out (C's stack holds it); here a
 * level deeper than this ends in ` [|proto]`, as tcpdump marks what it does
 * not print. Real traffic nests one or two levels.
 */
export const MAX_NESTING = 8;

export abstract class PrintContext {
  readonly palette: Palette;
  /** Colour is on: the parts the palette colours are written as strings through it (else byte by byte). */
  readonly colour: boolean;
  /** -v, -vv, -vvv: 1, 2, 3; 0 without. */
  readonly verbose: number;
  readonly quick: boolean;
  readonly linkHeader: boolean;
  readonly absolute: boolean;
  readonly oneLine: boolean;
  readonly checksums: boolean;
  readonly defaultDump: boolean;

  /** The packet being printed: the innermost while one inside another is (nested()). */
  f!: Frame;
  d!: PacketDecoder;
  t!: Tracker;
  /** The ARP / ND table of the line's packet (its conflict is annotated), or null. */
  arp: ArpTable | null = null;
  /**
   * Set by the printer of a link-layer protocol the decoder leaves undecoded
   * (LLC, STP, LLDP, PPP's own protocols, an MPLS payload of no known type):
   * the decoder's error for the frame is then not shown as one.
   */
  linkLayerPrinted = false;
  /** How many packets deep nested() is. */
  depth = 0;

  readonly dns: DnsPrinter;
  readonly text = new TextProtocols();

  constructor(readonly out: ByteSink, readonly opts: LineOptions) {
    this.palette = opts.palette;
    this.colour = opts.palette !== noColor;
    this.verbose = opts.verbose ?? 0;
    this.quick = opts.quick === true;
    this.linkHeader = opts.linkHeader === true;
    this.absolute = opts.absolute === true;
    this.oneLine = opts.oneLine === true;
    this.checksums = opts.noChecksums !== true;
    this.defaultDump = opts.defaultDump === true;
    this.dns = new DnsPrinter(out);
  }

  /**
   * `src > dst: ` of the IP packet being printed, with `.port` after each
   * address when sport >= 0 (TCP, UDP); addresses through the palette's addr.
   */
  addresses(sport: number, dport: number): void {
    const out = this.out, d = this.d;
    if (d.ipVersion === 4 && !this.colour) {
      out.reserve(64);
      out.ipv4(d.ip4.src);
      if (sport >= 0) { out.byte(46); out.dec(sport); }
      out.ascii(' > ');
      out.ipv4(d.ip4.dst);
      if (dport >= 0) { out.byte(46); out.dec(dport); }
    } else {
      const p = this.palette;
      const src = d.ipVersion === 4 ? ipv4(d.ip4.src) : ipv6At(d.ip6.buf, d.ip6.srcOff);
      const dst = d.ipVersion === 4 ? ipv4(d.ip4.dst) : ipv6At(d.ip6.buf, d.ip6.dstOff);
      out.text(p.addr(src));
      out.reserve(64);
      if (sport >= 0) { out.byte(46); out.dec(sport); }
      out.ascii(' > ');
      out.text(p.addr(dst));
      out.reserve(64);
      if (dport >= 0) { out.byte(46); out.dec(dport); }
    }
    out.ascii(': ');
  }

  /** The transport layer of the IP packet being printed, `l4len` bytes, by its protocol; `afterExt`: IPv6 extension headers were printed, and the addresses with them. */
  abstract transport(l4len: number, afterExt: boolean): void;

  /** What follows a TCP segment's `length N`, by port: text protocols, RESP, BGP, DNS. */
  abstract tcpPayload(len: number): void;

  /** What follows a UDP datagram's ports, by port: DNS, DHCP, NTP, SIP, VXLAN, … or `UDP, length N`. */
  abstract udpPayload(): void;

  /**
   * A packet carried inside the one being printed, at buf[off, capEnd) of
   * `wireLen` bytes, of link type `linkType`, printed as tcpdump prints any
   * packet of that link type: the same printers, no annotations. `lead` is
   * written first; past MAX_NESTING levels only ` [|tag]` is. `track`: the
   * packet's conversations are followed (their TCP numbers relative, in a
   * table of their own); else its numbers stay absolute.
   */
  abstract nested(buf: Buffer, off: number, capEnd: number, wireLen: number, linkType: number, tag: string, lead: string, track: boolean): void;
}
