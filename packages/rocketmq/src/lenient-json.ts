import { ProtocolError } from './errors.js';

/*
 * fastjson (the Java side's JSON library) writes maps with integer keys without quotes:
 *
 *   {"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}}
 *
 * This parser quotes such bare numeric keys (outside of strings) and then uses JSON.parse.
 */

/** Parses JSON as written by fastjson: standard JSON plus bare numeric object keys. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the tolerant path
  }
  try {
    return JSON.parse(quoteBareNumericKeys(text));
  } catch (cause) {
    throw new ProtocolError(`invalid JSON body: ${text.slice(0, 200)}`, { cause });
  }
}

/** Rewrites `{0:` and `,12:` (outside of strings) into `{"0":` and `,"12":`. */
export function quoteBareNumericKeys(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  // true after `{` or `,` (ignoring whitespace) outside strings: the next token is an object key or a value
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash escapes the next char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      expectKey = false;
    } else if (c === 0x7b || c === 0x2c) {
      expectKey = true;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      // whitespace keeps the state
    } else if (expectKey && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      let k = j;
      while (k < text.length && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) k++;
      if (text.charCodeAt(k) === 0x3a) {
        out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
        last = j;
      }
      i = j - 1;
      expectKey = false;
    } else {
      expectKey = false;
    }
  }
  return out + text.slice(last);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b;
}
