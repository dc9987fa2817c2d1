/** How often and how patiently a retryable failure is tried again. */
export interface RetryPolicy {
  /** Attempts per request (placed, released or retried by a person) before the order is FAILED. */
  maxAttempts: number;
  /** The delay after the first failure; it doubles with each one after. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
};

/**
 * The wait after the `failures`-th failure in a row: exponential, with jitter
 * (between half and all of it) so orders that failed together, in an outage,
 * do not all come back at once. Never shorter than the platform asked for.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failures: number,
  random: () => number,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(Math.max(ceiling / 2 + (random() * ceiling) / 2, retryAfterMs));
}
