import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  recordTikTokCancellation,
  recordTikTokOrderStatus,
  startPlatformMirroring,
} from '../../src/commands/orderCommands';
import { updateOrderSettings } from '../../src/commands/storeCommands';
import type { MirrorReactor } from '../../src/sync/startMirrorReactor';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  countingPort,
  sandboxLife,
  startMirroring,
  untilMirrored,
  untilMirrorQueueHasRead,
} from './mirrorHarness';
import {
  connectTestStore,
  orderOf,
  placeOrder,
  type PlatformUnderTest,
  type Process,
  sandboxUnderTest,
  startProcess,
  type TestStore,
  untilSynced,
} from './syncHarness';

// The mirroring reactor is started by each test, once the order's facts are
// all recorded: what it finds is what the queue kept of them.
let database: TestDatabase;
let process: Process;
let platform: PlatformUnderTest;
let mirror: MirrorReactor | undefined;
beforeAll(async () => {
  database = await createTestDatabase(1);
  process = startProcess(database.url);
  platform = sandboxUnderTest(process);
  process.startReactor(platform.platform);
});
beforeEach(async () => {
  await mirror?.stop();
  mirror = undefined;
});
afterAll(async () => {
  await mirror?.stop();
  await process.close();
  await database.drop();
});

async function heldOrder() {
  const store = await connectTestStore(process.context, {});
  await updateOrderSettings(process.context, {
    storeId: store.storeId,
    onHoldOrders: 'SYNC_ON_HOLD',
    restockReturns: false,
  });
  await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
  const placed = await placeOrder(process.context, store, {
    fulfillmentType: 'FULFILLED_BY_SELLER',
    status: 'ON_HOLD',
  });
  await untilSynced(process.eventStore, placed.orderId);
  return { store, ...placed };
}

const release = (store: TestStore, tiktokOrderId: string) =>
  recordTikTokOrderStatus(process.context, {
    storeId: store.storeId,
    tiktokOrderId,
    status: 'AWAITING_SHIPMENT',
    changedAt: new Date().toISOString(),
  });

const cancel = (store: TestStore, tiktokOrderId: string) =>
  recordTikTokCancellation(process.context, {
    storeId: store.storeId,
    tiktokOrderId,
    cancellationId: null,
    lines: null,
    reason: 'Buyer changed their mind',
    initiator: 'BUYER',
    cancelledAt: new Date().toISOString(),
  });

it('a hold release superseded by a cancellation leaves the queue: cancelled, never released or marked paid', async () => {
  const { store, orderId, tiktokOrderId } = await heldOrder();
  await release(store, tiktokOrderId);
  await cancel(store, tiktokOrderId);
  expect((await orderOf(process.eventStore, orderId)).afterSync.mirrorings).toMatchObject([
    { key: 'release-hold', status: 'SUPERSEDED' },
    { key: 'cancel-order', status: 'PENDING' },
  ]);

  const counting = countingPort(platform.platform);
  mirror = startMirroring(process, counting.port, database.url, { registry: new Registry() });
  await untilMirrored(process, orderId);
  expect(await untilMirrorQueueHasRead(process, orderId)).toEqual([]);
  expect(counting.calls).toEqual({ cancelOrder: 1, refundLines: 0, releaseHold: 0, markPaid: 0 });
  expect(await sandboxLife(process)(store, tiktokOrderId)).toMatchObject({
    cancelled: true,
    paid: false,
  });
});

it('a hold release cut short by a crash, then a cancellation: the release is finished, the order cancelled, never marked paid', async () => {
  const { store, orderId, tiktokOrderId } = await heldOrder();
  await release(store, tiktokOrderId);
  // As if a reactor had started the release and died before the platform answered.
  await startPlatformMirroring(process.context, orderId, 'release-hold');
  await cancel(store, tiktokOrderId);

  const counting = countingPort(platform.platform);
  mirror = startMirroring(process, counting.port, database.url, { registry: new Registry() });
  // The queue reads on from its checkpoint: both are due, the release first.
  const order = await untilMirrored(process, orderId);
  expect(order.afterSync.mirrorings).toMatchObject([
    { key: 'release-hold', status: 'MIRRORED', attempts: 2 },
    { key: 'cancel-order', status: 'MIRRORED', attempts: 1 },
  ]);
  expect(counting.calls).toMatchObject({ cancelOrder: 1, releaseHold: 1, markPaid: 0 });
  expect(await untilMirrorQueueHasRead(process, orderId)).toEqual([]);
  expect(await sandboxLife(process)(store, tiktokOrderId)).toMatchObject({
    cancelled: true,
    paid: false,
  });
});
