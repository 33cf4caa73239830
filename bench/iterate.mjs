// Iterates every packet of a capture and sums captured bytes, with either
// netlens's reader or pcap-parser (the design card's package), to compare
// the two readers alone: node bench/iterate.mjs netlens|pcap-parser FILE
import { createRequire } from 'node:module';
const [mode, file] = process.argv.slice(2);
if (mode === 'netlens') {
  const { CaptureFileReader } = await import('../dist/source/file-reader.js');
  const r = new CaptureFileReader(file);
  let n = 0, bytes = 0;
  for (let f = r.next(); f !== null; f = r.next()) { n++; bytes += f.caplen; }
  console.log(n, bytes);
} else {
  const pcapp = createRequire(import.meta.url)('pcap-parser');
  let n = 0, bytes = 0;
  const p = pcapp.parse(file);
  p.on('packet', (pk) => { n++; bytes += pk.header.capturedLength; });
  p.on('end', () => console.log(n, bytes));
}
