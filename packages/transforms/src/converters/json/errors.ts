import { DataError } from '@tributary/api';
import { RawNumber } from './exact-json.js';

/**
 * Internal error of the JSON writer and reader: a problem at a place in the value. Each container adds
 * its segment (`.field`, `[3]`) on the way up; {@link toDataError} turns it into a DataError whose
 * message starts with the full path (`payload.items[3].price: expected Decimal (scale 2), got ...`).
 */
export class PathError extends Error {
  readonly segments: string[] = [];
  constructor(readonly detail: string) {
    super(detail);
  }
}

/**
 * Thrown by a reader that got a number `JSON.parse` may have rounded (an integer beyond 2^53); the
 * converter then parses the input again with the exact parser. Preallocated: it is control flow.
 */
export const NEED_EXACT: Error = new Error('the input needs the exact JSON parser');

/** Adds a path segment to an error thrown below a container, converting SDK DataErrors on the way. */
export function at(e: unknown, segment: string): never {
  if (e instanceof PathError) {
    e.segments.push(segment);
    throw e;
  }
  if (e instanceof DataError) {
    const p = new PathError(e.message);
    p.segments.push(segment);
    throw p;
  }
  throw e;
}

/** The DataError for an error thrown while converting the value at `root` (`payload`, `schema`, `value`). */
export function toDataError(e: unknown, root: string): unknown {
  if (e instanceof PathError) {
    const path = root + e.segments.reverse().join('');
    e.segments.reverse();
    return new DataError(`${path}: ${e.detail}`, { path });
  }
  if (e instanceof DataError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new DataError(`${root}: value nested too deeply to convert`, { path: root, cause: e });
  }
  return e;
}

/** A short description of a parsed JSON value, for messages. */
export function describeJson(n: unknown): string {
  if (n === null || n === undefined) return 'null';
  if (typeof n === 'string') return `string ${preview(n)}`;
  if (typeof n === 'number') return `number ${n}`;
  if (n instanceof RawNumber) return `number ${n.text.length > 40 ? `${n.text.slice(0, 37)}...` : n.text}`;
  if (typeof n === 'boolean') return `boolean ${n}`;
  if (Array.isArray(n)) return `array[${n.length}]`;
  return 'object';
}

export function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
