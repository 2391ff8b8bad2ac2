/**
 * A cluster of `tributary distributed` worker processes against a real broker, for failover and scaling
 * tests: start, kill -9, SIGTERM and restart workers, and talk to any worker's REST API.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkerProcess } from './worker-process.js';

export interface ClusterWorker {
  readonly id: string;
  readonly process: WorkerProcess;
  /** REST URL of the current incarnation (read from the worker's startup line). */
  url: string;
}

export class ProcessCluster {
  readonly clusterId: string;
  readonly #dir: string;
  readonly #base: Record<string, string | number>;
  readonly workers = new Map<string, ClusterWorker>();
  /** When each worker was last killed or stopped (ms), for status-history checks. */
  readonly downAt = new Map<string, number[]>();

  constructor(dir: string, base: Record<string, string | number>) {
    this.#dir = dir;
    this.clusterId = `it${Date.now().toString(36)}`;
    this.#base = { 'cluster.id': this.clusterId, 'rest.port': 0, 'log.level': 'warn', ...base };
  }

  async start(id: string): Promise<ClusterWorker> {
    let w = this.workers.get(id);
    if (w === undefined) {
      const file = join(this.#dir, `${id}.json`);
      await writeFile(file, JSON.stringify({ ...this.#base, 'worker.id': id, 'data.dir': join(this.#dir, id) }));
      w = { id, process: new WorkerProcess(['distributed', '--worker', file]), url: '' };
      this.workers.set(id, w);
    }
    await w.process.start(60_000);
    const m = /REST API at (http:\/\/[^\s,]+?)\.? /.exec(
      w.process.output
        .split('\n')
        .reverse()
        .find((l) => l.includes('REST API at')) ?? '',
    );
    w.url = m?.[1] ?? '';
    return w;
  }

  async kill(id: string): Promise<void> {
    const w = this.workers.get(id);
    if (w === undefined) return;
    this.downAt.set(id, [...(this.downAt.get(id) ?? []), Date.now()]);
    await w.process.kill();
  }

  async terminate(id: string): Promise<number | null> {
    const w = this.workers.get(id);
    if (w === undefined) return null;
    const code = await w.process.terminate();
    this.downAt.set(id, [...(this.downAt.get(id) ?? []), Date.now()]);
    return code;
  }

  /** A running worker's URL (any). */
  anyUrl(): string {
    for (const w of this.workers.values()) if (w.process.running) return w.url;
    throw new Error('no worker is running');
  }

  async json<T>(path: string, init?: RequestInit, url = this.anyUrl()): Promise<T> {
    const r = await fetch(`${url}${path}`, init);
    const text = await r.text();
    if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: HTTP ${r.status} ${text}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  async killAll(): Promise<void> {
    for (const w of this.workers.values()) await w.process.kill();
  }
}
