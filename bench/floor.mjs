#!/usr/bin/env node
// A floor for any Node tool on a classic pcap: start Node, read the file in
// 4 MiB chunks as netlens's reader does (never the whole file in memory), and
// touch every packet once: Ethernet/IPv4/TCP ports, a flow lookup in
// an open-addressing table of typed arrays (no object or string per packet or
// per flow), three counters per flow. No TCP state, no analysis, no output
// beyond one line. Run under `time` next to tcptrace: node bench/floor.mjs [PCAP]
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? join(dirname(dirname(fileURLToPath(import.meta.url))), 'bench', 'out', 'traffic.pcap');
const fd = openSync(file);
const CHUNK = 4 * 1024 * 1024;
let buf = Buffer.allocUnsafe(CHUNK);
let have = 0; // bytes in buf
let eof = false;
/** Keeps the bytes from `from` on, and reads more after them; false at the end of the file. */
function refill(from) {
  buf.copy(buf, 0, from, have);
  have -= from;
  if (have === buf.length) { const bigger = Buffer.allocUnsafe(buf.length * 2); buf.copy(bigger, 0, 0, have); buf = bigger; }
  const n = readSync(fd, buf, have, buf.length - have, null);
  if (n === 0) eof = true;
  have += n;
  return n > 0;
}
refill(0);

const SLOTS = 1 << 20; // power of two, far above the flows of any bench capture
const keyA = new Int32Array(SLOTS), keyB = new Int32Array(SLOTS), keyPorts = new Int32Array(SLOTS);
const used = new Uint8Array(SLOTS);
const packetsOf = new Int32Array(SLOTS), bytesOf = new Float64Array(SLOTS), flagsOf = new Int32Array(SLOTS);
let flows = 0;

let off = 24, packets = 0;
for (;;) {
  if (off + 16 > have || off + 16 + (buf[off + 8] | (buf[off + 9] << 8) | (buf[off + 10] << 16) | (buf[off + 11] << 24)) > have) {
    if (eof || !refill(off)) break;
    off = 0;
    continue;
  }
  const caplen = buf[off + 8] | (buf[off + 9] << 8) | (buf[off + 10] << 16) | (buf[off + 11] << 24);
  const p = off + 16;
  off = p + caplen;
  packets++;
  if (buf[p + 12] !== 8 || buf[p + 13] !== 0 || buf[p + 23] !== 6) continue;
  const t = p + 14 + (buf[p + 14] & 15) * 4;
  const a = (buf[p + 26] << 24) | (buf[p + 27] << 16) | (buf[p + 28] << 8) | buf[p + 29];
  const b = (buf[p + 30] << 24) | (buf[p + 31] << 16) | (buf[p + 32] << 8) | buf[p + 33];
  const sp = (buf[t] << 8) | buf[t + 1], dp = (buf[t + 2] << 8) | buf[t + 3];
  // Canonical direction: the lower (address, port) first.
  const fwd = a < b || (a === b && sp <= dp);
  const ka = fwd ? a : b, kb = fwd ? b : a, kp = fwd ? (sp << 16) | dp : (dp << 16) | sp;
  let h = Math.imul(ka ^ Math.imul(kb, 0x9e3779b1) ^ Math.imul(kp, 0x85ebca6b), 0xc2b2ae35);
  h = (h ^ (h >>> 15)) & (SLOTS - 1);
  while (used[h] === 1 && (keyA[h] !== ka || keyB[h] !== kb || keyPorts[h] !== kp)) h = (h + 1) & (SLOTS - 1);
  if (used[h] === 0) { used[h] = 1; keyA[h] = ka; keyB[h] = kb; keyPorts[h] = kp; flows++; }
  packetsOf[h]++;
  bytesOf[h] += caplen;
  flagsOf[h] |= buf[t + 13];
}
closeSync(fd);
console.log(`${packets} packets, ${flows} TCP flows`);
