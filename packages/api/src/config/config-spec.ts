import { ConfigError, type FieldErrors } from '../errors.js';
import { Password } from './password.js';
import type { Validator } from './validators.js';

/** Types of configuration fields. */
export type ConfigType =
  | 'string'
  | 'int'
  | 'long'
  | 'double'
  | 'boolean'
  | 'list'
  | 'password'
  | 'duration'
  | 'enum'
  | 'class';

export type Importance = 'high' | 'medium' | 'low';

/** A raw configuration as it arrives from REST, files or the CLI: keys to strings (numbers, booleans and lists tolerated). */
export type RawConfig = Readonly<Record<string, unknown>>;

/** Options shared by every field. Leaving out `default` makes the field required. */
export interface FieldOptions<T> {
  /** What the field does, for docs and REST. */
  readonly doc: string;
  /** The default. Absent = required; `null` = optional with no value (parsed as null). */
  readonly default?: T | null;
  readonly importance?: Importance;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly displayName?: string;
  /** Example values, shown in docs; every example must pass the field's validation (tested). */
  readonly examples?: readonly string[];
  /** Keys whose meaning depends on this one. */
  readonly dependents?: readonly string[];
  readonly validate?: Validator<T | null> | readonly Validator<T | null>[];
  /** Other accepted spellings of the key (e.g. RocketMQ Connect's `max.tasks` for `tasks.max`). */
  readonly aliases?: readonly string[];
  /** Why the field is deprecated and what to use instead; shown in docs. */
  readonly deprecated?: string;
}

/** Options of fields whose default is written in another form than the parsed value (passwords, durations). */
export type TextDefaultOptions<T, D> = Omit<FieldOptions<T>, 'default'> & { readonly default?: D | null };

/** The definition of one field, as stored in a spec and exposed for docs and REST. */
export interface FieldDef {
  readonly name: string;
  readonly type: ConfigType;
  readonly doc: string;
  /** False when the field is required. */
  readonly hasDefault: boolean;
  /** The parsed default (null when optional without value); undefined when required. */
  readonly defaultValue: unknown;
  readonly importance: Importance;
  readonly group: string | undefined;
  readonly orderInGroup: number | undefined;
  readonly displayName: string;
  readonly examples: readonly string[];
  readonly dependents: readonly string[];
  readonly validators: readonly Validator<never>[];
  readonly aliases: readonly string[];
  readonly deprecated: string | undefined;
  /** For `enum`: the allowed values. */
  readonly enumValues: readonly string[] | undefined;
  /** For `enum`: whether values match regardless of case. */
  readonly caseInsensitive: boolean;
}

/** One field's outcome in {@link ConfigSpec.validate}. */
export interface FieldValidation {
  readonly name: string;
  /** Parsed value when valid, else the raw value (undefined when absent). */
  readonly value: unknown;
  readonly errors: readonly string[];
  /** Values the user may choose from (enum values, booleans), for REST answers. */
  readonly recommendedValues: readonly string[];
}

export interface ConfigValidation {
  readonly fields: readonly FieldValidation[];
  /** Keys present in the input that the spec does not define. */
  readonly unknownKeys: readonly string[];
  readonly errorCount: number;
}

export interface ParseOptions {
  /** Reject keys the spec does not define (with a "did you mean" hint). Default false: extra keys pass through. */
  readonly strict?: boolean;
  /** Keys to accept in strict mode though the spec does not define them (e.g. other components' keys). */
  readonly allowKeys?: (key: string) => boolean;
  /** What the configuration is, for the error message: `Connector configuration`, `transform 'route'`. */
  readonly subject?: string;
}

/** The readonly parsed form of a spec `S`. */
export type ParsedConfig<S> = S extends ConfigSpec<infer T> ? Readonly<T> : never;

type OutOf<V, O> = O extends { readonly default: null } ? V | null : V;
type With<T, N extends string, V> = T & { readonly [K in N]: V };

