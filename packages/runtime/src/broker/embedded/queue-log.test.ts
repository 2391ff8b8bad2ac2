import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StoredMessage } from '../broker.js';
import { BASE_TS, matches, messageFor, tempDir } from './helpers.test.fixture.js';
import { QueueLog, type QueueLogConfig, type ReadHint } from './queue-log.js';
import { recordSize } from './record-format.js';
import { ScratchBuffer } from './segment.js';

const config = (o: Partial<QueueLogConfig> = {}): QueueLogConfig => ({
  segmentBytes: 4096,
  retentionBytes: -1,
  retentionMs: -1,
  indexIntervalBytes: 256,
  perBatch: false,
  ...o,
});

let dirs = 0;
function freshDir(root: string): string {
  return join(root, `q${dirs++}`);
}

function openQueue(dir: string, c = config()): { log: QueueLog; truncated: boolean } {
  return QueueLog.open('t', 0, dir, c, new ScratchBuffer());
}

function append(log: QueueLog, from: number, count: number): void {
  const msgs = Array.from({ length: count }, (_, i) => messageFor('t', from + i));
  log.append(msgs, msgs.map(recordSize));
}

/** Every readable message from `from`, in batches of `batch`, following read hints like a consumer. */
function readAll(log: QueueLog, from = log.start, batch = 7, maxBytes = 1 << 20): StoredMessage[] {
  const out: StoredMessage[] = [];
  let offset = from;
  let hint: ReadHint | null = null;
  while (offset < log.readableEnd) {
    const r = log.read(offset, hint, batch, maxBytes, out);
    assert.ok(r.nextOffset > offset, 'a read makes progress');
    offset = r.nextOffset;
    hint = r.hint;
  }
  return out;
}

function assertSequence(messages: StoredMessage[], firstOffset: number, firstSeq = firstOffset): void {
  messages.forEach((m, i) => {
    assert.equal(m.offset, firstOffset + i);
    assert.ok(matches(m, firstSeq + i), `message at offset ${m.offset} is intact`);
  });
}

function segmentFiles(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith(ext))
    .sort();
}

function copyQueue(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
}

