import { ConfigSpec, custom, nonEmpty, type ParsedConfig, range } from '@tributary/api';

/** Config keys, spelled as Debezium's MySQL connector spells them. */
export const HOSTNAME_CONFIG = 'database.hostname';
export const PORT_CONFIG = 'database.port';
export const USER_CONFIG = 'database.user';
export const PASSWORD_CONFIG = 'database.password';
export const SERVER_ID_CONFIG = 'database.server.id';
export const TOPIC_PREFIX_CONFIG = 'topic.prefix';
export const DATABASE_INCLUDE_CONFIG = 'database.include.list';
export const DATABASE_EXCLUDE_CONFIG = 'database.exclude.list';
export const TABLE_INCLUDE_CONFIG = 'table.include.list';
export const TABLE_EXCLUDE_CONFIG = 'table.exclude.list';
export const TABLE_IGNORE_BUILTIN_CONFIG = 'table.ignore.builtin';
export const SNAPSHOT_MODE_CONFIG = 'snapshot.mode';
export const SNAPSHOT_FETCH_SIZE_CONFIG = 'snapshot.fetch.size';
export const MAX_BATCH_SIZE_CONFIG = 'max.batch.size';
export const MAX_QUEUE_SIZE_CONFIG = 'max.queue.size';
export const POLL_INTERVAL_CONFIG = 'poll.interval.ms';
export const DECIMAL_MODE_CONFIG = 'decimal.handling.mode';
export const BIGINT_UNSIGNED_MODE_CONFIG = 'bigint.unsigned.handling.mode';
export const TIME_PRECISION_MODE_CONFIG = 'time.precision.mode';
export const BINARY_MODE_CONFIG = 'binary.handling.mode';
export const INCLUDE_SCHEMA_CHANGES_CONFIG = 'include.schema.changes';
export const INCLUDE_QUERY_CONFIG = 'include.query';
export const TOMBSTONES_CONFIG = 'tombstones.on.delete';
export const HEARTBEAT_INTERVAL_CONFIG = 'heartbeat.interval.ms';
export const HEARTBEAT_TOPICS_PREFIX_CONFIG = 'heartbeat.topics.prefix';
export const CONNECT_TIMEOUT_CONFIG = 'connect.timeout.ms';

export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'schema_only', 'never', 'when_needed'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];
export const DECIMAL_MODES = ['precise', 'double', 'string'] as const;
export type DecimalMode = (typeof DECIMAL_MODES)[number];
export const BIGINT_UNSIGNED_MODES = ['long', 'precise'] as const;
export type BigintUnsignedMode = (typeof BIGINT_UNSIGNED_MODES)[number];
export const TIME_PRECISION_MODES = ['adaptive_time_microseconds', 'connect'] as const;
export type TimePrecisionMode = (typeof TIME_PRECISION_MODES)[number];
export const BINARY_MODES = ['bytes', 'base64', 'base64-url-safe', 'hex'] as const;
export type BinaryMode = (typeof BINARY_MODES)[number];

/** Source partition key: `{server: <topic.prefix>}` (Debezium's partition of a MySQL connector). */
export const SERVER_PARTITION_FIELD = 'server';

const GROUP_CONNECTION = 'Connection';
const GROUP_FILTERS = 'Filters';
const GROUP_SNAPSHOT = 'Snapshot';
const GROUP_EVENTS = 'Events';

/**
 * Splits a Debezium regex list: commas separate patterns unless escaped as `\,` (Debezium's
 * `Strings.setOfRegex`). Empty items are dropped.
 */
export function splitRegexList(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === ',') {
      current += ',';
      i++;
    } else if (c === ',') {
      out.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current.trim());
  return out.filter((p) => p !== '');
}

const regexList = custom<string | null>('comma-separated regular expressions', (value) => {
  if (value === null) return undefined;
  for (const pattern of splitRegexList(value)) {
    try {
      new RegExp(pattern);
    } catch (e) {
      return `'${pattern}' is not a valid regular expression: ${(e as Error).message}`;
    }
  }
  return undefined;
});

