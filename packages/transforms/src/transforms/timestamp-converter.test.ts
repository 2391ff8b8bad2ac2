import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { timestampConverter } from './timestamp-converter.js';

// The fixtures of Kafka's TimestampConverterTest.
const DATE_PLUS_TIME = 86_401_234; // 1970-01-02T00:00:01.234Z
const DATE = 86_400_000;
const TIME = 1234;
const FORMAT = 'yyyy MM dd HH mm ss SSS z';
const DATE_PLUS_TIME_STRING = '1970 01 02 00 00 01 234 UTC';

describe('TimestampConverter config', () => {
  it('validates target.type, unix.precision and format', () => {
    assertConfigError(() => timestampConverter.value.create({}), 'target.type', 'Missing required');
    assertConfigError(
      () => timestampConverter.value.create({ 'target.type': 'invalid' }),
      'target.type',
      'string, unix, Date',
    );
    assertConfigError(
      () => timestampConverter.value.create({ 'target.type': 'unix', 'unix.precision': 'minutes' }),
      'unix.precision',
      'seconds',
    );
    assertConfigError(() => timestampConverter.value.create({ 'target.type': 'string' }), 'format', 'requires format');
    assertConfigError(
      () => timestampConverter.value.create({ 'target.type': 'string', format: 'bad-format-T' }),
      'format',
      'SimpleDateFormat-compatible',
    );
    assertConfigError(
      () => timestampConverter.value.create({ 'target.type': 'unix', format: "yyyy'" }),
      'format',
      'Unterminated quote',
    );
  });
});

