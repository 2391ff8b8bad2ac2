import { ConfigSpec, custom, type FieldErrors, nonEmpty, type ParsedConfig, range } from '@tributary/api';
import { parseJdbcUrl } from './jdbc-url.js';
import { zoneOf } from './time.js';

// Keys as Confluent's kafka-connect-jdbc spells them, so a pasted connector config works.
export const CONNECTION_URL = 'connection.url';
export const CONNECTION_USER = 'connection.user';
export const CONNECTION_PASSWORD = 'connection.password';
export const CONNECTION_ATTEMPTS = 'connection.attempts';
export const CONNECTION_BACKOFF_MS = 'connection.backoff.ms';
export const DIALECT_NAME = 'dialect.name';
export const DB_TIMEZONE = 'db.timezone';

export const MODE = 'mode';
export const INCREMENTING_COLUMN_NAME = 'incrementing.column.name';
export const TIMESTAMP_COLUMN_NAME = 'timestamp.column.name';
export const TIMESTAMP_INITIAL = 'timestamp.initial';
export const TIMESTAMP_DELAY_INTERVAL_MS = 'timestamp.delay.interval.ms';
export const VALIDATE_NON_NULL = 'validate.non.null';
export const QUERY = 'query';
export const POLL_INTERVAL_MS = 'poll.interval.ms';
export const BATCH_MAX_ROWS = 'batch.max.rows';
export const TABLE_WHITELIST = 'table.whitelist';
export const TABLE_BLACKLIST = 'table.blacklist';
export const TABLE_INCLUDE_LIST = 'table.include.list';
export const TABLE_EXCLUDE_LIST = 'table.exclude.list';
export const TABLE_TYPES = 'table.types';
export const TABLE_POLL_INTERVAL_MS = 'table.poll.interval.ms';
export const TOPIC_PREFIX = 'topic.prefix';
export const SCHEMA_PATTERN = 'schema.pattern';
export const CATALOG_PATTERN = 'catalog.pattern';
export const NUMERIC_MAPPING = 'numeric.mapping';
export const NUMERIC_PRECISION_MAPPING = 'numeric.precision.mapping';

export const INSERT_MODE = 'insert.mode';
export const BATCH_SIZE = 'batch.size';
export const DELETE_ENABLED = 'delete.enabled';
export const TABLE_NAME_FORMAT = 'table.name.format';
export const PK_MODE = 'pk.mode';
export const PK_FIELDS = 'pk.fields';
export const FIELDS_WHITELIST = 'fields.whitelist';
export const AUTO_CREATE = 'auto.create';
export const AUTO_EVOLVE = 'auto.evolve';
export const MAX_RETRIES = 'max.retries';
export const RETRY_BACKOFF_MS = 'retry.backoff.ms';
export const DEBEZIUM_UNWRAP = 'debezium.unwrap';

/** Task-config key the source connector fills with the task's tables (a JSON array of qualified names). */
export const TASK_TABLES = 'tables';

export const MODES = ['bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'] as const;
export type SourceMode = (typeof MODES)[number];
export const NUMERIC_MAPPINGS = ['none', 'precision_only', 'best_fit', 'best_fit_eager_double'] as const;
export type NumericMapping = (typeof NUMERIC_MAPPINGS)[number];
export const INSERT_MODES = ['insert', 'upsert', 'update'] as const;
export type InsertMode = (typeof INSERT_MODES)[number];
export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type PkMode = (typeof PK_MODES)[number];

/** Kafka Connect's default primary-key columns of `pk.mode=kafka`. */
export const DEFAULT_KAFKA_PK_NAMES = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;

/** `dialect.name` values: Confluent's class names and short names. Empty = from the URL. */
const DIALECT_NAMES = ['', 'MySqlDatabaseDialect', 'PostgreSqlDatabaseDialect', 'mysql', 'mariadb', 'postgresql'];

const CONNECTION_GROUP = 'Database';

const jdbcUrl = custom<string | null>('a jdbc:mysql:, jdbc:mariadb:, jdbc:oceanbase: or jdbc:postgresql: URL', (v) => {
  if (v === null) return undefined;
  try {
    parseJdbcUrl(v);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid JDBC URL for connection\.url: /, '');
  }
});

const timeZone = custom<string | null>('UTC, an offset such as +02:00, or an IANA zone id', (v) =>
  v === null || zoneOf(v) !== undefined ? undefined : `unknown time zone '${v}'`,
);

