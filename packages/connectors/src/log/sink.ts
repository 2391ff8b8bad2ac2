import { ConnectError, type Logger, type SinkRecord, type SinkTask, type SinkTaskContext } from '@tributary/api';
import { valueToJsonText } from '../common/render.js';
import { UniformSinkConnector } from '../common/uniform-sink-connector.js';
import { LOG_SINK_SPEC, type LogLevel } from './config.js';

/** LogSink's connector: every task gets the connector's config. */
export class LogSinkConnector extends UniformSinkConnector {
  constructor() {
    super(LOG_SINK_SPEC, 'LogSink');
  }
}

/**
 * Writes records to the task's logger, one line each:
 * `topic=orders queue=2 offset=17 timestamp=... key=42 value={"id":1,...}` (key and value as JSON-like
 * text, see {@link valueToJsonText}; headers appended when present), with `{topic, queue, offset}` as
 * structured fields. `log.every` samples one record out of N.
 */
export class LogSinkTask implements SinkTask {
  #logger: Logger | undefined;
  #level: LogLevel = 'info';
  #every = 1;
  #maxChars = 0;
  #seen = 0;

  start(context: SinkTaskContext): void {
    const config = LOG_SINK_SPEC.parse(context.config, { subject: 'LogSink task configuration' });
    this.#logger = context.logger;
    this.#level = config['log.level'];
    this.#every = config['log.every'];
    this.#maxChars = config['log.max.chars'];
    this.#seen = 0;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const logger = this.#logger;
    if (logger === undefined) throw new ConnectError('LogSink task is not started or already stopped');
    for (const record of records) {
      if (this.#seen++ % this.#every !== 0) continue;
      logger[this.#level](this.#describe(record), { topic: record.topic, queue: record.queue, offset: record.offset });
    }
  }

  stop(): void {
    this.#logger = undefined;
  }

  #describe(record: SinkRecord): string {
    let line = `topic=${record.topic} queue=${record.queue} offset=${record.offset}`;
    if (record.timestamp !== null) line += ` timestamp=${new Date(record.timestamp).toISOString()}`;
    line += ` key=${this.#cut(valueToJsonText(record.key))} value=${this.#cut(valueToJsonText(record.value))}`;
    if (record.headers.size > 0) {
      const headers = record.headers.toArray().map((h) => `${h.key}=${this.#cut(valueToJsonText(h.value))}`);
      line += ` headers=[${headers.join(', ')}]`;
    }
    return line;
  }

  #cut(text: string): string {
    return this.#maxChars > 0 && text.length > this.#maxChars ? `${text.slice(0, this.#maxChars)}…` : text;
  }
}
