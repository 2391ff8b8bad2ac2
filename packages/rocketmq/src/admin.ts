import type { RocketMQClient } from './client.js';
import { InvalidArgumentError, NoRouteError, TopicNotFoundError } from './errors.js';
import { parseLenientJson } from './lenient-json.js';
import { AUTO_CREATE_TOPIC_KEY, Perm, RequestCode, ResponseCode } from './protocol.js';
import { responseError } from './response-error.js';
import type { ClusterInfo, MessageQueue } from './types.js';

/** Options of {@link Admin.createTopic}. */
export interface CreateTopicOptions {
  /** Queue count (read and write) unless given separately (default 8). */
  queues?: number;
  readQueues?: number;
  writeQueues?: number;
  /** Permission bits: 6 read+write (default), 4 read only, 2 write only. */
  perm?: number;
  /** Ordered topic flag (default false). */
  order?: boolean;
  /** Topic attributes, e.g. `{ 'message.type': 'NORMAL' }` (sent as `+key=value`). */
  attributes?: Readonly<Record<string, string>>;
  /** Cluster whose masters get the topic (default: every master known to the name server). */
  cluster?: string;
  /** Wait until the name server serves the new route (default true, up to 10 s). */
  waitForRoute?: boolean;
}

/** Per-queue offsets of a topic. */
export interface QueueOffsets {
  queue: MessageQueue;
  minOffset: number;
  maxOffset: number;
}

/**
 * Admin operations: topics (create/update on every master, delete from brokers and name servers, list),
 * subscription groups, per-queue offsets, cluster info. Errors are BrokerError with the broker's
 * responseCode/remark, or connection errors.
 */
export class Admin {
  readonly #client: RocketMQClient;

  constructor(client: RocketMQClient) {
    this.#client = client;
  }

  /** Brokers and clusters. */
  clusterInfo(): Promise<ClusterInfo> {
    return this.#client.nameServer.clusterInfo();
  }

