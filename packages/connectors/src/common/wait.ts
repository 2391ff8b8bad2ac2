// setTimeout fires at once for delays above 2^31-1 ms; longer waits are capped (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a wait ended. */
export type WaitOutcome = 'notified' | 'timeout' | 'aborted';

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts; never rejects.
 * @returns 'timeout' when the time elapsed, 'aborted' when the signal ended the wait.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<'timeout' | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve('aborted');
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve('timeout');
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A wake-up flag between an event source (a file watcher, a stream) and one waiter. A notification that
 * arrives while nobody waits is remembered, so the next wait returns at once instead of missing it.
 */
export class Wakeup {
  #pending = false;
  #waiter: ((outcome: WaitOutcome) => void) | undefined;

  /** Wakes the current waiter, or the next one. */
  notify(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) {
      this.#pending = true;
      return;
    }
    this.#waiter = undefined;
    waiter('notified');
  }

  /** Forgets a notification nobody waited for. */
  clear(): void {
    this.#pending = false;
  }

  /** Waits for a notification, at most `ms` milliseconds, or until `signal` aborts. Never rejects. */
  wait(ms: number, signal: AbortSignal): Promise<WaitOutcome> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const finish = (outcome: WaitOutcome): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.#waiter === finish) this.#waiter = undefined;
        resolve(outcome);
      };
      const onAbort = (): void => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), Math.min(ms, MAX_TIMER_MS));
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = finish;
    });
  }
}
