import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type JsonMap,
  Schema,
  type SinkRecord,
  type SinkTask,
  type SourceRecord,
  type SourceTask,
  sinkRecord,
  type TaskConfig,
  type TopicQueue,
} from '@tributary/api';
import type { CapturingLogger } from './contexts.js';
import { SinkTaskHarness, SourceTaskHarness } from './harness.js';

// Guards against a poll that ignores its abort signal: the test fails instead of hanging.
const TEST_TIMEOUT_MS = 60_000;

/** A source prepared for one conformance test. */
export interface SourceSetup {
  /** The task config: must produce exactly the prepared records, at most `batchSize` per poll. */
  readonly config: TaskConfig;
  readonly connectorName?: string;
  cleanup?(): Promise<void>;
}

/** What a source connector's test provides to run the shared source checks. */
export interface SourceFixture {
  readonly name: string;
  /**
   * A fresh task instance. Its idle polls must wait for data until their signal aborts (give it a very
   * long idle wait), so that abort handling is what ends them.
   */
  createTask(): SourceTask;
  /** A fresh source with exactly `records` records available at once and no more afterwards. */
  setup(options: { readonly records: number; readonly batchSize: number }): Promise<SourceSetup>;
  /** Identifies a record; equal for the same record read again by another task instance. */
  identity(record: SourceRecord): string;
}

/**
 * The shared source checks: start/stop, batching, JSON partitions and offsets, resume from the committed
 * offset with no gap and no repeat, and polls that end when their signal aborts.
 */
export function runSourceConformance(fixture: SourceFixture): void {
  const withSetup = async (
    options: { records: number; batchSize: number },
    body: (setup: SourceSetup, harness: (store?: SourceTaskHarness['store']) => SourceTaskHarness) => Promise<void>,
  ): Promise<void> => {
    const setup = await fixture.setup(options);
    const make = (store?: SourceTaskHarness['store']): SourceTaskHarness =>
      new SourceTaskHarness(fixture.createTask(), {
        config: setup.config,
        ...(store === undefined ? {} : { store }),
        ...(setup.connectorName === undefined ? {} : { connectorName: setup.connectorName }),
      });
    try {
      await body(setup, make);
    } finally {
      await setup.cleanup?.();
    }
  };

  describe(`${fixture.name}: source conformance`, { timeout: TEST_TIMEOUT_MS }, () => {
    it('starts and stops without polling; a second stop is harmless', async () => {
      await withSetup({ records: 3, batchSize: 10 }, async (_setup, make) => {
        const h = make();
        await h.start();
        await h.stop();
        await h.stop();
      });
    });

    it('returns at most batch.size records per poll, and full batches while records are available', async () => {
      const batchSize = 7;
      await withSetup({ records: 2 * batchSize + 3, batchSize }, async (_setup, make) => {
        const h = make();
        await h.start();
        const { records, batches } = await h.pollUntil(2 * batchSize + 3);
        await h.stop();
        assert.equal(records.length, 2 * batchSize + 3);
        assert.ok(
          batches.every((n) => n <= batchSize),
          `batch sizes ${batches.join(',')} exceed ${batchSize}`,
        );
        assert.equal(batches[0], batchSize, `first batch ${batches[0]} should be full`);
      });
    });

    it('gives records JSON source partitions and offsets', async () => {
      await withSetup({ records: 5, batchSize: 10 }, async (_setup, make) => {
        const h = make();
        await h.start();
        const { records } = await h.pollUntil(5);
        await h.stop();
        for (const r of records) {
          assertJson(r.sourcePartition, 'sourcePartition');
          assertJson(r.sourceOffset, 'sourceOffset');
          assert.ok(r.topic.length > 0, 'record without topic');
        }
        assert.equal(new Set(records.map((r) => fixture.identity(r))).size, records.length, 'identities repeat');
      });
    });

    it('resumes right after the committed offset: no gap, no repeat', async () => {
      const total = 25;
      await withSetup({ records: total, batchSize: 6 }, async (_setup, make) => {
        const reference = make();
        await reference.start();
        const expected = (await reference.pollUntil(total)).records.map((r) => fixture.identity(r));
        await reference.stop();

        const first = make();
        await first.start();
        const polled = (await first.pollUntil(12)).records;
        // Only the first 7 are committed; the rest were polled (maybe even sent) but not committed.
        await first.commit(polled.slice(0, 7));
        await first.stop();

        const second = make(first.store);
        await second.start();
        const resumed = (await second.pollUntil(total - 7)).records;
        assert.deepEqual(
          [...polled.slice(0, 7), ...resumed].map((r) => fixture.identity(r)),
          expected,
          'first run (committed part) + resumed run must equal one uninterrupted run',
        );
        await second.commit(resumed);
        await second.stop();

        // Everything is committed: a third instance has nothing to repeat.
        const third = make(first.store);
        await third.start();
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        const again = await third.poll(controller.signal);
        await third.stop();
        assert.deepEqual(
          again.map((r) => fixture.identity(r)),
          [],
          'records after a full commit',
        );
      });
    });

    it('ends an idle poll when its signal aborts, and stops afterwards', async () => {
      await withSetup({ records: 3, batchSize: 10 }, async (_setup, make) => {
        const h = make();
        await h.start();
        await h.pollUntil(3);
        const controller = new AbortController();
        const pending = h.poll(controller.signal);
        setTimeout(() => controller.abort(), 20);
        assert.deepEqual(await pending, [], 'an idle poll ended by abort returns nothing');
        const aborted = AbortSignal.abort();
        assert.deepEqual(await h.poll(aborted), [], 'a poll with an aborted signal returns at once');
        await h.stop();
      });
    });
  });
}

