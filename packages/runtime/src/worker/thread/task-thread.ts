/**
 * Entry of a task thread (`task.isolation=thread`): creates the task's plugins from the built-in bundles
 * and `plugin.path`, runs the same SourceTaskRunner/SinkTaskRunner as the main thread would, with proxies
 * for what lives in the main thread (broker, offset store, logger), and reports state, topics and metrics.
 * Protocol: protocol.ts; the host: thread-task-host.ts.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { errorTrace } from '@tributary/api';
import type { TaskState } from '../../herder/entities.js';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import { createRegistry } from '../../plugins/registry.js';
import { createTaskRunner } from '../task-factory.js';
import type { TaskRunner } from '../task-runner.js';
import { BrokerProxy } from './broker-proxy.js';
import { metricValues, valuesChanged } from './metrics-mirror.js';
import { OffsetStoreProxy } from './offset-store-proxy.js';
import type { FromThread, MetricsMessage, TaskThreadData, ToThread } from './protocol.js';
import { RpcClient } from './rpc-client.js';
import { ThreadLogger } from './thread-logger.js';

const data = workerData as TaskThreadData;
const port = parentPort as MessagePort;
const { spec } = data;
const id = `${spec.connector}-${spec.task}`;
const post = (message: FromThread, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

const rpc = new RpcClient(port);
const logger = new ThreadLogger(port, data.logLevel);
const metrics = new TaskMetrics(spec.connector, spec.task, spec.kind);
let runner: TaskRunner | null = null;
let paused = spec.startPaused;
let stopRequested = false;
let sentValues: Float64Array | null = null;
let sentLag = '';

port.on('message', (message: ToThread) => {
  switch (message.t) {
    case 'reply':
      rpc.settle(message);
      break;
    case 'pause':
      paused = true;
      runner?.pause();
      break;
    case 'resume':
      paused = false;
      runner?.resume();
      break;
    case 'stop':
      stopRequested = true;
      void runner?.stop();
      break;
    case 'level':
      logger.setLevel(message.level);
      break;
  }
});

/** Sends the metrics when they changed since the last report. */
function reportMetrics(): void {
  const values = metricValues(metrics);
  const lag = [...metrics.lagByQueue];
  const custom = [...metrics.custom].map(([name, c]) => [name, c.kind, c.value, c.help] as const);
  const lagText = JSON.stringify([lag, custom]);
  if (!valuesChanged(sentValues, values) && lagText === sentLag) return;
  sentValues = values;
  sentLag = lagText;
  // A copy is sent: `values` stays here as the baseline of the next comparison.
  const message: MetricsMessage = { t: 'metrics', values: values.slice(), lag, custom };
  post(message);
}

function finish(): void {
  reportMetrics();
  post({ t: 'done' });
  rpc.close();
}

async function main(): Promise<void> {
  try {
    const registry = await createRegistry(data.pluginPath, data.cwd);
    if (stopRequested) {
      finish();
      return;
    }
    runner = createTaskRunner(
      { ...spec, startPaused: paused },
      {
        registry,
        broker: new BrokerProxy(rpc, data.brokerKind, data.brokerFlush),
        offsetStore: new OffsetStoreProxy(rpc, spec.connector, data.offsets),
        logger,
        metrics,
        onStateChange: (state: TaskState, trace?: string) =>
          post(trace === undefined ? { t: 'state', state } : { t: 'state', state, trace }),
        onTopicUsed: (topic) => post({ t: 'topic', topic }),
      },
    );
  } catch (e) {
    logger.error(`Task ${id} could not be created`, { error: errorTrace(e) });
    post({ t: 'state', state: 'FAILED', trace: errorTrace(e) });
    finish();
    return;
  }
  const timer = setInterval(reportMetrics, data.metricsIntervalMs);
  const done = runner.start();
  if (stopRequested) void runner.stop();
  await done;
  clearInterval(timer);
  finish();
}

void main();
