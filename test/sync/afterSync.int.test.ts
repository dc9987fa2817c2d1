import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandContext } from '../../src/commands/commandContext';
import {
  recordTikTokCancellation,
  recordTikTokOrderStatus,
  recordTikTokReturn,
} from '../../src/commands/orderCommands';
import { updateOrderSettings } from '../../src/commands/storeCommands';
import type { LineUnits, ReturnStatus } from '../../src/domain/afterSyncVocabulary';
import type { OrderEvent } from '../../src/domain/orderEvents';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import type { MirrorReactor } from '../../src/sync/startMirrorReactor';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  countingPort,
  type LifeOf,
  sandboxLife,
  shopifyLife,
  startMirroring,
  untilMirrored,
} from './mirrorHarness';
import {
  connectTestStore,
  orderEvents,
  placeOrder,
  type PlatformUnderTest,
  type Process,
  sandboxUnderTest,
  shopifyUnderTest,
  startProcess,
  type TestStore,
  untilSynced,
} from './syncHarness';

type Under = (process: Process, fake: FakeShopify) => { platform: PlatformUnderTest; life: LifeOf };

const platforms: Array<[string, Under]> = [
  [
    'the sandbox',
    (process) => ({ platform: sandboxUnderTest(process), life: sandboxLife(process) }),
  ],
  [
    'the fake Shopify',
    (_process, fake) => ({ platform: shopifyUnderTest(fake), life: shopifyLife(fake) }),
  ],
];

/** The types of the order's events from the first after-sync one on. */
async function afterSyncTypes(process: Process, orderId: string): Promise<string[]> {
  const types = (await orderEvents(process.eventStore, orderId)).map((e) => e.type);
  return types.slice(types.indexOf('InventoryDeducted') + 1);
}

type DataOf<T extends OrderEvent['type']> = Extract<OrderEvent, { type: T }>['data'];

async function eventsOf<T extends OrderEvent['type']>(
  process: Process,
  orderId: string,
  type: T,
): Promise<Array<DataOf<T>>> {
  const events = await orderEvents(process.eventStore, orderId);
  return events.filter((e) => e.type === type).map((e) => e.data as DataOf<T>);
}

