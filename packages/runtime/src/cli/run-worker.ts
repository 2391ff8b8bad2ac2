import { ConfigError, errorTrace } from '@tributary/api';
import type { RunningWorker } from '../worker-lifecycle.js';

/** Starts a worker, turning configuration problems into a usage exit code (2) with their message. */
export async function startOrExplain<W extends RunningWorker>(start: () => Promise<W>): Promise<W> {
  try {
    return await start();
  } catch (e) {
    if (e instanceof ConfigError) throw Object.assign(new Error(e.message), { exitCode: 2 });
    throw e;
  }
}

/**
 * Runs until SIGINT/SIGTERM, then stops gracefully (tasks flush and commit; a cluster worker hands its
 * tasks over). A second signal exits at once.
 */
export function runUntilSignal(running: RunningWorker): Promise<void> {
  return new Promise<void>((resolve) => {
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
}
