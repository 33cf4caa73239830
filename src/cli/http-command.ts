/** `netlens http <source>`: every HTTP/1.x request and response (table, or --json one record per request). */
import { HttpCollector, type HttpRecord, httpRecord, httpTable, writeHttpJson } from '../view/http.js';
import { paletteFor } from '../view/palette.js';
import type { Options } from './args.js';
import { runSourceView } from './commands.js';

export async function runHttp(opts: Options): Promise<number> {
  const errors: string[] = [];
  const warn = (text: string): void => {
    if (opts.json) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
  };
  return runSourceView(opts, 'http', (out) => {
    const rows: HttpRecord[] = [];
    const col = new HttpCollector(
      (id, tx) => { if (opts.json) writeHttpJson(out, id, tx); else rows.push(httpRecord(id, tx)); },
      (id, side, msg) => warn(`conn ${id} ${side}: not HTTP from here on (${msg})`),
      { maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal },
      (id, side, held) => warn(`conn ${id} ${side}: out-of-order bytes over the reassembly bounds were dropped (${held} bytes held; --max-held ${opts.maxHeld}, --max-held-total ${opts.maxHeldTotal})`),
    );
    return {
      sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.conn(c), recycle: true },
      end: () => {
        col.end();
        if (opts.json) return;
        const p = paletteFor(process.stdout);
        for (const l of httpTable(rows, p)) out.line(l);
        for (const e of errors) out.line(p.warn(e));
      },
    };
  });
}
