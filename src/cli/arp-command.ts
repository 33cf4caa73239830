/** `netlens arp <file | -i iface>`: the ARP / neighbour-discovery table and findings. */
import type { ArpTable } from '../track/arp-table.js';
import { ArpReport } from '../report/arp.js';
import { paletteFor } from '../encode/palette.js';
import { TimeFormatter } from '../encode/time.js';
import type { Options } from './args.js';
import { runSourceView, type SourceView } from './run-file.js';
import type { ByteSink } from '../encode/sink.js';

export function arpView(opts: Options, out: ByteSink): SourceView {
  let table: ArpTable | null = null;
  const report = new ArpReport(opts.json, paletteFor(process.stdout), new TimeFormatter(opts.time, opts.nano));
  return {
    // The pipeline keeps the table; the view learns which one at its first frame, and from then on takes
    // the records of each address it evicts (the table holds a bounded number).
    sink: {
      packet: (_n, _f, _d, _t, arp) => {
        if (table === null) { table = arp; report.watch(arp); }
      },
      recycle: true,
    },
    end: () => report.finish(table, (l) => out.line(l)),
  };
}

export async function runArp(opts: Options): Promise<number> {
  return runSourceView(opts, 'arp', (out) => arpView(opts, out));
}