  /** Creates or updates a topic on every master of the cluster (UPDATE_AND_CREATE_TOPIC). */
  async createTopic(topic: string, options: CreateTopicOptions = {}): Promise<void> {
    validateTopic(topic);
    const queues = options.queues ?? 8;
    const masters = await this.#client.masterAddresses(options.cluster);
    if (masters.size === 0)
      throw new NoRouteError(`no master broker${options.cluster ? ` in cluster '${options.cluster}'` : ''}`);
    const attributes = Object.entries(options.attributes ?? {})
      .map(([k, v]) => `+${k}=${v}`)
      .join(',');
    const header: Record<string, string> = {
      topic,
      defaultTopic: AUTO_CREATE_TOPIC_KEY,
      readQueueNums: String(options.readQueues ?? queues),
      writeQueueNums: String(options.writeQueues ?? queues),
      perm: String(options.perm ?? Perm.READ_WRITE),
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: '0',
      order: String(options.order ?? false),
      force: 'false',
    };
    if (attributes !== '') header.attributes = attributes;
    await Promise.all(
      [...masters.values()].map((addr) => this.#client.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, header)),
    );
    this.#client.nameServer.invalidate(topic);
    if (options.waitForRoute ?? true) {
      const want = Number(header.writeQueueNums) * masters.size;
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          const route = await this.#client.nameServer.getRoute(topic, true);
          const readable = route.data.queueDatas.reduce((n, q) => n + q.readQueueNums, 0);
          if (
            route.writeQueues.length === want ||
            (want === 0 && readable > 0) ||
            Number(header.perm) !== Perm.READ_WRITE
          )
            return;
        } catch (err) {
          if (!(err instanceof TopicNotFoundError)) throw err;
        }
        if (Date.now() > deadline)
          throw new NoRouteError(`topic '${topic}' created but its route did not appear within 10 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Deletes a topic from every master (DELETE_TOPIC_IN_BROKER) and every name server (DELETE_TOPIC_IN_NAMESRV). */
  async deleteTopic(topic: string, options: { cluster?: string } = {}): Promise<void> {
    validateTopic(topic);
    const masters = await this.#client.masterAddresses(options.cluster);
    await Promise.all(
      [...masters.values()].map((addr) => this.#client.call(addr, RequestCode.DELETE_TOPIC_IN_BROKER, { topic })),
    );
    const header: Record<string, string> = { topic };
    if (options.cluster !== undefined) header.clusterName = options.cluster;
    const responses = await this.#client.nameServer.requestAll(RequestCode.DELETE_TOPIC_IN_NAMESRV, header);
    for (const res of responses) {
      if (res.code !== ResponseCode.SUCCESS) {
        throw responseError(RequestCode.DELETE_TOPIC_IN_NAMESRV, res);
      }
    }
    this.#client.nameServer.forget(topic);
  }

  /** Every topic the name server knows (includes system topics such as TBW102 and %RETRY% topics). */
  topics(): Promise<string[]> {
    return this.#client.nameServer.topicList();
  }

  /** True when the name server has a route for the topic. */
  async topicExists(topic: string): Promise<boolean> {
    this.#client.nameServer.forget(topic);
    try {
      await this.#client.nameServer.getRoute(topic, true);
      return true;
    } catch (err) {
      if (err instanceof TopicNotFoundError) return false;
      throw err;
    }
  }

  /** Creates or updates a subscription (consumer) group on every master. */
  async createSubscriptionGroup(
    group: string,
    options: {
      cluster?: string;
      retryQueueNums?: number;
      retryMaxTimes?: number;
      consumeBroadcastEnable?: boolean;
    } = {},
  ): Promise<void> {
    if (!group) throw new InvalidArgumentError('group name required');
    const masters = await this.#client.masterAddresses(options.cluster);
    const body = subscriptionGroupBody(group, options);
    await Promise.all(
      [...masters.values()].map((addr) =>
        this.#client.call(addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, body),
      ),
    );
  }

  /** Deletes a subscription group from every master. */
  async deleteSubscriptionGroup(group: string, options: { cluster?: string } = {}): Promise<void> {
    const masters = await this.#client.masterAddresses(options.cluster);
    await Promise.all(
      [...masters.values()].map((addr) =>
        this.#client.call(addr, RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: group, cleanOffset: 'true' }),
      ),
    );
  }

  /** Min and max offsets of every readable queue of a topic. */
  async topicOffsets(topic: string): Promise<QueueOffsets[]> {
    const route = await this.#client.nameServer.getRoute(topic, true);
    return Promise.all(
      route.readQueues.map(async (queue) => {
        const addr = route.masters.get(queue.brokerName)!;
        const ext = { topic, queueId: String(queue.queueId), bname: queue.brokerName };
        const [min, max] = await Promise.all([
          this.#client.call(addr, RequestCode.GET_MIN_OFFSET, ext),
          this.#client.call(addr, RequestCode.GET_MAX_OFFSET, { ...ext, committed: 'true' }),
        ]);
        return { queue, minOffset: Number(min.extFields?.offset ?? 0), maxOffset: Number(max.extFields?.offset ?? 0) };
      }),
    );
  }

  /** Topic configs a broker holds (GET_ALL_TOPIC_CONFIG), by topic name. */
  async brokerTopicConfigs(
    address: string,
  ): Promise<
    Record<string, { readQueueNums: number; writeQueueNums: number; perm: number; attributes?: Record<string, string> }>
  > {
    const res = await this.#client.call(address, RequestCode.GET_ALL_TOPIC_CONFIG, null);
    const raw = parseLenientJson(res.body?.toString('utf8') ?? '{}') as {
      topicConfigTable?: Record<
        string,
        { readQueueNums: number; writeQueueNums: number; perm: number; attributes?: Record<string, string> }
      >;
    };
    return raw.topicConfigTable ?? {};
  }
}

function validateTopic(topic: string): void {
  if (!/^[%|a-zA-Z0-9_-]{1,127}$/.test(topic)) {
    throw new InvalidArgumentError(
      `invalid topic name '${topic}' (letters, digits, %, |, _ and - only; at most 127 characters)`,
    );
  }
}

/** The SubscriptionGroupConfig JSON body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP. */
export function subscriptionGroupBody(
  group: string,
  options: { retryQueueNums?: number; retryMaxTimes?: number; consumeBroadcastEnable?: boolean } = {},
): Buffer {
  return Buffer.from(
    JSON.stringify({
      groupName: group,
      consumeEnable: true,
      consumeFromMinEnable: true,
      consumeBroadcastEnable: options.consumeBroadcastEnable ?? true,
      consumeMessageOrderly: false,
      retryQueueNums: options.retryQueueNums ?? 1,
      retryMaxTimes: options.retryMaxTimes ?? 16,
      brokerId: 0,
      whichBrokerWhenConsumeSlowly: 1,
      notifyConsumerIdsChangedEnable: true,
      groupSysFlag: 0,
      consumeTimeoutMinute: 15,
      attributes: {},
    }),
    'utf8',
  );
}
