/**
 * N distributed workers in one process sharing one broker (the embedded broker's in-process membership,
 * or a real RocketMQ), for fast cluster tests of the herder logic. Crash tests use separate processes
 * (worker-process.ts).
 */
import { join } from 'node:path';
import type { Broker } from '../broker/broker.js';
import { EmbeddedBroker } from '../broker/embedded/index.js';
import { parseWorkerConfig } from '../config/worker-config.js';
import { type RunningDistributedWorker, startDistributed } from '../distributed.js';
import { LogCapture, tempDir } from './helpers.js';

export class InProcessCluster {
  readonly workers = new Map<string, RunningDistributedWorker & { logs: LogCapture }>();
  readonly broker: Broker;
  readonly #dir: string;
  readonly #overrides: Record<string, string>;
  readonly #clusterId: string;

  private constructor(broker: Broker, dir: string, clusterId: string, overrides: Record<string, string>) {
    this.broker = broker;
    this.#dir = dir;
    this.#clusterId = clusterId;
    this.#overrides = overrides;
  }

  /** A cluster on a fresh embedded broker, or on `broker` when given. */
  static async create(
    options: { broker?: Broker; overrides?: Record<string, string> } = {},
  ): Promise<InProcessCluster> {
    const dir = await tempDir('trib-cluster-');
    let broker = options.broker;
    if (broker === undefined) {
      broker = new EmbeddedBroker({ dataDir: join(dir, 'broker'), fsync: 'interval' });
      await broker.start();
    }
    return new InProcessCluster(broker, dir, `c${Math.random().toString(36).slice(2, 8)}`, options.overrides ?? {});
  }

  async start(id: string): Promise<RunningDistributedWorker & { logs: LogCapture }> {
    const logs = new LogCapture();
    const config = parseWorkerConfig({
      'worker.id': id,
      'data.dir': join(this.#dir, id),
      'rest.port': '0',
      'cluster.id': this.#clusterId,
      'rebalance.delay.ms': '1000',
      'offset.flush.interval.ms': '200',
      ...this.#overrides,
    });
    const w = Object.assign(await startDistributed({ config, broker: this.broker, logDestination: logs }), { logs });
    this.workers.set(id, w);
    return w;
  }

  async stop(id: string): Promise<void> {
    const w = this.workers.get(id);
    this.workers.delete(id);
    await w?.stop();
  }

  async close(ownBroker = true): Promise<void> {
    for (const id of [...this.workers.keys()]) await this.stop(id);
    if (ownBroker) await this.broker.close();
  }
}
