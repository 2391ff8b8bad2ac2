/**
 * Debezium's change event envelope (as in Debezium 2.x's MySQL connector):
 *
 *   value  <prefix>.<db>.<table>.Envelope { before: Value?, after: Value?, source: Source, op: string,
 *                                           ts_ms: int64?, transaction: event.block? }
 *   source io.debezium.connector.mysql.Source { version, connector "mysql", name (= topic.prefix), ts_ms,
 *          snapshot (io.debezium.data.Enum, default "false"), db, sequence?, table?, server_id, gtid?, file, pos,
 *          row, thread?, query? }
 *   key    <prefix>.<db>.<table>.Key { primary key columns } — null for tables without a primary key
 *
 * `op` is `r` (snapshot read), `c` (insert), `u` (update), `d` (delete). `transaction` is always null (no
 * transaction metadata topic).
 */
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';

/** `source.snapshot` values (Debezium's SnapshotRecord, lower case). */
export const SNAPSHOT_MARKERS = [
  'true',
  'first',
  'first_in_data_collection',
  'last_in_data_collection',
  'last',
  'false',
  'incremental',
] as const;
export type SnapshotMarker = (typeof SNAPSHOT_MARKERS)[number];

export const SOURCE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.mysql.Source')
  .field('version', Schema.STRING)
  .field('connector', Schema.STRING)
  .field('name', Schema.STRING)
  .field('ts_ms', Schema.INT64)
  .field(
    'snapshot',
    SchemaBuilder.string()
      .name('io.debezium.data.Enum')
      .version(1)
      .parameter('allowed', SNAPSHOT_MARKERS.join(','))
      .defaultValue('false')
      .optional()
      .build(),
  )
  .field('db', Schema.STRING)
  .field('sequence', Schema.OPTIONAL_STRING)
  .field('table', Schema.OPTIONAL_STRING)
  .field('server_id', Schema.INT64)
  .field('gtid', Schema.OPTIONAL_STRING)
  .field('file', Schema.STRING)
  .field('pos', Schema.INT64)
  .field('row', Schema.INT32)
  .field('thread', Schema.OPTIONAL_INT64)
  .field('query', Schema.OPTIONAL_STRING)
  .build();

export const TRANSACTION_SCHEMA: Schema = SchemaBuilder.struct()
  .name('event.block')
  .version(1)
  .optional()
  .field('id', Schema.STRING)
  .field('total_order', Schema.INT64)
  .field('data_collection_order', Schema.INT64)
  .build();

/** The envelope schema of a table whose row schema is `valueSchema` (must be optional). */
export function envelopeSchema(name: string, valueSchema: Schema): Schema {
  return SchemaBuilder.struct()
    .name(name)
    .version(1)
    .field('before', valueSchema)
    .field('after', valueSchema)
    .field('source', SOURCE_SCHEMA)
    .field('op', Schema.STRING)
    .field('ts_ms', Schema.OPTIONAL_INT64)
    .field('transaction', TRANSACTION_SCHEMA)
    .build();
}

/** What `source` says about one event. */
export interface SourceInfo {
  /** topic.prefix */
  readonly name: string;
  /** When the change happened (binlog event time), or when the snapshot read the row; ms. */
  readonly tsMs: number;
  readonly snapshot: SnapshotMarker;
  readonly db: string;
  readonly table: string | null;
  readonly serverId: number;
  readonly gtid: string | null;
  readonly file: string;
  readonly pos: number;
  readonly row: number;
  readonly thread: number | null;
  readonly query: string | null;
}

export function sourceStruct(info: SourceInfo): Struct {
  return Struct.trusted(SOURCE_SCHEMA, [
    CONNECTORS_VERSION,
    'mysql',
    info.name,
    BigInt(info.tsMs),
    info.snapshot,
    info.db,
    null,
    info.table,
    BigInt(info.serverId),
    info.gtid,
    info.file,
    BigInt(info.pos),
    info.row,
    info.thread === null ? null : BigInt(info.thread),
    info.query,
  ]);
}

export type Operation = 'r' | 'c' | 'u' | 'd';

/** The envelope value of one change. */
export function envelope(
  schema: Schema,
  op: Operation,
  before: Struct | null,
  after: Struct | null,
  source: Struct,
  tsMs: number,
): Struct {
  return Struct.trusted(schema, [before, after, source, op, BigInt(tsMs), null]);
}
