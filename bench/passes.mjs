#!/usr/bin/env node
// How much of a run is V8 warming up: decodes and tracks the same capture
// several times in one process and prints each pass's time. The first pass
// is what a `netlens conns` run pays; later ones run on code already optimized.
//   node bench/passes.mjs [PCAP] [PASSES=5]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { CaptureFileReader } = await import(join(root, 'dist', 'source', 'file-reader.js'));
const { PacketDecoder } = await import(join(root, 'dist', 'decode', 'packet-decoder.js'));
const { Tracker } = await import(join(root, 'dist', 'track', 'tracker.js'));
const file = process.argv[2] ?? join(root, 'bench', 'out', 'traffic.pcap');
const passes = Number(process.argv[3] ?? 5);
for (let pass = 1; pass <= passes; pass++) {
  const t0 = performance.now();
  const r = new CaptureFileReader(file);
  const d = new PacketDecoder();
  let ended = 0, n = 0;
  const t = new Tracker({ onEnd: () => { ended++; }, recycle: true });
  for (let f = r.next(); f !== null; f = r.next()) { n++; d.decode(f); t.observe(d, f.tsSec, f.tsNsec); }
  t.finish();
  r.close();
  console.log(`pass ${pass}: ${n} packets, ${ended} conversations, ${(performance.now() - t0).toFixed(0)} ms`);
}