describe.each(platforms)('every row of "After sync", on %s', (_name, underTest) => {
  let database: TestDatabase;
  let process: Process;
  let fake: FakeShopify;
  let platform: PlatformUnderTest;
  let life: LifeOf;
  let context: CommandContext;
  let mirror: MirrorReactor;
  let calls: ReturnType<typeof countingPort>['calls'];
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    fake = await startFakeShopify();
    ({ platform, life } = underTest(process, fake));
    context = process.context;
    process.startReactor(platform.platform);
    const counting = countingPort(platform.platform);
    calls = counting.calls;
    mirror = startMirroring(process, counting.port, database.url);
  });
  afterAll(async () => {
    await mirror.stop();
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

  const cancel = (
    store: TestStore,
    tiktokOrderId: string,
    lines: LineUnits[] | null = null,
    cancellationId: string | null = null,
  ) =>
    recordTikTokCancellation(context, {
      storeId: store.storeId,
      tiktokOrderId,
      cancellationId,
      lines,
      reason: 'Buyer changed their mind',
      initiator: 'BUYER',
      cancelledAt: new Date().toISOString(),
    });

  const completeReturn = (
    store: TestStore,
    tiktokOrderId: string,
    returnId: string,
    {
      status = 'COMPLETED',
      lines = [{ line: 0, quantity: 1 }],
      amount = '12.50',
    }: { status?: ReturnStatus; lines?: LineUnits[]; amount?: string } = {},
  ) =>
    recordTikTokReturn(context, {
      storeId: store.storeId,
      tiktokOrderId,
      returnId,
      status,
      returnType: 'RETURN_AND_REFUND',
      lines,
      amount,
      currency: 'USD',
      changedAt: new Date().toISOString(),
    });

  async function syncedOrder(
    rules: Parameters<typeof connectTestStore>[1] & { restockReturns?: boolean; onHold?: boolean },
    placed: Parameters<typeof placeOrder>[2] = {},
  ) {
    const store = await connectTestStore(context, rules);
    if (rules?.restockReturns === true || rules?.onHold === true) {
      await updateOrderSettings(context, {
        storeId: store.storeId,
        onHoldOrders: rules.onHold === true ? 'SYNC_ON_HOLD' : 'WAIT_FOR_RELEASE',
        restockReturns: rules.restockReturns ?? false,
      });
    }
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const order = await placeOrder(context, store, placed);
    return { store, ...order };
  }

  const stock = async (store: TestStore) => [
    await platform.stockOf(store, 'MUG-RED'),
    await platform.stockOf(store, 'CAP-BLUE'),
  ];

  it('seller-fulfilled, CANCELLED: cancelled once, restocked at the platform; a second delivery changes nothing', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      {},
      { fulfillmentType: 'FULFILLED_BY_SELLER' },
    );
    await untilSynced(process.eventStore, orderId);
    expect(await stock(store)).toEqual([8, 9]);

    const cancelsBefore = calls.cancelOrder;
    await cancel(store, tiktokOrderId);
    const again = await cancel(store, tiktokOrderId);
    expect(again.appended).toEqual([]);
    await untilMirrored(process, orderId);
    expect(calls.cancelOrder - cancelsBefore).toBe(1);

    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      restockedOnCancel: true,
      cancelReason: 'CUSTOMER',
      refunds: [],
      moneyRefunded: '0.00',
    });
    expect(await stock(store)).toEqual([10, 10]);
    expect(await afterSyncTypes(process, orderId)).toEqual([
      'OrderStatusChanged',
      'OrderCancelledAfterSync',
      'PlatformCancellationRequested',
      'PlatformMirroringStarted',
      'PlatformMirrored',
      'InventoryRestocked',
    ]);
    expect(await eventsOf(process, orderId, 'PlatformMirrored')).toMatchObject([
      { key: 'cancel-order', attempt: 1, alreadyOnPlatform: false },
    ]);
    expect(await eventsOf(process, orderId, 'InventoryRestocked')).toMatchObject([
      {
        location: 'ECOMMERCE_PLATFORM',
        lines: [
          { sku: 'MUG-RED', quantity: 2 },
          { sku: 'CAP-BLUE', quantity: 1 },
        ],
      },
    ]);
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY, CANCELLED: cancelled once, restocked', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder({
      mode: 'SYNC_AND_DEDUCT_INVENTORY',
    });
    await untilSynced(process.eventStore, orderId);
    expect(await stock(store)).toEqual([8, 9]);
    await cancel(store, tiktokOrderId);
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      restockedOnCancel: true,
    });
    expect(await stock(store)).toEqual([10, 10]);
    expect(await eventsOf(process, orderId, 'InventoryRestocked')).toHaveLength(1);
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION, CANCELLED: cancelled once, NOT restocked', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder({
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
    });
    await moveTo(store, tiktokOrderId, 'AWAITING_COLLECTION');
    await untilSynced(process.eventStore, orderId);
    expect(await stock(store)).toEqual([10, 10]);
    await cancel(store, tiktokOrderId);
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      restockedOnCancel: false,
    });
    expect(await stock(store)).toEqual([10, 10]);
    expect(await eventsOf(process, orderId, 'PlatformCancellationRequested')).toMatchObject([
      { scope: 'ORDER', restock: false },
    ]);
    expect(await eventsOf(process, orderId, 'InventoryRestocked')).toEqual([]);
  });

  it('some lines cancelled where the platform was deducted: refunded with restock CANCEL, once per cancellation id', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      {},
      { fulfillmentType: 'FULFILLED_BY_SELLER' },
    );
    await untilSynced(process.eventStore, orderId);
    await cancel(store, tiktokOrderId, [{ line: 0, quantity: 1 }], 'C-1');
    expect(
      (await cancel(store, tiktokOrderId, [{ line: 0, quantity: 1 }], 'C-1')).appended,
    ).toEqual([]);
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: false,
      refunds: [
        {
          key: 'cancel-lines:C-1',
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: true }],
          amount: '12.50',
        },
      ],
    });
    expect(await stock(store)).toEqual([9, 9]);
    expect(await eventsOf(process, orderId, 'PlatformCancellationRequested')).toMatchObject([
      { scope: 'LINES', lines: [{ line: 0, quantity: 1, restockType: 'CANCEL' }] },
    ]);
  });

  it('some lines cancelled where the platform was not deducted: refunded NO_RESTOCK', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder({
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
    });
    await moveTo(store, tiktokOrderId, 'AWAITING_COLLECTION');
    await untilSynced(process.eventStore, orderId);
    await cancel(store, tiktokOrderId, [{ line: 1, quantity: 1 }], 'C-2');
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: false,
      refunds: [
        {
          key: 'cancel-lines:C-2',
          lines: [{ sku: 'CAP-BLUE', quantity: 1, restocked: false }],
          amount: '9.90',
        },
      ],
    });
    expect(await stock(store)).toEqual([10, 10]);
    expect(await eventsOf(process, orderId, 'PlatformCancellationRequested')).toMatchObject([
      { scope: 'LINES', lines: [{ line: 1, quantity: 1, restockType: 'NO_RESTOCK' }] },
    ]);
  });

  it('a return completed, seller-fulfilled, restockReturns on: refunded once and restocked', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      { restockReturns: true },
      { fulfillmentType: 'FULFILLED_BY_SELLER' },
    );
    await untilSynced(process.eventStore, orderId);
    const refundsBefore = calls.refundLines;
    await completeReturn(store, tiktokOrderId, 'R-1');
    expect((await completeReturn(store, tiktokOrderId, 'R-1')).appended).toEqual([]);
    await untilMirrored(process, orderId);
    expect(calls.refundLines - refundsBefore).toBe(1);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      refunds: [
        {
          key: 'refund:R-1',
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: true }],
          amount: '12.50',
        },
      ],
    });
    expect(await stock(store)).toEqual([9, 9]);
    expect(await eventsOf(process, orderId, 'InventoryRestocked')).toMatchObject([
      { key: 'refund:R-1', lines: [{ sku: 'MUG-RED', quantity: 1 }] },
    ]);
  });

  it('a return completed, FBT: refunded, never restocked (it went back to TikTok)', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder({
      mode: 'SYNC_AND_DEDUCT_INVENTORY',
      restockReturns: true,
    });
    await untilSynced(process.eventStore, orderId);
    await completeReturn(store, tiktokOrderId, 'R-2', { amount: '10.00' });
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      refunds: [
        {
          key: 'refund:R-2',
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: false }],
          amount: '10.00',
        },
      ],
    });
    expect(await stock(store)).toEqual([8, 9]);
    expect(await eventsOf(process, orderId, 'InventoryRestocked')).toEqual([]);
  });

  it('a return rejected or withdrawn: nothing, on the order or the platform', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      { restockReturns: true },
      { fulfillmentType: 'FULFILLED_BY_SELLER' },
    );
    await untilSynced(process.eventStore, orderId);
    const before = await orderEvents(process.eventStore, orderId);
    for (const status of ['REQUESTED', 'REJECTED', 'WITHDRAWN'] as const) {
      expect(
        (await completeReturn(store, tiktokOrderId, `R-${status}`, { status })).appended,
      ).toEqual([]);
    }
    expect(await orderEvents(process.eventStore, orderId)).toHaveLength(before.length);
    expect(await life(store, tiktokOrderId)).toMatchObject({ cancelled: false, refunds: [] });
    expect(await stock(store)).toEqual([8, 9]);
  });

  it('ON_HOLD under SYNC_ON_HOLD: held at creation; released and marked paid once TikTok releases it', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      { onHold: true },
      { fulfillmentType: 'FULFILLED_BY_SELLER', status: 'ON_HOLD' },
    );
    await untilSynced(process.eventStore, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({ held: true, paid: false });
    expect(await stock(store)).toEqual([8, 9]);

    await moveTo(store, tiktokOrderId, 'AWAITING_SHIPMENT');
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      held: false,
      paid: true,
      cancelled: false,
    });
    expect(await eventsOf(process, orderId, 'PlatformMirrored')).toMatchObject([
      { key: 'release-hold', alreadyOnPlatform: false },
    ]);
  });

  it('ON_HOLD under SYNC_ON_HOLD, cancelled inside the window: cancelled and restocked, never marked paid', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder(
      { onHold: true },
      { fulfillmentType: 'FULFILLED_BY_SELLER', status: 'ON_HOLD' },
    );
    await untilSynced(process.eventStore, orderId);
    await cancel(store, tiktokOrderId);
    await untilMirrored(process, orderId);
    expect(await life(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      restockedOnCancel: true,
      paid: false,
    });
    expect(await stock(store)).toEqual([10, 10]);
    expect(await eventsOf(process, orderId, 'PlatformHoldReleaseRequested')).toEqual([]);
  });
});
