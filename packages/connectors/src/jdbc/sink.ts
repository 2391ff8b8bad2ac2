import {
  BackOffError,
  ConnectError,
  type ConnectorConfig,
  type Logger,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
} from '@tributary/api';
import { UniformSinkConnector } from '../common/uniform-sink-connector.js';
import { JDBC_SINK_SPEC, type JdbcSinkConfig, MAX_RETRIES, RETRY_BACKOFF_MS } from './config.js';
import { type Database, databaseOf } from './connection.js';
import type { DbSession } from './dialect/dialect.js';
import { JdbcWriter, WriteFailure } from './sink/writer.js';

const APPLICATION_NAME = 'tributary-jdbc-sink';

/**
 * Kafka Connect's JDBC sink connector: `tasks.max` identical tasks; the runtime spreads the topics' queues
 * over them. The config is checked at start (including the cross-field rules of the spec).
 */
export class JdbcSinkConnector extends UniformSinkConnector {
  constructor() {
    super(JDBC_SINK_SPEC, 'JdbcSink');
  }

  /** Rejects unreadable URLs and unknown dialects or zones before the connector is created. */
  validate(config: ConnectorConfig): Record<string, string[]> {
    try {
      databaseOf(JDBC_SINK_SPEC.parse(config), APPLICATION_NAME);
      return {};
    } catch (e) {
      const fieldErrors = (e as { fieldErrors?: Record<string, string[]> }).fieldErrors;
      return fieldErrors ?? {};
    }
  }
}

/**
 * Writes each `put` batch in one transaction (see {@link JdbcWriter}); once `put` returns, the batch is
 * committed in the database, so `flush` has nothing left to do and every offset the runtime commits
 * afterwards is safe. Transient database errors (connection lost, deadlock, serialization failure) make
 * `put` throw a retriable BackOffError so the runtime redelivers the batch, at most `max.retries` times in
 * a row before the task fails.
 */
export class JdbcSinkTask implements SinkTask {
  #config: JdbcSinkConfig | undefined;
  #db: Database | undefined;
  #session: DbSession | undefined;
  #writer: JdbcWriter | undefined;
  #logger: Logger | undefined;
  #failures = 0;

  async start(context: SinkTaskContext): Promise<void> {
    const config = JDBC_SINK_SPEC.parse(context.config, { subject: 'JdbcSink task configuration' });
    this.#config = config;
    this.#logger = context.logger;
    this.#db = databaseOf(config, APPLICATION_NAME);
    this.#writer = new JdbcWriter(this.#db, config, context.logger, context.errantRecordReporter);
    this.#session = await this.#db.open(context.logger);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const writer = this.#writer;
    if (writer === undefined) throw new ConnectError('JdbcSink task is not started or already stopped');
    try {
      const session = await this.#openSession();
      await writer.write(session, records);
      this.#failures = 0;
    } catch (e) {
      throw this.#failure(e);
    }
  }

  /** Nothing is buffered: every put committed its transaction before returning. */
  async flush(): Promise<void> {}

  async stop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#writer = undefined;
    await session?.close();
  }

  async #openSession(): Promise<DbSession> {
    const current = this.#session;
    if (current?.usable) return current;
    this.#session = undefined;
    await current?.close();
    this.#session = await this.#db!.open(this.#logger!);
    return this.#session;
  }

  #failure(e: unknown): Error {
    const config = this.#config!;
    const retriable =
      (e instanceof WriteFailure && e.kind === 'transient') ||
      (e instanceof ConnectError && e.retriable) ||
      (!(e instanceof ConnectError) &&
        !(e instanceof WriteFailure) &&
        this.#db!.dialect.classifyError(e) === 'transient');
    if (!retriable) {
      if (e instanceof ConnectError) return e;
      return new ConnectError(`JdbcSink write failed: ${(e as Error).message}`, { cause: e });
    }
    // The connection may be broken half-way: reconnect before the redelivered batch.
    const session = this.#session;
    this.#session = undefined;
    void session?.close();
    this.#writer?.reset();
    this.#failures++;
    if (this.#failures > config[MAX_RETRIES]) {
      return new ConnectError(
        `JdbcSink gave up after ${config[MAX_RETRIES]} retries (max.retries): ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.#logger?.warn(
      `JdbcSink: transient database error, the batch will be redelivered (retry ${this.#failures} of ${config[MAX_RETRIES]}): ${(e as Error).message}`,
    );
    return new BackOffError(`JdbcSink transient failure: ${(e as Error).message}`, config[RETRY_BACKOFF_MS], {
      cause: e,
    });
  }
}
