import {
  ConnectError,
  DataError,
  IllegalStateError,
  NotConnectedError,
  NotFoundError,
  TimeoutError,
} from '@tributary/api';
import {
  BrokerError,
  ClientClosedError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  RequestTimeoutError,
  RocketMQError,
  TopicNotFoundError,
} from '@tributary/rocketmq';

/** RocketMQ's MESSAGE_ILLEGAL: the broker refused the message itself (size, properties). */
const MESSAGE_ILLEGAL = 13;

/**
 * The runtime's typed error for a failure of the RocketMQ client, keeping it as `cause`: connection
 * trouble → NotConnectedError, timeouts → TimeoutError (both retriable), a refused message or argument →
 * DataError, a closed client → IllegalStateError, an unknown topic → NotFoundError (retriable: it may be
 * being created), anything else → ConnectError with the client's `retriable` flag.
 */
export function toConnectError(err: unknown, what: string): Error {
  if (err instanceof ConnectError) return err;
  if (!(err instanceof RocketMQError)) {
    return new ConnectError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const message = `${what}: ${err.message}`;
  if (err instanceof InvalidArgumentError) return new DataError(message, { cause: err });
  if (err instanceof BrokerError && err.responseCode === MESSAGE_ILLEGAL) return new DataError(message, { cause: err });
  if (err instanceof ClientClosedError) return new IllegalStateError(message, { cause: err });
  if (err instanceof ConnectionFailedError || err instanceof ConnectionClosedError) {
    return new NotConnectedError(message, { cause: err });
  }
  if (err instanceof RequestTimeoutError) return new TimeoutError(message, { cause: err });
  if (err instanceof TopicNotFoundError) return new NotFoundError(message, { cause: err, retriable: true });
  return new ConnectError(message, { cause: err, retriable: err.retriable });
}
