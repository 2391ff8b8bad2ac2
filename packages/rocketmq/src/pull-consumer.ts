import { subscriptionGroupBody } from './admin.js';
import type { RocketMQClient } from './client.js';
import { InvalidArgumentError, type RocketMQError } from './errors.js';
import { decodeStoredMessages, type StoredMessage } from './message-codec.js';
import { PullSysFlag, RequestCode, ResponseCode } from './protocol.js';
import { responseError } from './response-error.js';
import type { MessageQueue, PullStatus } from './types.js';

/** Options of a {@link PullConsumer}. */
export interface PullConsumerOptions {
  /** Consumer group: owner of committed offsets (created by the broker on first use when auto-create is on). */
  group: string;
}

/** Options of one pull. */
export interface PullOptions {
  /** Most messages to return (default 32; the broker caps it, 32 by default for a pull... see docs). */
  maxMessages?: number;
  /**
   * Long polling: how long the broker may hold the request when nothing is new (default 0 = answer at
   * once). The broker answers a new message at once, but "nothing new" only at its next 5 s check after
   * this time: bound the wait on the caller's side when that matters.
   */
  maxWaitMs?: number;
  /** Tag expression (`*`, `a || b`; default `*`). */
  subscription?: string;
  /** Also commit this offset for the group with the pull (PullSysFlag COMMIT_OFFSET). */
  commitOffset?: number;
  /** Abort the wait (the request itself stays in flight until its timeout; its answer is dropped). */
  signal?: AbortSignal;
}

/** What a pull returns; "nothing new" and "offset out of range" are statuses, not errors. */
export interface PullResult {
  status: PullStatus;
  messages: StoredMessage[];
  /** Offset to pull from next. */
  nextOffset: number;
  minOffset: number;
  maxOffset: number;
}

/** How often the broker's PullRequestHoldService looks at suspended pulls without new messages (5 s). */
const HOLD_CHECK_INTERVAL_MS = 5000;

/** Where to seek a queue. */
export type SeekTarget = 'earliest' | 'latest' | { timestamp: number };

/**
 * Offset-based pulls of single queues (PULL_MESSAGE with SUSPEND + SUBSCRIPTION: no heartbeat needed),
 * queue offsets, and the group's committed offsets. Callers own the position of every queue.
 *
 * Errors: BrokerError (with responseCode/remark) for refusals such as an unknown queue (29) or no read
 * permission; connection errors and timeouts (retriable).
 */
export class PullConsumer {
  readonly group: string;
  readonly #client: RocketMQClient;
  #subVersion = Date.now();

  constructor(client: RocketMQClient, options: PullConsumerOptions) {
    if (!options.group) throw new InvalidArgumentError('a consumer group is required');
    this.#client = client;
    this.group = options.group;
  }

