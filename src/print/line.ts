/**
 * One line per packet, in tcpdump -nn's words, followed by what netlens adds:
 * analysis flags and the state changes the frame caused (annotations.ts).
 * Nothing from the packet reaches the terminal unescaped.
 *
 * This is the dispatch of the print/ printers, after tcpdump's print.c,
 * ethertype_print, ip_demux_print and the port switches of print-tcp.c and
 * print-udp.c: which printer takes the bytes, by link-layer type, EtherType,
 * IP protocol and port. Each printer (print-*.ts) prints its own layer into
 * the context's sink and hands the next layer back through the PrintContext
 * methods implemented here; a packet inside a packet comes back through
 * nested() to the top (link()).
 *
 * Usage: one LinePrinter per output; line() writes one packet's line and its
 * newline. formatLine() is the same line as a string (tests).
 */
import { u16be } from '../bytes.js';
import { foldComplement, onesSum } from '../decode/checksum.js';
import { EtherType, IpProto } from '../decode/constants.js';
import { DecodeError, LinkLayer, PacketDecoder } from '../decode/packet-decoder.js';
import { macAt } from '../encode/addr.js';
import { type ByteSink, StringSink } from '../encode/sink.js';
import { LinkType, newFrame, type Frame } from '../frame.js';
import type { ArpTable } from '../track/arp-table.js';
import { Tracker } from '../track/tracker.js';
import { writeAnnotations } from './annotations.js';
import { MAX_NESTING, PrintContext, type LineOptions } from './context.js';
import { undecodedNetwork } from './hex-dump.js';
import { upperChecksum } from '../decode/upper-checksum.js';
import { InterfaceNames, linkHeaderReplacesName, linkHeaderText, sll2Prefix } from './link-header.js';
import { arpText } from './print-arp.js';
import { bootpText } from './print-bootp.js';
import { dhcp6Text } from './print-dhcp6.js';
import { espText } from './print-esp.js';
import { printGeneve } from './print-geneve.js';
import { printGre } from './print-gre.js';
import { printIcmp } from './print-icmp.js';
import { printIcmp6 } from './print-icmp6.js';
import { igmpText } from './print-igmp.js';
import { damagedIp4Text, printIp4 } from './print-ip.js';
import { damagedIp6Text, printIp6 } from './print-ip6.js';
import { llcText } from './print-llc.js';
import { lldpText } from './print-lldp.js';
import { mplsText } from './print-mpls.js';
import { ntpText } from './print-ntp.js';
import { ospfText } from './print-ospf.js';
import { pppoeText } from './print-ppp.js';
import { radiusText } from './print-radius.js';
import { respText } from './print-resp.js';
import { snmpText } from './print-snmp.js';
import { syslogText } from './print-syslog.js';
import { printTcp } from './print-tcp.js';
import { isTextProtocol } from './print-text-protocols.js';
import { tftpText } from './print-tftp.js';
import { printUdp } from './print-udp.js';
import { printVxlan } from './print-vxlan.js';
import { vrrpText } from './print-vrrp.js';
import { hexAndAscii } from './util.js';

export { MAX_NESTING, type LineOptions } from './context.js';

/**
 * Which of tcpdump's port printers takes a TCP segment between these ports:
 * the first match in print-tcp.c's order (4.99), so a segment between 6379
 * and 22 is RESP, one between 22 and 21 SSH. Names are tcpdump's; the ones
 * netlens prints are FTP, SSH, SMTP, WHOIS, HTTP, RTSP (print-text-protocols.ts),
 * RESP (print-resp.ts), BGP (its name, as without -v) and DNS (print-dns.ts);
 * telnet, PPTP, NetBIOS, SMB, BEEP and OpenFlow segments are left at their length.
 */
