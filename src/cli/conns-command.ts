/** `netlens conns`: one record per conversation, as a table or NDJSON (CONTRACT.md `conns --json`). */
import type { Connection } from '../track/tcp/connection.js';
import { ConnsTableWriter } from '../report/conns.js';
import { writeConnJson } from '../encode/conn-record.js';
import { paletteFor } from '../encode/palette.js';
import type { Options } from './args.js';
import type { ByteSink } from '../encode/sink.js';
import type { PacketSink } from '../pipeline.js';
import { hasFilter, runSourceView, viewTime } from './run-file.js';

function connsSink(opts: Options, out: ByteSink): { sink: PacketSink; end(): void } {
  if (opts.json) {
    return { sink: { conn: (c: Connection) => writeConnJson(out, c, opts.communityIdSeed), recycle: true }, end: () => out.flush() };
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

export async function runConns(opts: Options): Promise<number> {
  return runSourceView(opts, 'conns', (out) => connsSink(opts, out));
}