describe('TimestampConverter', () => {
  // [from schema, from value, target, target schema, expected value]
  const conversions: [Schema, unknown, string, Schema, unknown][] = [
    [Logical.TIMESTAMP, new Date(DATE_PLUS_TIME), 'Date', Logical.DATE, new Date(DATE)],
    [Logical.TIMESTAMP, new Date(DATE_PLUS_TIME), 'Time', Logical.TIME, new Date(TIME)],
    [Logical.TIMESTAMP, new Date(DATE_PLUS_TIME), 'unix', Schema.INT64, BigInt(DATE_PLUS_TIME)],
    [Logical.TIMESTAMP, new Date(DATE_PLUS_TIME), 'string', Schema.STRING, DATE_PLUS_TIME_STRING],
    [Logical.TIMESTAMP, new Date(DATE_PLUS_TIME), 'Timestamp', Logical.TIMESTAMP, new Date(DATE_PLUS_TIME)],
    [Logical.DATE, new Date(DATE), 'Timestamp', Logical.TIMESTAMP, new Date(DATE)],
    [Logical.TIME, new Date(TIME), 'Timestamp', Logical.TIMESTAMP, new Date(TIME)],
    [Schema.INT64, BigInt(DATE_PLUS_TIME), 'Timestamp', Logical.TIMESTAMP, new Date(DATE_PLUS_TIME)],
    [Schema.STRING, DATE_PLUS_TIME_STRING, 'Timestamp', Logical.TIMESTAMP, new Date(DATE_PLUS_TIME)],
    [Schema.STRING, DATE_PLUS_TIME_STRING, 'unix', Schema.INT64, BigInt(DATE_PLUS_TIME)],
    [Logical.TIMESTAMP, new Date(-1), 'Date', Logical.DATE, new Date(-DATE)],
    [Logical.TIMESTAMP, new Date(-1), 'Time', Logical.TIME, new Date(DATE - 1)],
  ];

  for (const s of sides(timestampConverter)) {
    for (const [from, input, target, schema, expected] of conversions) {
      it(`${s.name}: whole ${from.describe()} → ${target}`, () => {
        const t = s.create({ 'target.type': target, format: FORMAT });
        const out = s.of(t.apply(s.record(from, input)));
        assert.equal(out.schema, schema);
        assert.deepEqual(out.value, expected);
      });
    }

    it(`${s.name}: keeps optionality and passes nulls`, () => {
      const t = s.create({ 'target.type': 'unix' });
      assert.deepEqual(s.of(t.apply(s.record(Logical.OPTIONAL_TIMESTAMP, null))), {
        schema: Schema.OPTIONAL_INT64,
        value: null,
      });
      assert.deepEqual(s.of(t.apply(s.record(null, null))), { schema: null, value: null });
    });

    it(`${s.name}: schemaless values infer their type: Date, integer (unix) or string`, () => {
      const cases: [unknown, string, unknown][] = [
        [new Date(DATE_PLUS_TIME), 'Date', new Date(DATE)],
        [DATE_PLUS_TIME, 'Timestamp', new Date(DATE_PLUS_TIME)],
        [BigInt(DATE_PLUS_TIME), 'string', DATE_PLUS_TIME_STRING],
        [DATE_PLUS_TIME_STRING, 'unix', DATE_PLUS_TIME],
        [DATE_PLUS_TIME_STRING, 'Time', new Date(TIME)],
      ];
      for (const [input, target, expected] of cases) {
        const out = s.of(s.create({ 'target.type': target, format: FORMAT }).apply(s.record(null, input)));
        assert.deepEqual(out, { schema: null, value: expected }, `${String(input)} → ${target}`);
      }
    });

    it(`${s.name}: unix.precision reads and writes seconds, micros and nanos (truncating to ms)`, () => {
      const precisions: [string, bigint, bigint][] = [
        ['seconds', 86_401n, 86_401n],
        ['milliseconds', 86_401_234n, 86_401_234n],
        ['microseconds', 86_401_234_123n, 86_401_234_000n],
        ['nanoseconds', 86_401_234_123_456n, 86_401_234_000_000n],
      ];
      for (const [precision, input, written] of precisions) {
        const read = s.create({ 'target.type': 'Timestamp', 'unix.precision': precision });
        const expectedMs = precision === 'seconds' ? 86_401_000 : DATE_PLUS_TIME;
        assert.deepEqual(s.of(read.apply(s.record(Schema.INT64, input))).value, new Date(expectedMs), precision);
        const write = s.create({ 'target.type': 'unix', 'unix.precision': precision });
        assert.equal(
          s.of(write.apply(s.record(Logical.TIMESTAMP, new Date(DATE_PLUS_TIME)))).value,
          written,
          precision,
        );
      }
      // Schemaless output: numbers for seconds and milliseconds, bigints where they may exceed 2^53.
      const sec = s.create({ 'target.type': 'unix', 'unix.precision': 'seconds' });
      assert.equal(s.of(sec.apply(s.record(null, new Date(DATE_PLUS_TIME)))).value, 86_401);
      const nanos = s.create({ 'target.type': 'unix', 'unix.precision': 'nanoseconds' });
      assert.equal(s.of(nanos.apply(s.record(null, new Date(DATE_PLUS_TIME)))).value, 86_401_234_000_000n);
    });

    it(`${s.name}: converts one field of a struct, keeping the others and the struct basics`, () => {
      const schema = SchemaBuilder.struct()
        .name('n')
        .field('ts', Logical.OPTIONAL_TIMESTAMP)
        .field('other', Schema.STRING)
        .build();
      const t = s.create({ field: 'ts', 'target.type': 'string', format: FORMAT });
      const out = s.of(
        t.apply(s.record(schema, new Struct(schema).put('ts', new Date(DATE_PLUS_TIME)).put('other', 'o'))),
      );
      const expected = SchemaBuilder.struct()
        .name('n')
        .field('ts', Schema.OPTIONAL_STRING)
        .field('other', Schema.STRING)
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).values(), [DATE_PLUS_TIME_STRING, 'o']);
      const nullField = s.of(t.apply(s.record(schema, new Struct(schema).put('other', 'o'))));
      assert.deepEqual((nullField.value as Struct).values(), [null, 'o']);
      assert.equal(nullField.schema, out.schema, 'schema cached');
      assert.deepEqual(s.of(t.apply(s.record(schema, null))), { schema: out.schema, value: null });
    });

    it(`${s.name}: converts the default of a struct schema and honours replace.null.with.default`, () => {
      const base = SchemaBuilder.struct()
        .field('ts', SchemaBuilder.int64().optional().defaultValue(BigInt(DATE_PLUS_TIME)).build())
        .optional()
        .build();
      const schema = SchemaBuilder.from(base).defaultValue(new Struct(base).put('ts', 0n)).build();
      for (const [replace, expected] of [
        [true, new Date(DATE_PLUS_TIME)],
        [false, null],
      ] as const) {
        const t = s.create({ field: 'ts', 'target.type': 'Timestamp', 'replace.null.with.default': replace });
        const out = s.of(t.apply(s.record(schema, new Struct(schema))));
        assert.deepEqual((out.value as Struct).getWithoutDefault('ts'), expected);
        assert.deepEqual((out.schema!.defaultValue as Struct).get('ts'), new Date(0));
      }
    });

    it(`${s.name}: converts a field of a schemaless map`, () => {
      const t = s.create({ field: 'ts', 'target.type': 'Date' });
      assert.deepEqual(s.of(t.apply(s.record(null, { ts: new Date(DATE_PLUS_TIME), o: 1 }))).value, {
        ts: new Date(DATE),
        o: 1,
      });
      assert.deepEqual(s.of(t.apply(s.record(null, { o: 1 }))).value, { o: 1, ts: null });
    });

    it(`${s.name}: bad inputs are DataErrors naming the field and what was expected`, () => {
      const str = s.create({ 'target.type': 'Timestamp', format: FORMAT });
      assertDataError(
        () => str.apply(s.record(Schema.STRING, 'not a date')),
        'Could not parse timestamp',
        'not a date',
      );
      assertDataError(
        () => s.create({ 'target.type': 'Timestamp' }).apply(s.record(Schema.STRING, '2024')),
        "no 'format' is configured",
      );
      assertDataError(() => str.apply(s.record(Schema.INT32, 5)), 'does not correspond to a known timestamp type');
      assertDataError(() => str.apply(s.record(null, 1.5)), 'does not support number 1.5');
      assertDataError(() => str.apply(s.record(null, true)), 'does not support boolean');
      const schema = SchemaBuilder.struct().field('ts', Schema.INT64).build();
      assertDataError(
        () =>
          s.create({ field: 'nope', 'target.type': 'Date' }).apply(s.record(schema, new Struct(schema).put('ts', 1n))),
        "field 'nope' does not exist",
      );
      const bad = SchemaBuilder.struct().field('ts', Schema.BOOLEAN).build();
      assertDataError(
        () => s.create({ field: 'ts', 'target.type': 'Date' }).apply(s.record(bad, new Struct(bad).put('ts', true))),
        "field 'ts'",
        'known timestamp type',
      );
      assertDataError(() => s.create({ field: 'ts', 'target.type': 'Date' }).apply(s.record(null, 'x')), 'Map');
      assertDataError(
        () => s.create({ 'target.type': 'Date' }).apply(s.record(Schema.INT64, 10n ** 18n)),
        'out of the supported date range',
      );
    });
  }
});
