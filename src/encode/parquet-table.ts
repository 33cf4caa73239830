/**
 * `conns --format parquet` and `http --format parquet`: the `--json` records
 * as Parquet rows (hyparquet-writer), one column per field with the nesting
 * flattened (client.ip → client_ip, firstTs → first_ts). Rows are taken from
 * the record the JSON writer writes (connRecord / httpRecord, parsed), so the
 * two formats cannot drift apart. Rows are held until a row group is full
 * (ROW_GROUP_ROWS), then encoded and written: memory is one row group's,
 * whatever the capture's size. The footer (schema, row groups' statistics)
 * comes last, at close().
 */
import { ParquetWriter, ByteWriter } from 'hyparquet-writer';
import type { ConnRecord, HttpRecord, Timestamp } from './records.js';
import { ByteSink } from './sink.js';

/** Rows per row group: large enough for engines' scans, small enough to hold (a conns row is about 0.5 KB before encoding). */
export const ROW_GROUP_ROWS = 65536;

/** A column's kind: its Parquet type, as DuckDB shows it in DESCRIBE. */
type Kind =
  | 'string' // BYTE_ARRAY UTF8: VARCHAR
  | 'port' // INT32 UINT_16: USMALLINT
  | 'count' // INT64: BIGINT
  | 'seconds' // DOUBLE
  | 'ts' // INT64 TIMESTAMP(NANOS, isAdjustedToUTC): TIMESTAMP WITH TIME ZONE
  | 'states'; // LIST<STRING>: VARCHAR[]

/** A column: its name, kind, whether it may be null, and its value in a record (null or undefined: null). */
export interface ParquetColumn<R> {
  name: string;
  kind: Kind;
  optional: boolean;
  value(r: R): unknown;
}

/** The exact nanoseconds since the epoch of a record's "sec.nnnnnnnnn" (a JS number holds only microseconds of it). */
export function tsNanos(ts: Timestamp): bigint {
  // Capture times are unsigned seconds (pcap, pcapng): no sign to carry.
  const dot = ts.indexOf('.');
  if (dot < 0) return BigInt(ts) * 1_000_000_000n;
  return BigInt(ts.slice(0, dot)) * 1_000_000_000n + BigInt(ts.slice(dot + 1, dot + 10).padEnd(9, '0'));
}

const col = <R>(name: string, kind: Kind, optional: boolean, value: (r: R) => unknown): ParquetColumn<R> => ({ name, kind, optional, value });

/** `conns --json`'s fields, flattened (docs/records.md, "Parquet"). */
export const CONN_COLUMNS: readonly ParquetColumn<ConnRecord>[] = [
  col('id', 'count', false, (r) => r.id),
  col('proto', 'string', false, (r) => r.proto),
  col('client_ip', 'string', false, (r) => r.client.ip),
  col('client_port', 'port', false, (r) => r.client.port),
  col('server_ip', 'string', false, (r) => r.server.ip),
  col('server_port', 'port', false, (r) => r.server.port),
  col('community_id', 'string', false, (r) => r.communityId),
  col('first_ts', 'ts', false, (r) => r.firstTs),
  col('last_ts', 'ts', false, (r) => r.lastTs),
  col('duration', 'seconds', false, (r) => r.duration),
  col('packets_client', 'count', false, (r) => r.packets.client),
  col('packets_server', 'count', false, (r) => r.packets.server),
  col('bytes_client', 'count', false, (r) => r.bytes.client),
  col('bytes_server', 'count', false, (r) => r.bytes.server),
  col('handshake', 'string', true, (r) => r.handshake),
  col('teardown', 'string', true, (r) => r.teardown),
  col('rtt', 'seconds', true, (r) => r.rtt),
  col('states_client', 'states', true, (r) => r.states?.client),
  col('states_server', 'states', true, (r) => r.states?.server),
  col('conn_state', 'string', true, (r) => r.connState),
  col('history', 'string', true, (r) => r.history),
  col('retransmissions', 'count', true, (r) => r.retransmissions),
  col('missed_bytes', 'count', true, (r) => r.missedBytes),
  col('mptcp_subflow', 'string', true, (r) => r.mptcp?.subflow),
  col('mptcp_token', 'string', true, (r) => r.mptcp?.token),
  col('mptcp_of', 'count', true, (r) => r.mptcp?.of),
];

