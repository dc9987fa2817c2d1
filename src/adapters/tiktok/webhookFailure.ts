import { DomainError } from '../../domain/domainError';
import { TikTokApiError } from './TikTokApiError';
import { TikTokOrderIntakeError } from './tiktokOrderIntakeError';

export interface WebhookRetryPolicy {
  /** The first retry waits about this long; each next one twice as long, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts before a retryable failure is given up (the row is then failed, not lost). */
  maxAttempts: number;
  /**
   * Attempts for an order TikTok says it does not have. A webhook can come
   * before the order is readable through the API, so a few tries are worth it.
   */
  notFoundMaxAttempts: number;
}

/** About 2 hours of retries (1 s, 2 s, … 10 min, then every 10 min) before a row is failed. */
export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 10 * 60 * 1000,
  maxAttempts: 20,
  notFoundMaxAttempts: 5,
};

export interface WebhookFailure {
  reason: string;
  /** Whether another attempt is allowed after `attempts` attempts. */
  retry: boolean;
}

/** What a failed attempt means: try again later, or give up with a reason an operator can read. */
export function describeWebhookFailure(
  error: unknown,
  attempts: number,
  policy: WebhookRetryPolicy,
): WebhookFailure {
  let reason: string;
  let retryable: boolean;
  let limit = policy.maxAttempts;
  if (error instanceof TikTokApiError) {
    reason = `TikTok Shop API ${error.code}: ${error.message}`;
    retryable = error.retryable || error.code === 'NOT_FOUND';
    if (error.code === 'NOT_FOUND') limit = policy.notFoundMaxAttempts;
  } else if (error instanceof TikTokOrderIntakeError) {
    reason = `${error.code}: ${error.message}`;
    retryable = error.retryable;
  } else if (error instanceof DomainError) {
    // The domain refused the facts (say, a currency it does not know): they will not change.
    reason = `${error.code}: ${error.message}`;
    retryable = error.code === 'VERSION_CONFLICT';
  } else {
    // The database, a connection, a bug: nothing says the next attempt fails too.
    reason = error instanceof Error ? error.message : String(error);
    retryable = true;
  }
  if (!retryable) return { reason, retry: false };
  if (attempts >= limit)
    return { reason: `${reason} (gave up after ${attempts} attempts)`, retry: false };
  return { reason, retry: true };
}
