import type { JsonMap, Logger } from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import {
  canonicalJson,
  type OffsetStore,
  type SourceOffsetEntry,
  type StatusEntry,
  type StatusStore,
} from '../storage/stores.js';
import { type AppliedEntry, type LogEntry, ReplicatedLog } from './replicated-log.js';

/** (token, seq): the fencing token of the writer's ownership, then the writer's own sequence. */
interface Stamp {
  readonly token: number;
  readonly seq: number;
}

const newer = (a: Stamp, b: Stamp | undefined) =>
  b === undefined || a.token > b.token || (a.token === b.token && a.seq >= b.seq);

/**
 * Source offsets on a one-queue topic, replayed by every worker. Entry key: `<connector>|<canonical
 * partition>`; value `{connector, partition, offset, token, seq}` (offset null = reset). An entry stamped
 * with an older (token, seq) than the current one is ignored, so a zombie task cannot roll offsets back
 * after its task moved to another worker (which claims it with a newer token).
 */
export class OffsetLog {
  readonly log: ReplicatedLog;
  readonly #offsets = new Map<string, Map<string, SourceOffsetEntry & Stamp>>();
  /** Resets keep their stamp, so an older write cannot resurrect a reset partition. */
  readonly #resets = new Map<string, Stamp>();
  #seq = 0;

  constructor(broker: Broker, topic: string, logger: Logger) {
    this.log = new ReplicatedLog(broker, topic, (e) => this.#apply(e), logger);
  }

  #apply(entry: AppliedEntry): void {
    const v = entry.value as {
      connector: string;
      partition: JsonMap;
      offset: JsonMap | null;
      token: number;
      seq: number;
    } | null;
    if (v === null) return;
    const key = `${v.connector}|${canonicalJson(v.partition)}`;
    let map = this.#offsets.get(v.connector);
    const current = map?.get(key) ?? this.#resets.get(key);
    const stamp = { token: v.token, seq: v.seq };
    if (!newer(stamp, current)) return;
    if (v.offset === null) {
      map?.delete(key);
      this.#resets.set(key, stamp);
      return;
    }
    this.#resets.delete(key);
    if (map === undefined) {
      map = new Map();
      this.#offsets.set(v.connector, map);
    }
    map.set(key, { partition: v.partition, offset: v.offset, ...stamp });
  }

  get(connector: string, partitions: readonly JsonMap[]): SourceOffsetEntry[] {
    const map = this.#offsets.get(connector);
    if (map === undefined) return [];
    const out: SourceOffsetEntry[] = [];
    for (const p of partitions) {
      const e = map.get(`${connector}|${canonicalJson(p)}`);
      if (e !== undefined) out.push({ partition: e.partition, offset: e.offset });
    }
    return out;
  }

  all(connector: string): SourceOffsetEntry[] {
    return [...(this.#offsets.get(connector)?.values() ?? [])].map((e) => ({
      partition: e.partition,
      offset: e.offset,
    }));
  }

  /** Writes offsets stamped with `token`; resolves once applied locally. */
  async write(
    connector: string,
    token: number,
    entries: readonly { readonly partition: JsonMap; readonly offset: JsonMap | null }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const records: LogEntry[] = entries.map((e) => ({
      key: `${connector}|${canonicalJson(e.partition)}`,
      value: { connector, partition: e.partition, offset: e.offset, token, seq: ++this.#seq },
    }));
    await this.log.append(records);
  }

  /** An OffsetStore for one task: reads the shared view, writes under the task's ownership token. */
  forToken(token: number): OffsetStore {
    return {
      load: async () => {},
      get: (c, p) => this.get(c, p),
      all: (c) => this.all(c),
      set: (c, entries) => this.write(c, token, entries),
      clear: (c) =>
        this.write(
          c,
          token,
          this.all(c).map((e) => ({ partition: e.partition, offset: null })),
        ),
    };
  }

  /** Entries restating every current offset, to re-publish before old entries expire. */
  snapshot(): LogEntry[] {
    const out: LogEntry[] = [];
    for (const [connector, map] of this.#offsets) {
      for (const [key, e] of map) {
        out.push({ key, value: { connector, partition: e.partition, offset: e.offset, token: e.token, seq: e.seq } });
      }
    }
    return out;
  }
}

