import { setTimeout as sleep } from 'node:timers/promises';
import { errorTrace, type Logger } from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import type { TaskState } from '../herder/entities.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import { DeadLetterQueueReporter } from './dead-letter.js';
import { ErrorHandler, type ErrorHandlingConfig, type ErrorReporter, LogReporter } from './error-handler.js';
import { closeTransformStages, type TaskConverters, type TransformStage } from './task-plugins.js';

/** Error handling settings of a connector (`errors.*`). */
export interface ErrorSettings extends ErrorHandlingConfig {
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
  readonly deadLetterTopic: string;
  readonly deadLetterQueues: number;
  readonly deadLetterContextHeaders: boolean;
}

/** What every task runner gets from the worker. */
export interface TaskRunnerOptions {
  readonly connector: string;
  readonly task: number;
  readonly workerId: string;
  readonly logger: Logger;
  readonly metrics: TaskMetrics;
  readonly broker: Broker;
  readonly converters: TaskConverters;
  readonly transforms: readonly TransformStage[];
  readonly errors: ErrorSettings;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  /** Called on every state change (RUNNING, PAUSED, FAILED with its trace, UNASSIGNED after stop). */
  readonly onStateChange: (state: TaskState, trace?: string) => void;
  /** Starts paused (connector target state PAUSED). */
  readonly startPaused: boolean;
}

/**
 * Lifecycle shared by source and sink task runners: start, run loop, pause/resume, graceful stop with a
 * final commit, failure with the trace in status. Subclasses implement the loop and the commit.
 */
export abstract class TaskRunner {
  readonly id: string;
  protected readonly options: TaskRunnerOptions;
  protected readonly errorHandler: ErrorHandler;
  /** Aborted when the runner stops: cancels waits and retries. */
  protected readonly stopController = new AbortController();
  #paused: boolean;
  #resumeWaiters: (() => void)[] = [];
  #state: TaskState = 'UNASSIGNED';
  #done: Promise<void> | null = null;
  #failed = false;
  #commitTimer: NodeJS.Timeout | null = null;

  constructor(options: TaskRunnerOptions) {
    this.options = options;
    this.id = `${options.connector}-${options.task}`;
    this.#paused = options.startPaused;
    const reporters: ErrorReporter[] = [];
    if (options.errors.logEnable) {
      reporters.push(new LogReporter(options.logger, options.errors.logIncludeMessages, options.metrics, this.id));
    }
    if (options.errors.deadLetterTopic !== '') {
      reporters.push(
        new DeadLetterQueueReporter({
          broker: options.broker,
          topic: options.errors.deadLetterTopic,
          queues: options.errors.deadLetterQueues,
          contextHeaders: options.errors.deadLetterContextHeaders,
          connector: options.connector,
          task: options.task,
          metrics: options.metrics,
        }),
      );
    }
    this.errorHandler = new ErrorHandler(options.errors, reporters, options.metrics, this.stopController.signal);
  }

  get state(): TaskState {
    return this.#state;
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Starts the task in the background; the returned promise settles when the runner has finished. */
  start(): Promise<void> {
    this.#done ??= this.#lifecycle();
    return this.#done;
  }

  pause(): void {
    if (this.#paused || this.#failed) return;
    this.#paused = true;
    this.onPause();
    if (this.#state === 'RUNNING') this.#setState('PAUSED');
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const wake of this.#resumeWaiters.splice(0)) wake();
    if (this.#state === 'PAUSED') this.#setState('RUNNING');
  }

  /** Stops gracefully: ends the loop, waits for outstanding work (bounded), commits, stops the task. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopController.abort();
      this.onStopRequested();
      for (const wake of this.#resumeWaiters.splice(0)) wake();
    }
    await this.#done;
  }

  /** Resolves when resumed or stopping. */
  protected waitForResume(): Promise<void> {
    if (!this.#paused || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.#resumeWaiters.push(resolve));
  }

  /** Sleeps unless stopping (then returns early). */
  protected async pauseFor(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopController.signal }).catch(() => undefined);
  }

  /** Opens the plugin task. Throwing fails the task. */
  protected abstract startTask(): Promise<void>;
  /** The main loop; returns when stopping. Throwing fails the task. */
  protected abstract run(): Promise<void>;
  /** Commits progress. `final` on stop and after failure. Must not throw. */
  protected abstract commit(final: boolean): Promise<void>;
  /** Releases the plugin task and its resources. Must not throw. */
  protected abstract close(): Promise<void>;
  protected onPause(): void {}
  protected onStopRequested(): void {}

  async #lifecycle(): Promise<void> {
    try {
      await this.startTask();
      this.#setState(this.#paused ? 'PAUSED' : 'RUNNING');
      this.#commitTimer = setInterval(() => void this.commit(false), this.options.offsetFlushIntervalMs);
      await this.run();
    } catch (e) {
      this.#failed = true;
      this.options.logger.error(`Task ${this.id} failed: ${(e as Error)?.message ?? e}`, { error: errorTrace(e) });
      this.#setState('FAILED', errorTrace(e));
    }
    if (this.#commitTimer !== null) clearInterval(this.#commitTimer);
    // Acknowledged progress is committed after a failure too: it is durable, and committing it avoids
    // reprocessing on restart.
    await this.#bounded(this.commit(true), 'final offset commit');
    await this.#bounded(this.close(), 'close');
    closeTransformStages(this.options.transforms);
    if (!this.#failed) this.#setState('UNASSIGNED');
  }

  async #bounded(work: Promise<void>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn(`Task ${this.id}: ${what} did not finish within ${this.options.shutdownTimeoutMs} ms`);
        resolve();
      }, this.options.shutdownTimeoutMs);
    });
    try {
      await Promise.race([
        work.catch((e) => this.options.logger.error(`Task ${this.id}: ${what} failed`, { error: errorTrace(e) })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  #setState(state: TaskState, trace?: string): void {
    this.#state = state;
    this.options.metrics.status = state;
    this.options.onStateChange(state, trace);
  }
}
