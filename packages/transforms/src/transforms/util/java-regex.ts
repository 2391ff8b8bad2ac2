/**
 * Java (`java.util.regex`) patterns and replacement strings on JavaScript's RegExp.
 *
 * Kafka configs carry Java patterns. The common subset is the same in both dialects; this module
 * translates what differs and is cheap to translate: leading inline flags (`(?i)`, `(?s)`, `(?m)`,
 * `(?x)`, `(?u)`, `(?U)`, `(?d)`), the anchors `\A`, `\z`, `\Z`, and comments mode. Java-only
 * constructs JavaScript lacks (possessive quantifiers, atomic groups, scoped flags, POSIX `\p{Alpha}`
 * classes) fail to compile, which callers report as an invalid regex.
 *
 * Replacement strings follow `Matcher.appendReplacement`: `$n` and `${name}` refer to groups
 * (multi-digit references stop before exceeding the group count), `\` quotes the next character.
 */

const INLINE_FLAGS_RE = /^\(\?([a-zA-Z]+)\)/;

/** Compiles a Java pattern. `flags` adds JavaScript flags. @throws SyntaxError/Error when invalid. */
export function compileJavaRegex(pattern: string, flags = ''): RegExp {
  const { source, flags: f } = translate(pattern, flags);
  return new RegExp(source, f);
}

/** Java pattern flags by their `java.util.regex.Pattern` constant names (RocketMQ's `*.flags` keys). */
export const JAVA_PATTERN_FLAGS = [
  'UNIX_LINES',
  'CASE_INSENSITIVE',
  'COMMENTS',
  'MULTILINE',
  'LITERAL',
  'DOTALL',
  'UNICODE_CASE',
  'CANON_EQ',
  'UNICODE_CHARACTER_CLASS',
] as const;
export type JavaPatternFlag = (typeof JAVA_PATTERN_FLAGS)[number];

/**
 * A compiled Java pattern with Java's matching operations. Build once per config; every method is
 * allocation-light and safe to call per record.
 */
export class JavaRegex {
  readonly pattern: string;
  /** First match anywhere (`Matcher.find`). */
  readonly #find: RegExp;
  /** Global variant for `replaceAll`. */
  readonly #global: RegExp;
  /** Whole-input match (`Matcher.matches`). */
  readonly #full: RegExp;
  /** Number of capturing groups. */
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;

  /** @throws Error when the pattern is not valid. */
  constructor(pattern: string, javaFlags: readonly JavaPatternFlag[] = []) {
    this.pattern = pattern;
    let source = pattern;
    let flags = '';
    for (const f of javaFlags) {
      switch (f) {
        case 'CASE_INSENSITIVE':
          flags += 'i';
          break;
        case 'MULTILINE':
          flags += 'm';
          break;
        case 'DOTALL':
          flags += 's';
          break;
        case 'UNICODE_CASE':
        case 'UNICODE_CHARACTER_CLASS':
          flags += 'u';
          break;
        case 'COMMENTS':
          source = `(?x)${source}`;
          break;
        case 'LITERAL':
          source = pattern.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
          break;
        case 'UNIX_LINES':
          break;
        case 'CANON_EQ':
          throw new Error('the CANON_EQ flag is not supported');
      }
    }
    const t = translate(source, flags);
    this.#find = new RegExp(t.source, t.flags);
    this.#global = new RegExp(t.source, `${t.flags}g`);
    this.#full = new RegExp(`(?<![\\s\\S])(?:${t.source})(?![\\s\\S])`, t.flags);
    const probe = new RegExp(`${t.source}|`, t.flags).exec('')!;
    this.groupCount = probe.length - 1;
    this.groupNames = new Set(Object.keys(probe.groups ?? {}));
  }

  /** True when the whole input matches (`Matcher.matches`). */
  matches(input: string): boolean {
    return this.#full.test(input);
  }

  /** True when some part of the input matches (`Matcher.find`). */
  find(input: string): boolean {
    return this.#find.test(input);
  }

  /**
   * Parses a replacement string against this pattern's groups.
   * @throws Error with Java's message for an illegal or unknown group reference.
   */
  replacement(text: string): JavaReplacement {
    return parseReplacement(text, this.groupCount, this.groupNames);
  }

  /** `Matcher.replaceFirst`: the first match replaced, the rest of the input kept. */
  replaceFirst(input: string, replacement: JavaReplacement): string {
    const m = this.#find.exec(input);
    if (m === null) return input;
    return input.slice(0, m.index) + expand(replacement, m, m.groups) + input.slice(m.index + m[0].length);
  }

