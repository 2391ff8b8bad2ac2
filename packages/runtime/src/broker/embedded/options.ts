import { ConfigError, ConfigSpec, type RawConfig, range } from '@tributary/api';

/**
 * When a send is acknowledged relative to fsync.
 *
 * - `per-batch`: every `send` (and group-offset commit) resolves only after its bytes were written and
 *   `fdatasync`ed; concurrent sends share one fsync (group commit). Survives a process kill AND an OS
 *   crash or power loss. Consumers see a message only once it is durable.
 * - `interval`: a send resolves once its bytes were written to the file (the OS page cache); a timer
 *   fsyncs every `flushIntervalMs`. Survives a process kill (`kill -9`): the kernel still holds the
 *   written pages and writes them out. An OS crash or power loss may lose the last `flushIntervalMs` of
 *   acknowledged messages and commits. Consumers see a message as soon as it is written.
 */
export type FsyncPolicy = 'per-batch' | 'interval';

/** Options of {@link EmbeddedBroker}. Every field but `dataDir` has a default (see {@link EMBEDDED_BROKER_DEFAULTS}). */
export interface EmbeddedBrokerOptions {
  /** The worker's data dir; the broker keeps everything under `<dataDir>/broker/`. */
  readonly dataDir: string;
  /** Queue count of topics created without one (first `send` to an unknown topic). Default 8. */
  readonly defaultQueues?: number;
  /** A queue's active segment is rolled once the next batch would make it larger than this. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Per queue: old segments are deleted while the rest still holds at least this many bytes; -1 = no limit. Default 1 GiB. */
  readonly retentionBytes?: number;
  /** Per queue: a segment whose newest message timestamp is older than this is deleted; -1 = no limit. Default 7 days. */
  readonly retentionMs?: number;
  /** How often retention runs (it also runs when a segment rolls). Default 60 s. */
  readonly retentionCheckIntervalMs?: number;
  /**
   * See {@link FsyncPolicy}. Default `interval`, as RocketMQ's ASYNC_FLUSH and Kafka's default of no
   * forced flush: survives `kill -9`; choose `per-batch` to survive OS crashes and power loss as well,
   * at the price of one fsync per send (about 2–4× lower throughput for one producer on this class of disk).
   */
  readonly fsync?: FsyncPolicy;
  /** With `fsync: 'interval'`, the period of the background fsync: the most an OS crash can lose. Default 1000 ms. */
  readonly fsyncIntervalMs?: number;
  /** Bytes between two entries of a segment's sparse offset index. Default 16 KiB. */
  readonly indexIntervalBytes?: number;
  /** Largest accepted message (its framed size); larger ones fail the send with a DataError. Default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** Upper bound of the bytes one `poll` reads (at least one message is always returned). Default 8 MiB. */
  readonly maxPollBytes?: number;
  /** Milliseconds since the epoch, for retention by age. Default `Date.now`. Tests inject a clock. */
  readonly clock?: () => number;
}

/** Per-topic overrides, given to `ensureTopic` and kept with the topic (Kafka's topic-level names). */
export interface EmbeddedTopicConfig {
  /** `retention.bytes`; -1 = keep everything. */
  readonly retentionBytes?: number;
  /** `retention.ms`; -1 = keep everything. */
  readonly retentionMs?: number;
  /** `segment.bytes`. */
  readonly segmentBytes?: number;
}

/** Options with every default filled in. */
export type ResolvedEmbeddedBrokerOptions = Required<EmbeddedBrokerOptions>;

const MiB = 1024 * 1024;

/** Defaults of {@link EmbeddedBrokerOptions}. */
export const EMBEDDED_BROKER_DEFAULTS = Object.freeze({
  defaultQueues: 8,
  segmentBytes: 64 * MiB,
  retentionBytes: 1024 * MiB,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionCheckIntervalMs: 60_000,
  fsync: 'interval' as FsyncPolicy,
  fsyncIntervalMs: 1000,
  indexIntervalBytes: 16 * 1024,
  maxMessageBytes: 16 * MiB,
  maxPollBytes: 8 * MiB,
});

/** Most queues a topic may have. */
export const MAX_QUEUES = 1024;
/** Segments address records with 32-bit positions; keep a margin for one oversized last batch. */
export const MAX_SEGMENT_BYTES = 1024 * MiB;
const MIN_SEGMENT_BYTES = 1024;

/**
 * Kafka-broker-style keys for the embedded broker, for the worker's config file (the worker may put them
 * under a prefix such as `broker.embedded.`). {@link embeddedBrokerOptionsFromConfig} turns them into options.
 */