const dialectName = custom<string | null>(`one of ${DIALECT_NAMES.filter((d) => d !== '').join(', ')}`, (v) =>
  v === null || DIALECT_NAMES.some((d) => d.toLowerCase() === v.toLowerCase())
    ? undefined
    : `String must be one of: ${DIALECT_NAMES.filter((d) => d !== '').join(', ')}`,
);

/** Keys shared by the source and the sink: where the database is and how to reach it. */
export const CONNECTION_SPEC = ConfigSpec.create()
  .string(CONNECTION_URL, {
    doc:
      'JDBC connection URL: jdbc:mysql://host:port/db, jdbc:mariadb://..., jdbc:oceanbase://... (MySQL mode) or ' +
      'jdbc:postgresql://host:port/db. Query parameters are read as the JDBC drivers read them: user, password, ' +
      'ssl/useSSL/sslmode, connectTimeout, currentSchema (PostgreSQL), ApplicationName.',
    importance: 'high',
    group: CONNECTION_GROUP,
    orderInGroup: 1,
    validate: [nonEmpty(), jdbcUrl],
    examples: ['jdbc:mysql://127.0.0.1:3306/shop', 'jdbc:postgresql://127.0.0.1:5432/warehouse?currentSchema=public'],
  })
  .string(CONNECTION_USER, {
    doc: 'Database user. Overrides a user given in the URL.',
    default: null,
    importance: 'high',
    group: CONNECTION_GROUP,
    orderInGroup: 2,
  })
  .password(CONNECTION_PASSWORD, {
    doc: 'Password of the database user. Overrides a password given in the URL.',
    default: null,
    importance: 'high',
    group: CONNECTION_GROUP,
    orderInGroup: 3,
  })
  .int(CONNECTION_ATTEMPTS, {
    doc: 'Attempts to open a database connection before giving up (the task start fails, or a put/poll is retried).',
    default: 3,
    validate: range(1),
    importance: 'low',
    group: CONNECTION_GROUP,
    orderInGroup: 4,
  })
  .duration(CONNECTION_BACKOFF_MS, {
    doc: 'Wait between two connection attempts.',
    default: 10_000,
    importance: 'low',
    group: CONNECTION_GROUP,
    orderInGroup: 5,
  })
  .string(DIALECT_NAME, {
    doc: 'SQL dialect; empty picks it from the URL. MySqlDatabaseDialect (MySQL, MariaDB, OceanBase MySQL mode) or PostgreSqlDatabaseDialect.',
    default: '',
    validate: dialectName,
    importance: 'low',
    group: CONNECTION_GROUP,
    orderInGroup: 6,
  })
  .string(DB_TIMEZONE, {
    doc:
      'Time zone of date-time values without a zone (MySQL DATETIME, PostgreSQL timestamp): they are read and ' +
      'written as wall time in this zone, and the database session uses it.',
    default: 'UTC',
    validate: timeZone,
    importance: 'medium',
    group: CONNECTION_GROUP,
    orderInGroup: 7,
    examples: ['UTC', 'Europe/Paris', '+08:00'],
  });

const MODE_GROUP = 'Mode';
const SOURCE_GROUP = 'Source';

