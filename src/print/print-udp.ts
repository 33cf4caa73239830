/**
 * UDP as tcpdump prints it (print-udp.c), after the addresses and ports: what
 * is wrong with the header, under -v the checksum (`[udp sum ok] `; IPv4 from
 * -vv on), then the payload by port (the context's udpPayload(): DNS, DHCP,
 * NTP, VXLAN…, else `UDP, length N`). -q prints `UDP, length N` only.
 */
import { checksumShouldBe } from '../decode/checksum.js';
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { UdpError } from '../decode/udp.js';
import type { PrintContext } from './context.js';
import { fragmented, upperChecksum } from '../decode/upper-checksum.js';
import { hex4 } from './util.js';

/** udp_print from the ports on. `l4len`: the datagram's length from the IP header. */
export function printUdp(ctx: PrintContext, l4len: number): void {
  const out = ctx.out, udp = ctx.d.udp;
  if (udp.error === UdpError.short) return out.text(' [|udp]');
  if (udp.error === UdpError.length) return out.text(`UDP, bad length ${udp.length} > ${l4len}`);
  if (ctx.verbose > 0 && ctx.checksums) out.text(udpChecksumText(ctx.d, ctx.verbose));
  if (ctx.quick) return out.text(`UDP, length ${udp.payloadLength}`);
  ctx.udpPayload();
}

/** `[udp sum ok] `, `[bad udp cksum …!] ` or `[no cksum] ` (IPv4 from -vv on, IPv6 from -v). */
function udpChecksumText(d: PacketDecoder, verbose: number): string {
  const udp = d.udp;
  if (fragmented(d)) return '';
  const length = 8 + udp.payloadLength;
  if (d.ipVersion === 4) {
    if (verbose < 2) return '';
    if (udp.checksum === 0) return '[no cksum] ';
  }
  const sum = upperChecksum(d, udp.off, length, IpProto.UDP);
  if (sum < 0) return '';
  return sum !== 0 ? `[bad udp cksum 0x${hex4(udp.checksum)} -> 0x${hex4(checksumShouldBe(udp.checksum, sum))}!] ` : '[udp sum ok] ';
}
