import type { Logger, SinkRecord, SinkTask, SinkTaskContext } from '@tributary/api';
import { UniformSinkConnector } from '../common/uniform-sink-connector.js';
import { DISCARD_SINK_SPEC } from './config.js';

/** DiscardSink's connector: every task gets the connector's config. */
export class DiscardSinkConnector extends UniformSinkConnector {
  constructor() {
    super(DISCARD_SINK_SPEC, 'DiscardSink');
  }
}

/**
 * Accepts every record and keeps nothing: measures the pipeline up to the sink (benchmarks). Counts what it
 * dropped and logs the totals when stopped.
 */
export class DiscardSinkTask implements SinkTask {
  #logger: Logger | undefined;
  #records = 0;
  #batches = 0;

  /** Records dropped since start. */
  get records(): number {
    return this.#records;
  }

  /** Non-empty batches dropped since start. */
  get batches(): number {
    return this.#batches;
  }

  start(context: SinkTaskContext): void {
    DISCARD_SINK_SPEC.parse(context.config, { subject: 'DiscardSink task configuration' });
    this.#logger = context.logger;
    this.#records = 0;
    this.#batches = 0;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#records += records.length;
    this.#batches++;
  }

  stop(): void {
    const logger = this.#logger;
    this.#logger = undefined;
    logger?.info(`Discarded ${this.#records} records in ${this.#batches} batches`, {
      records: this.#records,
      batches: this.#batches,
    });
  }
}
