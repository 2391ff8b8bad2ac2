import { RestError } from './errors.js';

/** Where a JSON text first goes wrong: 0-based character offset, 1-based line and column, and what was expected. */
export interface JsonSyntaxProblem {
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

const MAX_DEPTH = 512;

/**
 * Parses a request body as JSON. An empty body gives `undefined` (routes that need a body say so).
 * A syntax error is a 400 that names the line, column and position and what was expected there, without
 * quoting the body (it may hold secrets). Keys that could pollute prototypes are refused.
 * @throws RestError 400
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (key, value) => {
      if (key === '__proto__') throw new RestError(400, "Request body may not contain the key '__proto__'");
      return value;
    });
  } catch (e) {
    if (e instanceof RestError) throw e;
    const p = locateJsonError(text) ?? { position: 0, line: 1, column: 1, problem: 'invalid JSON' };
    throw new RestError(
      400,
      `Malformed JSON in request body at line ${p.line}, column ${p.column} (position ${p.position}): ${p.problem}`,
    );
  }
}

/** Finds the first syntax error of a JSON text (RFC 8259), or null when the text is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new JsonLocation(at, problem);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const str = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string (missing closing ")');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string: escape it (e.g. \\n)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape: expected 4 hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('invalid escape in a string', i + 1);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') fail('invalid number');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    ws();
    if (i >= text.length) fail('unexpected end of input: expected a value');
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(i >= text.length ? 'unexpected end of input' : 'expected a property name in double quotes');
        str();
        ws();
        if (text[i] !== ':') fail("expected ':' after a property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(
          i >= text.length
            ? "unexpected end of input: expected ',' or '}'"
            : "expected ',' or '}' after a property value",
        );
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(
          i >= text.length ? "unexpected end of input: expected ',' or ']'" : "expected ',' or ']' after an array item",
        );
      }
    }
    if (c === '"') {
      str();
      return;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      num();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail('expected a value (object, array, string in double quotes, number, true, false or null)');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('unexpected data after the JSON value');
    return null;
  } catch (e) {
    if (!(e instanceof JsonLocation)) throw e;
    return { ...lineAndColumn(text, e.position), position: e.position, problem: e.problem };
  }
}

class JsonLocation {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {}
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let j = 0; j < position && j < text.length; j++) {
    if (text.charCodeAt(j) === 0x0a) {
      line++;
      lineStart = j + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}
