import type { Schema } from '../data/schema.js';

/** One record header: a key, a Connect value and its schema (null when schemaless). */
export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/**
 * The ordered headers of a record. Keys may repeat, as in Kafka. Immutable: every change returns a new
 * `Headers`, so records can share them safely.
 */
export class Headers implements Iterable<Header> {
  static readonly EMPTY = new Headers([]);
  readonly #items: readonly Header[];

  private constructor(items: readonly Header[]) {
    this.#items = items;
  }

  static of(items: Iterable<Header>): Headers {
    const list = [...items].map((h) => Object.freeze({ key: h.key, schema: h.schema ?? null, value: h.value }));
    return list.length === 0 ? Headers.EMPTY : new Headers(Object.freeze(list));
  }

  get size(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.#items[Symbol.iterator]();
  }

  toArray(): readonly Header[] {
    return this.#items;
  }

  /** The last header with this key (the effective one when keys repeat), or undefined. */
  lastWithName(key: string): Header | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i]!.key === key) return this.#items[i];
    return undefined;
  }

  allWithName(key: string): Header[] {
    return this.#items.filter((h) => h.key === key);
  }

  has(key: string): boolean {
    return this.#items.some((h) => h.key === key);
  }

  /** A copy with one more header at the end. */
  add(key: string, value: unknown, schema: Schema | null = null): Headers {
    return new Headers(Object.freeze([...this.#items, Object.freeze({ key, schema, value })]));
  }

  /** A copy without any header with this key. */
  remove(key: string): Headers {
    if (!this.has(key)) return this;
    return Headers.of(this.#items.filter((h) => h.key !== key));
  }

  /** A copy without the headers whose key is in `keys`. */
  removeAll(keys: Iterable<string>): Headers {
    const drop = new Set(keys);
    if (!this.#items.some((h) => drop.has(h.key))) return this;
    return Headers.of(this.#items.filter((h) => !drop.has(h.key)));
  }

  /** A copy where headers with this key are replaced by one header at the end. */
  set(key: string, value: unknown, schema: Schema | null = null): Headers {
    return this.remove(key).add(key, value, schema);
  }
}
