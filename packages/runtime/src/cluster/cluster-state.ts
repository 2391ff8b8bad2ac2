import type { TargetState } from '../herder/entities.js';
import { taskKey } from './allocation.js';
import type { AppliedEntry, LogEntry } from './replicated-log.js';

/**
 * The shared state of a cluster, rebuilt by every worker from the config log. Entries (key → value):
 *
 * | key | value | meaning |
 * |---|---|---|
 * | `connector:<name>` | `{config}` or null | connector config; null deletes the connector |
 * | `target:<name>` | `{state}` | target state STARTED / PAUSED / STOPPED |
 * | `tasks:<name>` | `{configOffset, configs}` | task configs computed from the config at `configOffset` |
 * | `claim:<name>/<task>` | `{member}` | a member asks to own a task; valid only if the task is free |
 * | `release:<name>/<task>` | `{member, token}` | the owner stopped the task and committed its offsets |
 * | `evict:<member>` | `{by}` | a member gone longer than rebalance.delay.ms: its tasks become free |
 * | `leave:<member>` | `{}` | a member stopped gracefully (after releasing its tasks) |
 * | `member:<member>` | `{workerId, url}` | who a member is, for REST answers |
 * | `restart:<name>` | `{includeTasks, onlyFailed, id}` | a restart request for the connector's owners |
 * | `restart-task:<name>/<task>` | `{id}` | a restart request for one task |
 * | `owner:<name>/<task>` | `{member, token, released}` | snapshot form of ownership (see {@link snapshot}) |
 * | `state:<name>` | `{config, configOffset, target, taskConfigs}` | snapshot form of a connector, keeping its generation |
 *
 * Ownership is a deterministic function of the log: a claim takes a task only when nobody owns it (never
 * claimed, released, or its owner evicted/left), and its **token** is the claim's offset, which grows with
 * every claim. Offsets and status written under a token never replace those written under a newer one,
 * which fences a zombie owner.
 */
export interface ConnectorEntry {
  readonly config: Readonly<Record<string, string>>;
  /** Offset of the entry that set this config: its generation. */
  readonly configOffset: number;
  readonly target: TargetState;
  /** Task configs of the current config generation, or null until the connector's owner wrote them. */
  readonly taskConfigs: readonly Readonly<Record<string, string>>[] | null;
}

export interface TaskOwnership {
  /** The member that owns (or last owned) the task. */
  readonly member: string;
  /** Offset of the claim: the fencing token of this ownership. */
  readonly token: number;
  /** True once the owner released it (or was evicted / left): anyone may claim it. */
  readonly released: boolean;
}

export interface RestartRequestEntry {
  readonly id: string;
  readonly offset: number;
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

export class ClusterState {
  readonly #connectors = new Map<string, ConnectorEntry>();
  readonly #owners = new Map<string, TaskOwnership>();
  readonly #gone = new Set<string>();
  readonly #members = new Map<string, { workerId: string; url: string }>();
  readonly #restarts = new Map<string, RestartRequestEntry>();
  readonly #taskRestarts = new Map<string, { id: string; offset: number }>();
  readonly #listeners = new Set<(entry: AppliedEntry) => void>();

