import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  ConnectError,
  PluginRegistry,
  Schema,
  type SourceConnectorContext,
  type SourceRecord,
  Struct,
  silentLogger,
} from '@tributary/api';
import { valueToJsonText } from '../common/render.js';
import { InMemoryOffsetStore, SourceTaskHarness } from '../testkit/index.js';
import { GENERATOR_SPEC, GENERATOR_VALUE_SCHEMA, generatorSource } from './index.js';
import { GeneratorConnector, GeneratorTask, type GeneratorTaskOptions } from './source.js';

const context: SourceConnectorContext = {
  name: 'gen',
  logger: silentLogger,
  offsetReader: new InMemoryOffsetStore(),
  requestTaskReconfiguration: () => {},
  raiseError: () => {},
};

/** A clock that only moves when the task sleeps: pacing becomes exact and instant. */
function virtualClock(): Required<Pick<GeneratorTaskOptions, 'now' | 'sleep'>> & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) return 'aborted';
      now += ms;
      return 'timeout';
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

function harness(
  config: Record<string, string>,
  options: GeneratorTaskOptions & { store?: InMemoryOffsetStore; taskNumber?: number } = {},
): SourceTaskHarness {
  return new SourceTaskHarness(new GeneratorTask(options), {
    config: { topic: 'gen', ...config },
    connectorName: 'gen',
    ...(options.store === undefined ? {} : { store: options.store }),
  });
}

const seqs = (records: readonly SourceRecord[]): unknown[] => records.map((r) => r.sourceOffset.seq);

describe('Generator config', () => {
  const rejects = (raw: Record<string, string>, key: string): void => {
    assert.throws(
      () => GENERATOR_SPEC.parse(raw),
      (err: unknown) => err instanceof ConfigError && Object.hasOwn(err.fieldErrors, key) && err.message.includes(key),
    );
  };

  it('rejects a missing topic, a negative rate or count, and a bad batch.size or key mode', () => {
    rejects({ rate: '10' }, 'topic');
    rejects({ topic: 't', rate: '-1' }, 'rate');
    rejects({ topic: 't', rate: 'fast' }, 'rate');
    rejects({ topic: 't', count: '-3' }, 'count');
    rejects({ topic: 't', 'batch.size': '0' }, 'batch.size');
    rejects({ topic: 't', key: 'uuid' }, 'key');
    rejects({ topic: 't', 'record.size': '-1' }, 'record.size');
    assert.throws(
      () => new GeneratorConnector().start(context, { topic: 't', rate: '-5' }),
      (err: unknown) => err instanceof ConfigError && Object.hasOwn(err.fieldErrors, 'rate'),
    );
  });

  it('has defaults and aliases', () => {
    const parsed = GENERATOR_SPEC.parse({ 'connect.topicname': 't', 'key.mode': 'SEQ' });
    assert.deepEqual(
      { ...parsed },
      { topic: 't', rate: 100, count: 0, 'record.size': 256, key: 'seq', 'batch.size': 1000 },
    );
  });

  it('is registered as Generator with its aliases', () => {
    const registry = new PluginRegistry([generatorSource]);
    for (const name of ['Generator', 'GeneratorSource', 'DataGenerator']) {
      assert.equal(registry.require(name, 'source'), generatorSource);
    }
  });
});

describe('GeneratorConnector', () => {
  it('splits rate and count over tasks.max tasks', () => {
    const c = new GeneratorConnector();
    c.start(context, { topic: 't', rate: '1000', count: '10' });
    const configs = c.taskConfigs(3);
    assert.equal(configs.length, 3);
    assert.deepEqual(
      configs.map((t) => [t['generator.task.index'], Number(t['generator.task.rate']), t['generator.task.count']]),
      [
        ['0', 1000 / 3, '4'],
        ['1', 1000 / 3, '3'],
        ['2', 1000 / 3, '3'],
      ],
    );
    assert.equal(configs[0]?.topic, 't');
  });

  it('creates no more tasks than records, and tasks.max tasks when unlimited', () => {
    const c = new GeneratorConnector();
    c.start(context, { topic: 't', count: '2' });
    assert.deepEqual(
      c.taskConfigs(5).map((t) => t['generator.task.count']),
      ['1', '1'],
    );
    c.start(context, { topic: 't' });
    assert.deepEqual(
      c.taskConfigs(2).map((t) => t['generator.task.count']),
      ['0', '0'],
    );
  });

  it('checks offsets before they are altered', () => {
    const c = new GeneratorConnector();
    assert.equal(c.alterOffsets({}, [{ partition: { generator: 'gen', task: 0 }, offset: { seq: 5 } }]), true);
    assert.equal(c.alterOffsets({}, [{ partition: { generator: 'gen', task: 1 }, offset: null }]), true);
    assert.throws(() => c.alterOffsets({}, [{ partition: { generator: 'gen' }, offset: { seq: 1 } }]), ConfigError);
    assert.throws(
      () => c.alterOffsets({}, [{ partition: { generator: 'gen', task: 0 }, offset: { seq: -1 } }]),
      ConfigError,
    );
  });
});

