/**
 * Validators of configuration values. A validator returns an error message for a bad value (the key is
 * named by the caller) or undefined; `describe` is shown in generated docs and REST answers, and
 * `jsonSchema` adds constraints to the JSON Schema rendering.
 */
export interface Validator<T = unknown> {
  check(value: T): string | undefined;
  describe(): string;
  jsonSchema?(): Record<string, unknown>;
}

/** Numbers within [min, max]; either bound may be omitted. */
export function range(min?: number, max?: number): Validator<number | null> {
  const text = `[${min ?? '...'},${max ?? '...'}]`;
  return {
    check: (v) => {
      if (v === null) return undefined;
      if (min !== undefined && v < min) return `Value must be at least ${min}`;
      if (max !== undefined && v > max) return `Value must be no more than ${max}`;
      return undefined;
    },
    describe: () => text,
    jsonSchema: () => ({
      ...(min === undefined ? {} : { minimum: min }),
      ...(max === undefined ? {} : { maximum: max }),
    }),
  };
}

/** Strings from a fixed set (for free-form strings; enum fields have this built in). */
export function oneOf(
  values: readonly string[],
  options: { caseInsensitive?: boolean } = {},
): Validator<string | null> {
  const allowed = options.caseInsensitive ? values.map((v) => v.toLowerCase()) : values;
  return {
    check: (v) => {
      if (v === null) return undefined;
      const candidate = options.caseInsensitive ? v.toLowerCase() : v;
      return allowed.includes(candidate) ? undefined : `String must be one of: ${values.join(', ')}`;
    },
    describe: () => `[${values.join(', ')}]`,
    jsonSchema: () => ({ enum: [...values] }),
  };
}

/** Strings (or each list item) matching a regular expression in full. */
export function matches(pattern: RegExp, what = `match ${pattern}`): Validator<string | readonly string[] | null> {
  const full = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace('g', ''));
  return {
    check: (v) => {
      if (v === null) return undefined;
      const items = typeof v === 'string' ? [v] : v;
      const bad = items.find((item) => !full.test(item));
      return bad === undefined ? undefined : `'${bad}' does not ${what}`;
    },
    describe: () => `matches ${pattern}`,
    jsonSchema: () => ({ pattern: full.source }),
  };
}

/** Non-empty strings or lists. */
export function nonEmpty(): Validator<string | readonly string[] | null> {
  return {
    check: (v) => {
      if (v === null) return undefined;
      if (typeof v === 'string') return v.trim() === '' ? 'String must be non-empty' : undefined;
      return v.length === 0 ? 'List must be non-empty' : undefined;
    },
    describe: () => 'non-empty',
    jsonSchema: () => ({ minLength: 1 }),
  };
}

/** Lists without duplicates. */
export function uniqueItems(): Validator<readonly string[] | null> {
  return {
    check: (v) => {
      if (v === null) return undefined;
      const seen = new Set<string>();
      for (const item of v) {
        if (seen.has(item)) return `Duplicate item '${item}'`;
        seen.add(item);
      }
      return undefined;
    },
    describe: () => 'unique items',
    jsonSchema: () => ({ uniqueItems: true }),
  };
}

/** Any rule written as a function returning an error message or undefined. */
export function custom<T>(description: string, check: (value: T) => string | undefined): Validator<T> {
  return { check, describe: () => description };
}
