/**
 * A JSON parser that loses no digits, for the inputs where `JSON.parse` would round.
 *
 * Grammar: RFC 8259, plus leading zeros in numbers (`007`), which Kafka's JsonDeserializer accepts
 * (Jackson's ALLOW_LEADING_ZEROS_FOR_NUMBERS). Nesting is limited to {@link MAX_DEPTH} levels, as Jackson's
 * default StreamReadConstraints.
 *
 * Values: objects (plain, own `__proto__` keys kept as data), arrays, strings, booleans, null, and numbers
 * as JavaScript numbers when that is exact, else as {@link RawNumber} holding the text: more than 15
 * significant digits, an integer beyond ±(2^53-1), an overflow to Infinity or an underflow to 0/subnormal.
 */

export const MAX_DEPTH = 1000;

/** A JSON number kept as its source text because a JavaScript number would not hold it exactly. */
export class RawNumber {
  constructor(readonly text: string) {}
  /** True when the text has no fraction or exponent (Jackson's integral token). */
  get integerSyntax(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

/** A syntax error at a character offset of the parsed text. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

/** 1-based line and column of a character offset, for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses `text[start, end)` as exactly one JSON value (surrounding whitespace allowed).
 * @throws JsonSyntaxError with the offset (in `text`) of the first error.
 */
export function parseJsonExact(text: string, start = 0, end = text.length): unknown {
  const p = new Parser(text, start, end);
  p.ws();
  const value = p.value(0);
  p.ws();
  if (p.i < end) p.fail('unexpected data after the JSON value');
  return value;
}

class Parser {
  i: number;
  constructor(
    readonly s: string,
    start: number,
    readonly end: number,
  ) {
    this.i = start;
  }

  fail(reason: string, at = this.i): never {
    throw new JsonSyntaxError(at, reason);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  value(depth: number): unknown {
    if (this.i >= this.end) this.fail('unexpected end of input');
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case 0x7b:
        return this.object(depth + 1);
      case 0x5b:
        return this.array(depth + 1);
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(`unexpected character ${describeChar(this.s, this.i)}`);
    }
  }

  literal(word: string, value: unknown): unknown {
    if (!this.s.startsWith(word, this.i) || this.i + word.length > this.end) {
      this.fail(`unexpected character ${describeChar(this.s, this.i)}`);
    }
    this.i += word.length;
    return value;
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.i >= this.end) this.fail("unexpected end of input, expected '\"' to start an object key");
      if (this.s.charCodeAt(this.i) !== 0x22)
        this.fail(`expected '"' to start an object key, found ${describeChar(this.s, this.i)}`);
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a || this.i >= this.end) {
        this.fail(`expected ':' after object key, found ${describeChar(this.s, this.i, this.end)}`);
      }
      this.i++;
      this.ws();
      const v = this.value(depth);
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.i < this.end ? this.s.charCodeAt(this.i) : -1;
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x7d) {
        this.i++;
        return out;
      } else this.fail(`expected ',' or '}' in object, found ${describeChar(this.s, this.i, this.end)}`);
    }
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d && this.i < this.end) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.i < this.end ? this.s.charCodeAt(this.i) : -1;
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x5d) {
        this.i++;
        return out;
      } else this.fail(`expected ',' or ']' in array, found ${describeChar(this.s, this.i, this.end)}`);
    }
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    let i = start;
    // Fast scan: most strings have no escapes.
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
    }
    let out = s.slice(start, i);
    for (;;) {
      if (i >= this.end) this.fail('unterminated string', start - 1);
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail('unescaped control character in string', i);
      if (c !== 0x5c) {
        out += s[i];
        i++;
        continue;
      }
      const e = s.charCodeAt(i + 1);
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex) || i + 6 > this.end) this.fail('invalid \\u escape in string', i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.fail('invalid escape in string', i);
      }
      i += 2;
    }
  }

  number(): number | RawNumber {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    while (i < this.end && isDigit(s.charCodeAt(i))) i++;
    if (i === intStart) this.fail('invalid number: expected a digit', i);
    let sig = 0;
    let nonZero = false;
    for (let k = intStart; k < i; k++) {
      if (s.charCodeAt(k) !== 0x30) nonZero = true;
      if (nonZero) sig++;
    }
    if (s.charCodeAt(i) === 0x2e && i < this.end) {
      const f = ++i;
      while (i < this.end && isDigit(s.charCodeAt(i))) i++;
      if (i === f) this.fail('invalid number: expected a digit after the decimal point', i);
      for (let k = f; k < i; k++) {
        if (s.charCodeAt(k) !== 0x30) nonZero = true;
        if (nonZero) sig++;
      }
    }
    const e = s.charCodeAt(i);
    if ((e === 0x65 || e === 0x45) && i < this.end) {
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      const d = i;
      while (i < this.end && isDigit(s.charCodeAt(i))) i++;
      if (i === d) this.fail('invalid number: expected a digit in the exponent', i);
    }
    this.i = i;
    const text = s.slice(start, i);
    const n = Number(text);
    if (
      sig > 15 ||
      !Number.isFinite(n) ||
      (n === 0 && nonZero) ||
      (n !== 0 && Math.abs(n) < 1e-290) ||
      (Number.isInteger(n) && !Number.isSafeInteger(n))
    ) {
      return new RawNumber(text);
    }
    return n;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function describeChar(s: string, i: number, end = s.length): string {
  if (i >= end) return 'end of input';
  const c = s.codePointAt(i)!;
  return c < 0x20 || c === 0x7f
    ? `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${String.fromCodePoint(c)}'`;
}

/**
 * The end offset of the JSON value that starts at `i`, without building it, or -1 when it is obviously
 * malformed. Not a validator: callers parse the text afterwards when they keep it.
 */
export function skipJsonValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c !== 0x7b && c !== 0x5b) {
    // A scalar: runs up to a structural character or whitespace (strings are not expected here).
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      j++;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d === 0x22) {
      for (j++; j < s.length; j++) {
        const e = s.charCodeAt(j);
        if (e === 0x5c) j++;
        else if (e === 0x22) break;
      }
    } else if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}
