import type { SchemalessMap } from './requirements.js';

/**
 * Safe and fast access to schemaless maps (plain objects). Field names come from configs and data, so
 * `constructor` or `__proto__` must read and write own entries only, never the prototype.
 */

/** The own entry of a map, or undefined when absent (never an inherited member such as `constructor`). */
export function getEntry(map: SchemalessMap, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Sets an own entry, also for the key `__proto__` (which plain assignment turns into a prototype change). */
export function setEntry(map: SchemalessMap, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

/**
 * A shallow copy. Object.assign, not spread: V8 clones a spread object into a shape that is slow to add
 * keys to (measured 20x slower for InsertField); spread only when a `__proto__` entry must stay an entry.
 */
export function copyMap(map: SchemalessMap): SchemalessMap {
  return Object.hasOwn(map, '__proto__') ? { ...map } : Object.assign({}, map);
}
