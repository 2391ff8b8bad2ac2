// Decoding of frames recorded from a real RocketMQ 5.3.3 (see interop/record-fixtures.mjs); no broker needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as frames from './fixtures/frames.js';
import { decodeStoredMessages } from './message-codec.js';
import { buildTopicRoute, parseClusterInfo, parseTopicRouteData } from './name-server.js';
import { FLAG_ONEWAY, FLAG_RESPONSE, RequestCode, ResponseCode } from './protocol.js';
import { decodeCommand, encodeCommand } from './remoting-codec.js';

const frame = (b64: string) => decodeCommand(Buffer.from(b64, 'base64'));

test('route response: standard JSON and fastjson (bare numeric keys) give the same route', () => {
  const std = frame(frames.routeStandard);
  const fj = frame(frames.routeFastjson);
  assert.equal(std.flag & FLAG_RESPONSE, FLAG_RESPONSE);
  assert.equal(std.code, ResponseCode.SUCCESS);
  assert.match(fj.body!.toString(), /\{0:"127\.0\.0\.1:10911"\}/);
  const a = parseTopicRouteData(std.body!);
  const b = parseTopicRouteData(fj.body!);
  assert.deepEqual(a, b);
  const route = buildTopicRoute(frames.FIXTURE_TOPIC, a);
  assert.equal(route.masters.get('broker-a'), '127.0.0.1:10911');
  assert.deepEqual(route.writeQueues, [{ topic: frames.FIXTURE_TOPIC, brokerName: 'broker-a', queueId: 0 }]);
});

test('cluster info (always fastjson)', () => {
  const info = parseClusterInfo(frame(frames.clusterInfo).body!);
  assert.deepEqual(info.clusters, { DefaultCluster: ['broker-a'] });
  assert.equal(info.brokers['broker-a']?.brokerAddrs['0'], '127.0.0.1:10911');
});

test('unknown topic: code 17 with a remark', () => {
  const res = frame(frames.topicNotExist);
  assert.equal(res.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.match(res.remark ?? '', /No topic route info/);
});

test('our SEND_MESSAGE_V2 request re-encodes byte for byte; the broker response carries queue and offset', () => {
  const raw = Buffer.from(frames.sendRequest, 'base64');
  const req = decodeCommand(raw);
  assert.equal(req.code, RequestCode.SEND_MESSAGE_V2);
  assert.deepEqual(encodeCommand(req), raw);
  const res = frame(frames.sendResponse);
  assert.equal(res.code, ResponseCode.SUCCESS);
  assert.equal(res.extFields?.queueId, '0');
  assert.equal(res.extFields?.queueOffset, '0');
  assert.match(res.extFields?.msgId ?? '', /^7F00000100002A9F[0-9A-F]{16}$/);
});

test('pull FOUND: ours (tags, keys, unicode property), IPv6-born, and Java zlib-compressed messages', () => {
  const res = frame(frames.pullFound);
  assert.equal(res.code, ResponseCode.SUCCESS);
  assert.equal(res.extFields?.nextBeginOffset, '3');
  const [ours, v6, java] = decodeStoredMessages(res.body!);
  assert.ok(ours && v6 && java);
  assert.equal(ours.topic, frames.FIXTURE_TOPIC);
  assert.equal(ours.body.toString(), 'hello fixture');
  assert.equal(ours.tags, 'TagA');
  assert.deepEqual(ours.keys, ['k1', 'k2']);
  assert.equal(ours.properties.text, 'é✓');
  assert.equal(ours.flag, 7);
  assert.equal(ours.queueOffset, 0);
  assert.equal(v6.body.toString(), 'born on ipv6');
  assert.match(v6.bornHost, /^\[0:0:0:0:0:0:0:1\]:\d+$/);
  assert.equal(v6.storeHost, '127.0.0.1:10911');
  assert.equal(java.sysFlag & 0x701, 0x301, 'Java compressed the 5200-byte body with zlib');
  assert.equal(java.body.toString(), 'compressible '.repeat(400));
  assert.equal(java.properties.from, 'java');
  assert.equal(java.msgId.length, 56);
  assert.deepEqual(
    [ours, v6, java].map((m) => m.queueOffset),
    [0, 1, 2],
  );
});

test('pull NOT_FOUND (19) and OFFSET_MOVED (21) carry the next offset', () => {
  const nf = frame(frames.pullNotFound);
  assert.equal(nf.code, ResponseCode.PULL_NOT_FOUND);
  assert.equal(nf.extFields?.nextBeginOffset, '3');
  const moved = frame(frames.pullOffsetMoved);
  assert.equal(moved.code, ResponseCode.PULL_OFFSET_MOVED);
  assert.equal(moved.extFields?.nextBeginOffset, '3');
  assert.equal(moved.remark, 'OFFSET_OVERFLOW_BADLY');
});

test('broker-initiated requests: NOTIFY_CONSUMER_IDS_CHANGED (one-way) and GET_CONSUMER_RUNNING_INFO', () => {
  const notify = frame(frames.notifyConsumerIdsChanged);
  assert.equal(notify.code, RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
  assert.equal(notify.flag & FLAG_RESPONSE, 0);
  assert.equal(notify.flag & FLAG_ONEWAY, FLAG_ONEWAY);
  assert.equal(notify.extFields?.consumerGroup, 'fixture_membership_group');
  const info = frame(frames.getConsumerRunningInfo);
  assert.equal(info.code, RequestCode.GET_CONSUMER_RUNNING_INFO);
  assert.equal(info.flag, 0);
  assert.equal(info.extFields?.clientId, 'fixture-client-a');
});
