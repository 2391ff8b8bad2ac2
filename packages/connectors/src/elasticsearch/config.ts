import { ConfigSpec, custom, nonEmpty, type ParsedConfig, range } from '@tributary/api';

export const CONNECTION_URL_CONFIG = 'connection.url';
export const CONNECTION_USERNAME_CONFIG = 'connection.username';
export const CONNECTION_PASSWORD_CONFIG = 'connection.password';
export const CONNECTION_TIMEOUT_MS_CONFIG = 'connection.timeout.ms';
export const READ_TIMEOUT_MS_CONFIG = 'read.timeout.ms';
export const BATCH_SIZE_CONFIG = 'batch.size';
export const BULK_SIZE_BYTES_CONFIG = 'bulk.size.bytes';
export const MAX_IN_FLIGHT_REQUESTS_CONFIG = 'max.in.flight.requests';
export const MAX_BUFFERED_RECORDS_CONFIG = 'max.buffered.records';
export const LINGER_MS_CONFIG = 'linger.ms';
export const FLUSH_TIMEOUT_MS_CONFIG = 'flush.timeout.ms';
export const MAX_RETRIES_CONFIG = 'max.retries';
export const RETRY_BACKOFF_MS_CONFIG = 'retry.backoff.ms';
export const KEY_IGNORE_CONFIG = 'key.ignore';
export const TOPIC_KEY_IGNORE_CONFIG = 'topic.key.ignore';
export const SCHEMA_IGNORE_CONFIG = 'schema.ignore';
export const TOPIC_SCHEMA_IGNORE_CONFIG = 'topic.schema.ignore';
export const COMPACT_MAP_ENTRIES_CONFIG = 'compact.map.entries';
export const TOPIC_INDEX_MAP_CONFIG = 'topic.index.map';
export const DROP_INVALID_MESSAGE_CONFIG = 'drop.invalid.message';
export const BEHAVIOR_ON_NULL_VALUES_CONFIG = 'behavior.on.null.values';
export const BEHAVIOR_ON_MALFORMED_DOCS_CONFIG = 'behavior.on.malformed.documents';
export const WRITE_METHOD_CONFIG = 'write.method';
export const DEBEZIUM_UNWRAP_CONFIG = 'debezium.unwrap';

export const NULL_VALUE_BEHAVIORS = ['ignore', 'delete', 'fail'] as const;
export const MALFORMED_DOC_BEHAVIORS = ['ignore', 'warn', 'fail'] as const;
export const WRITE_METHODS = ['insert', 'upsert'] as const;

