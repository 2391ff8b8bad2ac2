import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, PluginRegistry, type SourceConnectorContext, silentLogger } from '@tributary/api';
import { InMemoryOffsetStore, sourceTaskContext } from '../testkit/index.js';
import { FILE_SINK_SPEC, fileStreamSink, fileStreamSource } from './index.js';
import { FileStreamSourceConnector, FileStreamSourceTask } from './source.js';

const connectorContext: SourceConnectorContext = {
  name: 'file-source',
  logger: silentLogger,
  offsetReader: new InMemoryOffsetStore(),
  requestTaskReconfiguration: () => {},
  raiseError: () => {},
};

function configError(fn: () => unknown, key: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(Object.hasOwn(err.fieldErrors, key), `no error for '${key}': ${err.message}`);
    assert.match(err.message, new RegExp(key.replace('.', '\\.')));
    return true;
  });
}

describe('FileStreamSource config', () => {
  it('requires topic', () => {
    configError(() => fileStreamSource.spec.parse({ file: 'a.txt' }), 'topic');
    configError(() => fileStreamSource.spec.parse({ file: 'a.txt', topic: ' ' }), 'topic');
    configError(() => new FileStreamSourceConnector().start(connectorContext, { file: 'a.txt' }), 'topic');
  });

  it('rejects a batch.size that is not a positive integer', () => {
    for (const bad of ['abc', '0', '-5', '1.5']) {
      configError(() => fileStreamSource.spec.parse({ topic: 't', 'batch.size': bad }), 'batch.size');
    }
  });

  it('has Kafka defaults and accepts RocketMQ Connect’s connect.topicname', () => {
    const parsed = fileStreamSource.spec.parse({ 'connect.topicname': 'rmq' });
    assert.deepEqual({ ...parsed }, { file: '', topic: 'rmq', 'batch.size': 2000 });
  });

  it('rejects a bad task config at task start, naming the key', async () => {
    const task = new FileStreamSourceTask();
    await assert.rejects(
      Promise.resolve().then(() => task.start(sourceTaskContext({ config: { file: 'x', 'batch.size': 'many' } }))),
      (err: unknown) =>
        err instanceof ConfigError &&
        Object.hasOwn(err.fieldErrors, 'batch.size') &&
        Object.hasOwn(err.fieldErrors, 'topic'),
    );
  });
});

describe('FileStreamSourceConnector', () => {
  it('returns a single task config whatever tasks.max is', () => {
    const c = new FileStreamSourceConnector();
    const config = { name: 'f', 'tasks.max': '4', file: '/tmp/x', topic: 't' };
    c.start(connectorContext, config);
    assert.deepEqual(c.taskConfigs(4), [config]);
    c.stop();
    c.stop();
  });

  it('supports exactly-once for a file, not for standard input', () => {
    const c = new FileStreamSourceConnector();
    assert.equal(c.exactlyOnceSupport({ file: 'a', topic: 't' }), 'supported');
    assert.equal(c.exactlyOnceSupport({ topic: 't' }), 'unsupported');
  });

  it('checks offsets before they are altered', () => {
    const c = new FileStreamSourceConnector();
    const config = { file: 'a.txt', topic: 't' };
    assert.equal(
      c.alterOffsets(config, [
        { partition: { filename: 'a.txt' }, offset: { position: 10 } },
        { partition: { filename: 'old.txt' }, offset: null },
      ]),
      true,
    );
    const bad = [
      [{ partition: { file: 'a.txt' }, offset: { position: 1 } }],
      [{ partition: { filename: 'a.txt' }, offset: { pos: 1 } }],
      [{ partition: { filename: 'a.txt' }, offset: { position: -1 } }],
      [{ partition: { filename: 'a.txt' }, offset: { position: '1' } }],
    ];
    for (const offsets of bad) assert.throws(() => c.alterOffsets(config, offsets), ConfigError);
    assert.throws(
      () => c.alterOffsets({ topic: 't' }, [{ partition: { filename: null }, offset: null }]),
      /standard input/,
    );
  });
});

describe('FileStreamSink', () => {
  it('returns tasks.max identical task configs, as Kafka', async () => {
    const c = fileStreamSink.createConnector();
    const config = { name: 's', file: '/tmp/out', topics: 'a' };
    await c.start({ ...connectorContext, name: 's' }, config);
    assert.deepEqual(await c.taskConfigs(3), [config, config, config]);
  });

  it('defaults file to empty (standard output)', () => {
    assert.equal(FILE_SINK_SPEC.parse({}).file, '');
  });
});

describe('file plugins', () => {
  it('are found by their Kafka names', () => {
    const registry = new PluginRegistry([fileStreamSource, fileStreamSink]);
    for (const name of [
      'FileStreamSource',
      'FileStreamSourceConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
    ]) {
      assert.equal(registry.require(name, 'source'), fileStreamSource);
    }
    for (const name of [
      'FileStreamSink',
      'FileStreamSinkConnector',
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
    ]) {
      assert.equal(registry.require(name, 'sink'), fileStreamSink);
    }
  });
});
