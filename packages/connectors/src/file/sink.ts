import { type FileHandle, open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import {
  ConnectError,
  type Logger,
  RetriableError,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
} from '@tributary/api';
import { valueToText } from '../common/render.js';
import { UniformSinkConnector } from '../common/uniform-sink-connector.js';
import { FILE_SINK_SPEC } from './config.js';

/**
 * Writes record values as lines to one file (or standard output). Like Kafka's FileStreamSinkConnector it
 * returns `maxTasks` identical task configs: every task appends to the same file. Each batch is one
 * `write` on a file opened with O_APPEND, so lines of concurrent tasks never interleave mid-line.
 */
export class FileStreamSinkConnector extends UniformSinkConnector {
  constructor() {
    super(FILE_SINK_SPEC, 'FileStreamSink');
  }
}

/** Test hooks of {@link FileStreamSinkTask}; the plugin creates tasks with the defaults. */
export interface FileStreamSinkTaskOptions {
  /** The stream written when `file` is empty. Default `process.stdout`. */
  readonly stdout?: Writable;
}

/** Where the sink writes: an append-only file handle or a stream. */
interface Output {
  write(data: Buffer): Promise<void>;
  /** Makes everything written durable (fdatasync for a file). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Appends one line per record: the value printed as {@link valueToText} (Kafka's `String.valueOf`, with
 * bytes decoded as UTF-8 and dates as ISO-8601), followed by `\n`. A batch is one write; `flush` fsyncs the
 * file (fdatasync), so the offsets the runtime commits afterwards cover only lines that are on disk.
 */
export class FileStreamSinkTask implements SinkTask {
  readonly #options: FileStreamSinkTaskOptions;
  #output: Output | undefined;
  #dirty = false;
  #target = 'stdout';
  #logger: Logger | undefined;

  constructor(options: FileStreamSinkTaskOptions = {}) {
    this.#options = options;
  }

  async start(context: SinkTaskContext): Promise<void> {
    const config = FILE_SINK_SPEC.parse(context.config, { subject: 'FileStreamSink task configuration' });
    this.#logger = context.logger;
    if (config.file.trim() === '') {
      this.#target = 'stdout';
      this.#output = streamOutput(this.#options.stdout ?? process.stdout);
      return;
    }
    this.#target = config.file;
    let fh: FileHandle;
    try {
      fh = await open(config.file, 'a');
    } catch (err) {
      throw new ConnectError(
        `Couldn't find or create file '${config.file}' for FileStreamSink: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.#output = fileOutput(fh, config.file);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const output = this.#requireOutput();
    let text = '';
    for (const record of records) text += `${valueToText(record.value)}\n`;
    await output.write(Buffer.from(text, 'utf8'));
    this.#dirty = true;
  }

  async flush(): Promise<void> {
    const output = this.#requireOutput();
    if (!this.#dirty) return;
    await output.sync();
    this.#dirty = false;
  }

  async stop(): Promise<void> {
    const output = this.#output;
    this.#output = undefined;
    try {
      await output?.close();
    } catch (err) {
      this.#logger?.warn(`Failed to close ${this.#target}: ${(err as Error).message}`);
    }
  }

  #requireOutput(): Output {
    if (this.#output === undefined) throw new ConnectError('FileStreamSink task is not started or already stopped');
    return this.#output;
  }
}

// Conditions an operator can fix without touching the pipeline (free space, quota): worth a retry.
const RETRIABLE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EAGAIN', 'EINTR', 'EBUSY']);

function ioError(what: string, err: unknown): ConnectError {
  const code = (err as NodeJS.ErrnoException).code;
  const message = `${what}: ${(err as Error).message}`;
  return code !== undefined && RETRIABLE_CODES.has(code)
    ? new RetriableError(message, { cause: err })
    : new ConnectError(message, { cause: err });
}

function fileOutput(fh: FileHandle, path: string): Output {
  return {
    async write(data) {
      try {
        // A write may be partial; with O_APPEND each call still lands at the end of the file.
        for (let off = 0; off < data.length; ) {
          const { bytesWritten } = await fh.write(data, off, data.length - off, null);
          off += bytesWritten;
        }
      } catch (err) {
        throw ioError(`Writing to ${path} failed`, err);
      }
    },
    async sync() {
      try {
        await fh.datasync();
      } catch (err) {
        throw ioError(`Syncing ${path} failed`, err);
      }
    },
    close: () => fh.close(),
  };
}

function streamOutput(stream: Writable): Output {
  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        stream.write(data, (err) =>
          err === null || err === undefined ? resolve() : reject(ioError('Writing to standard output failed', err)),
        );
      }),
    // Each write already waited until the stream handed the data to the OS.
    sync: async () => {},
    // Standard output belongs to the process: never closed here.
    close: async () => {},
  };
}
