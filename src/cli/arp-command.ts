/** `netlens arp <file | -i iface>`: the ARP / neighbour-discovery table and findings. */
import type { ArpTable } from '../track/arp-table.js';
import { arpJsonLines, arpReport } from '../view/arp.js';
import { paletteFor } from '../view/palette.js';
import { TimeFormatter } from '../view/time.js';
import type { Options } from './args.js';
import { runSourceView, type SourceView } from './commands.js';
import type { Output } from './output.js';

export function arpView(opts: Options, out: Output): SourceView {
  let table: ArpTable | null = null;
  return {
    // The pipeline keeps the table; the view only needs to know which one.
    sink: { packet: (_n, _f, _d, _t, arp) => { table = arp; }, recycle: true },
    end: () => {
      if (table === null) {
        if (!opts.json) out.line('Bindings (0)');
        return;
      }
      const lines = opts.json ? arpJsonLines(table) : arpReport(table, paletteFor(process.stdout), new TimeFormatter(opts.time, opts.nano));
      for (const l of lines) out.line(l);
    },
  };
}

export async function runArp(opts: Options): Promise<number> {
  return runSourceView(opts, 'arp', (out) => arpView(opts, out));
}
