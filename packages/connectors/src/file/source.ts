import type { Readable } from 'node:stream';
import {
  ConfigError,
  ConnectError,
  type ConnectorConfig,
  type ExactlyOnceSupport,
  type JsonMap,
  type Logger,
  Schema,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  sourceRecord,
  type TaskConfig,
} from '@tributary/api';
import { FILE_CONFIG, FILE_SOURCE_SPEC, FILENAME_FIELD, type FileSourceConfig, POSITION_FIELD } from './config.js';
import { type ByteInput, FileInput, StreamInput } from './input.js';
import { LineBuffer } from './line-buffer.js';

/**
 * Reads lines from one file (or standard input) into one topic. Only one task ever runs: a file is one
 * stream, so `tasks.max` above 1 still yields a single task config (as Kafka's FileStreamSourceConnector).
 */
export class FileStreamSourceConnector implements SourceConnector {
  #config: ConnectorConfig | undefined;

  start(_context: SourceConnectorContext, config: ConnectorConfig): void {
    FILE_SOURCE_SPEC.parse(config, { subject: 'FileStreamSource configuration' });
    this.#config = config;
  }

  taskConfigs(_maxTasks: number): readonly TaskConfig[] {
    if (this.#config === undefined) throw new ConnectError('FileStreamSource connector is not started');
    return [{ ...this.#config }];
  }

  stop(): void {
    this.#config = undefined;
  }

  /** Exactly once is possible for a file (positions are exact), not for standard input. */
  exactlyOnceSupport(config: ConnectorConfig): ExactlyOnceSupport {
    return isStdin(FILE_SOURCE_SPEC.parse(config).file) ? 'unsupported' : 'supported';
  }

  /**
   * Accepts offsets `{position: <non-negative integer>}` (or null, a reset) for partitions `{filename}`.
   * Whether the position fits the file is checked by the task when it opens the file.
   */
  alterOffsets(
    config: ConnectorConfig,
    offsets: ReadonlyArray<{ readonly partition: JsonMap; readonly offset: JsonMap | null }>,
  ): boolean {
    if (isStdin(FILE_SOURCE_SPEC.parse(config).file)) {
      throw new ConfigError(
        `Offsets cannot be modified if the '${FILE_CONFIG}' configuration is unspecified: standard input is read and its offsets are not tracked`,
        { [FILE_CONFIG]: ['offsets are not tracked for standard input'] },
      );
    }
    for (const { partition, offset } of offsets) {
      if (!Object.hasOwn(partition, FILENAME_FIELD)) {
        throw new ConfigError(`Partition objects should contain the key '${FILENAME_FIELD}'`);
      }
      if (offset === null) continue;
      if (!Object.hasOwn(offset, POSITION_FIELD)) {
        throw new ConfigError(`Offset objects should either be null or contain the key '${POSITION_FIELD}'`);
      }
      if (!isPosition(offset[POSITION_FIELD])) {
        throw new ConfigError(
          `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative integer, got ${JSON.stringify(offset[POSITION_FIELD])}`,
        );
      }
    }
    return true;
  }
}

/** Test hooks and tuning of {@link FileStreamSourceTask}; the plugin creates tasks with the defaults. */
export interface FileStreamSourceTaskOptions {
  /** The stream read when `file` is empty. Default `process.stdin`. */
  readonly stdin?: Readable;
  /** Longest one poll waits for new data before returning null, in ms. Default 1000 (as Kafka). */
  readonly idleWaitMs?: number;
  /** Bytes asked for by one positional read. Default 64 KiB. */
  readonly readSize?: number;
}

/**
 * Reads lines from a file with large positional reads, tails it as it grows and resumes from the committed
 * byte position. Each record: value = the line (schema STRING) without its terminator, no key, source
 * partition `{filename}`, source offset `{position}` = byte position just after the line.
 *
 * An unfinished last line (no terminator yet) is not emitted until it is completed, since the writer may
 * still be appending to it; its bytes are simply read again after a restart. For standard input the
 * unfinished last line is emitted when the stream ends, and partition/offset are `{filename: null}` /
 * `{position: null}` (not tracked, as Kafka).
 */
export class FileStreamSourceTask implements SourceTask {
  readonly #options: FileStreamSourceTaskOptions;
  #config: FileSourceConfig | undefined;
  #input: ByteInput | undefined;
  #lines = new LineBuffer();
  #partition: JsonMap = {};
  #tracked = false;
  #logger: Logger | undefined;

  constructor(options: FileStreamSourceTaskOptions = {}) {
    this.#options = options;
  }

  async start(context: SourceTaskContext): Promise<void> {
    const config = FILE_SOURCE_SPEC.parse(context.config, { subject: 'FileStreamSource task configuration' });
    this.#config = config;
    this.#logger = context.logger;
    if (isStdin(config.file)) {
      this.#partition = Object.freeze({ [FILENAME_FIELD]: null });
      this.#tracked = false;
      this.#lines = new LineBuffer(0);
      this.#input = new StreamInput(this.#options.stdin ?? process.stdin);
      return;
    }
    this.#partition = Object.freeze({ [FILENAME_FIELD]: config.file });
    this.#tracked = true;
    const committed = await context.offsetReader.offset(this.#partition);
    let resumeFrom = 0;
    if (committed !== null && committed[POSITION_FIELD] !== undefined && committed[POSITION_FIELD] !== null) {
      const position = committed[POSITION_FIELD];
      if (!isPosition(position)) {
        throw new ConnectError(
          `Offset position is the incorrect type: expected a non-negative integer for '${POSITION_FIELD}', got ${JSON.stringify(position)}`,
        );
      }
      resumeFrom = position;
      context.logger.debug(`Resuming ${config.file} at committed position ${position}`, {
        file: config.file,
        position,
      });
    }
    this.#lines = new LineBuffer(resumeFrom);
    this.#input = new FileInput(config.file, resumeFrom, context.logger, this.#options.readSize);
  }

  async poll(signal: AbortSignal): Promise<readonly SourceRecord[] | null> {
    const input = this.#input;
    const config = this.#config;
    if (input === undefined || config === undefined) return null;
    const batchSize = config['batch.size'];
    const records: SourceRecord[] = [];
    const idleWaitMs = this.#options.idleWaitMs ?? 1000;
    let deadline: number | undefined;
    for (;;) {
      this.#takeLines(records, batchSize, input.ended);
      if (records.length >= batchSize || signal.aborted) break;
      if ((await input.read(this.#lines)) > 0) continue;
      if (records.length > 0) break;
      const now = performance.now();
      deadline ??= now + idleWaitMs;
      if (now >= deadline) break;
      if ((await input.wait(deadline - now, signal)) !== 'notified') {
        // A stream may have ended during the wait: its last line is complete now.
        this.#takeLines(records, batchSize, input.ended);
        break;
      }
    }
    return records.length > 0 ? records : null;
  }

  async stop(): Promise<void> {
    const input = this.#input;
    this.#input = undefined;
    try {
      await input?.close();
    } catch (err) {
      this.#logger?.warn(`Failed to close FileStreamSource input: ${(err as Error).message}`);
    }
  }

  #takeLines(records: SourceRecord[], batchSize: number, final: boolean): void {
    if (records.length >= batchSize) return;
    const topic = this.#config!.topic;
    const timestamp = Date.now();
    for (let line = this.#lines.next(final); line !== undefined; line = this.#lines.next(final)) {
      records.push(
        sourceRecord({
          sourcePartition: this.#partition,
          sourceOffset: { [POSITION_FIELD]: this.#tracked ? line.end : null },
          topic,
          valueSchema: Schema.STRING,
          value: line.text,
          timestamp,
        }),
      );
      if (records.length >= batchSize) return;
    }
  }
}

function isStdin(file: string): boolean {
  return file.trim() === '';
}

function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
