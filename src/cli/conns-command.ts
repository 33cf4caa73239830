/** `netlens conns`: one record per conversation, as a table or NDJSON (CONTRACT.md `conns --json`). */
import type { Connection } from '../track/tcp/connection.js';
import { ConnsTableWriter } from '../report/conns.js';
import { writeConnJson } from '../encode/conn-record.js';
import { openParquetOutput } from './parquet-output.js';
import { paletteFor } from '../encode/palette.js';
import type { Options } from './args.js';
import type { ByteSink } from '../encode/sink.js';
import type { PacketSink } from '../pipeline.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';
import { UsageError } from './args.js';
import { CONN_FIELDS, connLogValues, type LocalNet, runUidSeed, ZeekLogWriter, zeekLocalNets } from '../encode/zeek-log.js';

/** --format zeek / zeek-json: Zeek's conn.log, a row per conversation as it ends (Zeek logs at connection_state_remove). */
function zeekConnsSink(opts: Options, out: ByteSink): { sink: PacketSink; end(): void } {
  let localNets: LocalNet[];
  try { localNets = zeekLocalNets(opts.zeekLocalNets); } catch (e) { throw new UsageError((e as Error).message); }
  const log = new ZeekLogWriter(out, 'conn', CONN_FIELDS, opts.format === 'zeek-json');
  const o = { uidSeed: runUidSeed(opts.seed), localNets, communityIdSeed: opts.communityIdSeed };
  // Interim rows (Zeek's conn_long: conn.log's columns, the same uid, the connection so far) share the stream.
  const row = (c: Connection) => log.row(connLogValues(c, o));
  return { sink: { conn: row, interim: row, recycle: true }, end: () => { log.close(); out.flush(); } };
}

function connsSink(opts: Options, out: ByteSink): { sink: PacketSink; end(): void } {
  if (opts.format === 'zeek' || opts.format === 'zeek-json') return zeekConnsSink(opts, out);
  if (opts.zeekLocalNets !== null || opts.seed !== null) throw new UsageError(`${opts.zeekLocalNets !== null ? '--zeek-local-nets' : '--seed'} goes with --format zeek or zeek-json`);
  if (opts.json) {
    return {
      sink: { conn: (c: Connection) => writeConnJson(out, c, opts.communityIdSeed), interim: (c: Connection) => writeConnJson(out, c, opts.communityIdSeed, true), recycle: true },
      end: () => out.flush(),
    };
  }
  // Printed as conversations end, in id order (held or spilled only while a lower id is still open).
  const p = paletteFor(process.stdout);
  const time = viewTime(opts, 'conns');
  const table = new ConnsTableWriter(p, (block) => out.line(block), undefined, time);
  return {
    sink: { conn: (c: Connection) => table.add(c), recycle: true, first: (sec, nsec) => time.origin(sec, nsec) },
    end: () => {
      table.end();
      out.line(table.summary.text(p, hasFilter(opts)));
      out.flush();
    },
  };
}

/** --format parquet -w FILE: a row per conversation as it ends, the --json record's fields as columns (encode/parquet-table.ts). */
async function runConnsParquet(opts: Options): Promise<number> {
  if (opts.zeekLocalNets !== null || opts.seed !== null) throw new UsageError(`${opts.zeekLocalNets !== null ? '--zeek-local-nets' : '--seed'} goes with --format zeek or zeek-json`);
  const { ParquetTable, connColumns } = await import('../encode/parquet-table.js');
  const file = openParquetOutput(opts, 'conns');
  try {
    const table = new ParquetTable(file.out, connColumns(opts.communityIdSeed));
    return await runSourceView(file.opts, 'conns', () => ({
      sink: { conn: (c: Connection) => table.add(c), recycle: true },
      end: () => table.close(),
    }));
  } finally {
    file.close();
  }
}

/**
 * --interim's default: every 60 s of a live capture with --json, so that a
 * long connection shows before it ends. Zeek's formats only when asked: a
 * conn.log reader takes each row for a connection that ended (Zeek's own
 * long-connection rows go to a log of their own, conn_long.log).
 */
export const LIVE_INTERIM_DEFAULT = 60;

export function interimSeconds(opts: Options): number {
  if (opts.interim !== null) return opts.interim;
  return opts.iface !== null && opts.json && opts.format !== 'zeek' && opts.format !== 'zeek-json' ? LIVE_INTERIM_DEFAULT : 0;
}

export async function runConns(opts: Options): Promise<number> {
  if (opts.interim !== null && opts.interim > 0 && !opts.json && opts.format !== 'zeek' && opts.format !== 'zeek-json') {
    throw new UsageError('--interim goes with --json or --format zeek|zeek-json (the table prints each conversation once)');
  }
  if (opts.format === 'parquet') return runConnsParquet(opts);
  const resolved: Options = { ...opts, interim: interimSeconds(opts) };
  return runSourceView(resolved, 'conns', (out) => connsSink(resolved, out));
}
