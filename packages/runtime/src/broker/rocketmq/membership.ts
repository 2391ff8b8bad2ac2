import type { Logger } from '@tributary/api';
import type { Membership as ClientMembership, MembershipChange, RocketMQClient } from '@tributary/rocketmq';
import type { Membership } from '../broker.js';
import { toConnectError } from './errors.js';

type Listener = (members: readonly string[]) => void;

/**
 * A member of a membership group on RocketMQ: a consumer group whose members are client ids. The member
 * has its own client (own connections) whose client id is the member id, so each member is one channel
 * on the brokers, as a separate worker process would be. The client heartbeats (every 3 s); a member
 * that leaves unregisters (UNREGISTER_CLIENT); a member whose process dies is dropped by the broker as
 * soon as its TCP connection closes. Every change reaches the others through NOTIFY_CONSUMER_IDS_CHANGED,
 * backed by a check of the member list every 5 s.
 */
export class RocketMQMembership implements Membership {
  readonly #client: RocketMQClient;
  readonly #membership: ClientMembership;
  readonly #listeners = new Set<Listener>();
  readonly #onLeft: (m: RocketMQMembership) => void;
  #left = false;
  #leaving: Promise<void> | null = null;

  constructor(
    readonly group: string,
    readonly memberId: string,
    client: RocketMQClient,
    membership: ClientMembership,
    logger: Logger | undefined,
    onLeft: (m: RocketMQMembership) => void,
  ) {
    this.#client = client;
    this.#membership = membership;
    this.#onLeft = onLeft;
    membership.on('change', (change: MembershipChange) => {
      if (change.joined.length === 0 && change.left.length === 0) return;
      const ids = Object.freeze([...change.members]);
      for (const l of [...this.#listeners]) {
        if (this.#left) return;
        try {
          l(ids);
        } catch (err) {
          process.emitWarning(`membership listener of ${memberId} in ${group} threw: ${String(err)}`);
        }
      }
    });
    let lastWarn = 0;
    membership.on('error', (err: unknown) => {
      if (Date.now() - lastWarn < 30_000) return;
      lastWarn = Date.now();
      logger?.warn(`RocketMQ membership of ${memberId} in group ${group}: ${(err as Error).message}`);
    });
  }

  /** Ids of the live members, sorted, as the broker lists them now; empty once this member left. */
  async members(): Promise<string[]> {
    if (this.#left) return [];
    try {
      return await this.#membership.list();
    } catch (err) {
      throw toConnectError(err, `listing the members of group ${this.group}`);
    }
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Unregisters from the brokers and closes this member's connections. */
  leave(): Promise<void> {
    this.#leaving ??= (async () => {
      this.#left = true;
      this.#listeners.clear();
      try {
        await this.#membership.close();
      } finally {
        await this.#client.close();
        this.#onLeft(this);
      }
    })();
    return this.#leaving;
  }
}
