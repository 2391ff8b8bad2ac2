import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, LogicalNames } from '@tributary/api';
import type { NumericMapping } from '../config.js';
import { UTC } from '../time.js';
import { numericMapping } from './common.js';
import type { ColumnMapping, ResultColumn, TableDefinition } from './dialect.js';
import { mysqlDialect } from './mysql.js';
import { postgresDialect } from './postgres.js';

// Column definitions as the drivers describe result columns (protocol metadata, no server involved).
const my = (name: string, columnType: number, extra: Record<string, number> = {}): ResultColumn => ({
  name,
  native: { name, columnType, flags: 0, decimals: 0, columnLength: 11, characterSet: 33, ...extra },
});
const pg = (name: string, dataTypeID: number, dataTypeModifier = -1): ResultColumn => ({
  name,
  native: { name, dataTypeID, dataTypeModifier, tableID: 0, columnID: 0, dataTypeSize: 0, format: 'text' },
});

function mapOne(
  dialect: typeof mysqlDialect,
  column: ResultColumn,
  numeric: NumericMapping = 'none',
  table: TableDefinition | null = null,
): ColumnMapping {
  return dialect.resultMappings([column], { numericMapping: numeric, zone: UTC, table })[0]!;
}

describe('MySQL result columns → Connect schemas', () => {
  it('maps integer types by size and sign, TINYINT(1) to boolean, BIGINT UNSIGNED to Decimal(0)', () => {
    assert.equal(mapOne(mysqlDialect, my('a', 1, { columnLength: 1 })).schema.type, 'boolean');
    assert.equal(mapOne(mysqlDialect, my('a', 1, { columnLength: 4 })).schema.type, 'int8');
    assert.equal(mapOne(mysqlDialect, my('a', 1, { columnLength: 3, flags: 32 })).schema.type, 'int16');
    assert.equal(mapOne(mysqlDialect, my('a', 3, { flags: 32 })).schema.type, 'int64');
    const big = mapOne(mysqlDialect, my('a', 8));
    assert.equal(big.schema.type, 'int64');
    assert.equal(big.convert('9223372036854775807'), 9223372036854775807n);
    const unsigned = mapOne(mysqlDialect, my('a', 8, { flags: 32 }));
    assert.equal(unsigned.schema.name, LogicalNames.DECIMAL);
    assert.ok((unsigned.convert('18446744073709551615') as Decimal).equals(new Decimal(18446744073709551615n, 0)));
  });

  it('makes NOT NULL columns required and the rest optional', () => {
    assert.equal(mapOne(mysqlDialect, my('a', 3, { flags: 1 })).schema.optional, false);
    assert.equal(mapOne(mysqlDialect, my('a', 3)).schema.optional, true);
  });

  it('maps DECIMAL(p,s) by numeric.mapping, with precision from the column length', () => {
    // DECIMAL(10,2) signed: length 12 = 10 digits + point + sign.
    const col = my('p', 246, { columnLength: 12, decimals: 2 });
    const exact = mapOne(mysqlDialect, col);
    assert.equal(exact.schema.parameters?.scale, '2');
    assert.ok((exact.convert('-12.30') as Decimal).equals(new Decimal(-1230n, 2)));
    assert.equal(mapOne(mysqlDialect, col, 'best_fit').schema.type, 'float64');
    assert.equal(mapOne(mysqlDialect, col, 'precision_only').schema.name, LogicalNames.DECIMAL);
    const int5 = my('q', 246, { columnLength: 6, decimals: 0 });
    assert.equal(mapOne(mysqlDialect, int5, 'precision_only').schema.type, 'int32');
  });

  it('maps dates, times, date-times, binary strings and JSON', () => {
    const ts = mapOne(mysqlDialect, my('t', 12));
    assert.equal(ts.schema.name, LogicalNames.TIMESTAMP);
    assert.equal((ts.convert('2024-01-15 10:20:30.123456') as Date).toISOString(), '2024-01-15T10:20:30.123Z');
    assert.equal(ts.convert('0000-00-00 00:00:00'), null);
    assert.equal(mapOne(mysqlDialect, my('d', 10)).schema.name, LogicalNames.DATE);
    assert.equal((mapOne(mysqlDialect, my('x', 11)).convert('01:00:00') as Date).getTime(), 3_600_000);
    assert.equal(mapOne(mysqlDialect, my('b', 253, { characterSet: 63 })).schema.type, 'bytes');
    assert.equal(mapOne(mysqlDialect, my('s', 253)).schema.type, 'string');
    assert.equal(mapOne(mysqlDialect, my('j', 245)).convert('{"a":1}'), '{"a":1}');
  });
});

describe('PostgreSQL result columns → Connect schemas', () => {
  it('maps by type OID, with numeric precision and scale from the type modifier', () => {
    assert.equal(mapOne(postgresDialect, pg('a', 20)).convert('-9223372036854775808'), -9223372036854775808n);
    assert.equal(mapOne(postgresDialect, pg('a', 16)).convert('t'), true);
    // numeric(12,3): typmod = (12 << 16 | 3) + 4
    const n = mapOne(postgresDialect, pg('n', 1700, ((12 << 16) | 3) + 4));
    assert.equal(n.schema.parameters?.scale, '3');
    assert.ok((n.convert('1.5') as Decimal).equals(new Decimal(1500n, 3)));
    const unconstrained = mapOne(postgresDialect, pg('n', 1700));
    assert.equal(unconstrained.schema.type, 'string');
    assert.equal(unconstrained.convert('1.000000000000000000001'), '1.000000000000000000001');
    assert.deepEqual(mapOne(postgresDialect, pg('b', 17)).convert('\\x00ff'), new Uint8Array([0, 255]));
    const tz = mapOne(postgresDialect, pg('t', 1184));
    assert.equal((tz.convert('2024-01-15 10:20:30.5+01') as Date).toISOString(), '2024-01-15T09:20:30.500Z');
    assert.equal(mapOne(postgresDialect, pg('u', 2950)).schema.type, 'string');
  });

  it('takes nullability from the table definition', () => {
    const table: TableDefinition = {
      id: { table: 't' },
      columns: new Map([
        ['id', { name: 'id', nullable: false, autoIncrement: true, typeName: 'integer', castType: 'integer' }],
      ]),
      primaryKey: ['id'],
    };
    assert.equal(mapOne(postgresDialect, pg('id', 23), 'none', table).schema.optional, false);
    assert.equal(mapOne(postgresDialect, pg('id', 23)).schema.optional, true);
  });
});

describe('numeric.mapping rules', () => {
  it('follows Kafka Connect: integers by precision, doubles for scaled values when asked, Decimal otherwise', () => {
    assert.equal(numericMapping(18, 0, 'precision_only', false).schema.type, 'int64');
    assert.equal(numericMapping(9, 0, 'precision_only', false).schema.type, 'int32');
    assert.equal(numericMapping(4, 0, 'best_fit', false).schema.type, 'int16');
    assert.equal(numericMapping(2, 0, 'best_fit', false).schema.type, 'int8');
    assert.equal(numericMapping(19, 0, 'best_fit', false).schema.name, LogicalNames.DECIMAL);
    assert.equal(numericMapping(10, 2, 'precision_only', false).schema.name, LogicalNames.DECIMAL);
    assert.equal(numericMapping(30, 2, 'best_fit', false).schema.name, LogicalNames.DECIMAL);
    assert.equal(numericMapping(30, 2, 'best_fit_eager_double', false).schema.type, 'float64');
    assert.equal(numericMapping(5, 0, 'none', false).schema.name, LogicalNames.DECIMAL);
  });
});
