import { Command } from 'commander';
import { loadWorkerConfig } from '../config/worker-config.js';
import { startDistributed } from '../distributed.js';
import { parseKeyValue } from './options.js';
import { runUntilSignal, startOrExplain } from './run-worker.js';

/** `tributary distributed --worker FILE` */
export function distributedCommand(): Command {
  return new Command('distributed')
    .description(
      'Run a worker of a cluster: workers with the same cluster.id share connectors, tasks, offsets and status through the broker (broker.type=rocketmq), balance tasks and take over those of a worker that dies. Manage it through the REST API of any worker.',
    )
    .option('-w, --worker <file>', 'worker config file (JSON, .properties or YAML)')
    .option('-o, --override <key=value>', 'worker config key (repeatable), applied over the file', parseKeyValue, {})
    .action(async (opts: { worker?: string; override: Record<string, string> }) => {
      const running = await startOrExplain(async () =>
        startDistributed({ config: await loadWorkerConfig(opts.worker, opts.override) }),
      );
      const { config } = running;
      process.stderr.write(
        `Tributary worker ${config.workerId} running in cluster ${config['cluster.id']} as ${running.herder.memberId}: REST API at ${running.rest.url}. Press Ctrl-C to stop (its tasks are handed over).\n`,
      );
      await runUntilSignal(running);
    });
}
