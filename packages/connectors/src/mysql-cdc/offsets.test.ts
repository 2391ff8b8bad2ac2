import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError, type JsonMap } from '@tributary/api';
import {
  type CdcOffset,
  decodeKeyValue,
  decodeOffset,
  decodeSchemas,
  encodeKeyValue,
  encodeOffset,
  encodeSchemas,
  MariaGtidPosition,
  offsetProblems,
} from './offsets.js';
import type { TableInfo } from './schema-mapper.js';

const TABLE: TableInfo = {
  db: 'shop',
  table: 'orders',
  columns: [
    { name: 'id', columnType: 'int(11)', nullable: false, pkSeq: 1, charset: null, json: false },
    { name: 'doc', columnType: 'longtext', nullable: true, pkSeq: 0, charset: 'utf8mb4', json: true },
  ],
};

describe('offsets', () => {
  it('round-trips a streaming offset through JSON', () => {
    const o: CdcOffset = {
      position: { file: 'mariadb-bin.000003', pos: 1234, gtids: '0-1-42' },
      event: 2,
      row: 17,
      tsSec: 1_700_000_000,
      serverId: 1,
      snapshot: null,
      schemas: encodeSchemas([TABLE]),
    };
    const json = JSON.parse(JSON.stringify(encodeOffset(o)));
    assert.equal(json.snapshot, undefined);
    assert.deepEqual(decodeOffset(json), o);
  });

  it('round-trips a snapshot offset with its progress', () => {
    const o: CdcOffset = {
      position: { file: 'f.000001', pos: 4, gtids: null },
      event: 0,
      row: 0,
      tsSec: 1,
      serverId: 1,
      snapshot: { table: 'shop.orders', key: [5, { hex: '00ff' }], rows: 5, total: 105 },
      schemas: null,
    };
    const json = JSON.parse(JSON.stringify(encodeOffset(o)));
    assert.equal(json.snapshot, true);
    assert.deepEqual(decodeOffset(json), o);
  });

  it('rejects malformed offsets with the field and the fix', () => {
    const bads: JsonMap[] = [
      { pos: 4 },
      { file: 'f', pos: -1 },
      { file: 'f', pos: 4, row: 'x' },
      { file: 'f', pos: 4, schemas: [] },
    ];
    for (const bad of bads) {
      assert.throws(
        () => decodeOffset(bad),
        (e: unknown) => e instanceof ConnectError && /malformed/.test(e.message) && /offsets/.test(e.message),
      );
      assert.equal(offsetProblems(bad).length, 1);
    }
    assert.deepEqual(offsetProblems({ file: 'f', pos: 4 }), []);
  });

  it('encodes primary key values as JSON and back as query parameters', () => {
    assert.equal(encodeKeyValue(5), 5);
    assert.equal(encodeKeyValue('9007199254740993'), '9007199254740993');
    assert.equal(encodeKeyValue(12n), '12');
    assert.deepEqual(encodeKeyValue(Buffer.from([0, 255])), { hex: '00ff' });
    assert.deepEqual(decodeKeyValue({ hex: '00ff' }), Buffer.from([0, 255]));
    assert.equal(decodeKeyValue('x'), 'x');
  });

  it('keeps table structures compact and restores them', () => {
    const encoded = encodeSchemas([TABLE]);
    assert.deepEqual(encoded, {
      'shop.orders': [
        ['id', 'int(11)', 0, 1, null, 0],
        ['doc', 'longtext', 1, 0, 'utf8mb4', 1],
      ],
    });
    assert.deepEqual(decodeSchemas(encoded).get('shop.orders'), TABLE);
    assert.equal(decodeSchemas({ 'bad-id': [], 'a.b': [['x']] }).size, 0);
  });
});

describe('MariaGtidPosition', () => {
  it('parses, advances and prints a position per domain', () => {
    const p = MariaGtidPosition.parse('1-2-10,0-1-5');
    p.add('0-1-6').add('2-3-1');
    assert.equal(p.toString(), '0-1-6,1-2-10,2-3-1');
    assert.equal(MariaGtidPosition.parse('').isEmpty, true);
    assert.throws(() => MariaGtidPosition.parse('0-1'), ConnectError);
  });

  it('tells whether the oldest binlog still holds everything after a position', () => {
    const oldest = MariaGtidPosition.parse('0-1-100');
    assert.equal(MariaGtidPosition.parse('0-1-100').readableFrom(oldest), true);
    assert.equal(MariaGtidPosition.parse('0-1-150').readableFrom(oldest), true);
    assert.equal(MariaGtidPosition.parse('0-1-99').readableFrom(oldest), false);
    assert.equal(MariaGtidPosition.parse('1-1-5').readableFrom(oldest), false, 'domain 0 events were purged');
    assert.equal(MariaGtidPosition.parse('0-1-5').readableFrom(MariaGtidPosition.parse('')), true);
  });
});
