import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { cast, parseCastSpec } from './cast.js';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';

const DAY = 86_400_000;

describe('Cast config', () => {
  const bad: [string, string][] = [
    ['', 'Must specify at least one field to cast'],
    ['foo:faketype', 'Invalid type found in casting spec: faketype'],
    ['f:int99', 'Invalid type found in casting spec: int99'],
    ['foo:array', 'does not support casting to array'],
    ['array', 'does not support casting to array'],
    ['foo:bytes', 'does not support casting to bytes'],
    ['foo:int8:extra', 'Invalid cast mapping: foo:int8:extra'],
    ['foo:int8,int32', 'may only specify a single cast'],
  ];
  for (const [spec, message] of bad) {
    it(`rejects spec '${spec}' with a ConfigError on 'spec'`, () => {
      assertConfigError(() => cast.value.create({ spec }), 'spec', message);
    });
  }

  it('requires spec', () => {
    assertConfigError(() => cast.key.create({}), 'spec', 'Missing required configuration "spec"');
  });

  it('parses pairs and whole-value types, case-insensitively and trimmed', () => {
    const parsed = parseCastSpec(['a:INT8', ' b : Float64 ']);
    assert.equal(parsed.whole, undefined);
    assert.deepEqual(
      [...parsed.fields],
      [
        ['a', 'int8'],
        ['b', 'float64'],
      ],
    );
    assert.equal(parseCastSpec(['Boolean']).whole, 'boolean');
  });
});

describe('Cast whole value', () => {
  // [input schema, input, target, expected value]
  const table: [Schema, unknown, string, unknown][] = [
    [Schema.INT32, 42, 'int8', 42],
    [Schema.INT32, 42, 'int16', 42],
    [Schema.INT32, 42, 'int64', 42n],
    [Schema.INT32, 42, 'float32', 42],
    [Schema.INT32, 42, 'float64', 42],
    [Schema.INT32, 42, 'boolean', true],
    [Schema.INT32, 0, 'boolean', false],
    [Schema.INT32, 42, 'string', '42'],
    [Schema.INT64, 42n, 'int32', 42],
    [Schema.FLOAT64, 42.9, 'int32', 42],
    [Schema.FLOAT64, -42.9, 'int64', -42n],
    [Schema.FLOAT64, 0.5, 'boolean', false],
    [Schema.FLOAT64, 42, 'string', '42.0'],
    [Schema.FLOAT64, 1e-5, 'string', '1.0E-5'],
    [Schema.FLOAT32, Math.fround(3.14), 'string', '3.14'],
    [Schema.FLOAT64, 3.14, 'float32', Math.fround(3.14)],
    [Schema.BOOLEAN, true, 'int8', 1],
    [Schema.BOOLEAN, false, 'int64', 0n],
    [Schema.BOOLEAN, true, 'float64', 1],
    [Schema.BOOLEAN, true, 'string', 'true'],
    [Schema.STRING, '42', 'int8', 42],
    [Schema.STRING, '-9223372036854775808', 'int64', -9223372036854775808n],
    [Schema.STRING, ' 1.5f ', 'float32', 1.5],
    [Schema.STRING, '1e3', 'float64', 1000],
    [Schema.STRING, 'TRUE', 'boolean', true],
    [Schema.STRING, 'false', 'boolean', false],
    [Schema.BYTES, new Uint8Array([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]), 'string', '/ty6mHZUMhA='],
    [Logical.decimal(2), new Decimal(12345n, 2), 'int32', 123],
    [Logical.decimal(2), new Decimal(12345n, 2), 'float64', 123.45],
    [Logical.decimal(0), new Decimal(1982n, 0), 'string', '1982'],
    [Logical.decimal(9), new Decimal(15n, 9), 'string', '1.5E-8'],
    [Logical.DATE, new Date(19737 * DAY), 'int32', 19737],
    [Logical.DATE, new Date(19737 * DAY), 'string', '2024-01-15'],
    [Logical.TIME, new Date(45_296_789), 'int32', 45_296_789],
    [Logical.TIME, new Date(45_296_789), 'string', '12:34:56.789Z'],
    [Logical.TIMESTAMP, new Date(1_705_320_000_123), 'int64', 1_705_320_000_123n],
    [Logical.TIMESTAMP, new Date(1_705_320_000_123), 'string', '2024-01-15T12:00:00.123Z'],
  ];
  for (const s of sides(cast)) {
    for (const [schema, input, target, expected] of table) {
      it(`${s.name}: ${schema.describe()} ${String(input)} → ${target}`, () => {
        const out = s.of(s.create({ spec: target }).apply(s.record(schema, input)));
        assert.deepEqual(out.value, expected);
        assert.equal(out.schema?.type, target);
        assert.equal(out.schema?.optional, false);
        assert.equal(out.schema?.name, undefined, 'a logical name must not survive a cast');
      });
    }

    it(`${s.name}: schemaless values cast as Kafka infers their type`, () => {
      const cases: [unknown, string, unknown][] = [
        [42, 'int8', 42],
        [42, 'string', '42'],
        [1.5, 'string', '1.5'],
        [42n, 'int32', 42],
        ['42', 'int64', 42n],
        [true, 'float32', 1],
        [new Uint8Array([1, 2, 3]), 'string', 'AQID'],
      ];
      for (const [input, target, expected] of cases) {
        const out = s.of(s.create({ spec: target }).apply(s.record(null, input)));
        assert.equal(out.schema, null);
        assert.deepEqual(out.value, expected, `${String(input)} → ${target}`);
      }
    });

    it(`${s.name}: keeps name, doc, optionality and casts the default of a whole-value schema`, () => {
      const schema = SchemaBuilder.int64().name('my.id').doc('an id').optional().defaultValue(-42n).build();
      const out = s.of(s.create({ spec: 'int32' }).apply(s.record(schema, 42n)));
      assert.ok(
        out.schema?.equals(SchemaBuilder.int32().name('my.id').doc('an id').optional().defaultValue(-42).build()),
      );
      assert.equal(out.value, 42);
    });

    it(`${s.name}: passes null (tombstone) records through unchanged`, () => {
      const t = s.create({ spec: 'foo:int64' });
      const withSchema = s.record(Schema.OPTIONAL_STRING, null);
      assert.equal(t.apply(withSchema), withSchema);
      const schemaless = s.record(null, null);
      assert.equal(t.apply(schemaless), schemaless);
    });

    const failures: [Schema | null, unknown, string, string][] = [
      [Schema.INT32, 300, 'int8', 'out of range for int8'],
      [Schema.INT64, 2n ** 31n, 'int32', 'out of range for int32'],
      [Logical.decimal(0), new Decimal(2n ** 31n, 0), 'int32', 'out of range for int32'],
      [Schema.FLOAT64, Number.NaN, 'int32', 'out of range'],
      [Schema.FLOAT64, 1e39, 'float32', 'out of range for float32'],
      [Schema.STRING, 'abc', 'int32', "cannot parse 'abc' as int32"],
      [Schema.STRING, '1.5', 'int32', "cannot parse '1.5' as int32"],
      [Schema.STRING, '300', 'int8', 'out of range for int8'],
      [Schema.STRING, 'abc', 'float64', "cannot parse 'abc' as float64"],
      [Schema.STRING, 'yes', 'boolean', "cannot cast string 'yes' to boolean"],
      [Schema.BYTES, new Uint8Array([1]), 'int32', 'unexpected bytes'],
      [SchemaBuilder.array(Schema.INT32).build(), [1], 'string', 'does not support casting from array'],
      [null, { a: 1 }, 'string', 'not supported'],
      [null, new Date(0), 'int64', 'not supported'],
    ];
    for (const [schema, input, target, message] of failures) {
      it(`${s.name}: ${schema?.describe() ?? 'schemaless'} ${String(input)} → ${target} is a DataError`, () => {
        assertDataError(() => s.create({ spec: target }).apply(s.record(schema, input)), message);
      });
    }
  }
});

