import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { signState, stateKey } from '../../src/auth/oauthState';
import { installTikTokAuthorization } from '../../src/adapters/tiktok/auth/installTikTokAuthorization';
import {
  createTikTokShopAccess,
  tikTokShopAccessOf,
} from '../../src/adapters/tiktok/auth/tikTokShopAccess';
import type { TikTokShopCredential } from '../../src/adapters/tiktok/auth/tikTokShopCredential';
import { createTikTokTokenRefresher } from '../../src/adapters/tiktok/auth/tikTokTokenRefresher';
import {
  GET_ORDER_DETAIL_PATH,
  SEARCH_ORDERS_PATH,
} from '../../src/adapters/tiktok/createTikTokShopClient';
import { installTikTokWebhooks } from '../../src/adapters/tiktok/installTikTokWebhooks';
import { connectedStoreIds } from '../../src/adapters/tiktok/connectedStoreIds';
import { reconcileStore } from '../../src/adapters/tiktok/reconcileStore';
import { signWebhook } from '../../src/adapters/tiktok/verifyWebhookSignature';
import { storeIdFor } from '../../src/commands/ids';
import { loadOrder } from '../../src/commands/orderCommands';
import { connectStore, loadStore } from '../../src/commands/storeCommands';
import { loadConfig } from '../../src/config';
import { createCredentialVault } from '../../src/credentials/credentialVault';
import { installGraphql } from '../../src/graphql/installGraphql';
import { registerMetricsRoute } from '../../src/http/metrics';
import type { ServiceParts } from '../../src/serviceParts';
import { installProjections } from '../../src/projections/installProjections';
import { tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createFakeTikTokAuth, type FakeTikTokAuth } from '../support/fakeTikTokAuth';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
} from '../support/fakeTikTokShop';
import { caughtUp } from '../support/projectionSupport';
import { testServiceParts } from '../support/serviceParts';
import { signToken } from '../../src/auth/signToken';

/*
 * Stores authorizing the app on TikTok Shop, through a real HTTP service
 * (projections, GraphQL, the webhook route and its worker, the authorization
 * routes) against a local fake TikTok Shop that checks every request: the
 * token endpoints' app key, secret, grant type and single-use codes and
 * refresh tokens; the Open API's signature, the access token and that the
 * shop_cipher is one of that token's shops. No global TIKTOK_ACCESS_TOKEN:
 * every call must go out with the store's own token.
 */

const APP = { appKey: '7a1b2c3d4e5f6', appSecret: 'authorization-test-app-secret-0123456789' };
const AUTH_SECRET = 'authorization-test-auth-secret-0123456789abcdef';
const CREDENTIALS_KEY = Buffer.alloc(32, 9).toString('base64');
const SHOP_A = '7494000000000000001';
const SHOP_B = '7494000000000000002';
const SHOP_C = '7494000000000000003';
const SCOPES = ['seller.order.info', 'seller.authorization.info', 'seller.return_refund.basic'];

let database: TestDatabase;
let auth: FakeTikTokAuth;
let fake: FakeTikTokShop;
let parts: ServiceParts;
let stopService: () => Promise<void>;
let url: string;
const logLines: string[] = [];
let adminToken: string;
const storeA = storeIdFor(SHOP_A);
const storeB = storeIdFor(SHOP_B);
const storeC = storeIdFor(SHOP_C);

const shop = (id: string, letter: string) => ({
  id,
  name: `Shop ${letter}`,
  region: 'US',
  cipher: `ROW_cipher_${letter}_${id.slice(-3)}`,
});

