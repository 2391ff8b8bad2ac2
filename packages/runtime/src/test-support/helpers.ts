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
import { startStandalone } from '../standalone.js';
import type { RunningWorker } from '../worker-lifecycle.js';

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

/** True when integration tests must fail, not skip, on a missing service (CI=true or TRIBUTARY_REQUIRE_SERVICES=1). */
export function servicesRequired(): boolean {
  return process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1';
}

/**
 * Checks a service before an integration suite. Returns a skip reason (print it and skip) when it is
 * unreachable, or undefined when it answers.
 * @throws Error when the service is required (see {@link servicesRequired}) and unreachable.
 */
export async function serviceSkipReason(
  name: string,
  probe: () => Promise<unknown>,
  hint: string,
): Promise<string | undefined> {
  try {
    await probe();
    return undefined;
  } catch (e) {
    const reason = `${name} is not reachable (${(e as Error).message}); start it with ${hint}`;
    if (servicesRequired()) throw new Error(`${reason} — required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    console.log(`# skipping: ${reason}`);
    return reason;
  }
}

/** Resolves when a TCP port accepts connections, rejects after `timeoutMs`. */
export async function probeTcp(host: string, port: number, timeoutMs = 2000): Promise<void> {
  const { connect } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Counts the complete lines of a file (0 when it does not exist yet), reading it in 1 MiB chunks. */
export async function countLines(path: string): Promise<number> {
  const { open } = await import('node:fs/promises');
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch {
    return 0;
  }
  try {
    let n = 0;
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return n;
      for (let i = 0; i < bytesRead; i++) if (buf[i] === 10) n++;
    }
  } finally {
    await fh.close();
  }
}
