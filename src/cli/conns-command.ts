/** `netlens conns`: one record per conversation, as a table or NDJSON (CONTRACT.md `conns --json`). */
import type { Connection } from '../track/tcp/connection.js';
import { ConnsTableWriter } from '../report/conns.js';
import { writeConnJson } from '../encode/conn-record.js';
import { paletteFor } from '../encode/palette.js';
import type { Options } from './args.js';
import type { ByteSink } from '../encode/sink.js';
import type { PacketSink } from '../pipeline.js';
import { runSourceView } from './run-file.js';

function connsSink(opts: Options, out: ByteSink): { sink: PacketSink; end(): void } {
  if (opts.json) {
    return { sink: { conn: (c: Connection) => writeConnJson(out, c), recycle: true }, end: () => out.flush() };
  }
  // Printed as conversations end, in id order (held or spilled only while a lower id is still open).
  const table = new ConnsTableWriter(paletteFor(process.stdout), (block) => out.line(block));
  return {
    sink: { conn: (c: Connection) => table.add(c), recycle: true },
    end: () => {
      table.end();
      out.flush();
    },
  };
}

export async function runConns(opts: Options): Promise<number> {
  return runSourceView(opts, 'conns', (out) => connsSink(opts, out));
}
