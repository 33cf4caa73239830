/**
 * `conns --format parquet` and `http --format parquet`: the `--json` records
 * as Parquet rows (hyparquet-writer), one column per field with the nesting
 * flattened (client.ip → client_ip, firstTs → first_ts). http rows are taken
 * from the record the JSON writer writes (httpRecord, parsed); conns rows from
 * the conversation, field by field as its JSON writer reads them (a million
 * conversations end in a SYN flood). Rows are held until a row group is full
 * (ROW_GROUP_ROWS), then encoded and written: memory is one row group's,
 * whatever the capture's size. The footer (schema, row groups' statistics)
 * comes last, at close().
 */
import { ParquetWriter, ByteWriter } from 'hyparquet-writer';
import type { HttpRecord, Timestamp } from './records.js';
import { IpProto } from '../decode/constants.js';
import { type Connection, MptcpSubflow, statesOfPath } from '../track/tcp/connection.js';
import { endpointIp } from './conn-record.js';
import { connCommunityId } from './community-id.js';
import { ByteSink } from './sink.js';

/**
 * Rows per row group. Small groups die young: on a 1M-SYN flood (the tracker holding its table) 64k-row groups
 * took 1.4 × the time and 1.3 × the peak RSS of 8k-row ones (the garbage collector, scanning the held cells),
 * and a small group costs a reader little (one footer entry per group, about 26 column chunks).
 */
export const ROW_GROUP_ROWS = 8192;

/** A column's kind: its Parquet type, as DuckDB shows it in DESCRIBE. */
type Kind =
  | 'string' // BYTE_ARRAY UTF8: VARCHAR
  | 'port' // INT32 UINT_16: USMALLINT
  | 'count' // INT64: BIGINT
  | 'seconds' // DOUBLE
  | 'ts' // INT64 TIMESTAMP(NANOS, isAdjustedToUTC): TIMESTAMP WITH TIME ZONE, from a record's "sec.nnnnnnnnn"
  | 'nanos' // the same, from nanoseconds (a bigint)
  | 'states'; // LIST<STRING>: VARCHAR[]

/** A column: its name, kind, whether it may be null, and its value in a record (null or undefined: null). */
export interface ParquetColumn<R> {
  name: string;
  kind: Kind;
  optional: boolean;
  value(r: R): unknown;
  /** A column of distinct values: not worth a dictionary (trying one costs a third of the encoding time). */
  distinct?: boolean;
}

/** The exact nanoseconds since the epoch of a record's "sec.nnnnnnnnn" (a JS number holds only microseconds of it). */
export function tsNanos(ts: Timestamp): bigint {
  // Capture times are unsigned seconds (pcap, pcapng): no sign to carry.
  const dot = ts.indexOf('.');
  if (dot < 0) return BigInt(ts) * 1_000_000_000n;
  return BigInt(ts.slice(0, dot)) * 1_000_000_000n + BigInt(ts.slice(dot + 1, dot + 10).padEnd(9, '0'));
}

const col = <R>(name: string, kind: Kind, optional: boolean, value: (r: R) => unknown, distinct = false): ParquetColumn<R> => ({ name, kind, optional, value, distinct });

/** A record's seconds as its JSON text holds them: rounded to nanoseconds (encode/time.ts writeSeconds), the same double. */
function seconds(x: number): number {
  const k = Math.round(x * 1e9);
  return k === 0 ? 0 : k / 1e9;
}

/** The JSON text of a state path, parsed once per distinct path (few: as conn-record's cache). */
const statesCache = new Map<string, readonly string[]>();
function states(path: string): readonly string[] {
  let s = statesCache.get(path);
  if (s === undefined) {
    s = statesOfPath(path);
    if (statesCache.size < 4096) statesCache.set(path, s);
  }
  return s;
}

const tcp = (c: Connection): boolean => c.proto === IpProto.TCP;
const client = (c: Connection) => c.ep[c.clientSide];
const server = (c: Connection) => c.ep[c.clientSide ^ 1];
const nanosOf = (sec: number, nsec: number): bigint => BigInt(sec) * 1_000_000_000n + BigInt(nsec);

