import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { signWebhook } from '../../src/adapters/tiktok/verifyWebhookSignature';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { startServe, tempDataDir, type ServeProcess } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
} from '../support/fakeTikTokShop';
import {
  connectTestStore,
  credentials,
  eventually,
  orderEvents,
  statusWebhook,
  writtenRows,
} from './webhookTestService';

// Runs the compiled service (dist/): `npx tsc -p tsconfig.build.json` first, as `npm test` does.
const shopId = '7494000000000000003';
let database: TestDatabase;
let fake: FakeTikTokShop;
let serve: ServeProcess;
const parts = () => ({ eventStore: createDomainEventStore(database.db) });

beforeAll(async () => {
  database = await createTestDatabase(2);
  fake = await startFakeTikTokShop(credentials);
  // The store is connected on the same database, as the GraphQL API would.
  await connectTestStore(parts(), shopId);
  serve = await startServe({
    DATABASE_URL: database.url,
    DATA_DIR: tempDataDir(),
    TIKTOK_APP_KEY: credentials.appKey,
    TIKTOK_APP_SECRET: credentials.appSecret,
    TIKTOK_API_BASE_URL: fake.baseUrl,
    TIKTOK_ACCESS_TOKEN: credentials.accessToken,
  });
});
afterAll(async () => {
  const code = await serve?.stop('SIGTERM');
  await fake.close();
  await database.drop();
  expect(code).toBe(0);
});

const post = (body: string, authorization: string) =>
  fetch(`${serve.url}/webhooks/tiktok-shop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  });

it('serve refuses a forged webhook and writes nothing', async () => {
  const body = statusWebhook({
    notificationId: '7327000000000700001',
    shopId,
    orderId: '576400000000000001',
    status: 'AWAITING_SHIPMENT',
  });
  const before = await writtenRows(database);
  const response = await post(
    body,
    signWebhook({ rawBody: body, appKey: credentials.appKey, appSecret: 'forged' }),
  );
  expect(response.status).toBe(401);
  expect(await writtenRows(database)).toEqual(before);
});

it('serve answers a signed webhook for a new order, then fetches it from TikTok Shop and records it as FBT', async () => {
  fake.addOrder(
    tikTokOrderJson({
      id: '576400000000000002',
      status: 'AWAITING_SHIPMENT',
      fulfillmentType: 'FULFILLMENT_BY_TIKTOK',
      items: [{ sellerSku: 'SOCK', salePrice: '4.99', quantity: 3 }],
    }),
  );
  const body = statusWebhook({
    notificationId: '7327000000000700002',
    shopId,
    orderId: '576400000000000002',
    status: 'AWAITING_SHIPMENT',
  });
  const response = await post(body, signWebhook({ rawBody: body, ...credentials }));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'accepted' });

  const events = await eventually(async () => {
    const found = await orderEvents(parts(), shopId, '576400000000000002');
    return found.length > 0 ? found : undefined;
  }, 'the serve worker to record the order');
  expect(events[0]).toMatchObject({
    type: 'OrderPlaced',
    data: {
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      lineItems: [{ sku: 'SOCK', quantity: 3, unitPrice: '4.99' }],
    },
    metadata: { correlationId: '7327000000000700002', actor: 'tiktok-shop-webhook' },
  });

  const again = await post(body, signWebhook({ rawBody: body, ...credentials }));
  expect(await again.json()).toEqual({ status: 'duplicate' });
  const metrics = await (await fetch(`${serve.url}/metrics`)).text();
  expect(metrics).toMatch(/^fbt_sync_tiktok_webhooks_received_total\{outcome="accepted"\} 1$/m);
  expect(metrics).toMatch(/^fbt_sync_tiktok_webhooks_received_total\{outcome="unauthorized"\} 1$/m);
  expect(metrics).toMatch(/^fbt_sync_tiktok_webhooks_received_total\{outcome="duplicate"\} 1$/m);
});