/** Configuration of JdbcSource (and of its tasks). */
export const JDBC_SOURCE_SPEC = CONNECTION_SPEC.enum(MODE, MODES, {
  doc:
    'How each poll finds rows: bulk (the whole table every poll.interval.ms), incrementing (rows whose ' +
    'incrementing column grew), timestamp (rows whose timestamp column grew: new and updated rows), ' +
    'timestamp+incrementing (both: updates without duplicates or gaps).',
  importance: 'high',
  group: MODE_GROUP,
  orderInGroup: 1,
})
  .string(INCREMENTING_COLUMN_NAME, {
    doc: 'Strictly increasing column (auto-increment id) of incrementing modes; empty = the auto-increment column.',
    default: '',
    importance: 'medium',
    group: MODE_GROUP,
    orderInGroup: 2,
  })
  .list(TIMESTAMP_COLUMN_NAME, {
    doc: 'Timestamp column(s) of timestamp modes; with several, the first non-null one of a row counts (COALESCE).',
    default: [],
    importance: 'medium',
    group: MODE_GROUP,
    orderInGroup: 3,
  })
  .long(TIMESTAMP_INITIAL, {
    doc: 'Where timestamp modes start without a committed offset: epoch ms, -1 = now; empty = from the beginning.',
    default: null,
    importance: 'low',
    group: MODE_GROUP,
    orderInGroup: 4,
  })
  .duration(TIMESTAMP_DELAY_INTERVAL_MS, {
    doc: 'How old a row must be before a timestamp mode reads it, so that transactions in flight can commit.',
    default: 0,
    importance: 'high',
    group: MODE_GROUP,
    orderInGroup: 5,
  })
  .boolean(VALIDATE_NON_NULL, {
    doc: 'Fail at start when the incrementing column or all timestamp columns are nullable (rows with NULL are never read).',
    default: true,
    importance: 'low',
    group: MODE_GROUP,
    orderInGroup: 6,
  })
  .string(QUERY, {
    doc:
      'A custom SELECT to read instead of tables (one task, topic = topic.prefix). Incremental modes append ' +
      "' WHERE ... ORDER BY ...' to it, so it must not have its own WHERE (wrap it in a sub-select).",
    default: '',
    importance: 'medium',
    group: MODE_GROUP,
    orderInGroup: 7,
  })
  .string(TOPIC_PREFIX, {
    doc: 'Prefix of the topic of each table (topic = prefix + table name), or the whole topic name with query.',
    importance: 'high',
    group: SOURCE_GROUP,
    orderInGroup: 1,
    examples: ['mysql-', 'shop.'],
  })
  .duration(POLL_INTERVAL_MS, {
    doc: 'Wait between two queries of a table once it returned everything new.',
    default: 5000,
    importance: 'high',
    group: SOURCE_GROUP,
    orderInGroup: 2,
  })
  .int(BATCH_MAX_ROWS, {
    doc: 'Most rows one poll returns (one query per table per poll; incremental queries use LIMIT).',
    default: 100,
    validate: range(1),
    importance: 'low',
    group: SOURCE_GROUP,
    orderInGroup: 3,
  })
  .list(TABLE_WHITELIST, {
    doc: 'Tables to read (names or qualified names); excludes table.blacklist and the include/exclude lists.',
    default: [],
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 4,
  })
  .list(TABLE_BLACKLIST, {
    doc: 'Tables not to read (names or qualified names).',
    default: [],
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 5,
  })
  .list(TABLE_INCLUDE_LIST, {
    doc: 'Regular expressions matched against qualified table names (db.table, schema.table) of tables to read.',
    default: [],
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 6,
    validate: custom<readonly string[] | null>('valid regular expressions', regexList),
  })
  .list(TABLE_EXCLUDE_LIST, {
    doc: 'Regular expressions of qualified table names not to read, among those of table.include.list.',
    default: [],
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 7,
    validate: custom<readonly string[] | null>('valid regular expressions', regexList),
  })
  .list(TABLE_TYPES, {
    doc: 'Kinds of tables to read: TABLE, VIEW; PostgreSQL also MATERIALIZED VIEW, FOREIGN TABLE, PARTITIONED TABLE.',
    default: ['TABLE'],
    importance: 'low',
    group: SOURCE_GROUP,
    orderInGroup: 8,
    validate: custom<readonly string[] | null>('table types', (v) => {
      const bad = (v ?? []).find((t) => !TABLE_TYPE_NAMES.includes(t.toUpperCase()));
      return bad === undefined ? undefined : `unknown table type '${bad}' (known: ${TABLE_TYPE_NAMES.join(', ')})`;
    }),
  })
  .duration(TABLE_POLL_INTERVAL_MS, {
    doc: 'How often the connector looks for new or dropped tables (and reassigns tasks when they changed).',
    default: 60_000,
    importance: 'low',
    group: SOURCE_GROUP,
    orderInGroup: 9,
  })
  .string(SCHEMA_PATTERN, {
    doc: 'PostgreSQL: LIKE pattern of the schemas whose tables are read (default: every schema but the system ones).',
    default: null,
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 10,
  })
  .string(CATALOG_PATTERN, {
    doc: "MySQL: LIKE pattern of the databases whose tables are read (default: the URL's database).",
    default: null,
    importance: 'medium',
    group: SOURCE_GROUP,
    orderInGroup: 11,
  })
  .enum(NUMERIC_MAPPING, NUMERIC_MAPPINGS, {
    doc:
      'DECIMAL/NUMERIC columns: none = Connect Decimal; precision_only = integers of the fitting size when the ' +
      'scale is 0 and precision ≤ 18; best_fit = that, or float64 when the scale is > 0 and precision ≤ 18; ' +
      'best_fit_eager_double = float64 whenever the scale is > 0.',
    default: null,
    importance: 'low',
    group: SOURCE_GROUP,
    orderInGroup: 12,
  })
  .boolean(NUMERIC_PRECISION_MAPPING, {
    doc: 'Deprecated: true means numeric.mapping=precision_only.',
    default: false,
    importance: 'low',
    group: SOURCE_GROUP,
    orderInGroup: 13,
    deprecated: 'use numeric.mapping=precision_only',
  })
  .check((c) => {
    const errors: Record<string, string[]> = {};
    const add = (key: string, message: string): void => {
      errors[key] = [...(errors[key] ?? []), message];
    };
    const legacy = c[TABLE_WHITELIST].length > 0 || c[TABLE_BLACKLIST].length > 0;
    const modern = c[TABLE_INCLUDE_LIST].length > 0 || c[TABLE_EXCLUDE_LIST].length > 0;
    if (c[TABLE_WHITELIST].length > 0 && c[TABLE_BLACKLIST].length > 0) {
      add(TABLE_BLACKLIST, `${TABLE_WHITELIST} and ${TABLE_BLACKLIST} are mutually exclusive`);
    }
    if (legacy && modern) {
      add(
        TABLE_INCLUDE_LIST,
        `${TABLE_WHITELIST}/${TABLE_BLACKLIST} and ${TABLE_INCLUDE_LIST}/${TABLE_EXCLUDE_LIST} cannot be mixed`,
      );
    }
    if (c[TABLE_EXCLUDE_LIST].length > 0 && c[TABLE_INCLUDE_LIST].length === 0) {
      add(
        TABLE_EXCLUDE_LIST,
        `${TABLE_EXCLUDE_LIST} needs ${TABLE_INCLUDE_LIST}: it only removes tables the include list matched`,
      );
    }
    if (c[QUERY] !== '' && (legacy || modern)) {
      add(QUERY, 'a custom query reads no tables: do not set table filters with it');
    }
    if (c[QUERY] !== '' && c[TOPIC_PREFIX] === '') {
      add(TOPIC_PREFIX, 'with a custom query, topic.prefix is the topic name and must not be empty');
    }
    if ((c[MODE] === 'timestamp' || c[MODE] === 'timestamp+incrementing') && c[TIMESTAMP_COLUMN_NAME].length === 0) {
      add(TIMESTAMP_COLUMN_NAME, `mode ${c[MODE]} needs at least one timestamp column`);
    }
    if (
      c[QUERY] !== '' &&
      (c[MODE] === 'incrementing' || c[MODE] === 'timestamp+incrementing') &&
      c[INCREMENTING_COLUMN_NAME] === ''
    ) {
      add(INCREMENTING_COLUMN_NAME, `mode ${c[MODE]} with a custom query needs the incrementing column's name`);
    }
    return errors as FieldErrors;
  });