/**
 * `conns --json`'s fields, flattened (docs/records.md, "Parquet"), read from the
 * conversation as writeConnJson reads them (a record object and its JSON text per
 * conversation cost more than the rest of the file's encoding; test/report/parquet
 * checks every row against the --json record). `seed`: --community-id-seed.
 */
export function connColumns(seed: number): readonly ParquetColumn<Connection>[] {
  return [
    col('id', 'count', false, (c) => c.id, true),
    col('proto', 'string', false, (c) => tcp(c) ? 'tcp' : 'udp'),
    col('client_ip', 'string', false, (c) => endpointIp(c, c.clientSide)),
    col('client_port', 'port', false, (c) => c.port[c.clientSide]),
    col('server_ip', 'string', false, (c) => endpointIp(c, c.clientSide ^ 1)),
    col('server_port', 'port', false, (c) => c.port[c.clientSide ^ 1]),
    col('community_id', 'string', false, (c) => connCommunityId(c, seed), true),
    col('first_ts', 'nanos', false, (c) => nanosOf(c.firstSec, c.firstNsec), true),
    col('last_ts', 'nanos', false, (c) => nanosOf(c.lastSec, c.lastNsec), true),
    col('duration', 'seconds', false, (c) => seconds(c.durationSec())),
    col('packets_client', 'count', false, (c) => client(c).packets),
    col('packets_server', 'count', false, (c) => server(c).packets),
    col('bytes_client', 'count', false, (c) => client(c).bytes),
    col('bytes_server', 'count', false, (c) => server(c).bytes),
    col('handshake', 'string', true, (c) => tcp(c) ? c.handshake : null),
    col('teardown', 'string', true, (c) => tcp(c) ? c.teardown : null),
    col('rtt', 'seconds', true, (c) => tcp(c) && c.rtt >= 0 ? seconds(c.rtt) : null),
    col('states_client', 'states', true, (c) => tcp(c) ? states(client(c).path) : null),
    col('states_server', 'states', true, (c) => tcp(c) ? states(server(c).path) : null),
    col('conn_state', 'string', true, (c) => tcp(c) ? c.connState : null),
    col('history', 'string', true, (c) => tcp(c) ? c.history : null),
    col('retransmissions', 'count', true, (c) => tcp(c) ? client(c).retransmissions + server(c).retransmissions : null),
    col('missed_bytes', 'count', true, (c) => tcp(c) ? c.missedBytes : null),
    col('mptcp_subflow', 'string', true, (c) => !tcp(c) || c.mptcp === MptcpSubflow.NONE ? null : c.mptcp === MptcpSubflow.INITIAL ? 'initial' : 'additional'),
    col('mptcp_token', 'string', true, (c) => !tcp(c) || c.mptcp === MptcpSubflow.NONE || c.mptcpToken < 0 ? null : `0x${c.mptcpToken.toString(16).padStart(8, '0')}`),
    col('mptcp_of', 'count', true, (c) => !tcp(c) || c.mptcp !== MptcpSubflow.ADDITIONAL || c.mptcpOf < 0 ? null : c.mptcpOf),
  ];
}

