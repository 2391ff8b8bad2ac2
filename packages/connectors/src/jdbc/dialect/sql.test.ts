import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError, DataError, Decimal, Logical, Schema, SchemaBuilder } from '@tributary/api';
import { UTC, zoneOf } from '../time.js';
import type { ColumnDefinition, TableDefinition, WriteOp, WritePlan } from './dialect.js';
import { mysqlDeleteSql, mysqlDialect, mysqlInsertSql, mysqlUpdateSql } from './mysql.js';
import { arrayLiteral, pgDeleteSql, pgInsertSql, pgTimeZone, pgUpdateSql, postgresDialect } from './postgres.js';

function table(schema: string | undefined, name: string, columns: Record<string, string>): TableDefinition {
  const map = new Map<string, ColumnDefinition>();
  for (const [n, cast] of Object.entries(columns)) {
    map.set(n, { name: n, nullable: true, autoIncrement: false, typeName: cast, castType: cast });
  }
  return { id: { schema, table: name }, columns: map, primaryKey: [] };
}

function plan(op: WriteOp, def: TableDefinition, keys: string[], others: string[]): WritePlan {
  return {
    op,
    table: def,
    columns: op === 'delete' ? keys : [...keys, ...others],
    keyColumns: keys,
    nonKeyColumns: op === 'delete' ? [] : others,
    maxRows: 1000,
  };
}

const orders = table('shop', 'orders', { id: 'bigint', name: 'text', 'we"ird': 'numeric' });

describe('MySQL statements', () => {
  it('inserts several rows with one multi-row VALUES statement', () => {
    assert.equal(
      mysqlInsertSql(plan('insert', orders, ['id'], ['name']), 3),
      'INSERT INTO `shop`.`orders` (`id`,`name`) VALUES (?,?),(?,?),(?,?)',
    );
  });

  it('upserts with ON DUPLICATE KEY UPDATE of the other columns (the key itself when there are none)', () => {
    assert.equal(
      mysqlInsertSql(plan('upsert', orders, ['id'], ['name', 'we"ird']), 1),
      'INSERT INTO `shop`.`orders` (`id`,`name`,`we"ird`) VALUES (?,?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`),`we"ird`=VALUES(`we"ird`)',
    );
    assert.equal(
      mysqlInsertSql(plan('upsert', orders, ['id'], []), 1),
      'INSERT INTO `shop`.`orders` (`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id`=`id`',
    );
  });

  it('updates one row per statement and deletes by key lists', () => {
    assert.equal(
      mysqlUpdateSql(plan('update', orders, ['id'], ['name'])),
      'UPDATE `shop`.`orders` SET `name`=? WHERE `id`=?',
    );
    assert.equal(
      mysqlDeleteSql(plan('delete', orders, ['id'], []), 2),
      'DELETE FROM `shop`.`orders` WHERE `id` IN (?,?)',
    );
    assert.equal(
      mysqlDeleteSql(plan('delete', orders, ['id', 'name'], []), 2),
      'DELETE FROM `shop`.`orders` WHERE (`id`,`name`) IN ((?,?),(?,?))',
    );
  });

  it('quotes identifiers with backticks, doubling embedded ones', () => {
    assert.equal(mysqlDialect.quoteIdentifier('a`b'), '`a``b`');
    assert.equal(mysqlDialect.quoteTable({ table: 't' }), '`t`');
  });

  it('keeps statements under 65535 placeholders', () => {
    assert.equal(mysqlDialect.maxRowsPerStatement(10, 100_000), 6553);
    assert.equal(mysqlDialect.maxRowsPerStatement(10, 500), 500);
  });
});

