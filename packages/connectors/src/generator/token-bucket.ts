// Accrual in float steps (0.1 + 0.1 + ...) may fall a hair short of a whole token.
const EPSILON = 1e-9;

/**
 * A token bucket: tokens accrue at `ratePerSecond` up to `capacity`; taking a record costs one token.
 * Times are milliseconds of a monotonic clock, passed in, so the bucket is exact and testable. The capacity
 * (one second of tokens by default) lets a late caller catch up, keeping the average rate.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #capacity: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, now: number, options: { capacity?: number; initial?: number } = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError(`token bucket rate must be positive, got ${ratePerSecond}`);
    this.#perMs = ratePerSecond / 1000;
    this.#capacity = Math.max(1, options.capacity ?? ratePerSecond);
    this.#tokens = Math.min(this.#capacity, options.initial ?? 1);
    this.#last = now;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
      this.#last = now;
    }
    return this.#tokens;
  }

  /** Takes up to `max` whole tokens available at `now`; returns how many were taken. */
  take(max: number, now: number): number {
    const n = Math.min(max, Math.floor(this.available(now) + EPSILON));
    if (n > 0) this.#tokens = Math.max(0, this.#tokens - n);
    return Math.max(0, n);
  }

  /** Milliseconds from `now` until `n` tokens are available (0 when they are). */
  msUntil(n: number, now: number): number {
    const missing = Math.min(n, this.#capacity) - this.available(now);
    return missing <= EPSILON ? 0 : missing / this.#perMs;
  }
}
