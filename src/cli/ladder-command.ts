/** `netlens ladder <source> <conn>`: one TCP connection as a ladder diagram (text, or --svg FILE). */
import { SourceError } from '../frame.js';
import { LadderCollector, parseConnSelector } from '../report/ladder/model.js';
import { LadderSvgRenderer } from '../report/ladder/svg.js';
import { LadderTextRenderer } from '../report/ladder/text.js';
import { glyphs } from '../encode/glyphs.js';
import { paletteFor } from '../encode/palette.js';
import { LineSpill } from '../report/spill.js';
import { UsageError, type Options } from './args.js';
import { runSourceView, sourceArgs } from './run-file.js';
import { writeFileInPieces } from './write-file.js';

export async function runLadder(opts: Options): Promise<number> {
  // ladder FILE CONN, or ladder -i IFACE CONN
  const connArg = sourceArgs(opts).rest[0];
  if (connArg === undefined) throw new UsageError('ladder needs a connection: an id from `netlens conns`, or ip:port-ip:port');
  const selector = parseConnSelector(connArg);
  if (selector === null) throw new UsageError(`not a connection id or ip:port-ip:port: ${JSON.stringify(connArg)}`);
  let found = true;
  const status = await runSourceView(opts, 'ladder', (out) => {
    // Rows are drawn as they come and kept (in memory up to a bound, then a temporary file): the
    // diagram's head needs the whole connection, and the SVG's its height.
    const ascii = opts.ascii || glyphs().ascii;
    const text = new LadderTextRenderer(paletteFor(process.stdout), ascii);
    const textRows = new LineSpill();
    const svg = opts.svg !== null ? new LadderSvgRenderer() : null;
    const svgRows = svg !== null ? new LineSpill() : null;
    const collector = new LadderCollector(selector, opts.full, (r) => {
      textRows.push(text.row(r));
      if (svg !== null) for (const el of svg.row(r)) svgRows!.push(el);
    });
    return {
      sink: { packet: (n, f, d, t) => collector.packet(n, f, d, t), conn: (c) => collector.connEnded(c), recycle: true },
      end: () => {
        const head = collector.finish();
        if (head === null) { found = false; return; }
        if (svg !== null) {
          writeFileInPieces(opts.svg!, (write) => svg.document(head, head.start, (each) => svgRows!.forEach(each), write));
          svgRows!.clear();
        }
        for (const l of text.head(head.client, head.server, head.start)) out.line(l);
        textRows.forEach((l) => out.line(l));
        textRows.clear();
        for (const l of text.summary(head.summary)) out.line(l);
      },
    };
  }, 2);
  if (!found) throw new SourceError(`no TCP connection ${connArg} in this capture (netlens conns lists them)`);
  return status;
}
