import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { maskField } from './mask-field.js';

const SCHEMA = SchemaBuilder.struct()
  .field('magic', Schema.INT32)
  .field('bool', Schema.BOOLEAN)
  .field('byte', Schema.INT8)
  .field('short', Schema.INT16)
  .field('int', Schema.INT32)
  .field('long', Schema.INT64)
  .field('float', Schema.FLOAT32)
  .field('double', Schema.FLOAT64)
  .field('string', Schema.STRING)
  .field('date', Logical.DATE)
  .field('time', Logical.TIME)
  .field('timestamp', Logical.TIMESTAMP)
  .field('decimal', Logical.decimal(2))
  .field('array', SchemaBuilder.array(Schema.INT32).build())
  .field('map', SchemaBuilder.map(Schema.STRING, Schema.STRING).build())
  .field('withDefault', SchemaBuilder.string().optional().defaultValue('default').build())
  .build();
const ALL = 'bool,byte,short,int,long,float,double,string,date,time,timestamp,decimal,array,map';

function value(): Struct {
  return new Struct(SCHEMA)
    .put('magic', 42)
    .put('bool', true)
    .put('byte', 42)
    .put('short', 42)
    .put('int', 42)
    .put('long', 42n)
    .put('float', 42.5)
    .put('double', 42.5)
    .put('string', 'hmm')
    .put('date', new Date(86_400_000))
    .put('time', new Date(1000))
    .put('timestamp', new Date(123456789))
    .put('decimal', new Decimal(4200n, 2))
    .put('array', [1, 2, 3])
    .put('map', new Map([['what', 'what']]));
}

describe('MaskField config', () => {
  it('requires a non-empty field list and a non-empty replacement when given', () => {
    assertConfigError(() => maskField.value.create({}), 'fields', 'Missing required configuration');
    assertConfigError(() => maskField.value.create({ fields: '' }), 'fields', 'Empty list');
    assertConfigError(() => maskField.value.create({ fields: 'a', replacement: '' }), 'replacement', 'non-empty');
  });
});

describe('MaskField', () => {
  for (const s of sides(maskField)) {
    it(`${s.name}: masks struct fields with the null-ish value of each type`, () => {
      const out = s.of(s.create({ fields: ALL }).apply(s.record(SCHEMA, value())));
      assert.equal(out.schema, SCHEMA);
      const struct = out.value as Struct;
      assert.deepEqual(struct.values(), [
        42,
        false,
        0,
        0,
        0,
        0n,
        0,
        0,
        '',
        new Date(0),
        new Date(0),
        new Date(0),
        new Decimal(0n, 2),
        [],
        new Map(),
        'default',
      ]);
      struct.validate();
      for (const f of SCHEMA.fields) struct.put(f.name, struct.getWithoutDefault(f.name));
    });

    it(`${s.name}: masks with a replacement converted to numeric and string field types`, () => {
      const t = s.create({ fields: 'byte,short,int,long,float,double,string,decimal', replacement: '123' });
      const out = s.of(t.apply(s.record(SCHEMA, value())));
      const struct = out.value as Struct;
      assert.deepEqual(
        ['byte', 'short', 'int', 'long', 'float', 'double', 'string', 'decimal'].map((f) => struct.get(f)),
        [123, 123, 123, 123n, 123, 123, '123', new Decimal(12300n, 2)],
      );
      const truncated = s.create({ fields: 'int,double', replacement: '1.5' });
      const t2 = s.of(truncated.apply(s.record(SCHEMA, value()))).value as Struct;
      assert.equal(t2.get('int'), 1, 'Kafka converts through BigDecimal and truncates');
      assert.equal(t2.get('double'), 1.5);
    });

    it(`${s.name}: a replacement that does not fit the field type is a DataError naming the field`, () => {
      const cases: [string, string, string][] = [
        ['bool', '123', 'with custom replacement'],
        ['date', '123', 'with custom replacement'],
        ['array', '123', 'with custom replacement'],
        ['int', 'abc', 'Unable to convert abc'],
        ['byte', '300', 'out of range for int8'],
        ['decimal', '1.234', 'scale 2'],
      ];
      for (const [field, replacement, message] of cases) {
        assertDataError(
          () => s.create({ fields: field, replacement }).apply(s.record(SCHEMA, value())),
          `'${field}'`,
          message,
        );
      }
    });

    it(`${s.name}: bytes and structs have no null-ish value`, () => {
      const schema = SchemaBuilder.struct().field('b', Schema.BYTES).build();
      assertDataError(
        () => s.create({ fields: 'b' }).apply(s.record(schema, new Struct(schema).put('b', new Uint8Array([1])))),
        "field 'b'",
        'Cannot mask',
      );
    });

    it(`${s.name}: null fields stay null; replace.null.with.default decides about defaults`, () => {
      const on = s.of(s.create({ fields: 'withDefault' }).apply(s.record(SCHEMA, value())));
      assert.equal((on.value as Struct).getWithoutDefault('withDefault'), '');
      const off = s.create({ fields: 'withDefault', 'replace.null.with.default': false });
      assert.equal((s.of(off.apply(s.record(SCHEMA, value()))).value as Struct).getWithoutDefault('withDefault'), null);
    });

    it(`${s.name}: masks schemaless maps by the values' own types`, () => {
      const input = {
        magic: 42,
        bool: true,
        long: 42,
        big: 42n,
        double: 42.5,
        string: 'hmm',
        date: new Date(5),
        decimal: new Decimal(425n, 1),
        array: [1],
        map: { a: 1 },
        nothing: null,
      };
      const out = s.of(
        s
          .create({ fields: 'bool,long,big,double,string,date,decimal,array,map,nothing,absent' })
          .apply(s.record(null, input)),
      );
      assert.deepEqual(out, {
        schema: null,
        value: {
          magic: 42,
          bool: false,
          long: 0,
          big: 0n,
          double: 0,
          string: '',
          date: new Date(0),
          decimal: new Decimal(0n, 1),
          array: [],
          map: {},
          nothing: null,
          absent: null,
        },
      });
      const replaced = s.of(
        s.create({ fields: 'long,big,double,string', replacement: '7' }).apply(s.record(null, input)),
      );
      assert.deepEqual(replaced.value, { ...input, long: 7, big: 7n, double: 7, string: '7' });
    });

    it(`${s.name}: needs a struct or a map`, () => {
      assertDataError(() => s.create({ fields: 'a' }).apply(s.record(Schema.STRING, 'x')), 'Struct', 'mask fields');
      assertDataError(() => s.create({ fields: 'a' }).apply(s.record(null, null)), 'Map', 'null');
    });
  }
});
