/** Source records of MySqlCdcSource: change events, tombstones, schema change events, heartbeats. */
import { type JsonMap, Schema, SchemaBuilder, type SourceRecord, Struct, sourceRecord } from '@tributary/api';
import { SERVER_PARTITION_FIELD } from './config.js';
import { envelope, type Operation, SOURCE_SCHEMA, type SourceInfo, sourceStruct } from './envelope.js';
import {
  type ChangeType,
  SCHEMA_CHANGE_KEY_SCHEMA,
  schemaChangeKey,
  schemaChangeValue,
  schemaChangeValueSchema,
} from './schema-change.js';
import type { TableInfo, TableSchema } from './schema-mapper.js';

const SCHEMA_CHANGE_VALUE_SCHEMA = schemaChangeValueSchema(SOURCE_SCHEMA);

const HEARTBEAT_KEY_SCHEMA = SchemaBuilder.struct()
  .name('io.debezium.connector.common.ServerNameKey')
  .version(1)
  .field('serverName', Schema.STRING)
  .build();
const HEARTBEAT_VALUE_SCHEMA = SchemaBuilder.struct()
  .name('io.debezium.connector.common.Heartbeat')
  .version(1)
  .field('ts_ms', Schema.INT64)
  .build();

/** The source partition of every record: `{server: <topic.prefix>}`. */
export function sourcePartition(prefix: string): JsonMap {
  return Object.freeze({ [SERVER_PARTITION_FIELD]: prefix });
}

/** A change event of one row. */
export function changeRecord(
  partition: JsonMap,
  offset: JsonMap,
  schema: TableSchema,
  op: Operation,
  key: Struct | null,
  before: Struct | null,
  after: Struct | null,
  source: SourceInfo,
  nowMs: number,
): SourceRecord {
  return sourceRecord({
    sourcePartition: partition,
    sourceOffset: offset,
    topic: schema.topic,
    keySchema: schema.keySchema,
    key,
    valueSchema: schema.envelopeSchema,
    value: envelope(schema.envelopeSchema, op, before, after, sourceStruct(source), nowMs),
    timestamp: source.tsMs,
  });
}

/** The tombstone after a delete: same key, null value (and null value schema). */
export function tombstoneRecord(
  partition: JsonMap,
  offset: JsonMap,
  schema: TableSchema,
  key: Struct | null,
  tsMs: number,
): SourceRecord {
  return sourceRecord({
    sourcePartition: partition,
    sourceOffset: offset,
    topic: schema.topic,
    keySchema: schema.keySchema,
    key,
    valueSchema: null,
    value: null,
    timestamp: tsMs,
  });
}

/** A schema change event, to the topic `<prefix>`. */
export function schemaChangeRecord(
  partition: JsonMap,
  offset: JsonMap,
  prefix: string,
  source: SourceInfo,
  db: string,
  ddl: string,
  changes: readonly { type: ChangeType; db: string; table: string; info: TableInfo | null }[],
  nowMs: number,
): SourceRecord {
  return sourceRecord({
    sourcePartition: partition,
    sourceOffset: offset,
    topic: prefix,
    keySchema: SCHEMA_CHANGE_KEY_SCHEMA,
    key: schemaChangeKey(db),
    valueSchema: SCHEMA_CHANGE_VALUE_SCHEMA,
    value: schemaChangeValue(SCHEMA_CHANGE_VALUE_SCHEMA, sourceStruct(source), nowMs, db, ddl, changes),
    timestamp: source.tsMs,
  });
}

/** A heartbeat (Debezium's `io.debezium.connector.common.Heartbeat`) carrying an offset. */
export function heartbeatRecord(
  partition: JsonMap,
  offset: JsonMap,
  topic: string,
  prefix: string,
  nowMs: number,
): SourceRecord {
  return sourceRecord({
    sourcePartition: partition,
    sourceOffset: offset,
    topic,
    keySchema: HEARTBEAT_KEY_SCHEMA,
    key: Struct.trusted(HEARTBEAT_KEY_SCHEMA, [prefix]),
    valueSchema: HEARTBEAT_VALUE_SCHEMA,
    value: Struct.trusted(HEARTBEAT_VALUE_SCHEMA, [BigInt(nowMs)]),
    timestamp: nowMs,
  });
}
