import { InvalidArgumentError } from './errors.js';

/*
 * Message properties string (MessageDecoder.messageProperties2String):
 *
 *   properties = { key 0x01 value 0x02 }*
 *
 * Keys and values are UTF-8 text that must not contain 0x01 or 0x02. The encoded form must stay under
 * 32767 bytes (it is length-prefixed with an int16 in stored messages).
 */

const NAME_VALUE_SEPARATOR = '\u0001';
const PROPERTY_SEPARATOR = '\u0002';

/** Encodes properties; throws {@link InvalidArgumentError} on a separator character inside a key or value. */
export function encodeProperties(props: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key in props) {
    const value = props[key];
    if (value === undefined) continue;
    if (hasSeparator(key) || hasSeparator(value)) {
      throw new InvalidArgumentError(`property '${key}' contains a reserved separator character (\\u0001 or \\u0002)`);
    }
    out += key + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return out;
}

/** Decodes a properties string; tolerates a missing trailing separator and skips entries without a value. */
export function decodeProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = n;
    const sep = text.indexOf(NAME_VALUE_SEPARATOR, start);
    if (sep >= 0 && sep < end) out[text.slice(start, sep)] = text.slice(sep + 1, end);
    start = end + 1;
  }
  return out;
}

function hasSeparator(s: string): boolean {
  return s.includes(NAME_VALUE_SEPARATOR) || s.includes(PROPERTY_SEPARATOR);
}
