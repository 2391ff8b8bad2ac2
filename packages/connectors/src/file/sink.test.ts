import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ConnectError, Decimal, Schema, SchemaBuilder, type SinkRecord, Struct, sinkRecord } from '@tributary/api';
import { SinkTaskHarness, tempDir } from '../testkit/index.js';
import { FileStreamSinkTask } from './sink.js';

let dir: string;
let removeDir: () => Promise<void>;
before(async () => {
  const tmp = await tempDir();
  dir = tmp.dir;
  removeDir = tmp.remove;
});
after(() => removeDir());

const queue = { topic: 't', queue: 0 };
let nextOffset = 0;
function record(value: unknown, valueSchema: Schema | null = null): SinkRecord {
  return sinkRecord({ ...queue, offset: nextOffset++, value, valueSchema });
}

async function writeAll(file: string, records: readonly SinkRecord[]): Promise<string> {
  const h = new SinkTaskHarness(new FileStreamSinkTask(), { config: { file } });
  await h.start();
  await h.open([queue]);
  await h.put(records);
  await h.commit();
  await h.close([queue]);
  await h.stop();
  return readFile(file, 'utf8');
}

describe('FileStreamSinkTask', () => {
  it('creates the file and appends to existing content', async () => {
    const file = join(dir, 'append.txt');
    assert.equal(await writeAll(file, [record('one')]), 'one\n');
    assert.equal(await writeAll(file, [record('two'), record('three')]), 'one\ntwo\nthree\n');
  });

  it('prints values the way Kafka prints record.value(), with bytes as UTF-8 text', async () => {
    const schema = SchemaBuilder.struct()
      .name('s')
      .field('id', Schema.INT64)
      .field('name', Schema.OPTIONAL_STRING)
      .field('ok', Schema.BOOLEAN)
      .build();
    const struct = new Struct(schema).put('id', 7n).put('ok', true);
    const file = join(dir, 'values.txt');
    const text = await writeAll(file, [
      record('plain'),
      record(null),
      record(42),
      record(2n ** 63n - 1n),
      record(false),
      record(struct, schema),
      record(Buffer.from('bytés', 'utf8')),
      record(
        new Map<unknown, unknown>([
          ['a', 1],
          ['b', [1, 2]],
        ]),
      ),
      record({ k: 'v', n: null }),
      record(new Date(Date.UTC(2024, 0, 15))),
      record(Decimal.parse('123.45')),
    ]);
    assert.deepEqual(text.split('\n'), [
      'plain',
      'null',
      '42',
      '9223372036854775807',
      'false',
      'Struct{id=7,ok=true}',
      'bytés',
      '{a=1, b=[1, 2]}',
      '{k=v, n=null}',
      '2024-01-15T00:00:00.000Z',
      '123.45',
      '',
    ]);
  });

  it('writes to standard output when file is empty', async () => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const h = new SinkTaskHarness(new FileStreamSinkTask({ stdout }), { config: { file: '' } });
    await h.start();
    await h.open([queue]);
    await h.put([record('to'), record('stdout')]);
    await h.commit();
    await h.stop();
    assert.equal(Buffer.concat(chunks).toString('utf8'), 'to\nstdout\n');
    assert.equal(stdout.writableEnded, false, 'standard output is never closed');
  });

  it('makes lines visible to other readers by the time flush resolves', async () => {
    const file = join(dir, 'durable.txt');
    await writeFile(file, '');
    const h = new SinkTaskHarness(new FileStreamSinkTask(), { config: { file } });
    await h.start();
    await h.open([queue]);
    await h.put(Array.from({ length: 1000 }, (_, i) => record(`line ${i}`)));
    await h.commit();
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines.length, 1001);
    assert.equal(lines[999], 'line 999');
    await h.stop();
  });

  it('fails to start with a clear error when the file cannot be created', async () => {
    const h = new SinkTaskHarness(new FileStreamSinkTask(), { config: { file: join(dir, 'missing-dir', 'x.txt') } });
    await assert.rejects(
      h.start(),
      (err: unknown) => err instanceof ConnectError && /Couldn't find or create/.test(err.message),
    );
  });

  it('rejects put after stop', async () => {
    const h = new SinkTaskHarness(new FileStreamSinkTask(), { config: { file: join(dir, 'stopped.txt') } });
    await h.start();
    await h.open([queue]);
    await h.stop();
    await assert.rejects(h.task.put([record('late')]), ConnectError);
  });
});
