import { runSourceConformance } from '../testkit/index.js';
import { GeneratorTask } from './source.js';

runSourceConformance({
  name: 'Generator',
  // Once its count is reached a task waits until aborted, so the abort checks observe the abort.
  createTask: () => new GeneratorTask({ maxWaitMs: 3_600_000 }),
  async setup({ records, batchSize }) {
    return {
      config: { topic: 'generated', rate: '0', count: String(records), 'batch.size': String(batchSize) },
      connectorName: 'gen',
    };
  },
  identity: (record) => `${record.sourcePartition.task}:${record.sourceOffset.seq}`,
});
