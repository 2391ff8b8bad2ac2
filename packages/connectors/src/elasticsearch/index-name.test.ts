import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError } from '@tributary/api';
import { IndexNames, indexNameForTopic } from './index-name.js';

describe('index names', () => {
  it('lower-cases topics and keeps the characters topics usually have', () => {
    assert.equal(indexNameForTopic('Orders'), 'orders');
    assert.equal(indexNameForTopic('dbserver1.inventory.customers'), 'dbserver1.inventory.customers');
    assert.equal(indexNameForTopic('a-b_c%d'), 'a-b_c%d');
  });

  it('replaces what Elasticsearch forbids and drops leading - _ +', () => {
    assert.equal(indexNameForTopic('a\\b/c*d?e"f<g>h|i j,k#l:m'), 'a_b_c_d_e_f_g_h_i_j_k_l_m');
    assert.equal(indexNameForTopic('_internal'), 'internal');
    assert.equal(indexNameForTopic('-+_x'), 'x');
    assert.equal(indexNameForTopic('.hidden'), '.hidden');
  });

  it('cuts names to 255 UTF-8 bytes without splitting a character', () => {
    assert.equal(indexNameForTopic('a'.repeat(300)), 'a'.repeat(255));
    const cut = indexNameForTopic(`a${'é'.repeat(200)}`);
    assert.ok(Buffer.byteLength(cut) <= 255);
    assert.equal(cut, `a${'é'.repeat(127)}`);
  });

  it('refuses topics that leave no name', () => {
    for (const topic of ['_', '__', '.', '..', '-']) {
      assert.throws(() => indexNameForTopic(topic), DataError, topic);
    }
  });

  it('takes topic.index.map first and checks its names', () => {
    const names = new IndexNames(['Orders:orders-v2', 'ns:topic:weird']);
    assert.equal(names.forTopic('Orders'), 'orders-v2');
    assert.equal(names.forTopic('ns:topic'), 'weird');
    assert.equal(names.forTopic('Other'), 'other');
    assert.throws(() => new IndexNames(['t:Bad']), ConfigError);
  });
});
