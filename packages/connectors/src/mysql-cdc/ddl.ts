/**
 * Recognizes the DDL statements of binlog QUERY events that change table structures, and the tables they
 * name. Not a SQL parser: it reads the statement's head. When the tables cannot be told (RENAME TABLE, a
 * multi-table DROP, a statement it does not know that still starts with ALTER/CREATE/DROP), the whole
 * database is reported as affected, so cached structures are re-read rather than trusted.
 */

export type DdlKind = 'CREATE' | 'ALTER' | 'DROP' | 'RENAME' | 'TRUNCATE';

export interface TableRef {
  readonly db: string;
  readonly table: string;
}

export interface DdlInfo {
  readonly kind: DdlKind;
  /** Tables the statement changes; null when unknown (then every table of `db` may have changed). */
  readonly tables: readonly TableRef[] | null;
  /** The database the statement applies to when `tables` is null (the event's default database). */
  readonly db: string;
}

const IDENT = '(?:`(?:[^`]|``)+`|[\\w$]+)';
const NAME = `(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?`;

function unquote(ident: string): string {
  return ident.startsWith('`') ? ident.slice(1, -1).replace(/``/g, '`') : ident;
}

function ref(first: string, second: string | undefined, defaultDb: string): TableRef {
  return second === undefined
    ? { db: defaultDb, table: unquote(first) }
    : { db: unquote(first), table: unquote(second) };
}

/** The statement without leading comments and whitespace. */
export function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.trimStart();
    if (t.startsWith('/*') && !t.startsWith('/*!')) {
      const end = t.indexOf('*/');
      if (end < 0) return '';
      s = t.slice(end + 2);
    } else if (t.startsWith('-- ') || t.startsWith('#')) {
      const end = t.indexOf('\n');
      if (end < 0) return '';
      s = t.slice(end + 1);
    } else {
      return t;
    }
  }
}

const CREATE_TABLE = new RegExp(
  `^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}`,
  'i',
);
const ALTER_TABLE = new RegExp(`^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?${NAME}`, 'i');
const DROP_TABLE = new RegExp(`^DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\s+(?:IF\\s+EXISTS\\s+)?${NAME}\\s*(,)?`, 'i');
const TRUNCATE = new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?${NAME}`, 'i');
const INDEX = new RegExp(
  `^(?:CREATE|DROP)\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+|OFFLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?${IDENT}\\s+(?:USING\\s+\\w+\\s+)?ON\\s+${NAME}`,
  'i',
);

/** The table DDL of a QUERY event, or null when the statement changes no table structure. */
export function parseDdl(query: string, defaultDb: string): DdlInfo | null {
  const sql = stripLeadingComments(query);
  let m = CREATE_TABLE.exec(sql);
  if (m !== null) return { kind: 'CREATE', tables: [ref(m[1]!, m[2], defaultDb)], db: defaultDb };
  m = ALTER_TABLE.exec(sql);
  if (m !== null) {
    const target = ref(m[1]!, m[2], defaultDb);
    // ALTER TABLE a RENAME [TO] b: both names change.
    return /\bRENAME\b(?!\s+(?:COLUMN|INDEX|KEY)\b)/i.test(sql.slice(m[0].length))
      ? { kind: 'RENAME', tables: null, db: target.db }
      : { kind: 'ALTER', tables: [target], db: defaultDb };
  }
  m = DROP_TABLE.exec(sql);
  if (m !== null) {
    const first = ref(m[1]!, m[2], defaultDb);
    return m[3] === undefined
      ? { kind: 'DROP', tables: [first], db: defaultDb }
      : { kind: 'DROP', tables: null, db: first.db };
  }
  m = INDEX.exec(sql);
  if (m !== null) return { kind: 'ALTER', tables: [ref(m[1]!, m[2], defaultDb)], db: defaultDb };
  m = TRUNCATE.exec(sql);
  if (m !== null) return { kind: 'TRUNCATE', tables: [ref(m[1]!, m[2], defaultDb)], db: defaultDb };
  if (/^RENAME\s+TABLES?\b/i.test(sql)) return { kind: 'RENAME', tables: null, db: defaultDb };
  if (/^(?:ALTER|CREATE|DROP)\s+(?:DATABASE|SCHEMA)\b/i.test(sql)) return null;
  if (/^(?:ALTER|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE|DROP\s+(?:TEMPORARY\s+)?TABLE)\b/i.test(sql)) {
    return { kind: 'ALTER', tables: null, db: defaultDb };
  }
  return null;
}