describe('Cast fields', () => {
  const schema = SchemaBuilder.struct()
    .name('shop.Order')
    .version(3)
    .field('int8', Schema.INT8)
    .field('int16', Schema.OPTIONAL_INT16)
    .field('int32', SchemaBuilder.int32().defaultValue(2).build())
    .field('int64', Schema.INT64)
    .field('float32', Schema.FLOAT32)
    .field('float64', SchemaBuilder.float64().defaultValue(-1.125).build())
    .field('boolean', Schema.BOOLEAN)
    .field('string', Schema.STRING)
    .field('decimal', Logical.decimal(0))
    .field('date', Logical.DATE)
    .field('optional', Schema.OPTIONAL_FLOAT32)
    .field('timestamp', Logical.TIMESTAMP)
    .field('bytes', Schema.BYTES)
    .build();
  const spec =
    'int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,decimal:string,date:string,optional:int32,bytes:string';
  const value = () =>
    new Struct(schema)
      .put('int8', 8)
      .put('int16', 16)
      .put('int32', 32)
      .put('int64', 64n)
      .put('float32', 32)
      .put('float64', -64)
      .put('boolean', true)
      .put('string', '42')
      .put('decimal', new Decimal(42n, 0))
      .put('date', new Date(19737 * DAY))
      .put('timestamp', new Date(0))
      .put('bytes', new Uint8Array([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]));

  for (const s of sides(cast)) {
    it(`${s.name}: casts each listed field and keeps the others, with exact schemas`, () => {
      const out = s.of(s.create({ spec }).apply(s.record(schema, value())));
      const expectedSchema = SchemaBuilder.struct()
        .name('shop.Order')
        .version(3)
        .field('int8', Schema.INT16)
        .field('int16', Schema.OPTIONAL_INT32)
        .field('int32', SchemaBuilder.int64().defaultValue(2n).build())
        .field('int64', Schema.BOOLEAN)
        .field('float32', Schema.FLOAT64)
        .field('float64', SchemaBuilder.bool().defaultValue(true).build())
        .field('boolean', Schema.INT8)
        .field('string', Schema.INT32)
        .field('decimal', Schema.STRING)
        .field('date', Schema.STRING)
        .field('optional', Schema.OPTIONAL_INT32)
        .field('timestamp', Logical.TIMESTAMP)
        .field('bytes', Schema.STRING)
        .build();
      assert.ok(
        out.schema?.equals(expectedSchema),
        `schema: ${JSON.stringify(out.schema?.fields.map((f) => f.schema.describe()))}`,
      );
      const struct = out.value as Struct;
      assert.deepEqual(struct.toJSON(), {
        int8: 8,
        int16: 16,
        int32: '32',
        int64: true,
        float32: 32,
        float64: true,
        boolean: 1,
        string: 42,
        decimal: '42',
        date: '2024-01-15',
        optional: null,
        timestamp: new Date(0),
        bytes: '/ty6mHZUMhA=',
      });
      assert.equal(struct.get('int32'), 32n);
      struct.validate();
    });

    it(`${s.name}: reuses the derived schema for the same input schema`, () => {
      const t = s.create({ spec });
      const a = s.of(t.apply(s.record(schema, value())));
      const b = s.of(t.apply(s.record(schema, value())));
      assert.equal(a.schema, b.schema);
    });

    it(`${s.name}: replace.null.with.default decides what a null field with a default becomes`, () => {
      const withDefault = SchemaBuilder.struct()
        .field('magic', SchemaBuilder.int32().optional().defaultValue(10).build())
        .build();
      for (const [replace, expected] of [
        [true, '10'],
        [false, null],
      ] as const) {
        const t = s.create({ spec: 'magic:string', 'replace.null.with.default': replace });
        const out = s.of(t.apply(s.record(withDefault, new Struct(withDefault))));
        assert.equal((out.value as Struct).getWithoutDefault('magic'), expected);
        assert.equal(out.schema?.field('magic')?.schema.defaultValue, '10');
      }
    });

    it(`${s.name}: casts fields of schemaless maps and adds listed fields that are absent as null`, () => {
      const t = s.create({
        spec: 'int8:int16,int64:boolean,float64:boolean,boolean:int8,string:int32,missing:string',
      });
      const input = { int8: 8, int64: 64, float64: -64.5, boolean: true, string: '42', other: 'kept' };
      const out = s.of(t.apply(s.record(null, input)));
      assert.equal(out.schema, null);
      assert.deepEqual(out.value, {
        int8: 8,
        int64: true,
        float64: true,
        boolean: 1,
        string: 42,
        other: 'kept',
        missing: null,
      });
      assert.deepEqual(input.int8, 8, 'the input is not mutated');
    });

    it(`${s.name}: a field cast on a non-struct is a DataError naming what was found`, () => {
      assertDataError(() => s.create({ spec: 'a:int8' }).apply(s.record(Schema.STRING, 'x')), 'Struct', 'string');
      assertDataError(() => s.create({ spec: 'a:int8' }).apply(s.record(null, 'x')), 'Map', 'string "x"');
    });

    it(`${s.name}: a field that cannot be cast is a DataError naming the field`, () => {
      const st = SchemaBuilder.struct().field('age', Schema.STRING).build();
      assertDataError(
        () => s.create({ spec: 'age:int32' }).apply(s.record(st, new Struct(st).put('age', 'old'))),
        "field 'age'",
        "cannot parse 'old' as int32",
      );
      assertDataError(() => s.create({ spec: 'age:int32' }).apply(s.record(null, { age: 'old' })), "field 'age'");
      const nested = SchemaBuilder.struct().field('inner', SchemaBuilder.struct().build()).build();
      assertDataError(
        () => s.create({ spec: 'inner:string' }).apply(s.record(nested, new Struct(nested))),
        "field 'inner'",
        'does not support casting from struct',
      );
    });

    it(`${s.name}: casts the default of an optional struct schema too`, () => {
      const inner = SchemaBuilder.struct().field('n', Schema.INT64).optional().build();
      const withDefault = SchemaBuilder.from(inner).defaultValue(new Struct(inner).put('n', 5n)).build();
      const out = s.of(
        s.create({ spec: 'n:string' }).apply(s.record(withDefault, new Struct(withDefault).put('n', 6n))),
      );
      const d = out.schema?.defaultValue as Struct;
      assert.equal(d.get('n'), '5');
      assert.equal((out.value as Struct).get('n'), '6');
      assert.equal(out.schema?.optional, true);
    });
  }
});
