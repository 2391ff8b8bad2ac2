import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbortedError,
  AlreadyExistsError,
  BackOffError,
  ConfigError,
  ConnectError,
  DataError,
  ErrorCodes,
  errorTrace,
  IllegalStateError,
  isRetriable,
  NotConnectedError,
  NotFoundError,
  RetriableError,
  SchemaError,
  TimeoutError,
  UnsupportedError,
} from './errors.js';

describe('typed errors', () => {
  const cases: [ConnectError, string, boolean][] = [
    [new ConnectError('x'), ErrorCodes.CONNECT, false],
    [new RetriableError('x'), ErrorCodes.RETRIABLE, true],
    [new BackOffError('x', 100), ErrorCodes.BACK_OFF, true],
    [new NotConnectedError('x'), ErrorCodes.NOT_CONNECTED, true],
    [new TimeoutError('x'), ErrorCodes.TIMEOUT, true],
    [new AbortedError(), ErrorCodes.ABORTED, false],
    [new DataError('x'), ErrorCodes.DATA, false],
    [new SchemaError('x'), ErrorCodes.SCHEMA, false],
    [new ConfigError('x'), ErrorCodes.CONFIG, false],
    [new NotFoundError('x'), ErrorCodes.NOT_FOUND, false],
    [new AlreadyExistsError('x'), ErrorCodes.ALREADY_EXISTS, false],
    [new IllegalStateError('x'), ErrorCodes.ILLEGAL_STATE, false],
    [new UnsupportedError('x'), ErrorCodes.UNSUPPORTED, false],
  ];

  it('each class carries its stable code, name and retriable flag', () => {
    for (const [err, code, retriable] of cases) {
      assert.equal(err.code, code, err.name);
      assert.equal(err.retriable, retriable, err.name);
      assert.equal(err.name, err.constructor.name);
      assert.ok(err instanceof ConnectError && err instanceof Error);
      assert.equal(isRetriable(err), retriable);
    }
    const codes = cases.map(([, c]) => c);
    assert.deepEqual(new Set(codes).size, Object.keys(ErrorCodes).length, 'every code has a class');
  });

  it('keeps the cause and renders the chain', () => {
    const root = new Error('socket closed');
    const err = new RetriableError('write failed', { cause: root });
    assert.equal(err.cause, root);
    const trace = errorTrace(err);
    assert.match(trace, /RetriableError: write failed/);
    assert.match(trace, /Caused by: Error: socket closed/);
    assert.equal(errorTrace('plain'), 'plain');
  });

  it('builds Kafka-style config messages from field errors', () => {
    const e = ConfigError.fromFieldErrors({ a: ['bad a'], b: ['bad b', 'worse b'] }, 'Connector configuration');
    assert.equal(
      e.message,
      'Connector configuration is invalid and contains the following 3 error(s):\na: bad a\nb: bad b\nb: worse b',
    );
    assert.deepEqual(e.fieldErrors, { a: ['bad a'], b: ['bad b', 'worse b'] });
  });

  it('DataError carries the path and is never retriable', () => {
    const e = new DataError('x', { path: 'a.b[1]' });
    assert.equal(e.path, 'a.b[1]');
    assert.equal(e.retriable, false);
    assert.equal(isRetriable(new Error('plain')), false);
  });
});
