import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A JSON document on disk, replaced atomically: written to a temp file, fsynced, renamed over the old one,
 * and the directory fsynced. A crash leaves either the old or the new document, never a torn one.
 * Writes are serialized and coalesced: while one write runs, later requests collapse into one.
 */
export class AtomicJsonFile<T> {
  readonly path: string;
  #writing: Promise<void> | null = null;
  #pending: { value: T; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /** The stored document, or `fallback` when the file does not exist. */
  async read(fallback: T): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw new Error(`cannot read ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Replaces the document; resolves when it (or a newer value) is durable. */
  write(value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending === null) this.#pending = { value, waiters: [] };
      this.#pending.value = value;
      this.#pending.waiters.push({ resolve, reject });
      if (this.#writing === null) this.#writing = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending !== null) {
      const batch = this.#pending;
      this.#pending = null;
      try {
        await writeAtomically(this.path, `${JSON.stringify(batch.value, null, 2)}\n`);
        for (const w of batch.waiters) w.resolve();
      } catch (e) {
        for (const w of batch.waiters) w.reject(e);
      }
    }
    this.#writing = null;
  }
}

/** Writes `text` to `path` atomically (temp + fsync + rename + directory fsync). */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
