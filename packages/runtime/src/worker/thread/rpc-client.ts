import type { MessagePort } from 'node:worker_threads';
import { IllegalStateError } from '@tributary/api';
import type { CallMessage, CancelMessage, ReplyMessage } from './protocol.js';
import { fromWireError } from './wire-error.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The thread's side of calls into the main thread: each call gets an id, the main thread answers with a
 * reply of the same id (in any order). Buffers listed in `transfer` move to the main thread.
 */
export class RpcClient {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #closed: Error | null = null;

  constructor(port: MessagePort) {
    this.#port = port;
  }

  /**
   * Calls `method` in the main thread. With a signal, aborting tells the main thread to give up (a poll
   * then answers early); the promise still settles with the main thread's answer.
   */
  call<T>(
    method: string,
    args: readonly unknown[],
    transfer?: readonly ArrayBuffer[],
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    const id = this.#next++;
    const message: CallMessage = { t: 'call', id, method, args };
    return new Promise<T>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      if (signal !== undefined) {
        onAbort = () => this.#port.postMessage({ t: 'cancel', id } satisfies CancelMessage);
        if (signal.aborted) queueMicrotask(onAbort);
        else signal.addEventListener('abort', onAbort, { once: true });
      }
      const done = () => {
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      };
      this.#pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.#port.postMessage(message, transfer as ArrayBuffer[] | undefined);
    });
  }

  /** Settles the call a reply answers. */
  settle(reply: ReplyMessage): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWireError(reply.error!));
  }

  /** Fails every outstanding and later call (the main thread is gone). */
  close(reason = 'the task thread is shutting down'): void {
    this.#closed = new IllegalStateError(reason);
    for (const p of this.#pending.values()) p.reject(this.#closed);
    this.#pending.clear();
  }
}
