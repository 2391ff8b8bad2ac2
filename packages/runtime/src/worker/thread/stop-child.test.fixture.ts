// Child process of the task-thread stop test (named *.test.fixture.ts: not a test itself, not packaged):
// starts a worker with tasks in threads, stops it, and returns without process.exit — the process must
// then end by itself, which it cannot while a task thread is left running.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseWorkerConfig } from '../../config/worker-config.js';
import { startStandalone } from '../../standalone.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: stop-child <dir>');
const config = parseWorkerConfig({
  'data.dir': join(dir, 'data'),
  'worker.id': 'stop-child',
  'rest.port': '0',
  'task.isolation': 'thread',
  'offset.flush.interval.ms': '200',
});
const w = await startStandalone({ config, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
await w.herder.createConnector('sink', { 'connector.class': 'DiscardSink', topics: 't' });
await w.herder.createConnector('gen', { 'connector.class': 'Generator', topic: 't', rate: '2000' });
const deadline = Date.now() + 30_000;
while (
  w.metrics.tasksOf('sink')[0]?.sendRate.total === undefined ||
  w.metrics.tasksOf('sink')[0]!.sendRate.total < 100
) {
  if (Date.now() > deadline) throw new Error('no records reached the sink');
  await sleep(50);
}
const threads = [w.worker.taskThreadId('gen', 0), w.worker.taskThreadId('sink', 0)].filter((id) => id !== null);
console.log(`threads before stop: ${threads.length}`);
await w.stop();
console.log('stopped');
