#!/usr/bin/env node
// A floor for any Node tool on a classic pcap: read the whole file, then touch
// every packet once (Ethernet/IPv4/TCP ports, a Map lookup per flow, three
// counters). Run under `time` next to tcptrace: node bench/floor.mjs [PCAP]
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? join(dirname(dirname(fileURLToPath(import.meta.url))), 'bench', 'out', 'traffic.pcap');
const fd = openSync(file);
const size = fstatSync(fd).size;
const buf = Buffer.allocUnsafe(size);
readSync(fd, buf, 0, size, 0);
closeSync(fd);
const flows = new Map();
let off = 24, packets = 0;
while (off + 16 <= size) {
  const caplen = buf.readUInt32LE(off + 8);
  const p = off + 16;
  off = p + caplen;
  packets++;
  if (buf[p + 12] !== 8 || buf[p + 13] !== 0 || buf[p + 23] !== 6) continue;
  const t = p + 14 + (buf[p + 14] & 15) * 4;
  const a = buf.readUInt32BE(p + 26), b = buf.readUInt32BE(p + 30);
  const sp = buf.readUInt16BE(t), dp = buf.readUInt16BE(t + 2);
  const key = a < b || (a === b && sp < dp) ? `${a}:${sp}-${b}:${dp}` : `${b}:${dp}-${a}:${sp}`;
  let c = flows.get(key);
  if (c === undefined) { c = { packets: 0, bytes: 0, flags: 0 }; flows.set(key, c); }
  c.packets++; c.bytes += caplen; c.flags |= buf[t + 13];
}
console.log(`${packets} packets, ${flows.size} TCP flows`);
