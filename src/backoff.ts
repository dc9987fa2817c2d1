/**
 * The one backoff of the service: every retry (a sync or mirroring attempt,
 * a webhook in the inbox, a TikTok call of a reconciliation) and every pause
 * of a background loop after a failure waits by it.
 */
export interface Backoff {
  /** The wait after the first failure; it doubles with each one after. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The wait after the `failures`-th failure in a row (1 or more), without jitter: base, 2×, 4×… up to the maximum. */
export function backoffCeilingMs({ baseDelayMs, maxDelayMs }: Backoff, failures: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, failures - 1));
}

/**
 * The same with jitter, between half and all of it, so that what failed
 * together (an outage) does not all come back at once; never shorter than
 * the other side asked for (a rate limit's retry-after).
 */
export function jitteredBackoffMs(
  backoff: Backoff,
  failures: number,
  random: () => number = Math.random,
  retryAfterMs = 0,
): number {
  const ceiling = backoffCeilingMs(backoff, failures);
  return Math.round(Math.max(ceiling / 2 + (random() * ceiling) / 2, retryAfterMs));
}
