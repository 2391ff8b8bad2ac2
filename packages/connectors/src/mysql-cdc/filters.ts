import {
  DATABASE_EXCLUDE_CONFIG,
  DATABASE_INCLUDE_CONFIG,
  type MySqlCdcConfig,
  splitRegexList,
  TABLE_EXCLUDE_CONFIG,
  TABLE_IGNORE_BUILTIN_CONFIG,
  TABLE_INCLUDE_CONFIG,
} from './config.js';

/** Databases Debezium never captures unless `table.ignore.builtin=false`. */
export const BUILTIN_DATABASES: ReadonlySet<string> = new Set([
  'mysql',
  'sys',
  'information_schema',
  'performance_schema',
]);

export interface TableFilterOptions {
  readonly databaseInclude?: readonly string[] | null;
  readonly databaseExclude?: readonly string[] | null;
  readonly tableInclude?: readonly string[] | null;
  readonly tableExclude?: readonly string[] | null;
  readonly ignoreBuiltin?: boolean;
}

// Whole-name, case-insensitive matches, as Debezium's Selectors (Java Pattern.matches with CASE_INSENSITIVE).
function compile(patterns: readonly string[] | null | undefined): RegExp[] | null {
  if (patterns === null || patterns === undefined) return null;
  return patterns.map((p) => new RegExp(`^(?:${p})$`, 'i'));
}

/**
 * Which tables are captured: database include/exclude lists match database names, table include/exclude
 * lists match `<db>.<table>`; an include list admits only what it matches, an exclude list drops what it
 * matches; system databases are dropped unless `table.ignore.builtin=false`. Results are cached per table.
 */
export class TableFilter {
  readonly #dbInclude: RegExp[] | null;
  readonly #dbExclude: RegExp[] | null;
  readonly #tableInclude: RegExp[] | null;
  readonly #tableExclude: RegExp[] | null;
  readonly #ignoreBuiltin: boolean;
  readonly #tableInclusions: readonly string[];
  readonly #cache = new Map<string, boolean>();

  constructor(options: TableFilterOptions) {
    this.#dbInclude = compile(options.databaseInclude);
    this.#dbExclude = compile(options.databaseExclude);
    this.#tableInclude = compile(options.tableInclude);
    this.#tableExclude = compile(options.tableExclude);
    this.#ignoreBuiltin = options.ignoreBuiltin ?? true;
    this.#tableInclusions = options.tableInclude ?? [];
  }

  static fromConfig(config: MySqlCdcConfig): TableFilter {
    const list = (v: string | null) => (v === null ? null : splitRegexList(v));
    return new TableFilter({
      databaseInclude: list(config[DATABASE_INCLUDE_CONFIG]),
      databaseExclude: list(config[DATABASE_EXCLUDE_CONFIG]),
      tableInclude: list(config[TABLE_INCLUDE_CONFIG]),
      tableExclude: list(config[TABLE_EXCLUDE_CONFIG]),
      ignoreBuiltin: config[TABLE_IGNORE_BUILTIN_CONFIG],
    });
  }

  /** True when tables of this database may be captured (some table filter may still drop them). */
  includesDatabase(db: string): boolean {
    if (this.#ignoreBuiltin && BUILTIN_DATABASES.has(db.toLowerCase())) return false;
    if (this.#dbInclude !== null && !this.#dbInclude.some((r) => r.test(db))) return false;
    if (this.#dbExclude?.some((r) => r.test(db))) return false;
    return true;
  }

  /** True when the table is captured. */
  includes(db: string, table: string): boolean {
    const id = `${db}.${table}`;
    let result = this.#cache.get(id);
    if (result === undefined) {
      result =
        this.includesDatabase(db) &&
        (this.#tableInclude === null || this.#tableInclude.some((r) => r.test(id))) &&
        !(this.#tableExclude?.some((r) => r.test(id)) ?? false);
      if (this.#cache.size > 100_000) this.#cache.clear();
      this.#cache.set(id, result);
    }
    return result;
  }

  /**
   * The entries of `table.include.list` that name one table literally (`shop.orders` or `shop\.orders`,
   * no other regex characters), as `<db>.<table>`. These must exist; other patterns may match nothing yet.
   */
  literalTables(): string[] {
    const out: string[] = [];
    for (const pattern of this.#tableInclusions) {
      const m = /^([\w$]+)\\?\.([\w$]+)$/.exec(pattern);
      if (m !== null) out.push(`${m[1]}.${m[2]}`);
    }
    return out;
  }

  /** Patterns of `table.include.list` that match none of `tables` (each `<db>.<table>`). */
  unmatchedInclusions(tables: readonly string[]): string[] {
    return this.#tableInclusions.filter((pattern) => {
      const re = new RegExp(`^(?:${pattern})$`, 'i');
      return !tables.some((t) => re.test(t));
    });
  }
}
