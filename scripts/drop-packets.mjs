#!/usr/bin/env node
// drop-packets.mjs IN.pcap OUT.pcap [PERCENT=1] [SEED=1]
// Copies a classic pcap, leaving out PERCENT % of its packets chosen by a seeded
// generator (the same seed drops the same packets): a capture with drops, to
// check what the views make of missing bytes (docs/records-hardening.md).
import { readFileSync, writeFileSync } from 'node:fs';

const [inPath, outPath, pctArg = '1', seedArg = '1'] = process.argv.slice(2);
if (inPath === undefined || outPath === undefined) {
  console.error('usage: node scripts/drop-packets.mjs IN.pcap OUT.pcap [PERCENT] [SEED]');
  process.exit(2);
}
const b = readFileSync(inPath);
const magic = b.readUInt32LE(0);
const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
if (!le && b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d) {
  console.error('drop-packets: not a classic pcap file');
  process.exit(1);
}
const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
let seed = Number(seedArg) >>> 0 || 1;
const rand = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 2 ** 32; };
const keep = [b.subarray(0, 24)];
let p = 24, total = 0, dropped = 0;
while (p + 16 <= b.length) {
  const len = u32(p + 8);
  const end = p + 16 + len;
  if (end > b.length) break;
  total++;
  if (rand() * 100 < Number(pctArg)) dropped++;
  else keep.push(b.subarray(p, end));
  p = end;
}
writeFileSync(outPath, Buffer.concat(keep));
console.error(`drop-packets: ${dropped} of ${total} packets dropped`);
