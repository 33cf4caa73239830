/**
 * `conns --format parquet` and `http --format parquet`, read back by DuckDB
 * (an engine that shares no code with the writer): every row, put back into
 * the `--json` record's shape, equals the record `--json` writes, on every
 * fixture; DESCRIBE shows the column types docs/records.md promises. DuckDB
 * reads a TIMESTAMP(NANOS, UTC) as a TIMESTAMP WITH TIME ZONE, which holds
 * microseconds: the nanoseconds are checked with hyparquet (the writer's
 * author's reader) besides. Skips with the reason when @duckdb/node-api
 * (a devDependency with a prebuilt binary per platform) cannot be loaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, ndjson, netlens } from '../helpers/netlens.js';
import { ByteSink } from '../../src/encode/sink.js';
import { connColumns, HTTP_COLUMNS, ParquetTable } from '../../src/encode/parquet-table.js';
import type { HttpRecord } from '../../src/encode/records.js';

type DuckConn = { runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): Record<string, any>[] }> };
let duck: DuckConn | null = null;
let duckMissing = '';
try {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  duck = await (await DuckDBInstance.create(':memory:')).connect() as unknown as DuckConn;
} catch (e) {
  duckMissing = `@duckdb/node-api cannot be loaded (${(e as Error).message.split('\n')[0]})`;
  console.warn(`parquet.test: skipping: ${duckMissing}`);
}

const dir = mkdtempSync(join(tmpdir(), 'nlE-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PCAPS = readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap')).sort();

async function query(sql: string): Promise<Record<string, any>[]> {
  return (await duck!.runAndReadAll(sql)).getRowObjectsJson();
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The columns as DuckDB types them. */
async function describeTypes(file: string): Promise<Record<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  return Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
}

/** The timestamp columns as epoch microseconds (what DuckDB's TIMESTAMPTZ holds), the rest as they are. */
async function rowsOf(file: string, tsColumns: string[]): Promise<Record<string, any>[]> {
  const ts = tsColumns.map((c) => `epoch_us(${c}) AS ${c}`).join(', ');
  return query(`SELECT * REPLACE (${ts}) FROM read_parquet(${sqlString(file)})`);
}

/** A record's "sec.nnnnnnnnn" as microseconds, truncated (as DuckDB reads nanoseconds into a TIMESTAMPTZ). */
const micros = (ts: string | null): string | null => ts === null ? null : (BigInt(ts.replace('.', '')) / 1000n).toString();
const nanos = (ts: string | null): bigint | null => ts === null ? null : BigInt(ts.replace('.', ''));
/** DuckDB's JSON gives BIGINTs as strings. */
const num = (v: string | null): number | null => v === null ? null : Number(v);

/** A conns row back in the --json record's shape (fields absent where the record leaves them out). */
function connFromRow(r: Record<string, any>): Record<string, any> {
  const c: Record<string, any> = {
    type: 'conn', id: num(r.id), proto: r.proto,
    client: { ip: r.client_ip, port: r.client_port }, server: { ip: r.server_ip, port: r.server_port },
    communityId: r.community_id, firstTs: r.first_ts, lastTs: r.last_ts, duration: r.duration,
    packets: { client: num(r.packets_client), server: num(r.packets_server) },
    bytes: { client: num(r.bytes_client), server: num(r.bytes_server) },
  };
  if (r.proto === 'tcp') {
    Object.assign(c, {
      handshake: r.handshake, teardown: r.teardown, rtt: r.rtt,
      states: { client: r.states_client, server: r.states_server },
      connState: r.conn_state, history: r.history, retransmissions: num(r.retransmissions), missedBytes: num(r.missed_bytes),
    });
  }
  if (r.mptcp_subflow !== null) {
    c.mptcp = { subflow: r.mptcp_subflow, token: r.mptcp_token };
    if (r.mptcp_subflow === 'additional') c.mptcp.of = num(r.mptcp_of);
  }
  return c;
}

function httpFromRow(r: Record<string, any>): Record<string, any> {
  const h: Record<string, any> = {
    type: 'http', conn: num(r.conn), communityId: r.community_id, method: r.method, uri: r.uri, host: r.host, status: r.status,
    requestTs: r.request_ts, responseTs: r.response_ts, latency: r.latency, responseEndTs: r.response_end_ts, ttlb: r.ttlb,
    requestBodyBytes: num(r.request_body_bytes), responseBodyBytes: num(r.response_body_bytes),
  };
  if (r.gap_bytes !== null) h.gapBytes = num(r.gap_bytes);
  return h;
}

const CONN_TS = ['first_ts', 'last_ts'];
const HTTP_TS = ['request_ts', 'response_ts', 'response_end_ts'];

/** The timestamp columns as exact nanoseconds, read by hyparquet (BigInt, not its default Date). */
async function nanosOf(file: string, columns: string[]): Promise<Record<string, bigint | null>[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const bytes = readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return await parquetReadObjects({ file: buf, columns, parsers: { timestampFromNanoseconds: (n: bigint) => n } as any }) as Record<string, bigint | null>[];
}

