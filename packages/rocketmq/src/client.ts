import { randomBytes } from 'node:crypto';
import { Admin } from './admin.js';
import type { Connection } from './connection.js';
import { ConnectionPool } from './connection-pool.js';
import { ClientClosedError, NoRouteError } from './errors.js';
import { Membership, type MembershipOptions } from './membership.js';
import { localIPv4, MessageIdGenerator } from './message-id.js';
import { NameServerClient } from './name-server.js';
import { Producer, type ProducerOptions } from './producer.js';
import { RequestCode, ResponseCode } from './protocol.js';
import { PullConsumer, type PullConsumerOptions } from './pull-consumer.js';
import type { RemotingCommand } from './remoting-codec.js';
import { responseError } from './response-error.js';

/** Options of a {@link RocketMQClient}. */
export interface ClientOptions {
  /** Name-server addresses, `host:port;host:port`. */
  nameServer: string;
  /**
   * This client's id as brokers see it (consumer-group member lists show it). Default
   * `<ip>@<pid>#<random>`, unique per client instance.
   */
  clientId?: string;
  /** Default per-request timeout for brokers (default 5000 ms). */
  requestTimeoutMs?: number;
  /** TCP connect timeout (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Route refresh period (default 30 000 ms). */
  routeRefreshIntervalMs?: number;
  /** Reconnect backoff: first delay (default 100 ms) and cap (default 5000 ms). */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
}

/**
 * Entry point: owns the connections (one per server, shared), the name-server client and the client id.
 * Create producers, pull consumers, memberships and admin from it; `close()` ends all of them.
 */
export class RocketMQClient {
  readonly clientId: string;
  readonly nameServer: NameServerClient;
  readonly pool: ConnectionPool;
  readonly ids = new MessageIdGenerator();
  readonly requestTimeoutMs: number;
  readonly #closers = new Set<() => Promise<void>>();
  readonly #groupListeners = new Map<string, Set<() => void>>();
  readonly #startedAt = Date.now();
  readonly #nameServerSpec: string;
  #closed = false;

  constructor(options: ClientOptions) {
    this.clientId =
      options.clientId ?? `${Array.from(localIPv4()).join('.')}@${process.pid}#${randomBytes(4).toString('hex')}`;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.pool = new ConnectionPool({
      requestTimeoutMs: this.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 100,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 5000,
    });
    this.nameServer = new NameServerClient(options.nameServer, this.pool, {
      routeRefreshIntervalMs: options.routeRefreshIntervalMs ?? 30_000,
    });
    this.#nameServerSpec = options.nameServer;
    // Broker → client requests.
    this.pool.setRequestHandler(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      const group = req.extFields?.consumerGroup;
      const listeners = group === undefined ? undefined : this.#groupListeners.get(group);
      if (listeners !== undefined) for (const l of listeners) l();
      return null;
    });
    this.pool.setRequestHandler(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => {
      const group = req.extFields?.consumerGroup ?? '';
      const info = {
        properties: {
          PROP_CLIENT_VERSION: 'V5_3_3',
          PROP_CONSUME_TYPE: 'CONSUME_ACTIVELY',
          PROP_NAMESERVER_ADDR: this.#nameServerSpec,
          PROP_CONSUMER_START_TIMESTAMP: String(this.#startedAt),
          PROP_CLIENT_SDK: 'tributary-rocketmq (Node.js)',
          PROP_THREADPOOL_CORE_SIZE: '1',
        },
        subscriptionSet: [],
        mqTable: {},
        mqPopTable: {},
        statusTable: {},
        userConsumerInfo: {},
        jstack: null,
      };
      return this.#groupListeners.has(group)
        ? { code: ResponseCode.SUCCESS, body: Buffer.from(JSON.stringify(info), 'utf8') }
        : { code: ResponseCode.SYSTEM_ERROR, remark: `consumer group '${group}' is not active in this client` };
    });
  }

  /** Creates a producer. */
  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this, options);
  }

  /** Creates a pull consumer of a group. */
  consumer(options: PullConsumerOptions): PullConsumer {
    return new PullConsumer(this, options);
  }

  /** Creates (not started) a membership of a group; call `start()`. */
  membership(options: MembershipOptions): Membership {
    return new Membership(this, options);
  }

  /** Admin operations (topics, groups, offsets). */
  admin(): Admin {
    return new Admin(this);
  }

  /** @internal NOTIFY_CONSUMER_IDS_CHANGED listeners by group. */
  registerGroupListener(group: string, listener: () => void): void {
    let set = this.#groupListeners.get(group);
    if (set === undefined) {
      set = new Set();
      this.#groupListeners.set(group, set);
    }
    set.add(listener);
  }

  /** @internal */
  unregisterGroupListener(group: string, listener: () => void): void {
    const set = this.#groupListeners.get(group);
    set?.delete(listener);
    if (set?.size === 0) this.#groupListeners.delete(group);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The connection to a broker address. */
  connection(address: string): Connection {
    if (this.#closed) throw new ClientClosedError();
    return this.pool.get(address);
  }

  /** Master address of a broker, from the topic's route. */
  async masterAddress(topic: string, brokerName: string): Promise<string> {
    let route = await this.nameServer.getRoute(topic);
    let addr = route.masters.get(brokerName);
    if (addr === undefined) {
      route = await this.nameServer.getRoute(topic, true);
      addr = route.masters.get(brokerName);
    }
    if (addr === undefined) throw new NoRouteError(`no master of broker '${brokerName}' for topic '${topic}'`);
    return addr;
  }

  /** Master addresses of every broker of the cluster (or all clusters when none is named). */
  async masterAddresses(cluster?: string): Promise<Map<string, string>> {
    const info = await this.nameServer.clusterInfo();
    const names = cluster === undefined ? Object.keys(info.brokers) : (info.clusters[cluster] ?? []);
    const out = new Map<string, string>();
    for (const name of names) {
      const addr = info.brokers[name]?.brokerAddrs['0'];
      if (addr !== undefined) out.set(name, addr);
    }
    return out;
  }

  /** Sends a request to a broker address; throws a typed error on a non-success response. */
  async call(
    address: string,
    code: number,
    extFields: Record<string, string> | null,
    body: Buffer | null = null,
    options: { timeoutMs?: number; accept?: readonly number[] } = {},
  ): Promise<RemotingCommand> {
    const res = await this.connection(address).request(
      code,
      extFields,
      body,
      options.timeoutMs ?? this.requestTimeoutMs,
    );
    if (res.code !== ResponseCode.SUCCESS && !options.accept?.includes(res.code))
      throw responseError(code, res, address);
    return res;
  }

  /** @internal registers something to close with the client */
  track(closer: () => Promise<void>): () => void {
    this.#closers.add(closer);
    return () => this.#closers.delete(closer);
  }

  /** Closes producers, consumers and memberships created from this client, then every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const closers = [...this.#closers];
    this.#closers.clear();
    await Promise.allSettled(closers.map((c) => c()));
    this.#closed = true;
    this.nameServer.close();
    await this.pool.close();
  }
}
