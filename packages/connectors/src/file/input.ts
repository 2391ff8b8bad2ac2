import { type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ConnectError, type Logger } from '@tributary/api';
import { type WaitOutcome, Wakeup } from '../common/wait.js';
import type { LineBuffer } from './line-buffer.js';

/** Where the file source gets its bytes: a tailed file or a stream (stdin). */
export interface ByteInput {
  /** True once no byte will ever come again (a stream that ended; never for a file, which may grow). */
  readonly ended: boolean;
  /** Adds the bytes available now to `lines`; resolves the count added, 0 when there are none yet. */
  read(lines: LineBuffer): Promise<number>;
  /** Waits until more bytes may be available, at most `ms`, or until `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<WaitOutcome>;
  close(): Promise<void>;
}

const DEFAULT_READ_SIZE = 64 * 1024;

/**
 * A file read with positional reads and tailed like `tail -F`:
 * - missing file: waits for it to be created (and warns once);
 * - growth: new bytes are read on the next read; a file watcher wakes waiting polls early;
 * - truncation (size below the read position): reading restarts at 0;
 * - replacement (another file now at the path): the old file is read to its end, then the new one from 0.
 * Pending bytes of an unfinished last line are dropped on truncation or replacement.
 */
export class FileInput implements ByteInput {
  readonly ended = false;
  readonly #path: string;
  readonly #logger: Logger;
  readonly #readSize: number;
  readonly #wakeup = new Wakeup();
  #resumeFrom: number;
  #fh: FileHandle | undefined;
  #identity: { dev: number; ino: number } | undefined;
  #watcher: FSWatcher | undefined;
  #warnedMissing = false;
  #closed = false;

  /** @param resumeFrom byte position to start at when the file is first opened (the committed offset). */
  constructor(path: string, resumeFrom: number, logger: Logger, readSize = DEFAULT_READ_SIZE) {
    this.#path = path;
    this.#resumeFrom = resumeFrom;
    this.#logger = logger;
    this.#readSize = Math.max(1, readSize);
  }

  async read(lines: LineBuffer): Promise<number> {
    if (this.#closed) return 0;
    if (this.#fh === undefined && !(await this.#open(lines))) return 0;
    const n = await this.#readAt(lines);
    if (n > 0 || !(await this.#switchedFile(lines))) return n;
    return this.#fh === undefined ? 0 : this.#readAt(lines);
  }

  wait(ms: number, signal: AbortSignal): Promise<WaitOutcome> {
    return this.#wakeup.wait(ms, signal);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#release();
  }

  async #readAt(lines: LineBuffer): Promise<number> {
    const fh = this.#fh!;
    const target = lines.writable(this.#readSize);
    const { bytesRead } = await fh.read(target, 0, target.length, lines.readPosition);
    lines.commit(bytesRead);
    return bytesRead;
  }

  /** Opens the file at `#resumeFrom`; false when it does not exist yet. */
  async #open(lines: LineBuffer): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(this.#path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (!this.#warnedMissing) {
          this.#logger.warn(`Couldn't find file ${this.#path}, waiting for it to be created`, { file: this.#path });
          this.#warnedMissing = true;
        }
        return false;
      }
      throw new ConnectError(`Couldn't open file ${this.#path} for reading: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new ConnectError(
        `${this.#path} is not a regular file; FileStreamSource reads regular files, or standard input when 'file' is empty`,
      );
    }
    let position = this.#resumeFrom;
    if (position > st.size) {
      this.#logger.warn(
        `Committed position ${position} is beyond the end of ${this.#path} (${st.size} bytes): the file was truncated or replaced; reading it from the start`,
        { file: this.#path, position, size: st.size },
      );
      position = 0;
    }
    this.#resumeFrom = 0;
    this.#fh = fh;
    this.#identity = { dev: st.dev, ino: st.ino };
    this.#warnedMissing = false;
    lines.reset(position);
    this.#watch();
    this.#logger.debug(`Opened ${this.#path} for reading at position ${position}`, { file: this.#path, position });
    return true;
  }

  /** At the end of the data: handles truncation and replacement. True when reading restarts elsewhere. */
  async #switchedFile(lines: LineBuffer): Promise<boolean> {
    const fh = this.#fh!;
    const st = await fh.stat();
    if (st.size < lines.readPosition) {
      this.#logger.warn(
        `${this.#path} was truncated to ${st.size} bytes (read up to ${lines.readPosition}); reading it again from the start` +
          droppedNote(lines),
        { file: this.#path, size: st.size },
      );
      lines.reset(0);
      return true;
    }
    let current: { dev: number; ino: number };
    try {
      current = await stat(this.#path);
    } catch {
      return false; // moved away or deleted: keep the open file (writers may still append) until a new one appears
    }
    if (current.ino === this.#identity?.ino && current.dev === this.#identity.dev) return false;
    this.#logger.warn(
      `${this.#path} was replaced by another file; reading the new file from the start${droppedNote(lines)}`,
      {
        file: this.#path,
      },
    );
    await this.#release();
    this.#resumeFrom = 0;
    await this.#open(lines);
    return true;
  }

  #watch(): void {
    try {
      const watcher = watch(this.#path, { persistent: false }, () => this.#wakeup.notify());
      watcher.on('error', () => {
        // Waits fall back to their timeout; the next read still finds new data.
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch {
      this.#watcher = undefined;
    }
  }

  async #release(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    const fh = this.#fh;
    this.#fh = undefined;
    this.#identity = undefined;
    await fh?.close();
  }
}

function droppedNote(lines: LineBuffer): string {
  const pending = lines.pendingBytes;
  return pending > 0 ? ` (dropping an unfinished last line of ${pending} bytes)` : '';
}

/**
 * A stream read as it arrives (standard input). Positions are not tracked: a stream cannot be re-read.
 * When the stream ends, its unfinished last line still counts as a line.
 */
export class StreamInput implements ByteInput {
  readonly #stream: Readable;
  readonly #wakeup = new Wakeup();
  readonly #onReadable = (): void => this.#wakeup.notify();
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#wakeup.notify();
  };
  readonly #onError = (err: Error): void => {
    this.#error = err;
    this.#wakeup.notify();
  };
  #ended = false;
  #error: Error | undefined;

  constructor(stream: Readable) {
    this.#stream = stream;
    stream.on('readable', this.#onReadable);
    stream.on('end', this.#onEnd);
    stream.on('error', this.#onError);
    if (stream.readableEnded) this.#ended = true;
  }

  get ended(): boolean {
    return this.#ended;
  }

  async read(lines: LineBuffer): Promise<number> {
    if (this.#error !== undefined) {
      throw new ConnectError(`Reading standard input failed: ${this.#error.message}`, { cause: this.#error });
    }
    const chunk: unknown = this.#stream.read();
    if (chunk === null) return 0;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
    lines.append(bytes);
    return bytes.length;
  }

  wait(ms: number, signal: AbortSignal): Promise<WaitOutcome> {
    return this.#wakeup.wait(ms, signal);
  }

  async close(): Promise<void> {
    this.#stream.off('readable', this.#onReadable);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('error', this.#onError);
    // Standard input belongs to the process: leave it open (as Kafka does), just stop reading ahead.
    this.#stream.pause();
  }
}