export function tcpPortPrinter(sport: number, dport: number): string | null {
  const a = TCP_PORT_RANK[sport]!, b = TCP_PORT_RANK[dport]!;
  const r = a === 0 ? b : b === 0 ? a : Math.min(a, b);
  return r === 0 ? null : TCP_PRINTERS[r - 1]![0];
}

/** print-tcp.c's port tests in its order: a printer and its ports (either end matching). */
const TCP_PRINTERS: readonly (readonly [string, readonly number[]])[] = [
  ['telnet', [23]], ['smtp', [25]], ['whois', [43]], ['bgp', [179]], ['pptp', [1723]], ['resp', [6379]], ['ssh', [22]],
  ['nbt', [139]], ['smb', [445]], ['beep', [10288]], ['openflow', [976, 6653]], ['ftp', [21]], ['http', [80, 8080]],
  ['rtsp', [554, 8554]], ['domain', [53]],
];
/**
 * Each port's place in that list (1-based; 0: none). Every port is in one
 * entry at most, so the first entry matching either port is the one with the
 * smaller place: one lookup per port instead of the chain of tests per segment.
 */
const TCP_PORT_RANK = new Uint8Array(65536);
TCP_PRINTERS.forEach(([, ports], i) => { for (const p of ports) TCP_PORT_RANK[p] = i + 1; });

/**
 * Which of tcpdump's UDP printers takes a datagram between these ports: the
 * first match in print-udp.c's order (4.99), by tcpdump's names. netlens
 * prints domain, mdns, tftp, bootp, snmp, ntp, dhcp6, radius, sip, syslog, vxlan and geneve; a
 * datagram another printer would take keeps "UDP, length N", never the text
 * of a printer further down the list.
 */
export function udpPortPrinter(sport: number, dport: number): string | null {
  const is = (p: number): boolean => sport === p || dport === p;
  if (is(53)) return 'domain';
  if (is(5353)) return 'mdns';
  if (is(525)) return 'timed';
  if (is(69)) return 'tftp';
  if (is(67) || is(68)) return 'bootp';
  if (is(520)) return 'rip';
  if (is(654)) return 'aodv';
  if (is(500) || is(4500) || is(7500) || is(8500)) return 'isakmp';
  if (is(161) || is(162)) return 'snmp';
  if (is(123)) return 'ntp';
  if (is(88) || is(750)) return 'krb';
  if (is(1701)) return 'l2tp';
  if (is(137) || is(138)) return 'nbt';
  if (dport === 3456) return 'vat';
  if (is(2103) || is(2104)) return 'zephyr';
  if ((sport >= 7000 && sport <= 7009) || (dport >= 7000 && dport <= 7009)) return 'rx';
  if (is(521)) return 'ripng';
  if (is(546) || is(547)) return 'dhcp6';
  if (is(5359)) return 'ahcp';
  if (is(6696) || is(6697)) return 'babel';
  if (is(8231)) return 'hncp';
  if (dport === 4567) return 'wb';
  if (is(496)) return 'autorp';
  if (is(1645) || is(1812) || is(1646) || is(1813) || is(1700) || is(3799)) return 'radius';
  if (dport === 1985) return 'hsrp';
  if (is(921)) return 'lwres';
  if (is(646)) return 'ldp';
  if (is(698)) return 'olsr';
  if (is(3503)) return 'lspping';
  if (sport === 49152) return 'bcm-li';
  if (dport === 3784 || dport === 4784 || dport === 6784 || dport === 3785) return 'bfd';
  if (is(701)) return 'lmp';
  if (is(1589)) return 'vqp';
  if (is(6343)) return 'sflow';
  if (is(12223)) return 'lwapp';
  if (is(12222)) return 'lwapp';
  if (is(5060)) return 'sip';
  if (is(514)) return 'syslog';
  if (is(8472)) return 'otv';
  if (is(4789)) return 'vxlan';
  if (is(6081)) return 'geneve';
  if (is(4342)) return 'lisp';
  if (is(4790)) return 'vxlan-gpe';
  if (is(17754)) return 'zep';
  if (is(6635)) return 'mpls';
  if (is(319) || is(320)) return 'ptp';
  if (is(30490)) return 'someip';
  return null;
}

