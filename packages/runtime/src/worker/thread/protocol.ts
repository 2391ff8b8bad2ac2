import type { TaskState } from '../../herder/entities.js';
import type { SourceOffsetEntry } from '../../storage/stores.js';
import type { TaskSpec } from '../task-factory.js';
import type { WireError } from './wire-error.js';

/** Log levels a task thread forwards (the SDK Logger's). */
export type ThreadLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `workerData` of a task thread. */
export interface TaskThreadData {
  readonly spec: TaskSpec;
  /** `plugin.path` of the worker, and the directory its relative entries resolve against. */
  readonly pluginPath: readonly string[];
  readonly cwd: string;
  /** The broker's `kind`, for error context. */
  readonly brokerKind: string;
  /** Whether the main thread's broker implements `flush`. */
  readonly brokerFlush: boolean;
  /** Committed source offsets of the connector when the task started (source tasks). */
  readonly offsets: readonly SourceOffsetEntry[];
  /** Effective level of the task's logger; later changes arrive as {@link LevelMessage}. */
  readonly logLevel: string;
  /** How often the thread sends its metrics, ms. */
  readonly metricsIntervalMs: number;
}

/** A call from the thread to the main thread's broker or offset store. */
export interface CallMessage {
  readonly t: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The thread gave up waiting for a call (an aborted poll). */
export interface CancelMessage {
  readonly t: 'cancel';
  readonly id: number;
}

export interface StateMessage {
  readonly t: 'state';
  readonly state: TaskState;
  readonly trace?: string;
}

export interface TopicMessage {
  readonly t: 'topic';
  readonly topic: string;
}

export interface LogMessage {
  readonly t: 'log';
  readonly level: ThreadLogLevel;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** The thread's metric values (see metrics-mirror.ts), sent when they changed. */
export interface MetricsMessage {
  readonly t: 'metrics';
  readonly values: Float64Array;
  readonly lag: readonly (readonly [string, number])[];
  /** Metrics the connector reports itself (context.metrics): name, kind, value, help. */
  readonly custom: readonly (readonly [string, 'gauge' | 'counter', number, string])[];
}

/** The task's lifecycle ended (stopped, or failed and closed): the thread exits next. */
export interface DoneMessage {
  readonly t: 'done';
}

export type FromThread =
  | CallMessage
  | CancelMessage
  | StateMessage
  | TopicMessage
  | LogMessage
  | MetricsMessage
  | DoneMessage;

export interface ReplyMessage {
  readonly t: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: WireError;
}

export interface ControlMessage {
  readonly t: 'pause' | 'resume' | 'stop';
}

export interface LevelMessage {
  readonly t: 'level';
  readonly level: string;
}

export type ToThread = ReplyMessage | ControlMessage | LevelMessage;
