/** `netlens dns <source>`: every DNS query and its response over UDP and TCP (table, --json one record per transaction, or Zeek's dns.log). */
import { DnsCollector, DnsTableWriter } from '../report/dns.js';
import { writeDnsJson } from '../encode/dns-record.js';
import { paletteFor } from '../encode/palette.js';
import { runUidSeed } from '../encode/zeek-log.js';
import { ZeekDnsLog } from '../encode/zeek-dns-log.js';
import { LineSpill } from '../report/spill.js';
import { type Options, UsageError } from './args.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';

export async function runDns(opts: Options): Promise<number> {
  const zeek = opts.format === 'zeek' || opts.format === 'zeek-json';
  if (!zeek && opts.seed !== null) throw new UsageError('--seed goes with --format zeek or zeek-json');
  // The table's warnings come after it, as http's do.
  const errors = new LineSpill();
  const warn = (text: string): void => {
    if (opts.json || zeek) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
  };
  return runSourceView(opts, 'dns', (out) => {
    const p = paletteFor(process.stdout);
    const time = viewTime(opts, 'dns');
    const table = opts.json || zeek ? null : new DnsTableWriter(p, undefined, time);
    // --format zeek: dns.log, paired as Zeek pairs (the same uids as conns' for one --seed).
    const log = zeek ? new ZeekDnsLog(out, opts.format === 'zeek-json', runUidSeed(opts.seed), opts.communityIdSeed) : null;
    const col = new DnsCollector(
      (tx) => { if (log !== null) return; if (table === null) writeDnsJson(out, tx); else table.add(tx); },
      { maxPending: opts.maxPending, timeout: opts.dnsTimeout, maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal },
      (id, side) => warn(`conn ${id} ${side}: bytes missing from the capture: DNS messages after them are not read (their lengths cannot be trusted)`),
    );
    if (log !== null) col.onMessage = (v, c, transport) => log.message(v, c, transport, col.sec, col.nsec);
    return {
      sink: {
        packet: (n, f, d, t) => col.packet(n, f, d, t),
        conn: (c) => { col.conn(c); log?.ended(c); },
        recycle: true, first: (sec, nsec) => time.origin(sec, nsec),
      },
      end: () => {
        col.end();
        log?.close();
        if (col.evicted > 0 && log === null) warn(`${col.evicted} queries were reported unanswered early: more than ${opts.maxPending} waited at once (--max-pending)`);
        if (table === null) return;
        table.write((l) => out.line(l), hasFilter(opts));
        errors.forEach((e) => out.line(p.warn(e)));
        errors.clear();
      },
    };
  });
}
