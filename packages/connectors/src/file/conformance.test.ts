import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSinkConformance, runSourceConformance, tempDir } from '../testkit/index.js';
import { FileStreamSinkTask } from './sink.js';
import { FileStreamSourceTask } from './source.js';

runSourceConformance({
  name: 'FileStreamSource',
  // Idle polls wait until aborted, so the abort checks observe the abort and not a timeout.
  createTask: () => new FileStreamSourceTask({ idleWaitMs: 3_600_000 }),
  async setup({ records, batchSize }) {
    const tmp = await tempDir();
    const file = join(tmp.dir, 'input.txt');
    const lines = Array.from({ length: records }, (_, i) => `line ${i} ünïcödé ✓`);
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    return { config: { file, topic: 'lines', 'batch.size': String(batchSize) }, cleanup: tmp.remove };
  },
  identity: (record) => `${record.value}@${record.sourceOffset.position}`,
});

runSinkConformance({
  name: 'FileStreamSink',
  createTask: () => new FileStreamSinkTask(),
  async setup() {
    const tmp = await tempDir();
    const file = join(tmp.dir, 'out.txt');
    return {
      config: { file },
      async readBack() {
        const text = await readFile(file, 'utf8').catch(() => '');
        return text === '' ? [] : text.replace(/\n$/, '').split('\n');
      },
      cleanup: tmp.remove,
    };
  },
});
