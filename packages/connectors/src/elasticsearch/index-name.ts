import { ConfigError, DataError } from '@tributary/api';

// What Elasticsearch and OpenSearch forbid in index names (':' is refused since 7.0).
const FORBIDDEN = /[\\/*?"<>| ,#:]/g;
const LEADING = /^[-_+]+/;
const MAX_BYTES = 255;

/**
 * The index name for a topic: lower-cased; `\ / * ? " < > | , # :` and spaces replaced by `_`; leading
 * `-`, `_` and `+` removed; cut to 255 UTF-8 bytes. Kafka and RocketMQ topic names (letters, digits,
 * `.`, `_`, `-`, `%`, `|`) thus map to valid names.
 * @throws DataError when nothing valid is left (e.g. the topic `_` or `..`).
 */
export function indexNameForTopic(topic: string): string {
  let name = topic.toLowerCase().replace(FORBIDDEN, '_').replace(LEADING, '');
  if (Buffer.byteLength(name, 'utf8') > MAX_BYTES) {
    const bytes = Buffer.from(name, 'utf8').subarray(0, MAX_BYTES);
    // Drop a character cut in half by the byte limit.
    name = bytes.toString('utf8').replace(/\uFFFD+$/, '');
  }
  if (name === '' || name === '.' || name === '..') {
    throw new DataError(`topic '${topic}' gives no valid index name; map it with topic.index.map or RegexRouter`);
  }
  return name;
}

/**
 * Resolves topics to index names: `topic.index.map` first, then {@link indexNameForTopic}; results are
 * cached per topic.
 */
export class IndexNames {
  readonly #explicit: ReadonlyMap<string, string>;
  readonly #cache = new Map<string, string>();

  /** @throws ConfigError when a mapped index name is not valid as given. */
  constructor(topicIndexMap: readonly string[]) {
    const explicit = new Map<string, string>();
    for (const pair of topicIndexMap) {
      const at = pair.lastIndexOf(':');
      const topic = pair.slice(0, at).trim();
      const index = pair.slice(at + 1).trim();
      if (indexNameForTopic(index) !== index) {
        throw new ConfigError(`topic.index.map: '${index}' is not a valid index name`, {
          'topic.index.map': [`'${index}' is not a valid index name (lower case, no \\/*?"<>|,#: or spaces)`],
        });
      }
      explicit.set(topic, index);
    }
    this.#explicit = explicit;
  }

  /** @throws DataError when the topic gives no valid index name. */
  forTopic(topic: string): string {
    let name = this.#cache.get(topic);
    if (name === undefined) {
      name = this.#explicit.get(topic) ?? indexNameForTopic(topic);
      this.#cache.set(topic, name);
    }
    return name;
  }
}
