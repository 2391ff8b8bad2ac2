/**
 * Typed errors of the RocketMQ client. Every error has a stable string `code` (one of
 * {@link ROCKETMQ_ERROR_CODES}), a `retriable` flag (true when the same call may succeed if retried later,
 * possibly on another connection), an optional `cause`, and — when the broker or name server answered —
 * its numeric `responseCode` and `remark`.
 */

export const ROCKETMQ_ERROR_CODES = [
  'ROCKETMQ_CONNECTION_FAILED',
  'ROCKETMQ_CONNECTION_CLOSED',
  'ROCKETMQ_TIMEOUT',
  'ROCKETMQ_BROKER_ERROR',
  'ROCKETMQ_TOPIC_NOT_FOUND',
  'ROCKETMQ_NO_ROUTE',
  'ROCKETMQ_PROTOCOL_ERROR',
  'ROCKETMQ_CLIENT_CLOSED',
  'ROCKETMQ_INVALID_ARGUMENT',
] as const;

export type RocketMQErrorCode = (typeof ROCKETMQ_ERROR_CODES)[number];

export interface RocketMQErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  responseCode?: number;
  remark?: string | null;
  requestCode?: number;
  address?: string;
}

/** Base class of every error thrown by this package. */
export class RocketMQError extends Error {
  readonly code: RocketMQErrorCode;
  readonly retriable: boolean;
  /** The broker's or name server's response code, when it answered. */
  readonly responseCode: number | undefined;
  /** The broker's or name server's remark (its error text), when it answered. */
  readonly remark: string | undefined;
  /** The request code of the call that failed, when there was one. */
  readonly requestCode: number | undefined;
  /** `host:port` of the server involved, when known. */
  readonly address: string | undefined;

  constructor(code: RocketMQErrorCode, message: string, options: RocketMQErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.responseCode = options.responseCode;
    this.remark = options.remark ?? undefined;
    this.requestCode = options.requestCode;
    this.address = options.address;
  }
}

/** A TCP connection could not be opened (refused, unreachable, DNS). Retriable. */
export class ConnectionFailedError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_CONNECTION_FAILED', message, { retriable: true, ...options });
  }
}

/** The connection closed while the request was pending (or before it could be written). Retriable. */
export class ConnectionClosedError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_CONNECTION_CLOSED', message, { retriable: true, ...options });
  }
}

/** No response within the request's timeout. Retriable: the request may or may not have been applied. */
export class RequestTimeoutError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_TIMEOUT', message, { retriable: true, ...options });
  }
}

/** The server answered with a non-success response code; `responseCode` and `remark` say which. */
export class BrokerError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions & { responseCode: number }) {
    super('ROCKETMQ_BROKER_ERROR', message, { retriable: isRetriableResponseCode(options.responseCode), ...options });
  }
}

/** The name server knows no route for the topic (response code 17). Retriable: the topic may be created. */
export class TopicNotFoundError extends RocketMQError {
  readonly topic: string;
  constructor(topic: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_TOPIC_NOT_FOUND', `topic '${topic}' not found`, { retriable: true, ...options });
    this.topic = topic;
  }
}

/** The route exists but has no broker/queue usable for the operation (no writable queue, no master). */
export class NoRouteError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_NO_ROUTE', message, { retriable: true, ...options });
  }
}

/** Bytes that do not follow the wire format. Not retriable. */
export class ProtocolError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_PROTOCOL_ERROR', message, { retriable: false, ...options });
  }
}

/** The client (or connection) was closed by its owner; pending and later calls fail with this. */
export class ClientClosedError extends RocketMQError {
  constructor(message = 'client closed', options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_CLIENT_CLOSED', message, { retriable: false, ...options });
  }
}

/** The caller passed something invalid (empty body, bad queue id, oversize properties, ...). */
export class InvalidArgumentError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ROCKETMQ_INVALID_ARGUMENT', message, { retriable: false, ...options });
  }
}

/**
 * Broker/name-server response codes after which the same request may succeed later: system error or busy,
 * flush/slave timeouts, service not available (e.g. broker shutting down), topic not (yet) existing, no
 * permission (a broker being restarted may briefly refuse writes), flow control, pull retry.
 * Mirrors the Java producer's retry list.
 */
export function isRetriableResponseCode(code: number): boolean {
  switch (code) {
    case 1: // SYSTEM_ERROR
    case 2: // SYSTEM_BUSY
    case 10: // FLUSH_DISK_TIMEOUT
    case 11: // SLAVE_NOT_AVAILABLE
    case 12: // FLUSH_SLAVE_TIMEOUT
    case 14: // SERVICE_NOT_AVAILABLE
    case 16: // NO_PERMISSION
    case 17: // TOPIC_NOT_EXIST
    case 20: // PULL_RETRY_IMMEDIATELY
    case 215: // FLOW_CONTROL
      return true;
    default:
      return false;
  }
}
