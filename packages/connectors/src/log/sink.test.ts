import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, Headers, Schema, SchemaBuilder, Struct, sinkRecord } from '@tributary/api';
import { CapturingLogger, runSinkConformance, SinkTaskHarness } from '../testkit/index.js';
import { LOG_SINK_SPEC, logSink } from './index.js';
import { LogSinkTask } from './sink.js';

const queue = { topic: 'orders', queue: 2 };

async function logged(config: Record<string, string>, values: readonly unknown[]): Promise<SinkTaskHarness> {
  const h = new SinkTaskHarness(new LogSinkTask(), { config });
  await h.start();
  await h.open([queue]);
  await h.put(
    values.map((value, i) => sinkRecord({ ...queue, offset: 10 + i, key: BigInt(i), keySchema: Schema.INT64, value })),
  );
  await h.commit();
  await h.stop();
  return h;
}

describe('LogSinkTask', () => {
  it('logs topic, queue, offset, key and a readable value at the configured level', async () => {
    const schema = SchemaBuilder.struct().field('id', Schema.INT64).field('name', Schema.STRING).build();
    const h = await logged({ 'log.level': 'WARN' }, [new Struct(schema).put('id', 1n).put('name', 'pen')]);
    const [entry] = h.logger.entries;
    assert.equal(h.logger.entries.length, 1);
    assert.equal(entry?.level, 'warn');
    assert.equal(entry?.message, 'topic=orders queue=2 offset=10 key=0 value={"id":1,"name":"pen"}');
    assert.deepEqual(entry?.fields, { topic: 'orders', queue: 2, offset: 10 });
  });

  it('logs one record out of log.every', async () => {
    const h = await logged(
      { 'log.every': '3' },
      Array.from({ length: 7 }, (_, i) => `v${i}`),
    );
    assert.deepEqual(
      h.logger.at('info').map((e) => e.fields?.offset),
      [10, 13, 16],
    );
  });

  it('cuts long values at log.max.chars, and shows timestamp and headers when present', async () => {
    const h = new SinkTaskHarness(new LogSinkTask(), { config: { 'log.max.chars': '5' } });
    await h.start();
    await h.open([queue]);
    await h.put([
      sinkRecord({
        ...queue,
        offset: 0,
        value: 'abcdefghij',
        timestamp: 0,
        headers: Headers.of([{ key: 'h', schema: null, value: 'x' }]),
      }),
    ]);
    assert.equal(
      h.logger.entries[0]?.message,
      'topic=orders queue=2 offset=0 timestamp=1970-01-01T00:00:00.000Z key=null value="abcd… headers=[h="x"]',
    );
  });

  it('rejects a bad level or sampling, naming the key', () => {
    for (const [key, value] of [
      ['log.level', 'trace'],
      ['log.every', '0'],
      ['log.max.chars', '-1'],
    ] as const) {
      assert.throws(
        () => LOG_SINK_SPEC.parse({ [key]: value }),
        (err: unknown) => err instanceof ConfigError && Object.hasOwn(err.fieldErrors, key),
      );
    }
  });

  it('gives every task the connector config', async () => {
    const c = logSink.createConnector();
    await c.start(
      { name: 'l', logger: new CapturingLogger(), requestTaskReconfiguration: () => {}, raiseError: () => {} },
      { 'log.every': '2' },
    );
    assert.equal((await c.taskConfigs(2)).length, 2);
  });
});

runSinkConformance({
  name: 'LogSink',
  createTask: () => new LogSinkTask(),
  async setup() {
    const logger = new CapturingLogger();
    return {
      config: { 'log.level': 'debug' },
      logger,
      async readBack() {
        return logger.at('debug').map((e) => JSON.parse(/ value=(.*)$/.exec(e.message)?.[1] ?? 'null') as string);
      },
    };
  },
});
