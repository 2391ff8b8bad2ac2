/**
 * Events per second over a sliding window (default 60 s), from one-second buckets. Cheap to mark (one
 * array write); the rate is computed when read. Until the window is full the rate divides by the time
 * elapsed since the first mark, so a new task shows its real rate after a few seconds, not a ramp.
 */
export class WindowRate {
  readonly #windowSeconds: number;
  readonly #buckets: Float64Array;
  readonly #bucketSecond: Float64Array;
  #firstMarkMs = -1;
  #total = 0;
  readonly #now: () => number;

  constructor(windowSeconds = 60, now: () => number = Date.now) {
    this.#windowSeconds = windowSeconds;
    this.#buckets = new Float64Array(windowSeconds);
    this.#bucketSecond = new Float64Array(windowSeconds).fill(-1);
    this.#now = now;
  }

  mark(n = 1): void {
    const nowMs = this.#now();
    if (this.#firstMarkMs < 0) this.#firstMarkMs = nowMs;
    const second = Math.floor(nowMs / 1000);
    const i = second % this.#windowSeconds;
    if (this.#bucketSecond[i] !== second) {
      this.#bucketSecond[i] = second;
      this.#buckets[i] = 0;
    }
    this.#buckets[i]! += n;
    this.#total += n;
  }

  get total(): number {
    return this.#total;
  }

  /** Events per second over the window (or since the first mark, if more recent). */
  rate(): number {
    if (this.#firstMarkMs < 0) return 0;
    const nowMs = this.#now();
    const nowSecond = Math.floor(nowMs / 1000);
    let sum = 0;
    // The current, partial second is included; the window spans `windowSeconds` seconds up to now.
    for (let i = 0; i < this.#windowSeconds; i++) {
      const s = this.#bucketSecond[i]!;
      if (s >= 0 && s > nowSecond - this.#windowSeconds) sum += this.#buckets[i]!;
    }
    const windowStartMs = (nowSecond - this.#windowSeconds + 1) * 1000;
    const elapsedMs = nowMs - Math.max(windowStartMs, this.#firstMarkMs);
    return elapsedMs <= 0 ? 0 : (sum * 1000) / elapsedMs;
  }
}
