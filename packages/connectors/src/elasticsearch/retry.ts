/** Longest single wait between two attempts, whatever retry.backoff.ms and the attempt number. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * The wait before retry number `attempt` (0 = the first retry): exponential from `baseMs`, doubling per
 * attempt, capped at {@link MAX_BACKOFF_MS}, with "equal jitter" — a uniform pick in [d/2, d] — so tasks
 * that failed together do not retry in lockstep, yet every wait is at least half the nominal one.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  if (baseMs <= 0) return 0;
  const nominal = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

/**
 * Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), or 0 when absent or invalid.
 * Capped at {@link MAX_BACKOFF_MS}.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number {
  if (header === null || header.trim() === '') return 0;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    ms = Number.isNaN(at) ? 0 : at - now;
  }
  return Math.max(0, Math.min(MAX_BACKOFF_MS, ms));
}
