import type { Schema } from '../data/schema.js';
import { Headers } from './headers.js';

/** A JSON value, as stored for source partitions and offsets. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonMap;
/** A JSON object: how connectors describe a source partition (e.g. `{file: "a.txt"}`) and an offset in it. */
export type JsonMap = { readonly [key: string]: JsonValue };

/**
 * What every record carries, source or sink. Records are immutable: transforms return new ones
 * (see {@link withChanges}).
 */
export interface ConnectRecord {
  /** Topic the record goes to (source) or came from (sink). */
  readonly topic: string;
  /** Queue (partition) within the topic; null lets the broker choose from the key. */
  readonly queue: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  /** Null is a tombstone: a delete of `key` in compacted views. */
  readonly value: unknown;
  /** Milliseconds since the epoch; null when unknown. */
  readonly timestamp: number | null;
  readonly headers: Headers;
}

/**
 * A record produced by a source task. `sourcePartition` names the part of the source system it came from
 * (a file, a table, a binlog) and `sourceOffset` where in that partition it was; the runtime stores the
 * latest committed offset per partition and gives it back through the task's {@link OffsetReader} after
 * a restart, so the task resumes from there. Both are plain JSON maps.
 */
export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: JsonMap;
  readonly sourceOffset: JsonMap;
}

/** A record delivered to a sink task, with its position in the broker. */
export interface SinkRecord extends ConnectRecord {
  readonly queue: number;
  /** Offset of this record in its queue. The offset to commit after it is `offset + 1`. */
  readonly offset: number;
  /** How `timestamp` was set: by the producer (`create`) or by the broker when stored (`log_append`). */
  readonly timestampType: 'create' | 'log_append' | 'none';
}

/** Fields a source task provides; the rest default (queue null, no key, no headers, timestamp null). */
export interface SourceRecordInit {
  readonly sourcePartition: JsonMap;
  readonly sourceOffset: JsonMap;
  readonly topic: string;
  readonly queue?: number | null;
  readonly keySchema?: Schema | null;
  readonly key?: unknown;
  readonly valueSchema?: Schema | null;
  readonly value: unknown;
  readonly timestamp?: number | null;
  readonly headers?: Headers;
}

/** Builds a {@link SourceRecord}. */
export function sourceRecord(init: SourceRecordInit): SourceRecord {
  return {
    topic: init.topic,
    queue: init.queue ?? null,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value ?? null,
    timestamp: init.timestamp ?? null,
    headers: init.headers ?? Headers.EMPTY,
    sourcePartition: init.sourcePartition,
    sourceOffset: init.sourceOffset,
  };
}

export interface SinkRecordInit {
  readonly topic: string;
  readonly queue: number;
  readonly offset: number;
  readonly keySchema?: Schema | null;
  readonly key?: unknown;
  readonly valueSchema?: Schema | null;
  readonly value: unknown;
  readonly timestamp?: number | null;
  readonly timestampType?: SinkRecord['timestampType'];
  readonly headers?: Headers;
}

/** Builds a {@link SinkRecord}. */
export function sinkRecord(init: SinkRecordInit): SinkRecord {
  return {
    topic: init.topic,
    queue: init.queue,
    offset: init.offset,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value ?? null,
    timestamp: init.timestamp ?? null,
    timestampType: init.timestampType ?? (init.timestamp === undefined || init.timestamp === null ? 'none' : 'create'),
    headers: init.headers ?? Headers.EMPTY,
  };
}

/** The parts of a record a transform may change. */
export type RecordChanges = Partial<
  Pick<ConnectRecord, 'topic' | 'queue' | 'keySchema' | 'key' | 'valueSchema' | 'value' | 'timestamp' | 'headers'>
>;

/**
 * A copy of `record` with some parts changed, keeping its kind (source or sink) and the fields of that
 * kind (source partition and offset; queue offset). This is how transforms make new records.
 */
export function withChanges<R extends ConnectRecord>(record: R, changes: RecordChanges): R {
  return { ...record, ...changes };
}

/** True for records that came from the broker (sink side). */
export function isSinkRecord(record: ConnectRecord): record is SinkRecord {
  return typeof (record as Partial<SinkRecord>).offset === 'number';
}

/** True for records produced by a source task. */
export function isSourceRecord(record: ConnectRecord): record is SourceRecord {
  return (record as Partial<SourceRecord>).sourcePartition !== undefined;
}

/** A queue of a topic. */
export interface TopicQueue {
  readonly topic: string;
  readonly queue: number;
}

/** A position in a queue. For commits, `offset` is the offset of the next record to read. */
export interface QueueOffset extends TopicQueue {
  readonly offset: number;
}

/** Where the broker stored a record: the acknowledgement a source task's `commitRecord` receives. */
export interface RecordPosition extends TopicQueue {
  readonly offset: number;
}

/** A stable string key for a topic queue, e.g. for maps: `topic/queue`. */
export function queueKey(tq: TopicQueue): string {
  return `${tq.topic}/${tq.queue}`;
}