/** Configuration of MySqlCdcSource (connector and task: the task gets the same keys). */
export const MYSQL_CDC_SPEC = ConfigSpec.create()
  .string(HOSTNAME_CONFIG, {
    doc: 'IP address or host name of the MySQL or MariaDB server.',
    validate: nonEmpty(),
    importance: 'high',
    group: GROUP_CONNECTION,
    orderInGroup: 1,
    examples: ['127.0.0.1', 'mysql.internal'],
  })
  .int(PORT_CONFIG, {
    doc: 'Port of the server.',
    default: 3306,
    validate: range(1, 65535),
    importance: 'high',
    group: GROUP_CONNECTION,
    orderInGroup: 2,
  })
  .string(USER_CONFIG, {
    doc:
      'User to connect as. It needs REPLICATION SLAVE (to read the binlog), BINLOG MONITOR on MariaDB 10.5+ or ' +
      'REPLICATION CLIENT on MySQL (for SHOW BINARY LOGS / SHOW MASTER STATUS) and SELECT on the captured tables.',
    validate: nonEmpty(),
    importance: 'high',
    group: GROUP_CONNECTION,
    orderInGroup: 3,
    examples: ['cdc'],
  })
  .password(PASSWORD_CONFIG, {
    doc: 'Password of the user.',
    default: '',
    importance: 'high',
    group: GROUP_CONNECTION,
    orderInGroup: 4,
  })
  .long(SERVER_ID_CONFIG, {
    doc:
      'Numeric id this connector uses as a replication client; must differ from the server_id of every server and ' +
      'of every other binlog reader of the same server (two readers with the same id disconnect each other). ' +
      'Unset: derived from topic.prefix (a stable number between 5400 and 2^31).',
    default: null,
    validate: range(1, 4294967295),
    importance: 'high',
    group: GROUP_CONNECTION,
    orderInGroup: 5,
    examples: ['184054'],
  })
  .duration(CONNECT_TIMEOUT_CONFIG, {
    doc: 'How long to wait for a connection to the server before giving up.',
    default: 30_000,
    importance: 'low',
    group: GROUP_CONNECTION,
    orderInGroup: 6,
  })
  .string(TOPIC_PREFIX_CONFIG, {
    doc:
      'Logical name of the server: the prefix of every topic (`<prefix>.<db>.<table>`), the `source.name` of every ' +
      'event and the source partition `{server: <prefix>}` of the offsets. Never change it for a running pipeline: ' +
      'offsets are stored under it.',
    validate: [
      nonEmpty(),
      custom('letters, digits, . _ -', (v: string | null) =>
        v === null || /^[A-Za-z0-9._-]+$/.test(v)
          ? undefined
          : 'use only letters, digits, dots, underscores and hyphens',
      ),
    ],
    importance: 'high',
    aliases: ['database.server.name'],
    group: GROUP_EVENTS,
    orderInGroup: 1,
    examples: ['shop'],
  })
  .string(DATABASE_INCLUDE_CONFIG, {
    doc:
      'Regular expressions (comma-separated; `\\,` for a literal comma) matched against whole database names, case ' +
      'insensitively: only these databases are captured. Not together with database.exclude.list.',
    default: null,
    validate: regexList,
    importance: 'medium',
    aliases: ['database.whitelist'],
    group: GROUP_FILTERS,
    orderInGroup: 1,
    examples: ['shop,billing'],
  })
  .string(DATABASE_EXCLUDE_CONFIG, {
    doc: 'Regular expressions of database names not to capture. Not together with database.include.list.',
    default: null,
    validate: regexList,
    importance: 'medium',
    aliases: ['database.blacklist'],
    group: GROUP_FILTERS,
    orderInGroup: 2,
  })
  .string(TABLE_INCLUDE_CONFIG, {
    doc:
      'Regular expressions matched against whole `<db>.<table>` names, case insensitively: only these tables are ' +
      'captured. A plain name without regex characters (e.g. `shop.orders`) must exist: the task fails otherwise. ' +
      'Not together with table.exclude.list.',
    default: null,
    validate: regexList,
    importance: 'high',
    aliases: ['table.whitelist'],
    group: GROUP_FILTERS,
    orderInGroup: 3,
    examples: ['shop.orders,shop.customers', 'shop\\.order_.*'],
  })
  .string(TABLE_EXCLUDE_CONFIG, {
    doc: 'Regular expressions of `<db>.<table>` names not to capture. Not together with table.include.list.',
    default: null,
    validate: regexList,
    importance: 'medium',
    aliases: ['table.blacklist'],
    group: GROUP_FILTERS,
    orderInGroup: 4,
  })
  .boolean(TABLE_IGNORE_BUILTIN_CONFIG, {
    doc: 'Ignore the system databases (mysql, sys, information_schema, performance_schema).',
    default: true,
    importance: 'low',
    group: GROUP_FILTERS,
    orderInGroup: 5,
  })
  .enum(SNAPSHOT_MODE_CONFIG, SNAPSHOT_MODES, {
    doc:
      "When to take a consistent snapshot: 'initial' (default) when no offset is stored, then stream the binlog; " +
      "'initial_only' snapshot and stop; 'no_data' (alias 'schema_only') capture schemas and the position only, " +
      "then stream; 'never' stream from the oldest binlog without a snapshot; 'when_needed' as initial, and " +
      'also when the stored binlog position is no longer on the server (purged).',
    default: 'initial',
    caseInsensitive: true,
    importance: 'high',
    group: GROUP_SNAPSHOT,
    orderInGroup: 1,
  })
  .int(SNAPSHOT_FETCH_SIZE_CONFIG, {
    doc: 'Rows buffered ahead while a table is streamed during the snapshot.',
    default: 10_240,
    validate: range(1),
    importance: 'low',
    group: GROUP_SNAPSHOT,
    orderInGroup: 2,
  })
  .int(MAX_BATCH_SIZE_CONFIG, {
    doc: 'Most records one poll returns.',
    default: 2048,
    validate: range(1),
    importance: 'medium',
    group: GROUP_EVENTS,
    orderInGroup: 2,
  })
  .int(MAX_QUEUE_SIZE_CONFIG, {
    doc:
      'Most binlog rows read ahead of the poll; reading pauses (the server waits) while the queue is full. ' +
      'Must be larger than max.batch.size.',
    default: 8192,
    validate: range(1),
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 3,
  })
  .duration(POLL_INTERVAL_CONFIG, {
    doc: 'Longest a poll waits for new events before returning nothing.',
    default: 500,
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 4,
  })
  .enum(DECIMAL_MODE_CONFIG, DECIMAL_MODES, {
    doc:
      "DECIMAL/NUMERIC columns: 'precise' (default) as Connect Decimal with the column's scale; 'double' as FLOAT64 " +
      "(may lose precision); 'string' as their exact text.",
    default: 'precise',
    caseInsensitive: true,
    importance: 'medium',
    group: GROUP_EVENTS,
    orderInGroup: 5,
  })
  .enum(BIGINT_UNSIGNED_MODE_CONFIG, BIGINT_UNSIGNED_MODES, {
    doc:
      "BIGINT UNSIGNED columns: 'long' (default) as INT64 (values above 2^63-1 wrap to negative, as Debezium); " +
      "'precise' as Connect Decimal with scale 0.",
    default: 'long',
    caseInsensitive: true,
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 6,
  })
  .enum(TIME_PRECISION_MODE_CONFIG, TIME_PRECISION_MODES, {
    doc:
      "Temporal columns: 'adaptive_time_microseconds' (default) as Debezium's io.debezium.time types (Date, " +
      "MicroTime, Timestamp or MicroTimestamp by precision); 'connect' as Kafka Connect's Date, Time and Timestamp " +
      '(milliseconds). TIMESTAMP columns are io.debezium.time.ZonedTimestamp strings (UTC) in both modes.',
    default: 'adaptive_time_microseconds',
    caseInsensitive: true,
    importance: 'medium',
    group: GROUP_EVENTS,
    orderInGroup: 7,
  })
  .enum(BINARY_MODE_CONFIG, BINARY_MODES, {
    doc: "BINARY/VARBINARY/BLOB columns: 'bytes' (default), or a 'base64', 'base64-url-safe' or 'hex' string.",
    default: 'bytes',
    caseInsensitive: true,
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 8,
  })
  .boolean(INCLUDE_SCHEMA_CHANGES_CONFIG, {
    doc:
      'Emit a schema change event (the DDL and the table structure) to the topic `<topic.prefix>` for every ' +
      'captured table at snapshot and for every DDL statement on a captured table.',
    default: true,
    importance: 'medium',
    group: GROUP_EVENTS,
    orderInGroup: 9,
  })
  .boolean(INCLUDE_QUERY_CONFIG, {
    doc: 'Put the SQL statement that caused a change into `source.query` (reads MariaDB annotate-rows events).',
    default: false,
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 10,
  })
  .boolean(TOMBSTONES_CONFIG, {
    doc: 'After each delete event, also emit a tombstone (same key, null value) so compacted topics drop the key.',
    default: true,
    importance: 'medium',
    group: GROUP_EVENTS,
    orderInGroup: 11,
  })
  .duration(HEARTBEAT_INTERVAL_CONFIG, {
    doc:
      'Every this many ms without other records, emit a heartbeat record (to `<heartbeat.topics.prefix>.<topic.prefix>`) ' +
      'carrying the current binlog position, so the committed offset advances while only other tables change. 0 = off.',
    default: 0,
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 12,
  })
  .string(HEARTBEAT_TOPICS_PREFIX_CONFIG, {
    doc: 'Prefix of the heartbeat topic.',
    default: '__debezium-heartbeat',
    validate: nonEmpty(),
    importance: 'low',
    group: GROUP_EVENTS,
    orderInGroup: 13,
  });

