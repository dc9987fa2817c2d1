import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeShopify, startFakeShopify } from '../../support/fakeShopify';

// The adapter's tests trust this fake to refuse what Shopify would refuse;
// these prove it does, so their "no validation failures" can fail.

const SHOP = 'acme.myshopify.com';
let fake: FakeShopify;

beforeEach(async () => {
  fake = await startFakeShopify({ maximumAvailable: 100, restoreRate: 1 });
});
afterEach(() => fake.close());

async function post(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(fake.url.replace('{shop}', SHOP), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-access-token': fake.accessToken,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const ORDERS_QUERY = 'query Find($q: String!) { orders(first: 1, query: $q) { nodes { id } } }';

describe('the fake Shopify', () => {
  it('answers a valid query with data and the cost of it', async () => {
    const { status, json } = await post({
      query: ORDERS_QUERY,
      variables: { q: 'source_identifier:"1"' },
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: { orders: { nodes: [] } },
      extensions: {
        cost: {
          requestedQueryCost: 2,
          actualQueryCost: 2,
          throttleStatus: { maximumAvailable: 100, currentlyAvailable: 98, restoreRate: 1 },
        },
      },
    });
    expect(fake.validationFailures).toEqual([]);
  });

  it('refuses a document the 2025-01 schema does not validate, as Shopify does, and records it', async () => {
    const { status, json } = await post({
      query: 'query { orders(first: 1) { nodes { id trackingNumber } } }',
    });
    expect(status).toBe(200);
    expect(json).not.toHaveProperty('data');
    expect(json.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('trackingNumber') as unknown }),
    ]);
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['document']);
  });

  it('refuses a document that does not parse', async () => {
    await post({ query: 'query { orders(first: 1) { nodes { id }' });
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['document']);
  });

  it('refuses variables that do not coerce to their types', async () => {
    const { json } = await post({
      query:
        'mutation Create($order: OrderCreateOrderInput!) { orderCreate(order: $order) { userErrors { message } } }',
      variables: { order: { lineItems: [{ quantity: 'two' }], fulfillmentStatus: 'SHIPPED' } },
    });
    expect(json).not.toHaveProperty('data');
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['variables']);
    expect(fake.orders).toHaveLength(0);
  });

  it('refuses another Content-Type, and records it', async () => {
    const { status } = await post({ query: ORDERS_QUERY }, { 'content-type': 'text/plain' });
    expect(status).toBe(415);
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['headers']);
  });

  it('answers 401 to a wrong access token', async () => {
    const { status, json } = await post(
      { query: ORDERS_QUERY },
      { 'x-shopify-access-token': 'nope' },
    );
    expect(status).toBe(401);
    expect(json.errors).toContain('Invalid API key or access token');
  });

  it('records a search it cannot read rather than guessing', async () => {
    await post({ query: ORDERS_QUERY, variables: { q: 'source_identifier:1 OR (name:x)' } });
    expect(fake.validationFailures.map((failure) => failure.stage)).toEqual(['search']);
  });

  it('answers THROTTLED with no data when the bucket is short of the cost', async () => {
    fake.setAvailable(SHOP, 1);
    const { status, json } = await post({ query: ORDERS_QUERY, variables: { q: '' } });
    expect(status).toBe(200);
    expect(json).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Throttled',
          extensions: expect.objectContaining({ code: 'THROTTLED' }) as unknown,
        }),
      ],
      extensions: {
        cost: {
          requestedQueryCost: 2,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 100, currentlyAvailable: 1, restoreRate: 1 },
        },
      },
    });
    expect(fake.requests[0]?.outcome).toBe('throttled');
  });

  it('applies a fault to as many requests of the chosen type as asked', async () => {
    fake.inject({ kind: 'status', status: 503 }, { times: 2, only: 'mutation' });
    expect((await post({ query: ORDERS_QUERY, variables: { q: '' } })).status).toBe(200);
    const mutation = {
      query: 'mutation { orderCreate(order: { lineItems: [] }) { userErrors { message } } }',
    };
    expect((await post(mutation)).status).toBe(503);
    expect((await post(mutation)).status).toBe(503);
    expect((await post(mutation)).status).toBe(200);
  });
});
