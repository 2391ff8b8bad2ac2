import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AlreadyExistsError,
  ConfigError,
  ConnectError,
  DataError,
  ErrorCodes,
  IllegalStateError,
  NotConnectedError,
  NotFoundError,
  SchemaError,
  TimeoutError,
} from '@tributary/api';
import { HTTP_STATUS_BY_CODE, RestError, toHttpError } from './errors.js';

describe('REST error table', () => {
  it('maps each ConnectError class to its HTTP status and Kafka body', () => {
    const cases: [Error, number][] = [
      [new NotFoundError('Connector x not found'), 404],
      [new AlreadyExistsError('Connector x already exists'), 409],
      [new ConfigError('bad'), 400],
      [new IllegalStateError('stop it first'), 400],
      [new IllegalStateError('rebalance in progress', { retriable: true }), 409],
      [new TimeoutError('took too long'), 500],
      [new DataError('bad value'), 400],
      [new SchemaError('bad schema'), 400],
      [new NotConnectedError('down'), 500],
      [new ConnectError('boom'), 500],
      [new Error('unexpected'), 500],
    ];
    for (const [error, status] of cases) {
      const r = toHttpError(error);
      assert.equal(r.status, status, error.name);
      assert.deepEqual(r.body, { error_code: status, message: error.message });
    }
  });

  it('lists only known codes', () => {
    const known = new Set<string>(Object.values(ErrorCodes));
    for (const code of Object.keys(HTTP_STATUS_BY_CODE)) assert.ok(known.has(code), code);
  });

  it('keeps a RestError status and headers', () => {
    const r = toHttpError(new RestError(401, 'no', { 'WWW-Authenticate': 'Bearer' }));
    assert.equal(r.status, 401);
    assert.deepEqual(r.headers, { 'WWW-Authenticate': 'Bearer' });
  });

  it("rewords fastify's client errors", () => {
    const tooLarge = toHttpError(
      Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      { maxBodyBytes: 4096 },
    );
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.body.message, /4096 bytes.*rest\.max\.body\.bytes/);
    const media = toHttpError(
      Object.assign(new Error('Unsupported Media Type: text/plain'), {
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        statusCode: 415,
      }),
      { contentType: 'text/plain' },
    );
    assert.equal(media.status, 415);
    assert.match(media.body.message, /'text\/plain'.*application\/json/);
  });
});
