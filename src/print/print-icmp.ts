/**
 * ICMP as tcpdump prints it (print-icmp.c): echo requests and replies,
 * unreachables with what was unreachable, time exceeded, redirects…; under -v
 * a wrong checksum, and an error message's quoted datagram on its own line,
 * printed as tcpdump prints any IPv4 packet (the context's nested()).
 */
import { u16be } from '../bytes.js';
import { checksumShouldBe } from '../decode/checksum.js';
import { IcmpType } from '../decode/icmp.js';
import { IpProto } from '../decode/constants.js';
import type { PacketDecoder } from '../decode/packet-decoder.js';
import { ipv4 } from '../encode/addr.js';
import { LinkType } from '../frame.js';
import type { PrintContext } from './context.js';
import { upperChecksum } from '../decode/upper-checksum.js';

/** icmp_print after the addresses; `len`: the message's length from the IP header. */
export function printIcmp(ctx: PrintContext, len: number): void {
  const d = ctx.d;
  ctx.out.text(icmpText(d, len));
  if (ctx.verbose === 0 || d.icmp.error !== null) return;
  ctx.out.text(icmpChecksumText(d, len));
  printQuoted(ctx);
}

function icmpText(d: PacketDecoder, len: number): string {
  const i = d.icmp;
  if (i.error !== null) return `ICMP type ${i.type}, [|icmp]`;
  switch (i.type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply:
      if (!i.hasEcho) return `ICMP echo ${i.type === 8 ? 'request' : 'reply'}, length ${len}`;
      return `ICMP echo ${i.type === 8 ? 'request' : 'reply'}, id ${i.echoId}, seq ${i.echoSeq}, length ${len}`;
    case IcmpType.Unreachable: {
      const inner = d.innerVersion === 4 ? ipv4(d.innerIp4.dst) : '';
      if (i.code === 3 && d.innerSport >= 0) {
        const proto = d.innerProto === IpProto.TCP ? 'tcp' : 'udp';
        return `ICMP ${inner} ${proto} port ${d.innerDport} unreachable, length ${len}`;
      }
      if (i.code === 2 && inner) return `ICMP ${inner} protocol ${d.innerProto} unreachable, length ${len}`;
      if (i.code === 1 && inner) return `ICMP host ${inner} unreachable, length ${len}`;
      if (i.code === 0 && inner) return `ICMP net ${inner} unreachable, length ${len}`;
      return `ICMP ${inner} unreachable - code ${i.code}, length ${len}`;
    }
    case IcmpType.TimeExceeded:
      return `ICMP time exceeded in-transit${i.code === 1 ? ' reassembly' : ''}, length ${len}`;
    case IcmpType.Redirect:
      return `ICMP redirect, length ${len}`;
    case IcmpType.ParamProblem:
      return `ICMP parameter problem, length ${len}`;
    case 13: return `ICMP time stamp query, length ${len}`;
    case 14: return `ICMP time stamp reply, length ${len}`;
    default:
      return `ICMP type-#${i.type}, length ${len}`;
  }
}

/** ` (wrong icmp cksum 1234 (->5678)!)` when an ICMP message's checksum is wrong. */
function icmpChecksumText(d: PacketDecoder, length: number): string {
  const i = d.icmp;
  const sum = upperChecksum(d, i.off, length, IpProto.ICMP);
  if (sum <= 0) return '';
  const field = u16be(i.buf, i.off + 2);
  return ` (wrong icmp cksum ${field.toString(16)} (->${checksumShouldBe(field, sum).toString(16)})!)`;
}

/**
 * Under -v: an error message's quoted datagram, on its own line after a tab,
 * printed as tcpdump prints any IPv4 packet (its verbose header included),
 * within the bytes its IP header says it holds; its TCP numbers absolute.
 */
function printQuoted(ctx: PrintContext): void {
  const d = ctx.d, i = d.icmp;
  const t = i.type;
  if (!(t === 3 || t === 4 || t === 5 || t === 11 || t === 12)) return;
  const start = i.off + 8;
  if (d.end - start < 20 || i.buf[start]! >>> 4 !== 4) return;
  const total = u16be(i.buf, start + 2);
  const capEnd = Math.min(d.end, start + total);
  if (capEnd - start <= 0) return;
  ctx.nested(i.buf, start, capEnd, total, LinkType.RAW, 'icmp', '\n\t', false);
}
