// Writes a classic pcap of N SYNs from distinct (spoofed) sources to one
// server, never answered: the conversation table's worst case.
//   node bench/syn-flood.mjs OUT.pcap [N=1000000]
import { openSync, writeSync, closeSync } from 'node:fs';
const [out, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const fd = openSync(out, 'w');
const hdr = Buffer.alloc(24);
hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
hdr.writeUInt32LE(65535, 16); hdr.writeUInt32LE(1, 20);
writeSync(fd, hdr);
const REC = 16 + 54;
const BATCH = 10000;
const buf = Buffer.alloc(REC * BATCH);
const t0 = 1_763_800_000;
for (let i = 0; i < n; i += BATCH) {
  const m = Math.min(BATCH, n - i);
  for (let j = 0; j < m; j++) {
    const k = i + j, o = j * REC;
    const us = k * 10; // 100k SYN/s
    buf.writeUInt32LE(t0 + Math.floor(us / 1e6), o); buf.writeUInt32LE(us % 1e6, o + 4);
    buf.writeUInt32LE(54, o + 8); buf.writeUInt32LE(54, o + 12);
    const f = o + 16;
    buf.fill(0, f, f + 54);
    buf.writeUInt32BE(0x02000000, f); buf.writeUInt16BE(0x0002, f + 4); buf.writeUInt32BE(0x02000000, f + 6); buf.writeUInt16BE(0x0001, f + 10);
    buf.writeUInt16BE(0x0800, f + 12);
    const ip = f + 14;
    buf[ip] = 0x45; buf.writeUInt16BE(40, ip + 2); buf[ip + 8] = 64; buf[ip + 9] = 6;
    buf.writeUInt32BE((0x0a000000 | (k + 1)) >>> 0, ip + 12); // 10.x.y.z, one source per SYN
    buf.writeUInt32BE(0xc0a80001, ip + 16);
    let sum = 0;
    for (let q = ip; q < ip + 20; q += 2) sum += buf.readUInt16BE(q);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    buf.writeUInt16BE(~sum & 0xffff, ip + 10);
    const tcp = ip + 20;
    buf.writeUInt16BE(1024 + (k % 60000), tcp); buf.writeUInt16BE(80, tcp + 2);
    buf.writeUInt32BE((k * 2654435761) >>> 0, tcp + 4);
    buf.writeUInt16BE(0x5002, tcp + 12); buf.writeUInt16BE(64240, tcp + 14);
  }
  writeSync(fd, buf, 0, m * REC);
}
closeSync(fd);
console.log(`${out}: ${n} SYNs`);