/** `http --json`'s fields. */
export const HTTP_COLUMNS: readonly ParquetColumn<HttpRecord>[] = [
  col('conn', 'count', false, (r) => r.conn),
  col('community_id', 'string', false, (r) => r.communityId),
  col('method', 'string', true, (r) => r.method),
  col('uri', 'string', true, (r) => r.uri),
  col('host', 'string', true, (r) => r.host),
  col('status', 'port', true, (r) => r.status),
  // null when only the response was captured (the JSON record's null).
  col('request_ts', 'ts', true, (r) => r.requestTs),
  col('response_ts', 'ts', true, (r) => r.responseTs),
  col('latency', 'seconds', true, (r) => r.latency),
  col('response_end_ts', 'ts', true, (r) => r.responseEndTs),
  col('ttlb', 'seconds', true, (r) => r.ttlb),
  col('request_body_bytes', 'count', false, (r) => r.requestBodyBytes),
  col('response_body_bytes', 'count', false, (r) => r.responseBodyBytes),
  col('gap_bytes', 'count', true, (r) => r.gapBytes),
];

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** The Parquet schema of the columns (the root, then each column's elements in order). */
function schemaOf(columns: readonly ParquetColumn<never>[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    const repetition_type = c.optional ? 'OPTIONAL' : 'REQUIRED';
    switch (c.kind) {
      case 'string': schema.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }); break;
      // UINT_16 as the converted type: hyparquet-writer 0.17 writes the INTEGER logical type's bitWidth as an i32 where
      // Parquet's thrift says i8, and DuckDB refuses such a footer; every engine reads the converted type.
      case 'port': schema.push({ name: c.name, type: 'INT32', converted_type: 'UINT_16', repetition_type }); break;
      case 'count': schema.push({ name: c.name, type: 'INT64', repetition_type }); break;
      case 'seconds': schema.push({ name: c.name, type: 'DOUBLE', repetition_type }); break;
      case 'ts': schema.push({ name: c.name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type }); break;
      case 'states':
        // The three-level LIST of the Parquet spec (LogicalTypes.md, "Lists").
        schema.push({ name: c.name, converted_type: 'LIST', num_children: 1, repetition_type });
        schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
        schema.push({ name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
        break;
    }
  }
  return schema;
}

/** The value a column's array holds for a record's value (null for null / absent). */
function cell(kind: Kind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'count') return BigInt(v as number);
  if (kind === 'ts') return tsNanos(v as string);
  return v;
}

/** hyparquet-writer's writer, handing what it encoded to a ByteSink (a file, or stdout) a chunk at a time. */
class SinkWriter extends ByteWriter {
  constructor(private readonly out: ByteSink) { super(1 << 20); }

  override ensure(size: number): void {
    if (this.index > (1 << 20)) this.drain();
    super.ensure(size);
  }

  /** After each row group (ParquetWriter calls it): the group goes out, and the buffer is reused. */
  flush(): void { this.drain(); }

  drain(): void {
    this.out.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): void { this.drain(); }
}

/** A Parquet file of records of one kind, a row group at a time. */
export class ParquetTable<R> {
  private readonly writer: ParquetWriter;
  private readonly sink: SinkWriter;
  private readonly cells: unknown[][];
  private rows = 0;
  /** Rows written, over every row group. */
  total = 0;

  constructor(out: ByteSink, private readonly columns: readonly ParquetColumn<R>[], private readonly groupRows = ROW_GROUP_ROWS, createdBy = 'netlens') {
    this.sink = new SinkWriter(out);
    this.writer = new ParquetWriter({ writer: this.sink, schema: schemaOf(columns as readonly ParquetColumn<never>[]), codec: 'SNAPPY', statistics: true, createdBy });
    this.cells = columns.map(() => []);
  }

  add(r: R): void {
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) this.cells[i]!.push(cell(cols[i]!.kind, cols[i]!.value(r)));
    if (++this.rows === this.groupRows) this.flushGroup();
  }

  private flushGroup(): void {
    if (this.rows === 0) return;
    const columnData = this.columns.map((c, i) => ({ name: c.name, data: this.cells[i]! }));
    void this.writer.write({ columnData, rowGroupSize: this.rows });
    this.total += this.rows;
    this.rows = 0;
    for (let i = 0; i < this.cells.length; i++) this.cells[i] = [];
  }

  /** Writes the last row group and the footer. */
  close(): void {
    this.flushGroup();
    void this.writer.finish();
  }
}
