import { ConnectError, type ErrorCode, ErrorCodes } from '@tributary/api';

/** Kafka Connect's error body: `{"error_code": <HTTP status>, "message": "..."}`. */
export interface ErrorBody {
  readonly error_code: number;
  readonly message: string;
}

/**
 * The one table from ConnectError codes to HTTP status. Codes not listed (connection trouble, aborted
 * operations, plain ConnectErrors) are server errors: 500.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = Object.freeze({
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.ALREADY_EXISTS]: 409,
  [ErrorCodes.CONFIG]: 400,
  // Kafka: 400 for a state the client must change first (offsets of a running connector); a retriable
  // IllegalStateError (a conflicting operation in progress, e.g. a rebalance) is 409: retry later.
  [ErrorCodes.ILLEGAL_STATE]: 400,
  [ErrorCodes.DATA]: 400,
  [ErrorCodes.SCHEMA]: 400,
  [ErrorCodes.TIMEOUT]: 500,
});

/** An error raised by the REST layer itself (bad request shape, auth, unknown route), with its status. */
export class RestError extends Error {
  readonly status: number;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Allow`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'RestError';
    this.status = status;
    this.headers = headers;
  }
}

/** The HTTP status of a ConnectError per {@link HTTP_STATUS_BY_CODE}. */
export function statusOfConnectError(error: ConnectError): number {
  if (error.code === ErrorCodes.ILLEGAL_STATE && error.retriable) return 409;
  return HTTP_STATUS_BY_CODE[error.code] ?? 500;
}

/** Fastify's own client errors, reworded to say what to fix. */
const FASTIFY_MESSAGES: Readonly<Record<string, (request: RequestFacts) => string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (r) =>
    `Unsupported Content-Type${r.contentType === undefined ? '' : ` '${r.contentType}'`}: send request bodies as JSON with 'Content-Type: application/json'`,
  FST_ERR_CTP_BODY_TOO_LARGE: (r) =>
    `Request body is larger than ${r.maxBodyBytes} bytes (the worker's rest.max.body.bytes); send a smaller body or raise the limit`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'Request body size did not match Content-Length',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'Request body is empty but Content-Type is application/json: send a JSON body',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'Request body is not valid JSON',
};

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
}

/** What the error messages may say about the request. */
export interface RequestFacts {
  readonly maxBodyBytes?: number;
  readonly contentType?: string | undefined;
}

/**
 * Maps anything thrown while serving a request to a status and Kafka's error body. ConnectErrors go
 * through the code table; REST errors carry their status; fastify's client errors keep theirs with a
 * message that says what to fix; everything else is a 500.
 */
export function toHttpError(
  error: unknown,
  request: RequestFacts = {},
): { status: number; body: ErrorBody; headers: Readonly<Record<string, string>> } {
  if (error instanceof RestError) return result(error.status, error.message, error.headers);
  if (error instanceof ConnectError) return result(statusOfConnectError(error), error.message);
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const reword = e.code === undefined ? undefined : FASTIFY_MESSAGES[e.code];
    return result(e.statusCode, reword?.(request) ?? e.message ?? 'Bad request');
  }
  const message = error instanceof Error ? error.message : String(error);
  return result(500, message === '' ? 'Internal server error' : message);
}

function result(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
  return { status, body: { error_code: status, message }, headers };
}