describe.skipIf(duck === null)('--format parquet, read back by DuckDB', () => {
  it('conns: DESCRIBE gives the documented types', async () => {
    const file = join(dir, 'types.parquet');
    expect(netlens(['conns', '--format', 'parquet', '-w', file, join(FIXTURES, 'mixed.pcap')]).status).toBe(0);
    const types = await describeTypes(file);
    expect(types).toMatchObject({
      id: 'BIGINT', proto: 'VARCHAR', client_ip: 'VARCHAR', client_port: 'USMALLINT', server_ip: 'VARCHAR', server_port: 'USMALLINT',
      community_id: 'VARCHAR', first_ts: 'TIMESTAMP WITH TIME ZONE', last_ts: 'TIMESTAMP WITH TIME ZONE', duration: 'DOUBLE',
      packets_client: 'BIGINT', packets_server: 'BIGINT', bytes_client: 'BIGINT', bytes_server: 'BIGINT',
      handshake: 'VARCHAR', teardown: 'VARCHAR', rtt: 'DOUBLE', states_client: 'VARCHAR[]', states_server: 'VARCHAR[]',
      conn_state: 'VARCHAR', history: 'VARCHAR', retransmissions: 'BIGINT', missed_bytes: 'BIGINT',
      mptcp_subflow: 'VARCHAR', mptcp_token: 'VARCHAR', mptcp_of: 'BIGINT',
    });
    expect(Object.keys(types)).toEqual(connColumns(0).map((c) => c.name));
    // Compressed, with statistics (min/max and null counts) in every column chunk.
    const meta = await query(`SELECT path_in_schema, compression, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(${sqlString(file)})`);
    for (const m of meta) {
      expect(m.compression, m.path_in_schema).toBe('SNAPPY');
      expect(m.stats_null_count, m.path_in_schema).not.toBeNull();
    }
    const port = meta.find((m) => m.path_in_schema === 'server_port')!;
    expect([port.stats_min_value, port.stats_max_value]).toEqual(['53', '8080']);
  });

  it('http: DESCRIBE gives the documented types', async () => {
    const file = join(dir, 'http-types.parquet');
    expect(netlens(['http', '--format', 'parquet', '-w', file, join(FIXTURES, 'http-keepalive.pcap')]).status).toBe(0);
    expect(await describeTypes(file)).toEqual({
      conn: 'BIGINT', community_id: 'VARCHAR', method: 'VARCHAR', uri: 'VARCHAR', host: 'VARCHAR', status: 'USMALLINT',
      request_ts: 'TIMESTAMP WITH TIME ZONE', response_ts: 'TIMESTAMP WITH TIME ZONE', latency: 'DOUBLE',
      response_end_ts: 'TIMESTAMP WITH TIME ZONE', ttlb: 'DOUBLE', request_body_bytes: 'BIGINT', response_body_bytes: 'BIGINT', gap_bytes: 'BIGINT',
    });
  });

  for (const pcap of PCAPS) {
    it(`conns ${pcap}: every row equals conns --json's record`, async () => {
      const json = netlens(['conns', '--json', join(FIXTURES, pcap)]);
      const file = join(dir, `${pcap}.conns.parquet`);
      const pq = netlens(['conns', '--format', 'parquet', '-w', file, join(FIXTURES, pcap)]);
      expect(pq.status, pq.stderr).toBe(json.status);
      expect(pq.stdout).toBe('');
      const records = ndjson(json.stdout); // none in the ARP fixtures: a file of no rows
      const rows = (await rowsOf(file, CONN_TS)).map(connFromRow);
      expect(rows).toEqual(records.map((r) => ({ ...r, firstTs: micros(r.firstTs), lastTs: micros(r.lastTs) })));
      expect(await nanosOf(file, CONN_TS)).toEqual(records.map((r) => ({ first_ts: nanos(r.firstTs), last_ts: nanos(r.lastTs) })));
    });

    it(`http ${pcap}: every row equals http --json's record`, async () => {
      const json = netlens(['http', '--json', join(FIXTURES, pcap)]);
      const file = join(dir, `${pcap}.http.parquet`);
      const pq = netlens(['http', '--format', 'parquet', '-w', file, join(FIXTURES, pcap)]);
      expect(pq.status, pq.stderr).toBe(json.status);
      expect(pq.stderr).toBe(json.stderr);
      const records = ndjson(json.stdout);
      const rows = (await rowsOf(file, HTTP_TS)).map(httpFromRow);
      // No transaction: a file of no rows, with the schema still (an engine can query it).
      expect(rows).toEqual(records.map((r) => ({ ...r, requestTs: micros(r.requestTs), responseTs: micros(r.responseTs), responseEndTs: micros(r.responseEndTs) })));
      expect(await nanosOf(file, HTTP_TS)).toEqual(records.map((r) => ({
        request_ts: nanos(r.requestTs), response_ts: nanos(r.responseTs), response_end_ts: nanos(r.responseEndTs),
      })));
    });
  }

  it('http: the fixtures have transactions to compare', () => {
    const counts = ['http-keepalive.pcap', 'http-pipelined.pcap', 'http-ipv6.pcap'].map((f) => ndjson(netlens(['http', '--json', join(FIXTURES, f)]).stdout).length);
    for (const n of counts) expect(n).toBeGreaterThan(0);
  });

  it('rows go out a row group at a time (here every 2 rows): DuckDB reads the groups as the one table', async () => {
    const records = ndjson(netlens(['http', '--json', join(FIXTURES, 'http-pipelined.pcap')]).stdout) as HttpRecord[];
    expect(records.length).toBeGreaterThanOrEqual(3);
    const file = join(dir, 'groups.parquet');
    const { openSync, closeSync } = await import('node:fs');
    const fd = openSync(file, 'w');
    const table = new ParquetTable(new ByteSink(fd, 4096, file), HTTP_COLUMNS, 2);
    for (const r of records) table.add(r);
    table.close();
    closeSync(fd);
    const groups = await query(`SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata(${sqlString(file)}) GROUP BY 1 ORDER BY 1`);
    expect(groups.map((g) => Number(g.n))).toEqual(records.map((_, i) => i).filter((i) => i % 2 === 0).map((i) => Math.min(2, records.length - i)));
    const rows = (await rowsOf(file, HTTP_TS)).map(httpFromRow);
    expect(rows).toEqual(records.map((r) => ({ ...r, requestTs: micros(r.requestTs), responseTs: micros(r.responseTs), responseEndTs: micros(r.responseEndTs) })));
  });

  it('the README\'s query (refused or reset connections by server port, over fixtures/) answers as the --json records do', async () => {
    const file = join(dir, 'refused.parquet');
    expect(netlens(['conns', '--format', 'parquet', '-w', file, FIXTURES]).status).toBe(0);
    const rows = await query(`SELECT server_port, count(*) FROM read_parquet(${sqlString(file)}) WHERE handshake = 'refused' OR teardown LIKE 'reset%' GROUP BY 1 ORDER BY 2 DESC, 1`);
    const records = ndjson(netlens(['conns', '--json', FIXTURES]).stdout)
      .filter((r) => r.handshake === 'refused' || String(r.teardown).startsWith('reset'));
    expect(records.length).toBeGreaterThan(0);
    const byPort = new Map<number, number>();
    for (const r of records) byPort.set(r.server.port, (byPort.get(r.server.port) ?? 0) + 1);
    const want = [...byPort].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    expect(rows.map((r) => [r.server_port, Number(r['count_star()'])])).toEqual(want);
    // The table README.md and docs/usage.md show under the query.
    const table = ['| server_port | count_star() |', '|---:|---:|', ...want.map(([port, n]) => `| ${port} | ${n} |`)].join('\n');
    for (const doc of ['README.md', 'docs/usage.md']) expect(readFileSync(join(FIXTURES, '..', doc), 'utf8')).toContain(table);
  });

  it('-w - writes the file to stdout when it is not a terminal', async () => {
    const r = spawnSync(process.execPath, [CLI, 'conns', '--format', 'parquet', '-w', '-', join(FIXTURES, 'mixed.pcap')], { maxBuffer: 1 << 26 });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(r.stdout.subarray(-4).toString('latin1')).toBe('PAR1');
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'stdout.parquet');
    writeFileSync(file, r.stdout);
    expect((await query(`SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`))[0]!.n).toBe(String(ndjson(netlens(['conns', '--json', join(FIXTURES, 'mixed.pcap')]).stdout).length));
  });
});