type StatusValue = StatusEntry & { readonly token: number; readonly seq: number; readonly at: number };

/**
 * Connector and task status on a one-queue topic. Entry keys: `connector:<name>`, `task:<name>/<n>`,
 * `topics:<name>` (active topics). A status stamped with an older (token, seq) never replaces a newer one.
 * Every status change is kept in the log, so the history can be audited (the failover test does).
 */
export class StatusLog implements StatusStore {
  readonly log: ReplicatedLog;
  readonly #connectors = new Map<string, StatusValue>();
  readonly #tasks = new Map<string, Map<number, StatusValue>>();
  readonly #topics = new Map<string, Set<string>>();
  #seq = 0;
  /** The membership id of this worker incarnation, stamped on every status it writes. */
  member: string;

  constructor(broker: Broker, topic: string, member: string, logger: Logger) {
    this.member = member;
    this.log = new ReplicatedLog(broker, topic, (e) => this.#apply(e), logger);
  }

  #apply(entry: AppliedEntry): void {
    const { key } = entry;
    const v = entry.value as (StatusValue & { topics?: string[] }) | null;
    if (key.startsWith('connector:')) {
      const name = key.slice('connector:'.length);
      if (v === null) {
        this.#connectors.delete(name);
        this.#tasks.delete(name);
        this.#topics.delete(name);
      } else if (newer(v, this.#connectors.get(name))) {
        this.#connectors.set(name, v);
      }
    } else if (key.startsWith('task:')) {
      const rest = key.slice('task:'.length);
      const slash = rest.lastIndexOf('/');
      const name = rest.slice(0, slash);
      const task = Number(rest.slice(slash + 1));
      let map = this.#tasks.get(name);
      if (v === null) {
        map?.delete(task);
        return;
      }
      if (map === undefined) {
        map = new Map();
        this.#tasks.set(name, map);
      }
      if (newer(v, map.get(task))) map.set(task, v);
    } else if (key.startsWith('topics:')) {
      const name = key.slice('topics:'.length);
      this.#topics.set(name, new Set(v?.topics ?? []));
    }
  }

  async load(): Promise<void> {}

  async putConnector(name: string, status: StatusEntry): Promise<void> {
    await this.log.append([{ key: `connector:${name}`, value: this.#stamp(status, status.generation) }]);
  }

  async putTask(connector: string, task: number, status: StatusEntry): Promise<void> {
    await this.log.append([{ key: `task:${connector}/${task}`, value: this.#stamp(status, status.generation) }]);
  }

  connector(name: string): StatusEntry | undefined {
    return this.#connectors.get(name);
  }

  task(connector: string, task: number): StatusEntry | undefined {
    return this.#tasks.get(connector)?.get(task);
  }

  tasks(connector: string): Map<number, StatusEntry> {
    return new Map(this.#tasks.get(connector) ?? []);
  }

  async remove(connector: string): Promise<void> {
    await this.log.append([{ key: `connector:${connector}`, value: null }]);
  }

  async removeTasksFrom(connector: string, taskCount: number): Promise<void> {
    const tasks = [...(this.#tasks.get(connector)?.keys() ?? [])].filter((t) => t >= taskCount);
    await this.log.append(tasks.map((t) => ({ key: `task:${connector}/${t}`, value: null })));
  }

  activeTopics(connector: string): string[] {
    return [...(this.#topics.get(connector) ?? [])].sort();
  }

  async addActiveTopic(connector: string, topic: string): Promise<void> {
    const current = this.#topics.get(connector) ?? new Set<string>();
    if (current.has(topic)) return;
    await this.log.append([{ key: `topics:${connector}`, value: { topics: [...current, topic].sort() } }]);
  }

  async resetActiveTopics(connector: string): Promise<void> {
    await this.log.append([{ key: `topics:${connector}`, value: { topics: [] } }]);
  }

  #stamp(status: StatusEntry, token: number): StatusValue & { member: string } {
    // The caller passes its ownership token as the generation: the token orders writers, seq orders writes.
    return { ...status, token, seq: ++this.#seq, at: Date.now(), member: this.member };
  }
}
