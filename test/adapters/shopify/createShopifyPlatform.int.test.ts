import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createShopifyPlatform,
  type ShopifyPlatformOptions,
} from '../../../src/adapters/shopify/createShopifyPlatform';
import {
  type CreatePlatformOrder,
  PlatformError,
  type PlatformStore,
} from '../../../src/sync/platformPort';
import {
  type FakeShopify,
  type FakeShopifyOptions,
  startFakeShopify,
} from '../../support/fakeShopify';

const SHOP = 'acme.myshopify.com';
const store: PlatformStore = { storeId: 'store-acme', shopDomain: SHOP };
const TIKTOK_ORDER_ID = '576461413038785752';

// Every fake this file starts: the last test checks what they all received.
const fakes: FakeShopify[] = [];
async function startFake(options?: FakeShopifyOptions): Promise<FakeShopify> {
  const fake = await startFakeShopify(options);
  fakes.push(fake);
  return fake;
}
afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

const platformOn = (fake: FakeShopify, overrides: Partial<ShopifyPlatformOptions> = {}) =>
  createShopifyPlatform({ adminApiUrl: fake.url, accessToken: fake.accessToken, ...overrides });

function tikTokOrder(overrides: Partial<CreatePlatformOrder> = {}): CreatePlatformOrder {
  return {
    store,
    orderId: 'order-acme-1',
    tiktokOrderId: TIKTOK_ORDER_ID,
    lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' }],
    currency: 'USD',
    totalAmount: '45.97',
    placedAt: '2024-01-23T08:53:20Z',
    status: 'AWAITING_SHIPMENT',
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
    tags: ['TikTok Shop'],
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

/** A clock both the fake's bucket and the adapter read; the adapter's sleeps move it. */
function sharedClock() {
  let now = Date.parse('2025-01-20T10:00:00Z');
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

describe('with a healthy Shopify', () => {
  let fake: FakeShopify;
  beforeEach(async () => {
    fake = await startFake();
  });

  describe('findOrder', () => {
    it('finds the order whose source identifier is the TikTok order id', async () => {
      fake.addOrder(SHOP, { sourceIdentifier: '576461413038785999', tags: ['other'] });
      const existing = fake.addOrder(SHOP, {
        sourceIdentifier: TIKTOK_ORDER_ID,
        tags: ['TikTok Shop', 'FBT'],
        fulfilled: true,
      });
      await expect(platformOn(fake).findOrder(store, TIKTOK_ORDER_ID)).resolves.toEqual({
        platformOrderId: existing.id,
        status: 'FULFILLED',
        tags: ['TikTok Shop', 'FBT'],
      });
      expect(fake.requests[0]).toMatchObject({
        shop: SHOP,
        operationName: 'FindOrderBySourceIdentifier',
        variables: { query: `source_identifier:"${TIKTOK_ORDER_ID}"` },
      });
      expect(fake.requests[0]?.headers['x-shopify-access-token']).toBe(fake.accessToken);
      expect(fake.requests[0]?.headers['content-type']).toBe('application/json');
    });

    it('calls an order with nothing fulfilled yet AWAITING_SHIPMENT', async () => {
      fake.addOrder(SHOP, { sourceIdentifier: TIKTOK_ORDER_ID });
      const found = await platformOn(fake).findOrder(store, TIKTOK_ORDER_ID);
      expect(found?.status).toBe('AWAITING_SHIPMENT');
    });

    it('answers null when no order of this shop has that source identifier', async () => {
      fake.addOrder('other.myshopify.com', { sourceIdentifier: TIKTOK_ORDER_ID });
      await expect(platformOn(fake).findOrder(store, TIKTOK_ORDER_ID)).resolves.toBeNull();
    });

    it('finds an id holding characters that mean something in Shopify search', async () => {
      const awkward = 'a "b" \\c OR d:e (f)';
      const existing = fake.addOrder(SHOP, { sourceIdentifier: awkward });
      fake.addOrder(SHOP, { sourceIdentifier: 'a' });
      const found = await platformOn(fake).findOrder(store, awkward);
      expect(found?.platformOrderId).toBe(existing.id);
    });

    it('refuses a store without a shop domain before sending anything', async () => {
      const error = await failure(
        platformOn(fake).findOrder({ storeId: 'store-x', shopDomain: null }, TIKTOK_ORDER_ID),
      );
      expect(error.kind).toBe('REJECTED');
      expect(error.message).toBe('Store store-x has no Shopify shop domain');
      const elsewhere = await failure(
        platformOn(fake).findOrder(
          { storeId: 'store-y', shopDomain: 'evil.com/x?' },
          TIKTOK_ORDER_ID,
        ),
      );
      expect(elsewhere.kind).toBe('REJECTED');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('createOrder', () => {
    it('creates a paid order, decrementing Shopify inventory under DECREMENT_OBEYING_POLICY', async () => {
      const mug = fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 10 });
      const tea = fake.addVariant(SHOP, 'TEA-01', { inventoryQuantity: 5 });
      const platform = platformOn(fake);
      const created = await platform.createOrder(
        tikTokOrder({
          lineItems: [
            { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' },
            { sku: 'TEA-01', title: 'Tea', quantity: 3, unitPrice: '0.10' },
            { sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '14.99' },
          ],
          tags: ['TikTok Shop', 'seller-fulfilled'],
        }),
      );

      const [order] = fake.ordersOf(SHOP);
      expect(created).toEqual({
        platformOrderId: order?.id,
        status: 'AWAITING_SHIPMENT',
        tags: ['TikTok Shop', 'seller-fulfilled'],
      });
      expect(order).toMatchObject({
        sourceIdentifier: TIKTOK_ORDER_ID,
        sourceName: 'tiktok_shop',
        tags: ['TikTok Shop', 'seller-fulfilled'],
        currency: 'USD',
        processedAt: '2024-01-23T08:53:20Z',
        displayFulfillmentStatus: 'UNFULFILLED',
        displayFinancialStatus: 'PAID',
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      });
      expect(
        order?.lineItems.map(({ variantId, quantity, price }) => ({ variantId, quantity, price })),
      ).toEqual([
        { variantId: mug.id, quantity: 2, price: '19.99' },
        { variantId: tea.id, quantity: 3, price: '0.10' },
        { variantId: mug.id, quantity: 1, price: '14.99' },
      ]);
      expect(order?.input?.transactions).toEqual([
        expect.objectContaining({
          kind: 'SALE',
          status: 'SUCCESS',
          amountSet: { shopMoney: { amount: '55.27', currencyCode: 'USD' } },
        }),
      ]);
      expect(mug.inventoryQuantity).toBe(7);
      expect(tea.inventoryQuantity).toBe(2);
      // One lookup for both SKUs, then the order.
      expect(fake.requests.map((request) => request.operationName)).toEqual([
        'FindVariantsBySku',
        'CreateOrder',
      ]);

      // The reactor's lookup-before-create now sees it.
      await expect(platform.findOrder(store, TIKTOK_ORDER_ID)).resolves.toEqual(created);
    });

    it('creates a FULFILLED order under BYPASS without touching inventory', async () => {
      const mug = fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 1 });
      const created = await platformOn(fake).createOrder(
        tikTokOrder({
          status: 'FULFILLED',
          inventoryBehaviour: 'BYPASS',
          tags: ['TikTok Shop', 'FBT'],
        }),
      );
      expect(created.status).toBe('FULFILLED');
      expect(created.tags).toEqual(['TikTok Shop', 'FBT']);
      expect(fake.ordersOf(SHOP)[0]).toMatchObject({
        displayFulfillmentStatus: 'FULFILLED',
        inventoryBehaviour: 'BYPASS',
        sourceIdentifier: TIKTOK_ORDER_ID,
      });
      expect(mug.inventoryQuantity).toBe(1);
    });

    it("uses the variant whose SKU is exactly the order's, though Shopify's search ignores case", async () => {
      fake.addVariant(SHOP, 'mug-red');
      const mug = fake.addVariant(SHOP, 'MUG-RED');
      await platformOn(fake).createOrder(tikTokOrder());
      expect(fake.ordersOf(SHOP)[0]?.lineItems[0]?.variantId).toBe(mug.id);
    });

    it('pages through loose search matches until it meets the exact SKU', async () => {
      // One SKU asks for 2 variants a page; the exact one comes third.
      fake.addVariant(SHOP, 'mug-red');
      fake.addVariant(SHOP, 'Mug-Red');
      const mug = fake.addVariant(SHOP, 'MUG-RED');
      await platformOn(fake).createOrder(tikTokOrder());
      expect(fake.ordersOf(SHOP)[0]?.lineItems[0]?.variantId).toBe(mug.id);
      expect(fake.requests.map((request) => request.variables?.after ?? null)).toEqual([
        null,
        '1',
        null,
      ]);
    });

    it('takes the oldest variant of a SKU several variants share, and says so', async () => {
      const oldest = fake.addVariant(SHOP, 'MUG-RED');
      const newer = fake.addVariant(SHOP, 'MUG-RED');
      const logged: [string, Record<string, unknown>][] = [];
      await platformOn(fake, {
        log: (message, fields) => logged.push([message, fields]),
      }).createOrder(tikTokOrder());
      expect(fake.ordersOf(SHOP)[0]?.lineItems[0]?.variantId).toBe(oldest.id);
      expect(logged).toEqual([
        [
          'SKU on several Shopify variants; using the first',
          { shop: SHOP, sku: 'MUG-RED', chosen: oldest.id, ignored: newer.id },
        ],
      ]);
    });

    it('refuses an order with a SKU Shopify does not have, naming it, and creates nothing', async () => {
      fake.addVariant(SHOP, 'MUG-RED');
      const error = await failure(
        platformOn(fake).createOrder(
          tikTokOrder({
            lineItems: [
              { sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '19.99' },
              { sku: 'MUG-BLUE', title: 'Blue mug', quantity: 1, unitPrice: '19.99' },
            ],
          }),
        ),
      );
      expect(error.kind).toBe('REJECTED');
      expect(error.retryable).toBe(false);
      expect(error.message).toBe('Shopify has no product variant with SKU "MUG-BLUE"');
      expect(fake.orders).toHaveLength(0);
      expect(fake.requests.map((request) => request.operationName)).toEqual(['FindVariantsBySku']);
    });

    it('refuses a line without a SKU before asking Shopify', async () => {
      const error = await failure(
        platformOn(fake).createOrder(
          tikTokOrder({
            lineItems: [{ sku: '', title: 'Mystery box', quantity: 1, unitPrice: '5.00' }],
          }),
        ),
      );
      expect(error.kind).toBe('REJECTED');
      expect(error.message).toContain('Mystery box');
      expect(fake.requests).toHaveLength(0);
    });

    it("turns orderCreate's userErrors into a REJECTED a merchant can read", async () => {
      fake.addVariant(SHOP, 'MUG-RED');
      const error = await failure(
        platformOn(fake).createOrder(
          tikTokOrder({
            lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 0, unitPrice: '19.99' }],
          }),
        ),
      );
      expect(error.kind).toBe('REJECTED');
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(
        'Shopify refused the order: lineItems.0.quantity: must be greater than 0',
      );
      expect(fake.orders).toHaveLength(0);
    });

    it('passes on Shopify refusing to sell beyond stock under DECREMENT_OBEYING_POLICY', async () => {
      const mug = fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 1 });
      const error = await failure(platformOn(fake).createOrder(tikTokOrder()));
      expect(error.kind).toBe('REJECTED');
      expect(error.message).toBe(
        'Shopify refused the order: lineItems: MUG-RED has only 1 in stock',
      );
      expect(mug.inventoryQuantity).toBe(1);
    });
  });

  describe('failures', () => {
    it.each([500, 502, 503])('HTTP %i is UNAVAILABLE and retryable', async (status) => {
      fake.inject({ kind: 'status', status });
      const error = await failure(platformOn(fake).findOrder(store, TIKTOK_ORDER_ID));
      expect(error.kind).toBe('UNAVAILABLE');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`HTTP ${status}`);
    });

    it('a 5xx on orderCreate is UNAVAILABLE and creates nothing', async () => {
      fake.addVariant(SHOP, 'MUG-RED');
      fake.inject({ kind: 'status', status: 502 }, { only: 'mutation' });
      const error = await failure(platformOn(fake).createOrder(tikTokOrder()));
      expect(error.kind).toBe('UNAVAILABLE');
      expect(fake.orders).toHaveLength(0);
    });

    it('HTTP 429 is THROTTLED after the Retry-After Shopify sent', async () => {
      fake.inject({ kind: 'status', status: 429, retryAfter: '3.0' });
      const error = await failure(platformOn(fake).findOrder(store, TIKTOK_ORDER_ID));
      expect(error.kind).toBe('THROTTLED');
      expect(error.retryAfterMs).toBe(3000);
    });

    it('a wrong access token is UNAUTHORIZED and not retryable', async () => {
      const error = await failure(
        platformOn(fake, { accessToken: 'shpat_revoked' }).findOrder(store, TIKTOK_ORDER_ID),
      );
      expect(error.kind).toBe('UNAUTHORIZED');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('HTTP 401');
      expect(error.message).not.toContain('shpat_revoked');
    });

    it('a request that gets no answer is a TIMEOUT after timeoutMs', async () => {
      fake.inject({ kind: 'hang' });
      const started = Date.now();
      const error = await failure(
        platformOn(fake, { timeoutMs: 200 }).findOrder(store, TIKTOK_ORDER_ID),
      );
      expect(error.kind).toBe('TIMEOUT');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('200 ms');
      // Only a bound against hanging for ever: the point is that it gave up.
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('a slow answer within timeoutMs is just an answer', async () => {
      fake.inject({ kind: 'hang', ms: 50 });
      await expect(
        platformOn(fake, { timeoutMs: 5000 }).findOrder(store, TIKTOK_ORDER_ID),
      ).resolves.toBeNull();
    });

    it('a dropped connection is NETWORK', async () => {
      fake.inject({ kind: 'drop' });
      const error = await failure(platformOn(fake).findOrder(store, TIKTOK_ORDER_ID));
      expect(error.kind).toBe('NETWORK');
      expect(error.retryable).toBe(true);
    });
  });
});

describe('rate limit', () => {
  it('a THROTTLED answer is THROTTLED, retrying once the missing points are restored', async () => {
    const clock = sharedClock();
    const fake = await startFake({ now: clock.now, restoreRate: 50, queryCost: 2 });
    fake.setAvailable(SHOP, 0);
    const error = await failure(platformOn(fake, clock).findOrder(store, TIKTOK_ORDER_ID));
    expect(error.kind).toBe('THROTTLED');
    expect(error.retryable).toBe(true);
    // 2 points missing at 50 points a second.
    expect(error.retryAfterMs).toBe(40);
  });

  it('waits for the bucket to refill before a request it would not hold', async () => {
    const clock = sharedClock();
    const fake = await startFake({
      now: clock.now,
      maximumAvailable: 20,
      restoreRate: 10,
      queryCost: 2,
      mutationCost: 10,
    });
    fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 100 });
    const platform = platformOn(fake, clock);

    // 20 points: 2 for the SKUs, 10 for the order; 8 are left.
    await platform.createOrder(tikTokOrder());
    expect(clock.sleeps).toEqual([]);
    // 2 for the SKUs leaves 6, short of the ~11 orderCreate costs: without
    // waiting, the fake would answer THROTTLED.
    await platform.createOrder(tikTokOrder({ tiktokOrderId: '576461413038785753' }));

    expect(clock.sleeps).toEqual([500]);
    expect(fake.requests.map((request) => request.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(fake.orders).toHaveLength(2);
  });

  it('gives up with THROTTLED, sending nothing, when the wait would exceed maxThrottleWaitMs', async () => {
    const clock = sharedClock();
    const fake = await startFake({
      now: clock.now,
      maximumAvailable: 20,
      restoreRate: 10,
      queryCost: 2,
      mutationCost: 10,
    });
    fake.addVariant(SHOP, 'MUG-RED', { inventoryQuantity: 100 });
    const platform = platformOn(fake, { ...clock, maxThrottleWaitMs: 100 });

    await platform.createOrder(tikTokOrder());
    const error = await failure(
      platform.createOrder(tikTokOrder({ tiktokOrderId: '576461413038785753' })),
    );
    expect(error.kind).toBe('THROTTLED');
    expect(error.retryAfterMs).toBe(500);
    expect(clock.sleeps).toEqual([]);
    expect(fake.requests.map((request) => request.operationName)).toEqual([
      'FindVariantsBySku',
      'CreateOrder',
      'FindVariantsBySku',
    ]);
  });

  it('after a THROTTLED answer, waits before the next request instead of being throttled again', async () => {
    const clock = sharedClock();
    const fake = await startFake({ now: clock.now, restoreRate: 10, queryCost: 2 });
    fake.addOrder(SHOP, { sourceIdentifier: TIKTOK_ORDER_ID });
    fake.setAvailable(SHOP, 0);
    const platform = platformOn(fake, clock);

    await expect(failure(platform.findOrder(store, TIKTOK_ORDER_ID))).resolves.toMatchObject({
      kind: 'THROTTLED',
      retryAfterMs: 200,
    });
    await expect(platform.findOrder(store, TIKTOK_ORDER_ID)).resolves.not.toBeNull();
    expect(clock.sleeps).toHaveLength(1);
    expect(fake.requests.map((request) => request.outcome)).toEqual(['throttled', 'ok']);
  });
});

describe('transport', () => {
  it('a refused connection is NETWORK', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const platform = createShopifyPlatform({
      adminApiUrl: `http://127.0.0.1:${port}/{shop}/admin/api/2025-01/graphql.json`,
      accessToken: 'shpat_token',
    });
    const error = await failure(platform.findOrder(store, TIKTOK_ORDER_ID));
    expect(error.kind).toBe('NETWORK');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not follow a redirect, which would hand the access token to another host', async () => {
    const seenElsewhere: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((request, response) => {
      seenElsewhere.push(request.headers);
      response.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const elsewherePort = (elsewhere.address() as AddressInfo).port;
    const redirecting = createServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${elsewherePort}/graphql.json` });
      response.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const { port } = redirecting.address() as AddressInfo;
    try {
      const platform = createShopifyPlatform({
        adminApiUrl: `http://127.0.0.1:${port}/{shop}/admin/api/2025-01/graphql.json`,
        accessToken: 'shpat_secret',
      });
      const error = await failure(platform.findOrder(store, TIKTOK_ORDER_ID));
      expect(error.kind).toBe('UNAUTHORIZED');
      expect(error.message).toContain(`127.0.0.1:${elsewherePort}`);
      expect(seenElsewhere).toEqual([]);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });
});

// Last, so that it sees every request the tests above made the adapter send.
it('sent Shopify only documents and variables the Admin API 2025-01 schema accepts', () => {
  const answered = fakes
    .flatMap((fake) => fake.requests)
    .filter((request) => request.outcome === 'ok');
  expect(new Set(answered.map((request) => request.operationName))).toEqual(
    new Set(['FindOrderBySourceIdentifier', 'FindVariantsBySku', 'CreateOrder']),
  );
  expect(fakes.flatMap((fake) => fake.validationFailures)).toEqual([]);
});