describe('--format parquet: what is refused', () => {
  it('without -w FILE: one line, status 2', () => {
    for (const cmd of ['conns', 'http']) {
      const r = netlens([cmd, '--format', 'parquet', join(FIXTURES, 'mixed.pcap')]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([`netlens: ${cmd} --format parquet writes a file: give it -w FILE (or -w - for stdout, when stdout is not a terminal)`]);
    }
  });

  it('for a command that has no Parquet form: one line, status 2', () => {
    const r = netlens(['dns', '--format', 'parquet', '-w', join(dir, 'dns.parquet'), join(FIXTURES, 'dns.pcap')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('only conns and http write Parquet');
  });

  it('a file that cannot be created: one line, status 1', () => {
    const r = netlens(['conns', '--format', 'parquet', '-w', join(dir, 'no', 'such', 'x.parquet'), join(FIXTURES, 'mixed.pcap')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`netlens: cannot write ${join(dir, 'no', 'such', 'x.parquet')}: no such file or directory (ENOENT)`]);
  });

  const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
  if (!python) console.warn('parquet.test: skipping the terminal test: python3 (its pty module) is not installed');
  it.skipIf(!python)('-w - to a terminal: one line, status 2', () => {
    // stdout a pseudo-terminal (python's pty.spawn), stderr still the pipe.
    const script = 'import pty, sys, os\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
    const r = spawnSync('python3', ['-c', script, process.execPath, CLI, 'conns', '--format', 'parquet', '-w', '-', join(FIXTURES, 'mixed.pcap')], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('conns --format parquet -w -: stdout is a terminal');
    expect(r.stdout).not.toContain('PAR1');
  });
});