describe('GeneratorTask', () => {
  it('generates struct values with a sequence per task, partition {generator, task} and offset {seq}', async () => {
    const h = harness({ rate: '0', 'generator.task.index': '2' });
    await h.start();
    const records = await h.poll();
    await h.stop();
    assert.equal(records.length, 1000);
    assert.deepEqual(seqs(records.slice(0, 3)), [0, 1, 2]);
    const r = records[7]!;
    assert.deepEqual(r.sourcePartition, { generator: 'gen', task: 2 });
    assert.deepEqual(r.sourceOffset, { seq: 7 });
    assert.equal(r.topic, 'gen');
    assert.equal(r.key, null);
    assert.equal(r.valueSchema, GENERATOR_VALUE_SCHEMA);
    const value = r.value as Struct;
    assert.ok(value instanceof Struct);
    value.validate();
    assert.equal(value.schema.fields.length, 10);
    assert.equal(value.getInt64('seq'), 7n);
    assert.equal(value.getInt32('task'), 2);
    assert.ok(value.get('timestamp') instanceof Date);
  });

  it('generates the same values for the same (task, seq), different ones for other seqs', async () => {
    const a = harness({ rate: '0', 'batch.size': '5' });
    const b = harness({ rate: '0', 'batch.size': '5' });
    await a.start();
    await b.start();
    const strip = (records: readonly SourceRecord[]): string[] =>
      records.map((r) => {
        const json = JSON.parse(valueToJsonText(r.value)) as Record<string, unknown>;
        delete json.timestamp;
        return JSON.stringify(json);
      });
    const first = strip(await a.poll());
    assert.deepEqual(first, strip(await b.poll()));
    assert.equal(new Set(first).size, 5);
  });

  it('keys records by seq in key mode seq', async () => {
    const h = harness({ rate: '0', key: 'seq', 'batch.size': '3' });
    await h.start();
    const records = await h.poll();
    assert.deepEqual(
      records.map((r) => r.key),
      [0n, 1n, 2n],
    );
    assert.equal(records[0]?.keySchema, Schema.INT64);
  });

  it('pads values to about record.size bytes', async () => {
    for (const size of [512, 4096]) {
      const h = harness({ rate: '0', 'record.size': String(size), 'batch.size': '100' });
      await h.start();
      for (const r of await h.poll()) {
        const bytes = Buffer.byteLength(valueToJsonText(r.value));
        assert.ok(Math.abs(bytes - size) <= size * 0.05, `record of ${bytes} bytes for record.size ${size}`);
      }
    }
  });

  it('stops at its count and continues exactly after the committed seq when restarted', async () => {
    const store = new InMemoryOffsetStore();
    const first = harness({ rate: '0', count: '10', 'batch.size': '4' }, { store, maxWaitMs: 1 });
    await first.start();
    const a = await first.pollUntil(6);
    await first.commit(a.records.slice(0, 5));
    await first.stop();
    const second = harness({ rate: '0', count: '10', 'batch.size': '4' }, { store, maxWaitMs: 1 });
    await second.start();
    const b = await second.pollUntil(5);
    assert.deepEqual(seqs(b.records), [5, 6, 7, 8, 9]);
    assert.deepEqual(await second.poll(), [], 'the count is reached');
    assert.ok(second.logger.at('info').some((e) => /Generated all 10/.test(e.message)));
    await second.stop();
  });

  it('fails to start on a committed seq of the wrong type', async () => {
    const store = new InMemoryOffsetStore();
    store.commit({ generator: 'gen', task: 0 }, { seq: 'x' });
    await assert.rejects(harness({}, { store }).start(), ConnectError);
  });

  it('paces records by the rate against the clock (virtual clock: exact)', async () => {
    const clock = virtualClock();
    const h = harness({ rate: '250', 'batch.size': '40' }, clock);
    await h.start();
    let total = 0;
    for (let i = 0; i < 200; i++) {
      total += (await h.poll()).length;
      clock.advance(i % 3 === 0 ? 37 : 3); // uneven gaps between polls, as a busy runtime makes them
    }
    const elapsedMs = clock.now();
    // One initial token plus 250 per second of elapsed time, less the fraction not yet accrued.
    assert.ok(Math.abs(total - (1 + (elapsedMs * 250) / 1000)) <= 1, `${total} records in ${elapsedMs} ms`);
    assert.ok(total > 500);
  });

  it('gathers about 50 ms of records per poll at moderate rates', async () => {
    const clock = virtualClock();
    const h = harness({ rate: '1000', 'batch.size': '500' }, clock);
    await h.start();
    const sizes = [];
    for (let i = 0; i < 6; i++) sizes.push((await h.poll()).length);
    assert.deepEqual(sizes, [50, 50, 50, 50, 50, 50]);
    assert.equal(clock.now(), 299, '49 ms for the first batch (the bucket starts with one token), then 50 ms each');
  });

  it('returns null instead of waiting past maxWaitMs for a slow rate, and ends a wait on abort', async () => {
    const clock = virtualClock();
    const h = harness({ rate: '0.1' }, { ...clock, maxWaitMs: 1000 });
    await h.start();
    assert.equal((await h.poll()).length, 1, 'the first record comes at once');
    assert.deepEqual(await h.poll(), []);
    assert.equal(clock.now(), 1000);
    assert.deepEqual(await h.poll(AbortSignal.abort()), []);
    for (let i = 0; i < 8; i++) await h.poll();
    assert.equal((await h.poll()).length, 1, 'the next record after 10 s');
  });

  it('holds its rate in real time within 10% (monotonic clock, generous band)', async () => {
    const rate = 2000;
    const h = harness({ rate: String(rate), 'batch.size': '100' });
    const started = performance.now();
    await h.start();
    let total = 0;
    let lastPollStart = started;
    while (performance.now() - started < 1500) {
      lastPollStart = performance.now();
      total += (await h.poll()).length;
    }
    const ended = performance.now();
    await h.stop();
    // Bounds that do not depend on scheduling delays: records accrued by the start of the last poll at
    // least, by its end at most.
    const low = ((lastPollStart - started) * rate) / 1000;
    const high = 1 + ((ended - started) * rate) / 1000;
    assert.ok(
      total >= low * 0.9 && total <= high * 1.1,
      `${total} records, expected ${low.toFixed(0)}..${high.toFixed(0)}`,
    );
  });
});