function assertJson(value: JsonMap, what: string): void {
  assert.deepEqual(JSON.parse(JSON.stringify(value)), value, `${what} is not plain JSON`);
}

/** A sink prepared for one conformance test. */
export interface SinkSetup {
  readonly config: TaskConfig;
  /**
   * The identities of the records that reached the external system, in write order (e.g. the lines of a
   * file). Absent for sinks that keep nothing (then {@link SinkFixture.accepted} is used).
   */
  readBack?(): Promise<readonly string[]>;
  /** The logger every task of this setup logs to (for sinks whose output is the log); a fresh one per task by default. */
  readonly logger?: CapturingLogger;
  cleanup?(): Promise<void>;
}

/** What a sink connector's test provides to run the shared sink checks. */
export interface SinkFixture {
  readonly name: string;
  createTask(): SinkTask;
  setup(): Promise<SinkSetup>;
  /** A record identified by `id` (default: a STRING value equal to `id`). */
  record?(id: string, queue: TopicQueue, offset: number): SinkRecord;
  /** For sinks without output: how many records the task took. */
  accepted?(task: SinkTask): number;
}

/**
 * The shared sink checks: open/put/flush/close/stop, batches of any size (empty ones too), redelivery after
 * a restart from the committed offset (at-least-once: only records after the commit may repeat), and
 * reassignment of queues.
 */
