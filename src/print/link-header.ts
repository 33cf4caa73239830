/**
 * tcpdump's -e: the link-level header at the start of each line, in its words
 * (print-ether.c ether_common_print, print-sll.c sll_print / sll2_print,
 * print-null.c null_hdr_print; print-raw.c prints nothing more). With -e the
 * network layer's own name ("IP ", "IP6 ", "ARP, ") is left out, as tcpdump
 * does, except on raw-IP links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { u16be, u32be, u32le } from '../bytes.js';
import { LinkLayer, type PacketDecoder } from '../decode/packet-decoder.js';
import type { Frame } from '../frame.js';
import { macAt } from '../encode/addr.js';
import { ETHERTYPE_NAMES } from './protocol-names.js';
import { hex4 } from './util.js';

/** Tag protocol ids that start an 802.1Q tag in tcpdump's Ethernet printer. */
const TAG_TYPES = new Set([0x8100, 0x9100, 0x9200, 0x88a8]);

/** ether_type_print: "ethertype IPv4 (0x0800)", or with -q only "IPv4". */
function ethertype(type: number, quick: boolean): string {
  const name = ETHERTYPE_NAMES.get(type);
  if (quick) return name ?? `Unknown Ethertype (0x${hex4(type)})`;
  return `ethertype ${name ?? 'Unknown'} (0x${hex4(type)})`;
}

/** ieee8021q_tci_string (addrtoname.c). */
function tci(tag: number): string {
  return `vlan ${tag & 0xfff}, p ${tag >>> 13}${(tag & 0x1000) !== 0 ? ', DEI' : ''}`;
}

const SLL_PACKET_TYPES = ['In', 'B', 'M', 'P', 'Out'];
const BSD_AF_NAMES = new Map<number, string>([[2, 'IPv4'], [6, 'NS'], [7, 'ISO'], [16, 'Appletalk'], [23, 'IPX'], [24, 'IPv6'], [28, 'IPv6'], [30, 'IPv6']]);

/** Interface names by index, as if_indextoname(3) gives them on this machine (Linux: /sys/class/net); read at the first one asked for. */
export class InterfaceNames {
  private names: Map<number, string> | null = null;

  name(index: number): string {
    if (this.names === null) {
      this.names = new Map();
      try {
        for (const name of readdirSync('/sys/class/net')) {
          try { this.names.set(Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')), name); } catch { /* gone meanwhile */ }
        }
      } catch { /* not Linux: every name is "?" */ }
    }
    return this.names.get(index) ?? '?';
  }
}

/**
 * What tcpdump prints first for every Linux cooked v2 frame, with or without
 * -e (print-sll.c sll2_if_print): the interface's name on the machine reading
 * the file (tcpdump asks if_indextoname; "?" when there is none) and the
 * packet's direction, "lo    In  ".
 */
export function sll2Prefix(f: Frame, interfaces: InterfaceNames): string {
  const b = f.buf, off = f.offset;
  if (f.caplen < 20) return '';
  return `${interfaces.name(u32be(b, off + 4)).padEnd(5)} ${(SLL_PACKET_TYPES[b[off + 10]!] ?? '?').padEnd(3)} `;
}

/** Whether -e replaces the network layer's name at the start of the line (every link type but raw IP). */
export function linkHeaderReplacesName(d: PacketDecoder): boolean {
  return d.linkLayer !== LinkLayer.raw && d.linkLayer !== LinkLayer.none;
}

/**
 * The -e text before the network layer ("00:11:22:33:44:55 > …, ethertype IPv4
 * (0x0800), length 74: "), or '' when the link-level header is cut short (the
 * line then says so) or the link type has none.
 */
export function linkHeaderText(f: Frame, d: PacketDecoder, quick = false): string {
  const b = f.buf, off = f.offset, end = f.offset + f.caplen;
  switch (d.linkLayer) {
    case LinkLayer.ethernet: {
      if (f.caplen < 14) return '';
      let s = `${macAt(b, off + 6)} > ${macAt(b, off)}, `;
      let p = off + 12;
      let type = u16be(b, p);
      p += 2;
      let printedLength = false;
      while (TAG_TYPES.has(type)) {
        if (end - p < 4) return s;
        s += ethertype(type, quick) + (printedLength ? ', ' : `, length ${f.len}: `);
        printedLength = true;
        s += tci(u16be(b, p)) + ', ';
        type = u16be(b, p + 2);
        p += 4;
      }
      if (type <= 1500) {
        const length = Math.min(type, f.len - (p - off));
        return s + '802.3' + (printedLength ? '' : `, length ${length}: `);
      }
      return s + ethertype(type, quick) + (printedLength ? ', ' : `, length ${f.len}: `);
    }
    case LinkLayer.sll: {
      if (f.caplen < 16) return '';
      const pkttype = u16be(b, off);
      let s = `${(SLL_PACKET_TYPES[pkttype] ?? '?').padStart(3)} `;
      if (u16be(b, off + 4) === 6) s += `${macAt(b, off + 6)} `;
      if (quick) return s + cookedTags(b, off + 16, end, u16be(b, off + 14), quick); // -q: no protocol, no length
      return s + cookedType(u16be(b, off + 14)) + `, length ${f.len}: ` + cookedTags(b, off + 16, end, u16be(b, off + 14), quick);
    }
    case LinkLayer.sll2: {
      if (f.caplen < 20) return '';
      let s = `ifindex ${u32be(b, off + 4)} `;
      if (b[off + 11] === 6) s += `${macAt(b, off + 12)} `;
      if (quick) return s + cookedTags(b, off + 20, end, u16be(b, off), quick);
      return s + cookedType(u16be(b, off)) + `, length ${f.len}: ` + cookedTags(b, off + 20, end, u16be(b, off), quick);
    }
    case LinkLayer.loopback: {
      if (f.caplen < 4) return '';
      let family = u32le(b, off); // tcpdump reads it in host order (little-endian here), then swaps if it looks swapped
      if ((family & 0xffff0000) !== 0) family = (((family & 0xff) << 24) | ((family & 0xff00) << 8) | ((family >>> 8) & 0xff00) | (family >>> 24)) >>> 0;
      const name = BSD_AF_NAMES.get(family);
      return quick ? `${name ?? `Unknown AF ${family}`}, length ${f.len}: ` : `AF ${name ?? 'Unknown'} (${family}), length ${f.len}: `;
    }
    default:
      return '';
  }
}

/** sll_print's protocol: an EtherType, or 802.3 / 802.2 for the Linux pseudo-types. */
function cookedType(type: number): string {
  if (type > 1500) return ethertype(type, false);
  if (type === 1) return '802.3';
  if (type === 4) return '802.2';
  return `ethertype Unknown (0x${hex4(type)})`;
}

/** VLAN tags after a Linux cooked header (sll_if_print prints each tag, then the type it encloses). */
function cookedTags(b: Buffer, p: number, end: number, type: number, quick: boolean): string {
  let s = '';
  while (type === 0x8100 && end - p >= 4) {
    s += tci(u16be(b, p)) + ', ';
    type = u16be(b, p + 2);
    // A length becomes LINUX_SLL_P_802_2, which has no name.
    if (!quick) s += `ethertype ${type <= 1500 ? 'Unknown' : ETHERTYPE_NAMES.get(type) ?? 'Unknown'}, `;
    p += 4;
  }
  return s;
}