export type JdbcSourceConfig = ParsedConfig<typeof JDBC_SOURCE_SPEC>;

const SINK_GROUP = 'Writes';
const DDL_GROUP = 'DDL';
const RETRY_GROUP = 'Retries';

/** Configuration of JdbcSink (and of its tasks). */
export const JDBC_SINK_SPEC = CONNECTION_SPEC.enum(INSERT_MODE, INSERT_MODES, {
  doc:
    'insert = INSERT (a duplicate key is a bad record); upsert = insert or replace by primary key (MySQL ' +
    'INSERT ... ON DUPLICATE KEY UPDATE, PostgreSQL INSERT ... ON CONFLICT DO UPDATE); update = UPDATE by primary key.',
  default: 'insert',
  importance: 'high',
  group: SINK_GROUP,
  orderInGroup: 1,
})
  .int(BATCH_SIZE, {
    doc: 'Most rows per SQL statement. Each put() is written in one transaction whatever its size.',
    default: 3000,
    validate: range(1),
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 2,
  })
  .boolean(DELETE_ENABLED, {
    doc: 'Delete the row of a tombstone (null value) by its key. Needs pk.mode=record_key. Off: tombstones are skipped.',
    default: false,
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 3,
  })
  .string(TABLE_NAME_FORMAT, {
    doc:
      "Target table; '${topic}' is replaced by the record's topic. Dots qualify the name: db.table (MySQL), " +
      'schema.table (PostgreSQL). Rename topics such as server.db.table with the RegexRouter transform.',
    default: '${topic}',
    validate: nonEmpty(),
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 4,
    examples: ['${topic}', 'public.${topic}', 'kafka_${topic}'],
  })
  .enum(PK_MODE, PK_MODES, {
    doc:
      'Primary key columns: none; kafka = __connect_topic, __connect_partition, __connect_offset (queue ' +
      'coordinates); record_key = fields of the key (or the key itself); record_value = fields of the value.',
    default: 'none',
    importance: 'high',
    group: SINK_GROUP,
    orderInGroup: 5,
  })
  .list(PK_FIELDS, {
    doc:
      'Primary key field names: with kafka three column names; with record_key the key fields (one column name for ' +
      'a primitive key); with record_value the value fields. Empty = all fields of the key/value.',
    default: [],
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 6,
  })
  .list(FIELDS_WHITELIST, {
    doc: 'Value fields to write (besides the key columns); empty = all.',
    default: [],
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 7,
  })
  .boolean(DEBEZIUM_UNWRAP, {
    doc:
      'Accept Debezium change envelopes ({before, after, op, ...}) as values: c/r/u write `after`, d deletes by ' +
      'key (with delete.enabled). Other values pass unchanged.',
    default: false,
    importance: 'medium',
    group: SINK_GROUP,
    orderInGroup: 8,
  })
  .boolean(AUTO_CREATE, {
    doc: 'CREATE TABLE from the record schema when the target table is missing.',
    default: false,
    importance: 'medium',
    group: DDL_GROUP,
    orderInGroup: 1,
  })
  .boolean(AUTO_EVOLVE, {
    doc: 'ALTER TABLE ADD COLUMN for record fields the table lacks (never drops or changes columns).',
    default: false,
    importance: 'medium',
    group: DDL_GROUP,
    orderInGroup: 2,
  })
  .int(MAX_RETRIES, {
    doc: 'Transient errors (connection lost, deadlock, serialization failure) retried before the task fails.',
    default: 10,
    validate: range(0),
    importance: 'medium',
    group: RETRY_GROUP,
    orderInGroup: 1,
  })
  .duration(RETRY_BACKOFF_MS, {
    doc: 'Wait before retrying after a transient error.',
    default: 3000,
    importance: 'medium',
    group: RETRY_GROUP,
    orderInGroup: 2,
  })
  .check((c) => {
    const errors: Record<string, string[]> = {};
    if (c[DELETE_ENABLED] && c[PK_MODE] !== 'record_key') {
      errors[DELETE_ENABLED] = [`Deletes are only supported for pk.mode record_key (pk.mode is ${c[PK_MODE]})`];
    }
    if (c[INSERT_MODE] !== 'insert' && c[PK_MODE] === 'none') {
      errors[PK_MODE] = [`insert.mode ${c[INSERT_MODE]} needs primary key columns: set pk.mode`];
    }
    if (c[PK_MODE] === 'kafka' && c[PK_FIELDS].length !== 0 && c[PK_FIELDS].length !== 3) {
      errors[PK_FIELDS] = ['with pk.mode kafka, give no field names (for the defaults) or exactly three'];
    }
    return errors;
  });

export type JdbcSinkConfig = ParsedConfig<typeof JDBC_SINK_SPEC>;

const TABLE_TYPE_NAMES = ['TABLE', 'VIEW', 'MATERIALIZED VIEW', 'FOREIGN TABLE', 'PARTITIONED TABLE'];

function regexList(v: readonly string[] | null): string | undefined {
  for (const pattern of v ?? []) {
    try {
      new RegExp(pattern);
    } catch {
      return `'${pattern}' is not a valid regular expression`;
    }
  }
  return undefined;
}

/** The numeric mapping in force, from numeric.mapping or the deprecated numeric.precision.mapping. */
export function numericMappingOf(config: JdbcSourceConfig): NumericMapping {
  return config[NUMERIC_MAPPING] ?? (config[NUMERIC_PRECISION_MAPPING] ? 'precision_only' : 'none');
}
