import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from './errors.js';
import { buildTopicRoute, parseNameServerAddresses } from './name-server.js';

test('route: writable/readable queues per permission, brokers without master skipped, sorted by broker', () => {
  const route = buildTopicRoute('T', {
    queueDatas: [
      { brokerName: 'b', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'a', readQueueNums: 3, writeQueueNums: 1, perm: 6, topicSysFlag: 0 },
      { brokerName: 'c', readQueueNums: 1, writeQueueNums: 1, perm: 4, topicSysFlag: 0 },
      { brokerName: 'd', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'C', brokerName: 'a', brokerAddrs: { '0': 'h:1', '1': 'h:2' } },
      { cluster: 'C', brokerName: 'b', brokerAddrs: { '0': 'h:3' } },
      { cluster: 'C', brokerName: 'c', brokerAddrs: { '0': 'h:4' } },
      { cluster: 'C', brokerName: 'd', brokerAddrs: { '1': 'slave-only:5' } },
    ],
  });
  assert.deepEqual(
    route.writeQueues.map((q) => `${q.brokerName}/${q.queueId}`),
    ['a/0', 'b/0', 'b/1'],
  );
  assert.deepEqual(
    route.readQueues.map((q) => `${q.brokerName}/${q.queueId}`),
    ['a/0', 'a/1', 'a/2', 'b/0', 'b/1', 'c/0'],
  );
  assert.equal(route.masters.get('a'), 'h:1');
  assert.equal(route.masters.has('d'), false);
});

test('several name-server addresses', () => {
  assert.deepEqual(parseNameServerAddresses('127.0.0.1:9876; 10.0.0.2:9876;'), ['127.0.0.1:9876', '10.0.0.2:9876']);
  assert.throws(() => parseNameServerAddresses(' ; '), InvalidArgumentError);
});