/** `http --json`'s fields. */
export const HTTP_COLUMNS: readonly ParquetColumn<HttpRecord>[] = [
  col('conn', 'count', false, (r) => r.conn),
  col('community_id', 'string', false, (r) => r.communityId),
  col('method', 'string', true, (r) => r.method),
  col('uri', 'string', true, (r) => r.uri),
  col('host', 'string', true, (r) => r.host),
  col('status', 'port', true, (r) => r.status),
  // null when only the response was captured (the JSON record's null).
  col('request_ts', 'ts', true, (r) => r.requestTs, true),
  col('response_ts', 'ts', true, (r) => r.responseTs, true),
  col('latency', 'seconds', true, (r) => r.latency),
  col('response_end_ts', 'ts', true, (r) => r.responseEndTs, true),
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
      case 'ts': case 'nanos': schema.push({ name: c.name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type }); break;
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

/** A required numeric column's cells as a typed array (no boxed number or BigInt kept per row: less for the collector); null: an array of values. */
function typedCells(c: ColumnSpec, rows: number): Int32Array | Float64Array | BigInt64Array | null {
  if (c.optional) return null;
  if (c.kind === 'port') return new Int32Array(rows);
  if (c.kind === 'seconds') return new Float64Array(rows);
  if (c.kind === 'count' || c.kind === 'nanos' || c.kind === 'ts') return new BigInt64Array(rows);
  return null;
}

/** What the encoder needs of a column (no accessor: it may run in a worker). */
export type ColumnSpec = Pick<ParquetColumn<never>, 'name' | 'kind' | 'optional' | 'distinct'>;

/** Row groups' cells (a column's array each) in, a Parquet file out. */
export interface GroupEncoder {
  group(cells: ArrayLike<unknown>[], rows: number): void;
  /** The last group was given: the footer. */
  finish(): void;
}

/** Encodes in this thread, writing to `out`. */
export function encoderTo(out: ByteSink, specs: readonly ColumnSpec[], createdBy = 'netlens'): GroupEncoder {
  const writer = new ParquetWriter({ writer: new SinkWriter(out), schema: schemaOf(specs as readonly ParquetColumn<never>[]), codec: 'SNAPPY', statistics: true, createdBy });
  return {
    group(cells, rows) {
      // Distinct values: integers (ids, times: rising) as deltas, strings plain; the rest as the writer chooses (a dictionary when it pays).
      const columnData = specs.map((c, i) => ({
        name: c.name, data: cells[i] as unknown[],
        ...(c.distinct ? { encoding: c.kind === 'string' ? 'PLAIN' as const : 'DELTA_BINARY_PACKED' as const } : {}),
      }));
      void writer.write({ columnData, rowGroupSize: rows });
    },
    finish() { void writer.finish(); },
  };
}

/** A Parquet file of records of one kind, a row group at a time. */
export class ParquetTable<R> {
  private readonly encoder: GroupEncoder;
  /** Per column, this row group's cells: a typed array for a required number, else values (null for null). */
  private typed: (Int32Array | Float64Array | BigInt64Array | null)[];
  private cells: unknown[][];
  private rows = 0;
  /** Rows written, over every row group. */
  total = 0;

  /** `out`: where the file goes (encoded in this thread), or an encoder (parquet-worker.ts: in a worker). */
  constructor(out: ByteSink | GroupEncoder, private readonly columns: readonly ParquetColumn<R>[], private readonly groupRows = ROW_GROUP_ROWS) {
    this.encoder = out instanceof ByteSink ? encoderTo(out, columns) : out;
    this.typed = this.freshTyped();
    this.cells = columns.map(() => []);
  }

  private freshTyped(): (Int32Array | Float64Array | BigInt64Array | null)[] {
    return this.columns.map((c) => typedCells(c, this.groupRows));
  }

  add(r: R): void {
    const cols = this.columns, row = this.rows;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!, t = this.typed[i]!;
      if (t === null) this.cells[i]!.push(cell(c.kind, c.value(r)));
      else t[row] = cell(c.kind, c.value(r)) as never;
    }
    if (++this.rows === this.groupRows) this.flushGroup();
  }

  private flushGroup(): void {
    const rows = this.rows;
    if (rows === 0) return;
    // The encoder owns the group's arrays from here (a worker takes the typed ones over): fresh ones for the next.
    this.encoder.group(this.columns.map((_, i) => this.typed[i]?.subarray(0, rows) ?? this.cells[i]!), rows);
    this.total += rows;
    this.rows = 0;
    this.typed = this.freshTyped();
    this.cells = this.columns.map(() => []);
  }

  /** Writes the last row group and the footer. */
  close(): void {
    this.flushGroup();
    this.encoder.finish();
  }
}