export function runSinkConformance(fixture: SinkFixture): void {
  const q0: TopicQueue = { topic: 'conformance', queue: 0 };
  const q1: TopicQueue = { topic: 'conformance', queue: 1 };
  const q2: TopicQueue = { topic: 'conformance-b', queue: 0 };
  const makeRecord = (id: string, queue: TopicQueue, offset: number): SinkRecord =>
    fixture.record?.(id, queue, offset) ??
    sinkRecord({ ...queue, offset, valueSchema: Schema.STRING, value: id, timestamp: 1_700_000_000_000 });
  const records = (prefix: string, queue: TopicQueue, from: number, count: number): SinkRecord[] =>
    Array.from({ length: count }, (_, i) => makeRecord(`${prefix}-${from + i}`, queue, from + i));
  const ids = (list: readonly SinkRecord[]): string[] => list.map((r) => String(r.value));

  const withSetup = async (body: (setup: SinkSetup) => Promise<void>): Promise<void> => {
    const setup = await fixture.setup();
    try {
      await body(setup);
    } finally {
      await setup.cleanup?.();
    }
  };
  const written = async (setup: SinkSetup, harness: SinkTaskHarness): Promise<readonly string[] | number> => {
    if (setup.readBack !== undefined) return setup.readBack();
    if (fixture.accepted !== undefined) return fixture.accepted(harness.task);
    throw new Error(`fixture ${fixture.name} has neither readBack nor accepted`);
  };

  const harnessFor = (setup: SinkSetup): SinkTaskHarness =>
    new SinkTaskHarness(fixture.createTask(), {
      config: setup.config,
      ...(setup.logger === undefined ? {} : { logger: setup.logger }),
    });

  describe(`${fixture.name}: sink conformance`, { timeout: TEST_TIMEOUT_MS }, () => {
    it('runs start → open → put → flush → close → stop, and a second stop is harmless', async () => {
      await withSetup(async (setup) => {
        const h = harnessFor(setup);
        await h.start();
        await h.open([q0, q1]);
        const batch = [...records('a', q0, 0, 5), ...records('b', q1, 0, 5)];
        await h.put(batch);
        const committed = await h.commit();
        assert.deepEqual(
          [...committed].sort((x, y) => x.queue - y.queue).map((o) => o.offset),
          [5, 5],
        );
        const out = await written(setup, h);
        if (typeof out === 'number') assert.equal(out, 10);
        else assert.deepEqual([...out].sort(), ids(batch).sort());
        await h.close([q0, q1]);
        await h.stop();
        await h.stop();
      });
    });

    it('writes batches of every size, empty ones included, in order', async () => {
      await withSetup(async (setup) => {
        const h = harnessFor(setup);
        await h.start();
        await h.open([q0]);
        const all: SinkRecord[] = [];
        let offset = 0;
        for (const size of [0, 1, 50, 0, 7]) {
          const batch = records('r', q0, offset, size);
          offset += size;
          all.push(...batch);
          await h.put(batch);
        }
        await h.commit();
        const out = await written(setup, h);
        if (typeof out === 'number') assert.equal(out, all.length);
        else assert.deepEqual(out, ids(all));
        await h.close([q0]);
        await h.stop();
      });
    });

    it('after a restart from the committed offset, repeats only records after it', async () => {
      await withSetup(async (setup) => {
        const first = harnessFor(setup);
        await first.start();
        await first.open([q0]);
        await first.put(records('r', q0, 0, 5));
        const committed = await first.commit();
        assert.deepEqual(
          committed.map((o) => o.offset),
          [5],
        );
        await first.put(records('r', q0, 5, 5));
        // Killed: no flush, no close; the runtime redelivers from the committed offset 5.
        await first.stop();

        const second = harnessFor(setup);
        await second.start();
        await second.open([q0]);
        await second.put(records('r', q0, 5, 5));
        await second.commit();
        const out = await written(setup, second);
        if (typeof out !== 'number') {
          const expectedOnce = ids(records('r', q0, 0, 5));
          assert.deepEqual(out.slice(0, 5), expectedOnce, 'committed records kept, once, in order');
          const rest = out.slice(5);
          const later = new Set(ids(records('r', q0, 5, 5)));
          assert.ok(
            rest.every((id) => later.has(id)),
            `only records after the commit may repeat: ${rest.join(',')}`,
          );
          assert.deepEqual(new Set(rest), later, 'every record after the commit is written');
        } else {
          assert.equal(out, 5);
        }
        await second.close([q0]);
        await second.stop();
      });
    });

    it('keeps writing across reassignment (close some queues, open others)', async () => {
      await withSetup(async (setup) => {
        const h = harnessFor(setup);
        await h.start();
        await h.open([q0, q1]);
        const a = [...records('a', q0, 0, 3), ...records('b', q1, 0, 3)];
        await h.put(a);
        await h.commit();
        await h.close([q1]);
        const b = records('a', q0, 3, 3);
        await h.put(b);
        await h.open([q2]);
        const c = records('c', q2, 0, 3);
        await h.put(c);
        const committed = await h.commit();
        assert.deepEqual(committed.map((o) => `${o.topic}/${o.queue}@${o.offset}`).sort(), [
          'conformance-b/0@3',
          'conformance/0@6',
        ]);
        const out = await written(setup, h);
        if (typeof out === 'number') assert.equal(out, 12);
        else assert.deepEqual([...out].sort(), ids([...a, ...b, ...c]).sort());
        await h.close([q0, q2]);
        await h.stop();
      });
    });
  });
}
