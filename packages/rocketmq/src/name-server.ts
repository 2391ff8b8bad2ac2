import type { ConnectionPool } from './connection-pool.js';
import { BrokerError, InvalidArgumentError, type RocketMQError, TopicNotFoundError } from './errors.js';
import { parseLenientJson } from './lenient-json.js';
import { Perm, RequestCode, ResponseCode } from './protocol.js';
import type { RemotingCommand } from './remoting-codec.js';
import type { BrokerData, ClusterInfo, MessageQueue, QueueData, TopicRouteData } from './types.js';

/** A topic's route with its queues worked out. */
export interface TopicRoute {
  readonly topic: string;
  readonly data: TopicRouteData;
  /** Writable queues (broker has a master and write permission), sorted by broker name then queue id. */
  readonly writeQueues: readonly MessageQueue[];
  /** Readable queues, sorted the same way. */
  readonly readQueues: readonly MessageQueue[];
  /** brokerName → master address. */
  readonly masters: ReadonlyMap<string, string>;
  readonly fetchedAt: number;
}

/** Builds a {@link TopicRoute} from the name server's route data (pure). */
export function buildTopicRoute(topic: string, data: TopicRouteData, fetchedAt = Date.now()): TopicRoute {
  const masters = new Map<string, string>();
  for (const b of data.brokerDatas) {
    const addr = b.brokerAddrs['0'];
    if (addr !== undefined) masters.set(b.brokerName, addr);
  }
  const qds = [...data.queueDatas].sort((a, b) =>
    a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0,
  );
  const writeQueues: MessageQueue[] = [];
  const readQueues: MessageQueue[] = [];
  for (const qd of qds) {
    if (!masters.has(qd.brokerName)) continue;
    if (qd.perm & Perm.WRITE) {
      for (let i = 0; i < qd.writeQueueNums; i++) writeQueues.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
    if (qd.perm & Perm.READ) {
      for (let i = 0; i < qd.readQueueNums; i++) readQueues.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
  }
  return { topic, data, writeQueues, readQueues, masters, fetchedAt };
}

/** Parses a GET_ROUTEINFO_BY_TOPIC body (standard or fastjson JSON). */
export function parseTopicRouteData(body: Buffer): TopicRouteData {
  const raw = parseLenientJson(body.toString('utf8')) as {
    queueDatas?: Partial<QueueData>[];
    brokerDatas?: { cluster?: string; brokerName?: string; brokerAddrs?: Record<string, string> }[];
  };
  return {
    queueDatas: (raw.queueDatas ?? []).map((q) => ({
      brokerName: String(q.brokerName),
      readQueueNums: Number(q.readQueueNums ?? 0),
      writeQueueNums: Number(q.writeQueueNums ?? 0),
      perm: Number(q.perm ?? 0),
      topicSysFlag: Number(q.topicSysFlag ?? 0),
    })),
    brokerDatas: (raw.brokerDatas ?? []).map(toBrokerData),
  };
}

/** Parses a GET_BROKER_CLUSTER_INFO body (fastjson: bare numeric keys in brokerAddrs). */
export function parseClusterInfo(body: Buffer): ClusterInfo {
  const raw = parseLenientJson(body.toString('utf8')) as {
    brokerAddrTable?: Record<string, { cluster?: string; brokerName?: string; brokerAddrs?: Record<string, string> }>;
    clusterAddrTable?: Record<string, string[]>;
  };
  const brokers: Record<string, BrokerData> = {};
  for (const [name, b] of Object.entries(raw.brokerAddrTable ?? {}))
    brokers[name] = toBrokerData({ brokerName: name, ...b });
  return { brokers, clusters: raw.clusterAddrTable ?? {} };
}

function toBrokerData(b: { cluster?: string; brokerName?: string; brokerAddrs?: Record<string, string> }): BrokerData {
  const brokerAddrs: Record<string, string> = {};
  for (const [id, addr] of Object.entries(b.brokerAddrs ?? {})) brokerAddrs[String(id)] = String(addr);
  return { cluster: String(b.cluster ?? ''), brokerName: String(b.brokerName ?? ''), brokerAddrs };
}

/** Splits `host:port;host:port` into addresses. */
export function parseNameServerAddresses(spec: string): string[] {
  const list = spec
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new InvalidArgumentError(`no name-server address in '${spec}'`);
  return list;
}

export interface NameServerOptions {
  /** Cached routes are refreshed this often (default 30 000 ms). */
  routeRefreshIntervalMs?: number;
  /** Time per request (default 3000 ms). */
  requestTimeoutMs?: number;
  /**
   * How long a route confirmed by the name server is still used when the name server then says the
   * topic does not exist (default 120 000 ms; covers a broker restart).
   */
  staleRouteMs?: number;
}

/**
 * Client of one or several name servers. Requests go to one name server and fail over to the next on a
 * connection error or timeout. Routes are cached, refreshed periodically, and can be invalidated by callers
 * that got an error from a broker.
 */
export class NameServerClient {
  readonly addresses: readonly string[];
  readonly #pool: ConnectionPool;
  readonly #timeoutMs: number;
  readonly #routes = new Map<string, TopicRoute>();
  readonly #inflight = new Map<string, Promise<TopicRoute>>();
  readonly #stale = new Set<string>();
  readonly #staleRouteMs: number;
  #current: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(addresses: string | readonly string[], pool: ConnectionPool, options: NameServerOptions = {}) {
    this.addresses = typeof addresses === 'string' ? parseNameServerAddresses(addresses) : [...addresses];
    if (this.addresses.length === 0) throw new InvalidArgumentError('no name-server address');
    this.#pool = pool;
    this.#timeoutMs = options.requestTimeoutMs ?? 3000;
    this.#staleRouteMs = options.staleRouteMs ?? 120_000;
    this.#current = Math.floor(Math.random() * this.addresses.length);
    const interval = options.routeRefreshIntervalMs ?? 30_000;
    this.#timer = setInterval(() => void this.#refreshAll(), interval);
    this.#timer.unref();
  }

  /** Sends a request to a name server, failing over to the others on connection errors and timeouts. */
  async request(
    code: number,
    extFields: Record<string, string> | null,
    body: Buffer | null = null,
  ): Promise<RemotingCommand> {
    let lastError: unknown;
    for (let i = 0; i < this.addresses.length; i++) {
      const index = (this.#current + i) % this.addresses.length;
      const addr = this.addresses[index]!;
      try {
        const res = await this.#pool.get(addr).request(code, extFields, body, this.#timeoutMs);
        this.#current = index;
        return res;
      } catch (err) {
        lastError = err;
        if (!(err as RocketMQError).retriable) throw err;
      }
    }
    throw lastError;
  }

  /** Sends a request to every name server (e.g. delete a topic); rejects if any fails. */
  async requestAll(code: number, extFields: Record<string, string> | null): Promise<RemotingCommand[]> {
    return Promise.all(this.addresses.map((a) => this.#pool.get(a).request(code, extFields, null, this.#timeoutMs)));
  }

  /**
   * The route of a topic, from the cache unless `refresh` or absent.
   * @throws TopicNotFoundError when the name server knows no such topic
   */
  getRoute(topic: string, refresh = false): Promise<TopicRoute> {
    if (!refresh && !this.#stale.has(topic)) {
      const cached = this.#routes.get(topic);
      if (cached !== undefined) return Promise.resolve(cached);
    }
    let p = this.#inflight.get(topic);
    if (p === undefined) {
      p = this.#fetchRoute(topic).finally(() => this.#inflight.delete(topic));
      this.#inflight.set(topic, p);
    }
    return p;
  }

  /** The cached route if any, without a request. */
  cachedRoute(topic: string): TopicRoute | undefined {
    return this.#routes.get(topic);
  }

  /**
   * Marks a cached route for refresh: the next use fetches it again, but keeps it if the name server
   * (briefly) does not know the topic. Call after a broker error.
   */
  invalidate(topic: string): void {
    this.#stale.add(topic);
  }

  /** Drops a cached route entirely (after deleting the topic, or to ask the name server for the truth). */
  forget(topic: string): void {
    this.#routes.delete(topic);
    this.#stale.delete(topic);
  }

  async #fetchRoute(topic: string): Promise<TopicRoute> {
    const res = await this.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, acceptStandardJsonOnly: 'true' });
    if (res.code === ResponseCode.TOPIC_NOT_EXIST) {
      // A restarting broker is missing from the name server for a while (it unregisters on shutdown and
      // registers again some seconds after it is back): keep serving a recently confirmed route, as the
      // Java client does. Callers that need the truth call forget() first.
      const known = this.#routes.get(topic);
      if (known !== undefined && Date.now() - known.fetchedAt < this.#staleRouteMs) return known;
      this.#routes.delete(topic);
      throw new TopicNotFoundError(topic, {
        responseCode: res.code,
        remark: res.remark,
        requestCode: RequestCode.GET_ROUTEINFO_BY_TOPIC,
      });
    }
    if (res.code !== ResponseCode.SUCCESS || res.body === null) {
      throw new BrokerError(`route of '${topic}': ${res.remark ?? `code ${res.code}`}`, {
        responseCode: res.code,
        remark: res.remark,
        requestCode: RequestCode.GET_ROUTEINFO_BY_TOPIC,
      });
    }
    const route = buildTopicRoute(topic, parseTopicRouteData(res.body));
    this.#routes.set(topic, route);
    this.#stale.delete(topic);
    return route;
  }

  async #refreshAll(): Promise<void> {
    for (const topic of [...this.#routes.keys()]) {
      try {
        await this.getRoute(topic, true);
      } catch {
        // keep the last known route; callers refresh on their own errors
      }
    }
  }

  /** Brokers and clusters. */
  async clusterInfo(): Promise<ClusterInfo> {
    const res = await this.request(RequestCode.GET_BROKER_CLUSTER_INFO, null);
    if (res.code !== ResponseCode.SUCCESS || res.body === null) {
      throw new BrokerError(`cluster info: ${res.remark ?? `code ${res.code}`}`, {
        responseCode: res.code,
        remark: res.remark,
        requestCode: RequestCode.GET_BROKER_CLUSTER_INFO,
      });
    }
    return parseClusterInfo(res.body);
  }

  /** Every topic the name servers know. */
  async topicList(): Promise<string[]> {
    const res = await this.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null);
    if (res.code !== ResponseCode.SUCCESS || res.body === null) {
      throw new BrokerError(`topic list: ${res.remark ?? `code ${res.code}`}`, {
        responseCode: res.code,
        remark: res.remark,
        requestCode: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
      });
    }
    const raw = parseLenientJson(res.body.toString('utf8')) as { topicList?: string[] };
    return raw.topicList ?? [];
  }

  /** Stops the periodic refresh (connections belong to the pool). */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
