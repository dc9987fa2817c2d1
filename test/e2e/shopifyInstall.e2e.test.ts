import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import type { FakeShopifyOAuth } from '../support/fakeShopifyOAuth';
import { createGraphqlClient, type GraphqlClient, Targets } from '../support/graphqlClient';
import { createFbtSyncApi, type FbtSyncApi } from './fbtSyncApi';

/*
 * The Shopify app's install end to end, on a real `serve` and the fake
 * Shopify (its OAuth token endpoint included): two stores on two shops, each
 * installed through /auth/shopify, each synced with its own token; bad
 * HMACs, states and shops refused with nothing written; the token refreshed
 * before it lapses; app/uninstalled makes the store's syncs wait, a
 * reinstall lets them go on. No token ever reaches the log, the events or
 * an API answer.
 */

const AUTH_SECRET = 'e2e-shopify-install-secret-0123456789abcdef';
const APP = { clientId: 'fbt-sync-test-client', clientSecret: 'shpss_test_client_secret_0123' };
const SHOP_A = 'install-a.myshopify.com';
const SHOP_B = 'install-b.myshopify.com';

interface Connection {
  state: string;
  scopes: string[];
  installedAt: string | null;
  uninstalledAt: string | null;
  installPath: string;
}

describe('Shopify app install (OAuth) and per-store tokens, through HTTP', () => {
  let database: TestDatabase;
  let fake: FakeShopify;
  let oauth: FakeShopifyOAuth;
  let serve: ServeProcess;
  let api: FbtSyncApi;
  let graphql: GraphqlClient;
  const stores: Record<string, string> = {};
  let orderNumber = 0;
  let firstOrderId = '';

  beforeAll(async () => {
    database = await createTestDatabase(2);
    fake = await startFakeShopify({ app: APP });
    oauth = fake.oauth!;
    serve = await startServe({
      DATABASE_URL: database.url,
      DATA_DIR: tempDataDir(),
      AUTH_SECRET,
      LOG_LEVEL: 'debug',
      PLATFORM: 'shopify',
      SHOPIFY_ADMIN_API_URL: fake.url,
      SHOPIFY_OAUTH_URL: fake.oauthUrl,
      SHOPIFY_API_KEY: APP.clientId,
      SHOPIFY_API_SECRET: APP.clientSecret,
      SHOPIFY_SCOPES: 'read_orders,write_orders,read_products',
      RECONCILE_INTERVAL_S: '0',
      SYNC_RETRY_BASE_MS: '50',
      SYNC_RETRY_MAX_MS: '500',
    });
    api = createFbtSyncApi(serve.url, AUTH_SECRET);
    graphql = createGraphqlClient({ targets: new Targets([serve.url]), secret: AUTH_SECRET });
    for (const [key, shop, tiktokShopId] of [
      ['A', SHOP_A, '7494990001'],
      ['B', SHOP_B, '7494990002'],
    ] as const) {
      const store = await api.connectStore({
        name: `Install ${key}`,
        tiktokShopId,
        platform: 'SHOPIFY',
        plan: 'PRO',
        shopDomain: shop,
      });
      stores[key] = store.id;
      fake.addVariant(shop, 'SKU-1', { inventoryQuantity: 50 });
    }
    // The install routes find the store by its shop in the stores read model.
    await api.untilProjectionsCaughtUp();
  }, 120_000);

  afterAll(async () => {
    const code = await serve?.stop('SIGTERM');
    await fake?.close();
    await database?.drop();
    expect(code).toBe(0);
  });

  const eventCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const credentialCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('store_credentials')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const connection = async (storeId: string) =>
    (
      await graphql.request<{ store: { shopifyConnection: Connection | null } }>(
        `query ($id: ID!) { store(id: $id) {
          shopifyConnection { state scopes installedAt uninstalledAt installPath } } }`,
        { id: storeId },
      )
    ).store.shopifyConnection;

  const get = (path: string, cookie?: string) =>
    fetch(`${serve.url}${path}`, {
      redirect: 'manual',
      headers: cookie === undefined ? {} : { cookie },
    });

  /** GET /auth/shopify: the authorize URL it redirects to, and the browser's cookie. */
  async function startInstall(shop: string) {
    const response = await get(`/auth/shopify?shop=${shop}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    return { location, cookie, state: location.searchParams.get('state')! };
  }

  async function install(shop: string) {
    const { cookie, state } = await startInstall(shop);
    const callback = oauth.approve(shop, {
      state,
      scopes: ['read_orders', 'write_orders', 'read_products'],
    });
    const response = await get(`/auth/shopify/callback?${callback.toString()}`, cookie);
    expect(response.status).toBe(200);
    return { cookie, callback };
  }

  async function placeOrder(storeKey: string) {
    orderNumber += 1;
    return api.recordTikTokOrder({
      storeId: stores[storeKey]!,
      tiktokOrderId: `57709900${String(orderNumber).padStart(4, '0')}`,
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'AWAITING_SHIPMENT',
      lineItems: [{ sku: 'SKU-1', title: 'Thing', quantity: 1, unitPrice: '10.00' }],
      currency: 'USD',
      placedAt: new Date().toISOString(),
    });
  }

  const untilSynced = (orderId: string) =>
    api.untilOrder(orderId, (order) => order.syncStatus === 'SYNCED', 'SYNCED');

  /** Every Admin API request that reached a shop went with a token Shopify issued for that shop. */
  function tokensUsedFor(shop: string): string[] {
    return fake.requests
      .filter((request) => request.shop === shop && request.path.endsWith('graphql.json'))
      .map((request) => String(request.headers['x-shopify-access-token']));
  }

  /** Admin API calls the fake refused for their token. */
  const refusedAdminCalls = () =>
    fake.requests.filter(
      (request) => request.outcome === 'unauthorized' && request.path.endsWith('graphql.json'),
    );

  it('a store that never installed the app waits: its order stays PENDING, Shopify is not called', async () => {
    expect(await connection(stores.A!)).toEqual({
      state: 'NOT_INSTALLED',
      scopes: [],
      installedAt: null,
      uninstalledAt: null,
      installPath: `/auth/shopify?shop=${encodeURIComponent(SHOP_A)}`,
    });
    const order = await placeOrder('A');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seen = await api.orderByTikTokId(stores.A!, order.tiktokOrderId);
    expect(seen?.syncStatus).toBe('PENDING');
    expect(seen?.syncAttempts).toBe(0);
    expect(tokensUsedFor(SHOP_A)).toEqual([]);
    expect(serve.output()).toContain('the Shopify app is not installed');
    firstOrderId = order.id;
  });

  it('GET /auth/shopify redirects to the shop’s authorize page with the client id, scopes, redirect URI and a signed state', async () => {
    const { location, cookie } = await startInstall(SHOP_A);
    expect(`${location.origin}${location.pathname}`).toBe(
      fake.oauthUrl.replace('{shop}', SHOP_A) + '/authorize',
    );
    expect(location.searchParams.get('client_id')).toBe(APP.clientId);
    expect(location.searchParams.get('scope')).toBe('read_orders,write_orders,read_products');
    expect(location.searchParams.get('redirect_uri')).toBe(`${serve.url}/auth/shopify/callback`);
    expect(location.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(cookie).toMatch(/^fbt_shopify_oauth=[\w-]+$/);
  });

  it('refuses a shop that is not a myshopify.com domain (400), one no store is on (404), a wrong Shopify HMAC (401)', async () => {
    expect((await get('/auth/shopify?shop=evil.example.com')).status).toBe(400);
    expect((await get('/auth/shopify?shop=nobody.myshopify.com')).status).toBe(404);
    const signed = new URLSearchParams({ shop: SHOP_A, timestamp: '1700000000' });
    signed.set(
      'hmac',
      createHmac('sha256', 'not-the-secret').update(signed.toString()).digest('hex'),
    );
    expect((await get(`/auth/shopify?${signed.toString()}`)).status).toBe(401);
  });

  it('a callback with a bad HMAC, a forged or missing state, no cookie or another shop writes nothing and gets 400/401', async () => {
    const events = await eventCount();
    const { cookie, state } = await startInstall(SHOP_A);

    const tampered = oauth.approve(SHOP_A, { state });
    tampered.set('code', `${tampered.get('code')}x`);
    expect((await get(`/auth/shopify/callback?${tampered.toString()}`, cookie)).status).toBe(401);

    const [payload] = state.split('.');
    const forged = oauth.approve(SHOP_A, {
      state: `${payload}.AAAA${state.split('.')[1]!.slice(4)}`,
    });
    expect((await get(`/auth/shopify/callback?${forged.toString()}`, cookie)).status).toBe(400);

    const noState = oauth.approve(SHOP_A, { state: '' });
    expect((await get(`/auth/shopify/callback?${noState.toString()}`, cookie)).status).toBe(400);

    const noCookie = oauth.approve(SHOP_A, { state });
    expect((await get(`/auth/shopify/callback?${noCookie.toString()}`)).status).toBe(400);
    expect(
      (await get(`/auth/shopify/callback?${noCookie.toString()}`, 'fbt_shopify_oauth=another'))
        .status,
    ).toBe(400);

    // Approved on shop B with the state of an install begun for shop A.
    const otherShop = oauth.approve(SHOP_B, { state });
    expect((await get(`/auth/shopify/callback?${otherShop.toString()}`, cookie)).status).toBe(400);

    expect(await eventCount()).toBe(events);
    expect(await credentialCount()).toBe(0);
    expect(oauth.tokenRequests).toEqual([]);
    expect((await connection(stores.A!))?.state).toBe('NOT_INSTALLED');
  });

  it('a good callback seals the shop’s token and records the install; the waiting order then syncs with that token', async () => {
    const events = await eventCount();
    const { callback, cookie } = await install(SHOP_A);
    expect(await eventCount()).toBe(events + 1);
    expect(await credentialCount()).toBe(1);
    const shown = await connection(stores.A!);
    expect(shown).toMatchObject({
      state: 'INSTALLED',
      scopes: ['read_orders', 'read_products', 'write_orders'],
      uninstalledAt: null,
    });
    expect(shown?.installedAt).not.toBeNull();

    await untilSynced(firstOrderId);
    const used = tokensUsedFor(SHOP_A);
    expect(used.length).toBeGreaterThan(0);
    for (const token of used) expect(oauth.shopOf(token)).toBe(SHOP_A);

    // The same callback again: Shopify refuses the spent code; nothing is written.
    const again = await eventCount();
    expect((await get(`/auth/shopify/callback?${callback.toString()}`, cookie)).status).toBe(502);
    expect(await eventCount()).toBe(again);
  }, 90_000);

  it('two stores on two shops sync with their own tokens', async () => {
    await install(SHOP_B);
    const [a, b] = [await placeOrder('A'), await placeOrder('B')];
    await untilSynced(a.id);
    await untilSynced(b.id);
    const usedA = new Set(tokensUsedFor(SHOP_A));
    const usedB = new Set(tokensUsedFor(SHOP_B));
    expect(usedB.size).toBeGreaterThan(0);
    for (const token of usedA) expect(oauth.shopOf(token)).toBe(SHOP_A);
    for (const token of usedB) expect(oauth.shopOf(token)).toBe(SHOP_B);
    expect([...usedA].some((token) => usedB.has(token))).toBe(false);
    expect(refusedAdminCalls()).toEqual([]);
  }, 90_000);

  it('a token about to lapse is refreshed first, once, and the new one is kept', async () => {
    // Installed again with a token that lapses within the refresh margin.
    oauth.setAccessTokenLifetime(120);
    await install(SHOP_A);
    oauth.setAccessTokenLifetime(3600);
    const installed = oauth.tokenRequests.at(-1)!;
    expect(installed).toMatchObject({ shop: SHOP_A, grant: 'authorization_code', status: 200 });
    const order = await placeOrder('A');
    await untilSynced(order.id);
    const refreshes = oauth.tokenRequests.filter((request) => request.grant === 'refresh_token');
    expect(refreshes).toEqual([
      { shop: SHOP_A, grant: 'refresh_token', status: 200, error: undefined },
    ]);
    const after = tokensUsedFor(SHOP_A).at(-1)!;
    expect(oauth.shopOf(after)).toBe(SHOP_A);

    const next = await placeOrder('A');
    await untilSynced(next.id);
    expect(tokensUsedFor(SHOP_A).at(-1)).toBe(after);
    expect(oauth.tokenRequests.filter((request) => request.grant === 'refresh_token')).toHaveLength(
      1,
    );
    expect(refusedAdminCalls()).toEqual([]);
  }, 90_000);

  it('a token Shopify refuses before it lapses is refreshed once, and the call goes on with the new one', async () => {
    oauth.revokeAccessTokens(SHOP_B);
    const refusedBefore = refusedAdminCalls().length;
    const order = await placeOrder('B');
    await untilSynced(order.id);
    expect(refusedAdminCalls().length).toBe(refusedBefore + 1);
    expect(
      oauth.tokenRequests.filter(
        (request) => request.shop === SHOP_B && request.grant === 'refresh_token',
      ),
    ).toEqual([{ shop: SHOP_B, grant: 'refresh_token', status: 200, error: undefined }]);
    const last = tokensUsedFor(SHOP_B).at(-1)!;
    expect(oauth.shopOf(last)).toBe(SHOP_B);
  }, 90_000);

  function webhook(topic: string, shop: string, id: string, secret = APP.clientSecret) {
    const body = JSON.stringify({ id: 1, domain: shop });
    return fetch(`${serve.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': id,
        'x-shopify-api-version': '2025-01',
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      },
      body,
    });
  }

  it('app/uninstalled: a wrong HMAC is refused (401); the real one forgets the token, once, and the store’s syncs wait', async () => {
    const events = await eventCount();
    expect((await webhook('app/uninstalled', SHOP_A, 'wh-bad', 'wrong-secret')).status).toBe(401);
    expect(await eventCount()).toBe(events);
    expect(await credentialCount()).toBe(2);

    oauth.uninstall(SHOP_A);
    expect((await webhook('app/uninstalled', SHOP_A, 'wh-1')).status).toBe(200);
    expect((await webhook('app/uninstalled', SHOP_A, 'wh-1')).status).toBe(200);
    expect(await eventCount()).toBe(events + 1);
    expect(await credentialCount()).toBe(1);
    expect(await connection(stores.A!)).toMatchObject({ state: 'UNINSTALLED' });

    const calls = tokensUsedFor(SHOP_A).length;
    const order = await placeOrder('A');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seen = await api.orderByTikTokId(stores.A!, order.tiktokOrderId);
    expect(seen?.syncStatus).toBe('PENDING');
    expect(seen?.syncAttempts).toBe(0);
    expect(tokensUsedFor(SHOP_A)).toHaveLength(calls);
    expect(serve.output()).toContain('the Shopify app was uninstalled from the shop');

    // Store B is untouched, and a reinstall lets A's order go.
    const b = await placeOrder('B');
    await untilSynced(b.id);
    await install(SHOP_A);
    expect(await connection(stores.A!)).toMatchObject({ state: 'INSTALLED', uninstalledAt: null });
    await untilSynced(order.id);
  }, 90_000);

  it('answers the mandatory privacy webhooks (200) and ignores other topics; refuses them unsigned', async () => {
    for (const topic of [
      'customers/data_request',
      'customers/redact',
      'shop/redact',
      'orders/create',
    ]) {
      expect((await webhook(topic, SHOP_B, `wh-${topic}`)).status).toBe(200);
    }
    expect((await webhook('customers/redact', SHOP_B, 'wh-x', 'nope')).status).toBe(401);
  });

  it('no token or refresh token appears in the log, the events or the API’s answers', async () => {
    const secrets = new Set<string>();
    for (const request of fake.requests) {
      const token = request.headers['x-shopify-access-token'];
      if (typeof token === 'string' && token !== '') secrets.add(token);
      if (request.path.endsWith('/access_token') && typeof request.answer === 'object') {
        const answer = request.answer as Record<string, unknown>;
        for (const field of ['access_token', 'refresh_token']) {
          if (typeof answer[field] === 'string') secrets.add(answer[field]);
        }
      }
    }
    expect(secrets.size).toBeGreaterThanOrEqual(4);
    const events = JSON.stringify(
      await database.db.selectFrom('events').select(['type', 'data', 'metadata']).execute(),
    );
    const answers = JSON.stringify(
      await graphql.request(
        `query { stores(first: 10) { edges { node { id shopifyConnection {
          state scopes installedAt uninstalledAt installPath } } } } }`,
        {},
      ),
    );
    const output = serve.output();
    for (const secret of secrets) {
      expect(events).not.toContain(secret);
      expect(answers).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    expect(events).toContain('ShopifyAppInstalled');
  });
});
