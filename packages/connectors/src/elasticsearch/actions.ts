/**
 * Sink records → bulk actions. One action per record: `index` (write.method=insert), `update` with
 * `doc_as_upsert` (write.method=upsert) or `delete` (tombstones with behavior.on.null.values=delete, and
 * Debezium deletes with debezium.unwrap=true).
 *
 * Bulk body grammar (NDJSON, every line ends with `\n`):
 * ```
 * body   = action*
 * action = '{"index":{"_index":I,"_id":D}}' LF source LF
 *        | '{"update":{"_index":I,"_id":D}}' LF '{"doc":' source ',"doc_as_upsert":true}' LF
 *        | '{"delete":{"_index":I,"_id":D}}' LF
 * ```
 */
import { DataError, Decimal, type Schema, type SinkRecord, Struct } from '@tributary/api';
import type { ElasticsearchSinkConfig } from './config.js';
import { documentId, type JsonOptions, toJson } from './documents.js';
import { IndexNames } from './index-name.js';

export type ActionKind = 'index' | 'update' | 'delete';

/** One record's bulk action, its NDJSON lines ready to send. */
export interface BulkAction {
  readonly kind: ActionKind;
  readonly index: string;
  readonly id: string;
  /** The action's NDJSON lines, each ending with a line feed. */
  readonly lines: string;
  /** The schema of the document (after unwrapping), for the mapping of a new index. */
  readonly schema: Schema | null;
  readonly record: SinkRecord;
}

/** A record that is deliberately not written, and why. */
export class Skipped {
  constructor(readonly reason: string) {}
}

/** The parts of a Debezium change event the sink needs. */
export interface ChangeEvent {
  readonly op: string;
  readonly after: unknown;
  readonly afterSchema: Schema | null;
}

/**
 * The change event in a value, or null when the value is not one: a Struct with `op` (string) and `after`
 * fields, or a schemaless object with those keys (JsonConverter with schemas.enable=false).
 */
export function changeEvent(value: unknown): ChangeEvent | null {
  if (value instanceof Struct) {
    const opField = value.schema.field('op');
    const afterField = value.schema.field('after');
    if (opField === undefined || afterField === undefined || opField.schema.type !== 'string') return null;
    const op = value.get(opField);
    if (typeof op !== 'string') return null;
    return { op, after: value.get(afterField), afterSchema: afterField.schema };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map)) {
    const v = value as Record<string, unknown>;
    if (typeof v.op === 'string' && Object.hasOwn(v, 'after')) return { op: v.op, after: v.after, afterSchema: null };
  }
  return null;
}

function header(kind: ActionKind, index: string, id: string): string {
  return `{"${kind}":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(id)}}}\n`;
}

/** The options of {@link ActionBuilder}, taken from the parsed config. */
export type ActionOptions = Pick<
  ElasticsearchSinkConfig,
  | 'key.ignore'
  | 'topic.key.ignore'
  | 'topic.index.map'
  | 'compact.map.entries'
  | 'behavior.on.null.values'
  | 'write.method'
  | 'debezium.unwrap'
>;

/** Turns records into bulk actions per the connector's config. */
export class ActionBuilder {
  readonly #options: ActionOptions;
  readonly #keyIgnoreTopics: ReadonlySet<string>;
  readonly #json: JsonOptions;
  readonly indexNames: IndexNames;

  /** @throws ConfigError when topic.index.map names an invalid index. */
  constructor(options: ActionOptions) {
    this.#options = options;
    this.#keyIgnoreTopics = new Set(options['topic.key.ignore']);
    this.#json = { compactMapEntries: options['compact.map.entries'] };
    this.indexNames = new IndexNames(options['topic.index.map']);
  }

  /** Whether documents of this topic get topic+queue+offset ids. */
  keyIgnored(topic: string): boolean {
    return this.#options['key.ignore'] || this.#keyIgnoreTopics.has(topic);
  }

  /**
   * The action for a record, or why it is skipped.
   * @throws DataError when the record cannot become a document (null key as id, a value that is not an
   *   object, a tombstone with behavior.on.null.values=fail, a value JSON cannot hold).
   */
  build(record: SinkRecord): BulkAction | Skipped {
    const index = this.indexNames.forTopic(record.topic);
    const keyIgnore = this.keyIgnored(record.topic);
    let value = record.value;
    let schema = record.valueSchema;
    if (this.#options['debezium.unwrap']) {
      const event = changeEvent(value);
      if (event !== null) {
        switch (event.op) {
          case 'c':
          case 'r':
          case 'u':
            value = event.after;
            schema = event.afterSchema;
            if (value === null || value === undefined)
              throw new DataError(`change event op '${event.op}' has no 'after'`);
            break;
          case 'd':
            return this.#delete(record, index, keyIgnore, 'a Debezium delete');
          default:
            return new Skipped(`Debezium op '${event.op}' is not a row change`);
        }
      }
    }
    if (value === null || value === undefined) {
      switch (this.#options['behavior.on.null.values']) {
        case 'ignore':
          return new Skipped('null value (behavior.on.null.values=ignore)');
        case 'delete':
          return this.#delete(record, index, keyIgnore, 'a tombstone');
        case 'fail':
          throw new DataError(
            `record ${record.topic}/${record.queue}@${record.offset} has a null value (behavior.on.null.values=fail)`,
          );
      }
    }
    if (!isDocument(value, schema)) {
      throw new DataError(
        `a ${schema === null ? typeof value : schema.type} value is not a document: values must be structs, maps or objects`,
      );
    }
    const id = keyIgnore
      ? `${record.topic}+${record.queue}+${record.offset}`
      : documentId(record.key, record.keySchema);
    const source = toJson(value, schema, this.#json);
    if (this.#options['write.method'] === 'upsert') {
      return {
        kind: 'update',
        index,
        id,
        lines: `${header('update', index, id)}{"doc":${source},"doc_as_upsert":true}\n`,
        schema,
        record,
      };
    }
    return { kind: 'index', index, id, lines: `${header('index', index, id)}${source}\n`, schema, record };
  }

  #delete(record: SinkRecord, index: string, keyIgnore: boolean, what: string): BulkAction | Skipped {
    if (keyIgnore) return new Skipped(`${what} cannot address a document with key.ignore=true`);
    const id = documentId(record.key, record.keySchema);
    return { kind: 'delete', index, id, lines: header('delete', index, id), schema: null, record };
  }
}

function isDocument(value: unknown, schema: Schema | null): boolean {
  if (schema !== null) return schema.type === 'struct' || schema.type === 'map';
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date) &&
    !(value instanceof Decimal)
  );
}
