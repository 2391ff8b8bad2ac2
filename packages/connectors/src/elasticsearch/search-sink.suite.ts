/**
 * ElasticsearchSink against a real search server — OpenSearch or Elasticsearch, one test file each
 * (opensearch.integration.test.ts, elasticsearch.integration.test.ts) — started by scripts/services.sh.
 * Throttling and outages are provoked by a small HTTP proxy in front of the real server that answers 429
 * (or holds requests) before passing them on: the documents are always written by the server itself.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  ConnectError,
  DataError,
  Decimal,
  type ErrantRecordReporter,
  Logical,
  type QueueOffset,
  RetriableError,
  Schema,
  SchemaBuilder,
  type SinkRecord,
  Struct,
  sinkRecord,
  type TaskConfig,
  type TopicQueue,
} from '@tributary/api';
import { CapturingLogger, runSinkConformance, serviceGate, sinkTaskContext } from '../testkit/index.js';
import { ElasticsearchSinkTask } from './sink.js';

/** A search server the suite runs against. */
export interface SearchBackend {
  /** For test names and messages: `OpenSearch 2.19`. */
  readonly name: string;
  readonly url: string;
  /** The scripts/services.sh service that starts it. */
  readonly service: string;
}

/** Registers the whole suite for one server; skips (or, in CI, fails) when it is not reachable. */
export async function describeSearchSink(backend: SearchBackend): Promise<void> {
  const SERVER_URL = backend.url.replace(/\/$/, '');
  const RUN = `${Date.now().toString(36)}${process.pid}`;

  async function reachable(): Promise<boolean> {
    try {
      const res = await fetch(`${SERVER_URL}/_cluster/health?wait_for_status=yellow&timeout=10s`, {
        signal: AbortSignal.timeout(15_000),
      });
      return res.ok;
    } catch {
      return false;
    }
  }

  const skip = serviceGate(
    backend.name,
    (await reachable())
      ? undefined
      : `${backend.name} is not reachable at ${SERVER_URL} (start it with: scripts/services.sh start ${backend.service})`,
  );

  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the server, read field by field in assertions.
  type Json = any;

  async function os(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; json: Json }> {
    const res = await fetch(`${SERVER_URL}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // HEAD and some errors have no JSON body.
    }
    return { status: res.status, text, json };
  }

  /** Every document of an index, as {_id: _source}, after a refresh. */
  async function documents(index: string): Promise<Record<string, Json>> {
    await os('POST', `/${index}/_refresh`);
    const res = await os('POST', `/${index}/_search`, { size: 10_000, query: { match_all: {} } });
    if (res.status === 404) return {};
    assert.equal(res.status, 200, res.text);
    const out: Record<string, Json> = {};
    for (const hit of res.json.hits.hits) out[hit._id] = hit._source;
    return out;
  }

  function config(overrides: Record<string, string> = {}): TaskConfig {
    return { 'connection.url': SERVER_URL, 'read.timeout.ms': '30000', 'linger.ms': '0', ...overrides };
  }

  /** A started task with its context (optionally with an errant record reporter that keeps what it gets). */
  async function startTask(
    taskConfig: TaskConfig,
    options: { reporter?: boolean; queues?: readonly TopicQueue[] } = {},
  ): Promise<{
    task: ElasticsearchSinkTask;
    logger: CapturingLogger;
    reported: Array<{ record: SinkRecord; error: Error }>;
    commits: () => number;
  }> {
    const logger = new CapturingLogger();
    const base = sinkTaskContext({ config: taskConfig, logger });
    const reported: Array<{ record: SinkRecord; error: Error }> = [];
    const reporter: ErrantRecordReporter = {
      report: async (record, error) => {
        reported.push({ record, error });
      },
    };
    const context = Object.create(base, {
      errantRecordReporter: { value: options.reporter ? reporter : null },
    }) as typeof base;
    const task = new ElasticsearchSinkTask({ random: () => 0 });
    task.start(context);
    base.setAssignment(options.queues ?? []);
    return { task, logger, reported, commits: () => base.commitRequests };
  }

  function topicName(what: string): string {
    return `it-${what}-${RUN}`;
  }

  const KEY = SchemaBuilder.struct().name('it.Key').field('id', Schema.INT32).build();
  const key = (id: number) => new Struct(KEY).put('id', id);

  /** A proxy in front of the search server: `plan` answers a request itself or returns null to pass it on. */
  class FaultProxy {
    readonly seen: Array<{ method: string; url: string; body: string; authorization: string | undefined }> = [];
    #server: Server | undefined;
    plan: (req: { method: string; url: string; body: string; n: number }) =>
      | Promise<{
          status: number;
          body: string;
        } | null>
      | { status: number; body: string }
      | null = () => null;
    /** Rewrites the body the server answered (e.g. to fail single items). */
    rewrite: ((req: { url: string; n: number }, body: string) => string) | null = null;

    async start(): Promise<string> {
      this.#server = createServer((req, res) => void this.#handle(req, res));
      await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }

    async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        body,
        authorization: req.headers.authorization,
      };
      this.seen.push(entry);
      const n = this.seen.filter((s) => s.url.startsWith('/_bulk')).length;
      const own = await this.plan({ method: entry.method, url: entry.url, body, n });
      if (own !== null) {
        res.writeHead(own.status, { 'content-type': 'application/json' }).end(own.body);
        return;
      }
      const upstream = await fetch(`${SERVER_URL}${entry.url}`, {
        method: entry.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(entry.method === 'GET' || entry.method === 'HEAD' ? {} : { body }),
      });
      let text = await upstream.text();
      if (this.rewrite !== null) text = this.rewrite({ url: entry.url, n }, text);
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    }

    bulks(): Array<{ body: string }> {
      return this.seen.filter((s) => s.url.startsWith('/_bulk'));
    }

    async stop(): Promise<void> {
      this.#server?.closeAllConnections();
      await new Promise<void>((resolve) =>
        this.#server === undefined ? resolve() : this.#server.close(() => resolve()),
      );
    }
  }

  const THROTTLED = JSON.stringify({
    error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (queue capacity 1)' },
    status: 429,
  });

  describe(`ElasticsearchSink against ${backend.name}`, { skip, timeout: 120_000 }, () => {
    const created: string[] = [];
    after(async () => {
      for (const index of created) await os('DELETE', `/${index}`);
    });

    it('creates the index with a mapping from the schema and writes exact documents', async () => {
      const topic = topicName('Mapping');
      const index = topic.toLowerCase();
      created.push(index);
      const schema = SchemaBuilder.struct()
        .name('it.Order')
        .field('id', Schema.INT64)
        .field('price', Logical.decimal(2))
        .field('ratio', Logical.decimal(10))
        .field('day', Logical.DATE)
        .field('at', Logical.TIME)
        .field('ts', Logical.TIMESTAMP)
        .field('blob', Schema.BYTES)
        .field('name', Schema.STRING)
        .field('tags', SchemaBuilder.array(Schema.STRING).build())
        .field('attrs', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
        .field('inner', SchemaBuilder.struct().field('x', Schema.FLOAT64).build())
        .build();
      const value = new Struct(schema)
        .put('id', 9_007_199_254_740_993n)
        .put('price', Decimal.parse('12345.67'))
        .put('ratio', Decimal.parse('0.1234567891'))
        .put('day', new Date(Date.UTC(2024, 0, 15)))
        .put('at', new Date(45_296_789))
        .put('ts', new Date(Date.UTC(2024, 0, 15, 12, 30, 5, 250)))
        .put('blob', new Uint8Array([1, 2, 3]))
        .put('name', 'pen')
        .put('tags', ['a', 'b'])
        .put('attrs', new Map([['k', 1]]))
        .put('inner', new Struct(schema.field('inner')!.schema).put('x', 1.5));
      const { task } = await startTask(config());
      await task.put([
        sinkRecord({ topic, queue: 0, offset: 0, keySchema: KEY, key: key(1), valueSchema: schema, value }),
      ]);
      const committed = await task.preCommit([{ topic, queue: 0, offset: 1 }]);
      assert.deepEqual(committed, [{ topic, queue: 0, offset: 1 }]);
      await task.stop();

      const mapping = (await os('GET', `/${index}/_mapping`)).json[index].mappings.properties;
      assert.deepEqual(mapping.id, { type: 'long' });
      assert.deepEqual(mapping.price, { type: 'scaled_float', scaling_factor: 100.0 });
      assert.deepEqual(mapping.ratio, { type: 'double' });
      assert.equal(mapping.day.type, 'date');
      assert.equal(mapping.at.format, 'strict_hour_minute_second_fraction||epoch_millis');
      assert.deepEqual(mapping.blob, { type: 'binary' });
      assert.equal(mapping.name.fields.keyword.type, 'keyword');
      assert.deepEqual(mapping.inner.properties.x, { type: 'double' });

      // _source holds the exact digits; the date fields are searchable as dates.
      const raw = await os('GET', `/${index}/_source/1`);
      assert.match(raw.text, /"id":9007199254740993/);
      assert.match(raw.text, /"price":12345.67/);
      assert.match(raw.text, /"ratio":0.1234567891/);
      assert.match(raw.text, /"day":"2024-01-15","at":"12:34:56.789","ts":"2024-01-15T12:30:05.250Z"/);
      await os('POST', `/${index}/_refresh`);
      const found = await os('POST', `/${index}/_search`, {
        query: {
          bool: {
            filter: [
              { range: { ts: { gte: '2024-01-15T12:00:00Z', lt: '2024-01-15T13:00:00Z' } } },
              { term: { day: '2024-01-15' } },
              { range: { price: { gte: 12345.67, lte: 12345.67 } } },
              { term: { 'name.keyword': 'pen' } },
            ],
          },
        },
      });
      assert.equal(found.json.hits.total.value, 1, found.text);
    });

    it('insert replaces a document, upsert merges into it; redelivery leaves one document per key', async () => {
      const topic = topicName('methods');
      created.push(topic);
      const rec = (offset: number, id: number, value: object) =>
        sinkRecord({ topic, queue: 0, offset, keySchema: KEY, key: key(id), value });
      const insert = await startTask(config({ 'schema.ignore': 'true' }));
      await insert.task.put([rec(0, 1, { a: 1, b: 2 }), rec(1, 1, { a: 3 }), rec(2, 2, { a: 9 })]);
      await insert.task.preCommit([{ topic, queue: 0, offset: 3 }]);
      // Redelivered after a crash: the same documents again.
      await insert.task.put([rec(1, 1, { a: 3 }), rec(2, 2, { a: 9 })]);
      await insert.task.preCommit([{ topic, queue: 0, offset: 3 }]);
      await insert.task.stop();
      assert.deepEqual(await documents(topic), { 1: { a: 3 }, 2: { a: 9 } });

      const upsert = await startTask(config({ 'schema.ignore': 'true', 'write.method': 'upsert' }));
      await upsert.task.put([rec(3, 1, { c: 4 }), rec(4, 3, { a: 5 })]);
      await upsert.task.preCommit([{ topic, queue: 0, offset: 5 }]);
      await upsert.task.stop();
      assert.deepEqual(await documents(topic), { 1: { a: 3, c: 4 }, 2: { a: 9 }, 3: { a: 5 } });
    });

    it('deletes on tombstones (behavior.on.null.values=delete), also of missing documents', async () => {
      const topic = topicName('tombstones');
      created.push(topic);
      const { task } = await startTask(config({ 'behavior.on.null.values': 'delete' }));
      const rec = (offset: number, id: number, value: object | null) =>
        sinkRecord({ topic, queue: 0, offset, keySchema: KEY, key: key(id), value });
      await task.put([rec(0, 1, { a: 1 }), rec(1, 2, { a: 2 }), rec(2, 3, { a: 3 })]);
      // A delete then a re-insert of the same key within one batch: order is kept.
      await task.put([rec(3, 1, null), rec(4, 3, null), rec(5, 3, { a: 33 }), rec(6, 99, null)]);
      const committed = await task.preCommit([{ topic, queue: 0, offset: 7 }]);
      assert.deepEqual(committed, [{ topic, queue: 0, offset: 7 }]);
      await task.stop();
      assert.deepEqual(await documents(topic), { 2: { a: 2 }, 3: { a: 33 } });
    });

    it('key.ignore=true gives every record its own document, topic+queue+offset', async () => {
      const topic = topicName('keyignore');
      created.push(topic);
      const { task } = await startTask(config({ 'key.ignore': 'true' }));
      await task.put([
        sinkRecord({ topic, queue: 3, offset: 10, keySchema: KEY, key: key(1), value: { v: 'a' } }),
        sinkRecord({ topic, queue: 3, offset: 11, keySchema: KEY, key: key(1), value: { v: 'b' } }),
        sinkRecord({ topic, queue: 4, offset: 10, value: { v: 'c' } }),
      ]);
      await task.preCommit([]);
      await task.stop();
      assert.deepEqual(await documents(topic), {
        [`${topic}+3+10`]: { v: 'a' },
        [`${topic}+3+11`]: { v: 'b' },
        [`${topic}+4+10`]: { v: 'c' },
      });
    });

    it('reports a malformed document to the errant record reporter while the rest of the batch is indexed', async () => {
      const topic = topicName('malformed');
      created.push(topic);
      const { task, reported } = await startTask(config({ 'schema.ignore': 'true' }), { reporter: true });
      const rec = (offset: number, value: object) =>
        sinkRecord({ topic, queue: 0, offset, keySchema: KEY, key: key(offset), value });
      await task.put([rec(0, { n: 1 })]);
      await task.preCommit([{ topic, queue: 0, offset: 1 }]);
      // n is mapped as long now: "not a number" is a mapper_parsing_exception for that document alone.
      await task.put([rec(1, { n: 2 }), rec(2, { n: 'not a number' }), rec(3, { n: 4 })]);
      const committed = await task.preCommit([{ topic, queue: 0, offset: 4 }]);
      await task.stop();
      assert.deepEqual(committed, [{ topic, queue: 0, offset: 4 }]);
      assert.equal(reported.length, 1);
      assert.equal(reported[0]!.record.offset, 2);
      assert.ok(reported[0]!.error instanceof DataError);
      assert.match(reported[0]!.error.message, /mapper_parsing_exception|document_parsing_exception/);
      assert.deepEqual(Object.keys(await documents(topic)).sort(), ['0', '1', '3']);
    });

    it('malformed documents: warn drops them with a warning; fail without a reporter fails the task', async () => {
      const topic = topicName('malformed2');
      created.push(topic);
      const rec = (offset: number, value: object) =>
        sinkRecord({ topic, queue: 0, offset, keySchema: KEY, key: key(offset), value });
      const warn = await startTask(config({ 'schema.ignore': 'true', 'behavior.on.malformed.documents': 'warn' }));
      await warn.task.put([rec(0, { n: 1 })]);
      await warn.task.preCommit([]);
      await warn.task.put([rec(1, { n: 'x' }), rec(2, { n: 2 })]);
      assert.deepEqual(await warn.task.preCommit([{ topic, queue: 0, offset: 3 }]), [{ topic, queue: 0, offset: 3 }]);
      await warn.task.stop();
      assert.ok(warn.logger.at('warn').some((e) => /Dropping malformed document '1'/.test(e.message)));

      const fail = await startTask(config({ 'schema.ignore': 'true' }));
      await fail.task.put([rec(3, { n: 'y' })]);
      await assert.rejects(fail.task.preCommit([{ topic, queue: 0, offset: 4 }]), ConnectError);
      await assert.rejects(fail.task.put([rec(4, { n: 5 })]), /behavior.on.malformed.documents=fail/);
      await fail.task.stop();
      assert.deepEqual(Object.keys(await documents(topic)).sort(), ['0', '2']);
    });

    it('reports records that cannot be documents (null key, tombstone with fail) to the reporter', async () => {
      const topic = topicName('invalid');
      created.push(topic);
      const { task, reported } = await startTask(config(), { reporter: true });
      await task.put([
        sinkRecord({ topic, queue: 0, offset: 0, value: { a: 1 } }),
        sinkRecord({ topic, queue: 0, offset: 1, keySchema: KEY, key: key(1), value: null }),
        sinkRecord({ topic, queue: 0, offset: 2, keySchema: KEY, key: key(2), value: { a: 2 } }),
      ]);
      await task.preCommit([]);
      await task.stop();
      assert.deepEqual(
        reported.map((r) => r.record.offset),
        [0, 1],
      );
      assert.deepEqual(await documents(topic), { 2: { a: 2 } });
    });

    it('unwraps Debezium change events: the index ends equal to the table', async () => {
      const topic = topicName('cdc');
      created.push(topic);
      const row = SchemaBuilder.struct()
        .name('db.t.Value')
        .field('id', Schema.INT32)
        .field('name', Schema.STRING)
        .optional()
        .build();
      const envelope = SchemaBuilder.struct()
        .name('db.t.Envelope')
        .field('before', row)
        .field('after', row)
        .field('op', Schema.STRING)
        .build();
      const r = (id: number, name: string) => new Struct(row).put('id', id).put('name', name);
      const change = (offset: number, id: number, op: string, before: Struct | null, after: Struct | null) =>
        sinkRecord({
          topic,
          queue: 0,
          offset,
          keySchema: KEY,
          key: key(id),
          valueSchema: envelope,
          value: new Struct(envelope).put('op', op).put('before', before).put('after', after),
        });
      const tombstone = (offset: number, id: number) =>
        sinkRecord({ topic, queue: 0, offset, keySchema: KEY, key: key(id), value: null });
      const { task } = await startTask(
        config({ 'debezium.unwrap': 'true', 'behavior.on.null.values': 'delete', 'max.in.flight.requests': '3' }),
      );
      await task.put([change(0, 1, 'r', null, r(1, 'a')), change(1, 2, 'c', null, r(2, 'b'))]);
      await task.put([change(2, 1, 'u', r(1, 'a'), r(1, 'a2')), change(3, 3, 'c', null, r(3, 'c'))]);
      await task.put([change(4, 2, 'd', r(2, 'b'), null), tombstone(5, 2), change(6, 3, 'u', r(3, 'c'), r(3, 'c2'))]);
      await task.preCommit([{ topic, queue: 0, offset: 7 }]);
      await task.stop();
      assert.deepEqual(await documents(topic), { 1: { id: 1, name: 'a2' }, 3: { id: 3, name: 'c2' } });
      const mapping = (await os('GET', `/${topic}/_mapping`)).json[topic].mappings.properties;
      assert.deepEqual(Object.keys(mapping).sort(), ['id', 'name'], 'mapped from the after schema');
    });

    it('fails over from a URL that refuses connections to the next one', async () => {
      const topic = topicName('failover');
      created.push(topic);
      const { task } = await startTask(config({ 'connection.url': `http://127.0.0.1:1,${SERVER_URL}` }));
      for (let i = 0; i < 5; i++) {
        await task.put([sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { i } })]);
      }
      await task.preCommit([]);
      await task.stop();
      assert.equal(Object.keys(await documents(topic)).length, 5);
    });

    describe('through a proxy that throttles', () => {
      const proxy = new FaultProxy();
      let proxyUrl = '';
      before(async () => {
        proxyUrl = await proxy.start();
      });
      after(() => proxy.stop());

      it('retries whole bulk requests answered 429, then writes everything', async () => {
        const topic = topicName('throttled');
        created.push(topic);
        proxy.seen.length = 0;
        proxy.rewrite = null;
        proxy.plan = ({ url, n }) => (url.startsWith('/_bulk') && n <= 2 ? { status: 429, body: THROTTLED } : null);
        const { task, logger } = await startTask(
          config({ 'connection.url': proxyUrl, 'retry.backoff.ms': '20', 'schema.ignore': 'true' }),
        );
        const records = Array.from({ length: 50 }, (_, i) =>
          sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { i } }),
        );
        await task.put(records);
        assert.deepEqual(await task.preCommit([{ topic, queue: 0, offset: 50 }]), [{ topic, queue: 0, offset: 50 }]);
        await task.stop();
        assert.equal(proxy.bulks().length, 3, 'two throttled attempts and one that went through');
        assert.equal(logger.at('warn').filter((e) => /HTTP 429/.test(e.message)).length, 2);
        assert.equal(Object.keys(await documents(topic)).length, 50);
      });

      it('sends basic auth when user and password are set, and splits bulks at bulk.size.bytes', async () => {
        const topic = topicName('auth');
        created.push(topic);
        proxy.seen.length = 0;
        proxy.rewrite = null;
        proxy.plan = () => null;
        const { task, logger } = await startTask(
          config({
            'connection.url': proxyUrl,
            'connection.username': 'writer',
            'connection.password': 's3cret-pw',
            'bulk.size.bytes': '1000',
            'linger.ms': '50',
            // One request at a time, so the proxy sees the bulks in the order they were cut.
            'max.in.flight.requests': '1',
            'schema.ignore': 'true',
          }),
        );
        // ~140 bytes per action: a 1000-byte limit splits the 20 actions into three bulks.
        const records = Array.from({ length: 20 }, (_, i) =>
          sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { text: 'x'.repeat(60), i } }),
        );
        await task.put(records);
        await task.preCommit([{ topic, queue: 0, offset: 20 }]);
        await task.stop();
        const expected = `Basic ${Buffer.from('writer:s3cret-pw').toString('base64')}`;
        assert.ok(proxy.seen.length > 0 && proxy.seen.every((s) => s.authorization === expected));
        const bulks = proxy.bulks().map((b) => b.body);
        // The bytes of the first action (two lines) of a bulk body.
        const firstAction = (body: string) =>
          Buffer.byteLength(body.slice(0, body.indexOf('\n', body.indexOf('\n') + 1) + 1));
        assert.ok(bulks.length >= 3, `${bulks.length} bulks`);
        for (const [i, body] of bulks.entries()) {
          const size = Buffer.byteLength(body);
          assert.ok(size <= 1000, `bulk ${i} has ${size} bytes`);
          // Full: the next action would not have fitted.
          if (i < bulks.length - 1) assert.ok(size + firstAction(bulks[i + 1]!) > 1000, `bulk ${i} had room left`);
        }
        assert.equal(
          bulks
            .join('')
            .split('\n')
            .filter((l) => l.startsWith('{"index"')).length,
          20,
        );
        assert.ok(!JSON.stringify(logger.entries).includes('s3cret-pw'));
        assert.equal(Object.keys(await documents(topic)).length, 20);
      });

      it('retries only the items answered 429 inside a successful bulk response', async () => {
        const topic = topicName('itemthrottled');
        created.push(topic);
        proxy.seen.length = 0;
        proxy.plan = () => null;
        // The server wrote every item; the proxy makes the first response say items 0 and 2 were throttled.
        proxy.rewrite = ({ url, n }, body) => {
          if (!url.startsWith('/_bulk') || n !== 1) return body;
          const parsed = JSON.parse(body);
          parsed.errors = true;
          for (const i of [0, 2]) {
            parsed.items[i].index.status = 429;
            parsed.items[i].index.error = { type: 'es_rejected_execution_exception', reason: 'queue full' };
          }
          return JSON.stringify(parsed);
        };
        const { task } = await startTask(config({ 'connection.url': proxyUrl, 'retry.backoff.ms': '20' }));
        await task.put(
          Array.from({ length: 4 }, (_, i) =>
            sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { i } }),
          ),
        );
        await task.preCommit([{ topic, queue: 0, offset: 4 }]);
        await task.stop();
        const bulks = proxy.bulks();
        assert.equal(bulks.length, 2);
        assert.deepEqual(
          bulks[1]!.body
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('{"index"'))
            .map((l) => JSON.parse(l).index._id),
          ['0', '2'],
        );
        assert.equal(Object.keys(await documents(topic)).length, 4);
      });

      it('when retries run out, preCommit throws a RetriableError and commits nothing; redelivery then works', async () => {
        const topic = topicName('outage');
        created.push(topic);
        proxy.seen.length = 0;
        proxy.rewrite = null;
        let down = true;
        proxy.plan = ({ url }) => (down && url.startsWith('/_bulk') ? { status: 503, body: '{"error":"down"}' } : null);
        const { task, commits } = await startTask(
          config({ 'connection.url': proxyUrl, 'retry.backoff.ms': '10', 'max.retries': '2', 'schema.ignore': 'true' }),
        );
        const records = Array.from({ length: 10 }, (_, i) =>
          sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { i } }),
        );
        await task.put(records.slice(0, 5));
        await assert.rejects(task.preCommit([{ topic, queue: 0, offset: 5 }]), RetriableError);
        assert.equal(proxy.bulks().length, 3, 'the first attempt and two retries');
        // The runtime rewinds to the committed offset and redelivers.
        down = false;
        await task.put(records);
        assert.deepEqual(await task.preCommit([{ topic, queue: 0, offset: 10 }]), [{ topic, queue: 0, offset: 10 }]);
        await task.stop();
        assert.equal(commits(), 0);
        assert.equal(Object.keys(await documents(topic)).length, 10);
      });

      it('commits only acknowledged offsets when a request outlasts flush.timeout.ms', async () => {
        const topic = topicName('slow');
        created.push(topic);
        proxy.seen.length = 0;
        proxy.rewrite = null;
        let release: () => void = () => {};
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        // Requests in flight together reach the proxy in any order: hold the one by its content.
        proxy.plan = async ({ url, body }) => {
          if (url.startsWith('/_bulk') && body.includes('"_id":"5"')) await held;
          return null;
        };
        const { task } = await startTask(
          config({
            'connection.url': proxyUrl,
            'batch.size': '5',
            'flush.timeout.ms': '2000',
            'schema.ignore': 'true',
          }),
        );
        const q0: QueueOffset = { topic, queue: 0, offset: 0 };
        const q1: QueueOffset = { topic, queue: 1, offset: 0 };
        // Batch 1: queue 0 offsets 0–4 (acknowledged); batch 2: queue 0 offsets 5–9 (held); batch 3: queue 1.
        const recs = [
          ...Array.from({ length: 10 }, (_, i) =>
            sinkRecord({ topic, queue: 0, offset: i, keySchema: KEY, key: key(i), value: { i } }),
          ),
          ...Array.from({ length: 3 }, (_, i) =>
            sinkRecord({ topic, queue: 1, offset: i, keySchema: KEY, key: key(100 + i), value: { i } }),
          ),
        ];
        await task.put(recs);
        // The two requests that are not held are answered (their documents are visible) before the commit.
        while (Object.keys(await documents(topic)).length < 8) await new Promise((r) => setTimeout(r, 50));
        const partial = await task.preCommit([
          { ...q0, offset: 10 },
          { ...q1, offset: 3 },
        ]);
        assert.deepEqual(partial, [
          { ...q0, offset: 5 },
          { ...q1, offset: 3 },
        ]);
        release();
        const full = await task.preCommit([
          { ...q0, offset: 10 },
          { ...q1, offset: 3 },
        ]);
        assert.deepEqual(full, [
          { ...q0, offset: 10 },
          { ...q1, offset: 3 },
        ]);
        await task.stop();
        assert.equal(Object.keys(await documents(topic)).length, 13);
      });
    });
  });

  // The shared sink checks, with documents identified by their value and ordered by queue offset.
  const CONFORMANCE_VALUE = SchemaBuilder.struct().name('it.Conformance').field('id', Schema.STRING).build();
  if (skip === false) {
    runSinkConformance({
      name: `ElasticsearchSink on ${backend.name}`,
      createTask: () => new ElasticsearchSinkTask(),
      record: (id, queue, offset) =>
        sinkRecord({
          ...queue,
          offset,
          valueSchema: CONFORMANCE_VALUE,
          value: new Struct(CONFORMANCE_VALUE).put('id', id),
        }),
      async setup() {
        const indices = ['conformance', 'conformance-b'];
        for (const index of indices) await os('DELETE', `/${index}`);
        return {
          config: config({ 'key.ignore': 'true' }),
          async readBack() {
            const rows: Array<{ topic: string; queue: number; offset: number; id: string }> = [];
            for (const index of indices) {
              for (const [docId, source] of Object.entries(await documents(index))) {
                const [topic, queue, offset] = docId.split('+') as [string, string, string];
                rows.push({ topic, queue: Number(queue), offset: Number(offset), id: source.id });
              }
            }
            rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.queue - b.queue || a.offset - b.offset);
            return rows.map((r) => String(new Struct(CONFORMANCE_VALUE).put('id', r.id)));
          },
          async cleanup() {
            for (const index of indices) await os('DELETE', `/${index}`);
          },
        };
      },
    });
  }
}
