/**
 * Durability of the standalone worker on the embedded broker, with the worker as a separate process:
 * FileStreamSource → embedded topic → FileStreamSink of 1,000,000 lines, killed with SIGKILL at random
 * moments (nothing lost, duplicates bounded by one commit interval per kill, order kept apart from the
 * replayed duplicates) and stopped with SIGTERM (no duplicate at all).
 */
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { countLines, tempDir, waitFor } from './test-support/helpers.js';
import { WorkerProcess } from './test-support/worker-process.js';

const LINES = 1_000_000;
const FLUSH_INTERVAL_MS = 2000;
const FLUSH_MAX_RECORDS = 5000;
const SOURCE_BATCH = 2000;

const lineText = (i: number) => `line-${String(i).padStart(7, '0')}`;

async function writeInput(path: string): Promise<void> {
  const parts: string[] = [];
  for (let i = 0; i < LINES; i++) parts.push(lineText(i));
  await writeFile(path, `${parts.join('\n')}\n`);
}

interface Verdict {
  readonly total: number;
  readonly distinct: number;
  readonly duplicates: number;
  /** First occurrences out of input order (must be 0). */
  readonly reordered: number;
  readonly missing: number;
}

/** Checks the sink file: every input line, first occurrences in input order, duplicates only as replays. */
async function verify(path: string): Promise<Verdict> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  const seen = new Uint8Array(LINES);
  let total = 0;
  let distinct = 0;
  let duplicates = 0;
  let reordered = 0;
  let nextNew = 0;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const i = Number(text.slice(start + 5, end));
    start = end + 1;
    total++;
    if (seen[i]) {
      duplicates++;
      continue;
    }
    seen[i] = 1;
    distinct++;
    if (i !== nextNew) reordered++;
    nextNew = i + 1;
  }
  return { total, distinct, duplicates, reordered, missing: LINES - distinct };
}

async function setup(dir: string) {
  const input = join(dir, 'input.txt');
  const output = join(dir, 'output.txt');
  await writeInput(input);
  const worker = join(dir, 'worker.json');
  await writeFile(
    worker,
    JSON.stringify({
      'worker.id': 'durability',
      'data.dir': join(dir, 'data'),
      'rest.port': 0,
      'offset.flush.interval.ms': FLUSH_INTERVAL_MS,
      'offset.flush.max.records': FLUSH_MAX_RECORDS,
      'key.converter': 'StringConverter',
      'value.converter': 'StringConverter',
      'log.level': 'warn',
      // One queue (the sink may create the topic before the source does): the test checks line order.
      'topic.default.queues': 1,
    }),
  );
  const source = join(dir, 'source.json');
  await writeFile(
    source,
    JSON.stringify({
      name: 'file-source',
      config: {
        'connector.class': 'FileStreamSource',
        file: input,
        topic: 'lines',
        'batch.size': String(SOURCE_BATCH),
        'topic.creation.default.partitions': '1',
      },
    }),
  );
  const sink = join(dir, 'sink.properties');
  await writeFile(sink, `name=file-sink\nconnector.class=FileStreamSink\nfile=${output}\ntopics=lines\n`);
  return { output, args: ['standalone', '--worker', worker, source, sink] };
}

describe('standalone durability (separate worker process)', { timeout: 600_000 }, () => {
  const processes: WorkerProcess[] = [];
  after(async () => {
    for (const p of processes) await p.kill();
  });

  it('kill -9 three times at random moments: zero lost, duplicates bounded, order kept', async () => {
    const dir = await tempDir('trib-durability-');
    const { output, args } = await setup(dir);
    const proc = new WorkerProcess(args);
    processes.push(proc);
    // Progress samples (time, lines written) to know how many records one commit interval holds.
    const samples: { t: number; n: number }[] = [];
    const sampler = setInterval(() => {
      void countLines(output).then((n) => samples.push({ t: Date.now(), n }));
    }, 200);
    let kills = 0;
    try {
      for (let k = 0; k < 3; k++) {
        await proc.start();
        const before = await countLines(output);
        // Kill at a random point of the stream: after 20k to 120k more lines reached the sink.
        const target = Math.min(LINES, before + 20_000 + Math.floor(Math.random() * 100_000));
        await waitFor('progress before the kill', async () => (await countLines(output)) >= target, 120_000, 20);
        if ((await countLines(output)) >= LINES) break;
        await proc.kill();
        kills++;
      }
      if (!proc.running) await proc.start();
      await waitFor('every line in the sink', async () => (await verify(output)).distinct === LINES, 300_000, 1000);
      // Let replays settle, then stop gracefully.
      await sleep(FLUSH_INTERVAL_MS);
      assert.equal(await proc.terminate(), 0, proc.output.slice(-2000));
    } finally {
      clearInterval(sampler);
    }
    const v = await verify(output);
    assert.equal(v.missing, 0, 'no line lost');
    assert.equal(v.reordered, 0, 'first occurrences keep the input order');
    // Records one commit interval holds at the fastest observed pace, plus what a flush can hold back.
    let perInterval = 0;
    for (const a of samples) {
      for (const b of samples) {
        if (b.t > a.t && b.t - a.t <= FLUSH_INTERVAL_MS) perInterval = Math.max(perInterval, b.n - a.n);
      }
    }
    const bound = kills * (perInterval + FLUSH_MAX_RECORDS + SOURCE_BATCH);
    console.log(
      `durability: ${kills} kills, ${v.total} lines written, ${v.duplicates} duplicates, one interval ≈ ${perInterval} records, bound ${bound}`,
    );
    assert.ok(kills >= 2, `the worker was killed mid-stream (${kills} times)`);
    assert.ok(v.duplicates <= bound, `duplicates ${v.duplicates} exceed ${kills} × one commit interval (${bound})`);
    assert.ok((await stat(output)).size > 0);
  });

  it('SIGTERM restarts: zero lost and zero duplicates', async () => {
    const dir = await tempDir('trib-durability-');
    const { output, args } = await setup(dir);
    const proc = new WorkerProcess(args);
    processes.push(proc);
    let stops = 0;
    for (let k = 0; k < 3; k++) {
      await proc.start();
      const before = await countLines(output);
      const target = Math.min(LINES, before + 20_000 + Math.floor(Math.random() * 100_000));
      await waitFor('progress before the stop', async () => (await countLines(output)) >= target, 120_000, 20);
      if ((await countLines(output)) >= LINES) break;
      assert.equal(await proc.terminate(), 0, proc.output.slice(-2000));
      stops++;
    }
    if (!proc.running) await proc.start();
    await waitFor('every line in the sink', async () => (await countLines(output)) >= LINES, 300_000, 500);
    assert.equal(await proc.terminate(), 0);
    const v = await verify(output);
    console.log(`durability: ${stops} graceful restarts, ${v.total} lines written, ${v.duplicates} duplicates`);
    assert.ok(stops >= 2, `the worker was stopped mid-stream (${stops} times)`);
    assert.equal(v.missing, 0);
    assert.equal(v.duplicates, 0);
    assert.equal(v.reordered, 0);
  });
});
