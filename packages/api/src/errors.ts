/**
 * Typed errors of the connector SDK.
 *
 * Every error Tributary raises on purpose is a {@link ConnectError}: it has a stable string `code`
 * (safe to match on, logged, and mapped to an HTTP status in one table at the REST edge), an optional
 * `cause`, and a `retriable` flag telling the runtime whether retrying the same operation may succeed.
 *
 * Connector authors throw:
 * - {@link RetriableError} for transient trouble (timeouts, connection resets, throttling): the runtime
 *   retries the operation with exponential backoff within `errors.retry.timeout`;
 * - {@link DataError} for one bad record or value (wrong type, unparseable bytes): handled per
 *   `errors.tolerance` (skipped and dead-lettered, or the task fails);
 * - {@link ConfigError} for invalid configuration, with per-field messages;
 * - {@link ConnectError} for anything else that should stop the task with a clear reason.
 */

/** Stable error codes. Never rename one: operators match on them. */
export const ErrorCodes = {
  CONNECT: 'TRIB_CONNECT',
  RETRIABLE: 'TRIB_RETRIABLE',
  DATA: 'TRIB_DATA',
  SCHEMA: 'TRIB_SCHEMA',
  CONFIG: 'TRIB_CONFIG',
  NOT_FOUND: 'TRIB_NOT_FOUND',
  ALREADY_EXISTS: 'TRIB_ALREADY_EXISTS',
  ILLEGAL_STATE: 'TRIB_ILLEGAL_STATE',
  BACK_OFF: 'TRIB_BACK_OFF',
  NOT_CONNECTED: 'TRIB_NOT_CONNECTED',
  UNSUPPORTED: 'TRIB_UNSUPPORTED',
  TIMEOUT: 'TRIB_TIMEOUT',
  ABORTED: 'TRIB_ABORTED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ConnectErrorOptions {
  /** The underlying error, kept for logs and status traces. */
  cause?: unknown;
  /** Overrides the class default: whether retrying the operation may succeed. */
  retriable?: boolean;
}

/** Base of every error Tributary raises on purpose. */
export class ConnectError extends Error {
  /** Stable machine-readable code, one of {@link ErrorCodes}. */
  readonly code: ErrorCode;
  /** True when retrying the same operation may succeed. */
  readonly retriable: boolean;

  constructor(message: string, options: ConnectErrorOptions = {}, code: ErrorCode = ErrorCodes.CONNECT) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A transient failure: the runtime retries the operation with backoff within `errors.retry.timeout`. */
export class RetriableError extends ConnectError {
  constructor(message: string, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: true }, ErrorCodes.RETRIABLE);
  }
}

/** A retriable error that also says how long to wait before the next attempt. */
export class BackOffError extends ConnectError {
  /** Milliseconds to wait before retrying. */
  readonly waitMs: number;
  constructor(message: string, waitMs: number, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: true }, ErrorCodes.BACK_OFF);
    this.waitMs = waitMs;
  }
}

/** The external system is not reachable right now; retriable. */
export class NotConnectedError extends ConnectError {
  constructor(message: string, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: true }, ErrorCodes.NOT_CONNECTED);
  }
}

/** An operation did not finish in time; retriable. */
export class TimeoutError extends ConnectError {
  constructor(message: string, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: true }, ErrorCodes.TIMEOUT);
  }
}

/** An operation was cancelled through its AbortSignal. */
export class AbortedError extends ConnectError {
  constructor(message = 'operation aborted', options: ConnectErrorOptions = {}) {
    super(message, options, ErrorCodes.ABORTED);
  }
}

/**
 * A bad record or value: wrong type, missing required field, unparseable bytes. Never retriable:
 * the same input fails the same way. `path` names the field or position (e.g. `payload.items[3].price`).
 */
export class DataError extends ConnectError {
  /** Where in the value the problem is, if known: dotted field path with `[i]` for array items. */
  readonly path: string | undefined;
  constructor(message: string, options: { cause?: unknown; path?: string } = {}, code: ErrorCode = ErrorCodes.DATA) {
    super(message, { cause: options.cause, retriable: false }, code);
    this.path = options.path;
  }
}

/** A schema that is inconsistent or does not fit the operation (e.g. a field that does not exist). */
export class SchemaError extends DataError {
  constructor(message: string, options: { cause?: unknown; path?: string } = {}) {
    super(message, options, ErrorCodes.SCHEMA);
  }
}

/** Per-field configuration problems: key → messages. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** Invalid configuration. `fieldErrors` maps each offending key to what is wrong with it. */
export class ConfigError extends ConnectError {
  readonly fieldErrors: FieldErrors;
  constructor(message: string, fieldErrors: FieldErrors = {}, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause, retriable: false }, ErrorCodes.CONFIG);
    this.fieldErrors = fieldErrors;
  }

  /** Builds one error listing every field problem, in the style of Kafka Connect's validation message. */
  static fromFieldErrors(fieldErrors: FieldErrors, subject = 'Configuration'): ConfigError {
    const lines = Object.entries(fieldErrors).flatMap(([key, msgs]) => msgs.map((m) => `${key}: ${m}`));
    const message = `${subject} is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}`;
    return new ConfigError(message, fieldErrors);
  }
}

/** A named thing (connector, task, plugin, topic) does not exist. */
export class NotFoundError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options, ErrorCodes.NOT_FOUND);
  }
}

/** A named thing already exists (e.g. creating a connector with a taken name). */
export class AlreadyExistsError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options, ErrorCodes.ALREADY_EXISTS);
  }
}

/** The operation is not allowed in the current state (e.g. altering offsets of a running connector). */
export class IllegalStateError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options, ErrorCodes.ILLEGAL_STATE);
  }
}

/** The operation or value is not supported by this component. */
export class UnsupportedError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options, ErrorCodes.UNSUPPORTED);
  }
}

/** True when `err` is a ConnectError (or any error) that says retrying may succeed. */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

/** Renders an error with its cause chain, for task status traces and logs. */
export function errorTrace(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(parts.length === 0 ? (current.stack ?? String(current)) : `Caused by: ${current.stack ?? current}`);
      current = current.cause;
    } else {
      parts.push(parts.length === 0 ? String(current) : `Caused by: ${String(current)}`);
      break;
    }
  }
  return parts.join('\n');
}
