import { ConfigError, errorTrace } from '@tributary/api';
import { Command } from 'commander';
import { readConnectorConfigFile } from '../config/connector-files.js';
import { loadWorkerConfig } from '../config/worker-config.js';
import { startStandalone } from '../standalone.js';
import { parseKeyValue } from './options.js';

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
      let running: Awaited<ReturnType<typeof startStandalone>>;
      try {
        const config = await loadWorkerConfig(opts.worker, opts.override);
        const connectors = await Promise.all(files.map((f) => readConnectorConfigFile(f)));
        running = await startStandalone({ config, connectors });
      } catch (e) {
        if (e instanceof ConfigError) throw Object.assign(new Error(e.message), { exitCode: 2 });
        throw e;
      }
      const { config } = running;
      process.stderr.write(
        `Tributary worker ${config.workerId} running: REST API at ${running.rest.url}, data in ${config.dataDirPath}. Press Ctrl-C to stop (connectors flush and commit first).\n`,
      );
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) {
            process.stderr.write(`Received ${signal} again: exiting without waiting.\n`);
            process.exit(130);
          }
          process.stderr.write(`Received ${signal}: stopping gracefully...\n`);
          running
            .stop()
            .catch((e) => process.stderr.write(`Stop failed: ${errorTrace(e)}\n`))
            .finally(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}
