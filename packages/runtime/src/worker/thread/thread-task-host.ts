import { type ResourceLimits, Worker as WorkerThread } from 'node:worker_threads';
import { errorTrace, type Logger } from '@tributary/api';
import type { Broker } from '../../broker/broker.js';
import type { TaskState } from '../../herder/entities.js';
import type { LoggerRegistry } from '../../logging/loggers.js';
import type { TaskMetrics } from '../../metrics/task-metrics.js';
import type { OffsetStore } from '../../storage/stores.js';
import type { TaskSpec } from '../task-factory.js';
import { BrokerService, CallDispatcher } from './broker-service.js';
import { applyMetricValues } from './metrics-mirror.js';
import type { FromThread, ReplyMessage, TaskThreadData, ToThread } from './protocol.js';
import { toWireError } from './wire-error.js';

/** What the worker controls of a running task, in its own thread or in a task thread. */
export interface TaskHandle {
  readonly state: TaskState;
  /** Starts the task; settles when it has finished (stopped, or failed and closed). */
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Stops gracefully: the task flushes and commits, then ends. */
  stop(): Promise<void>;
}

export interface ThreadTaskHostOptions {
  readonly spec: TaskSpec;
  readonly broker: Broker;
  readonly offsetStore: OffsetStore;
  readonly loggers: LoggerRegistry;
  /** Name of the task's logger (its level is pushed to the thread). */
  readonly loggerName: string;
  /** The task's metrics in this thread, which mirror the thread's. */
  readonly metrics: TaskMetrics;
  readonly onStateChange: (state: TaskState, trace?: string) => void;
  readonly onTopicUsed: (topic: string) => void;
  readonly pluginPath: readonly string[];
  readonly resourceLimits?: ResourceLimits;
  /** How often the thread reports metrics and the logger level is checked. Default 250 ms. */
  readonly metricsIntervalMs?: number;
}

const THREAD_ENTRY = new URL('./task-thread.js', import.meta.url);

/**
 * Runs one task in a worker thread of its own (Kafka Connect runs each task on its own thread), so a
 * worker uses every core. The thread runs the usual task runner against proxies; this host serves them
 * from the main thread: broker calls and consumers (BrokerService), source offset writes, log records
 * (written through the worker's LoggerRegistry), metrics (mirrored into the task's TaskMetrics), state
 * changes and topics (to the herder's listener). A thread that crashes or exits before its task finished
 * makes the task FAILED with the reason; the worker keeps running.
 */
export class ThreadTaskHost implements TaskHandle {
  readonly #o: ThreadTaskHostOptions;
  readonly #id: string;
  readonly #logger: Logger;
  readonly #service: BrokerService;
  readonly #calls: CallDispatcher;
  #thread: WorkerThread | null = null;
  #state: TaskState = 'UNASSIGNED';
  #finished: Promise<void> | null = null;
  #done = false;
  #stopping = false;
  #crash: unknown = null;
  #values: Float64Array | null = null;
  #level = '';
  #levelTimer: NodeJS.Timeout | null = null;

  constructor(options: ThreadTaskHostOptions) {
    this.#o = options;
    this.#id = `${options.spec.connector}-${options.spec.task}`;
    this.#logger = options.loggers.get(options.loggerName);
    this.#service = new BrokerService(options.broker, options.offsetStore);
    this.#calls = new CallDispatcher(this.#service, (reply, transfer) => this.#post(reply, transfer));
  }

  get state(): TaskState {
    return this.#state;
  }

  /** The thread's id while it runs (diagnostics and tests). */
  get threadId(): number | null {
    return this.#thread?.threadId ?? null;
  }

  start(): Promise<void> {
    this.#finished ??= this.#run();
    return this.#finished;
  }

  pause(): void {
    this.#post({ t: 'pause' });
  }

  resume(): void {
    this.#post({ t: 'resume' });
  }