beforeAll(async () => {
  database = await createTestDatabase(6);
  auth = createFakeTikTokAuth(APP);
  // The fake's own global token is one the service is never given.
  fake = await startFakeTikTokShop({ ...APP, accessToken: 'TTP_not_configured', auth });
  const config = loadConfig({
    DATABASE_URL: database.url,
    AUTH_SECRET,
    CREDENTIALS_KEY,
    DATA_DIR: tempDataDir(),
    TIKTOK_APP_KEY: APP.appKey,
    TIKTOK_APP_SECRET: APP.appSecret,
    TIKTOK_API_BASE_URL: fake.baseUrl,
    TIKTOK_AUTH_API_BASE_URL: fake.baseUrl,
    TIKTOK_SERVICE_ID: '7001',
    TIKTOK_AUTHORIZE_URL: 'https://services.tiktokshop.test/open/authorize',
    RECONCILE_INTERVAL_S: '0',
  });
  const service = testServiceParts(database, config);
  parts = service.parts;
  stopService = service.stop;
  // Every line the service logs, at debug, to look for tokens in.
  parts.log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  installProjections(parts);
  installTikTokWebhooks(parts, {
    // Fast retries that do not give up within the test: a NOT_AUTHORIZED row stays pending.
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 10_000 },
    pollIntervalMs: 100,
    apiTimeoutMs: 2000,
  });
  // The test drives refreshes itself (and runs two refreshers of its own below).
  installTikTokAuthorization(parts, { startRefresher: false });
  await installGraphql(parts);
  registerMetricsRoute(parts.app, parts.registry);
  await parts.app.listen({ port: 0, host: '127.0.0.1' });
  parts.onStop(() => parts.app.close());
  const address = parts.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  adminToken = await signToken(AUTH_SECRET, { role: 'admin', sub: 'test-admin' }, '1h');

  const commands = {
    eventStore: parts.eventStore,
    now: () => new Date(),
    metadata: { correlationId: 'test', actor: 'test' },
  };
  for (const [tiktokShopId, name] of [
    [SHOP_A, 'Acme'],
    [SHOP_B, 'Beta'],
    [SHOP_C, 'Gamma'],
  ] as const) {
    await connectStore(commands, {
      name,
      tiktokShopId,
      platform: 'SHOPIFY',
      plan: 'PRO',
      shopDomain: `${name.toLowerCase()}.myshopify.com`,
    });
  }
});

afterAll(async () => {
  await stopService();
  await fake.close();
  await database.drop();
});

const vault = () => createCredentialVault(database.db, Buffer.from(CREDENTIALS_KEY, 'base64'));
const credentialOf = async (storeId: string) =>
  (await vault().get<TikTokShopCredential>(storeId, 'tiktok'))?.secret;

