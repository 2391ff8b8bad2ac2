import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '@tributary/api';
import type { LogMessage, ThreadLogLevel } from './protocol.js';

const RANK: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** Fields as plain JSON-able data, for fields postMessage cannot clone (functions, class instances with them). */
function plainFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(fields, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '{}',
    ) as Record<string, unknown>;
  } catch {
    return { fields: String(fields) };
  }
}

/**
 * The logger of a task thread: records at or above the level of the task's logger in the main thread
 * are posted there and written by the worker's LoggerRegistry, so `/admin/loggers` governs them. The
 * main thread pushes level changes ({@link setLevel}); filtering here keeps disabled debug lines off the port.
 */
export class ThreadLogger implements Logger {
  readonly #port: MessagePort;
  #min: number;

  constructor(port: MessagePort, level: string) {
    this.#port = port;
    this.#min = RANK[level.toLowerCase()] ?? RANK.info!;
  }

  setLevel(level: string): void {
    this.#min = RANK[level.toLowerCase()] ?? this.#min;
  }

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (RANK.debug! >= this.#min) this.#post('debug', message, fields);
  }
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (RANK.info! >= this.#min) this.#post('info', message, fields);
  }
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (RANK.warn! >= this.#min) this.#post('warn', message, fields);
  }
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (RANK.error! >= this.#min) this.#post('error', message, fields);
  }

  #post(level: ThreadLogLevel, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
    const record: LogMessage =
      fields === undefined ? { t: 'log', level, message } : { t: 'log', level, message, fields };
    try {
      this.#port.postMessage(record);
    } catch {
      this.#port.postMessage({ ...record, fields: plainFields(fields ?? {}) } satisfies LogMessage);
    }
  }
}
