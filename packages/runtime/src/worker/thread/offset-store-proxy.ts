import type { JsonMap } from '@tributary/api';
import { canonicalJson, type OffsetStore, type SourceOffsetEntry } from '../../storage/stores.js';
import type { RpcClient } from './rpc-client.js';

/**
 * The source offsets a task thread sees: reads answer from the connector's offsets as they were when the
 * task started plus the task's own writes (reads are synchronous in the contract, and a task reads the
 * partitions it writes); writes go to the worker's store in the main thread and resolve once durable there.
 * Offsets other workers or tasks commit after the start are not seen — a task owns its partitions.
 */
export class OffsetStoreProxy implements OffsetStore {
  readonly #rpc: RpcClient;
  readonly #connector: string;
  readonly #offsets = new Map<string, SourceOffsetEntry>();

  constructor(rpc: RpcClient, connector: string, snapshot: readonly SourceOffsetEntry[]) {
    this.#rpc = rpc;
    this.#connector = connector;
    for (const e of snapshot) this.#offsets.set(canonicalJson(e.partition), e);
  }

  async load(): Promise<void> {}

  get(connector: string, partitions: readonly JsonMap[]): SourceOffsetEntry[] {
    if (connector !== this.#connector) return [];
    const out: SourceOffsetEntry[] = [];
    for (const p of partitions) {
      const e = this.#offsets.get(canonicalJson(p));
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  all(connector: string): SourceOffsetEntry[] {
    return connector === this.#connector ? [...this.#offsets.values()] : [];
  }

  async set(
    connector: string,
    entries: readonly { readonly partition: JsonMap; readonly offset: JsonMap | null }[],
  ): Promise<void> {
    await this.#rpc.call('offsets.set', [
      connector,
      entries.map((e) => ({ partition: e.partition, offset: e.offset })),
    ]);
    if (connector !== this.#connector) return;
    for (const e of entries) {
      const key = canonicalJson(e.partition);
      if (e.offset === null) this.#offsets.delete(key);
      else this.#offsets.set(key, { partition: e.partition, offset: e.offset });
    }
  }

  async clear(connector: string): Promise<void> {
    await this.#rpc.call('offsets.clear', [connector]);
    if (connector === this.#connector) this.#offsets.clear();
  }
}