describe('queue log', () => {
  const root = tempDir();

  it('round-trips messages across segment rolls, from any offset', () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 120);
    append(log, 120, 180);
    assert.equal(log.end, 300);
    assert.ok(log.segmentCount > 10, `rolled into ${log.segmentCount} segments`);
    assertSequence(readAll(log), 0);
    for (let from = 0; from < 300; from += 13) {
      const out: StoredMessage[] = [];
      log.read(from, null, 5, 1 << 20, out);
      assert.equal(out.length, Math.min(5, 300 - from));
      assertSequence(out, from);
    }
  });

  it('returns at least one message even when it exceeds the byte budget', () => {
    const { log } = openQueue(freshDir(root));
    append(log, 0, 10);
    const out: StoredMessage[] = [];
    const r = log.read(0, null, 10, 1, out);
    assert.equal(out.length, 1);
    assert.equal(r.nextOffset, 1);
  });

  it('reopens after a clean close from index files without scanning, and keeps appending', async () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 200);
    await log.close();
    assert.equal(segmentFiles(dir, '.index').length, segmentFiles(dir, '.log').length);
    const { log: again, truncated } = openQueue(dir);
    assert.equal(truncated, false);
    assert.equal(again.end, 200);
    assert.equal(
      segmentFiles(dir, '.index').length,
      segmentFiles(dir, '.log').length - 1,
      'the active index is dropped',
    );
    append(again, 200, 50);
    assertSequence(readAll(again), 0);
    await again.close();
  });

  it('recovers without close (crash) by scanning the last segment', () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 150);
    const { log: again, truncated } = openQueue(dir);
    assert.equal(truncated, false);
    assert.equal(again.end, 150);
    assertSequence(readAll(again), 0);
  });

  it('cuts a torn tail at every byte position of the last record', () => {
    const src = freshDir(root);
    const c = config({ segmentBytes: 1 << 20 });
    const { log } = openQueue(src, c);
    append(log, 0, 20);
    const file = join(src, segmentFiles(src, '.log')[0]!);
    const size = statSync(file).size;
    const lastStart = size - recordSize(messageFor('t', 19));
    for (let cut = lastStart; cut < size; cut++) {
      const dir = freshDir(root);
      copyQueue(src, dir);
      truncateSync(join(dir, segmentFiles(dir, '.log')[0]!), cut);
      const { log: rec, truncated } = openQueue(dir, c);
      assert.equal(truncated, cut > lastStart, `cut at ${cut}`);
      assert.equal(rec.end, 19);
      assert.equal(statSync(join(dir, segmentFiles(dir, '.log')[0]!)).size, lastStart);
      append(rec, 19, 1);
      assertSequence(readAll(rec), 0);
    }
  });

  it('cuts at a corrupt byte anywhere in the last record, or at a corrupt earlier record', () => {
    const src = freshDir(root);
    const c = config({ segmentBytes: 1 << 20 });
    const { log } = openQueue(src, c);
    append(log, 0, 20);
    const name = segmentFiles(src, '.log')[0]!;
    const original = readFileSync(join(src, name));
    const starts = [0];
    for (let i = 0; i < 20; i++) starts.push(starts[i]! + recordSize(messageFor('t', i)));
    const flipAt = (pos: number): { end: number; dir: string } => {
      const dir = freshDir(root);
      mkdirSync(dir, { recursive: true });
      const damaged = Buffer.from(original);
      damaged[pos]! ^= 0x40;
      writeFileSync(join(dir, name), damaged);
      const { log: rec, truncated } = openQueue(dir, c);
      assert.equal(truncated, true);
      return { end: rec.end, dir };
    };
    for (let pos = starts[19]!; pos < starts[20]!; pos++) assert.equal(flipAt(pos).end, 19, `flip at ${pos}`);
    for (const k of [0, 7, 12]) {
      const { end } = flipAt(starts[k]! + 13);
      assert.equal(end, k, `corrupt record ${k}: the log keeps the valid prefix`);
    }
  });

  it('cuts a zero-filled tail (file grown but never written, as after an OS crash)', () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 5);
    appendFileSync(join(dir, segmentFiles(dir, '.log').at(-1)!), Buffer.alloc(3000));
    const { log: rec, truncated } = openQueue(dir);
    assert.equal(truncated, true);
    assert.equal(rec.end, 5);
    assertSequence(readAll(rec), 0);
  });

  it('keeps a gapless prefix when a sealed segment lost its tail', async () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 200);
    await log.close();
    const logs = segmentFiles(dir, '.log');
    assert.ok(logs.length >= 5);
    const victim = logs[2]!;
    const nextBase = Number(logs[3]!.slice(0, 20));
    truncateSync(join(dir, victim), statSync(join(dir, victim)).size - 10);
    const { log: rec, truncated } = openQueue(dir);
    assert.equal(truncated, true);
    assert.equal(rec.end, nextBase - 1, 'the torn record and every later segment are gone');
    assert.deepEqual(segmentFiles(dir, '.log'), logs.slice(0, 3));
    append(rec, rec.end, 30);
    assertSequence(readAll(rec), 0);
  });

  it('rebuilds a missing or damaged index of a sealed segment', async () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir);
    append(log, 0, 200);
    await log.close();
    const indexes = segmentFiles(dir, '.index');
    unlinkSync(join(dir, indexes[1]!));
    const damaged = readFileSync(join(dir, indexes[3]!));
    damaged[0]! ^= 0xff;
    writeFileSync(join(dir, indexes[3]!), damaged);
    const { log: rec, truncated } = openQueue(dir);
    assert.equal(truncated, false);
    assert.equal(rec.end, 200);
    for (let from = 0; from < 200; from += 11) {
      const out: StoredMessage[] = [];
      rec.read(from, null, 3, 1 << 20, out);
      assertSequence(out, from);
    }
  });

  it('handles a message larger than the read and scan buffers', () => {
    const dir = freshDir(root);
    const { log } = openQueue(dir, config({ segmentBytes: 1 << 20 }));
    const big = Buffer.alloc(5 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    const msgs = [messageFor('t', 0), { ...messageFor('t', 1), value: big }, messageFor('t', 2)];
    log.append(msgs, msgs.map(recordSize));
    const { log: rec } = openQueue(dir, config({ segmentBytes: 1 << 20 }));
    assert.equal(rec.end, 3);
    const out = readAll(rec, 0, 10, 1024);
    assert.equal(out.length, 3);
    assert.ok(Buffer.from(out[1]!.value!).equals(big));
    assert.ok(matches(out[2]!, 2));
    // torn inside the big record
    const file = join(dir, segmentFiles(dir, '.log')[0]!);
    truncateSync(file, recordSize(msgs[0]!) + 1024 * 1024);
    const { log: cut } = openQueue(dir, config({ segmentBytes: 1 << 20 }));
    assert.equal(cut.end, 1);
  });

  it('deletes old segments by size, keeping at least retention.bytes', () => {
    const { log } = openQueue(freshDir(root), config({ retentionBytes: 10_000 }));
    append(log, 0, 300);
    const before = log.segmentCount;
    log.enforceRetention(Date.now());
    assert.ok(log.segmentCount < before);
    assert.ok(log.sizeBytes >= 10_000, 'at least retention.bytes remain');
    assert.ok(log.sizeBytes - 4096 - 1000 < 10_000, 'no more than one extra segment remains');
    assert.ok(log.start > 0);
    assertSequence(readAll(log), log.start);
  });

  it('deletes segments whose newest message is older than retention.ms, even the active one', async () => {
    const dir = freshDir(root);
    const c = config({ retentionMs: 1000 });
    const { log } = openQueue(dir, c);
    append(log, 0, 100);
    // messages have timestamps BASE_TS + seq: at now = BASE_TS + 1050, messages before seq 50 expired
    const deleted = log.enforceRetention(BASE_TS + 1050);
    assert.ok(deleted > 0);
    assert.ok(log.start > 0 && log.start <= 50, `start ${log.start}`);
    assertSequence(readAll(log), log.start);
    log.enforceRetention(BASE_TS + 1_000_000);
    assert.equal(log.segmentCount, 1, 'only a new, empty active segment remains');
    assert.equal(log.start, 100);
    assert.equal(log.end, 100);
    await log.close();
    const { log: again } = openQueue(dir, c);
    assert.deepEqual([again.start, again.end], [100, 100], 'offsets survive an empty queue');
    append(again, 100, 3);
    assertSequence(readAll(again), 100);
  });

  it('finds the first offset at or after a timestamp, with out-of-order timestamps', () => {
    const { log } = openQueue(freshDir(root));
    const stamps = Array.from({ length: 400 }, (_, i) => (i * 7919) % 1000);
    const msgs = stamps.map((ts, i) => ({ ...messageFor('t', i), timestamp: ts }));
    log.append(msgs, msgs.map(recordSize));
    for (let ts = -1; ts <= 1001; ts += 17) {
      const want = stamps.findIndex((s) => s >= ts);
      assert.equal(log.offsetForTimestamp(ts), want === -1 ? 400 : want, `ts ${ts}`);
    }
  });

  it('with per-batch fsync, makes messages readable only once durable, and wakes waiters then', async () => {
    const { log } = openQueue(freshDir(root), config({ perBatch: true }));
    let woken = 0;
    log.onReadable(() => woken++);
    append(log, 0, 10);
    assert.equal(log.end, 10);
    assert.equal(log.readableEnd, 0);
    assert.equal(woken, 0);
    await log.sync();
    assert.equal(log.readableEnd, 10);
    assert.equal(woken, 1);
    assert.equal(log.needsSync, false);
  });

  it('with interval fsync, makes messages readable at once', () => {
    const { log } = openQueue(freshDir(root));
    let woken = 0;
    log.onReadable(() => woken++);
    append(log, 0, 10);
    assert.equal(log.readableEnd, 10);
    assert.equal(woken, 1);
    assert.equal(log.needsSync, true);
  });
});