/** The UDP printers that print a datagram's payload as text, by udpPortPrinter's name (DNS, SIP, VXLAN and Geneve are udpPayload()'s own cases). */
const UDP_TEXT_PRINTERS: ReadonlyMap<string, (b: Buffer, off: number, capEnd: number, length: number, verbose: number) => string> = new Map([
  ['bootp', bootpText], ['ntp', ntpText], ['syslog', syslogText], ['dhcp6', dhcp6Text], ['tftp', tftpText], ['radius', radiusText], ['snmp', snmpText],
]);

export class LinePrinter extends PrintContext {
  /** A decoder and a frame for each level of packets inside packets (made when first needed). */
  private readonly nestedDecoders: PacketDecoder[] = [];
  private readonly nestedFrames: Frame[] = [];
  /**
   * The conversations of encapsulated packets, kept apart from the outer ones
   * (one table per outer tracker): their TCP numbers are relative per inner
   * conversation, as tcpdump's are.
   */
  private readonly nestedTrackers = new WeakMap<Tracker, Tracker>();
  /** Never fed: the quoted packet of an ICMP error keeps its TCP numbers absolute. */
  private noTracker: Tracker | null = null;
  private readonly interfaces = new InterfaceNames();

  constructor(out: ByteSink, opts: LineOptions) {
    super(out, opts);
  }

  /** The frame's line and its newline, into the sink. `arp`: the ARP / ND table, whose conflict the line annotates. */
  line(f: Frame, d: PacketDecoder, t: Tracker, arp: ArpTable | null = null): void {
    const out = this.out, time = this.opts.time;
    this.f = f; this.d = d; this.t = t; this.arp = arp;
    this.linkLayerPrinted = false;
    out.reserve(1024);
    if (!time.writeTo(out, f.tsSec, f.tsNsec)) {
      const text = time.format(f.tsSec, f.tsNsec);
      if (text !== '') out.text(text + ' ');
    }
    if (d.linkLayer === LinkLayer.sll2) out.text(sll2Prefix(f, this.interfaces)); // Linux cooked v2: interface and direction first
    if (this.linkHeader) out.text(linkHeaderText(f, d, this.quick));
    this.link(this.linkHeader && linkHeaderReplacesName(d));
    if (this.opts.annotate) {
      // An undecoded network protocol: the line is tcpdump's header for it, and the bytes follow (hex-dump.ts).
      // A link-layer protocol printed in full (LLC, STP, LLDP) is not an error either.
      if (d.error !== null && !undecodedNetwork(d) && !this.linkLayerPrinted) out.text(' ' + this.palette.error(`[${d.error}]`));
      writeAnnotations(out, t, this.palette, this.colour, arp);
    }
    out.reserve(1);
    out.endLine();
  }

