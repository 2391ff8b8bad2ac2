import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ConnectError, Schema, type SourceRecord } from '@tributary/api';
import { InMemoryOffsetStore, SourceTaskHarness, tempDir } from '../testkit/index.js';
import { FileStreamSourceTask, type FileStreamSourceTaskOptions } from './source.js';

let dir: string;
let removeDir: () => Promise<void>;
let fileNo = 0;
before(async () => {
  const tmp = await tempDir();
  dir = tmp.dir;
  removeDir = tmp.remove;
});
after(() => removeDir());

function freshPath(): string {
  return join(dir, `input-${fileNo++}.txt`);
}

function harness(
  file: string,
  options: FileStreamSourceTaskOptions & { store?: InMemoryOffsetStore; batchSize?: number } = {},
): SourceTaskHarness {
  const config = { file, topic: 'lines', 'batch.size': String(options.batchSize ?? 2000) };
  return new SourceTaskHarness(new FileStreamSourceTask({ idleWaitMs: 100, ...options }), {
    config,
    ...(options.store === undefined ? {} : { store: options.store }),
  });
}

const texts = (records: readonly SourceRecord[]): unknown[] => records.map((r) => r.value);
const positions = (records: readonly SourceRecord[]): unknown[] => records.map((r) => r.sourceOffset.position);

