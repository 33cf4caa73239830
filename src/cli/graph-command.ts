/** `netlens graph <source> <conn> --kind K --svg FILE`: one TCP connection's stream graph (tcptrace's and Wireshark's). */
import { parseConnSelector } from '../report/ladder/model.js';
import { GraphCollector } from '../report/graph/model.js';
import { renderGraphSvg } from '../report/graph/svg.js';
import { UsageError, type Options } from './args.js';
import { drawnConnectionSink, noTcpConnection, runSourceView, sourceArgs } from './run-file.js';
import { writeFileInPieces } from './write-file.js';

export async function runGraph(opts: Options): Promise<number> {
  // graph FILE CONN, or graph -i IFACE CONN
  const connArg = sourceArgs(opts).rest[0];
  if (connArg === undefined) throw new UsageError('graph needs a connection: an id from `netlens conns`, or ip:port-ip:port');
  const selector = parseConnSelector(connArg);
  if (selector === null) throw new UsageError(`not a connection id or ip:port-ip:port: ${JSON.stringify(connArg)}`);
  if (opts.svg === null) throw new UsageError('graph needs --svg FILE (- for stdout)');
  const svgPath = opts.svg;
  let found = true;
  const other = { proto: '' };
  const status = await runSourceView(opts, 'graph', (out) => {
    const collector = new GraphCollector(selector, opts.graphKind, opts.graphDir);
    return {
      sink: drawnConnectionSink(selector, collector, other),
      end: () => {
        const head = collector.finish();
        if (head === null) { found = false; return; }
        if (svgPath === '-') {
          renderGraphSvg(head, (s) => out.text(s));
          return;
        }
        writeFileInPieces(svgPath, (write) => renderGraphSvg(head, write));
        const s = head.samples;
        const rtt = head.kind === 'rtt' ? `, ${s.rttSamples} RTT samples` : '';
        out.line(`#${head.id} ${head.kind}: ${head.sender} → ${head.receiver}, ${s.segments} data segments, ${s.retransmissions} retransmitted, ${s.outOfOrders} out of order${rtt} → ${svgPath}`);
      },
    };
  }, 2);
  if (!found) throw noTcpConnection('graph', connArg, other.proto);
  return status;
}