export type MySqlCdcConfig = ParsedConfig<typeof MYSQL_CDC_SPEC>;

/** Cross-field rules the spec cannot express; key → messages. */
export function crossFieldErrors(config: MySqlCdcConfig): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (config[DATABASE_INCLUDE_CONFIG] !== null && config[DATABASE_EXCLUDE_CONFIG] !== null) {
    errors[DATABASE_EXCLUDE_CONFIG] = [
      `${DATABASE_INCLUDE_CONFIG} and ${DATABASE_EXCLUDE_CONFIG} are mutually exclusive: set only one`,
    ];
  }
  if (config[TABLE_INCLUDE_CONFIG] !== null && config[TABLE_EXCLUDE_CONFIG] !== null) {
    errors[TABLE_EXCLUDE_CONFIG] = [
      `${TABLE_INCLUDE_CONFIG} and ${TABLE_EXCLUDE_CONFIG} are mutually exclusive: set only one`,
    ];
  }
  if (config[MAX_QUEUE_SIZE_CONFIG] <= config[MAX_BATCH_SIZE_CONFIG]) {
    errors[MAX_QUEUE_SIZE_CONFIG] = [
      `must be larger than ${MAX_BATCH_SIZE_CONFIG} (${config[MAX_BATCH_SIZE_CONFIG]}), as in Debezium`,
    ];
  }
  return errors;
}

/** The replication client id: configured, or a stable number derived from the topic prefix (FNV-1a). */
export function effectiveServerId(config: MySqlCdcConfig): number {
  const configured = config[SERVER_ID_CONFIG];
  if (configured !== null) return configured;
  let hash = 0x811c9dc5;
  for (const ch of Buffer.from(`tributary:${config[TOPIC_PREFIX_CONFIG]}`, 'utf8')) {
    hash ^= ch;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 5400 + (hash % (2 ** 31 - 5400));
}

/** `snapshot.mode`, with Debezium's deprecated alias folded in. */
export function snapshotMode(config: MySqlCdcConfig): Exclude<SnapshotMode, 'schema_only'> {
  const mode = config[SNAPSHOT_MODE_CONFIG];
  return mode === 'schema_only' ? 'no_data' : mode;
}
