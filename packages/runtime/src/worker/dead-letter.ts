import { errorTrace } from '@tributary/api';
import type { Broker, BrokerHeader, OutgoingMessage } from '../broker/broker.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { ErrorContext, ErrorReporter } from './error-handler.js';

/** Kafka Connect's dead-letter context header names. */
export const DLQ_HEADERS = {
  TOPIC: '__connect.errors.topic',
  PARTITION: '__connect.errors.partition',
  OFFSET: '__connect.errors.offset',
  CONNECTOR: '__connect.errors.connector.name',
  TASK: '__connect.errors.task.id',
  STAGE: '__connect.errors.stage',
  CLASS: '__connect.errors.class.name',
  EXCEPTION_CLASS: '__connect.errors.exception.class.name',
  EXCEPTION_MESSAGE: '__connect.errors.exception.message',
  EXCEPTION_STACKTRACE: '__connect.errors.exception.stacktrace',
  /** Tributary additions for source records, which have no original bytes or queue position. */
  SOURCE_PARTITION: '__connect.errors.source.partition',
  SOURCE_OFFSET: '__connect.errors.source.offset',
} as const;

const encoder = new TextEncoder();

/**
 * Writes failed records to the dead-letter topic. Sink records keep their original key, value and headers
 * bytes; source records (which never had bytes) are written as JSON text. With context headers enabled,
 * `__connect.errors.*` headers say where and why the record failed. The write is awaited: a record is
 * only skipped once its dead letter is durable, so nothing is lost; a failed write fails the task.
 */
export class DeadLetterQueueReporter implements ErrorReporter {
  readonly #broker: Broker;
  readonly #topic: string;
  readonly #queues: number;
  readonly #contextHeaders: boolean;
  readonly #connector: string;
  readonly #task: number;
  readonly #metrics: TaskMetrics;
  #topicReady = false;

  constructor(options: {
    broker: Broker;
    topic: string;
    queues: number;
    contextHeaders: boolean;
    connector: string;
    task: number;
    metrics: TaskMetrics;
  }) {
    this.#broker = options.broker;
    this.#topic = options.topic;
    this.#queues = options.queues;
    this.#contextHeaders = options.contextHeaders;
    this.#connector = options.connector;
    this.#task = options.task;
    this.#metrics = options.metrics;
  }

  async report(context: ErrorContext): Promise<void> {
    this.#metrics.deadLetterQueueProduceRequests++;
    try {
      if (!this.#topicReady) {
        await this.#broker.ensureTopic(this.#topic, this.#queues);
        this.#topicReady = true;
      }
      await this.#broker.send([this.#message(context)]);
    } catch (e) {
      this.#metrics.deadLetterQueueProduceFailures++;
      throw new Error(
        `could not write a failed record to the dead-letter topic '${this.#topic}': ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  #message(context: ErrorContext): OutgoingMessage {
    const headers: BrokerHeader[] = [];
    let key: Uint8Array | null = null;
    let value: Uint8Array | null = null;
    let timestamp = Date.now();
    if (context.consumed !== undefined) {
      key = context.consumed.key;
      value = context.consumed.value;
      timestamp = context.consumed.timestamp;
      headers.push(...context.consumed.headers);
    } else if (context.sourceRecord !== undefined) {
      const r = context.sourceRecord;
      key = r.key === null || r.key === undefined ? null : encoder.encode(renderJson(r.key));
      value = r.value === null || r.value === undefined ? null : encoder.encode(renderJson(r.value));
      timestamp = r.timestamp ?? timestamp;
    }
    if (this.#contextHeaders) {
      const add = (k: string, v: string | number | null | undefined) => {
        if (v !== null && v !== undefined) headers.push({ key: k, value: encoder.encode(String(v)) });
      };
      const error = context.error;
      add(DLQ_HEADERS.TOPIC, context.consumed?.topic ?? context.sourceRecord?.topic);
      add(DLQ_HEADERS.PARTITION, context.consumed?.queue);
      add(DLQ_HEADERS.OFFSET, context.consumed?.offset);
      if (context.sourceRecord !== undefined) {
        add(DLQ_HEADERS.SOURCE_PARTITION, JSON.stringify(context.sourceRecord.sourcePartition));
        add(DLQ_HEADERS.SOURCE_OFFSET, JSON.stringify(context.sourceRecord.sourceOffset));
      }
      add(DLQ_HEADERS.CONNECTOR, this.#connector);
      add(DLQ_HEADERS.TASK, this.#task);
      add(DLQ_HEADERS.STAGE, context.stage);
      add(DLQ_HEADERS.CLASS, context.plugin);
      add(DLQ_HEADERS.EXCEPTION_CLASS, error instanceof Error ? error.name : typeof error);
      add(DLQ_HEADERS.EXCEPTION_MESSAGE, error instanceof Error ? error.message : String(error));
      add(DLQ_HEADERS.EXCEPTION_STACKTRACE, errorTrace(error));
    }
    return { topic: this.#topic, key, value, headers, timestamp };
  }
}

/** JSON text of any Connect value, for dead letters and logs (bigint as number text, bytes as base64). */
export function renderJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x]));
      return v;
    }) ?? 'null'
  );
}
