import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IllegalStateError } from '@tributary/api';

/**
 * An exclusive lock on a worker's data dir (`<dir>/worker.lock` holding the owner's pid), so two
 * processes never write the same logs and stores. A lock left by a dead process (kill -9) is taken over.
 */
export class DataDirLock {
  readonly path: string;
  #held = false;

  private constructor(path: string) {
    this.path = path;
  }

  /** @throws IllegalStateError when a live process holds the lock. */
  static async acquire(dir: string): Promise<DataDirLock> {
    await mkdir(dir, { recursive: true });
    const lock = new DataDirLock(join(dir, 'worker.lock'));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const file = await open(lock.path, 'wx');
        await file.writeFile(String(process.pid));
        await file.close();
        lock.#held = true;
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number.parseInt(await readFile(lock.path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new IllegalStateError(
          `data dir ${dir} is in use by another worker (pid ${owner}); stop it or choose another data.dir`,
        );
      }
      // Stale lock of a dead process (or unreadable): remove and retry.
      await rm(lock.path, { force: true });
    }
    throw new IllegalStateError(`could not lock data dir ${dir}`);
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await rm(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
