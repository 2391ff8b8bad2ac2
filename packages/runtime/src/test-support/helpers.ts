/**
 * Helpers for the runtime's own tests: temp dirs, polling for a condition, a quiet standalone worker.
 * Not exported from the package.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectorConfig } from '@tributary/api';
import type { DestinationStream } from 'pino';
import { parseWorkerConfig } from '../config/worker-config.js';
import { type RunningWorker, startStandalone } from '../standalone.js';

export async function tempDir(prefix = 'trib-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Polls `check` until it returns a truthy value (returned) or the time runs out (throws with `what`). */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${(last as Error).message}`}`,
      );
    }
    await sleep(everyMs);
  }
}

/** A pino destination that keeps every log line in memory (for assertions and to keep test output quiet). */
export class LogCapture extends Writable implements DestinationStream {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(line);
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Starts a standalone worker on a data dir with quiet logs and short intervals. */
export async function startTestWorker(
  dataDir: string,
  overrides: Record<string, string> = {},
  connectors: readonly { name: string; config: ConnectorConfig }[] = [],
): Promise<RunningWorker & { logs: LogCapture }> {
  const logs = new LogCapture();
  const config = parseWorkerConfig({
    'data.dir': dataDir,
    'worker.id': 'test-worker',
    'rest.port': '0',
    'offset.flush.interval.ms': '200',
    'log.level': 'info',
    ...overrides,
  });
  const running = await startStandalone({ config, connectors, logDestination: logs });
  return Object.assign(running, { logs });
}
