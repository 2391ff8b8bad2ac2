import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortedError,
  ConfigError,
  ConnectError,
  type ConnectorConfig,
  DataError,
  type FieldErrors,
  isRetriable,
  type Logger,
  type QueueOffset,
  queueKey,
  RetriableError,
  type Schema,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicQueue,
} from '@tributary/api';
import { UniformSinkConnector } from '../common/uniform-sink-connector.js';
import { ActionBuilder, type BulkAction, Skipped } from './actions.js';
import { parseBulkResponse } from './bulk.js';
import {
  CONNECTION_PASSWORD_CONFIG,
  CONNECTION_USERNAME_CONFIG,
  ELASTICSEARCH_SINK_SPEC,
  type ElasticsearchSinkConfig,
  normalizeUrl,
} from './config.js';
import { ElasticsearchClient, type HttpResponse, isRetriableStatus } from './connection.js';
import { indexMapping } from './mapping.js';
import { backoffMs, retryAfterMs } from './retry.js';

const NAME = 'ElasticsearchSink';

function credentialErrors(config: Readonly<Record<string, unknown>>): FieldErrors {
  const user = config[CONNECTION_USERNAME_CONFIG];
  const password = config[CONNECTION_PASSWORD_CONFIG];
  const has = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (has(user) === has(password)) return {};
  const key = has(user) ? CONNECTION_PASSWORD_CONFIG : CONNECTION_USERNAME_CONFIG;
  return { [key]: [`${CONNECTION_USERNAME_CONFIG} and ${CONNECTION_PASSWORD_CONFIG} must be set together`] };
}

/**
 * Writes records to Elasticsearch or OpenSearch indices. Every task gets the connector's config; the
 * runtime spreads the topics' queues over them.
 */
export class ElasticsearchSinkConnector extends UniformSinkConnector {
  constructor() {
    super(ELASTICSEARCH_SINK_SPEC, NAME);
  }

  validate(config: ConnectorConfig): FieldErrors {
    return credentialErrors(config);
  }
}

/** Test hooks of {@link ElasticsearchSinkTask}; the plugin creates tasks with the defaults. */
export interface ElasticsearchSinkTaskOptions {
  /** Source of jitter for retry backoff (default Math.random). */
  readonly random?: () => number;
}

/** Records sent (or to be sent) in one bulk request. */
interface Batch {
  readonly actions: BulkAction[];
  bytes: number;
  /** Settled: written, dropped per behavior, or failed for good (then a failure is recorded). */
  done: boolean;
  promise: Promise<void>;
}

function newBatch(): Batch {
  return { actions: [], bytes: 0, done: false, promise: Promise.resolve() };
}