/**
 * One configuration spec per component is the single source for parsing, validation, the REST
 * `config/validate` answer and generated docs (Kafka's ConfigDef). Specs are immutable: every `define`
 * returns a new spec, so a base spec can be extended safely.
 *
 * ```ts
 * const SPEC = ConfigSpec.create()
 *   .string('file', { doc: 'Source filename.', default: '' })
 *   .int('batch.size', { doc: 'Max lines per poll.', default: 2000, validate: range(1) });
 * const config = SPEC.parse(raw); // Readonly<{ file: string; 'batch.size': number }>, or ConfigError
 * ```
 */
/** A rule over several fields of a parsed config: returns per-key messages (empty or undefined = valid). */
export type CrossFieldCheck<T> = (config: Readonly<T>) => FieldErrors | undefined;

type StoredCheck = { readonly run: (config: object) => FieldErrors | undefined };

export class ConfigSpec<T extends object = {}> {
  readonly #fields: readonly FieldDef[];
  readonly #byKey: ReadonlyMap<string, FieldDef>;
  // Stored untyped so that ConfigSpec<T> stays assignable to ConfigSpec<object> (checks are contravariant).
  readonly #checks: readonly StoredCheck[];

  private constructor(fields: readonly FieldDef[], checks: readonly StoredCheck[] = []) {
    this.#fields = fields;
    this.#checks = checks;
    const byKey = new Map<string, FieldDef>();
    for (const f of fields) {
      for (const key of [f.name, ...f.aliases]) byKey.set(key, f);
    }
    this.#byKey = byKey;
  }

  static create(): ConfigSpec<{}> {
    return new ConfigSpec([]);
  }

  /** Every field, in definition order. */
  get fields(): readonly FieldDef[] {
    return this.#fields;
  }

  /** The field defined under this name or alias. */
  field(key: string): FieldDef | undefined {
    return this.#byKey.get(key);
  }

  string<N extends string, O extends FieldOptions<string>>(name: N, opts: O): ConfigSpec<With<T, N, OutOf<string, O>>> {
    return this.#define(name, 'string', opts);
  }
  int<N extends string, O extends FieldOptions<number>>(name: N, opts: O): ConfigSpec<With<T, N, OutOf<number, O>>> {
    return this.#define(name, 'int', opts);
  }
  /** A 64-bit integer setting; values must be safe integers (|v| ≤ 2^53-1) since they parse to numbers. */
  long<N extends string, O extends FieldOptions<number>>(name: N, opts: O): ConfigSpec<With<T, N, OutOf<number, O>>> {
    return this.#define(name, 'long', opts);
  }
  double<N extends string, O extends FieldOptions<number>>(name: N, opts: O): ConfigSpec<With<T, N, OutOf<number, O>>> {
    return this.#define(name, 'double', opts);
  }
  boolean<N extends string, O extends FieldOptions<boolean>>(
    name: N,
    opts: O,
  ): ConfigSpec<With<T, N, OutOf<boolean, O>>> {
    return this.#define(name, 'boolean', opts);
  }
  /** A comma-separated list of strings. */
  list<N extends string, O extends FieldOptions<readonly string[]>>(
    name: N,
    opts: O,
  ): ConfigSpec<With<T, N, OutOf<readonly string[], O>>> {
    return this.#define(name, 'list', opts);
  }
  /** A secret: parsed to a {@link Password}, never rendered in clear. The default is given as a string. */
  password<N extends string, O extends TextDefaultOptions<Password, string>>(
    name: N,
    opts: O,
  ): ConfigSpec<With<T, N, OutOf<Password, O>>> {
    return this.#define(name, 'password', opts);
  }
  /** Milliseconds, given as a number of ms or text such as `500ms`, `30s`, `5m`, `1h30m`, `2d`. */
  duration<N extends string, O extends TextDefaultOptions<number, number | string>>(
    name: N,
    opts: O,
  ): ConfigSpec<With<T, N, OutOf<number, O>>> {
    return this.#define(name, 'duration', opts);
  }
  /** One of a fixed set of strings; parsed to the canonical spelling given in `values`. */
  enum<N extends string, const V extends readonly string[], O extends FieldOptions<V[number]>>(
    name: N,
    values: V,
    opts: O & { readonly caseInsensitive?: boolean },
  ): ConfigSpec<With<T, N, OutOf<V[number], O>>> {
    return this.#define(name, 'enum', opts, values, opts.caseInsensitive ?? false);
  }
  /** The name or alias of a plugin (a connector, converter, transform or predicate). */
  pluginClass<N extends string, O extends FieldOptions<string>>(
    name: N,
    opts: O,
  ): ConfigSpec<With<T, N, OutOf<string, O>>> {
    return this.#define(name, 'class', opts);
  }

