import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '@tributary/api';
import { classifyItem, describeError, parseBulkResponse } from './bulk.js';

describe('bulk responses', () => {
  it('takes "errors":false as success of every item without reading the items', () => {
    const text = '{"took":3,"errors":false,"items":[{"index":{"status":201}},{"delete":{"status":404}}]}';
    assert.deepEqual(
      parseBulkResponse(text, ['index', 'delete']).map((o) => o.kind),
      ['ok', 'ok'],
    );
    // Not even the item count is checked: the cluster said all succeeded.
    assert.deepEqual(
      parseBulkResponse('{"errors":false,"took":1,"items":[]}', ['index']).map((o) => o.kind),
      ['ok'],
    );
  });

  it('classifies each item: ok, retry (429, 5xx, update conflicts), malformed, fatal', () => {
    const items = [
      { index: { _index: 'a', _id: '1', status: 201, result: 'created' } },
      {
        index: {
          _index: 'a',
          _id: '2',
          status: 429,
          error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
        },
      },
      {
        index: {
          _index: 'a',
          _id: '3',
          status: 400,
          error: {
            type: 'mapper_parsing_exception',
            reason: 'failed to parse field [n] of type [long]',
            caused_by: { type: 'illegal_argument_exception', reason: 'For input string: "x"' },
          },
        },
      },
      { delete: { _index: 'a', _id: '4', status: 404, result: 'not_found' } },
      {
        update: {
          _index: 'a',
          _id: '5',
          status: 409,
          error: { type: 'version_conflict_engine_exception', reason: 'conflict' },
        },
      },
      {
        index: {
          _index: 'a',
          _id: '6',
          status: 403,
          error: { type: 'cluster_block_exception', reason: 'index [a] blocked' },
        },
      },
      {
        index: {
          _index: 'a',
          _id: '7',
          status: 503,
          error: { type: 'unavailable_shards_exception', reason: 'primary not active' },
        },
      },
      { index: { _index: 'a', _id: '8', status: 400, error: { type: 'document_parsing_exception', reason: 'bad' } } },
    ];
    const outcomes = parseBulkResponse(JSON.stringify({ took: 1, errors: true, items }), [
      'index',
      'index',
      'index',
      'delete',
      'update',
      'index',
      'index',
      'index',
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['ok', 'retry', 'malformed', 'ok', 'retry', 'fatal', 'retry', 'malformed'],
    );
    const malformed = outcomes[2]!;
    assert.ok(malformed.kind === 'malformed');
    assert.equal(
      malformed.reason,
      'mapper_parsing_exception: failed to parse field [n] of type [long] (caused by illegal_argument_exception: For input string: "x")',
    );
  });

  it('a 404 is only fine for deletes; a conflict is only retried for updates', () => {
    assert.equal(
      classifyItem('index', 404, { type: 'index_not_found_exception', reason: 'no such index' }).kind,
      'fatal',
    );
    assert.equal(classifyItem('index', 409, { type: 'version_conflict_engine_exception' }).kind, 'retry');
    assert.equal(classifyItem('delete', 500, undefined).kind, 'retry');
    assert.equal(describeError(undefined), 'unknown error');
  });

  it('refuses bodies that are not a bulk response for the actions sent', () => {
    assert.throws(() => parseBulkResponse('<html>', ['index']), ConnectError);
    assert.throws(() => parseBulkResponse('{"errors":true,"items":[]}', ['index']), /0 items for 1 actions/);
  });
});
