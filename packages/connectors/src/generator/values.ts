import { Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { valueToJsonText } from '../common/render.js';

/** Schema of every generated value: ten fields, the last one padding the record to `record.size`. */
export const GENERATOR_VALUE_SCHEMA = SchemaBuilder.struct()
  .name('tributary.generator.Record')
  .version(1)
  .field('seq', Schema.INT64)
  .field('task', Schema.INT32)
  .field('timestamp', Logical.TIMESTAMP)
  .field('user_id', Schema.INT32)
  .field('name', Schema.STRING)
  .field('category', Schema.STRING)
  .field('quantity', Schema.INT32)
  .field('amount', Schema.FLOAT64)
  .field('active', Schema.BOOLEAN)
  .field('payload', Schema.STRING)
  .build();

const CATEGORIES = ['books', 'games', 'garden', 'music', 'outdoor', 'tools', 'toys', 'video'] as const;
const NAMES = ['ada', 'alan', 'barbara', 'edsger', 'grace', 'john', 'ken', 'leslie', 'margaret', 'niklaus'] as const;
const PAD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PAD_SLACK = 256;

/** A 32-bit integer hash (murmur3's finalizer): spreads nearby inputs over the whole range. */
function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Makes the values of one task. Every field but `timestamp` is a pure function of (task, seq), so a
 * record generated again after a restart is the same record.
 */
export class ValueFactory {
  readonly #task: number;
  readonly #padLength: number;
  readonly #pad: string;

  constructor(task: number, recordSize: number) {
    this.#task = task;
    // Size of a typical value without padding, as JSON; numbers of a long run are wider, so this errs small.
    const base = valueToJsonText(this.#build(1_000_000, Date.now(), '')).length;
    this.#padLength = Math.max(0, recordSize - base);
    let seed = mix(task + 0x9e3779b9);
    let pad = '';
    for (let i = 0; i < this.#padLength + PAD_SLACK; i++) {
      seed = mix(seed + i);
      pad += PAD_ALPHABET[seed % PAD_ALPHABET.length];
    }
    this.#pad = pad;
  }

  /** Length of the padding field of every value. */
  get paddingLength(): number {
    return this.#padLength;
  }

  value(seq: number, timestampMs: number): Struct {
    const start = this.#padLength === 0 ? 0 : mix(seq) % PAD_SLACK;
    return this.#build(seq, timestampMs, this.#pad.substring(start, start + this.#padLength));
  }

  #build(seq: number, timestampMs: number, payload: string): Struct {
    const h = mix((seq >>> 0) ^ mix(Math.floor(seq / 2 ** 32) ^ mix(this.#task + 0x51ed27)));
    const h2 = mix(h + 0x632be5ab);
    const userId = h % 100_000;
    return Struct.trusted(GENERATOR_VALUE_SCHEMA, [
      BigInt(seq),
      this.#task,
      new Date(timestampMs),
      userId,
      `${NAMES[h2 % NAMES.length]}-${userId}`,
      CATEGORIES[(h >>> 8) % CATEGORIES.length],
      1 + (h2 % 100),
      ((h2 >>> 7) % 100_000) / 100,
      (h & 1) === 1,
      payload,
    ]);
  }
}
