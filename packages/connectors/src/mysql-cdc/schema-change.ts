/**
 * Schema change events, as Debezium's MySQL connector writes them to the topic `<topic.prefix>`:
 *
 *   key   io.debezium.connector.mysql.SchemaChangeKey   { databaseName }
 *   value io.debezium.connector.mysql.SchemaChangeValue { source, ts_ms, databaseName?, schemaName?, ddl?,
 *         tableChanges: [ io.debezium.connector.schema.Change { type, id, table: Table? } ] }
 *   Table  { defaultCharsetName?, primaryKeyColumnNames?, columns: [Column], comment? }
 *   Column { name, jdbcType, nativeType?, typeName, typeExpression?, charsetName?, length?, scale?, position,
 *            optional?, autoIncremented?, generated?, comment?, defaultValueExpression?, enumValues? }
 */
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { dataType, enumValues, type TableInfo } from './schema-mapper.js';

export const SCHEMA_CHANGE_KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.mysql.SchemaChangeKey')
  .version(1)
  .field('databaseName', Schema.STRING)
  .build();

const COLUMN_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Column')
  .version(1)
  .field('name', Schema.STRING)
  .field('jdbcType', Schema.INT32)
  .field('nativeType', Schema.OPTIONAL_INT32)
  .field('typeName', Schema.STRING)
  .field('typeExpression', Schema.OPTIONAL_STRING)
  .field('charsetName', Schema.OPTIONAL_STRING)
  .field('length', Schema.OPTIONAL_INT32)
  .field('scale', Schema.OPTIONAL_INT32)
  .field('position', Schema.INT32)
  .field('optional', Schema.OPTIONAL_BOOLEAN)
  .field('autoIncremented', Schema.OPTIONAL_BOOLEAN)
  .field('generated', Schema.OPTIONAL_BOOLEAN)
  .field('comment', Schema.OPTIONAL_STRING)
  .field('defaultValueExpression', Schema.OPTIONAL_STRING)
  .field('enumValues', SchemaBuilder.array(Schema.STRING).optional().build())
  .build();

const TABLE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Table')
  .version(1)
  .optional()
  .field('defaultCharsetName', Schema.OPTIONAL_STRING)
  .field('primaryKeyColumnNames', SchemaBuilder.array(Schema.STRING).optional().build())
  .field('columns', SchemaBuilder.array(COLUMN_SCHEMA).build())
  .field('comment', Schema.OPTIONAL_STRING)
  .build();

const CHANGE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Change')
  .version(1)
  .field('type', Schema.STRING)
  .field('id', Schema.STRING)
  .field('table', TABLE_SCHEMA)
  .build();

/** The value schema; `source` is the same struct as in change events. */
export function schemaChangeValueSchema(sourceSchema: Schema): Schema {
  return SchemaBuilder.struct()
    .name('io.debezium.connector.mysql.SchemaChangeValue')
    .version(1)
    .field('source', sourceSchema)
    .field('ts_ms', Schema.INT64)
    .field('databaseName', Schema.OPTIONAL_STRING)
    .field('schemaName', Schema.OPTIONAL_STRING)
    .field('ddl', Schema.OPTIONAL_STRING)
    .field('tableChanges', SchemaBuilder.array(CHANGE_SCHEMA).build())
    .build();
}

// java.sql.Types codes, as Debezium's MySQL DDL parser assigns them.
const JDBC_TYPES: Readonly<Record<string, number>> = {
  bit: -7,
  tinyint: -6,
  smallint: 5,
  mediumint: 4,
  int: 4,
  integer: 4,
  bigint: -5,
  float: 7,
  double: 8,
  real: 8,
  decimal: 3,
  numeric: 2,
  char: 1,
  varchar: 12,
  tinytext: 12,
  text: 12,
  mediumtext: 12,
  longtext: 12,
  binary: -2,
  varbinary: -3,
  tinyblob: 2004,
  blob: 2004,
  mediumblob: 2004,
  longblob: 2004,
  date: 91,
  time: 92,
  datetime: 93,
  timestamp: 2014,
  year: 4,
  enum: 1,
  set: 1,
  json: 1111,
};

/** The Debezium `Table` struct of a table structure. */
export function tableStruct(info: TableInfo): Struct {
  const columns = info.columns.map((c, i) => {
    const type = dataType(c.columnType);
    const m = /\(([\d\s,]+)\)/.exec(c.columnType);
    const args = m === null ? [] : m[1]!.split(',').map((x) => Number(x.trim()));
    const values = type === 'enum' || type === 'set' ? enumValues(c.columnType) : null;
    const typeName = (c.json ? 'JSON' : type.toUpperCase()) + (/\bunsigned\b/.test(c.columnType) ? ' UNSIGNED' : '');
    return Struct.trusted(COLUMN_SCHEMA, [
      c.name,
      c.json ? 1111 : (JDBC_TYPES[type] ?? 1111),
      null,
      typeName,
      c.columnType,
      c.charset,
      values === null ? (args[0] ?? null) : null,
      values === null ? (args[1] ?? null) : null,
      i + 1,
      c.nullable,
      c.extra?.autoIncrement ?? false,
      c.extra?.generated ?? false,
      c.extra?.comment ?? null,
      c.extra?.defaultValue ?? null,
      values,
    ]);
  });
  const pk = info.columns
    .filter((c) => c.pkSeq > 0)
    .sort((a, b) => a.pkSeq - b.pkSeq)
    .map((c) => c.name);
  const charset = info.columns.find((c) => c.charset !== null)?.charset ?? null;
  return Struct.trusted(TABLE_SCHEMA, [charset, pk, columns, null]);
}

export type ChangeType = 'CREATE' | 'ALTER' | 'DROP';

/** `"db"."table"`, Debezium's table id text. */
export function tableIdText(db: string, table: string): string {
  return `"${db}"."${table}"`;
}

/** One schema change event value. */
export function schemaChangeValue(
  valueSchema: Schema,
  source: Struct,
  tsMs: number,
  db: string,
  ddl: string,
  changes: readonly { type: ChangeType; db: string; table: string; info: TableInfo | null }[],
): Struct {
  return Struct.trusted(valueSchema, [
    source,
    BigInt(tsMs),
    db,
    null,
    ddl,
    changes.map((c) =>
      Struct.trusted(CHANGE_SCHEMA, [c.type, tableIdText(c.db, c.table), c.info === null ? null : tableStruct(c.info)]),
    ),
  ]);
}

export function schemaChangeKey(db: string): Struct {
  return Struct.trusted(SCHEMA_CHANGE_KEY_SCHEMA, [db]);
}
