/** `netlens http <source>`: every HTTP/1.x request and response (table, or --json one record per request). */
import { HttpCollector, HttpTableWriter } from '../report/http.js';
import { httpRecord, writeHttpJson } from '../encode/http-record.js';
import { openParquetOutput, type ParquetOutput } from './parquet-output.js';
import type { HttpRecord } from '../encode/records.js';
import { paletteFor } from '../encode/palette.js';
import { LineSpill } from '../report/spill.js';
import type { Options } from './args.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';
import { runUidSeed, ZeekHttpLog } from '../encode/zeek-log.js';
import { UsageError } from './args.js';

export async function runHttp(opts: Options): Promise<number> {
  const zeek = opts.format === 'zeek' || opts.format === 'zeek-json';
  if (!zeek && opts.seed !== null) throw new UsageError('--seed goes with --format zeek or zeek-json');
  // --format parquet -w FILE: a row per transaction, the --json record's fields as columns (encode/parquet-table.ts).
  let file: ParquetOutput | null = null;
  let parquet: { add(r: HttpRecord): void; close(): void } | null = null;
  if (opts.format === 'parquet') {
    const { ParquetTable, HTTP_COLUMNS } = await import('../encode/parquet-table.js');
    file = openParquetOutput(opts, 'http');
    parquet = new ParquetTable(file.out, HTTP_COLUMNS);
    opts = file.opts;
  }
  try {
    return await runHttpView(opts, zeek, parquet);
  } finally {
    file?.close();
  }
}

async function runHttpView(opts: Options, zeek: boolean, parquet: { add(r: HttpRecord): void; close(): void } | null): Promise<number> {
  // The table's warnings come after it: kept like its rows (in memory up to a bound, then a temporary file).
  const errors = new LineSpill();
  const warn = (text: string): void => {
    if (opts.json || zeek || parquet !== null) process.stderr.write(`netlens: warning: ${text}\n`); else errors.push(text);
  };
  return runSourceView(opts, 'http', (out) => {
    const p = paletteFor(process.stdout);
    const time = viewTime(opts, 'http');
    const table = opts.json || zeek || parquet !== null ? null : new HttpTableWriter(p, undefined, time);
    // --format zeek: http.log (the same uids as conns' for one --seed).
    const log = zeek ? new ZeekHttpLog(out, opts.format === 'zeek-json', runUidSeed(opts.seed)) : null;
    const col = new HttpCollector(
      (id, tx, communityId) => {
        if (parquet !== null) parquet.add(httpRecord(id, tx, communityId));
        else if (log !== null) log.transaction(id, tx);
        else if (table === null) writeHttpJson(out, id, tx, communityId);
        else table.add(id, tx);
      },
      (id, side, msg) => warn(`conn ${id} ${side}: not HTTP from here on (${msg})`),
      { maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal },
      (id, side, held) => warn(`conn ${id} ${side}: out-of-order bytes over the reassembly bounds were dropped (${held} bytes held; --max-held ${opts.maxHeld}, --max-held-total ${opts.maxHeldTotal})`),
      true,
      (id, pending) => warn(`conn ${id}: more than ${pending} requests waiting for their responses: the oldest are reported without one, and the responses that answer them later are not reported`),
    );
    col.communityIdSeed = opts.communityIdSeed;
    return {
      sink: {
        packet: (n, f, d, t) => { log?.packet(t.conn); col.packet(n, f, d, t); },
        conn: (c) => { col.conn(c); log?.ended(c); },
        recycle: true, first: (sec, nsec) => time.origin(sec, nsec),
      },
      end: () => {
        col.end();
        log?.close();
        parquet?.close();
        if (table === null) return;
        table.write((l) => out.line(l), hasFilter(opts));
        errors.forEach((e) => out.line(p.warn(e)));
        errors.clear();
      },
    };
  });
}
