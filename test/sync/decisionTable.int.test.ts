import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandContext } from '../../src/commands/commandContext';
import { recordTikTokOrderStatus } from '../../src/commands/orderCommands';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  connectTestStore,
  orderEvents,
  orderOf,
  placeOrder,
  type PlatformUnderTest,
  type Process,
  sandboxUnderTest,
  shopifyUnderTest,
  startProcess,
  type TestStore,
  untilQueueHasRead,
  untilSynced,
} from './syncHarness';

const platforms: Array<[string, (process: Process, fake: FakeShopify) => PlatformUnderTest]> = [
  ['the sandbox', (process) => sandboxUnderTest(process)],
  ['the fake Shopify', (_process, fake) => shopifyUnderTest(fake)],
];

describe.each(platforms)('every row of the decision table, on %s', (_name, underTest) => {
  let database: TestDatabase;
  let process: Process;
  let fake: FakeShopify;
  let platform: PlatformUnderTest;
  let context: CommandContext;
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    fake = await startFakeShopify();
    platform = underTest(process, fake);
    context = process.context;
    process.startReactor(platform.platform);
  });
  afterAll(async () => {
    await process.close();
    await fake.close();
    await database.drop();
    expect(fake.validationFailures).toEqual([]);
  });

  const moveTo = (store: TestStore, tiktokOrderId: string, status: TikTokOrderStatus) =>
    recordTikTokOrderStatus(context, {
      storeId: store.storeId,
      tiktokOrderId,
      status,
      changedAt: new Date().toISOString(),
    });

  /** The queue has read all of the order's events and holds no row: it can never reach the platform. */
  async function expectNothingOnThePlatform(store: TestStore, orderId: string) {
    expect(await untilQueueHasRead(process, orderId)).toEqual({ queued: false });
    expect(await platform.ordersOf(store)).toEqual([]);
  }

  async function storeWithStock(rules: Parameters<typeof connectTestStore>[1]) {
    const store = await connectTestStore(context, rules);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    return store;
  }

  it('seller-fulfilled: waits while unpaid, then AWAITING_SHIPMENT with platform inventory deducted and no FBT tag', async () => {
    const store = await storeWithStock({ orderTag: 'TikTok FBT' });
    const { orderId, tiktokOrderId } = await placeOrder(context, store, {
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'UNPAID',
    });
    await expectNothingOnThePlatform(store, orderId);
    await moveTo(store, tiktokOrderId, 'ON_HOLD');
    await expectNothingOnThePlatform(store, orderId);
    expect((await orderOf(process.eventStore, orderId)).syncStatus).toBe('PENDING');

    await moveTo(store, tiktokOrderId, 'AWAITING_SHIPMENT');
    const order = await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toEqual([
      {
        sourceIdentifier: tiktokOrderId,
        status: 'AWAITING_SHIPMENT',
        tags: [],
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      },
    ]);
    expect(order).toMatchObject({
      platformOrderStatus: 'AWAITING_SHIPMENT',
      tags: [],
      inventoryDeductedFrom: 'ECOMMERCE_PLATFORM',
      syncAttempts: 1,
    });
    expect(await platform.stockOf(store, 'MUG-RED')).toBe(8);
    expect(await platform.stockOf(store, 'CAP-BLUE')).toBe(9);
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY: waits while unpaid, then AWAITING_SHIPMENT, platform inventory deducted, tagged', async () => {
    const store = await storeWithStock({
      mode: 'SYNC_AND_DEDUCT_INVENTORY',
      orderTag: 'TikTok FBT',
    });
    const { orderId, tiktokOrderId } = await placeOrder(context, store, { status: 'ON_HOLD' });
    await expectNothingOnThePlatform(store, orderId);

    await moveTo(store, tiktokOrderId, 'AWAITING_SHIPMENT');
    const order = await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toEqual([
      {
        sourceIdentifier: tiktokOrderId,
        status: 'AWAITING_SHIPMENT',
        tags: ['TikTok FBT'],
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      },
    ]);
    expect(order).toMatchObject({
      tags: ['TikTok FBT'],
      inventoryDeductedFrom: 'ECOMMERCE_PLATFORM',
    });
    expect(await platform.stockOf(store, 'MUG-RED')).toBe(8);
  });

  it('FBT under the default rules of a plan without FBT rules: AWAITING_SHIPMENT, deducted, no tag', async () => {
    const store = await storeWithStock({ plan: 'FREE' });
    const { orderId, tiktokOrderId } = await placeOrder(context, store);
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toEqual([
      {
        sourceIdentifier: tiktokOrderId,
        status: 'AWAITING_SHIPMENT',
        tags: [],
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      },
    ]);
    expect(await platform.stockOf(store, 'CAP-BLUE')).toBe(9);
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION: nothing on the platform while BLOCKED, then FULFILLED with BYPASS and the tag; later changes add nothing', async () => {
    const store = await storeWithStock({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    const { orderId, tiktokOrderId } = await placeOrder(context, store);
    expect((await orderOf(process.eventStore, orderId)).syncStatus).toBe('BLOCKED');
    await expectNothingOnThePlatform(store, orderId);
    await moveTo(store, tiktokOrderId, 'PARTIALLY_SHIPPING');
    await expectNothingOnThePlatform(store, orderId);

    await moveTo(store, tiktokOrderId, 'AWAITING_COLLECTION');
    const order = await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toEqual([
      {
        sourceIdentifier: tiktokOrderId,
        status: 'FULFILLED',
        tags: ['FBT'],
        inventoryBehaviour: 'BYPASS',
      },
    ]);
    expect(order).toMatchObject({
      platformOrderStatus: 'FULFILLED',
      tags: ['FBT'],
      inventoryDeductedFrom: 'TIKTOK_SHOP',
    });
    // Platform inventory untouched; the TikTok Shop deduction is the event's.
    expect(await platform.stockOf(store, 'MUG-RED')).toBe(10);
    const deducted = (await orderEvents(process.eventStore, orderId)).filter(
      (e) => e.type === 'InventoryDeducted',
    );
    expect(deducted.map((e) => e.data)).toEqual([
      expect.objectContaining({
        location: 'TIKTOK_SHOP',
        items: [
          { sku: 'MUG-RED', quantity: 2 },
          { sku: 'CAP-BLUE', quantity: 1 },
        ],
      }),
    ]);

    await moveTo(store, tiktokOrderId, 'IN_TRANSIT');
    await moveTo(store, tiktokOrderId, 'DELIVERED');
    expect(await untilQueueHasRead(process, orderId)).toEqual({ queued: false });
    expect(await platform.ordersOf(store)).toHaveLength(1);
    expect(await orderOf(process.eventStore, orderId)).toMatchObject({
      syncStatus: 'SYNCED',
      tiktokStatus: 'DELIVERED',
      syncAttempts: 1,
    });
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION first seen in transit: synced at once, never BLOCKED', async () => {
    const store = await storeWithStock({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    const { orderId } = await placeOrder(context, store, { status: 'IN_TRANSIT' });
    await untilSynced(process.eventStore, orderId);
    expect((await platform.ordersOf(store)).map((o) => o.status)).toEqual(['FULFILLED']);
    const types = (await orderEvents(process.eventStore, orderId)).map((e) => e.type);
    expect(types).not.toContain('OrderBlocked');
  });

  it('CANCELLED before sync: never on the platform, nothing deducted', async () => {
    const store = await storeWithStock({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    const blocked = await placeOrder(context, store);
    const unpaid = await placeOrder(context, store, {
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'UNPAID',
    });
    await moveTo(store, blocked.tiktokOrderId, 'CANCELLED');
    await moveTo(store, unpaid.tiktokOrderId, 'CANCELLED');
    for (const { orderId } of [blocked, unpaid]) {
      await expectNothingOnThePlatform(store, orderId);
      expect(await orderOf(process.eventStore, orderId)).toMatchObject({
        syncStatus: 'CANCELLED',
        inventoryDeductedFrom: null,
        syncAttempts: 0,
      });
    }
    // Even a status TikTok Shop sends after the cancellation changes nothing.
    await moveTo(store, blocked.tiktokOrderId, 'AWAITING_COLLECTION');
    await expectNothingOnThePlatform(store, blocked.orderId);
    expect(await platform.stockOf(store, 'MUG-RED')).toBe(10);
  });
});
