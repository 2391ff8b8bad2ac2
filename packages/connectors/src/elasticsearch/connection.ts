/**
 * The HTTP side of the sink: plain REST calls with Node's global fetch (no client library, so that
 * Elasticsearch 7, 8 and OpenSearch all answer: no product check, no `compatible-with` media types).
 * Requests go round-robin over `connection.url`; a URL that fails to connect is skipped for a while and
 * the request goes to the next one at once (failover).
 */
import { AbortedError, ConnectError, NotConnectedError, type Password, TimeoutError } from '@tributary/api';

export interface ClientOptions {
  readonly urls: readonly string[];
  readonly username: string | null;
  readonly password: Password | null;
  readonly connectionTimeoutMs: number;
  readonly readTimeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
  /** The base URL that answered. */
  readonly url: string;
}

// How long a URL that refused a connection is passed over (unless every URL is down).
const DOWN_FOR_MS = 2000;

/** Statuses after which the same request may succeed later. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export class ElasticsearchClient {
  readonly #urls: readonly string[];
  readonly #downUntil: number[];
  readonly #authorization: string | null;
  readonly #timeoutMs: number;
  readonly #closed = new AbortController();
  #next = 0;

  constructor(options: ClientOptions) {
    if (options.urls.length === 0) throw new ConnectError('no connection.url');
    this.#urls = options.urls;
    this.#downUntil = options.urls.map(() => 0);
    this.#authorization =
      options.username !== null && options.password !== null
        ? `Basic ${Buffer.from(`${options.username}:${options.password.reveal()}`, 'utf8').toString('base64')}`
        : null;
    // fetch has no separate connect phase to time: the two budgets bound the whole exchange.
    this.#timeoutMs = options.connectionTimeoutMs + options.readTimeoutMs;
  }

  /**
   * Sends one request to the next live URL; on a connection failure tries the other URLs before giving up.
   * Any HTTP status is returned (the caller decides what it means).
   * @throws NotConnectedError when no URL accepted the connection; TimeoutError when no answer came within
   *   connection.timeout.ms + read.timeout.ms; AbortedError after {@link close}.
   */
  async request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<HttpResponse> {
    const failures: string[] = [];
    for (let tried = 0; tried < this.#urls.length; tried++) {
      const i = this.#pick();
      const base = this.#urls[i]!;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = contentType;
      if (this.#authorization !== null) headers.authorization = this.#authorization;
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const signal = AbortSignal.any([timeout, this.#closed.signal]);
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal,
        });
        const text = await response.text();
        this.#downUntil[i] = 0;
        return { status: response.status, text, retryAfter: response.headers.get('retry-after'), url: base };
      } catch (e) {
        if (this.#closed.signal.aborted) throw new AbortedError('Elasticsearch client closed', { cause: e });
        if (timeout.aborted) {
          throw new TimeoutError(`${method} ${base}${path}: no answer within ${this.#timeoutMs} ms`, { cause: e });
        }
        this.#downUntil[i] = Date.now() + DOWN_FOR_MS;
        failures.push(`${base}: ${networkReason(e)}`);
      }
    }
    throw new NotConnectedError(`${method} ${path} failed on every connection.url: ${failures.join('; ')}`);
  }

  /** Aborts every request in flight; later requests fail at once. */
  close(): void {
    this.#closed.abort();
  }

  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  /** Round-robin, passing over URLs marked down unless all are. */
  #pick(): number {
    const now = Date.now();
    for (let k = 0; k < this.#urls.length; k++) {
      const i = (this.#next + k) % this.#urls.length;
      if (this.#downUntil[i]! <= now) {
        this.#next = (i + 1) % this.#urls.length;
        return i;
      }
    }
    const i = this.#next;
    this.#next = (i + 1) % this.#urls.length;
    return i;
  }
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
}
