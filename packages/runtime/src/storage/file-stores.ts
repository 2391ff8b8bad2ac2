import { join } from 'node:path';
import type { JsonMap } from '@tributary/api';
import type { TargetState } from '../herder/entities.js';
import { AtomicJsonFile } from './atomic-file.js';
import {
  type ConfigStore,
  canonicalJson,
  type OffsetStore,
  type SourceOffsetEntry,
  type StatusEntry,
  type StatusStore,
  type StoredConnector,
} from './stores.js';

/** Standalone config store: `<dir>/connectors.json`, rewritten atomically on every change. */
export class FileConfigStore implements ConfigStore {
  readonly #file: AtomicJsonFile<Record<string, StoredConnector>>;
  #connectors = new Map<string, StoredConnector>();

  constructor(dir: string) {
    this.#file = new AtomicJsonFile(join(dir, 'connectors.json'));
  }

  async load(): Promise<ReadonlyMap<string, StoredConnector>> {
    this.#connectors = new Map(Object.entries(await this.#file.read({})));
    return this.#connectors;
  }

  get(name: string): StoredConnector | undefined {
    return this.#connectors.get(name);
  }

  names(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  async putConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    targetState: TargetState,
  ): Promise<StoredConnector> {
    const previous = this.#connectors.get(name);
    const stored: StoredConnector = {
      config: { ...config },
      targetState,
      taskConfigs: previous?.taskConfigs ?? null,
      generation: (previous?.generation ?? 0) + 1,
    };
    this.#connectors.set(name, stored);
    await this.#save();
    return stored;
  }

  async putTargetState(name: string, targetState: TargetState): Promise<void> {
    const previous = this.#require(name);
    this.#connectors.set(name, { ...previous, targetState });
    await this.#save();
  }

  async putTaskConfigs(name: string, taskConfigs: readonly Readonly<Record<string, string>>[] | null): Promise<void> {
    const previous = this.#require(name);
    this.#connectors.set(name, {
      ...previous,
      taskConfigs: taskConfigs === null ? null : taskConfigs.map((c) => ({ ...c })),
    });
    await this.#save();
  }

  async removeConnector(name: string): Promise<void> {
    if (this.#connectors.delete(name)) await this.#save();
  }

  #require(name: string): StoredConnector {
    const c = this.#connectors.get(name);
    if (c === undefined) throw new Error(`connector ${name} is not stored`);
    return c;
  }

  #save(): Promise<void> {
    return this.#file.write(Object.fromEntries([...this.#connectors].sort(([a], [b]) => a.localeCompare(b))));
  }
}

type OffsetsDocument = Record<string, { partition: JsonMap; offset: JsonMap }[]>;

/** Standalone source-offset store: `<dir>/offsets.json`, rewritten atomically on every commit. */
export class FileOffsetStore implements OffsetStore {
  readonly #file: AtomicJsonFile<OffsetsDocument>;
  /** connector → canonical partition → entry */
  #offsets = new Map<string, Map<string, SourceOffsetEntry>>();

  constructor(dir: string) {
    this.#file = new AtomicJsonFile(join(dir, 'offsets.json'));
  }

  async load(): Promise<void> {
    const doc = await this.#file.read({});
    this.#offsets = new Map(
      Object.entries(doc).map(([connector, entries]) => [
        connector,
        new Map(entries.map((e) => [canonicalJson(e.partition), { partition: e.partition, offset: e.offset }])),
      ]),
    );
  }

  get(connector: string, partitions: readonly JsonMap[]): SourceOffsetEntry[] {
    const map = this.#offsets.get(connector);
    if (map === undefined) return [];
    const out: SourceOffsetEntry[] = [];
    for (const p of partitions) {
      const e = map.get(canonicalJson(p));
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  all(connector: string): SourceOffsetEntry[] {
    return [...(this.#offsets.get(connector)?.values() ?? [])];
  }

  async set(
    connector: string,
    entries: readonly { readonly partition: JsonMap; readonly offset: JsonMap | null }[],
  ): Promise<void> {
    let map = this.#offsets.get(connector);
    if (map === undefined) {
      map = new Map();
      this.#offsets.set(connector, map);
    }
    for (const e of entries) {
      const key = canonicalJson(e.partition);
      if (e.offset === null) map.delete(key);
      else map.set(key, { partition: e.partition, offset: e.offset });
    }
    await this.#save();
  }

  async clear(connector: string): Promise<void> {
    if (this.#offsets.delete(connector)) await this.#save();
  }

  #save(): Promise<void> {
    const doc: OffsetsDocument = {};
    for (const [connector, map] of this.#offsets) if (map.size > 0) doc[connector] = [...map.values()];
    return this.#file.write(doc);
  }
}

type StatusDocument = Record<
  string,
  { connector?: StatusEntry; tasks: Record<string, StatusEntry>; topics?: string[] }
>;

/** Standalone status store: `<dir>/status.json`. Stale generations never replace newer entries. */
export class FileStatusStore implements StatusStore {
  readonly #file: AtomicJsonFile<StatusDocument>;
  #doc: StatusDocument = {};

  constructor(dir: string) {
    this.#file = new AtomicJsonFile(join(dir, 'status.json'));
  }

  async load(): Promise<void> {
    this.#doc = await this.#file.read({});
  }

  async putConnector(name: string, status: StatusEntry): Promise<void> {
    const entry = this.#entry(name);
    if (entry.connector !== undefined && entry.connector.generation > status.generation) return;
    entry.connector = status;
    await this.#file.write(this.#doc);
  }

  async putTask(connector: string, task: number, status: StatusEntry): Promise<void> {
    const entry = this.#entry(connector);
    const previous = entry.tasks[task];
    if (previous !== undefined && previous.generation > status.generation) return;
    entry.tasks[task] = status;
    await this.#file.write(this.#doc);
  }

  connector(name: string): StatusEntry | undefined {
    return this.#doc[name]?.connector;
  }

  task(connector: string, task: number): StatusEntry | undefined {
    return this.#doc[connector]?.tasks[task];
  }

  tasks(connector: string): Map<number, StatusEntry> {
    return new Map(Object.entries(this.#doc[connector]?.tasks ?? {}).map(([k, v]) => [Number(k), v]));
  }

  async remove(connector: string): Promise<void> {
    if (this.#doc[connector] === undefined) return;
    delete this.#doc[connector];
    await this.#file.write(this.#doc);
  }

  async removeTasksFrom(connector: string, taskCount: number): Promise<void> {
    const entry = this.#doc[connector];
    if (entry === undefined) return;
    let changed = false;
    for (const key of Object.keys(entry.tasks)) {
      if (Number(key) >= taskCount) {
        delete entry.tasks[key];
        changed = true;
      }
    }
    if (changed) await this.#file.write(this.#doc);
  }

  #entry(connector: string): StatusDocument[string] {
    let entry = this.#doc[connector];
    if (entry === undefined) {
      entry = { tasks: {} };
      this.#doc[connector] = entry;
    }
    return entry;
  }

  activeTopics(connector: string): string[] {
    return [...(this.#doc[connector]?.topics ?? [])].sort();
  }

  async addActiveTopic(connector: string, topic: string): Promise<void> {
    const entry = this.#entry(connector);
    entry.topics ??= [];
    if (entry.topics.includes(topic)) return;
    entry.topics.push(topic);
    await this.#file.write(this.#doc);
  }

  async resetActiveTopics(connector: string): Promise<void> {
    const entry = this.#doc[connector];
    if (entry?.topics === undefined || entry.topics.length === 0) return;
    entry.topics = [];
    await this.#file.write(this.#doc);
  }
}
