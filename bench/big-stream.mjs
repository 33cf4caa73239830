#!/usr/bin/env node
// Streams a capture of any size for the "flat memory whatever the file size"
// check: the bench capture (a classic pcap) repeated back to back on stdout,
// each copy's timestamps moved past the previous copy's end by more than the
// idle timeout, so it is one long, valid trace and nothing repeats in time.
// Nothing is written to disk.
//   node bench/big-stream.mjs SOURCE.pcap GIGABYTES | node dist/cli/main.js conns --json - >/dev/null
import { readFileSync } from 'node:fs';

const [source, gbArg] = process.argv.slice(2);
if (source === undefined || gbArg === undefined) {
  console.error('usage: node bench/big-stream.mjs SOURCE.pcap GIGABYTES');
  process.exit(2);
}
const src = readFileSync(source);
if (src.readUInt32LE(0) !== 0xa1b2c3d4 && src.readUInt32LE(0) !== 0xa1b23c4d) {
  console.error('big-stream: SOURCE must be a little-endian classic pcap');
  process.exit(1);
}
const target = Number(gbArg) * 1e9;

// Record offsets and first/last seconds of the source.
const offsets = [];
for (let off = 24; off + 16 <= src.length;) {
  const caplen = src.readUInt32LE(off + 8);
  if (off + 16 + caplen > src.length) break;
  offsets.push(off);
  off += 16 + caplen;
}
const first = src.readUInt32LE(offsets[0]), last = src.readUInt32LE(offsets[offsets.length - 1]);
const shift = last - first + 3600; // past tcpIdle (300 s) and udpIdle (60 s)

const copy = Buffer.from(src); // the copy whose timestamps move; the header stays
const out = process.stdout;
out.on('error', () => process.exit(0)); // the reader stopped (EPIPE): done
let written = 0;
await write(src.subarray(0, 24));
for (let rep = 0; written < target; rep++) {
  for (const off of offsets) copy.writeUInt32LE(src.readUInt32LE(off) + rep * shift, off);
  await write(copy.subarray(24));
}

function write(chunk) {
  written += chunk.length;
  return out.write(chunk) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve));
}
