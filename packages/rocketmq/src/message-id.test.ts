import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHash, MessageIdGenerator, parseMessageId } from './message-id.js';

test('ids have the Java UNIQ_KEY layout: ip, pid, seed, time since month start, counter', () => {
  const gen = new MessageIdGenerator(Uint8Array.of(192, 168, 1, 20), 0x1234, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  const now = Date.now();
  const id = gen.next(now);
  assert.match(id, /^[0-9A-F]{32}$/);
  assert.equal(id.slice(0, 20), 'C0A801141234DEADBEEF');
  assert.equal(id.slice(28), '0000');
  assert.equal(gen.next(now).slice(28), '0001');
  const parsed = parseMessageId(id, now);
  assert.equal(parsed.ip, '192.168.1.20');
  assert.equal(parsed.pid, 0x1234);
  assert.equal(parsed.time, now);
});

test('ids are unique across many calls in the same millisecond; IPv6 ids are 56 hex chars', () => {
  const gen = new MessageIdGenerator();
  const seen = new Set<string>();
  const now = Date.now();
  for (let i = 0; i < 50_000; i++) seen.add(gen.next(now));
  assert.equal(seen.size, 50_000);
  const v6 = new MessageIdGenerator(new Uint8Array(16).fill(1), 1, new Uint8Array(4));
  assert.match(v6.next(), /^[0-9A-F]{56}$/);
});

test('parses a Java-made id (recorded from RocketMQ 5.3.3 with an IPv6 address)', () => {
  const p = parseMessageId('FD00000000000000000000000000000233971DBD16A67F6873320000', Date.UTC(2026, 10, 25, 18));
  assert.equal(p.ip, 'fd00:0:0:0:0:0:0:2');
  assert.equal(p.pid, 0x3397);
});

test('javaStringHash equals Java String.hashCode', () => {
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('hello'), 99162322);
  assert.equal(javaStringHash('polygenelubricants'), -2147483648);
  assert.equal(javaStringHash('order-42'), 1234255197); // values printed by Java 17
  assert.equal(javaStringHash('ünï✓'), 7630454);
});
