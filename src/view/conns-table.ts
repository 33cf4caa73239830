/** The human `conns` table: one block per conversation, sorted by start. */
import type { ConnSummary } from './json.js';
import { formatDuration } from './events.js';
import type { Palette } from './palette.js';

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

export function connsTable(rows: ConnSummary[], p: Palette): string[] {
  const out: string[] = [];
  for (const c of rows) {
    const head = `${p.bold(`#${c.id}`)} ${c.proto.toUpperCase()} ${p.client(endpoint(c.client.ip, c.client.port))} → ${p.server(endpoint(c.server.ip, c.server.port))}`;
    const counts = `${c.packets.client}/${c.packets.server} pkts, ${bytes(c.bytes.client)} / ${bytes(c.bytes.server)}, ${formatDuration(c.duration)}`;
    if (c.proto === 'udp') {
      out.push(`${head}  ${counts}`);
      continue;
    }
    const rtt = c.rtt !== null && c.rtt !== undefined ? `, rtt ${formatDuration(c.rtt)}` : '';
    const rx = c.retransmissions ? p.analysis(`, ${c.retransmissions} retransmitted`) : '';
    out.push(`${head}  ${p.event(`${c.handshake} / ${c.teardown}`)}  ${c.connState} ${c.history}`);
    out.push(`    ${counts}${rtt}${rx}`);
    out.push(`    client: ${c.states!.client.length ? c.states!.client.join(' → ') : '(never seen)'}`);
    out.push(`    server: ${c.states!.server.length ? c.states!.server.join(' → ') : '(never seen)'}`);
    const m = c.mptcp;
    if (m !== undefined) {
      const token = m.token !== null ? `token ${m.token}` : 'token not seen';
      out.push(`    ${p.event(m.subflow === 'initial' ? `MPTCP initial subflow, ${token}` : `MPTCP subflow joining ${m.of !== null && m.of !== undefined ? `#${m.of}` : 'a connection not captured'}, ${token}`)}`);
    }
  }
  return out;
}