  /**
   * What the link layer carries: PPPoE (and the PPP frame and IP packet in a
   * session), an MPLS label stack and the packet it carries, or the network
   * layer. `bare`: without the network layer's name (-e printed the
   * link-level header instead).
   */
  private link(bare: boolean): void {
    const { out, f, d } = this;
    if (d.pppoeOff >= 0 || d.netType === EtherType.PPPoEDiscovery || d.netType === EtherType.PPPoESession) {
      // print-pppoe.c, then ppp_print (print-ppp.ts); the IP packet inside has been decoded (and the tracker followed) like any other.
      const start = d.pppoeOff >= 0 ? d.pppoeOff : d.netOff;
      const r = pppoeText(f.buf, start, d.end, f.len - (start - f.offset), this.verbose, d.netType !== EtherType.PPPoEDiscovery);
      out.text(r.text);
      if (d.ipVersion === 0 || (r.innerType !== 0x0800 && r.innerType !== 0x86dd)) {
        this.linkLayerPrinted = true; // PPP's own protocols (LCP, CHAP, …) are not errors
        return;
      }
      this.network(false);
      return;
    }
    if (d.mplsLabels === 0 && d.netType !== EtherType.MPLS && d.netType !== EtherType.MPLSMulticast) { this.network(bare); return; }
    // An MPLS label stack: the stack, then the IP packet it carries (or its bytes, or where it ended).
    const inStack = d.netType === EtherType.MPLS || d.netType === EtherType.MPLSMulticast;
    const start = inStack ? d.netOff : d.netOff - 4 * d.mplsLabels;
    out.text(mplsText(f.buf, start, d.end, f.len - (start - f.offset), !inStack, this.verbose, this.defaultDump));
    if (inStack) {
      if (d.error === DecodeError.ether) this.linkLayerPrinted = true; // a payload of no known type is not an error
      return;
    }
    this.network(bare);
  }

  /** The network layer, by EtherType (ethertype_print): ARP, IPv4, IPv6, LLDP, 802.2 LLC, or what tcpdump says of the rest. */
  private network(bare: boolean): void {
    const { out, f, d } = this;
    if (d.hasArp) return out.text(arpText(f, d, this.palette, bare ? '' : 'ARP, ', this.verbose));
    if (d.ipVersion === 4) return printIp4(this, bare ? '' : 'IP ');
    if (d.ipVersion === 6) return printIp6(this, bare ? '' : 'IP6 ');
    if (d.netType === 0x0806) return out.text(' [|arp]'); // shorter than the fixed 8-byte header
    if (d.netType === 0x0800 && d.error !== null) return out.text(damagedIp4Text(f, d, bare));
    if (d.netType === 0x86dd && d.error !== null) return out.text(damagedIp6Text(f, d, bare));
    if (d.error === DecodeError.ethShort) return out.text(' [|ether]');
    if (d.netType === 0x88cc && d.error === DecodeError.ether) { // LLDP
      this.linkLayerPrinted = true;
      return out.text(lldpText(f.buf, d.netOff, d.end, f.len - (d.netOff - f.offset), this.verbose));
    }
    if (undecodedNetwork(d)) {
      if (!bare) out.text(linkHeaderText(f, d, this.quick));
      return;
    }
    if (d.error === DecodeError.llc) {
      const e = d.eth;
      const p0 = e.payloadOff;
      const length = Math.min(e.innerType, f.len - (p0 - f.offset));
      const text = llcText(f.buf, p0, Math.min(d.end, p0 + length), length, macAt(e.buf, e.srcOff), macAt(e.buf, e.dstOff),
        { linkHeader: this.linkHeader, verbose: this.verbose, defaultDump: this.defaultDump });
      if (text !== null) { this.linkLayerPrinted = true; return out.text(text); }
    }
    if (d.error === DecodeError.link) { // print.c's unsupported_if_print: the name, then every byte
      this.linkLayerPrinted = true;
      return out.text('UNSUPPORTED' + hexAndAscii(f.buf, f.offset, f.offset + f.caplen));
    }
    if (d.netType >= 0) return out.text(`ethertype 0x${d.netType.toString(16).padStart(4, '0')}, length ${f.len}`);
    if (d.linkLayer === LinkLayer.ethernet && d.eth.innerType <= 1500) {
      return out.text(`${macAt(d.eth.buf, d.eth.srcOff)} > ${macAt(d.eth.buf, d.eth.dstOff)}, 802.3, length ${d.eth.innerType}`);
    }
    out.text(`length ${f.len}`);
  }

