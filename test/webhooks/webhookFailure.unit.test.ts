import { jitteredBackoffMs } from '../../src/backoff';
import { describe, expect, it } from '@jest/globals';
import { TikTokApiError } from '../../src/adapters/tiktok/TikTokApiError';
import { TikTokOrderIntakeError } from '../../src/adapters/tiktok/tiktokOrderIntakeError';
import {
  DEFAULT_WEBHOOK_RETRY_POLICY,
  describeWebhookFailure,
} from '../../src/adapters/tiktok/webhookFailure';
import { DomainError } from '../../src/domain/domainError';

const policy = { ...DEFAULT_WEBHOOK_RETRY_POLICY, maxAttempts: 10, notFoundMaxAttempts: 3 };

describe('describeWebhookFailure', () => {
  it.each([
    ['TikTok 5xx', new TikTokApiError('SERVER_ERROR', 'TikTok Shop answered HTTP 503'), true],
    ['a timeout', new TikTokApiError('TIMEOUT', 'no answer'), true],
    ['a refused connection', new TikTokApiError('NETWORK', 'ECONNREFUSED'), true],
    ['rate limiting', new TikTokApiError('RATE_LIMITED', 'slow down'), true],
    ['a database hiccup', new Error('Connection terminated unexpectedly'), true],
    ['a missing access token', new TikTokOrderIntakeError('NO_API_CLIENT', 'not set'), true],
    ['a bad access token', new TikTokApiError('AUTH_FAILED', 'token expired'), false],
    ['an answer we cannot read', new TikTokApiError('UNEXPECTED_RESPONSE', 'no line_items'), false],
    [
      'the domain refusing the facts',
      DomainError.of('INVALID_INPUT', ['currency'], 'currency XYZ'),
      false,
    ],
    ['an order of another shop', new TikTokOrderIntakeError('SHOP_MISMATCH', 'shop 2'), false],
  ])('%s: retry is %s', (_case, error, retry) => {
    expect(describeWebhookFailure(error, 1, policy).retry).toBe(retry);
  });

  it('names the cause in the reason', () => {
    expect(
      describeWebhookFailure(new TikTokApiError('AUTH_FAILED', 'token expired'), 1, policy).reason,
    ).toBe('TikTok Shop API AUTH_FAILED: token expired');
    expect(
      describeWebhookFailure(DomainError.of('INVALID_INPUT', null, 'bad currency'), 1, policy)
        .reason,
    ).toBe('INVALID_INPUT: bad currency');
  });

  it('gives up after the attempts allowed, saying so', () => {
    const error = new TikTokApiError('SERVER_ERROR', 'HTTP 502');
    expect(describeWebhookFailure(error, 9, policy).retry).toBe(true);
    expect(describeWebhookFailure(error, 10, policy)).toEqual({
      reason: 'TikTok Shop API SERVER_ERROR: HTTP 502 (gave up after 10 attempts)',
      retry: false,
    });
  });

  it('tries an order TikTok does not have (yet) a few times only', () => {
    const error = new TikTokApiError('NOT_FOUND', 'no order 1');
    expect(describeWebhookFailure(error, 2, policy).retry).toBe(true);
    expect(describeWebhookFailure(error, 3, policy).retry).toBe(false);
  });
});

describe("a webhook's retry delay", () => {
  it('doubles from the base up to the ceiling, with jitter between half and all of it', () => {
    const top = () => 1 - Number.EPSILON;
    const bottom = () => 0;
    expect(jitteredBackoffMs(policy, 1, top)).toBe(1000);
    expect(jitteredBackoffMs(policy, 1, bottom)).toBe(500);
    expect(jitteredBackoffMs(policy, 4, top)).toBe(8000);
    expect(jitteredBackoffMs(policy, 30, top)).toBe(policy.maxDelayMs);
  });
});