/** GET /auth/tiktok-shop?store=ID as a browser would: the redirect and its cookie. */
async function start(storeId: string): Promise<{ state: string; cookie: string; location: URL }> {
  const response = await fetch(`${url}/auth/tiktok-shop?store=${storeId}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  const setCookie = response.headers.get('set-cookie')!;
  return { state: location.searchParams.get('state')!, cookie: setCookie.split(';')[0]!, location };
}

const callback = (query: Record<string, string>, cookie?: string) =>
  fetch(`${url}/auth/tiktok-shop/callback?${new URLSearchParams(query).toString()}`, {
    headers: cookie === undefined ? {} : { cookie },
  });

async function authorize(storeId: string, grant: Parameters<FakeTikTokAuth['issueAuthCode']>[0]) {
  const { state, cookie } = await start(storeId);
  const response = await callback({ code: auth.issueAuthCode(grant), state }, cookie);
  return { status: response.status, text: await response.text() };
}

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, text: await response.text() };
}

const AUTHORIZATION_QUERY = `query ($id: ID!) { store(id: $id) { id tiktokAuthorization {
  state grantedScopes authorizedAt deauthorizedAt authorizeUrl } } }`;
async function authorizationOf(storeId: string) {
  await caughtUp(database.db, parts.eventStore);
  const { text } = await graphql(AUTHORIZATION_QUERY, { id: storeId });
  const body = JSON.parse(text) as {
    data: { store: { tiktokAuthorization: Record<string, unknown> & { state: string } } };
  };
  return { text, authorization: body.data.store.tiktokAuthorization };
}

let notification = 0;
async function postWebhook(body: Record<string, unknown>) {
  const raw = JSON.stringify({ tts_notification_id: `73271${++notification}`, ...body });
  const response = await fetch(`${url}/webhooks/tiktok-shop`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: signWebhook({ rawBody: raw, ...APP }),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const orderWebhook = (shopId: string, orderId: string) =>
  postWebhook({
    type: 1,
    shop_id: shopId,
    timestamp: Math.floor(Date.now() / 1000),
    data: { order_id: orderId, order_status: 'AWAITING_SHIPMENT', update_time: 1706000100 },
  });

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

async function logText(): Promise<string> {
  await delay(20); // pino writes asynchronously
  return logLines.join('');
}
const eventsText = async () =>
  (
    await sql<{
      text: string;
    }>`SELECT coalesce(string_agg(data::text || metadata::text, ' '), '') AS text FROM events`.execute(
      database.db,
    )
  ).rows[0]!.text;
const written = async () =>
  (
    await sql<{ events: number; credentials: number }>`
      SELECT (SELECT count(*) FROM events)::int AS events,
             (SELECT count(*) FROM store_credentials)::int AS credentials`.execute(database.db)
  ).rows[0]!;

function expectNoSecretIn(text: string, where: string) {
  for (const secret of [...auth.issuedSecrets(), APP.appSecret]) {
    expect({ where, leaks: text.includes(secret) }).toEqual({ where, leaks: false });
  }
  expect({ where, cipher: /ROW_cipher_/.test(text) }).toEqual({ where, cipher: false });
}

describe('a store authorizing the app', () => {
  it('is sent to TikTok Shop with the service id, a signed state and a nonce cookie', async () => {
    const { location } = await start(storeA);
    expect(`${location.origin}${location.pathname}`).toBe(
      'https://services.tiktokshop.test/open/authorize',
    );
    expect(location.searchParams.get('service_id')).toBe('7001');
    const response = await fetch(`${url}/auth/tiktok-shop?store=${storeA}`, { redirect: 'manual' });
    expect(response.headers.get('set-cookie')).toMatch(
      /^fbt_tiktok_auth_nonce=[\w-]+; Path=\/auth\/tiktok-shop; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    const unknown = await fetch(`${url}/auth/tiktok-shop?store=no-such-store`, {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(404);
  });

  it('comes back with a code: the tokens are sealed, the store shows AUTHORIZED, and no token is anywhere', async () => {
    const { status, text } = await authorize(storeA, {
      shops: [shop(SHOP_A, 'A')],
      grantedScopes: SCOPES,
    });
    expect({ status, text }).toEqual({
      status: 200,
      text: expect.stringContaining('TikTok Shop is connected'),
    });
    const exchange = auth.tokenRequests.at(-1)!;
    expect(exchange.path).toBe('/api/v2/token/get');
    expect(exchange.query).toMatchObject({ app_key: APP.appKey, grant_type: 'authorized_code' });

    const { authorization, text: answer } = await authorizationOf(storeA);
    expect(authorization).toEqual({
      state: 'AUTHORIZED',
      grantedScopes: [...SCOPES].sort(),
      authorizedAt: expect.any(String),
      deauthorizedAt: null,
      authorizeUrl: `/auth/tiktok-shop?store=${storeA}`,
    });
    const credential = await credentialOf(storeA);
    expect(credential).toMatchObject({
      tiktokShopId: SHOP_A,
      shopCipher: shop(SHOP_A, 'A').cipher,
    });
    expect(auth.issuedSecrets()).toContain(credential!.accessToken);

    expectNoSecretIn(answer, 'the GraphQL answer');
    expectNoSecretIn(await eventsText(), 'the event log');
    expectNoSecretIn(await logText(), 'the logs');
    const sealed = await sql<{ sealed: Buffer }>`SELECT sealed FROM store_credentials`.execute(
      database.db,
    );
    for (const row of sealed.rows)
      expectNoSecretIn(row.sealed.toString('latin1'), 'the sealed row');

    // Through the page twice: the same authorization appends nothing.
    const before = (await written()).events;
    expect(
      (await authorize(storeA, { shops: [shop(SHOP_A, 'A')], grantedScopes: SCOPES })).status,
    ).toBe(200);
    expect((await written()).events).toBe(before);
  });

  it("fetches a new order of the shop's webhook with ITS token and cipher", async () => {
    fake.addOrder(
      tikTokOrderJson({ id: '5770000000000000001', items: [{ salePrice: '10.00', quantity: 1 }] }),
    );
    expect((await orderWebhook(SHOP_A, '5770000000000000001')).status).toBe(200);
    await eventually('the order of shop A', () =>
      loadOrder(parts, storeA, '5770000000000000001').then((o) => o ?? undefined),
    );
    const detail = fake.requests.filter((r) => r.path === GET_ORDER_DETAIL_PATH);
    expect(detail.at(-1)).toMatchObject({
      answeredCode: 0,
      query: expect.objectContaining({
        ids: '5770000000000000001',
        shop_cipher: shop(SHOP_A, 'A').cipher,
      }),
      headers: expect.objectContaining({
        'x-tts-access-token': (await credentialOf(storeA))!.accessToken,
      }),
    });
  });

  it('two stores on two TikTok shops each use their own token and cipher', async () => {
    expect(
      (await authorize(storeB, { shops: [shop(SHOP_B, 'B')], grantedScopes: SCOPES })).status,
    ).toBe(200);
    fake.addOrder(
      tikTokOrderJson({ id: '5770000000000000002', items: [{ salePrice: '20.00', quantity: 2 }] }),
    );
    fake.addOrder(
      tikTokOrderJson({ id: '5770000000000000003', items: [{ salePrice: '30.00', quantity: 1 }] }),
    );
    await orderWebhook(SHOP_B, '5770000000000000002');
    await orderWebhook(SHOP_A, '5770000000000000003');
    await eventually('both orders', async () =>
      (await loadOrder(parts, storeB, '5770000000000000002')) !== null &&
      (await loadOrder(parts, storeA, '5770000000000000003')) !== null
        ? true
        : undefined,
    );
    const [a, b] = [await credentialOf(storeA), await credentialOf(storeB)];
    expect(a!.accessToken).not.toBe(b!.accessToken);
    const sentFor = (orderId: string) => fake.requests.find((r) => r.query.ids === orderId)!;
    expect(sentFor('5770000000000000002')).toMatchObject({
      answeredCode: 0,
      query: expect.objectContaining({ shop_cipher: shop(SHOP_B, 'B').cipher }),
      headers: expect.objectContaining({ 'x-tts-access-token': b!.accessToken }),
    });
    expect(sentFor('5770000000000000003')).toMatchObject({
      answeredCode: 0,
      query: expect.objectContaining({ shop_cipher: shop(SHOP_A, 'A').cipher }),
      headers: expect.objectContaining({ 'x-tts-access-token': a!.accessToken }),
    });
  });
});

describe('reconciling an authorized store', () => {
  it('lists the authorized stores only, and searches each with its own token and cipher', async () => {
    await caughtUp(database.db, parts.eventStore);
    // C has not authorized yet: only the global token, were it set, would cover it.
    const listed = async (withGlobalToken: boolean) =>
      (await connectedStoreIds(database.db, { withGlobalToken })).sort();
    expect(await listed(false)).toEqual([storeA, storeB].sort());
    expect(await listed(true)).toEqual([storeA, storeB, storeC].sort());
    const { clients } = tikTokShopAccessOf(parts);
    const result = await reconcileStore(
      {
        db: database.db,
        url: database.url,
        eventStore: parts.eventStore,
        client: clients!.forStore(storeB),
        log: parts.log,
      },
      // The store was connected a moment ago: search the hour before, as --since does.
      { storeId: storeB, since: new Date(Date.now() - 3_600_000) },
    );
    expect(result.outcome).toBe('completed');
    const searches = fake.requests.filter((r) => r.path === SEARCH_ORDERS_PATH);
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) {
      expect(search).toMatchObject({
        answeredCode: 0,
        query: expect.objectContaining({ shop_cipher: shop(SHOP_B, 'B').cipher }),
        headers: expect.objectContaining({
          'x-tts-access-token': (await credentialOf(storeB))!.accessToken,
        }),
      });
    }
  });
});

describe('refreshing tokens before they expire', () => {
  const processLike = () =>
    createTikTokShopAccess({
      config: parts.config,
      db: database.db,
      eventStore: parts.eventStore,
      log: parts.log,
    });

  it('rotates the refresh token; of two processes refreshing at once, one set of tokens is kept and works', async () => {
    // Ten minutes to live, written as a duration: within the 30-minute window at once.
    const grant = {
      shops: [shop(SHOP_C, 'C')],
      grantedScopes: SCOPES,
      accessTokenTtlS: 600,
      expiryForm: 'duration' as const,
    };
    expect((await authorize(storeC, grant)).status).toBe(200);
    const before = (await credentialOf(storeC))!;
    expect(Date.parse(before.accessTokenExpiresAt) - Date.now()).toBeLessThan(11 * 60_000);

    const [one, two] = [processLike(), processLike()];
    const outcomes = await Promise.all([
      one.keeper!.refreshIfDue(storeC),
      two.keeper!.refreshIfDue(storeC),
    ]);
    expect(outcomes.sort()).toEqual(['kept_theirs', 'refreshed']);
    // Only the process that claimed the refresh asked TikTok (the other would have been refused).
    const refreshes = auth.tokenRequests.filter((r) => r.path === '/api/v2/token/refresh');
    expect(refreshes.map((r) => r.query)).toEqual([
      {
        app_key: APP.appKey,
        app_secret: APP.appSecret,
        refresh_token: before.refreshToken,
        grant_type: 'refresh_token',
      },
    ]);
    expect(await credentialOf(storeC)).toBeDefined();
    const kept = (await credentialOf(storeC))!;
    expect(kept.refreshToken).not.toBe(before.refreshToken);
    expect(kept.shopCipher).toBe(before.shopCipher);

    // The kept refresh token is the one TikTok still takes: the next refresh works.
    expect(await one.keeper!.refreshIfDue(storeC)).toBe('refreshed');
    expect((await authorizationOf(storeC)).authorization.state).toBe('AUTHORIZED');
    expectNoSecretIn(await logText(), 'the logs');
  });

  it('runs in one process at a time, every round, under leader election', async () => {
    const [one, two] = [processLike(), processLike()];
    const refreshers = [one, two].map((access) =>
      createTikTokTokenRefresher({
        url: database.url,
        vault: access.vault,
        keeper: access.keeper!,
        log: parts.log,
        intervalMs: 100,
        leaderRetryMs: 50,
      }),
    );
    const version = async () => (await vault().get(storeC, 'tiktok'))!.version;
    const from = await version();
    for (const refresher of refreshers) refresher.start();
    try {
      await eventually('two refreshes by the loop', async () =>
        (await version()) >= from + 2 ? true : undefined,
      );
      expect(refreshers.filter((r) => r.isLeading)).toHaveLength(1);
    } finally {
      for (const refresher of refreshers) await refresher.stop();
    }
    expect(await credentialOf(storeC)).toBeDefined();
  });

  it('a refresh TikTok refuses leaves the store DEAUTHORIZED, with a warning naming it and nothing secret', async () => {
    auth.revokeAll();
    const access = processLike();
    expect(await access.keeper!.refreshIfDue(storeC)).toBe('refused');
    expect(await credentialOf(storeC)).toBeUndefined();
    const { authorization } = await authorizationOf(storeC);
    expect(authorization.state).toBe('DEAUTHORIZED');
    const log = await logText();
    expect(log).toMatch(new RegExp(`"storeId":"${storeC}".*must authorize the app again`));
    expectNoSecretIn(log, 'the logs');
    expectNoSecretIn(await eventsText(), 'the event log');
  });
});

describe('the seller revoking the app', () => {
  it('ignores a revocation TikTok sent before the store last authorized (a late redelivery)', async () => {
    const before = await written();
    const stale = await postWebhook({
      type: 6,
      shop_id: SHOP_B,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
      data: { message: `Shop_id ${SHOP_B} is deauthorized from your APP by merchant.` },
    });
    expect(stale).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(await written()).toEqual(before);
    expect(await credentialOf(storeB)).toBeDefined();
    expect((await authorizationOf(storeB)).authorization.state).toBe('AUTHORIZED');
  });

  it('removes the tokens, shows DEAUTHORIZED, records it once; later calls fail NOT_AUTHORIZED and are retried, not lost', async () => {
    const deauthorization = {
      type: 6,
      shop_id: SHOP_A,
      timestamp: Math.floor(Date.now() / 1000) + 1,
      data: { message: `Shop_id ${SHOP_A} is deauthorized from your APP by merchant.` },
    };
    expect(await postWebhook(deauthorization)).toEqual({
      status: 200,
      body: { status: 'deauthorized' },
    });
    expect(await credentialOf(storeA)).toBeUndefined();
    const { authorization } = await authorizationOf(storeA);
    expect(authorization).toMatchObject({
      state: 'DEAUTHORIZED',
      authorizedAt: null,
      deauthorizedAt: expect.any(String),
    });
    const count = async () =>
      (await parts.eventStore.readStream(`store-${storeA}`)).events.filter(
        (e) => e.type === 'TikTokShopDeauthorized',
      ).length;
    expect(await count()).toBe(1);
    // TikTok delivers again: nothing more.
    expect((await postWebhook(deauthorization)).status).toBe(200);
    expect(await count()).toBe(1);

    fake.addOrder(
      tikTokOrderJson({ id: '5770000000000000009', items: [{ salePrice: '9.00', quantity: 1 }] }),
    );
    const calls = fake.requests.length;
    expect((await orderWebhook(SHOP_A, '5770000000000000009')).status).toBe(200);
    const row = await eventually('a retried inbox row', async () => {
      const found = await database.db
        .selectFrom('tiktok_webhook_inbox')
        .selectAll()
        .where('tiktok_order_id', '=', '5770000000000000009')
        .executeTakeFirst();
      return found !== undefined && found.attempts >= 2 ? found : undefined;
    });
    expect(row.state).toBe('pending');
    expect(row.last_error).toContain('NOT_AUTHORIZED');
    expect(row.last_error).toContain(`/auth/tiktok-shop?store=${storeA}`);
    expect(fake.requests.length).toBe(calls); // nothing went out with someone else's token
    expect(await loadOrder(parts, storeA, '5770000000000000009')).toBeNull();
  });
});

describe('a callback that is not right', () => {
  it('answers 400 and writes nothing: bad, forged or expired state, missing cookie, or another shop', async () => {
    const before = await written();
    const code = () => auth.issueAuthCode({ shops: [shop(SHOP_B, 'B')], grantedScopes: SCOPES });
    const { state, cookie } = await start(storeB);
    const key = stateKey(AUTH_SECRET, 'tiktok-shop');
    const nonce = cookie.split('=')[1]!;
    const cases: Array<[string, Record<string, string>, string | undefined]> = [
      ['no state', { code: code() }, cookie],
      ['a malformed state', { code: code(), state: 'not-a-state' }, cookie],
      [
        'a forged state',
        {
          code: code(),
          state: signState(stateKey('another-secret-0123456789abcdefghijkl', 'tiktok-shop'), {
            storeId: storeB,
            target: 'tiktok-shop',
            nonce,
            expiresAt: Date.now() + 60_000,
          }),
        },
        cookie,
      ],
      [
        'an expired state',
        {
          code: code(),
          state: signState(key, {
            storeId: storeB,
            target: 'tiktok-shop',
            nonce,
            expiresAt: Date.now() - 1,
          }),
        },
        cookie,
      ],
      ['no cookie', { code: code(), state }, undefined],
      ['another browser', { code: code(), state }, 'fbt_tiktok_auth_nonce=someone-elses'],
      ['a used code', { code: 'ROW_code_never_issued', state }, cookie],
    ];
    for (const [what, query, withCookie] of cases) {
      const response = await callback(query, withCookie);
      expect({ what, status: response.status }).toEqual({ what, status: 400 });
    }
    const wrongShop = await callback(
      {
        code: auth.issueAuthCode({
          shops: [shop('7494000000000000099', 'X')],
          grantedScopes: SCOPES,
        }),
        state,
      },
      cookie,
    );
    expect({ status: wrongShop.status, text: await wrongShop.text() }).toEqual({
      status: 400,
      text: expect.stringContaining(`This TikTok account did not authorize shop ${SHOP_B}`),
    });
    expect(await written()).toEqual(before);
    expect((await loadStore(parts, storeB))!.tiktokAuthorization?.state).toBe('AUTHORIZED');
    expectNoSecretIn(await logText(), 'the logs');
  });

  it('counts refreshes and authorizations on /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/fbt_sync_tiktok_authorizations_total\{outcome="authorized"\} [1-9]/);
    expect(text).toMatch(/fbt_sync_tiktok_authorizations_total\{outcome="refused"\} [1-9]/);
    expect(text).toMatch(/fbt_sync_tiktok_authorizations_total\{outcome="deauthorized"\} 1/);
    expect(text).toMatch(/fbt_sync_tiktok_token_refreshes_total\{outcome="refreshed"\} \d/);
  });
});