  /** The transport layer by IP protocol (ip_demux_print), after the addresses (and ports), or after the extension headers. */
  transport(l4len: number, afterExt: boolean): void {
    const out = this.out, d = this.d;
    switch (d.l4) {
      case IpProto.TCP:
        this.endpoints(d.tcp.sport, d.tcp.dport, afterExt);
        return printTcp(this, l4len);
      case IpProto.UDP:
        this.endpoints(d.udp.sport, d.udp.dport, afterExt);
        return printUdp(this, l4len);
      case IpProto.ICMP:
        this.endpoints(-1, -1, afterExt);
        return printIcmp(this, l4len);
      case IpProto.ICMPv6:
        this.endpoints(-1, -1, afterExt);
        return printIcmp6(this, l4len);
    }
    this.endpoints(-1, -1, afterExt);
    const v6 = d.ipVersion === 6;
    const proto = v6 ? d.ip6.proto : d.ip4.proto;
    const b = v6 ? d.ip6.buf : d.ip4.buf;
    const off = v6 ? d.ip6.upperOff : d.ip4.payloadOff, capEnd = v6 ? d.ip6.payloadEnd : d.ip4.payloadEnd;
    switch (proto) {
      case 47:
        if (printGre(this, b, off, capEnd, l4len)) return;
        break;
      case 50: return out.text(espText(b, off, capEnd, l4len));
      case 112: {
        const ttl = v6 ? b[d.ip6.off + 7]! : d.ip4.ttl;
        // VRRPv2 sums the packet alone, VRRPv3 with the IP pseudo-header.
        const checksum = (version: number): number => (version === 2 ? foldComplement(onesSum(b, off, off + l4len)) : upperChecksum(d, off, l4len, 112));
        return out.text(vrrpText(b, off, capEnd, l4len, ttl, v6, this.verbose, checksum));
      }
      case 89: return out.text(ospfText(b, off, capEnd, l4len, v6));
      case IpProto.IGMP:
        if (!v6) return out.text(igmpText(b, off, capEnd, l4len, this.verbose, this.quick));
        break;
    }
    out.text(`ip-proto-${proto} ${l4len}`);
  }

  /** `src[.sport] > dst[.dport]: `, or after extension headers (which follow the addresses) the ports alone. */
  private endpoints(sport: number, dport: number, afterExt: boolean): void {
    if (!afterExt) return this.addresses(sport, dport);
    if (sport < 0) return;
    const out = this.out;
    out.reserve(32);
    out.dec(sport); out.ascii(' > '); out.dec(dport); out.ascii(': ');
  }

  /** After a TCP segment's `length N`, by port (print-tcp.c): a text protocol's first line, RESP, BGP's name, DNS. */
  tcpPayload(len: number): void {
    const out = this.out, tcp = this.d.tcp;
    const printer = tcpPortPrinter(tcp.sport, tcp.dport);
    if (printer === null) return;
    if (printer === 'resp') return out.text(respText(tcp.buf, tcp.payloadOff, tcp.payloadEnd, len));
    if (printer === 'bgp') return out.text(': BGP'); // print-bgp.c without -v; its -v dissection of the messages is not printed
    if (isTextProtocol(printer)) {
      if (this.verbose > 0) out.text(this.text.verboseText(tcp.buf, tcp.payloadOff, tcp.payloadEnd - tcp.payloadOff, len, printer));
      else this.text.write(out, tcp.buf, tcp.payloadOff, tcp.payloadEnd - tcp.payloadOff, len, printer);
      return;
    }
    if (printer === 'domain' && len > 2 && tcp.payloadEnd - tcp.payloadOff >= 14) {
      // DNS over TCP (RFC 1035 §4.2.2): a two-byte length, then the message.
      const msgLen = u16be(tcp.buf, tcp.payloadOff);
      if (this.dns.view.reset(tcp.buf, tcp.payloadOff + 2, Math.min(tcp.payloadEnd, tcp.payloadOff + 2 + msgLen))) {
        out.text(' ');
        this.dns.print(msgLen, false, this.verbose);
      }
    }
  }

