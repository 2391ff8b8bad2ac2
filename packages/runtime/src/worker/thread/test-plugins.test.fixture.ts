// Test plugins for the task-thread tests, loaded through `plugin.path` (named *.test.fixture.ts: not a
// test itself, not packaged). A thread imports this module itself, as it would any plugin bundle.
import { isMainThread } from 'node:worker_threads';
import {
  ConfigSpec,
  type ConnectorConfig,
  DataError,
  defineSourceConnector,
  type Logger,
  nonEmpty,
  Schema,
  type SourceRecord,
  type SourceTaskContext,
  sourceRecord,
} from '@tributary/api';

const SPEC = ConfigSpec.create()
  .string('topic', { doc: 'Topic to write to.', validate: nonEmpty() })
  .enum('mode', ['records', 'fail', 'crash', 'exit'], {
    doc: 'records: 10 records per poll; fail: the first poll throws; crash: an uncaught exception in the thread; exit: the thread exits.',
    default: 'records',
  })
  .int('count', { doc: 'Records in all (records mode), 0 = unbounded.', default: 0 });

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * ThreadProbeSource: string records `rec-<n>` (partition `{probe: <connector>}`, offset `{n}`), a debug
 * log line per poll (`probe poll`), and on request the ways a task can end badly.
 */
export const threadProbeSource = defineSourceConnector({
  name: 'ThreadProbeSource',
  version: '0.0.0-test',
  summary: 'Test plugin for task threads.',
  spec: SPEC,
  createConnector: () => {
    let config: ConnectorConfig = {};
    return {
      start: (_context, c) => {
        config = c;
      },
      taskConfigs: () => [{ ...config }],
      stop: () => undefined,
    };
  },
  createTask: () => {
    let logger: Logger | undefined;
    let topic = '';
    let mode = 'records';
    let count = 0;
    let next = 0;
    let partition = {};
    return {
      start: async (context: SourceTaskContext) => {
        const c = SPEC.parse(context.config);
        logger = context.logger;
        topic = c.topic;
        mode = c.mode;
        count = c.count;
        partition = { probe: context.connectorName };
        const committed = await context.offsetReader.offset(partition);
        next = typeof committed?.n === 'number' ? committed.n + 1 : 0;
      },
      poll: async (signal: AbortSignal): Promise<SourceRecord[] | null> => {
        await sleep(20, signal);
        logger?.debug('probe poll', { next, mainThread: isMainThread });
        if (mode === 'fail') throw new DataError('probe poll failed on purpose');
        if (mode === 'crash') {
          setTimeout(() => {
            throw new Error('probe thread crash on purpose');
          }, 0);
          return null;
        }
        if (mode === 'exit') {
          if (isMainThread) throw new Error('exit mode only runs in a task thread');
          process.exit(7);
        }
        const n = count > 0 ? Math.min(10, count - next) : 10;
        if (n <= 0) return null;
        const out: SourceRecord[] = [];
        for (let i = 0; i < n; i++, next++) {
          out.push(
            sourceRecord({
              sourcePartition: partition,
              sourceOffset: { n: next },
              topic,
              valueSchema: Schema.STRING,
              value: `rec-${next}`,
            }),
          );
        }
        return out;
      },
      stop: () => undefined,
    };
  },
});

export const plugins = [threadProbeSource];
