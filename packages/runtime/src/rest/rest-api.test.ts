import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Answer, eventually, startTestWorker, type TestWorker } from './worker.test.fixture.js';

// Drives every path of the REST API on a running standalone worker and checks status codes and bodies
// against Kafka Connect's documented behaviour (compat.md §1), including the bad-input cases.

const GEN = { 'connector.class': 'Generator', topic: 'events', rate: '50', 'tasks.max': '2', 'record.size': '64' };
const SINK = { 'connector.class': 'DiscardSink', topics: 'events', 'tasks.max': '1' };
const PKG_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function assertError(answer: Answer, status: number, pattern?: RegExp): void {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.equal(answer.body?.error_code, status, answer.text);
  assert.equal(typeof answer.body?.message, 'string');
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  if (pattern !== undefined) assert.match(answer.body.message, pattern);
}

describe('REST API on a standalone worker', () => {
  let w: TestWorker;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    w.call(method, path, { ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) });
  const state = async (name: string) => (await call('GET', `/connectors/${name}/status`)).body;
  const waitRunning = (name: string, tasks: number) =>
    eventually(`${name} running with ${tasks} tasks`, async () => {
      const s = await state(name);
      return (
        s?.connector?.state === 'RUNNING' &&
        s.tasks.length === tasks &&
        s.tasks.every((t: { state: string }) => t.state === 'RUNNING') &&
        s
      );
    });

  before(async () => {
    w = await startTestWorker({ overrides: { 'rest.max.body.bytes': '4096' } });
  });
  after(async () => {
    await w?.stop();
  });

  it('GET / answers version, commit and cluster id', async () => {
    const a = await call('GET', '/');
    assert.equal(a.status, 200);
    assert.equal(a.body.version, PKG_VERSION);
    assert.equal(typeof a.body.commit, 'string');
    assert.notEqual(a.body.commit, '');
    assert.equal(a.body.kafka_cluster_id, 'standalone');
  });

  it('GET /health answers 200 healthy', async () => {
    const a = await call('GET', '/health');
    assert.equal(a.status, 200);
    assert.equal(a.body.status, 'healthy');
    assert.equal(typeof a.body.message, 'string');
  });

  it('GET /connectors is empty at first', async () => {
    const a = await call('GET', '/connectors');
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, []);
  });

  it('POST /connectors creates: 201, Location and ConnectorInfo', async () => {
    const a = await call('POST', '/connectors', { name: 'gen', config: GEN });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.headers.get('location'), '/connectors/gen');
    assert.equal(a.body.name, 'gen');
    assert.equal(a.body.type, 'source');
    assert.equal(a.body.config.name, 'gen');
    assert.equal(a.body.config.topic, 'events');
    assert.deepEqual(a.body.tasks, [
      { connector: 'gen', task: 0 },
      { connector: 'gen', task: 1 },
    ]);
    await waitRunning('gen', 2);
  });

  it('POST /connectors: duplicate 409, invalid config 400 (nothing created), name mismatch 400, bad shapes 400', async () => {
    assertError(await call('POST', '/connectors', { name: 'gen', config: GEN }), 409, /gen already exists/);
    const invalid = await call('POST', '/connectors', {
      name: 'bad',
      config: { 'connector.class': 'Generator', rate: '-1' },
    });
    assertError(invalid, 400, /^Connector configuration is invalid and contains the following 2 error\(s\):/);
    assert.match(invalid.body.message, /topic/);
    assert.match(invalid.body.message, /rate/);
    assertError(await call('GET', '/connectors/bad'), 404);
    assertError(
      await call('POST', '/connectors', { name: 'a', config: { ...GEN, name: 'b' } }),
      400,
      /Connector name configuration \(b\) doesn't match connector name/,
    );
    assertError(await call('POST', '/connectors', { name: 'x' }), 400, /'config' object/);
    assertError(await call('POST', '/connectors', { config: { ...GEN } }), 400, /needs a connector 'name'/);
    assertError(await call('POST', '/connectors', [GEN]), 400, /must be a JSON object/);
    assertError(await call('POST', '/connectors', '', { 'Content-Type': 'application/json' }), 400, /missing/);
    assertError(
      await call('POST', '/connectors', { name: 'x', config: GEN, initial_state: 'SLEEPING' }),
      400,
      /initial_state.*RUNNING, PAUSED, STOPPED/,
    );
    assert.deepEqual((await call('GET', '/connectors')).body, ['gen']);
  });

  it('POST /connectors honours initial_state PAUSED and STOPPED', async () => {
    const paused = await call('POST', '/connectors', {
      name: 'p',
      config: { ...GEN, rate: '1' },
      initial_state: 'PAUSED',
    });
    assert.equal(paused.status, 201, paused.text);
    await eventually('p paused', async () => (await state('p')).connector.state === 'PAUSED');
    const stopped = await call('POST', '/connectors', {
      name: 's',
      config: { ...GEN, rate: '1' },
      initial_state: 'stopped',
    });
    assert.equal(stopped.status, 201, stopped.text);
    const s = await state('s');
    assert.equal(s.connector.state, 'STOPPED');
    assert.deepEqual(s.tasks, []);
    assert.equal((await call('DELETE', '/connectors/p')).status, 204);
    assert.equal((await call('DELETE', '/connectors/s')).status, 204);
  });

  it('GET /connectors?expand=status|info answers a map per connector', async () => {
    const status = await call('GET', '/connectors?expand=status');
    assert.equal(status.status, 200);
    assert.deepEqual(Object.keys(status.body), ['gen']);
    assert.equal(status.body.gen.status.connector.state, 'RUNNING');
    assert.equal(status.body.gen.info, undefined);
    const info = await call('GET', '/connectors?expand=info');
    assert.equal(info.body.gen.info.type, 'source');
    assert.equal(info.body.gen.status, undefined);
    const both = await call('GET', '/connectors?expand=status&expand=info');
    assert.equal(both.body.gen.status.name, 'gen');
    assert.equal(both.body.gen.info.name, 'gen');
    assertError(await call('GET', '/connectors?expand=everything'), 400, /Expansion type everything is invalid/);
  });

  it('GET /connectors/{name} and /config; 404 for an unknown connector', async () => {
    const info = await call('GET', '/connectors/gen');
    assert.equal(info.status, 200);
    assert.deepEqual(Object.keys(info.body).sort(), ['config', 'name', 'tasks', 'type']);
    const config = await call('GET', '/connectors/gen/config');
    assert.equal(config.status, 200);
    assert.equal(config.body['connector.class'], 'Generator');
    assert.equal(config.body.name, 'gen');
    assertError(await call('GET', '/connectors/nope'), 404, /nope not found/);
    assertError(await call('GET', '/connectors/nope/config'), 404);
  });

  it('PUT /connectors/{name}/config: 201 + Location when created, 200 when updated, 400 on a name mismatch', async () => {
    const created = await call('PUT', '/connectors/sink/config', SINK);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), '/connectors/sink');
    assert.equal(created.body.type, 'sink');
    const updated = await call('PUT', '/connectors/gen/config', { ...GEN, rate: '40' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.config.rate, '40');
    assertError(
      await call('PUT', '/connectors/gen/config', { ...GEN, name: 'other' }),
      400,
      /Connector name configuration \(other\) doesn't match connector name in the URL \(gen\)/,
    );
    assertError(await call('PUT', '/connectors/gen/config', { ...GEN, rate: 'fast' }), 400, /rate/);
    assert.equal((await call('GET', '/connectors/gen/config')).body.rate, '40');
    await waitRunning('gen', 2);
    await waitRunning('sink', 1);
  });

  it('PATCH /connectors/{name}/config merges; null removes a key; 404 unknown', async () => {
    const a = await call('PATCH', '/connectors/gen/config', { 'record.size': null, rate: 50 });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.config.rate, '50');
    assert.equal('record.size' in a.body.config, false);
    assert.equal(a.body.config.topic, 'events');
    assertError(await call('PATCH', '/connectors/nope/config', { rate: '1' }), 404);
    assertError(await call('PATCH', '/connectors/gen/config', { rate: { n: 1 } }), 400, /rate/);
    await waitRunning('gen', 2);
  });

  it('GET /connectors/{name}/status, /tasks, /tasks-config, /tasks/{id}/status', async () => {
    const s = await state('gen');
    assert.equal(s.name, 'gen');
    assert.equal(s.type, 'source');
    assert.equal(s.connector.worker_id, 'test-worker');
    assert.deepEqual(
      s.tasks.map((t: { id: number; state: string }) => [t.id, t.state]),
      [
        [0, 'RUNNING'],
        [1, 'RUNNING'],
      ],
    );
    const tasks = await call('GET', '/connectors/gen/tasks');
    assert.equal(tasks.status, 200);
    assert.deepEqual(
      tasks.body.map((t: { id: unknown }) => t.id),
      [
        { connector: 'gen', task: 0 },
        { connector: 'gen', task: 1 },
      ],
    );
    assert.equal(typeof tasks.body[0].config, 'object');
    const tc = await call('GET', '/connectors/gen/tasks-config');
    assert.equal(tc.status, 200);
    assert.deepEqual(Object.keys(tc.body), ['gen-0', 'gen-1']);
    assert.deepEqual(tc.body['gen-1'], tasks.body[1].config);
    const t0 = await call('GET', '/connectors/gen/tasks/0/status');
    assert.equal(t0.status, 200);
    assert.deepEqual(t0.body, { id: 0, state: 'RUNNING', worker_id: 'test-worker' });
    assertError(await call('GET', '/connectors/gen/tasks/7/status'), 404, /gen-7 not found/);
    assertError(await call('GET', '/connectors/gen/tasks/x/status'), 404);
    assertError(await call('GET', '/connectors/nope/status'), 404);
    assertError(await call('GET', '/connectors/nope/tasks'), 404);
  });

  it('POST restart: task 204, connector 204, with tasks 202 + status; bad query 400', async () => {
    assert.equal((await call('POST', '/connectors/gen/tasks/1/restart')).status, 204);
    assertError(await call('POST', '/connectors/gen/tasks/5/restart'), 404);
    const plain = await call('POST', '/connectors/gen/restart');
    assert.equal(plain.status, 204);
    assert.equal(plain.text, '');
    const withTasks = await call('POST', '/connectors/gen/restart?includeTasks=true');
    assert.equal(withTasks.status, 202, withTasks.text);
    assert.equal(withTasks.body.name, 'gen');
    assert.equal(withTasks.body.tasks.length, 2);
    const onlyFailed = await call('POST', '/connectors/gen/restart?includeTasks=true&onlyFailed=true');
    assert.equal(onlyFailed.status, 202, onlyFailed.text);
    assertError(
      await call('POST', '/connectors/gen/restart?includeTasks=maybe'),
      400,
      /includeTasks must be true or false/,
    );
    assertError(await call('POST', '/connectors/nope/restart'), 404);
    await waitRunning('gen', 2);
  });

  it('PUT pause and resume answer 202', async () => {
    const p = await call('PUT', '/connectors/gen/pause');
    assert.equal(p.status, 202);
    await eventually('paused', async () => {
      const s = await state('gen');
      return s.connector.state === 'PAUSED' && s.tasks.every((t: { state: string }) => t.state === 'PAUSED');
    });
    const r = await call('PUT', '/connectors/gen/resume');
    assert.equal(r.status, 202);
    await waitRunning('gen', 2);
    assertError(await call('PUT', '/connectors/nope/pause'), 404);
    assertError(await call('PUT', '/connectors/nope/resume'), 404);
  });

  it('GET offsets; PATCH and DELETE offsets of a running connector are refused (400) without disturbing it', async () => {
    const source = await eventually('committed source offsets', async () => {
      const a = await call('GET', '/connectors/gen/offsets');
      return a.body.offsets.length === 2 && a;
    });
    assert.equal(source.status, 200);
    for (const o of source.body.offsets) {
      assert.equal(o.partition.generator, 'gen');
      assert.equal(typeof o.offset.seq, 'number');
    }
    const sink = await eventually('committed sink offsets', async () => {
      const a = await call('GET', '/connectors/sink/offsets');
      return a.body.offsets.length > 0 && a;
    });
    for (const o of sink.body.offsets) {
      assert.equal(o.partition.kafka_topic, 'events');
      assert.equal(typeof o.partition.kafka_partition, 'number');
      assert.equal(typeof o.offset.kafka_offset, 'number');
    }
    const alter = await call('PATCH', '/connectors/gen/offsets', {
      offsets: [{ partition: { generator: 'gen', task: 0 }, offset: { seq: 1 } }],
    });
    assertError(alter, 400, /Connectors must be in the STOPPED state before their offsets can be modified/);
    assert.match(alter.body.message, /PUT.*\/connectors\/gen\/stop/);
    assertError(await call('DELETE', '/connectors/gen/offsets'), 400, /STOPPED/);
    assertError(await call('GET', '/connectors/nope/offsets'), 404);
    await waitRunning('gen', 2);
  });

  it('GET topics; PUT stop 204; alter and reset offsets of a stopped connector 200 {message}; reset topics 202', async () => {
    const topics = await call('GET', '/connectors/gen/topics');
    assert.equal(topics.status, 200);
    assert.deepEqual(topics.body, { gen: { topics: ['events'] } });
    assertError(await call('GET', '/connectors/nope/topics'), 404);

    const stop = await call('PUT', '/connectors/gen/stop');
    assert.equal(stop.status, 204);
    assert.equal((await call('PUT', '/connectors/gen/stop')).status, 204, 'stop is idempotent');
    const s = await state('gen');
    assert.equal(s.connector.state, 'STOPPED');
    assert.deepEqual(s.tasks, []);

    assertError(await call('PATCH', '/connectors/gen/offsets', { offsets: [] }), 400, /Partitions \/ offsets/);
    assertError(await call('PATCH', '/connectors/gen/offsets', {}), 400, /Partitions \/ offsets/);
    assertError(
      await call('PATCH', '/connectors/gen/offsets', { offsets: [{ offset: { seq: 1 } }] }),
      400,
      /partition/,
    );
    const alter = await call('PATCH', '/connectors/gen/offsets', {
      offsets: [{ partition: { generator: 'gen', task: 0 }, offset: { seq: 1000 } }],
    });
    assert.equal(alter.status, 200, alter.text);
    assert.deepEqual(alter.body, { message: 'The offsets for this connector have been altered successfully' });
    const after = await call('GET', '/connectors/gen/offsets');
    assert.deepEqual(after.body.offsets.find((o: { partition: { task: number } }) => o.partition.task === 0).offset, {
      seq: 1000,
    });
    const reset = await call('DELETE', '/connectors/gen/offsets');
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
    assert.deepEqual((await call('GET', '/connectors/gen/offsets')).body, { offsets: [] });

    const resetTopics = await call('PUT', '/connectors/gen/topics/reset');
    assert.equal(resetTopics.status, 202);
    assert.deepEqual((await call('GET', '/connectors/gen/topics')).body, { gen: { topics: [] } });
    assertError(await call('PUT', '/connectors/nope/topics/reset'), 404);
    assertError(await call('PUT', '/connectors/nope/stop'), 404);

    assert.equal((await call('PUT', '/connectors/gen/resume')).status, 202);
    await waitRunning('gen', 2);
  });

  it('GET /connector-plugins lists connectors, or every plugin with connectorsOnly=false', async () => {
    const connectors = await call('GET', '/connector-plugins');
    assert.equal(connectors.status, 200);
    const types = new Set(connectors.body.map((p: { type: string }) => p.type));
    assert.deepEqual([...types].sort(), ['sink', 'source']);
    assert.ok(connectors.body.some((p: { class: string }) => p.class === 'Generator'));
    for (const p of connectors.body) assert.deepEqual(Object.keys(p).sort(), ['class', 'type', 'version']);
    const all = await call('GET', '/connector-plugins?connectorsOnly=false');
    const allTypes = new Set(all.body.map((p: { type: string }) => p.type));
    for (const t of ['source', 'sink', 'converter', 'transformation', 'predicate']) assert.ok(allTypes.has(t), t);
    assertError(await call('GET', '/connector-plugins?connectorsOnly=perhaps'), 400);
  });

  it('GET /connector-plugins/{plugin}/config answers ConfigKeyInfos; 404 unknown plugin', async () => {
    const a = await call('GET', '/connector-plugins/Generator/config');
    assert.equal(a.status, 200);
    const topic = a.body.find((k: { name: string }) => k.name === 'topic');
    assert.deepEqual(Object.keys(topic).sort(), [
      'default_value',
      'dependents',
      'display_name',
      'documentation',
      'group',
      'importance',
      'name',
      'order_in_group',
      'required',
      'type',
      'width',
    ]);
    assert.equal(topic.required, true);
    assertError(await call('GET', '/connector-plugins/NoSuchPlugin/config'), 404, /NoSuchPlugin/);
  });

  it('PUT /connector-plugins/{plugin}/config/validate: 200 with or without errors; 400 class mismatch; 404 unknown', async () => {
    const ok = await call('PUT', '/connector-plugins/Generator/config/validate', { ...GEN, name: 'v' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.name, 'Generator');
    assert.equal(ok.body.error_count, 0);
    assert.ok(Array.isArray(ok.body.groups));
    assert.ok(ok.body.configs.every((c: { definition: unknown; value: unknown }) => c.definition && c.value));
    const implied = await call('PUT', '/connector-plugins/Generator/config/validate', { name: 'v', topic: 't' });
    assert.equal(implied.status, 200);
    assert.equal(implied.body.error_count, 0, 'connector.class comes from the URL');
    const alias = await call('PUT', '/connector-plugins/Generator/config/validate', {
      ...GEN,
      name: 'v',
      'connector.class': 'DataGenerator',
    });
    assert.equal(alias.status, 200, alias.text);
    const bad = await call('PUT', '/connector-plugins/Generator/config/validate', { ...GEN, name: 'v', rate: '-5' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.error_count, 1);
    const rate = bad.body.configs.find((c: { value: { name: string } }) => c.value.name === 'rate');
    assert.equal(rate.value.errors.length, 1);
    assertError(
      await call('PUT', '/connector-plugins/Generator/config/validate', { ...SINK, name: 'v' }),
      400,
      /Included connector type DiscardSink does not match request type Generator/,
    );
    assertError(await call('PUT', '/connector-plugins/Nope/config/validate', { name: 'v' }), 404);
    assertError(await call('PUT', '/connector-plugins/Generator/config/validate', '[1]'), 400);
  });

  it('GET and PUT /admin/loggers in Kafka shapes; bad level, missing level and bad scope are 400', async () => {
    const all = await call('GET', '/admin/loggers');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.root, { level: 'INFO', last_modified: null });
    const set = await call('PUT', '/admin/loggers/tributary.rest', { level: 'DEBUG' });
    assert.equal(set.status, 200, set.text);
    assert.ok(Array.isArray(set.body) && set.body.includes('tributary.rest'), set.text);
    const one = await call('GET', '/admin/loggers/tributary.rest');
    assert.equal(one.status, 200);
    assert.equal(one.body.level, 'DEBUG');
    assert.equal(typeof one.body.last_modified, 'number');
    assert.equal((await call('GET', '/admin/loggers')).body['tributary.rest'].level, 'DEBUG');
    const cluster = await call('PUT', '/admin/loggers/tributary.rest?scope=cluster', { level: 'info' });
    assert.equal(cluster.status, 204);
    assert.equal((await call('GET', '/admin/loggers/tributary.rest')).body.level, 'INFO');
    assertError(await call('PUT', '/admin/loggers/x', { level: 'LOUD' }), 400, /Invalid log level 'LOUD'/);
    assertError(await call('PUT', '/admin/loggers/x', {}), 400, /Desired 'level' parameter was not specified/);
    assertError(await call('PUT', '/admin/loggers/x?scope=galaxy', { level: 'INFO' }), 400, /scope/);
  });

  it('GET /metrics is Prometheus text; GET /connectors/{name}/metrics is JSON; 404 for an unknown connector', async () => {
    const m = await call('GET', '/metrics');
    assert.equal(m.status, 200);
    assert.equal(m.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(m.text, /^# HELP tributary_source_record_poll_total /m);
    assert.match(m.text, /^tributary_source_record_poll_total\{connector="gen",task="0",worker="test-worker"\} \d+$/m);
    assert.match(m.text, /^tributary_sink_record_read_total\{connector="sink",task="0",worker="test-worker"\} \d+$/m);
    const j = await call('GET', '/connectors/gen/metrics');
    assert.equal(j.status, 200);
    assert.equal(j.body.connector, 'gen');
    assert.equal(j.body.worker, 'test-worker');
    assert.equal(j.body.tasks.length, 2);
    assertError(await call('GET', '/connectors/nope/metrics'), 404);
  });

  it("RocketMQ Connect's paths: create/update by POST, list, plugins, cluster info, allocations", async () => {
    const RMQ = { 'connector.class': 'Generator', 'connect.topicname': 'events', rate: '1', 'max.tasks': '1' };
    const created = await call('POST', '/connectors/rmq', RMQ);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), '/connectors/rmq');
    const updated = await call('POST', '/connectors/rmq', { ...RMQ, rate: '2' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.config.rate, '2');
    assertError(await call('POST', '/connectors/rmq', { 'connector.class': 'Nope' }), 400);
    const list = await call('GET', '/connectors/list');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.body).sort(), ['gen', 'rmq', 'sink']);
    assert.equal(list.body.rmq.info.name, 'rmq');
    assert.equal(typeof list.body.rmq.status.connector.state, 'string');
    const plugins = await call('GET', '/plugin/list');
    assert.deepEqual(plugins.body, (await call('GET', '/connector-plugins?connectorsOnly=false')).body);
    const connectorPlugins = await call('GET', '/plugin/list/connectors');
    assert.deepEqual(connectorPlugins.body, (await call('GET', '/connector-plugins')).body);
    const cluster = await call('GET', '/getClusterInfo');
    assert.equal(cluster.status, 200);
    assert.equal(cluster.body.clusterId, 'standalone');
    assert.deepEqual(cluster.body.workers, [{ id: 'test-worker', self: true }]);
    const connectors = await call('GET', '/allocated/connectors');
    assert.deepEqual([...connectors.body].sort(), ['gen', 'rmq', 'sink']);
    const tasks = await eventually('allocated tasks', async () => {
      const a = await call('GET', '/allocated/tasks');
      return a.body.length === 4 && a;
    });
    assert.ok(tasks.body.some((t: { connector: string; task: number }) => t.connector === 'gen' && t.task === 1));
  });

  it('POST /connectors/{name}/stop stops and keeps the config; GET .../stop is 405 and changes nothing', async () => {
    const refused = await call('GET', '/connectors/rmq/stop');
    assertError(refused, 405, /PUT \/connectors\/rmq\/stop.*DELETE \/connectors\/rmq/);
    assert.ok(refused.headers.get('allow')?.includes('PUT'));
    assert.notEqual((await state('rmq')).connector.state, 'STOPPED');
    assertError(await call('GET', '/connectors/rmq/pause'), 405, /PUT \/connectors\/rmq\/pause/);
    assertError(await call('GET', '/connectors/rmq/resume'), 405, /PUT \/connectors\/rmq\/resume/);
    const stop = await call('POST', '/connectors/rmq/stop');
    assert.equal(stop.status, 204);
    assert.equal((await call('GET', '/connectors/rmq')).status, 200);
    assert.equal((await state('rmq')).connector.state, 'STOPPED');
    assertError(await call('POST', '/connectors/nope/stop'), 404);
  });

  it('DELETE /connectors/{name} answers 204, then 404', async () => {
    const d = await call('DELETE', '/connectors/rmq');
    assert.equal(d.status, 204);
    assert.equal(d.text, '');
    assertError(await call('GET', '/connectors/rmq'), 404);
    assertError(await call('DELETE', '/connectors/rmq'), 404);
  });

  it('bad input: malformed JSON 400 with position, 415 content type, 413 size, 404 route, 405 method', async () => {
    const malformed = await call('POST', '/connectors', '{"name": "x",\n "config": {"a": }}');
    assertError(
      malformed,
      400,
      /Malformed JSON in request body at line 2, column 18 \(position 31\): expected a value/,
    );
    const trailing = await call('PUT', '/connectors/gen/config', '{"a": "b",}');
    assertError(trailing, 400, /line 1, column 11 \(position 10\): expected a property name/);
    assertError(
      await call('POST', '/connectors', JSON.stringify({ name: 'x', config: GEN }), { 'Content-Type': 'text/plain' }),
      415,
      /Content-Type 'text\/plain'.*application\/json/,
    );
    assertError(
      await call('PUT', '/connectors/gen/config', 'topic=x', {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
      415,
    );
    const big = { name: 'big', config: { ...GEN, padding: 'x'.repeat(5000) } };
    assertError(await call('POST', '/connectors', big), 413, /larger than 4096 bytes.*rest\.max\.body\.bytes/);
    assertError(await call('POST', '/connectors', '{"__proto__": {"x": 1}}'), 400, /__proto__/);
    const unknown = await call('GET', '/no/such/path');
    assertError(unknown, 404, /No such path: GET \/no\/such\/path/);
    const method = await call('DELETE', '/connectors/gen/status');
    assertError(method, 405, /Method DELETE is not allowed on \/connectors\/gen\/status; allowed: GET/);
    assert.equal(method.headers.get('allow'), 'GET');
    assertError(await call('PATCH', '/connectors'), 405, /allowed: GET, POST/);
    assertError(await call('POST', '/connectors/gen/pause'), 405, /allowed: PUT/);
    // Nothing that runs was disturbed.
    await waitRunning('gen', 2);
    await waitRunning('sink', 1);
    assert.deepEqual((await call('GET', '/connectors')).body.sort(), ['gen', 'sink']);
    assert.equal((await call('GET', '/health')).status, 200);
  });

  it('a trailing slash is accepted', async () => {
    assert.equal((await call('GET', '/connectors/')).status, 200);
    assert.equal((await call('GET', '/connectors/gen/status/')).status, 200);
  });
});
