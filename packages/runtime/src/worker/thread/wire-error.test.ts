import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BackOffError,
  ConfigError,
  ConnectError,
  DataError,
  ErrorCodes,
  errorTrace,
  isRetriable,
  NotFoundError,
  RetriableError,
} from '@tributary/api';
import { fromWireError, toWireError } from './wire-error.js';

/** Through the wire and a structured clone, as postMessage does. */
const roundTrip = (e: unknown) => fromWireError(structuredClone(toWireError(e)));

describe('errors between task threads and the main thread', () => {
  it('keeps the class, code, retriable flag, message and stack of ConnectErrors', () => {
    const original = new RetriableError('broker busy');
    const back = roundTrip(original);
    assert.ok(back instanceof RetriableError);
    assert.ok(back instanceof ConnectError);
    assert.equal(isRetriable(back), true);
    assert.equal((back as ConnectError).code, ErrorCodes.RETRIABLE);
    assert.equal(back.message, 'broker busy');
    assert.equal(back.name, 'RetriableError');
    assert.equal(back.stack, original.stack);

    const notFound = roundTrip(new NotFoundError('topic x does not exist'));
    assert.ok(notFound instanceof NotFoundError);
    assert.equal(isRetriable(notFound), false);
  });

  it('keeps subclass fields and a retriable override', () => {
    const data = roundTrip(new DataError('bad field', { path: 'payload.a[3]' }));
    assert.ok(data instanceof DataError);
    assert.equal((data as DataError).path, 'payload.a[3]');
    const backOff = roundTrip(new BackOffError('slow down', 250));
    assert.equal((backOff as BackOffError).waitMs, 250);
    assert.equal(isRetriable(backOff), true);
    const config = roundTrip(new ConfigError('bad', { topic: ['is empty'] }));
    assert.deepEqual((config as ConfigError).fieldErrors, { topic: ['is empty'] });
    assert.equal(isRetriable(roundTrip(new ConnectError('transient', { retriable: true }))), true);
  });

  it('keeps the cause chain for traces', () => {
    const root = new Error('ENOSPC: no space left on device');
    const back = roundTrip(new ConnectError('embedded broker write failed', { cause: root }));
    assert.equal((back.cause as Error).message, root.message);
    assert.match(errorTrace(back), /embedded broker write failed[\s\S]*Caused by: Error: ENOSPC/);
  });

  it('turns plain errors and thrown non-errors into errors', () => {
    const plain = roundTrip(new TypeError('x is not a function'));
    assert.ok(plain instanceof Error);
    assert.equal(plain.name, 'TypeError');
    assert.equal(isRetriable(plain), false);
    assert.equal(roundTrip('a string').message, 'a string');
  });
});
