import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import {
  fromRocketMQTopic,
  isRocketMQSystemTopic,
  rocketmqTopicNameProblem,
  toRocketMQGroup,
  toRocketMQTopic,
} from './topic-names.js';

/** RocketMQ 5.3.3's TopicValidator: ^[%|a-zA-Z0-9_-]+$, at most 127 characters. */
const validForRocketMQ = (s: string): boolean => /^[%|a-zA-Z0-9_-]{1,127}$/.test(s);

describe('RocketMQ topic names', () => {
  it('writes dots as -- and leaves every other valid name unchanged', () => {
    assert.equal(toRocketMQTopic('mysql.inventory.orders'), 'mysql--inventory--orders');
    assert.equal(toRocketMQTopic('dbserver1.inventory.order_items'), 'dbserver1--inventory--order_items');
    assert.equal(toRocketMQTopic('a..b'), 'a----b');
    assert.equal(toRocketMQTopic('.hidden'), '--hidden');
    for (const same of ['orders', 'order_items', 'poison-dlq', 'TopicTest', '_x', '-x', 'x-', 'a-b_c-d']) {
      assert.equal(toRocketMQTopic(same), same);
    }
  });

  it('decodes what it encodes, and every encoded name is a valid RocketMQ topic without % or |', () => {
    const names = [
      'mysql.inventory.orders',
      'a.b_c',
      'a_b.c',
      'x',
      'a..b',
      '.a',
      'a.',
      'my-app.db.tbl',
      'A-1.b-2.c_3',
      'x'.repeat(127),
      `${'ab.'.repeat(25)}z`,
    ];
    for (const name of names) {
      const native = toRocketMQTopic(name);
      assert.ok(validForRocketMQ(native) && !/[%|]/.test(native), `${name} → ${native}`);
      assert.equal(fromRocketMQTopic(native), name, native);
    }
    // Distinct names stay distinct, including the ones a plain '.' → '_' mapping would merge.
    const mapped = new Set(['a.b_c', 'a_b.c', 'a_b_c', 'a.b.c', 'a-b.c'].map(toRocketMQTopic));
    assert.equal(mapped.size, 5);
  });

  it('refuses names that would be ambiguous, too long, not Kafka-style, or RocketMQ system topics', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['.', /'\.' or '\.\.'/],
      ['..', /'\.' or '\.\.'/],
      ['a b', /letters, digits/],
      ['a/b', /letters, digits/],
      ['a%b', /letters, digits/],
      ['a|b', /letters, digits/],
      ['ünï', /letters, digits/],
      ['a--b', /ambiguous/],
      ['a-.b', /ambiguous/],
      ['a.-b', /ambiguous/],
      ['x'.repeat(128), /more than RocketMQ's 127/],
      [`${'a.'.repeat(43)}a`, /more than RocketMQ's 127/],
      ['x'.repeat(250), /longer than 249/],
      ['TBW102', /system topic/],
      ['SCHEDULE_TOPIC_XXXX', /system topic/],
      ['rmq_sys_anything', /system topic/],
    ];
    for (const [name, reason] of bad) {
      assert.match(rocketmqTopicNameProblem(name) ?? 'accepted', reason, JSON.stringify(name));
      assert.throws(() => toRocketMQTopic(name), ConfigError);
    }
  });

  it('reads foreign and system RocketMQ names as not-Connect topics', () => {
    assert.equal(fromRocketMQTopic('TopicTest'), 'TopicTest');
    assert.equal(fromRocketMQTopic('a--b--c'), 'a.b.c');
    for (const native of [
      '%RETRY%group',
      '%DLQ%group',
      'NS%topic',
      '%LMQ%x',
      'a|b',
      'a---b',
      'a-----b',
      '--',
      '----',
    ]) {
      assert.equal(fromRocketMQTopic(native), null, native);
    }
    for (const native of ['TBW102', 'RMQ_SYS_TRACE_TOPIC', 'rmq_sys_wheel_timer', 'OFFSET_MOVED_EVENT']) {
      assert.ok(isRocketMQSystemTopic(native));
      assert.equal(fromRocketMQTopic(native), null, native);
    }
    assert.equal(isRocketMQSystemTopic('orders'), false);
  });
});

describe('RocketMQ group names', () => {
  it('maps Kafka-style group names like topics and anything else to a readable name plus a hash', () => {
    assert.equal(toRocketMQGroup('connect-orders-sink'), 'connect-orders-sink');
    assert.equal(toRocketMQGroup('connect-mysql.sink'), 'connect-mysql--sink');
    const odd = ['connect-my sink', 'connect-ünï', 'connect-a/b', 'connect-a--b', '', 'x'.repeat(300)];
    const mapped = odd.map(toRocketMQGroup);
    for (const g of mapped) {
      assert.match(g, /^[A-Za-z0-9_]*---[0-9a-f]{16}$/);
      assert.ok(g.length <= 255);
    }
    assert.equal(mapped[0], toRocketMQGroup('connect-my sink'), 'deterministic');
    assert.equal(new Set(mapped).size, odd.length);
    assert.notEqual(toRocketMQGroup('connect-my sink'), toRocketMQGroup('connect-my_sink'));
  });
});
