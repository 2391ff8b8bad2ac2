import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, LogicalNames, type Schema, validateValue } from '@tributary/api';
import {
  buildTableSchema,
  type ColumnInfo,
  enumValues,
  keyOf,
  type MappingOptions,
  mapColumn,
  rowFromArray,
  rowFromObject,
  shortestFloat32,
  type TableInfo,
} from './schema-mapper.js';

const DEFAULTS: MappingOptions = {
  decimalMode: 'precise',
  bigintUnsignedMode: 'long',
  timePrecisionMode: 'adaptive_time_microseconds',
  binaryMode: 'bytes',
};

function col(columnType: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name: 'c', columnType, nullable: true, pkSeq: 0, charset: null, json: false, ...extra };
}

/** Maps one raw value and checks it against the field schema the way converters will. */
function map(columnType: string, raw: unknown, options: Partial<MappingOptions> = {}, extra: Partial<ColumnInfo> = {}) {
  const m = mapColumn(col(columnType, extra), { ...DEFAULTS, ...options });
  assert.ok(m !== null, `${columnType} is unsupported`);
  const value = m.convert(raw);
  validateValue(m.schema, value, columnType);
  return { schema: m.schema, value };
}

const describeSchema = (s: Schema) => ({ type: s.type, name: s.name, optional: s.optional, parameters: s.parameters });