describe('FileStreamSourceTask', () => {
  it('emits one STRING record per line with the filename partition and the byte position after the line', async () => {
    const file = freshPath();
    await writeFile(file, 'hello\nwörld\n\nlast\n');
    const h = harness(file);
    await h.start();
    const { records } = await h.pollUntil(4);
    await h.stop();
    assert.deepEqual(texts(records), ['hello', 'wörld', '', 'last']);
    assert.deepEqual(positions(records), [6, 13, 14, 19]);
    for (const r of records) {
      assert.equal(r.topic, 'lines');
      assert.equal(r.valueSchema, Schema.STRING);
      assert.equal(r.key, null);
      assert.equal(r.keySchema, null);
      assert.deepEqual(r.sourcePartition, { filename: file });
      assert.equal(typeof r.timestamp, 'number');
    }
  });

  it('resumes at the committed byte position', async () => {
    const file = freshPath();
    await writeFile(file, 'a\nbb\nccc\n');
    const store = new InMemoryOffsetStore();
    store.commit({ filename: file }, { position: 5 });
    const h = harness(file, { store });
    await h.start();
    const { records } = await h.pollUntil(1);
    await h.stop();
    assert.deepEqual(texts(records), ['ccc']);
    assert.deepEqual(positions(records), [9]);
  });

  it('does not emit an unfinished last line until its terminator arrives, then resumes it after a restart', async () => {
    const file = freshPath();
    await writeFile(file, 'one\ntw');
    const store = new InMemoryOffsetStore();
    const h = harness(file, { store });
    await h.start();
    const first = await h.pollUntil(1);
    assert.deepEqual(texts(first.records), ['one']);
    assert.deepEqual(await h.poll(), [], 'the unfinished line stays pending');
    await h.commit(first.records);
    await h.stop();

    await appendFile(file, 'o\nthree');
    const again = harness(file, { store });
    await again.start();
    const second = await again.pollUntil(1);
    assert.deepEqual(texts(second.records), ['two']);
    assert.deepEqual(positions(second.records), [8]);
    assert.deepEqual(await again.poll(), []);
    await again.stop();
  });

  it('understands \\r\\n and lone \\r terminators; a trailing \\r waits for the next byte', async () => {
    const file = freshPath();
    await writeFile(file, 'dos\r\nmac\runix\nend\r');
    const h = harness(file);
    await h.start();
    const { records } = await h.pollUntil(3);
    assert.deepEqual(texts(records), ['dos', 'mac', 'unix']);
    assert.deepEqual(positions(records), [5, 9, 14]);
    assert.deepEqual(await h.poll(), [], 'end\\r may still become end\\r\\n');
    await appendFile(file, '\n');
    const { records: more } = await h.pollUntil(1);
    assert.deepEqual(texts(more), ['end']);
    assert.deepEqual(positions(more), [19]);
    await h.stop();
  });

  it('decodes multi-byte characters split across read boundaries', async () => {
    const file = freshPath();
    const lines = ['€uro', '𝄞 clef', 'ünïcödé', '中文', '😀'.repeat(9)];
    await writeFile(file, `${lines.join('\n')}\n`);
    for (const readSize of [1, 2, 3, 5, 7]) {
      const h = harness(file, { readSize });
      await h.start();
      const { records } = await h.pollUntil(lines.length);
      await h.stop();
      assert.deepEqual(texts(records), lines, `read size ${readSize}`);
      assert.equal(records.at(-1)?.sourceOffset.position, (await stat(file)).size);
    }
  });

  it('reads a large file in full batches with exact positions', async () => {
    const file = freshPath();
    const count = 100_000;
    const body = Array.from({ length: count }, (_, i) => `record ${i} ${'é'.repeat(i % 7)}\n`).join('');
    await writeFile(file, body);
    const h = harness(file, { batchSize: 4096 });
    await h.start();
    const { records, batches } = await h.pollUntil(count);
    await h.stop();
    assert.equal(records.length, count);
    assert.ok(batches.slice(0, -1).every((n) => n === 4096));
    assert.equal(records[12_345]?.value, `record 12345 ${'é'.repeat(12_345 % 7)}`);
    assert.equal(records.at(-1)?.sourceOffset.position, Buffer.byteLength(body));
  });

  it('tails a growing file: a waiting poll picks up appended lines', async () => {
    const file = freshPath();
    await writeFile(file, 'first\n');
    const h = harness(file, { idleWaitMs: 60_000 });
    await h.start();
    await h.pollUntil(1);
    const waiting = h.poll();
    await appendFile(file, 'second\nthird\n');
    // The watcher wakes the waiting poll; without one, the next poll would find the lines.
    const { records } = await waiting.then(async (got) =>
      got.length >= 2 ? { records: [...got] } : { records: [...got, ...(await h.pollUntil(2 - got.length)).records] },
    );
    await h.stop();
    assert.deepEqual(texts(records), ['second', 'third']);
  });

  it('waits for a missing file to be created, warning once', async () => {
    const file = freshPath();
    const h = harness(file, { idleWaitMs: 20 });
    await h.start();
    assert.deepEqual(await h.poll(), []);
    assert.deepEqual(await h.poll(), []);
    assert.equal(h.logger.at('warn').length, 1);
    assert.match(h.logger.at('warn')[0]?.message ?? '', /waiting for it to be created/);
    await writeFile(file, 'born\n');
    const { records } = await h.pollUntil(1);
    await h.stop();
    assert.deepEqual(texts(records), ['born']);
  });

  it('reads a truncated file again from the start', async () => {
    const file = freshPath();
    await writeFile(file, 'old 1\nold 2\nold 3\n');
    const h = harness(file);
    await h.start();
    await h.pollUntil(3);
    await truncate(file, 0);
    await writeFile(file, 'new\n');
    const { records } = await h.pollUntil(1);
    await h.stop();
    assert.deepEqual(texts(records), ['new']);
    assert.deepEqual(positions(records), [4]);
    assert.ok(h.logger.at('warn').some((e) => /truncated/.test(e.message)));
  });

  it('follows a replaced file (renamed over the path) from its start', async () => {
    const file = freshPath();
    await writeFile(file, 'old 1\nold 2\n');
    const h = harness(file);
    await h.start();
    await h.pollUntil(2);
    const replacement = `${file}.new`;
    await writeFile(replacement, 'fresh 1\nfresh 2 longer than before\nfresh 3\n');
    await rename(replacement, file);
    const { records } = await h.pollUntil(3);
    await h.stop();
    assert.deepEqual(texts(records), ['fresh 1', 'fresh 2 longer than before', 'fresh 3']);
    assert.equal(records[0]?.sourceOffset.position, 8);
    assert.ok(h.logger.at('warn').some((e) => /replaced/.test(e.message)));
  });

  it('reads from the start when the committed position lies beyond the end of the file', async () => {
    const file = freshPath();
    await writeFile(file, 'short\n');
    const store = new InMemoryOffsetStore();
    store.commit({ filename: file }, { position: 1000 });
    const h = harness(file, { store });
    await h.start();
    const { records } = await h.pollUntil(1);
    await h.stop();
    assert.deepEqual(texts(records), ['short']);
    assert.ok(h.logger.at('warn').some((e) => /beyond the end/.test(e.message)));
  });

  it('fails to start on a committed position of the wrong type', async () => {
    const file = freshPath();
    await writeFile(file, 'x\n');
    for (const position of ['12', -1, 1.5]) {
      const store = new InMemoryOffsetStore();
      store.commit({ filename: file }, { position });
      const h = harness(file, { store });
      await assert.rejects(
        h.start(),
        (err: unknown) => err instanceof ConnectError && /incorrect type/.test(err.message),
      );
    }
  });

  it('fails with a clear error when the path is a directory', async () => {
    const path = freshPath();
    await mkdir(path);
    const h = harness(path);
    await h.start();
    await assert.rejects(
      h.poll(),
      (err: unknown) => err instanceof ConnectError && /not a regular file/.test(err.message),
    );
    await h.stop();
  });

  it('reads standard input when file is empty: untracked offsets, last line emitted at end of stream', async () => {
    const stdin = new PassThrough();
    const h = new SourceTaskHarness(new FileStreamSourceTask({ stdin, idleWaitMs: 60_000 }), {
      config: { file: '', topic: 'lines' },
    });
    await h.start();
    stdin.write('from\r\nstd');
    const first = await h.pollUntil(1);
    assert.deepEqual(texts(first.records), ['from']);
    stdin.end('in\nlast without newline');
    const rest = await h.pollUntil(2);
    await h.stop();
    assert.deepEqual(texts(rest.records), ['stdin', 'last without newline']);
    for (const r of [...first.records, ...rest.records]) {
      assert.deepEqual(r.sourcePartition, { filename: null });
      assert.deepEqual(r.sourceOffset, { position: null });
    }
  });
});
