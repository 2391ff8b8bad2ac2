import { Command } from 'commander';
import { readConnectorConfigFile } from '../config/connector-files.js';
import { loadWorkerConfig } from '../config/worker-config.js';
import { startStandalone } from '../standalone.js';
import { parseKeyValue } from './options.js';
import { runUntilSignal, startOrExplain } from './run-worker.js';

/** `tributary standalone [--worker FILE] [CONNECTOR_CONFIG ...]` */
export function standaloneCommand(): Command {
  return new Command('standalone')
    .description(
      'Run a standalone worker on the embedded durable log (or RocketMQ, per the worker config). Connector configs given here are created, or updated when they changed; everything else is restored from data.dir.',
    )
    .argument(
      '[connector-configs...]',
      'connector config files: a REST body {"name","config"}, a flat JSON/YAML map with name, or .properties',
    )
    .option('-w, --worker <file>', 'worker config file (JSON, .properties or YAML)')
    .option('-o, --override <key=value>', 'worker config key (repeatable), applied over the file', parseKeyValue, {})
    .action(async (files: string[], opts: { worker?: string; override: Record<string, string> }) => {
      const running = await startOrExplain(async () => {
        const config = await loadWorkerConfig(opts.worker, opts.override);
        const connectors = await Promise.all(files.map((f) => readConnectorConfigFile(f)));
        return startStandalone({ config, connectors });
      });
      const { config } = running;
      process.stderr.write(
        `Tributary worker ${config.workerId} running: REST API at ${running.rest.url}, data in ${config.dataDirPath}. Press Ctrl-C to stop (connectors flush and commit first).\n`,
      );
      await runUntilSignal(running);
    });
}
