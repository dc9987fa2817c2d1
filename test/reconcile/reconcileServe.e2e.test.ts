import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { startServe, tempDataDir, type ServeProcess } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeTikTokShop, startFakeTikTokShop } from '../support/fakeTikTokShop';
import {
  connectStoreTwoDaysAgo,
  putScenarioOrder,
  scenarioOrders,
} from '../support/reconcileScenario';
import { credentials, eventually, orderEvents } from '../webhooks/webhookTestService';

// Runs the compiled service (dist/): `npx tsc -p tsconfig.build.json` first, as `npm test` does.
const shopId = '7494000000000000088';
let database: TestDatabase;
let fake: FakeTikTokShop;
let serve: ServeProcess;
const parts = () => ({ eventStore: createDomainEventStore(database.db) });
const orders = scenarioOrders('579200', 8);

beforeAll(async () => {
  database = await createTestDatabase(2);
  fake = await startFakeTikTokShop(credentials);
  await connectStoreTwoDaysAgo(parts().eventStore, shopId);
  for (const order of orders) putScenarioOrder(fake, order, true);
  serve = await startServe({
    DATABASE_URL: database.url,
    DATA_DIR: tempDataDir(),
    TIKTOK_APP_KEY: credentials.appKey,
    TIKTOK_APP_SECRET: credentials.appSecret,
    TIKTOK_API_BASE_URL: fake.baseUrl,
    TIKTOK_ACCESS_TOKEN: credentials.accessToken,
    RECONCILE_INTERVAL_S: '1',
  });
});
afterAll(async () => {
  const code = await serve?.stop('SIGTERM');
  await fake.close();
  await database.drop();
  expect(code).toBe(0);
});

it('serve reconciles every connected store on its schedule: orders whose webhooks never came are recorded', async () => {
  for (const order of orders) {
    await eventually(async () => {
      const events = await orderEvents(parts(), shopId, order.tiktokOrderId);
      return events.length > 0 ? events : undefined;
    }, `serve's reconcile to record order ${order.tiktokOrderId}`);
  }
  const placed = await orderEvents(parts(), shopId, orders[0]!.tiktokOrderId);
  expect(placed[0]).toMatchObject({
    type: 'OrderPlaced',
    metadata: { actor: 'tiktok-shop-reconcile' },
  });
  expect(fake.requests.some((r) => r.path === '/order/202309/orders/search')).toBe(true);

  const metrics = await eventually(async () => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    return /^fbt_sync_reconcile_runs_total\{outcome="completed"\} [1-9]/m.test(text)
      ? text
      : undefined;
  }, 'a completed run on /metrics');
  expect(metrics).toMatch(/^fbt_sync_reconcile_orders_missing_total 8$/m);
  expect(metrics).toMatch(/^fbt_sync_reconcile_orders_found_total \d+$/m);
  expect(metrics).toMatch(/^fbt_sync_reconcile_watermark_lag_seconds\{store_id="[0-9a-f-]+"\} \d/m);
});
