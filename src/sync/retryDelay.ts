import type { Backoff } from '../backoff';

/** How often and how patiently a retryable failure is tried again (waits by src/backoff). */
export interface RetryPolicy extends Backoff {
  /** Attempts per request (placed, released or retried by a person) before the order is FAILED. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
};
