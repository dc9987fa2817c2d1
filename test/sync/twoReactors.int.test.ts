import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { recordTikTokCancellation, recordTikTokReturn } from '../../src/commands/orderCommands';
import { mirroringStatusOf } from '../../src/domain/orderAfterSync';
import type { MirrorReactor } from '../../src/sync/startMirrorReactor';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  connectTestStore,
  orderEvents,
  orderOf,
  placeOrder,
  type Process,
  shopifyUnderTest,
  startProcess,
  type TestStore,
  until,
} from './syncHarness';
import { startMirroring } from './mirrorHarness';

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

it('two mirroring reactors on one database mirror each TikTok fact exactly once, also across a takeover', async () => {
  // Both processes run both reactors, each with its own Shopify client, as two serve processes do.
  const mirrors: MirrorReactor[] = processes.map((process) =>
    startMirroring(process, shopifyUnderTest(fake).platform, database.url),
  );
  const { context, eventStore } = processes[1]!;
  const store = await connectTestStore(context, {});
  for (const sku of ['MUG-RED', 'CAP-BLUE']) {
    fake.addVariant(store.shopDomain, sku, { inventoryQuantity: 1000 });
  }
  const placed: Array<{ orderId: string; tiktokOrderId: string }> = [];
  for (let i = 0; i < 24; i++) {
    placed.push(await placeOrder(context, store, { fulfillmentType: 'FULFILLED_BY_SELLER' }));
  }
  for (const { orderId } of placed) {
    await until(
      async () => (await orderOf(eventStore, orderId)).syncStatus === 'SYNCED',
      `order ${orderId} SYNCED`,
    );
  }
  /** Order i: cancelled (i % 3 == 0), refunded (1), or lines refunded and then cancelled (2). */
  const record = async (i: number) => {
    const { tiktokOrderId } = placed[i]!;
    const ids = { storeId: store.storeId, tiktokOrderId };
    const now = new Date().toISOString();
    if (i % 3 !== 0) {
      await recordTikTokReturn(context, {
        ...ids,
        returnId: `R-TWO-${i}`,
        status: 'COMPLETED',
        returnType: 'REFUND_ONLY',
        lines: [{ line: 0, quantity: 1 }],
        amount: '12.50',
        currency: 'USD',
        changedAt: now,
      });
    }
    if (i % 3 !== 1) {
      await recordTikTokCancellation(context, {
        ...ids,
        cancellationId: null,
        lines: null,
        reason: 'Buyer changed their mind',
        initiator: 'BUYER',
        cancelledAt: now,
      });
    }
  };
  const mirrored = async (from: number, to: number) => {
    for (const { orderId } of placed.slice(from, to)) {
      await until(
        async () => mirroringStatusOf(await orderOf(eventStore, orderId)) === 'MIRRORED',
        `order ${orderId} MIRRORED`,
      );
    }
  };

  for (let i = 0; i < 12; i++) await record(i);
  await mirrored(0, 12);
  // The mirroring leader goes while facts keep coming; the standby takes over.
  const leader = mirrors.findIndex((mirror) => mirror.isLeader);
  expect(leader).toBeGreaterThanOrEqual(0);
  const recording = (async () => {
    for (let i = 12; i < 24; i++) await record(i);
  })();
  await mirrors[leader]!.stop();
  await recording;
  await mirrored(12, 24);
  expect(mirrors[1 - leader]!.isLeader).toBe(true);
  await mirrors[1 - leader]!.stop();

  const mutations = (tiktokOrderId: string, operationName: string) => {
    const order = fake.ordersOf(store.shopDomain).find((o) => o.sourceIdentifier === tiktokOrderId);
    return fake.requests.filter(
      (r) =>
        r.shop === store.shopDomain &&
        r.operationName === operationName &&
        r.outcome === 'ok' &&
        order !== undefined &&
        JSON.stringify(r.variables ?? {}).includes(JSON.stringify(order.id)),
    ).length;
  };
  for (const [i, { orderId, tiktokOrderId }] of placed.entries()) {
    const order = await orderOf(eventStore, orderId);
    const keys = order.afterSync.mirrorings.map((m) => m.key);
    expect(keys).toEqual(
      i % 3 === 0
        ? ['cancel-order']
        : i % 3 === 1
          ? [`refund:R-TWO-${i}`]
          : [`refund:R-TWO-${i}`, 'cancel-order'],
    );
    // One PlatformMirrored per mirroring, and one platform call each.
    const events = await orderEvents(eventStore, orderId);
    expect(events.filter((e) => e.type === 'PlatformMirrored')).toHaveLength(keys.length);
    expect(mutations(tiktokOrderId, 'CancelOrder')).toBe(i % 3 === 1 ? 0 : 1);
    expect(mutations(tiktokOrderId, 'CreateRefund')).toBe(i % 3 === 0 ? 0 : 1);
  }
  // Each process mirrored some: the takeover happened while facts were coming.
  const mirroredBy = processes.map(
    (process) => process.logLines.filter((line) => line.msg === 'mirrored on the platform').length,
  );
  // 8 orders cancelled, 8 refunded, 8 refunded then cancelled.
  expect(mirroredBy[0]! + mirroredBy[1]!).toBe(32);
  expect(mirroredBy[leader]).toBeGreaterThan(0);
  expect(mirroredBy[1 - leader]).toBeGreaterThan(0);
});
