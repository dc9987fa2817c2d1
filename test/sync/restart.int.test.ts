import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { updateSandboxSettings } from '../../src/adapters/sandbox/sandboxSettings';
import { recordTikTokOrderStatus } from '../../src/commands/orderCommands';
import type { OrderSyncFailed, OrderSynced } from '../../src/domain/orderEvents';
import type { PlatformOrder, PlatformPort } from '../../src/sync/platformPort';
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
  until,
  untilOrder,
  untilQueueHasRead,
  untilSynced,
} from './syncHarness';

let database: TestDatabase;
let process: Process;
let fake: FakeShopify;
beforeAll(async () => {
  database = await createTestDatabase(1);
  process = startProcess(database.url);
  fake = await startFakeShopify();
});
afterAll(async () => {
  await process.close();
  await fake.close();
  await database.drop();
  expect(fake.validationFailures).toEqual([]);
});

/** A reactor as a process would start it: metrics of its own. */
const startReactor = (
  platform: PlatformPort,
  options: Parameters<Process['startReactor']>[1] = {},
) => process.startReactor(platform, { registry: new Registry(), ...options });

const never = <T>() => new Promise<T>(() => {});

/** The platform, except that the process freezes (forever) once a call has happened. */
function freezingAfter(platform: PlatformPort, call: 'findOrder' | 'createOrder') {
  const frozen = { now: false };
  const port: PlatformPort = {
    ...platform,
    findOrder: async (store, id) => {
      if (call === 'findOrder') {
        frozen.now = true;
        return never<PlatformOrder | null>();
      }
      return platform.findOrder(store, id);
    },
    createOrder: async (order) => {
      await platform.createOrder(order);
      frozen.now = call === 'createOrder';
      return never<PlatformOrder>();
    },
  };
  return { port, frozen };
}

describe('a restart', () => {
  it('keeps a scheduled retry: the next reactor tries again when it is due, not before', async () => {
    const sandbox = sandboxUnderTest(process);
    await updateSandboxSettings(process.handle.db, {
      unavailableUntil: new Date(Date.now() + 3_600_000),
    });
    const first = startReactor(sandbox.platform, {
      retry: { baseDelayMs: 1_500, maxDelayMs: 1_500 },
    });
    const store = await connectTestStore(process.context);
    const { orderId } = await placeOrder(process.context, store);
    const failed = await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.nextAttemptAt !== null,
      'a failure with a retry scheduled',
    );
    await until(async () => {
      const row = await process.handle.db
        .selectFrom('sync_queue')
        .select('due_at')
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return row?.due_at.toISOString() === failed.nextAttemptAt;
    }, 'the queue to hold the retry');
    await first.stop();

    await updateSandboxSettings(process.handle.db, { unavailableUntil: null });
    const second = startReactor(sandbox.platform);
    const order = await untilSynced(process.eventStore, orderId);
    expect(order.syncAttempts).toBe(2);
    const started = (await orderEvents(process.eventStore, orderId)).filter(
      (e) => e.type === 'OrderSyncStarted',
    );
    const startedAt = (started[1]!.data as { startedAt: string }).startedAt;
    expect(startedAt >= failed.nextAttemptAt!).toBe(true);
    expect(await sandbox.ordersOf(store)).toHaveLength(1);
    await second.stop();
  });
});

const platforms: Array<[string, () => PlatformUnderTest]> = [
  ['the sandbox', () => sandboxUnderTest(process)],
  ['the fake Shopify', () => shopifyUnderTest(fake)],
];

describe.each(platforms)('a crash on %s', (_name, underTest) => {
  it('between the platform call and the append leaves exactly one platform order after restart', async () => {
    const platform = underTest();
    const store = await connectTestStore(process.context);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const { port, frozen } = freezingAfter(platform.platform, 'createOrder');
    const crashed = startReactor(port, { stopTimeoutMs: 100 });
    const { orderId } = await placeOrder(process.context, store);
    await until(() => frozen.now, 'the platform order to be created');
    await crashed.stop();
    expect(await orderOf(process.eventStore, orderId)).toMatchObject({
      syncStatus: 'PENDING',
      attemptInFlight: 1,
    });
    expect(await platform.ordersOf(store)).toHaveLength(1);

    const restarted = startReactor(platform.platform);
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
    const synced = (await orderEvents(process.eventStore, orderId)).find(
      (e) => e.type === 'OrderSynced',
    )!.data as OrderSynced['data'];
    expect(synced).toMatchObject({ attempt: 2, alreadyOnPlatform: true });
    // Deducted once, by the one order the platform has.
    expect(await platform.stockOf(store, 'MUG-RED')).toBe(8);
    await restarted.stop();
  });

  it('of an attempt that had created the order, then a cancellation on TikTok Shop: the order stays synced', async () => {
    const platform = underTest();
    const store = await connectTestStore(process.context);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const { port, frozen } = freezingAfter(platform.platform, 'createOrder');
    const crashed = startReactor(port, { stopTimeoutMs: 100 });
    const { orderId, tiktokOrderId } = await placeOrder(process.context, store);
    await until(() => frozen.now, 'the platform order to be created');
    await crashed.stop();
    // The domain records the cancellation but waits for the attempt's answer.
    await recordTikTokOrderStatus(process.context, {
      storeId: store.storeId,
      tiktokOrderId,
      status: 'CANCELLED',
      changedAt: new Date().toISOString(),
    });

    const restarted = startReactor(platform.platform);
    const order = await untilSynced(process.eventStore, orderId);
    expect(order).toMatchObject({ tiktokStatus: 'CANCELLED', syncAttempts: 1 });
    expect(await platform.ordersOf(store)).toHaveLength(1);
    await restarted.stop();
  });

  it('of an attempt that had not created the order, then a cancellation: CANCELLED, never on the platform', async () => {
    const platform = underTest();
    const store = await connectTestStore(process.context);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const { port, frozen } = freezingAfter(platform.platform, 'findOrder');
    const crashed = startReactor(port, { stopTimeoutMs: 100 });
    const { orderId, tiktokOrderId } = await placeOrder(process.context, store);
    await until(() => frozen.now, 'the attempt to start');
    await crashed.stop();
    await recordTikTokOrderStatus(process.context, {
      storeId: store.storeId,
      tiktokOrderId,
      status: 'CANCELLED',
      changedAt: new Date().toISOString(),
    });

    const restarted = startReactor(platform.platform);
    const order = await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.syncStatus === 'CANCELLED',
      'the order to be cancelled',
    );
    expect(order).toMatchObject({ inventoryDeductedFrom: null, attemptInFlight: null });
    const failed = (await orderEvents(process.eventStore, orderId)).find(
      (e) => e.type === 'OrderSyncFailed',
    )!.data as OrderSyncFailed['data'];
    expect(failed).toMatchObject({ attempt: 1, final: true });
    expect(await untilQueueHasRead(process, orderId)).toEqual({ queued: false });
    expect(await platform.ordersOf(store)).toEqual([]);
    await restarted.stop();
  });
});