describe('PostgreSQL statements', () => {
  it('inserts with unnest of one typed array per column', () => {
    assert.equal(
      pgInsertSql(plan('insert', orders, ['id'], ['name'])),
      'INSERT INTO "shop"."orders" ("id", "name") SELECT * FROM unnest($1::bigint[], $2::text[])',
    );
  });

  it('upserts with ON CONFLICT DO UPDATE (DO NOTHING without other columns)', () => {
    assert.equal(
      pgInsertSql(plan('upsert', orders, ['id'], ['name', 'we"ird'])),
      'INSERT INTO "shop"."orders" ("id", "name", "we""ird") SELECT * FROM unnest($1::bigint[], $2::text[], $3::numeric[]) ' +
        'ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "we""ird" = EXCLUDED."we""ird"',
    );
    assert.equal(
      pgInsertSql(plan('upsert', orders, ['id'], [])),
      'INSERT INTO "shop"."orders" ("id") SELECT * FROM unnest($1::bigint[]) ON CONFLICT ("id") DO NOTHING',
    );
  });

  it('updates and deletes by joining the unnested rows', () => {
    assert.equal(
      pgUpdateSql(plan('update', orders, ['id'], ['name'])),
      'UPDATE "shop"."orders" AS "__t" SET "name" = "__v"."name" FROM unnest($1::bigint[], $2::text[]) AS "__v"("id", "name") WHERE "__t"."id" = "__v"."id"',
    );
    assert.equal(
      pgDeleteSql(plan('delete', orders, ['id'], [])),
      'DELETE FROM "shop"."orders" AS "__t" USING unnest($1::bigint[]) AS "__v"("id") WHERE "__t"."id" = "__v"."id"',
    );
  });

  it('builds array literals, quoting only what array_in would misread', () => {
    const rows = [
      ['1', 'plain'],
      [null, ''],
      ['3', 'NULL'],
      ['4', 'a "b" \\c'],
      ['5', '{x, y}'],
      ['6', 'tab\there'],
    ];
    assert.equal(arrayLiteral(rows, 0, rows.length, 0), '{1,NULL,3,4,5,6}');
    assert.equal(arrayLiteral(rows, 0, rows.length, 1), '{plain,"","NULL","a \\"b\\" \\\\c","{x, y}","tab\there"}');
    assert.equal(arrayLiteral(rows, 1, 3, 1), '{"","NULL"}');
  });

  it('sets fixed offsets as POSIX zones, whose sign PostgreSQL inverts', () => {
    assert.equal(pgTimeZone(UTC), 'UTC');
    assert.equal(pgTimeZone(zoneOf('+02:00')!), 'UTC-02:00');
    assert.equal(pgTimeZone(zoneOf('-05:30')!), 'UTC+05:30');
    assert.equal(pgTimeZone(zoneOf('Europe/Paris')!), 'Europe/Paris');
  });

  it('parses dotted table names, a leading database name included', () => {
    assert.deepEqual(postgresDialect.parseTableName('orders', 'db'), { table: 'orders' });
    assert.deepEqual(postgresDialect.parseTableName('s.orders', 'db'), { schema: 's', table: 'orders' });
    assert.deepEqual(postgresDialect.parseTableName('db.s.orders', 'db'), { schema: 's', table: 'orders' });
    assert.throws(() => postgresDialect.parseTableName('server.db.orders', 'db'), ConnectError);
    assert.throws(() => mysqlDialect.parseTableName('server.db.orders', 'db'), /RegexRouter/);
    assert.deepEqual(mysqlDialect.parseTableName('db.orders', 'x'), { schema: 'db', table: 'orders' });
  });
});

describe('DDL from record schemas', () => {
  const value = SchemaBuilder.struct()
    .field('id', Schema.INT64)
    .field('name', SchemaBuilder.string().optional().defaultValue("it's").build())
    .field('price', Logical.decimal(2))
    .field('day', Logical.OPTIONAL_DATE)
    .field('at', Logical.TIMESTAMP)
    .field('t', Logical.OPTIONAL_TIME)
    .field('raw', Schema.OPTIONAL_BYTES)
    .field('ok', SchemaBuilder.bool().defaultValue(true).build())
    .field('f', Schema.FLOAT32)
    .field('s', Schema.INT8)
    .build();
  const columns = value.fields.map((f) => ({ name: f.name, schema: f.schema, isKey: f.name === 'id' }));

  it('creates MySQL tables with Connect types mapped as Kafka Connect does', () => {
    assert.equal(
      mysqlDialect.createTableSql({ schema: 'shop', table: 'orders' }, columns, UTC),
      [
        'CREATE TABLE IF NOT EXISTS `shop`.`orders` (',
        '`id` BIGINT NOT NULL,',
        '`name` TEXT NULL,',
        '`price` DECIMAL(65,2) NOT NULL,',
        '`day` DATE NULL,',
        '`at` DATETIME(3) NOT NULL,',
        '`t` TIME(3) NULL,',
        '`raw` BLOB NULL,',
        '`ok` TINYINT NOT NULL DEFAULT 1,',
        '`f` FLOAT NOT NULL,',
        '`s` TINYINT NOT NULL,',
        'PRIMARY KEY(`id`))',
      ].join('\n'),
    );
    assert.equal(mysqlDialect.sqlType(Schema.STRING, true), 'VARCHAR(256)');
    assert.equal(mysqlDialect.sqlType(Schema.BYTES, true), 'VARBINARY(1024)');
  });

  it('creates PostgreSQL tables with defaults as literals', () => {
    assert.equal(
      postgresDialect.createTableSql({ table: 'orders' }, columns, UTC),
      [
        'CREATE TABLE IF NOT EXISTS "orders" (',
        '"id" BIGINT NOT NULL,',
        `"name" TEXT NULL DEFAULT 'it''s',`,
        '"price" DECIMAL NOT NULL,',
        '"day" DATE NULL,',
        '"at" TIMESTAMP NOT NULL,',
        '"t" TIME NULL,',
        '"raw" BYTEA NULL,',
        '"ok" BOOLEAN NOT NULL DEFAULT TRUE,',
        '"f" REAL NOT NULL,',
        '"s" SMALLINT NOT NULL,',
        'PRIMARY KEY("id"))',
      ].join('\n'),
    );
  });

  it('adds optional columns and columns with defaults, refuses required ones without a default', () => {
    const opt = [{ name: 'note', schema: Schema.OPTIONAL_STRING, isKey: false }];
    assert.equal(
      postgresDialect.addColumnsSql({ table: 'orders' }, opt, UTC),
      'ALTER TABLE "orders" ADD COLUMN IF NOT EXISTS "note" TEXT NULL',
    );
    assert.equal(
      mysqlDialect.addColumnsSql({ table: 'orders' }, opt, UTC),
      'ALTER TABLE `orders` ADD COLUMN `note` TEXT NULL',
    );
    const withDefault = [{ name: 'n', schema: SchemaBuilder.int32().defaultValue(7).build(), isKey: false }];
    assert.equal(
      mysqlDialect.addColumnsSql({ table: 'orders' }, withDefault, UTC),
      'ALTER TABLE `orders` ADD COLUMN `n` INT NOT NULL DEFAULT 7',
    );
    const required = [{ name: 'qty', schema: Schema.INT32, isKey: false }];
    assert.throws(() => postgresDialect.addColumnsSql({ table: 'orders' }, required, UTC), /qty.*not optional/);
  });

  it('refuses containers with a hint, and MySQL decimals beyond scale 30', () => {
    const nested = SchemaBuilder.struct().field('a', Schema.INT32).build();
    assert.throws(() => postgresDialect.sqlType(nested, false), /Flatten/);
    assert.throws(() => mysqlDialect.sqlType(Logical.decimal(31), false), /scale 31/);
  });
});

