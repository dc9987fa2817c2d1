import { describe, expect, it } from '@jest/globals';
import { jitteredBackoffMs as retryDelayMs, backoffCeilingMs } from '../src/backoff';
import { DEFAULT_RETRY_POLICY } from '../src/sync/retryDelay';

const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 10_000 };

describe('the backoff', () => {
  it('without jitter: the base, doubling with each failure, at most the maximum', () => {
    const loop = { baseDelayMs: 200, maxDelayMs: 10_000 };
    expect([1, 2, 3, 6, 7, 20].map((n) => backoffCeilingMs(loop, n))).toEqual([
      200, 400, 800, 6400, 10_000, 10_000,
    ]);
  });

  it('doubles with each failure in a row, up to the maximum', () => {
    const longest = (failures: number) => retryDelayMs(policy, failures, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(longest)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('is jittered between half and all of it', () => {
    expect(retryDelayMs(policy, 3, () => 0)).toBe(2000);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(3000);
  });

  it('never comes sooner than the platform asked', () => {
    expect(retryDelayMs(policy, 1, () => 0, 7_500)).toBe(7_500);
    expect(retryDelayMs(policy, 1, () => 0, 100)).toBe(500);
  });

  it('by default gives an outage minutes, not seconds, before an order is FAILED', () => {
    let total = 0;
    for (let failures = 1; failures < DEFAULT_RETRY_POLICY.maxAttempts; failures++) {
      total += retryDelayMs(DEFAULT_RETRY_POLICY, failures, () => 0);
    }
    expect(total).toBeGreaterThan(2 * 60_000);
  });
});
