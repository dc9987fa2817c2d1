import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { OrderSynced } from '../../src/domain/orderEvents';
import { startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  connectTestStore,
  orderEvents,
  orderOf,
  placeOrder,
  type Process,
  startProcess,
  until,
  untilSynced,
} from './syncHarness';

// `serve` runs the compiled dist/ (npm test builds it first).
let database: TestDatabase;
let fake: FakeShopify;
let tester: Process;
beforeAll(async () => {
  database = await createTestDatabase(1);
  fake = await startFakeShopify();
  // Orders are recorded here, as the webhook would; its NOTIFY wakes the serve process.
  tester = startProcess(database.url);
});
afterAll(async () => {
  await tester.close();
  await fake.close();
  await database.drop();
  expect(fake.validationFailures).toEqual([]);
});

it('serve SIGKILLed while Shopify holds an orderCreate it has applied: after a restart, one platform order and the order SYNCED', async () => {
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: tempDataDir(),
    PLATFORM: 'shopify',
    SHOPIFY_ADMIN_API_URL: fake.url,
    SHOPIFY_ACCESS_TOKEN: fake.accessToken,
  };
  const store = await connectTestStore(tester.context, { orderTag: 'FBT' });
  fake.addVariant(store.shopDomain, 'MUG-RED');
  fake.addVariant(store.shopDomain, 'CAP-BLUE');
  const mutations = () =>
    fake.requests.filter((r) => r.operationType === 'mutation' && r.shop === store.shopDomain);

  const first = await startServe(env);
  fake.inject({ kind: 'applyThenHang' }, { only: 'mutation' });
  const { orderId, tiktokOrderId } = await placeOrder(tester.context, store);
  await until(
    () => mutations().some((r) => r.outcome === 'applied-then-hung'),
    'Shopify to hold the orderCreate it applied',
  );
  // Between the platform call and the append: the worst moment to die.
  await first.stop('SIGKILL');
  expect(await orderOf(tester.eventStore, orderId)).toMatchObject({
    syncStatus: 'PENDING',
    attemptInFlight: 1,
  });
  expect(fake.ordersOf(store.shopDomain)).toHaveLength(1);

  const second = await startServe(env);
  try {
    await untilSynced(tester.eventStore, orderId);
  } finally {
    expect(await second.stop('SIGTERM')).toBe(0);
  }
  expect(fake.ordersOf(store.shopDomain).map((o) => [o.sourceIdentifier, o.tags])).toEqual([
    [tiktokOrderId, ['FBT']],
  ]);
  expect(mutations()).toHaveLength(1);
  const synced = (await orderEvents(tester.eventStore, orderId)).find(
    (e) => e.type === 'OrderSynced',
  )!.data as OrderSynced['data'];
  expect(synced).toMatchObject({
    attempt: 2,
    alreadyOnPlatform: true,
    platformOrderId: fake.ordersOf(store.shopDomain)[0]!.id,
  });
}, 120_000);