/** A URL without a scheme is taken as http (as Confluent's connector). */
export function normalizeUrl(raw: string): string {
  const text = raw.trim().replace(/\/+$/, '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
}

const urls = custom<readonly string[] | null>('http(s) URLs', (list) => {
  for (const item of list ?? []) {
    let url: URL;
    try {
      url = new URL(normalizeUrl(item));
    } catch {
      return `'${item}' is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${item}' is not an http or https URL`;
    if (url.username !== '' || url.password !== '')
      return `'${url.host}': give credentials in connection.username/password, not in the URL`;
  }
  return undefined;
});

const topicIndexPairs = custom<readonly string[] | null>('topic:index pairs', (list) => {
  for (const item of list ?? []) {
    const at = item.lastIndexOf(':');
    if (at <= 0 || at === item.length - 1) return `'${item}' is not a topic:index pair`;
  }
  return undefined;
});

const CONNECTOR = 'Connector';
const CONVERSION = 'Data Conversion';

/**
 * Configuration of ElasticsearchSink (and of its tasks): the keys and defaults of Confluent's
 * Elasticsearch sink connector, plus `debezium.unwrap`.
 */
export const ELASTICSEARCH_SINK_SPEC = ConfigSpec.create()
  .list(CONNECTION_URL_CONFIG, {
    doc:
      'Comma-separated Elasticsearch or OpenSearch URLs, e.g. http://eshost1:9200,http://eshost2:9200. Requests go ' +
      'round-robin over them; a URL that refuses a connection is skipped until the next request. A URL without a ' +
      'scheme is taken as http.',
    validate: [nonEmpty(), urls],
    importance: 'high',
    group: CONNECTOR,
    examples: ['http://127.0.0.1:9200', 'http://es1:9200,http://es2:9200'],
  })
  .string(CONNECTION_USERNAME_CONFIG, {
    doc: 'User for HTTP basic authentication; authentication is used only when both user and password are set.',
    default: null,
    importance: 'medium',
    group: CONNECTOR,
  })
  .password(CONNECTION_PASSWORD_CONFIG, {
    doc: 'Password for HTTP basic authentication.',
    default: null,
    importance: 'medium',
    group: CONNECTOR,
  })
  .int(BATCH_SIZE_CONFIG, {
    doc: 'Most records in one bulk request.',
    default: 2000,
    validate: range(1, 1_000_000),
    importance: 'medium',
    group: CONNECTOR,
  })
  .long(BULK_SIZE_BYTES_CONFIG, {
    doc: 'Most bytes of one bulk request body (a single larger document is sent alone); -1 disables the limit.',
    default: 5 * 1024 * 1024,
    validate: custom<number | null>('-1 or at least 1', (v) =>
      v === null || v === -1 || v >= 1 ? undefined : 'Value must be -1 or at least 1',
    ),
    importance: 'low',
    group: CONNECTOR,
  })
  .int(MAX_IN_FLIGHT_REQUESTS_CONFIG, {
    doc: 'Most bulk requests in flight at once per task; put waits while this many are outstanding.',
    default: 5,
    validate: range(1, 1000),
    importance: 'medium',
    group: CONNECTOR,
  })
  .int(MAX_BUFFERED_RECORDS_CONFIG, {
    doc: 'Most records a task holds (buffered or in flight) before put waits for requests to complete.',
    default: 20_000,
    validate: range(1),
    importance: 'low',
    group: CONNECTOR,
  })
  .long(LINGER_MS_CONFIG, {
    doc:
      'How long a batch that is not full waits for more records before it is sent. Full batches are sent at ' +
      'once; a commit sends what is buffered.',
    default: 1,
    validate: range(0, 86_400_000),
    importance: 'low',
    group: CONNECTOR,
  })
  .long(FLUSH_TIMEOUT_MS_CONFIG, {
    doc:
      'How long an offset commit waits for outstanding bulk requests. When it runs out, only the offsets of ' +
      'acknowledged records are committed (the rest at a later commit).',
    default: 180_000,
    validate: range(1),
    importance: 'low',
    group: CONNECTOR,
  })
  .int(MAX_RETRIES_CONFIG, {
    doc:
      'Retries of a bulk request (or of its items) that failed transiently: connection errors, timeouts, HTTP 429 ' +
      'and 5xx. When they are used up the records are redelivered from the last committed offset.',
    default: 5,
    validate: range(0),
    importance: 'low',
    group: CONNECTOR,
  })
  .long(RETRY_BACKOFF_MS_CONFIG, {
    doc:
      'Wait before the first retry; each further retry waits up to twice as long (exponential backoff with ' +
      'jitter, at most 60 s).',
    default: 100,
    validate: range(0),
    importance: 'low',
    group: CONNECTOR,
  })
  .int(CONNECTION_TIMEOUT_MS_CONFIG, {
    doc: 'Time to connect to a server. With read.timeout.ms it bounds the wait for a response (see README).',
    default: 1000,
    validate: range(1),
    importance: 'low',
    group: CONNECTOR,
  })
  .int(READ_TIMEOUT_MS_CONFIG, {
    doc: 'Time for a server to answer a request; a request that takes longer is retried.',
    default: 3000,
    validate: range(1),
    importance: 'low',
    group: CONNECTOR,
  })
  .boolean(KEY_IGNORE_CONFIG, {
    doc:
      'When true the document id is topic+queue+offset (every record its own document); when false it is the ' +
      'record key, so a redelivered record overwrites its own document.',
    default: false,
    importance: 'high',
    group: CONVERSION,
  })
  .list(TOPIC_KEY_IGNORE_CONFIG, {
    doc: `Topics for which ${KEY_IGNORE_CONFIG} is true whatever its value.`,
    default: [],
    importance: 'low',
    group: CONVERSION,
  })
  .boolean(SCHEMA_IGNORE_CONFIG, {
    doc:
      'When true the cluster maps fields dynamically; when false a new index is created with a mapping derived ' +
      'from the record value schema.',
    default: false,
    importance: 'low',
    group: CONVERSION,
  })
  .list(TOPIC_SCHEMA_IGNORE_CONFIG, {
    doc: `Topics for which ${SCHEMA_IGNORE_CONFIG} is true whatever its value.`,
    default: [],
    importance: 'low',
    group: CONVERSION,
  })
  .boolean(COMPACT_MAP_ENTRIES_CONFIG, {
    doc:
      'Map entries with string keys become object fields ("key": value) when true, or {"key": k, "value": v} ' +
      'objects when false. Maps with other keys are always lists of such objects.',
    default: true,
    importance: 'low',
    group: CONVERSION,
  })
  .list(TOPIC_INDEX_MAP_CONFIG, {
    doc:
      'topic:index pairs naming the index of a topic; other topics go to the topic name made a valid index ' +
      'name (lower case, forbidden characters replaced). Prefer the RegexRouter transform.',
    default: [],
    validate: topicIndexPairs,
    importance: 'low',
    group: CONVERSION,
    examples: ['orders:orders-v2,users:people'],
  })
  .boolean(DROP_INVALID_MESSAGE_CONFIG, {
    doc:
      'Drop records that cannot be made into a document (logged at warn) instead of reporting them to the ' +
      'errant record reporter (errors.tolerance decides then).',
    default: false,
    importance: 'low',
    group: CONVERSION,
  })
  .enum(BEHAVIOR_ON_NULL_VALUES_CONFIG, NULL_VALUE_BEHAVIORS, {
    doc:
      "Records with a null value (tombstones): 'ignore' skips them, 'delete' deletes the document of their key, " +
      "'fail' reports them as errors.",
    default: 'fail',
    caseInsensitive: true,
    importance: 'low',
    group: CONVERSION,
  })
  .enum(BEHAVIOR_ON_MALFORMED_DOCS_CONFIG, MALFORMED_DOC_BEHAVIORS, {
    doc:
      "Documents the cluster rejects (mapping conflict, unparsable field): 'ignore' drops them, 'warn' drops " +
      "them with a warning, 'fail' reports them to the errant record reporter (dead-letter topic with " +
      'errors.tolerance=all, else the task fails).',
    default: 'fail',
    caseInsensitive: true,
    importance: 'low',
    group: CONVERSION,
  })
  .enum(WRITE_METHOD_CONFIG, WRITE_METHODS, {
    doc: "'insert' indexes (replaces) whole documents; 'upsert' updates them with doc_as_upsert.",
    default: 'insert',
    caseInsensitive: true,
    importance: 'low',
    group: CONVERSION,
  })
  .boolean(DEBEZIUM_UNWRAP_CONFIG, {
    doc:
      "Values that are Debezium change events ({before, after, op, source}): op 'c', 'r' and 'u' index the " +
      "'after' row, 'd' deletes the document of the key; other values are written as they are.",
    default: false,
    importance: 'medium',
    group: CONVERSION,
  });

export type ElasticsearchSinkConfig = ParsedConfig<typeof ELASTICSEARCH_SINK_SPEC>;