describe('value encoders', () => {
  const paris = zoneOf('Europe/Paris')!;

  it('write every Connect type as exact text (bytes and booleans per dialect)', () => {
    const pg = (s: Schema, v: unknown) => postgresDialect.valueEncoder(s, paris)(v);
    const my = (s: Schema, v: unknown) => mysqlDialect.valueEncoder(s, paris)(v);
    assert.equal(pg(Schema.INT64, 9007199254740993n), '9007199254740993');
    assert.equal(pg(Logical.decimal(3), new Decimal(-12345n, 3)), '-12.345');
    assert.equal(pg(Schema.BOOLEAN, true), 'true');
    assert.equal(my(Schema.BOOLEAN, true), '1');
    assert.equal(pg(Schema.BYTES, new Uint8Array([1, 255])), '\\x01ff');
    assert.deepEqual(my(Schema.BYTES, new Uint8Array([1, 255])), Buffer.from([1, 255]));
    assert.equal(pg(Logical.TIMESTAMP, new Date('2024-07-01T10:00:00.250Z')), '2024-07-01 12:00:00.250');
    assert.equal(pg(Logical.DATE, new Date(Date.UTC(2024, 6, 1))), '2024-07-01');
    assert.equal(pg(Schema.FLOAT64, Number.NaN), 'NaN');
  });

  it('reject values that do not fit the schema with a DataError', () => {
    assert.throws(() => postgresDialect.valueEncoder(Schema.INT32, UTC)('12'), DataError);
    assert.throws(() => postgresDialect.valueEncoder(Logical.decimal(2), UTC)(1.5), DataError);
    assert.throws(() => postgresDialect.valueEncoder(Logical.DATE, UTC)(new Date(1)), DataError);
  });
});

describe('error classification', () => {
  it('tells transient, record-level and fatal PostgreSQL errors apart by SQLSTATE', () => {
    const pg = (code: string) => postgresDialect.classifyError(Object.assign(new Error('x'), { code }));
    assert.equal(pg('40001'), 'transient');
    assert.equal(pg('40P01'), 'transient');
    assert.equal(pg('08006'), 'transient');
    assert.equal(pg('57P01'), 'transient');
    assert.equal(pg('23505'), 'record');
    assert.equal(pg('22001'), 'record');
    assert.equal(pg('23514'), 'record');
    assert.equal(pg('42P01'), 'fatal');
    assert.equal(postgresDialect.classifyError(new Error('Connection terminated unexpectedly')), 'transient');
    assert.equal(postgresDialect.classifyError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'transient');
  });

  it('tells them apart for MySQL by errno and driver code', () => {
    const my = (errno: number) => mysqlDialect.classifyError(Object.assign(new Error('x'), { errno }));
    assert.equal(my(1213), 'transient');
    assert.equal(my(1205), 'transient');
    assert.equal(my(1062), 'record');
    assert.equal(my(1406), 'record');
    assert.equal(my(4025), 'record');
    assert.equal(my(1146), 'fatal');
    assert.equal(
      mysqlDialect.classifyError(Object.assign(new Error('x'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })),
      'transient',
    );
  });
});