  /** `Matcher.replaceAll`: every match replaced. */
  replaceAll(input: string, replacement: JavaReplacement): string {
    if (replacement.literal !== undefined) return input.replace(this.#global, () => replacement.literal!);
    return input.replace(this.#global, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const named =
        typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
      return expand(replacement, args as ArrayLike<string | undefined>, named);
    });
  }
}

/** A parsed replacement: literal text, group numbers and group names, in order. */
export interface JavaReplacement {
  readonly parts: readonly (string | number | { readonly name: string })[];
  /** Set when the replacement has no group reference (the common case: no per-match work). */
  readonly literal: string | undefined;
}

function parseReplacement(text: string, groupCount: number, names: ReadonlySet<string>): JavaReplacement {
  const parts: (string | number | { name: string })[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      if (i >= text.length) throw new Error('character to be escaped is missing');
      literal += text[i];
    } else if (c === '$') {
      i++;
      if (i >= text.length) throw new Error('Illegal group reference: group index is missing');
      if (text[i] === '{') {
        const end = text.indexOf('}', i);
        if (end < 0) throw new Error("named capturing group is missing trailing '}'");
        const name = text.slice(i + 1, end);
        if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) {
          throw new Error(`named capturing group '${name}' is not a valid group name`);
        }
        if (!names.has(name)) throw new Error(`No group with name {${name}}`);
        flush();
        parts.push({ name });
        i = end;
        continue;
      }
      let ref = text.charCodeAt(i) - 48;
      if (ref < 0 || ref > 9) throw new Error('Illegal group reference');
      if (ref > groupCount) throw new Error(`No group ${ref}`);
      while (i + 1 < text.length) {
        const d = text.charCodeAt(i + 1) - 48;
        if (d < 0 || d > 9) break;
        const next = ref * 10 + d;
        if (next > groupCount) break;
        ref = next;
        i++;
      }
      flush();
      parts.push(ref);
    } else {
      literal += c;
    }
  }
  flush();
  const onlyLiteral = parts.every((p) => typeof p === 'string');
  return Object.freeze({ parts: Object.freeze(parts), literal: onlyLiteral ? parts.join('') : undefined });
}

function expand(
  replacement: JavaReplacement,
  groups: ArrayLike<string | undefined | unknown>,
  named: Record<string, string | undefined> | undefined,
): string {
  if (replacement.literal !== undefined) return replacement.literal;
  let out = '';
  for (const p of replacement.parts) {
    if (typeof p === 'string') out += p;
    else if (typeof p === 'number') {
      const g = groups[p];
      if (typeof g === 'string') out += g;
    } else {
      const g = named?.[p.name];
      if (g !== undefined) out += g;
    }
  }
  return out;
}

/** Translates the Java-only syntax this module supports into a JavaScript source and flags. */
function translate(pattern: string, extraFlags: string): { source: string; flags: string } {
  const flags = new Set(extraFlags);
  let rest = pattern;
  for (let m = INLINE_FLAGS_RE.exec(rest); m !== null; m = INLINE_FLAGS_RE.exec(rest)) {
    for (const f of m[1]!) {
      switch (f) {
        case 'i':
        case 's':
        case 'm':
          flags.add(f);
          break;
        case 'u':
        case 'U':
          flags.add('u');
          break;
        case 'x':
          flags.add('x');
          break;
        case 'd':
          break;
        default:
          throw new Error(`Unknown inline modifier '${f}' in ${pattern}`);
      }
    }
    rest = rest.slice(m[0].length);
  }
  const comments = flags.delete('x');
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '\\') {
      const n = rest[i + 1];
      if (n === undefined) throw new Error(`Unexpected internal error near index ${i + 1}: trailing backslash`);
      i++;
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'z') out += '(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?(?![\\s\\S]))';
      else {
        if (n === 'p' || n === 'P') flags.add('u');
        out += c + n;
      }
      continue;
    }
    if (inClass) {
      // JavaScript would read these literally, silently changing the meaning.
      if (c === '[' || (c === '&' && rest[i + 1] === '&')) {
        throw new Error(`nested character classes and '&&' intersections are not supported: ${pattern}`);
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (comments) {
      if (/\s/.test(c)) continue;
      if (c === '#') {
        while (i < rest.length && rest[i] !== '\n') i++;
        continue;
      }
    }
    out += c;
  }
  return { source: out, flags: [...flags].join('') };
}
