/** `netlens http <source>`: every HTTP/1.x request and response (table, or --json one record per request). */
import { HttpCollector, HttpTableWriter } from '../report/http.js';
import { writeHttpJson } from '../encode/http-record.js';
import { paletteFor } from '../encode/palette.js';
import { LineSpill } from '../report/spill.js';
import type { Options } from './args.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';

export async function runHttp(opts: Options): Promise<number> {
  // The table's warnings come after it: kept like its rows (in memory up to a bound, then a temporary file).
  const errors = new LineSpill();
  const warn = (text: string): void => {
    if (opts.json) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
  };
  return runSourceView(opts, 'http', (out) => {
    const p = paletteFor(process.stdout);
    const time = viewTime(opts, 'http');
    const table = opts.json ? null : new HttpTableWriter(p, undefined, time);
    const col = new HttpCollector(
      (id, tx, communityId) => { if (table === null) writeHttpJson(out, id, tx, communityId); else table.add(id, tx); },
      (id, side, msg) => warn(`conn ${id} ${side}: not HTTP from here on (${msg})`),
      { maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal },
      (id, side, held) => warn(`conn ${id} ${side}: out-of-order bytes over the reassembly bounds were dropped (${held} bytes held; --max-held ${opts.maxHeld}, --max-held-total ${opts.maxHeldTotal})`),
      true,
      (id, pending) => warn(`conn ${id}: more than ${pending} requests waiting for their responses: the oldest are reported without one, and the responses that answer them later are not reported`),
    );
    col.communityIdSeed = opts.communityIdSeed;
    return {
      sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.conn(c), recycle: true, first: (sec, nsec) => time.origin(sec, nsec) },
      end: () => {
        col.end();
        if (table === null) return;
        table.write((l) => out.line(l), hasFilter(opts));
        errors.forEach((e) => out.line(p.warn(e)));
        errors.clear();
      },
    };
  });
}