describe('column type mapping (Debezium)', () => {
  it('maps integer types by size and signedness', () => {
    assert.deepEqual(describeSchema(map('tinyint(4)', -5).schema), {
      type: 'int16',
      name: undefined,
      optional: true,
      parameters: undefined,
    });
    assert.equal(map('tinyint(3) unsigned', 255).value, 255);
    assert.equal(map('smallint(6)', -32768).schema.type, 'int16');
    assert.equal(map('smallint(5) unsigned', 65535).schema.type, 'int32');
    assert.equal(map('mediumint(8) unsigned', 16777215).schema.type, 'int32');
    assert.equal(map('int(11)', -2147483648).value, -2147483648);
    assert.deepEqual(map('int(10) unsigned', 4294967295), { schema: map('bigint(20)', 1).schema, value: 4294967295n });
    assert.equal(map('bigint(20)', '-9223372036854775808').value, -9223372036854775808n);
    assert.equal(map('bigint(20)', 42).value, 42n);
  });

  it("maps BIGINT UNSIGNED as wrapping int64 ('long') or Decimal scale 0 ('precise')", () => {
    assert.equal(map('bigint(20) unsigned', '18446744073709551615').value, -1n);
    const precise = map('bigint(20) unsigned', '18446744073709551615', { bigintUnsignedMode: 'precise' });
    assert.equal(precise.schema.name, LogicalNames.DECIMAL);
    assert.deepEqual(precise.schema.parameters, { scale: '0', 'connect.decimal.precision': '20' });
    assert.ok((precise.value as Decimal).equals(Decimal.parse('18446744073709551615')));
  });

  it('maps DECIMAL per decimal.handling.mode, keeping the column scale', () => {
    const precise = map('decimal(10,2)', '12.3');
    assert.deepEqual(precise.schema.parameters, { scale: '2', 'connect.decimal.precision': '10' });
    assert.equal((precise.value as Decimal).toString(), '12.30');
    assert.equal((precise.value as Decimal).scale, 2);
    assert.equal(map('decimal(10,2)', '12.34', { decimalMode: 'double' }).value, 12.34);
    assert.deepEqual(map('decimal(10,2)', '-0.5', { decimalMode: 'string' }), {
      schema: map('varchar(3)', 'x').schema,
      value: '-0.50',
    });
    assert.equal(
      (map('decimal(65,30)', '1.000000000000000000000000000001').value as Decimal).toString(),
      '1.000000000000000000000000000001',
    );
  });

  it('maps FLOAT to float32 with the shortest text a float32 reads back as; FLOAT(M,D) and DOUBLE to float64', () => {
    const f = map('float', Math.fround(0.1));
    assert.equal(f.schema.type, 'float32');
    assert.equal(f.value, 0.1);
    assert.equal(map('float', 0.1).value, 0.1, 'snapshot text and binlog binary agree');
    assert.equal(map('float(7,4)', 1.5).schema.type, 'float64');
    assert.equal(map('double', 0.30000000000000004).value, 0.30000000000000004);
    assert.equal(shortestFloat32(Math.fround(1.2345)), 1.2345);
    assert.equal(shortestFloat32(16777217), 16777216);
  });

  it('maps BIT(1) to boolean and BIT(n) to little-endian io.debezium.data.Bits', () => {
    assert.equal(map('bit(1)', Buffer.from([1])).value, true);
    assert.equal(map('bit(1)', Buffer.from([0])).value, false);
    const bits = map('bit(10)', Buffer.from([0x02, 0x81]));
    assert.equal(bits.schema.name, 'io.debezium.data.Bits');
    assert.deepEqual(bits.schema.parameters, { length: '10' });
    assert.deepEqual([...(bits.value as Uint8Array)], [0x81, 0x02]);
    assert.deepEqual(
      [...(map('bit(64)', Buffer.from([1, 0, 0, 0, 0, 0, 0, 2])).value as Uint8Array)],
      [2, 0, 0, 0, 0, 0, 0, 1],
    );
  });

  it('maps text, ENUM, SET and JSON to strings with Debezium names', () => {
    assert.equal(map('varchar(20)', 'héllo').value, 'héllo');
    assert.equal(map('longtext', Buffer.from('text')).value, 'text');
    const e = map("enum('a','b''c','d,e')", "b'c");
    assert.equal(e.schema.name, 'io.debezium.data.Enum');
    assert.deepEqual(e.schema.parameters, { allowed: "a,b'c,d,e" });
    const s = map("set('x','y')", 'x,y');
    assert.equal(s.schema.name, 'io.debezium.data.EnumSet');
    assert.equal(s.value, 'x,y');
    const j = map('json', '{"a":1}');
    assert.equal(j.schema.name, 'io.debezium.data.Json');
    assert.equal(map('json', { a: 1 }).value, '{"a":1}');
    assert.equal(map('longtext', '[1]', {}, { json: true }).schema.name, 'io.debezium.data.Json', 'MariaDB JSON alias');
    assert.deepEqual(enumValues("enum('')"), ['']);
  });

  it('maps binary types per binary.handling.mode', () => {
    const raw = Buffer.from([0, 255, 16]);
    assert.deepEqual([...(map('varbinary(10)', raw).value as Uint8Array)], [0, 255, 16]);
    assert.equal(map('blob', raw, { binaryMode: 'base64' }).value, 'AP8Q');
    assert.equal(map('binary(3)', raw, { binaryMode: 'base64-url-safe' }).value, 'AP8Q');
    assert.equal(map('longblob', raw, { binaryMode: 'hex' }).value, '00ff10');
  });

  it('maps temporal types as io.debezium.time types by precision (adaptive_time_microseconds)', () => {
    const d = map('date', '2024-01-15');
    assert.deepEqual([d.schema.type, d.schema.name, d.value], ['int32', 'io.debezium.time.Date', 19737]);
    const t = map('time(2)', '-12:34:56.78');
    assert.deepEqual([t.schema.type, t.schema.name, t.value], ['int64', 'io.debezium.time.MicroTime', -45296780000n]);
    const dt3 = map('datetime(3)', '2024-01-15 10:00:00.123');
    assert.deepEqual([dt3.schema.name, dt3.value], ['io.debezium.time.Timestamp', 1705312800123n]);
    const dt6 = map('datetime(6)', '2024-01-15 10:00:00.123456');
    assert.deepEqual([dt6.schema.name, dt6.value], ['io.debezium.time.MicroTimestamp', 1705312800123456n]);
    const ts = map('timestamp(3)', '2024-01-15 10:00:00.120');
    assert.deepEqual(
      [ts.schema.type, ts.schema.name, ts.value],
      ['string', 'io.debezium.time.ZonedTimestamp', '2024-01-15T10:00:00.120Z'],
    );
    const y = map('year(4)', 2024);
    assert.deepEqual([y.schema.type, y.schema.name, y.value], ['int32', 'io.debezium.time.Year', 2024]);
  });

  it("maps temporal types to Kafka Connect's logical types with time.precision.mode=connect", () => {
    const connect = { timePrecisionMode: 'connect' } as const;
    const d = map('date', '2024-01-15', connect);
    assert.equal(d.schema.name, LogicalNames.DATE);
    assert.deepEqual(d.value, new Date(Date.UTC(2024, 0, 15)));
    const dt = map('datetime(6)', '2024-01-15 10:00:00.123456', connect);
    assert.equal(dt.schema.name, LogicalNames.TIMESTAMP);
    assert.deepEqual(dt.value, new Date(Date.UTC(2024, 0, 15, 10, 0, 0, 123)));
    const t = map('time', '10:00:01', connect);
    assert.equal(t.schema.name, LogicalNames.TIME);
    assert.deepEqual(t.value, new Date(36001000));
    assert.throws(() => map('time', '-01:00:00', connect), /outside 00:00:00–24:00:00/);
    assert.equal(map('timestamp', '2024-01-15 10:00:00', connect).schema.name, 'io.debezium.time.ZonedTimestamp');
  });

  it('turns zero dates into null, or the epoch for NOT NULL columns', () => {
    assert.equal(map('date', '0000-00-00').value, null);
    assert.equal(map('date', '0000-00-00', {}, { nullable: false }).value, 0);
    assert.equal(map('datetime', '0000-00-00 00:00:00', {}, { nullable: false }).value, 0n);
    assert.equal(map('timestamp', '0000-00-00 00:00:00', {}, { nullable: false }).value, '1970-01-01T00:00:00Z');
  });

  it('leaves out spatial columns', () => {
    assert.equal(mapColumn(col('point'), DEFAULTS), null);
    assert.equal(mapColumn(col('geometry'), DEFAULTS), null);
  });

  it('makes nullable columns optional and NOT NULL columns required', () => {
    assert.equal(mapColumn(col('int(11)', { nullable: false }), DEFAULTS)?.schema.optional, false);
    assert.equal(mapColumn(col('int(11)'), DEFAULTS)?.schema.optional, true);
  });
});