export const EMBEDDED_BROKER_CONFIG = ConfigSpec.create()
  .int('num.queues', {
    doc: 'Queue count of topics created on first use.',
    default: EMBEDDED_BROKER_DEFAULTS.defaultQueues,
    validate: range(1, MAX_QUEUES),
    aliases: ['num.partitions'],
  })
  .long('log.segment.bytes', {
    doc: 'Size at which a queue rolls to a new segment file.',
    default: EMBEDDED_BROKER_DEFAULTS.segmentBytes,
    validate: range(MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES),
  })
  .long('log.retention.bytes', {
    doc: 'Per queue: delete the oldest segments while the others still hold this many bytes; -1 keeps everything.',
    default: EMBEDDED_BROKER_DEFAULTS.retentionBytes,
    validate: range(-1),
  })
  .long('log.retention.ms', {
    doc: 'Per queue: delete segments whose newest message is older than this; -1 keeps everything.',
    default: EMBEDDED_BROKER_DEFAULTS.retentionMs,
    validate: range(-1),
  })
  .long('log.retention.check.interval.ms', {
    doc: 'How often retention runs.',
    default: EMBEDDED_BROKER_DEFAULTS.retentionCheckIntervalMs,
    validate: range(1),
  })
  .enum('log.flush.policy', ['per-batch', 'interval'] as const, {
    doc: 'per-batch: fsync before acknowledging each send (survives OS crashes). interval: acknowledge once written, fsync every log.flush.interval.ms (survives process kills, not OS crashes).',
    default: EMBEDDED_BROKER_DEFAULTS.fsync,
  })
  .long('log.flush.interval.ms', {
    doc: 'With log.flush.policy=interval, the period of the background fsync.',
    default: EMBEDDED_BROKER_DEFAULTS.fsyncIntervalMs,
    validate: range(1),
  })
  .int('log.index.interval.bytes', {
    doc: 'Bytes between two entries of the sparse offset index.',
    default: EMBEDDED_BROKER_DEFAULTS.indexIntervalBytes,
    validate: range(64),
  })
  .int('message.max.bytes', {
    doc: 'Largest accepted message, framed.',
    default: EMBEDDED_BROKER_DEFAULTS.maxMessageBytes,
    validate: range(64, MAX_SEGMENT_BYTES),
  })
  .int('fetch.max.bytes', {
    doc: 'Upper bound of the bytes one poll reads (at least one message is always returned).',
    default: EMBEDDED_BROKER_DEFAULTS.maxPollBytes,
    validate: range(1024),
  });

/** Options from Kafka-style keys (see {@link EMBEDDED_BROKER_CONFIG}). @throws ConfigError listing every bad key. */
export function embeddedBrokerOptionsFromConfig(dataDir: string, raw: RawConfig): EmbeddedBrokerOptions {
  const c = EMBEDDED_BROKER_CONFIG.parse(raw, { subject: 'Embedded broker configuration' });
  return {
    dataDir,
    defaultQueues: c['num.queues'],
    segmentBytes: c['log.segment.bytes'],
    retentionBytes: c['log.retention.bytes'],
    retentionMs: c['log.retention.ms'],
    retentionCheckIntervalMs: c['log.retention.check.interval.ms'],
    fsync: c['log.flush.policy'],
    fsyncIntervalMs: c['log.flush.interval.ms'],
    indexIntervalBytes: c['log.index.interval.bytes'],
    maxMessageBytes: c['message.max.bytes'],
    maxPollBytes: c['fetch.max.bytes'],
  };
}

function checkInt(errors: Record<string, string[]>, key: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    errors[key] = [`must be an integer in [${min}, ${max}], got ${v}`];
  }
}

/** Fills in defaults and validates. @throws ConfigError naming every bad option. */
export function resolveEmbeddedBrokerOptions(options: EmbeddedBrokerOptions): ResolvedEmbeddedBrokerOptions {
  const o: ResolvedEmbeddedBrokerOptions = {
    ...EMBEDDED_BROKER_DEFAULTS,
    clock: Date.now,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    dataDir: options.dataDir,
  };
  const errors: Record<string, string[]> = {};
  if (typeof o.dataDir !== 'string' || o.dataDir === '') errors.dataDir = ['is required'];
  checkInt(errors, 'defaultQueues', o.defaultQueues, 1, MAX_QUEUES);
  checkInt(errors, 'segmentBytes', o.segmentBytes, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES);
  checkInt(errors, 'retentionBytes', o.retentionBytes, -1, Number.MAX_SAFE_INTEGER);
  checkInt(errors, 'retentionMs', o.retentionMs, -1, Number.MAX_SAFE_INTEGER);
  checkInt(errors, 'retentionCheckIntervalMs', o.retentionCheckIntervalMs, 1, 2 ** 31 - 1);
  checkInt(errors, 'fsyncIntervalMs', o.fsyncIntervalMs, 1, 2 ** 31 - 1);
  checkInt(errors, 'indexIntervalBytes', o.indexIntervalBytes, 64, MAX_SEGMENT_BYTES);
  checkInt(errors, 'maxMessageBytes', o.maxMessageBytes, 64, MAX_SEGMENT_BYTES);
  checkInt(errors, 'maxPollBytes', o.maxPollBytes, 1024, 2 ** 31 - 1);
  if (o.fsync !== 'per-batch' && o.fsync !== 'interval') errors.fsync = [`must be 'per-batch' or 'interval'`];
  if (typeof o.clock !== 'function') errors.clock = ['must be a function'];
  if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, 'Embedded broker options');
  return o;
}

/** Validates per-topic overrides. @throws ConfigError */
export function checkTopicConfig(config: EmbeddedTopicConfig): EmbeddedTopicConfig {
  const errors: Record<string, string[]> = {};
  const out: { retentionBytes?: number; retentionMs?: number; segmentBytes?: number } = {};
  if (config.retentionBytes !== undefined) {
    checkInt(errors, 'retention.bytes', config.retentionBytes, -1, Number.MAX_SAFE_INTEGER);
    out.retentionBytes = config.retentionBytes;
  }
  if (config.retentionMs !== undefined) {
    checkInt(errors, 'retention.ms', config.retentionMs, -1, Number.MAX_SAFE_INTEGER);
    out.retentionMs = config.retentionMs;
  }
  if (config.segmentBytes !== undefined) {
    checkInt(errors, 'segment.bytes', config.segmentBytes, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES);
    out.segmentBytes = config.segmentBytes;
  }
  if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, 'Topic configuration');
  return out;
}
