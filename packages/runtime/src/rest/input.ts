import { RestError } from './errors.js';

/** Checks that a request body is a JSON object; `what` says what the body should be. @throws RestError 400 */
export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) throw new RestError(400, `Request body is missing: send ${what}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(400, `Request body must be ${what}, not ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

/** A connector config map from a body: values stay as sent (the herder stringifies numbers and booleans). */
export function configBody(body: unknown): Record<string, string> {
  return objectBody(body, 'a JSON object of connector config keys to values') as Record<string, string>;
}

/** A boolean query parameter: absent = `fallback`; `true`/`false` in any case. @throws RestError 400 */
export function booleanQuery(value: unknown, name: string, fallback: boolean): boolean {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (text === undefined || text === '') return fallback;
  const lower = String(text).toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new RestError(400, `Query parameter ${name} must be true or false, not '${String(text)}'`);
}

/** All values of a query parameter that may repeat (`?expand=status&expand=info`), comma lists split. */
export function listQuery(value: unknown): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A task id from the URL: a non-negative integer, else 404 as Kafka answers for an unknown task. */
export function taskId(connector: string, text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new RestError(404, `Task ${connector}-${text} not found: task ids are numbers from 0`);
  return Number(text);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