  /**
   * Adds a rule over several fields (e.g. "exactly one of topics and topics.regex"), run by `parse`,
   * `validate` and `errors` once every field parsed on its own; its messages are reported per key.
   */
  check(rule: CrossFieldCheck<T>): ConfigSpec<T> {
    return new ConfigSpec<T>(this.#fields, [
      ...this.#checks,
      { run: rule as (config: object) => FieldErrors | undefined },
    ]);
  }

  /** A spec with every field of this one and of `other` (other's fields win on a name clash) and both sets of checks. */
  extend<U extends object>(other: ConfigSpec<U>): ConfigSpec<T & U> {
    const names = new Set(other.fields.map((f) => f.name));
    return new ConfigSpec<T & U>(
      [...this.#fields.filter((f) => !names.has(f.name)), ...other.fields],
      [...this.#checks, ...other.#checks],
    );
  }

  /** A spec without the named fields and without cross-field checks (use for docs and validation of subsets). */
  without(...names: string[]): ConfigSpec<T> {
    const drop = new Set(names);
    return new ConfigSpec(this.#fields.filter((f) => !drop.has(f.name)));
  }

  /**
   * Parses and validates a raw configuration into a frozen typed object.
   * @throws ConfigError with every problem per key (missing required keys, wrong types, failed validators,
   *   unknown keys in strict mode).
   */
  parse(raw: RawConfig, options: ParseOptions = {}): Readonly<T> {
    const out: Record<string, unknown> = {};
    const errors: Record<string, string[]> = {};
    for (const field of this.#fields) {
      const result = this.#parseField(field, raw);
      if (result.errors.length > 0) errors[field.name] = result.errors;
      else out[field.name] = result.value;
    }
    if (Object.keys(errors).length === 0) this.#runChecks(out, errors);
    if (options.strict) {
      for (const key of this.#unknownKeys(raw, options)) errors[key] = [this.#unknownKeyMessage(key)];
    }
    if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, options.subject ?? 'Configuration');
    return Object.freeze(out) as Readonly<T>;
  }

  /**
   * Validates without throwing: one result per field (parsed value or raw value, errors, recommended
   * values) plus unknown keys, as the REST `config/validate` answer needs.
   */
  validate(raw: RawConfig, options: Omit<ParseOptions, 'subject'> = {}): ConfigValidation {
    const fields: FieldValidation[] = [];
    let errorCount = 0;
    const parsed: Record<string, unknown> = {};
    for (const field of this.#fields) {
      const result = this.#parseField(field, raw);
      errorCount += result.errors.length;
      parsed[field.name] = result.value;
      fields.push({
        name: field.name,
        value: result.errors.length > 0 ? rawValue(field, raw) : result.value,
        errors: result.errors,
        recommendedValues: field.enumValues ?? (field.type === 'boolean' ? ['true', 'false'] : []),
      });
    }
    if (errorCount === 0) {
      const crossErrors: Record<string, string[]> = {};
      this.#runChecks(parsed, crossErrors);
      for (const [key, messages] of Object.entries(crossErrors)) {
        const i = fields.findIndex((f) => f.name === key);
        errorCount += messages.length;
        if (i >= 0) fields[i] = { ...fields[i]!, errors: [...fields[i]!.errors, ...messages] };
        else fields.push({ name: key, value: raw[key], errors: messages, recommendedValues: [] });
      }
    }
    const unknownKeys = this.#unknownKeys(raw, options);
    if (options.strict) errorCount += unknownKeys.length;
    return { fields, unknownKeys, errorCount };
  }

  /** Per-field errors only (empty object when valid). */
  errors(raw: RawConfig, options: ParseOptions = {}): FieldErrors {
    const v = this.validate(raw, options);
    const out: Record<string, readonly string[]> = {};
    for (const f of v.fields) if (f.errors.length > 0) out[f.name] = f.errors;
    if (options.strict) for (const key of v.unknownKeys) out[key] = [this.#unknownKeyMessage(key)];
    return out;
  }

  /** A field's default as text, for docs and REST (`[hidden]` for passwords, null when required or none). */
  static defaultText(field: FieldDef): string | null {
    if (!field.hasDefault || field.defaultValue === null) return null;
    if (field.type === 'password') return Password.HIDDEN;
    return formatValue(field.defaultValue);
  }

  #define<N extends string, U extends object>(
    name: N,
    type: ConfigType,
    opts: Omit<FieldOptions<unknown>, 'validate'> & { readonly validate?: unknown },
    enumValues?: readonly string[],
    caseInsensitive = false,
  ): ConfigSpec<U> {
    if (this.#byKey.has(name)) throw new Error(`config key '${name}' is defined twice`);
    const validators =
      opts.validate === undefined ? [] : Array.isArray(opts.validate) ? opts.validate : [opts.validate];
    const partial: FieldDef = {
      name,
      type,
      doc: opts.doc,
      hasDefault: Object.hasOwn(opts, 'default') && opts.default !== undefined,
      defaultValue: undefined,
      importance: opts.importance ?? 'medium',
      group: opts.group,
      orderInGroup: opts.orderInGroup,
      displayName: opts.displayName ?? name,
      examples: opts.examples ?? [],
      dependents: opts.dependents ?? [],
      validators: validators as readonly Validator<never>[],
      aliases: opts.aliases ?? [],
      deprecated: opts.deprecated,
      enumValues,
      caseInsensitive,
    };
    let defaultValue: unknown;
    if (partial.hasDefault && opts.default !== null) {
      // Defaults go through the same parser, so a bad default fails at definition time, not at use.
      const parsed = parseValue(partial, opts.default);
      if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
        throw new Error(`config key '${name}': invalid default: ${parsed.error}`);
      }
      defaultValue = parsed.ok;
    } else if (partial.hasDefault) {
      defaultValue = null;
    }
    const field: FieldDef = Object.freeze({ ...partial, defaultValue });
    return new ConfigSpec<U>(Object.freeze([...this.#fields, field]), this.#checks);
  }

  #parseField(field: FieldDef, raw: RawConfig): { value: unknown; errors: string[] } {
    let present: unknown;
    for (const key of [field.name, ...field.aliases]) {
      const v = raw[key];
      if (v !== undefined && v !== null) {
        present = v;
        break;
      }
    }
    if (present === undefined) {
      if (!field.hasDefault) {
        return {
          value: undefined,
          errors: [`Missing required configuration "${field.name}" which has no default value.`],
        };
      }
      return { value: field.defaultValue, errors: [] };
    }
    const parsed = parseValue(field, present);
    if ('error' in parsed) return { value: undefined, errors: [parsed.error] };
    const errors: string[] = [];
    for (const validator of field.validators) {
      const message = (validator as Validator<unknown>).check(parsed.ok);
      if (message !== undefined)
        errors.push(`Invalid value ${formatForMessage(field, present)} for configuration ${field.name}: ${message}`);
    }
    return { value: parsed.ok, errors };
  }

  #runChecks(config: object, errors: Record<string, string[]>): void {
    for (const rule of this.#checks) {
      for (const [key, messages] of Object.entries(rule.run(config) ?? {})) {
        if (messages.length > 0) errors[key] = [...(errors[key] ?? []), ...messages];
      }
    }
  }

  #unknownKeys(raw: RawConfig, options: Pick<ParseOptions, 'allowKeys'>): string[] {
    return Object.keys(raw).filter((k) => !this.#byKey.has(k) && !(options.allowKeys?.(k) ?? false));
  }

  #unknownKeyMessage(key: string): string {
    const suggestion = closest(key, [...this.#byKey.keys()]);
    return `Unknown configuration '${key}'${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`}`;
  }
}

type ParseResult = { ok: unknown } | { error: string };

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const INT_RE = /^[+-]?\d+$/;

/** Converts one raw value to the field's type. */
function parseValue(field: FieldDef, raw: unknown): ParseResult {
  const bad = (reason: string): ParseResult => ({
    error: `Invalid value ${formatForMessage(field, raw)} for configuration ${field.name}: ${reason}`,
  });
  switch (field.type) {
    case 'string':
    case 'class': {
      // Kafka's ConfigDef trims string values too.
      if (typeof raw === 'string') return { ok: raw.trim() };
      if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return { ok: String(raw) };
      return bad(`Expected a string but it was ${typeName(raw)}`);
    }
    case 'password': {
      if (raw instanceof Password) return { ok: raw };
      if (typeof raw === 'string') return { ok: new Password(raw) };
      return bad(`Expected a string but it was ${typeName(raw)}`);
    }
    case 'int':
    case 'long': {
      const n = toInteger(raw);
      if (n === undefined) return bad(`Not a number of type ${field.type.toUpperCase()}`);
      if (field.type === 'int' && (n < -2147483648 || n > 2147483647)) return bad('Out of range for a 32-bit integer');
      if (!Number.isSafeInteger(n)) return bad('Out of range for a safe 64-bit integer (|value| must be ≤ 2^53-1)');
      return { ok: n };
    }
    case 'double': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) return bad('Not a number of type DOUBLE');
      return { ok: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: raw };
      if (typeof raw === 'string') {
        const t = raw.trim().toLowerCase();
        if (t === 'true') return { ok: true };
        if (t === 'false') return { ok: false };
      }
      return bad('Expected value to be either true or false');
    }
    case 'list': {
      if (Array.isArray(raw)) {
        if (!raw.every((x) => typeof x === 'string')) return bad('Expected a list of strings');
        return { ok: Object.freeze(raw.map((x: string) => x.trim())) };
      }
      if (typeof raw !== 'string') return bad(`Expected a comma-separated list but it was ${typeName(raw)}`);
      const trimmed = raw.trim();
      return { ok: Object.freeze(trimmed === '' ? [] : trimmed.split(/\s*,\s*/)) };
    }
    case 'duration': {
      if (typeof raw === 'number') {
        return Number.isSafeInteger(raw) && raw >= 0 ? { ok: raw } : bad('Expected a non-negative whole number of ms');
      }
      if (typeof raw !== 'string') return bad(`Expected a duration but it was ${typeName(raw)}`);
      const t = raw.trim();
      if (/^\d+$/.test(t)) return { ok: Number.parseInt(t, 10) };
      if (t === '-1') return { ok: -1 };
      if (!DURATION_RE.test(t))
        return bad("Expected milliseconds or a duration such as '500ms', '30s', '5m', '1h30m', '2d'");
      let ms = 0;
      for (const m of t.matchAll(DURATION_PART_RE)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
      return { ok: Math.round(ms) };
    }
    case 'enum': {
      const values = field.enumValues ?? [];
      if (typeof raw !== 'string') return bad(`Expected one of ${values.join(', ')}`);
      const t = raw.trim();
      const found = field.caseInsensitive
        ? values.find((v) => v.toLowerCase() === t.toLowerCase())
        : values.find((v) => v === t);
      return found === undefined ? bad(`String must be one of: ${values.join(', ')}`) : { ok: found };
    }
  }
}

function toInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'string' && INT_RE.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

function typeName(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  return `a ${typeof raw}`;
}

function formatForMessage(field: FieldDef, raw: unknown): string {
  if (field.type === 'password') return Password.HIDDEN;
  const text = Array.isArray(raw) ? raw.join(',') : String(raw);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function rawValue(field: FieldDef, raw: RawConfig): unknown {
  for (const key of [field.name, ...field.aliases]) if (raw[key] !== undefined) return raw[key];
  return undefined;
}

/** The candidate nearest to `key` by edit distance, if near enough to be a likely typo. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