describe('table schemas', () => {
  const info: TableInfo = {
    db: 'shop',
    table: 'orders',
    columns: [
      { name: 'tenant', columnType: 'int(11)', nullable: false, pkSeq: 2, charset: null, json: false },
      { name: 'id', columnType: 'bigint(20)', nullable: false, pkSeq: 1, charset: null, json: false },
      { name: 'shape', columnType: 'point', nullable: true, pkSeq: 0, charset: null, json: false },
      { name: 'note', columnType: 'varchar(10)', nullable: true, pkSeq: 0, charset: 'utf8mb4', json: false },
    ],
  };

  it('names topic and schemas after prefix, database and table; key fields in primary key order', () => {
    const s = buildTableSchema('app', info, DEFAULTS);
    assert.equal(s.topic, 'app.shop.orders');
    assert.equal(s.valueSchema.name, 'app.shop.orders.Value');
    assert.equal(s.valueSchema.optional, true);
    assert.equal(s.keySchema?.name, 'app.shop.orders.Key');
    assert.deepEqual(
      s.keySchema?.fields.map((f) => f.name),
      ['id', 'tenant'],
    );
    assert.equal(s.envelopeSchema.name, 'app.shop.orders.Envelope');
    assert.deepEqual(
      s.valueSchema.fields.map((f) => f.name),
      ['tenant', 'id', 'note'],
    );
    assert.deepEqual(s.skipped, ['shape']);
  });

  it('builds rows from zongji objects and from mysql2 arrays alike, and their keys', () => {
    const s = buildTableSchema('app', info, DEFAULTS);
    const a = rowFromObject(s, { tenant: 7, id: '9007199254740993', shape: { x: 1, y: 2 }, note: null });
    const b = rowFromArray(s, [7, '9007199254740993', { x: 1, y: 2 }, null]);
    assert.ok(a.equals(b));
    a.validate();
    assert.equal(a.get('id'), 9007199254740993n);
    const key = keyOf(s, a);
    assert.deepEqual(key?.toJSON(), { id: '9007199254740993', tenant: 7 });
  });

  it('gives tables without a primary key a null key', () => {
    const s = buildTableSchema('app', { ...info, columns: info.columns.map((c) => ({ ...c, pkSeq: 0 })) }, DEFAULTS);
    assert.equal(s.keySchema, null);
    assert.equal(keyOf(s, rowFromArray(s, [1, 2, null, 'x'])), null);
  });

  it('names the column of a value that does not fit', () => {
    const s = buildTableSchema('app', info, DEFAULTS);
    assert.throws(() => rowFromArray(s, ['not a number', 1, null, null]), /column 'tenant'/);
  });
});
