/** `netlens follow <source> <conn>`: a conversation's reassembled byte streams (text, --hex, or --raw client|server). */
import { SourceError } from '../frame.js';
import { FollowCollector, type FollowMode } from '../report/follow.js';
import { parseConnSelector } from '../report/ladder/model.js';
import { noColor, paletteFor } from '../encode/palette.js';
import { UsageError, type Options } from './args.js';
import { runSourceView, sourceArgs } from './run-file.js';

export async function runFollow(opts: Options): Promise<number> {
  // follow FILE CONN, or follow -i IFACE CONN
  const connArg = sourceArgs(opts).rest[0];
  if (connArg === undefined) throw new UsageError('follow needs a connection: an id from `netlens conns`, or ip:port-ip:port');
  const selector = parseConnSelector(connArg);
  if (selector === null) throw new UsageError(`not a connection id or ip:port-ip:port: ${JSON.stringify(connArg)}`);
  if (opts.raw !== null && opts.hex) throw new UsageError('--raw and --hex do not go together');
  const mode: FollowMode = opts.raw !== null ? { kind: 'raw', side: opts.raw } : opts.hex ? { kind: 'hex' } : { kind: 'text' };
  let found = true;
  let collector: FollowCollector | null = null;
  const status = await runSourceView(opts, 'follow', (out) => {
    collector = new FollowCollector(selector, mode, {
      line: (s) => out.line(s),
      bytes: (b) => {
        // Binary-safe: straight into the output buffer, no string on the way, 64 KiB at a time.
        for (let p = 0; p < b.length; p += 1 << 16) {
          const end = Math.min(b.length, p + (1 << 16));
          out.reserve(end - p);
          out.bytes(b.subarray(p, end));
        }
      },
    }, mode.kind === 'raw' ? noColor : paletteFor(process.stdout), { maxHeld: opts.maxHeld, maxHeldTotal: opts.maxHeldTotal });
    const col = collector;
    return {
      sink: { packet: (n, f, d, t) => col.packet(n, f, d, t), conn: (c) => col.connEnded(c), recycle: true },
      end: () => { found = col.end(); },
    };
  }, 2);
  if (!found) throw new SourceError(`no conversation ${connArg} in this capture (netlens conns lists them)`);
  const col = collector as FollowCollector | null;
  if (col !== null && mode.kind === 'raw') {
    const side = col.clientSide ^ (mode.side === 'client' ? 0 : 1);
    if (col.gapBytes[side]! > 0) process.stderr.write(`netlens: warning: ${col.gapBytes[side]} bytes of the ${mode.side}'s stream were not captured (left out)\n`);
  }
  if (col !== null && col.limited) {
    process.stderr.write(`netlens: warning: out-of-order bytes over the reassembly bounds were dropped (--max-held ${opts.maxHeld}, --max-held-total ${opts.maxHeldTotal})\n`);
  }
  return status;
}
