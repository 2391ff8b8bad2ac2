/** Exit codes, as in `cli/main.ts` (kept here too so the client does not import the program). */
const EXIT = { FAILURE: 1, USAGE: 2, NOT_FOUND: 3 } as const;

/** Default worker URL (Kafka Connect's port). */
export const DEFAULT_URL = 'http://127.0.0.1:8083';
const TIMEOUT_MS = 60_000;

/** An error the CLI prints as `tributary: <message>` and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A worker's answer: status and parsed JSON body (text for non-JSON answers, null when empty). */
export interface RestAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/**
 * A small client of the worker's REST API over Node's fetch. Non-2xx answers become {@link CliError}s
 * with the worker's message and an exit code: 404 → 3 (not found), 400 → 2 (invalid input), others → 1;
 * an unreachable worker → 1.
 */
export class RestClient {
  readonly url: string;
  readonly #token: string | undefined;

  constructor(url: string, token?: string) {
    this.url = url.replace(/\/+$/, '');
    this.#token = token === '' ? undefined : token;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<RestAnswer<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#token !== undefined) headers.Authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new CliError(
        `cannot reach the worker at ${this.url} (${why}); is it running? Set --url or TRIBUTARY_URL`,
        EXIT.FAILURE,
      );
    }
    const text = await response.text();
    let parsed: unknown = text === '' ? null : text;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string'
          ? (parsed as { message: string }).message
          : `${response.status} ${response.statusText}`;
      const code = response.status === 404 ? EXIT.NOT_FOUND : response.status === 400 ? EXIT.USAGE : EXIT.FAILURE;
      throw new CliError(`${message} (HTTP ${response.status})`, code);
    }
    return { status: response.status, body: parsed as T };
  }
}

/** `/connectors/<name>` with the name escaped. */
export function connectorPath(name: string, rest = ''): string {
  return `/connectors/${encodeURIComponent(name)}${rest}`;
}
