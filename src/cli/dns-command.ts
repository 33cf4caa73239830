/** `netlens dns <source>`: every DNS query and its response over UDP and TCP (table, or --json one record per transaction). */
import { DnsCollector, DnsTableWriter } from '../report/dns.js';
import { writeDnsJson } from '../encode/dns-record.js';
import { paletteFor } from '../encode/palette.js';
import { LineSpill } from '../report/spill.js';
import { type Options, UsageError } from './args.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';

export async function runDns(opts: Options): Promise<number> {
  if (opts.format === 'zeek' || opts.format === 'zeek-json') throw new UsageError(`dns --format ${opts.format}: Zeek's dns.log is not written yet (--format text or json)`);
  // The table's warnings come after it, as http's do.
  const errors = new LineSpill();
  const warn = (text: string): void => {
    if (opts.json) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
  };
  return runSourceView(opts, 'dns', (out) => {
    const p = paletteFor(process.stdout);
    const time = viewTime(opts, 'dns');
    const table = opts.json ? null : new DnsTableWriter(p, undefined, time);
    const col = new DnsCollector(
      (tx) => { if (table === null) writeDnsJson(out, tx); else table.add(tx); },
      { maxPending: opts.maxPending, timeout: opts.dnsTimeout, maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal },
      (id, side) => warn(`conn ${id} ${side}: bytes missing from the capture: DNS messages after them are not read (their lengths cannot be trusted)`),
    );
    return {
      sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.conn(c), recycle: true, first: (sec, nsec) => time.origin(sec, nsec) },
      end: () => {
        col.end();
        if (col.evicted > 0) warn(`${col.evicted} queries were reported unanswered early: more than ${opts.maxPending} waited at once (--max-pending)`);
        if (table === null) return;
        table.write((l) => out.line(l), hasFilter(opts));
        errors.forEach((e) => out.line(p.warn(e)));
        errors.clear();
      },
    };
  });
}
