import {
  AbortedError,
  AlreadyExistsError,
  BackOffError,
  ConfigError,
  ConnectError,
  DataError,
  ErrorCodes,
  IllegalStateError,
  NotConnectedError,
  NotFoundError,
  RetriableError,
  SchemaError,
  TimeoutError,
  UnsupportedError,
} from '@tributary/api';

/** An error as plain data, for postMessage: structured clone keeps neither classes, `code`, `retriable` nor `cause`. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  readonly retriable: boolean;
  /** Other own enumerable fields that clone (e.g. DataError.path, BackOffError.waitMs, ConfigError.fieldErrors). */
  readonly fields: Record<string, unknown>;
  readonly cause: WireError | null;
}

const CLASS_BY_CODE: Readonly<Record<string, { prototype: object }>> = {
  [ErrorCodes.CONNECT]: ConnectError,
  [ErrorCodes.RETRIABLE]: RetriableError,
  [ErrorCodes.DATA]: DataError,
  [ErrorCodes.SCHEMA]: SchemaError,
  [ErrorCodes.CONFIG]: ConfigError,
  [ErrorCodes.NOT_FOUND]: NotFoundError,
  [ErrorCodes.ALREADY_EXISTS]: AlreadyExistsError,
  [ErrorCodes.ILLEGAL_STATE]: IllegalStateError,
  [ErrorCodes.BACK_OFF]: BackOffError,
  [ErrorCodes.NOT_CONNECTED]: NotConnectedError,
  [ErrorCodes.UNSUPPORTED]: UnsupportedError,
  [ErrorCodes.TIMEOUT]: TimeoutError,
  [ErrorCodes.ABORTED]: AbortedError,
};

const SKIPPED_FIELDS = new Set(['name', 'message', 'stack', 'code', 'retriable', 'cause']);

function cloneable(value: unknown): boolean {
  const t = typeof value;
  if (value === null || t === 'string' || t === 'number' || t === 'boolean') return true;
  if (t !== 'object') return false;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Flattens an error (and its cause chain, up to 8 deep) to plain data. */
export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return {
      name: 'Error',
      message: String(error),
      stack: undefined,
      code: undefined,
      retriable: false,
      fields: {},
      cause: null,
    };
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(error)) if (!SKIPPED_FIELDS.has(k) && cloneable(v)) fields[k] = v;
  const e = error as Error & { code?: unknown; retriable?: unknown };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    code: typeof e.code === 'string' ? e.code : undefined,
    retriable: e.retriable === true,
    fields,
    cause: error.cause === undefined || error.cause === null || depth >= 8 ? null : toWireError(error.cause, depth + 1),
  };
}

/**
 * Rebuilds an error from {@link toWireError}: a ConnectError subclass by its code (so `instanceof` and
 * {@link isRetriable} answer as for the original), with the original message, stack and cause chain.
 */
export function fromWireError(wire: WireError): Error {
  const proto = (wire.code !== undefined ? CLASS_BY_CODE[wire.code]?.prototype : undefined) ?? Error.prototype;
  const error = Object.create(proto) as Error;
  const define = (key: string, value: unknown, enumerable = true) =>
    Object.defineProperty(error, key, { value, enumerable, writable: true, configurable: true });
  define('message', wire.message, false);
  define('name', wire.name);
  if (wire.stack !== undefined) define('stack', wire.stack, false);
  if (wire.code !== undefined) define('code', wire.code);
  if (proto !== Error.prototype || wire.retriable) define('retriable', wire.retriable);
  for (const [k, v] of Object.entries(wire.fields)) define(k, v);
  if (wire.cause !== null) define('cause', fromWireError(wire.cause), false);
  return error;
}
