/** pcapng files built in tests (little-endian): sections, interfaces, enhanced packet blocks, and the records of a classic pcap. */

/** A block: type, total length, body padded to 4 bytes, total length again. */
export function ngBlock(type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const total = 12 + body.length + pad;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type >>> 0, 0); b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

export function ngSection(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0); body.writeUInt16LE(1, 4); body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8); body.writeInt32LE(-1, 12); // section length unknown
  return ngBlock(0x0a0d0d0a, body);
}

/** An interface description: link type, snaplen, and options (if_tsresol = code 9, if_tsoffset = code 14). */
export function ngInterface(linkType: number, snaplen = 0, opts: { tsresol?: number; tsoffset?: bigint } = {}): Buffer {
  const parts = [Buffer.alloc(8)];
  parts[0]!.writeUInt16LE(linkType, 0); parts[0]!.writeUInt32LE(snaplen, 4);
  if (opts.tsresol !== undefined) parts.push(Buffer.from([9, 0, 1, 0, opts.tsresol, 0, 0, 0]));
  if (opts.tsoffset !== undefined) {
    const o = Buffer.alloc(12);
    o.writeUInt16LE(14, 0); o.writeUInt16LE(8, 2); o.writeBigInt64LE(opts.tsoffset, 4);
    parts.push(o);
  }
  if (parts.length > 1) parts.push(Buffer.alloc(4)); // opt_endofopt
  return ngBlock(1, Buffer.concat(parts));
}

/** An enhanced packet block on interface `ifIndex`, time stamp `ts` in the interface's units. */
export function ngPacket(ifIndex: number, ts: bigint, data: Buffer, wireLen = data.length, caplen = data.length): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt32LE(ifIndex, 0);
  head.writeUInt32LE(Number(ts >> 32n) >>> 0, 4); head.writeUInt32LE(Number(ts & 0xffffffffn) >>> 0, 8);
  head.writeUInt32LE(caplen >>> 0, 12); head.writeUInt32LE(wireLen >>> 0, 16);
  return ngBlock(6, Buffer.concat([head, data]));
}

export interface PcapRecord { sec: number; usec: number; data: Buffer; wireLen: number }

/** The records of a little-endian µs classic pcap (a fixture), in order. */
export function pcapRecords(file: Buffer): { header: Buffer; records: PcapRecord[]; raw: Buffer[] } {
  if (file.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('pcapRecords: only little-endian µs classic pcap');
  const records: PcapRecord[] = [];
  const raw: Buffer[] = [];
  for (let p = 24; p + 16 <= file.length;) {
    const cap = file.readUInt32LE(p + 8);
    records.push({ sec: file.readUInt32LE(p), usec: file.readUInt32LE(p + 4), data: file.subarray(p + 16, p + 16 + cap), wireLen: file.readUInt32LE(p + 12) });
    raw.push(file.subarray(p, p + 16 + cap));
    p += 16 + cap;
  }
  return { header: file.subarray(0, 24), records, raw };
}

/** The same records as a one-interface pcapng (Ethernet, µs). */
export function pcapngOf(records: PcapRecord[], linkType = 1): Buffer[] {
  return [ngSection(), ngInterface(linkType), ...records.map((r) => ngPacket(0, BigInt(r.sec) * 1_000_000n + BigInt(r.usec), r.data, r.wireLen))];
}