  /** Readable queues of a topic. @throws TopicNotFoundError */
  async queues(topic: string): Promise<readonly MessageQueue[]> {
    return (await this.#client.nameServer.getRoute(topic)).readQueues;
  }

  /** Pulls messages of one queue from `offset`. */
  async pull(queue: MessageQueue, offset: number, options: PullOptions = {}): Promise<PullResult> {
    const maxWaitMs = options.maxWaitMs ?? 0;
    let sysFlag = PullSysFlag.SUBSCRIPTION;
    if (maxWaitMs > 0) sysFlag |= PullSysFlag.SUSPEND;
    if (options.commitOffset !== undefined) sysFlag |= PullSysFlag.COMMIT_OFFSET;
    const header: Record<string, string> = {
      consumerGroup: this.group,
      topic: queue.topic,
      queueId: String(queue.queueId),
      queueOffset: String(offset),
      maxMsgNums: String(options.maxMessages ?? 32),
      sysFlag: String(sysFlag),
      commitOffset: String(options.commitOffset ?? 0),
      suspendTimeoutMillis: String(maxWaitMs),
      subscription: options.subscription ?? '*',
      subVersion: String(this.#subVersion),
      expressionType: 'TAG',
      bname: queue.brokerName,
    };
    // The broker checks suspended pulls every 5 s (PullRequestHoldService): without new messages it answers
    // up to 5 s after suspendTimeoutMillis, so the request timeout leaves room for that.
    const holdSlackMs = maxWaitMs > 0 ? HOLD_CHECK_INTERVAL_MS : 0;
    for (let attempt = 0; ; attempt++) {
      const addr = await this.#address(queue, attempt > 0);
      let res: Awaited<ReturnType<RocketMQClient['call']>>;
      try {
        const pending = this.#client
          .connection(addr)
          .request(RequestCode.PULL_MESSAGE, header, null, this.#client.requestTimeoutMs + maxWaitMs + holdSlackMs);
        res = options.signal === undefined ? await pending : await abortable(pending, options.signal);
      } catch (err) {
        if ((err as RocketMQError).retriable && attempt === 0) this.#client.nameServer.invalidate(queue.topic);
        throw err;
      }
      const ext = res.extFields ?? {};
      const nextOffset = Number(ext.nextBeginOffset ?? offset);
      const minOffset = Number(ext.minOffset ?? 0);
      const maxOffset = Number(ext.maxOffset ?? 0);
      switch (res.code) {
        case ResponseCode.SUCCESS:
          return {
            status: 'FOUND',
            messages: res.body === null ? [] : decodeStoredMessages(res.body),
            nextOffset,
            minOffset,
            maxOffset,
          };
        case ResponseCode.PULL_NOT_FOUND:
          return { status: 'NO_NEW_MSG', messages: [], nextOffset, minOffset, maxOffset };
        case ResponseCode.PULL_OFFSET_MOVED:
          return { status: 'OFFSET_MOVED', messages: [], nextOffset, minOffset, maxOffset };
        case ResponseCode.PULL_RETRY_IMMEDIATELY:
          if (attempt < 3) continue;
          return { status: 'NO_NEW_MSG', messages: [], nextOffset, minOffset, maxOffset };
        default:
          throw responseError(RequestCode.PULL_MESSAGE, res, addr);
      }
    }
  }

  /** Smallest offset still stored in the queue. */
  async minOffset(queue: MessageQueue): Promise<number> {
    return this.#offsetCall(queue, RequestCode.GET_MIN_OFFSET, {});
  }

  /** Offset the next message written to the queue will get (one past the last). */
  async maxOffset(queue: MessageQueue): Promise<number> {
    return this.#offsetCall(queue, RequestCode.GET_MAX_OFFSET, { committed: 'true' });
  }

  /** First offset whose message was stored at or after `timestamp` (ms); maxOffset when none. */
  async offsetForTimestamp(queue: MessageQueue, timestamp: number): Promise<number> {
    return this.#offsetCall(queue, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
      timestamp: String(timestamp),
      boundaryType: 'LOWER',
    });
  }

  /** Resolves a seek target to an offset. */
  async seek(queue: MessageQueue, target: SeekTarget): Promise<number> {
    if (target === 'earliest') return this.minOffset(queue);
    if (target === 'latest') return this.maxOffset(queue);
    return this.offsetForTimestamp(queue, target.timestamp);
  }

  /** The group's committed offset of the queue, or undefined when the group has none. */
  async fetchOffset(queue: MessageQueue): Promise<number | undefined> {
    const addr = await this.#address(queue);
    const res = await this.#client.call(
      addr,
      RequestCode.QUERY_CONSUMER_OFFSET,
      {
        consumerGroup: this.group,
        topic: queue.topic,
        queueId: String(queue.queueId),
        setZeroIfNotFound: 'false',
        bname: queue.brokerName,
      },
      null,
      { accept: [ResponseCode.QUERY_NOT_FOUND] },
    );
    if (res.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    const offset = Number(res.extFields?.offset ?? -1);
    return offset < 0 ? undefined : offset;
  }

  /**
   * Commits the group's offset of the queue (the next offset to consume) and waits for the broker.
   * A group the broker does not know yet (code 26: it creates groups on pulls and heartbeats, not on
   * commits) is created on that broker, then the commit is sent again.
   */
  async commitOffset(queue: MessageQueue, offset: number): Promise<void> {
    const addr = await this.#address(queue);
    const header = {
      consumerGroup: this.group,
      topic: queue.topic,
      queueId: String(queue.queueId),
      commitOffset: String(offset),
      bname: queue.brokerName,
    };
    const res = await this.#client.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, header, null, {
      accept: [ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST],
    });
    if (res.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) {
      await this.#client.call(
        addr,
        RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
        null,
        subscriptionGroupBody(this.group),
      );
      await this.#client.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, header);
    }
  }

  async #offsetCall(queue: MessageQueue, code: number, extra: Record<string, string>): Promise<number> {
    const addr = await this.#address(queue);
    const res = await this.#client.call(addr, code, {
      topic: queue.topic,
      queueId: String(queue.queueId),
      bname: queue.brokerName,
      ...extra,
    });
    return Number(res.extFields?.offset ?? 0);
  }

  async #address(queue: MessageQueue, refresh = false): Promise<string> {
    if (refresh) this.#client.nameServer.invalidate(queue.topic);
    return this.#client.masterAddress(queue.topic, queue.brokerName);
  }

  /** Nothing to release today (connections belong to the client); kept for symmetry. */
  async close(): Promise<void> {}
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
