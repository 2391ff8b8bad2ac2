import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BrokerError,
  ClientClosedError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  isRetriableResponseCode,
  NoRouteError,
  ProtocolError,
  RequestTimeoutError,
  ROCKETMQ_ERROR_CODES,
  RocketMQError,
  TopicNotFoundError,
} from './errors.js';

test('each error class has its stable code and retriable flag', () => {
  const cases: [RocketMQError, string, boolean][] = [
    [new ConnectionFailedError('x'), 'ROCKETMQ_CONNECTION_FAILED', true],
    [new ConnectionClosedError('x'), 'ROCKETMQ_CONNECTION_CLOSED', true],
    [new RequestTimeoutError('x'), 'ROCKETMQ_TIMEOUT', true],
    [new BrokerError('x', { responseCode: 2, remark: 'busy' }), 'ROCKETMQ_BROKER_ERROR', true],
    [new BrokerError('x', { responseCode: 13 }), 'ROCKETMQ_BROKER_ERROR', false],
    [new TopicNotFoundError('t'), 'ROCKETMQ_TOPIC_NOT_FOUND', true],
    [new NoRouteError('x'), 'ROCKETMQ_NO_ROUTE', true],
    [new ProtocolError('x'), 'ROCKETMQ_PROTOCOL_ERROR', false],
    [new ClientClosedError(), 'ROCKETMQ_CLIENT_CLOSED', false],
    [new InvalidArgumentError('x'), 'ROCKETMQ_INVALID_ARGUMENT', false],
  ];
  const seen = new Set<string>();
  for (const [err, code, retriable] of cases) {
    assert.ok(err instanceof RocketMQError && err instanceof Error);
    assert.equal(err.code, code);
    assert.equal(err.retriable, retriable, code);
    assert.equal(err.name, err.constructor.name);
    assert.ok((ROCKETMQ_ERROR_CODES as readonly string[]).includes(err.code));
    seen.add(err.code);
  }
  assert.equal(seen.size, ROCKETMQ_ERROR_CODES.length, 'every code has a class');
});

test('broker errors keep response code, remark and cause', () => {
  const cause = new Error('root');
  const err = new BrokerError('send failed', {
    responseCode: 17,
    remark: 'topic not exist',
    requestCode: 310,
    cause,
    address: 'h:1',
  });
  assert.equal(err.responseCode, 17);
  assert.equal(err.remark, 'topic not exist');
  assert.equal(err.requestCode, 310);
  assert.equal(err.address, 'h:1');
  assert.equal(err.cause, cause);
});

test('retriable response codes follow the Java producer', () => {
  for (const c of [1, 2, 14, 16, 17, 215]) assert.equal(isRetriableResponseCode(c), true, String(c));
  for (const c of [0, 13, 19, 21, 24, 26, 29]) assert.equal(isRetriableResponseCode(c), false, String(c));
});
