/** `netlens http <source>`: every HTTP/1.x request and response (table, or --json one record per request). */
import { HttpCollector, type HttpRecord, httpRecord, httpTable, writeHttpJson } from '../view/http.js';
import { paletteFor } from '../view/palette.js';
import type { Options } from './args.js';
import { runSourceView } from './commands.js';

export async function runHttp(opts: Options): Promise<number> {
  const errors: string[] = [];
  return runSourceView(opts, 'http', (out) => {
    const rows: HttpRecord[] = [];
    const col = new HttpCollector(
      (id, tx) => { if (opts.json) writeHttpJson(out, id, tx); else rows.push(httpRecord(id, tx)); },
      (id, side, msg) => {
        const text = `conn ${id} ${side}: not HTTP from here on (${msg})`;
        if (opts.json) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
      },
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
