import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  connectTestStore,
  orderOf,
  placeOrder,
  type Process,
  shopifyUnderTest,
  startProcess,
  type TestStore,
  until,
} from './syncHarness';

let database: TestDatabase;
let fake: FakeShopify;
let processes: Process[];
beforeAll(async () => {
  database = await createTestDatabase(1);
  fake = await startFakeShopify();
  processes = [startProcess(database.url), startProcess(database.url)];
});
afterAll(async () => {
  for (const process of processes) await process.close();
  await fake.close();
  await database.drop();
  expect(fake.validationFailures).toEqual([]);
});

it('two serve processes on one database give each order exactly one platform order, also across a takeover', async () => {
  // Each process has its own Shopify client, as separate processes would.
  const reactors = processes.map((process) =>
    process.startReactor(shopifyUnderTest(fake).platform),
  );
  const { context, eventStore } = processes[0]!;
  const stores: TestStore[] = [];
  for (let i = 0; i < 3; i++) {
    const store = await connectTestStore(context, { orderTag: 'FBT' });
    for (const sku of ['MUG-RED', 'CAP-BLUE']) {
      fake.addVariant(store.shopDomain, sku, { inventoryQuantity: 1000 });
    }
    stores.push(store);
  }
  const placed: Array<{ orderId: string; tiktokOrderId: string }> = [];
  const place = async (count: number) => {
    for (let i = 0; i < count; i++) placed.push(await placeOrder(context, stores[i % 3]!));
  };
  const allSynced = async () => {
    for (const { orderId } of placed) {
      if ((await orderOf(eventStore, orderId)).syncStatus !== 'SYNCED') return false;
    }
    return true;
  };

  await place(15);
  await until(allSynced, 'the first orders to sync');
  // The leader goes while orders keep coming; those placed after it went are the standby's.
  await place(5);
  const leader = reactors.findIndex((reactor) => reactor.isLeader);
  expect(leader).toBeGreaterThanOrEqual(0);
  await reactors[leader]!.stop();
  await place(10);
  await until(allSynced, 'every order to sync');
  const standby = 1 - leader;
  expect(reactors[standby]!.isLeader).toBe(true);
  const syncedBy = processes.map(
    (process) => process.logLines.filter((line) => line.msg === 'order synced').length,
  );
  expect(syncedBy[leader]).toBeGreaterThanOrEqual(15);
  expect(syncedBy[standby]).toBeGreaterThanOrEqual(10);
  expect(syncedBy[0]! + syncedBy[1]!).toBe(placed.length);

  for (const { tiktokOrderId } of placed) {
    expect(fake.orders.filter((o) => o.sourceIdentifier === tiktokOrderId)).toHaveLength(1);
  }
  expect(fake.orders).toHaveLength(placed.length);
});