/** A FIFO counting semaphore: at most `permits` bulk requests on the wire. */
class Slots {
  #free: number;
  readonly #waiters: Array<() => void> = [];
  constructor(permits: number) {
    this.#free = permits;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}

/**
 * Buffers records into bulk requests of `batch.size` records (or `bulk.size.bytes`), sends full batches
 * at once and partial ones after `linger.ms`, with at most `max.in.flight.requests` outstanding; `put`
 * waits while they (or `max.buffered.records`) are exhausted.
 *
 * Offsets: `preCommit` sends what is buffered, waits up to `flush.timeout.ms` for every request, and
 * returns per queue the offset of the first record not yet acknowledged (or the runtime's offset when all
 * are): nothing is committed before the cluster acknowledged it.
 *
 * Ordering: a batch that writes a document id still being written by an earlier batch waits for it, so
 * the last record of a key wins even with several requests in flight and retries of single items.
 *
 * Failures: transient ones (connection errors, timeouts, HTTP 429/5xx for the whole request or single
 * items) are retried `max.retries` times with backoff. When they are used up, the next `preCommit` throws a
 * RetriableError: the runtime then rewinds to the last committed offsets and redelivers (documents are
 * idempotent by id). Other failures (authentication, an item error that is not the document's fault) are a
 * ConnectError from the next `put`: the task fails.
 */
export class ElasticsearchSinkTask implements SinkTask {
  readonly #random: () => number;
  #config: ElasticsearchSinkConfig | undefined;
  #context: SinkTaskContext | undefined;
  #logger: Logger | undefined;
  #client: ElasticsearchClient | undefined;
  #builder: ActionBuilder | undefined;
  #slots = new Slots(1);
  #schemaIgnoreTopics: ReadonlySet<string> = new Set();
  #open: Batch = newBatch();
  #linger: NodeJS.Timeout | null = null;
  readonly #inFlight = new Set<Batch>();
  /** Records in the open batch and in flight. */
  #buffered = 0;
  /** index + id → the last batch that writes it. */
  readonly #writers = new Map<string, Batch>();
  /** Per queue, the batches holding its unacknowledged records, oldest first, with their first offset. */
  readonly #unacked = new Map<string, Array<{ batch: Batch; first: number }>>();
  readonly #knownIndices = new Set<string>();
  /** Retries used up: the next preCommit throws it (the runtime rewinds). */
  #failure: RetriableError | null = null;
  /** Not retriable: the next put throws it (the task fails). */
  #fatal: Error | null = null;
  readonly #stop = new AbortController();

  constructor(options: ElasticsearchSinkTaskOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  start(context: SinkTaskContext): void {
    const config = ELASTICSEARCH_SINK_SPEC.parse(context.config, { subject: `${NAME} task configuration` });
    const credentials = credentialErrors(context.config);
    if (Object.keys(credentials).length > 0) throw ConfigError.fromFieldErrors(credentials, `${NAME} configuration`);
    this.#config = config;
    this.#context = context;
    this.#logger = context.logger;
    this.#builder = new ActionBuilder(config);
    this.#schemaIgnoreTopics = new Set(config['topic.schema.ignore']);
    this.#slots = new Slots(config['max.in.flight.requests']);
    this.#client = new ElasticsearchClient({
      urls: config['connection.url'].map(normalizeUrl),
      username: config['connection.username'],
      password: config['connection.password'],
      connectionTimeoutMs: config['connection.timeout.ms'],
      readTimeoutMs: config['read.timeout.ms'],
    });
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const config = this.#requireConfig();
    if (this.#fatal !== null) throw this.#fatal;
    if (this.#failure !== null) {
      // These records come again after the rewind that the next preCommit causes.
      this.#context!.requestCommit();
      return;
    }
    if (records.length === 0) return;
    const actions: BulkAction[] = [];
    const invalid: Array<{ record: SinkRecord; error: DataError }> = [];
    for (const record of records) {
      let result: BulkAction | Skipped;
      try {
        result = this.#builder!.build(record);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        invalid.push({ record, error: e });
        continue;
      }
      if (result instanceof Skipped) {
        this.#logger!.debug(`Skipping ${where(record)}: ${result.reason}`);
        continue;
      }
      actions.push(result);
    }
    // Before anything is reported or buffered, so that a retriable failure here redelivers the batch cleanly.
    await this.#ensureIndices(actions);
    for (const { record, error } of invalid) await this.#invalid(record, error);
    const maxRecords = config['batch.size'];
    const maxBytes = config['bulk.size.bytes'];
    for (const action of actions) {
      const bytes = Buffer.byteLength(action.lines, 'utf8');
      if (maxBytes > 0 && this.#open.actions.length > 0 && this.#open.bytes + bytes > maxBytes) this.#dispatch();
      this.#add(action, bytes);
      if (this.#open.actions.length >= maxRecords) this.#dispatch();
    }
    if (this.#open.actions.length > 0) this.#scheduleLinger(config['linger.ms']);
    await this.#awaitCapacity(config);
    if (this.#fatal !== null) throw this.#fatal;
  }

  async flush(): Promise<void> {
    await this.#settle();
    this.#raiseFailure();
  }

  async preCommit(offsets: readonly QueueOffset[]): Promise<readonly QueueOffset[]> {
    await this.#settle();
    this.#raiseFailure();
    const safe: QueueOffset[] = [];
    for (const o of offsets) {
      const key = queueKey(o);
      const list = this.#unacked.get(key);
      while (list !== undefined && list.length > 0 && list[0]!.batch.done) list.shift();
      if (list === undefined || list.length === 0) {
        this.#unacked.delete(key);
        safe.push(o);
      } else if (list[0]!.first < o.offset) {
        safe.push({ topic: o.topic, queue: o.queue, offset: list[0]!.first });
      } else {
        safe.push(o);
      }
    }
    return safe;
  }

  close(queues: readonly TopicQueue[]): void {
    const gone = new Set(queues.map(queueKey));
    for (const key of gone) this.#unacked.delete(key);
    const kept = this.#open.actions.filter((a) => !gone.has(queueKey(a.record)));
    if (kept.length !== this.#open.actions.length) {
      this.#buffered -= this.#open.actions.length - kept.length;
      this.#open.actions.splice(0, this.#open.actions.length, ...kept);
      this.#open.bytes = kept.reduce((n, a) => n + Buffer.byteLength(a.lines, 'utf8'), 0);
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#linger !== null) clearTimeout(this.#linger);
    this.#linger = null;
    this.#client?.close();
    await Promise.all([...this.#inFlight].map((b) => b.promise));
  }

  #requireConfig(): ElasticsearchSinkConfig {
    if (this.#config === undefined || this.#stop.signal.aborted) {
      throw new ConnectError(`${NAME} task is not started or already stopped`);
    }
    return this.#config;
  }

  /** A record that cannot become a document: dropped (drop.invalid.message), reported, or the task fails. */
  async #invalid(record: SinkRecord, error: DataError): Promise<void> {
    if (this.#config!['drop.invalid.message']) {
      this.#logger!.warn(`Dropping record ${where(record)}: ${error.message}`);
      return;
    }
    const reporter = this.#context!.errantRecordReporter;
    if (reporter === null) throw error;
    await reporter.report(record, error);
  }

  #add(action: BulkAction, bytes: number): void {
    const batch = this.#open;
    batch.actions.push(action);
    batch.bytes += bytes;
    this.#buffered++;
    const key = queueKey(action.record);
    let list = this.#unacked.get(key);
    if (list === undefined) {
      list = [];
      this.#unacked.set(key, list);
    }
    if (list.length === 0 || list[list.length - 1]!.batch !== batch) {
      list.push({ batch, first: action.record.offset });
    }
  }

  #scheduleLinger(lingerMs: number): void {
    if (lingerMs <= 0) {
      this.#dispatch();
      return;
    }
    if (this.#linger !== null) return;
    this.#linger = setTimeout(() => {
      this.#linger = null;
      this.#dispatch();
    }, lingerMs);
  }

  /** Closes the open batch and starts sending it (after earlier writers of its ids, when a slot is free). */
  #dispatch(): void {
    if (this.#linger !== null) {
      clearTimeout(this.#linger);
      this.#linger = null;
    }
    const batch = this.#open;
    if (batch.actions.length === 0) return;
    this.#open = newBatch();
    const before = new Set<Batch>();
    for (const a of batch.actions) {
      const key = `${a.index}\u0000${a.id}`;
      const previous = this.#writers.get(key);
      if (previous !== undefined && previous !== batch && !previous.done) before.add(previous);
      this.#writers.set(key, batch);
    }
    this.#inFlight.add(batch);
    batch.promise = this.#send(batch, [...before]);
  }

  async #send(batch: Batch, before: readonly Batch[]): Promise<void> {
    try {
      if (before.length > 0) await Promise.all(before.map((b) => b.promise));
      await this.#slots.acquire();
      try {
        // After a failure these records are redelivered anyway: do not write them out of order now.
        if (this.#failure === null && this.#fatal === null && !this.#stop.signal.aborted) await this.#write(batch);
      } finally {
        this.#slots.release();
      }
    } catch (e) {
      this.#fatal ??= e instanceof Error ? e : new ConnectError(String(e));
    } finally {
      batch.done = true;
      this.#inFlight.delete(batch);
      this.#buffered -= batch.actions.length;
      for (const a of batch.actions) {
        const key = `${a.index}\u0000${a.id}`;
        if (this.#writers.get(key) === batch) this.#writers.delete(key);
      }
    }
  }

  /** Sends one batch, retrying what failed transiently; records a failure when that is not enough. */
  async #write(batch: Batch): Promise<void> {
    const config = this.#config!;
    const maxRetries = config['max.retries'];
    let pending = batch.actions;
    for (let attempt = 0; ; attempt++) {
      let retry: BulkAction[] = [];
      let why = '';
      let wait = 0;
      try {
        const response = await this.#client!.request(
          'POST',
          '/_bulk',
          pending.map((a) => a.lines).join(''),
          'application/x-ndjson',
        );
        if (response.status === 200) {
          retry = await this.#handleItems(pending, response.text);
          if (retry.length > 0) why = 'items rejected transiently';
        } else if (isRetriableStatus(response.status)) {
          retry = pending;
          why = `HTTP ${response.status}: ${response.text.slice(0, 300)}`;
          wait = retryAfterMs(response.retryAfter);
        } else {
          throw new ConnectError(
            `bulk request to ${response.url} failed with HTTP ${response.status}: ${response.text.slice(0, 500)}`,
          );
        }
      } catch (e) {
        if (e instanceof AbortedError || this.#stop.signal.aborted) return;
        if (!isRetriable(e)) throw e;
        retry = pending;
        why = (e as Error).message;
      }
      if (retry.length === 0) return;
      if (attempt >= maxRetries) {
        this.#failure ??= new RetriableError(
          `${retry.length} of ${batch.actions.length} bulk actions still failing after ${maxRetries} retries: ${why}`,
        );
        return;
      }
      wait = Math.max(wait, backoffMs(attempt, config['retry.backoff.ms'], this.#random));
      this.#logger!.warn(
        `Bulk request: ${retry.length} of ${pending.length} actions failed (${why}); retry ${attempt + 1} of ${maxRetries} in ${wait} ms`,
      );
      try {
        await sleep(wait, undefined, { signal: this.#stop.signal });
      } catch {
        return;
      }
      pending = retry;
    }
  }

  /** Applies the item outcomes; returns the actions to send again. */
  async #handleItems(actions: readonly BulkAction[], text: string): Promise<BulkAction[]> {
    const outcomes = parseBulkResponse(
      text,
      actions.map((a) => a.kind),
    );
    const retry: BulkAction[] = [];
    // An action followed in this batch by a settled action on the same document is superseded: sending it
    // again would undo the later one.
    const settled = new Set<string>();
    for (let i = actions.length - 1; i >= 0; i--) {
      const action = actions[i]!;
      const outcome = outcomes[i]!;
      const key = `${action.index}\u0000${action.id}`;
      switch (outcome.kind) {
        case 'ok':
          settled.add(key);
          break;
        case 'retry':
          if (!settled.has(key)) retry.push(action);
          break;
        case 'malformed':
          settled.add(key);
          await this.#malformed(action, outcome.status, outcome.reason);
          break;
        case 'fatal':
          settled.add(key);
          this.#fatal ??= new ConnectError(
            `${action.kind} of document '${action.id}' in index '${action.index}' (record ${where(action.record)}) failed with status ${outcome.status}: ${outcome.reason}`,
          );
          break;
      }
    }
    return retry.reverse();
  }

  async #malformed(action: BulkAction, status: number, reason: string): Promise<void> {
    const text = `document '${action.id}' for index '${action.index}' (record ${where(action.record)}) was rejected with status ${status}: ${reason}`;
    switch (this.#config!['behavior.on.malformed.documents']) {
      case 'ignore':
        this.#logger!.debug(`Ignoring malformed ${text}`);
        return;
      case 'warn':
        this.#logger!.warn(`Dropping malformed ${text}`);
        return;
      case 'fail': {
        const reporter = this.#context!.errantRecordReporter;
        const error = new DataError(`Malformed ${text}`);
        if (reporter === null) {
          this.#fatal ??= new ConnectError(`${error.message} (behavior.on.malformed.documents=fail)`);
          return;
        }
        try {
          await reporter.report(action.record, error);
        } catch (e) {
          this.#fatal ??= e instanceof Error ? e : new ConnectError(String(e));
        }
      }
    }
  }

  async #awaitCapacity(config: ElasticsearchSinkConfig): Promise<void> {
    while (
      this.#inFlight.size > 0 &&
      !this.#stop.signal.aborted &&
      (this.#inFlight.size > config['max.in.flight.requests'] || this.#buffered > config['max.buffered.records'])
    ) {
      await Promise.race([...this.#inFlight].map((b) => b.promise));
    }
  }

  /** Sends the open batch and waits for every request, at most flush.timeout.ms. */
  async #settle(): Promise<void> {
    const config = this.#requireConfig();
    this.#dispatch();
    if (this.#inFlight.size === 0) return;
    const timeout = new AbortController();
    const all = Promise.all([...this.#inFlight].map((b) => b.promise));
    const timedOut = await Promise.race([
      all.then(() => false),
      sleep(config['flush.timeout.ms'], true, { signal: timeout.signal }).catch(() => false),
    ]);
    timeout.abort();
    if (timedOut) {
      this.#logger!.warn(
        `${this.#inFlight.size} bulk requests still outstanding after flush.timeout.ms=${config['flush.timeout.ms']}; committing only acknowledged records`,
      );
    }
  }

  /** Throws the recorded failure; a transient one is cleared, as the runtime rewinds and redelivers. */
  #raiseFailure(): void {
    if (this.#fatal !== null) throw this.#fatal;
    const failure = this.#failure;
    if (failure === null) return;
    this.#failure = null;
    this.#buffered -= this.#open.actions.length;
    this.#open = newBatch();
    this.#unacked.clear();
    throw failure;
  }

  /** Creates missing indices (with a mapping from the value schema unless schema.ignore). */
  async #ensureIndices(actions: readonly BulkAction[]): Promise<void> {
    let wanted: Map<string, Schema | null> | undefined;
    for (const a of actions) {
      if (a.kind === 'delete' || this.#knownIndices.has(a.index) || wanted?.has(a.index)) continue;
      wanted ??= new Map();
      const ignore = this.#config!['schema.ignore'] || this.#schemaIgnoreTopics.has(a.record.topic);
      wanted.set(a.index, ignore ? null : a.schema);
    }
    if (wanted === undefined) return;
    for (const [index, schema] of wanted) {
      await this.#ensureIndex(index, schema);
      this.#knownIndices.add(index);
    }
  }

  async #ensureIndex(index: string, schema: Schema | null): Promise<void> {
    const path = `/${encodeURIComponent(index)}`;
    const mapping = indexMapping(schema, { compactMapEntries: this.#config!['compact.map.entries'] });
    const head = await this.#call('HEAD', path);
    if (head.status === 404) {
      const created = await this.#call('PUT', path, JSON.stringify(mapping === null ? {} : { mappings: mapping }));
      if (created.status === 200) {
        this.#logger!.info(
          `Created index '${index}'${mapping === null ? '' : ' with a mapping from the record schema'}`,
        );
        return;
      }
      // Another task created it first.
      if (created.status === 400 && created.text.includes('resource_already_exists_exception')) return;
      throw new ConnectError(
        `creating index '${index}' failed with HTTP ${created.status}: ${created.text.slice(0, 500)}`,
      );
    }
    if (head.status !== 200) throw new ConnectError(`checking index '${index}' failed with HTTP ${head.status}`);
    if (mapping === null) return;
    // An index created without a mapping (e.g. by hand) gets the schema's, as Confluent's connector does.
    const current = await this.#call('GET', `${path}/_mapping`);
    if (current.status !== 200) return;
    const body = JSON.parse(current.text) as Record<string, { mappings?: { properties?: object } }>;
    const existing = Object.values(body)[0]?.mappings?.properties;
    if (existing !== undefined && Object.keys(existing).length > 0) return;
    const put = await this.#call('PUT', `${path}/_mapping`, JSON.stringify(mapping));
    if (put.status !== 200) {
      throw new ConnectError(
        `putting the mapping of index '${index}' failed with HTTP ${put.status}: ${put.text.slice(0, 500)}`,
      );
    }
  }

  /** One request with the retry policy; transient failures that outlast it are a RetriableError. */
  async #call(method: string, path: string, body?: string): Promise<HttpResponse> {
    const config = this.#config!;
    for (let attempt = 0; ; attempt++) {
      let why: string;
      let wait = 0;
      try {
        const response = await this.#client!.request(method, path, body);
        if (!isRetriableStatus(response.status)) return response;
        why = `HTTP ${response.status}`;
        wait = retryAfterMs(response.retryAfter);
      } catch (e) {
        if (!isRetriable(e)) throw e;
        why = (e as Error).message;
      }
      if (attempt >= config['max.retries']) {
        throw new RetriableError(`${method} ${path} still failing after ${config['max.retries']} retries: ${why}`);
      }
      wait = Math.max(wait, backoffMs(attempt, config['retry.backoff.ms'], this.#random));
      try {
        await sleep(wait, undefined, { signal: this.#stop.signal });
      } catch {
        throw new AbortedError(`${NAME} task stopped`);
      }
    }
  }
}

function where(record: SinkRecord): string {
  return `${record.topic}/${record.queue}@${record.offset}`;
}
