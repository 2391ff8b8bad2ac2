import { AlreadyExistsError } from '@tributary/api';
import type { Membership } from '../broker.js';

type Listener = (members: readonly string[]) => void;

/**
 * Membership groups of one embedded broker. The embedded broker lives in one process, so members are
 * the in-process callers of `joinGroup` (several of them let runtime tests simulate a cluster); a member
 * is gone when it leaves or the broker closes. Listeners are called asynchronously, after the change.
 */
export class MembershipRegistry {
  readonly #groups = new Map<string, Map<string, EmbeddedMembership>>();

  /** @throws AlreadyExistsError when `memberId` is already a live member of `group`. */
  join(group: string, memberId: string): Membership {
    let members = this.#groups.get(group);
    if (members === undefined) {
      members = new Map();
      this.#groups.set(group, members);
    }
    if (members.has(memberId)) throw new AlreadyExistsError(`member ${memberId} is already in group ${group}`);
    const m = new EmbeddedMembership(group, memberId, this);
    members.set(memberId, m);
    this.#changed(group);
    return m;
  }

  /** Sorted ids of the group's live members. */
  members(group: string): string[] {
    return [...(this.#groups.get(group)?.keys() ?? [])].sort();
  }

  /** Removes a member; returns false when it was not there. */
  remove(m: EmbeddedMembership): boolean {
    const members = this.#groups.get(m.group);
    if (members?.get(m.memberId) !== m) return false;
    members.delete(m.memberId);
    if (members.size === 0) this.#groups.delete(m.group);
    this.#changed(m.group);
    return true;
  }

  #changed(group: string): void {
    const ids = Object.freeze(this.members(group));
    // Listeners subscribed at the time of the change hear it; later subscribers only hear later changes.
    const deliveries = [...(this.#groups.get(group)?.values() ?? [])].map((m) => m.listenersNow());
    queueMicrotask(() => {
      for (const deliver of deliveries) deliver(ids);
    });
  }

  /** Every member leaves (broker close). */
  leaveAll(): void {
    for (const members of [...this.#groups.values()]) for (const m of [...members.values()]) m.leaveNow();
  }
}

class EmbeddedMembership implements Membership {
  readonly #listeners = new Set<Listener>();
  #left = false;

  constructor(
    readonly group: string,
    readonly memberId: string,
    private readonly registry: MembershipRegistry,
  ) {}

  async members(): Promise<string[]> {
    return this.registry.members(this.group);
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A function delivering a change to the listeners subscribed now (and still subscribed then). */
  listenersNow(): (ids: readonly string[]) => void {
    const listeners = [...this.#listeners];
    return (ids) => {
      for (const l of listeners) {
        if (this.#left || !this.#listeners.has(l)) continue;
        try {
          l(ids);
        } catch (err) {
          process.emitWarning(`membership listener of ${this.memberId} in ${this.group} threw: ${String(err)}`);
        }
      }
    };
  }

  leaveNow(): void {
    if (this.#left) return;
    this.#left = true;
    this.#listeners.clear();
    this.registry.remove(this);
  }

  async leave(): Promise<void> {
    this.leaveNow();
  }
}
