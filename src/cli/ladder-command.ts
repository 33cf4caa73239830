/** `netlens ladder <source> <conn>`: one TCP connection as a ladder diagram (text, or --svg FILE). */
import { LadderCollector, parseConnSelector, type LadderRow } from '../report/ladder/model.js';
import { LadderSvgRenderer } from '../report/ladder/svg.js';
import { LadderTextRenderer } from '../report/ladder/text.js';
import { glyphs } from '../encode/glyphs.js';
import { paletteFor } from '../encode/palette.js';
import { LineSpill } from '../report/spill.js';
import { UsageError, type Options } from './args.js';
import { drawnConnectionSink, noTcpConnection, runSourceView, sourceArgs } from './run-file.js';
import { writeFileInPieces } from './write-file.js';

export async function runLadder(opts: Options): Promise<number> {
  // ladder FILE CONN, or ladder -i IFACE CONN
  const connArg = sourceArgs(opts).rest[0];
  if (connArg === undefined) throw new UsageError('ladder needs a connection: an id from `netlens conns`, or ip:port-ip:port');
  const selector = parseConnSelector(connArg);
  if (selector === null) throw new UsageError(`not a connection id or ip:port-ip:port: ${JSON.stringify(connArg)}`);
  let found = true;
  const other = { proto: '' };
  const status = await runSourceView(opts, 'ladder', (out) => {
    // Rows are drawn as they come and kept (in memory up to a bound, then a temporary file): the
    // diagram's head needs the whole connection, the SVG its height, and the time scale the median
    // gap between rows. The SVG's rows are kept as rows and drawn at the end (their y needs the scale).
    const ascii = opts.ascii || glyphs().ascii;
    const text = new LadderTextRenderer(paletteFor(process.stdout), ascii, { timeScale: opts.timeScale ?? false });
    const textRows = new LineSpill();
    const svgRows = opts.svg !== null ? new LineSpill() : null;
    const collector = new LadderCollector(selector, opts.full, (r) => {
      const e = text.entry(r);
      if (e !== null) textRows.push(e);
      if (svgRows !== null) svgRows.push(JSON.stringify(r));
    });
    return {
      sink: drawnConnectionSink(selector, collector, other),
      end: () => {
        const head = collector.finish();
        if (head === null) { found = false; return; }
        if (svgRows !== null) {
          const svg = new LadderSvgRenderer({ timeScale: opts.timeScale ?? true, foldThreshold: head.foldThreshold });
          const elements = new LineSpill();
          svgRows.forEach((l) => { for (const el of svg.row(JSON.parse(l) as LadderRow)) elements.push(el); });
          svgRows.clear();
          // --svg -: the SVG is the output (on stdout, instead of the text diagram), as graph's.
          if (opts.svg === '-') {
            svg.document(head, head.start, (each) => elements.forEach(each), (s: string) => out.text(s));
            elements.clear();
            textRows.clear();
            return;
          }
          writeFileInPieces(opts.svg!, (write) => svg.document(head, head.start, (each) => elements.forEach(each), write));
          elements.clear();
        }
        text.setFoldThreshold(head.foldThreshold);
        for (const l of text.head(head.client, head.server, head.start)) out.line(l);
        textRows.forEach((e) => text.expand(e, (l) => out.line(l)));
        textRows.clear();
        for (const l of text.summary(head.summary)) out.line(l);
        if (opts.legend) for (const l of text.legend(head)) out.line(l);
      },
    };
  }, 2);
  if (!found) throw noTcpConnection('ladder', connArg, other.proto);
  return status;
}