  /** Applies one log entry (called in log order). */
  apply(entry: AppliedEntry): void {
    const { key, value, offset } = entry;
    const colon = key.indexOf(':');
    const kind = colon < 0 ? key : key.slice(0, colon);
    const rest = colon < 0 ? '' : key.slice(colon + 1);
    const v = (value ?? null) as Record<string, unknown> | null;
    switch (kind) {
      case 'connector': {
        if (v === null) {
          this.#connectors.delete(rest);
          break;
        }
        const previous = this.#connectors.get(rest);
        this.#connectors.set(rest, {
          config: v.config as Record<string, string>,
          configOffset: offset,
          target: previous?.target ?? 'STARTED',
          taskConfigs: null,
        });
        break;
      }
      case 'target': {
        const c = this.#connectors.get(rest);
        if (c !== undefined && v !== null) this.#connectors.set(rest, { ...c, target: v.state as TargetState });
        break;
      }
      case 'tasks': {
        const c = this.#connectors.get(rest);
        // Task configs computed from an older config generation are stale.
        if (c !== undefined && v !== null && v.configOffset === c.configOffset) {
          this.#connectors.set(rest, { ...c, taskConfigs: v.configs as Record<string, string>[] });
        }
        break;
      }
      case 'claim': {
        const member = v?.member as string | undefined;
        if (member === undefined || this.#gone.has(member)) break;
        const current = this.#owners.get(rest);
        if (current === undefined || current.released || this.#gone.has(current.member)) {
          this.#owners.set(rest, { member, token: offset, released: false });
        }
        break;
      }
      case 'release': {
        const current = this.#owners.get(rest);
        if (current !== undefined && v !== null && current.member === v.member && current.token === v.token) {
          this.#owners.set(rest, { ...current, released: true });
        }
        break;
      }
      case 'evict':
      case 'leave': {
        this.#gone.add(rest);
        for (const [task, o] of this.#owners)
          if (o.member === rest && !o.released) this.#owners.set(task, { ...o, released: true });
        break;
      }
      case 'member': {
        if (v !== null) this.#members.set(rest, { workerId: String(v.workerId), url: String(v.url ?? '') });
        break;
      }
      case 'owner': {
        if (v !== null && (this.#owners.get(rest)?.token ?? -1) <= (v.token as number)) {
          this.#owners.set(rest, {
            member: v.member as string,
            token: v.token as number,
            released: v.released === true,
          });
        }
        break;
      }
      case 'state': {
        if (v === null) break;
        const current = this.#connectors.get(rest);
        // A snapshot restates a connector without changing its generation; it never rolls one back.
        if (current === undefined || current.configOffset <= (v.configOffset as number)) {
          this.#connectors.set(rest, {
            config: v.config as Record<string, string>,
            configOffset: v.configOffset as number,
            target: v.target as TargetState,
            taskConfigs: (v.taskConfigs as Record<string, string>[] | null) ?? null,
          });
        }
        break;
      }
      case 'restart': {
        if (v !== null) {
          this.#restarts.set(rest, {
            id: String(v.id),
            offset,
            includeTasks: v.includeTasks === true,
            onlyFailed: v.onlyFailed === true,
          });
        }
        break;
      }
      case 'restart-task': {
        if (v !== null) this.#taskRestarts.set(rest, { id: String(v.id), offset });
        break;
      }
      default:
        break;
    }
    for (const l of this.#listeners) l(entry);
  }

  /** Called after each applied entry. Returns an unsubscribe. */
  onApply(listener: (entry: AppliedEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  connectorNames(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  connector(name: string): ConnectorEntry | undefined {
    return this.#connectors.get(name);
  }

  owner(connector: string, task: number): TaskOwnership | undefined {
    return this.#owners.get(taskKey(connector, task));
  }

  /** Current (unreleased) owners of tasks, for sticky allocation. */
  owners(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [task, o] of this.#owners) if (!o.released && !this.#gone.has(o.member)) out.set(task, o.member);
    return out;
  }

  /** Tasks a member owns (unreleased). */
  ownedBy(member: string): { task: string; token: number }[] {
    return [...this.#owners]
      .filter(([, o]) => o.member === member && !o.released)
      .map(([task, o]) => ({ task, token: o.token }));
  }

  /** True once a member was evicted or left: its old incarnation must not run anything. */
  isGone(member: string): boolean {
    return this.#gone.has(member);
  }

  memberInfo(member: string): { workerId: string; url: string } | undefined {
    return this.#members.get(member);
  }

  restartRequest(connector: string): RestartRequestEntry | undefined {
    return this.#restarts.get(connector);
  }

  taskRestartRequest(connector: string, task: number): { id: string; offset: number } | undefined {
    return this.#taskRestarts.get(taskKey(connector, task));
  }

  /**
   * Entries that recreate the current state from nothing, for re-publishing before old entries expire
   * (brokers delete old messages by retention): configs, targets, task configs, ownerships, members.
   */
  snapshot(liveMembers: ReadonlySet<string>): LogEntry[] {
    const out: LogEntry[] = [];
    for (const [name, c] of this.#connectors) {
      out.push({
        key: `state:${name}`,
        value: { config: c.config, configOffset: c.configOffset, target: c.target, taskConfigs: c.taskConfigs },
      });
    }
    for (const [member, info] of this.#members)
      if (liveMembers.has(member)) out.push({ key: `member:${member}`, value: info });
    for (const [task, o] of this.#owners) {
      if (!o.released && liveMembers.has(o.member)) out.push({ key: `owner:${task}`, value: { ...o } });
    }
    return out;
  }
}