  /** A UDP datagram's payload, by port (print-udp.c); `UDP, length N` when netlens has no printer for it. */
  udpPayload(): void {
    const out = this.out, udp = this.d.udp;
    // Two ports above 30490 name no printer netlens has (the one above it, BCM-LI on 49152, is not one).
    const printer = udp.sport > 30490 && udp.dport > 30490 ? null : udpPortPrinter(udp.sport, udp.dport);
    if (printer === 'domain' || printer === 'mdns') {
      // print-domain.c: a message shorter than its 12-byte header is invalid.
      if (udp.payloadLength < 12) return out.text(`domain [length ${udp.payloadLength} < 12] (invalid)`);
      if (!this.dns.view.reset(udp.buf, udp.payloadOff, udp.payloadEnd)) return out.text(' [|domain]'); // the capture ends inside the 12-byte header
      return this.dns.print(udp.payloadLength, printer === 'mdns', this.verbose);
    }
    if (printer !== null) {
      const text = UDP_TEXT_PRINTERS.get(printer);
      if (text !== undefined) return out.text(text(udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength, this.verbose));
      if (printer === 'sip') return out.text(this.text.sipText(udp.buf, udp.payloadOff, udp.payloadEnd - udp.payloadOff, udp.payloadLength, this.verbose));
      if (printer === 'vxlan') return printVxlan(this, udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength);
      if (printer === 'geneve') return printGeneve(this, udp.buf, udp.payloadOff, udp.payloadEnd, udp.payloadLength);
    }
    out.text(`UDP, length ${udp.payloadLength}`);
  }

  nested(buf: Buffer, off: number, capEnd: number, wireLen: number, linkType: number, tag: string, lead: string, track: boolean): void {
    const out = this.out;
    if (this.depth >= MAX_NESTING) return out.text(` [|${tag}]`);
    if (lead !== '') out.text(lead);
    const level = this.depth;
    if (this.nestedFrames.length === level) { this.nestedFrames.push(newFrame()); this.nestedDecoders.push(new PacketDecoder()); }
    const nf = this.nestedFrames[level]!, nd = this.nestedDecoders[level]!;
    const f = this.f, d = this.d, t = this.t;
    nf.buf = buf; nf.offset = off; nf.caplen = Math.max(0, capEnd - off); nf.len = Math.max(wireLen, nf.caplen);
    nf.linkType = linkType; nf.tsSec = f.tsSec; nf.tsNsec = f.tsNsec; nf.ifIndex = f.ifIndex;
    this.depth++;
    try {
      nd.decode(nf);
      let nt: Tracker;
      if (track) {
        nt = this.nestedTrackerOf(t);
        nt.observe(nd, nf.tsSec, nf.tsNsec);
      } else {
        nt = this.noTracker ??= new Tracker();
      }
      this.f = nf; this.d = nd; this.t = nt;
      const e = this.linkHeader;
      if (e && linkType === LinkType.ETHERNET) out.text(linkHeaderText(nf, nd, this.quick));
      // Under -e tcpdump's IP printers leave out "IP "; an Ethernet frame's header says it instead.
      this.link(e && (linkType !== LinkType.ETHERNET || linkHeaderReplacesName(nd)));
    } finally {
      this.depth--;
      this.f = f; this.d = d; this.t = t;
    }
  }

  private nestedTrackerOf(t: Tracker): Tracker {
    let n = this.nestedTrackers.get(t);
    if (n === undefined) { n = new Tracker(); this.nestedTrackers.set(t, n); }
    return n;
  }
}

/** The frame's line as a string, without its newline: a LinePrinter over a StringSink (tests; the command line writes lines into stdout). */
export function formatLine(f: Frame, d: PacketDecoder, t: Tracker, opts: LineOptions, arp: ArpTable | null = null): string {
  const out = new StringSink(2048);
  new LinePrinter(out, opts).line(f, d, t, arp);
  return out.take().slice(0, -1);
}
