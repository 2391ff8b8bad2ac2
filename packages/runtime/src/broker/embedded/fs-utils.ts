import {
  closeSync,
  promises as fsp,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IllegalStateError } from '@tributary/api';

/** Makes a directory's entries (created, renamed, deleted files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Synchronous {@link fsyncDir}, for rare metadata operations. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces a file atomically and durably: write a temp file, fsync it, rename it over, fsync the directory. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDirSync(dirname(path));
}

/** Removes a file; a missing file is fine. */
export function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Removes a directory tree; a missing one is fine. */
export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldHere = new Set<string>();

/**
 * Exclusive ownership of a directory by one broker: a `LOCK` file holding the owner's pid. A lock whose
 * process is gone (killed) is taken over; a live one makes {@link DirLock.acquire} throw.
 */
export class DirLock {
  private constructor(
    private readonly dir: string,
    private readonly path: string,
  ) {}

  /** @throws IllegalStateError when another live process, or another broker of this process, holds the directory. */
  static acquire(dir: string): DirLock {
    const key = resolve(dir);
    if (heldHere.has(key)) throw new IllegalStateError(`${dir} is already open by another broker in this process`);
    const path = `${key}/LOCK`;
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        try {
          writeSync(fd, `${process.pid}\n`);
        } finally {
          closeSync(fd);
        }
        heldHere.add(key);
        return new DirLock(key, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
      }
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        // vanished or unreadable: treat as stale
      }
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new IllegalStateError(
          `${dir} is in use by process ${owner} (remove ${path} if that process is not a broker)`,
        );
      }
      unlinkIfExists(path);
    }
  }

  release(): void {
    if (!heldHere.delete(this.dir)) return;
    unlinkIfExists(this.path);
  }
}
