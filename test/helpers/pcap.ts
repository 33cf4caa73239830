/** Capture files built in tests: classic pcap (little-endian, µs). */

/** A frame cut by the snapshot length: `data` captured of `wireLen` sent. */
export interface CutFrame { data: Buffer; wireLen: number }

/** A classic pcap holding the given frames (Ethernet unless `linkType` says), one second apart from `startSec`. */
export function classicPcap(frames: (Buffer | CutFrame)[], startSec = 1763800000, linkType = 1): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16); head.writeUInt32LE(linkType, 20);
  return Buffer.concat([head, ...frames.flatMap((f, i) => {
    const data = Buffer.isBuffer(f) ? f : f.data;
    const r = Buffer.alloc(16);
    r.writeUInt32LE(startSec + i, 0); r.writeUInt32LE(data.length, 8); r.writeUInt32LE(Buffer.isBuffer(f) ? data.length : f.wireLen, 12);
    return [r, data];
  })]);
}

/** An IPv4 packet (20-byte header, TTL 64, its checksum right) carrying `l4` as protocol `proto`. */
export function ipv4Packet(proto: number, src: string, dst: string, l4: Buffer): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(20 + l4.length, 2); ip[8] = 64; ip[9] = proto;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([ip, l4]);
}

export interface TcpSegment {
  src?: string; dst?: string; sport?: number; dport?: number;
  seq: number; ack?: number;
  /** TCP flag bits (0x02 SYN, 0x10 ACK, 0x18 PSH|ACK, 0x11 FIN|ACK); default PSH|ACK. */
  flags?: number;
  payload?: Buffer;
}

/** Ethernet + IPv4 + TCP; checksums are left zero (netlens and tcpdump -nn do not check them). */
export function tcpSegment(s: TcpSegment): Buffer {
  const payload = s.payload ?? Buffer.alloc(0);
  const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(40 + payload.length, 2); ip[8] = 64; ip[9] = 6;
  Buffer.from((s.src ?? '10.0.0.1').split('.').map(Number)).copy(ip, 12);
  Buffer.from((s.dst ?? '10.0.0.2').split('.').map(Number)).copy(ip, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.sport ?? 40000, 0); tcp.writeUInt16BE(s.dport ?? 9000, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4); tcp.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  tcp[12] = 0x50; tcp[13] = s.flags ?? 0x18; tcp.writeUInt16BE(512, 14);
  return Buffer.concat([eth, ip, tcp, payload]);
}
