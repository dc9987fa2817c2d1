import { describe, expect, it } from '@jest/globals';
import {
  interpretShopifyAnswer,
  readQueryCost,
  type ShopifyAnswer,
} from '../../../src/adapters/shopify/interpretShopifyAnswer';
import { PlatformError } from '../../../src/sync/platformPort';

const SHOP = 'acme.myshopify.com';
const NOW = Date.parse('2025-01-20T10:00:00Z');

const answer = (overrides: Partial<ShopifyAnswer>): ShopifyAnswer => ({
  httpStatus: 200,
  retryAfter: null,
  location: null,
  body: { data: {} },
  ...overrides,
});

function failureOf(overrides: Partial<ShopifyAnswer>): PlatformError {
  const given = answer(overrides);
  try {
    interpretShopifyAnswer(SHOP, given, readQueryCost(given.body), NOW);
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

const throttledBody = (requested: number, available: number, restoreRate = 100) => ({
  errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
  extensions: {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate },
    },
  },
});

describe('interpretShopifyAnswer', () => {
  it('returns data', () => {
    const body = { data: { orders: { nodes: [] } } };
    expect(interpretShopifyAnswer(SHOP, answer({ body }), undefined, NOW)).toEqual({
      data: body.data,
      partialErrors: [],
    });
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'UNAUTHORIZED'],
    [404, 'UNAUTHORIZED'],
    [301, 'UNAUTHORIZED'],
    [402, 'UNAVAILABLE'],
    [423, 'UNAVAILABLE'],
    [500, 'UNAVAILABLE'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [400, 'REJECTED'],
    [429, 'THROTTLED'],
  ])('HTTP %i is %s', (httpStatus, kind) => {
    expect(failureOf({ httpStatus, body: { errors: 'nope' } }).kind).toBe(kind);
  });

  it("names the shop and quotes Shopify's own words", () => {
    const error = failureOf({
      httpStatus: 401,
      body: { errors: '[API] Invalid API key or access token' },
    });
    expect(error.message).toBe(
      'Shopify refused the access token for acme.myshopify.com (HTTP 401): [API] Invalid API key or access token',
    );
    expect(error.retryable).toBe(false);
  });

  it('says where a redirect led, which it does not follow', () => {
    const error = failureOf({ httpStatus: 301, location: 'https://acme.com/admin' });
    expect(error.message).toContain('https://acme.com/admin');
  });

  it('reads Retry-After as seconds or as a date, and waits 2 s when there is none', () => {
    expect(failureOf({ httpStatus: 429, retryAfter: '2.0' }).retryAfterMs).toBe(2000);
    expect(failureOf({ httpStatus: 429, retryAfter: '0.5' }).retryAfterMs).toBe(500);
    const inTenSeconds = new Date(NOW + 10_000).toUTCString();
    expect(failureOf({ httpStatus: 429, retryAfter: inTenSeconds }).retryAfterMs).toBe(10_000);
    expect(failureOf({ httpStatus: 429 }).retryAfterMs).toBe(2000);
  });

  it('computes the wait for a THROTTLED error from the cost Shopify reported', () => {
    const error = failureOf({ body: throttledBody(252, 52, 100) });
    expect(error.kind).toBe('THROTTLED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    // A 429 carrying the same body: the longer of the two waits.
    expect(
      failureOf({ httpStatus: 429, retryAfter: '1', body: throttledBody(252, 52) }).retryAfterMs,
    ).toBe(2000);
  });

  it('treats Internal errors as passing, missing scopes as configuration, the rest as refusals', () => {
    const error = (code: string | undefined, message: string) =>
      failureOf({
        body: { errors: [{ message, extensions: code === undefined ? {} : { code } }] },
      });
    expect(error('INTERNAL_SERVER_ERROR', 'Internal error').kind).toBe('UNAVAILABLE');
    expect(error('ACCESS_DENIED', 'Access denied for orderCreate field').kind).toBe('UNAUTHORIZED');
    const refused = error(undefined, "Field 'bogus' doesn't exist on type 'Order'");
    expect(refused.kind).toBe('REJECTED');
    expect(refused.message).toBe(
      "Shopify refused the request: Field 'bogus' doesn't exist on type 'Order'",
    );
  });

  it('keeps complete data that came with errors, so a created order is not lost', () => {
    const body = {
      data: { orderCreate: { order: { id: 'gid://shopify/Order/1' }, userErrors: [] } },
      errors: [{ message: 'Access denied for customer field' }],
    };
    expect(interpretShopifyAnswer(SHOP, answer({ body }), undefined, NOW)).toEqual({
      data: body.data,
      partialErrors: ['Access denied for customer field'],
    });
  });

  it('calls an answer that is not GraphQL UNAVAILABLE', () => {
    expect(failureOf({ body: undefined }).kind).toBe('UNAVAILABLE');
    expect(failureOf({ body: { data: null } }).kind).toBe('UNAVAILABLE');
  });
});

describe('readQueryCost', () => {
  it('reads extensions.cost, or nothing when it is incomplete', () => {
    expect(readQueryCost(throttledBody(10, 5))).toEqual({
      requestedQueryCost: 10,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 5, restoreRate: 100 },
    });
    expect(readQueryCost({ extensions: { cost: { requestedQueryCost: 10 } } })).toBeUndefined();
    expect(readQueryCost('Throttled')).toBeUndefined();
  });
});
