/** `netlens ladder <source> <conn>`: one TCP connection as a ladder diagram (text, or --svg FILE). */
import { writeFileSync } from 'node:fs';
import { SourceError } from '../source/frame.js';
import { buildLadder, initialStates, LadderCollector, parseConnSelector } from '../view/ladder.js';
import { renderLadderSvg } from '../view/ladder-svg.js';
import { renderLadderText, terminalSupportsUnicode } from '../view/ladder-text.js';
import { paletteFor } from '../view/palette.js';
import { UsageError, type Options } from './args.js';
import { runSourceView } from './commands.js';

export async function runLadder(opts: Options): Promise<number> {
  // ladder FILE CONN, or ladder -i IFACE CONN
  const connArg = opts.iface !== null ? opts.positional[0] : opts.positional[1];
  if (connArg === undefined) throw new UsageError('ladder needs a connection: an id from `netlens conns`, or ip:port-ip:port');
  const selector = parseConnSelector(connArg);
  if (selector === null) throw new UsageError(`not a connection id or ip:port-ip:port: ${JSON.stringify(connArg)}`);
  const collector = new LadderCollector(selector);
  let found = true;
  const status = await runSourceView(opts, 'ladder', (out) => ({
    sink: { packet: (n, f, d, t) => collector.packet(n, f, d, t) },
    end: () => {
      const model = buildLadder(collector, opts.full);
      if (model === null) { found = false; return; }
      const start = initialStates(collector.conn!);
      if (opts.svg !== null) {
        try {
          writeFileSync(opts.svg, renderLadderSvg(model, start));
        } catch (e) {
          throw new SourceError(`${opts.svg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      const ascii = opts.ascii || !terminalSupportsUnicode();
      for (const line of renderLadderText(model, start, paletteFor(process.stdout), ascii)) out.line(line);
    },
  }), 2);
  if (!found) throw new SourceError(`no TCP connection ${connArg} in this capture (netlens conns lists them)`);
  return status;
}
