import { EventEmitter } from 'node:events';
import type { RocketMQClient } from './client.js';
import type { Connection } from './connection.js';
import { InvalidArgumentError, NoRouteError } from './errors.js';
import { parseLenientJson } from './lenient-json.js';
import { RequestCode, ResponseCode } from './protocol.js';
import { responseError } from './response-error.js';

/** Options of a {@link Membership}. */
export interface MembershipOptions {
  /** Consumer group whose members are tracked; this client joins it with its client id. */
  group: string;
  /**
   * Topic the group subscribes to. Brokers are the masters of its route; without it, every master of
   * the cluster. The topic must exist when given.
   */
  topic?: string;
  /** Heartbeat period (default 3000 ms; brokers drop a member after 120 s without one). */
  heartbeatIntervalMs?: number;
  /** Period of the member-list check that backs up broker notifications (default 5000 ms). */
  checkIntervalMs?: number;
}

/** Payload of the `change` event. */
export interface MembershipChange {
  group: string;
  /** Member (client) ids now, sorted. */
  members: string[];
  joined: string[];
  left: string[];
  /** What noticed it. */
  source: 'notify' | 'check' | 'start';
}

/**
 * Membership of a consumer group, the way RocketMQ Connect discovers its workers: heartbeats (HEART_BEAT)
 * register this client's id in the group on the brokers; the member list is GET_CONSUMER_LIST_BY_GROUP;
 * the broker's NOTIFY_CONSUMER_IDS_CHANGED (sent when a member joins, unregisters or its connection
 * closes) and a periodic check trigger a re-read, and a `change` event is emitted when the list differs.
 * `close()` unregisters (UNREGISTER_CLIENT), so others see the departure at once.
 *
 * Events: `change` (MembershipChange), `error` (Error from a background heartbeat/check; not fatal —
 * attach a listener, or errors are dropped).
 */
export class Membership extends EventEmitter {
  readonly group: string;
  readonly topic: string | undefined;
  readonly #client: RocketMQClient;
  readonly #heartbeatMs: number;
  readonly #checkMs: number;
  #members: string[] = [];
  #timers: NodeJS.Timeout[] = [];
  #brokers: string[] = [];
  #started = false;
  #closed = false;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #untrack: (() => void) | null = null;
  readonly #watched = new Set<Connection>();
  readonly #onReconnect = () => {
    void this.#heartbeat()
      .then(() => this.refresh('notify'))
      .catch((err) => this.#emitError(err));
  };

  constructor(client: RocketMQClient, options: MembershipOptions) {
    super();
    if (!options.group) throw new InvalidArgumentError('a group is required');
    this.#client = client;
    this.group = options.group;
    this.topic = options.topic;
    this.#heartbeatMs = options.heartbeatIntervalMs ?? 3000;
    this.#checkMs = options.checkIntervalMs ?? 5000;
  }

  /** This member's id (the client id). */
  get memberId(): string {
    return this.#client.clientId;
  }

  /** The last known member list (sorted). */
  get members(): readonly string[] {
    return this.#members;
  }

  /** Joins the group (first heartbeat), reads the member list, starts the timers. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#untrack = this.#client.track(() => this.close());
    this.#client.registerGroupListener(this.group, this.#onNotify);
    await this.#heartbeat();
    await this.refresh('start');
    this.#timers.push(
      setInterval(() => void this.#heartbeat().catch((err) => this.#emitError(err)), this.#heartbeatMs),
      setInterval(() => void this.refresh('check').catch((err) => this.#emitError(err)), this.#checkMs),
    );
    for (const t of this.#timers) t.unref();
  }

  readonly #onNotify = () => {
    void this.refresh('notify').catch((err) => this.#emitError(err));
  };

  /** Reads the member list now and emits `change` if it differs from the last one. */
  async refresh(source: MembershipChange['source'] = 'check'): Promise<void> {
    if (this.#refreshing !== null) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        const now = await this.list();
        if (this.#closed) return;
        const before = new Set(this.#members);
        const after = new Set(now);
        const joined = now.filter((m) => !before.has(m));
        const left = this.#members.filter((m) => !after.has(m));
        this.#members = now;
        if (joined.length > 0 || left.length > 0 || source === 'start') {
          this.emit('change', { group: this.group, members: now, joined, left, source } satisfies MembershipChange);
        }
      } while (this.#refreshAgain);
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** Asks a broker for the group's member ids (sorted). */
  async list(): Promise<string[]> {
    const brokers = await this.#brokerAddresses();
    let lastError: unknown;
    for (const addr of brokers) {
      try {
        const res = await this.#client.call(
          addr,
          RequestCode.GET_CONSUMER_LIST_BY_GROUP,
          { consumerGroup: this.group },
          null,
          {
            accept: [ResponseCode.SYSTEM_ERROR],
          },
        );
        // The broker answers SYSTEM_ERROR "no consumer for this group" for an empty group.
        if (res.code === ResponseCode.SYSTEM_ERROR) {
          if (/no consumer/i.test(res.remark ?? '')) return [];
          throw responseError(RequestCode.GET_CONSUMER_LIST_BY_GROUP, res, addr);
        }
        if (res.body === null) return [];
        const body = parseLenientJson(res.body.toString('utf8')) as { consumerIdList?: string[] };
        return [...(body.consumerIdList ?? [])].sort();
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError ?? new NoRouteError(`no broker for group '${this.group}'`);
  }

  async #brokerAddresses(): Promise<string[]> {
    let addrs: string[];
    if (this.topic !== undefined) {
      const route = await this.#client.nameServer.getRoute(this.topic);
      addrs = [...route.masters.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    } else {
      addrs = [...(await this.#client.masterAddresses()).entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, v]) => v);
    }
    if (addrs.length === 0) throw new NoRouteError(`no broker for group '${this.group}'`);
    return addrs;
  }

  async #heartbeat(): Promise<void> {
    if (this.#closed) return;
    const brokers = await this.#brokerAddresses();
    this.#brokers = brokers;
    const body = Buffer.from(
      JSON.stringify({
        clientID: this.#client.clientId,
        producerDataSet: [],
        consumerDataSet: [
          {
            groupName: this.group,
            consumeType: 'CONSUME_ACTIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
            unitMode: false,
            subscriptionDataSet:
              this.topic === undefined
                ? []
                : [
                    {
                      classFilterMode: false,
                      topic: this.topic,
                      subString: '*',
                      tagsSet: [],
                      codeSet: [],
                      subVersion: 0,
                      expressionType: 'TAG',
                    },
                  ],
          },
        ],
        heartbeatFingerprint: 0,
      }),
      'utf8',
    );
    await Promise.all(
      brokers.map(async (addr) => {
        const conn = this.#client.connection(addr);
        if (!this.#watched.has(conn)) {
          this.#watched.add(conn);
          conn.on('reconnect', this.#onReconnect);
        }
        await this.#client.call(addr, RequestCode.HEART_BEAT, null, body);
      }),
    );
  }

  #emitError(err: unknown): void {
    if (this.#closed) return;
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** Leaves the group (UNREGISTER_CLIENT on every broker) and stops the timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#client.unregisterGroupListener(this.group, this.#onNotify);
    for (const c of this.#watched) c.off('reconnect', this.#onReconnect);
    this.#watched.clear();
    this.#untrack?.();
    if (this.#client.closed) return;
    await Promise.allSettled(
      this.#brokers.map((addr) =>
        this.#client.call(
          addr,
          RequestCode.UNREGISTER_CLIENT,
          { clientID: this.#client.clientId, consumerGroup: this.group },
          null,
          { timeoutMs: 3000 },
        ),
      ),
    );
  }
}