  async stop(): Promise<void> {
    if (this.#finished === null) return;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#post({ t: 'stop' });
      // The runner bounds the final commit and close by task.shutdown.graceful.timeout.ms each; a task
      // whose poll or put ignores the stop is cut off after twice that and a margin.
      const limit = this.#o.spec.shutdownTimeoutMs * 2 + 2000;
      const timer = setTimeout(() => {
        if (this.#thread === null) return;
        this.#logger.warn(`Task ${this.#id} did not stop within ${limit} ms; terminating its thread`);
        void this.#thread.terminate();
      }, limit);
      void this.#finished.finally(() => clearTimeout(timer));
    }
    await this.#finished;
  }

  #post(message: ToThread, transfer?: readonly ArrayBuffer[]): void {
    try {
      this.#thread?.postMessage(message, transfer as ArrayBuffer[] | undefined);
    } catch (e) {
      // The thread is gone (its exit is being handled) or a value could not be cloned.
      if (message.t === 'reply' && message.ok) {
        const reply: ReplyMessage = { t: 'reply', id: message.id, ok: false, error: toWireError(e) };
        this.#thread?.postMessage(reply);
      }
    }
  }

  async #run(): Promise<void> {
    const { spec, offsetStore, loggers, loggerName } = this.#o;
    this.#level = loggers.level(loggerName).level.toLowerCase();
    const data: TaskThreadData = {
      spec,
      pluginPath: this.#o.pluginPath,
      cwd: process.cwd(),
      brokerKind: this.#o.broker.kind,
      brokerFlush: typeof this.#o.broker.flush === 'function',
      offsets: spec.kind === 'source' ? offsetStore.all(spec.connector) : [],
      logLevel: this.#level,
      metricsIntervalMs: this.#o.metricsIntervalMs ?? 250,
    };
    let thread: WorkerThread;
    try {
      thread = new WorkerThread(THREAD_ENTRY, {
        workerData: data,
        name: `task ${this.#id}`,
        ...(this.#o.resourceLimits === undefined ? {} : { resourceLimits: this.#o.resourceLimits }),
      });
    } catch (e) {
      this.#fail(`Task ${this.#id}: its thread could not be started`, e);
      return;
    }
    this.#thread = thread;
    this.#levelTimer = setInterval(() => this.#syncLevel(), data.metricsIntervalMs);
    this.#levelTimer.unref();
    thread.on('message', (m: FromThread) => this.#onMessage(m));
    thread.on('error', (e) => {
      this.#crash ??= e;
    });
    const code = await new Promise<number>((resolve) => thread.once('exit', resolve));
    this.#thread = null;
    clearInterval(this.#levelTimer);
    this.#calls.abortAll();
    await this.#service.close();
    if (!this.#done) {
      const why =
        this.#crash !== null
          ? `the task thread of ${this.#id} crashed`
          : `the task thread of ${this.#id} exited unexpectedly with code ${code}`;
      this.#fail(`Task ${this.#id} failed: ${why}`, this.#crash ?? new Error(why));
    }
  }

  #fail(message: string, error: unknown): void {
    const trace = errorTrace(error);
    this.#logger.error(message, { error: trace });
    this.#setState('FAILED', trace);
  }

  #setState(state: TaskState, trace?: string): void {
    this.#state = state;
    this.#o.metrics.status = state;
    this.#o.onStateChange(state, trace);
  }

  #syncLevel(): void {
    const level = this.#o.loggers.level(this.#o.loggerName).level.toLowerCase();
    if (level === this.#level) return;
    this.#level = level;
    this.#post({ t: 'level', level });
  }

  #onMessage(m: FromThread): void {
    switch (m.t) {
      case 'call':
        this.#calls.call(m);
        break;
      case 'cancel':
        this.#calls.cancel(m.id);
        break;
      case 'state':
        this.#setState(m.state, m.trace);
        break;
      case 'topic':
        this.#o.onTopicUsed(m.topic);
        break;
      case 'log':
        this.#logger[m.level](m.message, m.fields);
        break;
      case 'metrics': {
        const metrics = this.#o.metrics;
        applyMetricValues(metrics, this.#values, m.values);
        this.#values = m.values;
        metrics.lagByQueue.clear();
        for (const [queue, lag] of m.lag) metrics.lagByQueue.set(queue, lag);
        for (const [name, kind, value, help] of m.custom) metrics.custom.set(name, { kind, value, help });
        break;
      }
      case 'done':
        this.#done = true;
        // Everything the task had to say arrived before 'done': plugins' leftover handles must not keep
        // the thread alive.
        void this.#thread?.terminate();
        break;
    }
  }
}
