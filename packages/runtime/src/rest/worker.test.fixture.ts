import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginRegistry } from '@tributary/api';
import { parseWorkerConfig } from '../config/worker-config.js';
import { startStandalone } from '../standalone.js';
import type { RunningWorker } from '../worker-lifecycle.js';

/** A standalone worker for REST tests: temp data dir, embedded broker, `rest.port=0`, logs captured. */
export interface TestWorker {
  readonly running: RunningWorker;
  readonly url: string;
  readonly dataDir: string;
  /** Every log line written so far (JSON text). */
  readonly logs: string[];
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Stops the worker and removes its data dir. */
  stop(): Promise<void>;
}

export interface CallOptions {
  /** An object is sent as JSON; a string is sent as is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined when the answer is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected loosely
  readonly body: any;
}

export async function startTestWorker(
  options: { overrides?: Record<string, string>; registry?: PluginRegistry } = {},
): Promise<TestWorker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-rest-'));
  const logs: string[] = [];
  const config = parseWorkerConfig({
    'data.dir': dataDir,
    'rest.port': '0',
    'worker.id': 'test-worker',
    'offset.flush.interval.ms': '500',
    'topic.default.queues': '2',
    ...options.overrides,
  });
  const running = await startStandalone({
    config,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  const url = running.rest.url;
  return {
    running,
    url,
    dataDir,
    logs,
    call: (method, path, o = {}) => call(url, method, path, o),
    stop: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTP request with Node's fetch. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Polls `check` every 50 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
