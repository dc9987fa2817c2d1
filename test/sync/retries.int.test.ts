import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { updateSandboxSettings } from '../../src/adapters/sandbox/sandboxSettings';
import type { CommandContext } from '../../src/commands/commandContext';
import { retryOrderSync } from '../../src/commands/orderCommands';
import type { OrderSyncFailed, OrderSynced } from '../../src/domain/orderEvents';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  connectTestStore,
  orderEvents,
  placeOrder,
  type PlatformUnderTest,
  type Process,
  sandboxUnderTest,
  shopifyUnderTest,
  startProcess,
  untilOrder,
  untilSynced,
} from './syncHarness';

const MAX_ATTEMPTS = 4;

async function failures(process: Process, orderId: string): Promise<OrderSyncFailed['data'][]> {
  return (await orderEvents(process.eventStore, orderId))
    .filter((e) => e.type === 'OrderSyncFailed')
    .map((e) => e.data as OrderSyncFailed['data']);
}

async function synced(process: Process, orderId: string): Promise<OrderSynced['data']> {
  const event = (await orderEvents(process.eventStore, orderId)).find(
    (e) => e.type === 'OrderSynced',
  );
  return event!.data as OrderSynced['data'];
}

async function metric(process: Process, name: string, labels: Record<string, string> = {}) {
  const values = (await process.registry.getSingleMetric(name)!.get()).values;
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

const adminRetry = (context: CommandContext, orderId: string) =>
  retryOrderSync(
    { ...context, metadata: { correlationId: 'corr-retry', actor: 'admin@example.com' } },
    { orderId },
  );

describe('on the fake Shopify', () => {
  let database: TestDatabase;
  let process: Process;
  let fake: FakeShopify;
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    fake = await startFakeShopify();
    platform = shopifyUnderTest(fake);
    process.startReactor(platform.platform, {
      retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: MAX_ATTEMPTS },
    });
  });
  afterAll(async () => {
    await process.close();
    await fake.close();
    await database.drop();
    expect(fake.validationFailures).toEqual([]);
  });

  async function newOrder() {
    const store = await connectTestStore(process.context, { orderTag: 'FBT' });
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    return { store, ...(await placeOrder(process.context, store)) };
  }

  it('retries 5xx answers into exactly one platform order', async () => {
    const retriedBefore = await metric(process, 'fbt_sync_order_retries_total', {
      kind: 'UNAVAILABLE',
    });
    fake.inject({ kind: 'status', status: 503 }, { times: 2 });
    const { store, orderId } = await newOrder();
    const order = await untilSynced(process.eventStore, orderId);
    expect(order.syncAttempts).toBe(3);
    expect(await platform.ordersOf(store)).toHaveLength(1);
    const failed = await failures(process, orderId);
    expect(failed.map((f) => [f.retryable, f.final])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(failed[0]!.reason).toMatch(/^Shopify answered HTTP 503 for shop-/);
    expect(
      (await metric(process, 'fbt_sync_order_retries_total', { kind: 'UNAVAILABLE' })) -
        retriedBefore,
    ).toBe(2);
  });

  it('waits at least as long as Shopify asks when THROTTLED', async () => {
    fake.inject({ kind: 'throttled' }, { times: 2, only: 'mutation' });
    const { store, orderId } = await newOrder();
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
    const failed = await failures(process, orderId);
    expect(failed).toHaveLength(2);
    for (const failure of failed) {
      // 10 points missing at 100 points a second: 100 ms, more than the test's 20 ms backoff.
      expect(
        Date.parse(failure.nextAttemptAt!) - Date.parse(failure.failedAt),
      ).toBeGreaterThanOrEqual(100);
      expect(failure.reason).toMatch(/^Shopify throttled the request/);
    }
  });

  it('fails a refusal (an unknown SKU) at once with a readable reason; retryOrderSync after the fix syncs it', async () => {
    const store = await connectTestStore(process.context);
    await platform.stock(store, ['MUG-RED']);
    const { orderId } = await placeOrder(process.context, store);
    const failed = await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.syncStatus === 'FAILED',
      'the refusal to fail the order',
    );
    expect(failed).toMatchObject({
      syncAttempts: 1,
      failureReason: 'Shopify has no product variant with SKU "CAP-BLUE"',
    });
    expect(await platform.ordersOf(store)).toEqual([]);
    expect(await metric(process, 'fbt_sync_orders_failed_total', { kind: 'REJECTED' })).toBe(1);

    fake.addVariant(store.shopDomain, 'CAP-BLUE');
    await adminRetry(process.context, orderId);
    const order = await untilSynced(process.eventStore, orderId);
    expect(order.syncAttempts).toBe(2);
    expect(await platform.ordersOf(store)).toHaveLength(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts of a retryable failure: FAILED, saying so`, async () => {
    fake.inject({ kind: 'status', status: 500 }, { times: MAX_ATTEMPTS });
    const { store, orderId } = await newOrder();
    const failed = await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.syncStatus === 'FAILED',
      'the order to run out of attempts',
    );
    expect(failed.syncAttempts).toBe(MAX_ATTEMPTS);
    expect(failed.failureReason).toMatch(
      new RegExp(`^Shopify answered HTTP 500 .* \\(gave up after ${MAX_ATTEMPTS} attempts\\)$`),
    );
    expect(await platform.ordersOf(store)).toEqual([]);

    await adminRetry(process.context, orderId);
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
  });

  it('logs each outcome with the correlation id of the request, and counts attempts and latency', async () => {
    const context = {
      ...process.context,
      metadata: { correlationId: 'corr-observed', actor: 'webhook' },
    };
    const attemptsBefore = await metric(process, 'fbt_sync_order_sync_attempts_total');
    const store = await connectTestStore(context);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const { orderId } = await placeOrder(context, store);
    await untilSynced(process.eventStore, orderId);
    const line = process.logLines.find((l) => l.msg === 'order synced' && l.orderId === orderId);
    expect(line).toMatchObject({ correlationId: 'corr-observed', component: 'sync-reactor' });
    // The reactor's own events carry it on too.
    const events = await orderEvents(process.eventStore, orderId);
    expect(events.at(-1)!.metadata).toMatchObject({
      correlationId: 'corr-observed',
      actor: 'sync-reactor',
    });
    expect((await metric(process, 'fbt_sync_order_sync_attempts_total')) - attemptsBefore).toBe(1);
    const text = await process.registry.metrics();
    expect(text).toMatch(/^fbt_sync_requested_to_synced_seconds_count [1-9]\d*$/m);
  });
});

describe('on the fake Shopify, when a request hangs', () => {
  let database: TestDatabase;
  let process: Process;
  let fake: FakeShopify;
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    fake = await startFakeShopify();
    // A short request timeout, so a hang is a quick TIMEOUT. The fake's first
    // validation against Shopify's schema is slow: have it done before.
    platform = shopifyUnderTest(fake, { timeoutMs: 500 });
    await platform.platform.findOrder(
      { storeId: 'warm-up', shopDomain: 'warm-up.myshopify.com' },
      '1',
    );
    process.startReactor(platform.platform);
  });
  afterAll(async () => {
    await process.close();
    await fake.close();
    await database.drop();
    expect(fake.validationFailures).toEqual([]);
  });

  async function newOrder() {
    const store = await connectTestStore(process.context);
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    return { store, ...(await placeOrder(process.context, store)) };
  }

  const mutationsOf = (shop: string) =>
    fake.requests.filter((r) => r.operationType === 'mutation' && r.shop === shop);

  it('retries a request that hangs (a TIMEOUT) into exactly one platform order', async () => {
    fake.inject({ kind: 'hang' }, { only: 'mutation' });
    const { store, orderId } = await newOrder();
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
    expect(mutationsOf(store.shopDomain).map((r) => r.outcome)).toEqual(['hung', 'ok']);
    const failed = await failures(process, orderId);
    expect(failed[0]!.reason).toMatch(/did not answer within 500 ms/);
    expect(failed.every((f) => f.retryable && !f.final)).toBe(true);
  });

  it('finds the order an attempt created when only its answer was lost, and creates no second one', async () => {
    fake.inject({ kind: 'applyThenHang' }, { only: 'mutation' });
    const { store, orderId } = await newOrder();
    const order = await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
    expect(mutationsOf(store.shopDomain).map((r) => r.outcome)).toEqual(['applied-then-hung']);
    expect(await synced(process, orderId)).toMatchObject({
      alreadyOnPlatform: true,
      platformOrderId: fake.ordersOf(store.shopDomain)[0]!.id,
    });
    expect(order.syncAttempts).toBeGreaterThanOrEqual(2);
    expect(
      await metric(process, 'fbt_sync_orders_synced_total', { already_on_platform: 'true' }),
    ).toBe(1);
  });
});

describe('on the sandbox', () => {
  let database: TestDatabase;
  let process: Process;
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    platform = sandboxUnderTest(process);
    process.startReactor(platform.platform);
  });
  afterAll(async () => {
    await process.close();
    await database.drop();
  });
  beforeEach(() =>
    updateSandboxSettings(process.handle.db, { unavailableUntil: null, rejectSkus: [] }),
  );

  it('retries while the sandbox is unavailable, then syncs once', async () => {
    await updateSandboxSettings(process.handle.db, {
      unavailableUntil: new Date(Date.now() + 3_600_000),
    });
    const store = await connectTestStore(process.context);
    const { orderId } = await placeOrder(process.context, store);
    await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.syncAttempts >= 2,
      'two failed attempts',
    );
    expect((await failures(process, orderId))[0]!.reason).toMatch(
      /^The sandbox platform is unavailable until /,
    );
    await updateSandboxSettings(process.handle.db, { unavailableUntil: null });
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
  });

  it('fails an order with a refused SKU at once, and syncs it when retried after the fix', async () => {
    await updateSandboxSettings(process.handle.db, { rejectSkus: ['CAP-BLUE'] });
    const store = await connectTestStore(process.context);
    const { orderId } = await placeOrder(process.context, store);
    const failed = await untilOrder(
      process.eventStore,
      orderId,
      (o) => o.syncStatus === 'FAILED',
      'the refusal',
    );
    expect(failed).toMatchObject({
      syncAttempts: 1,
      failureReason:
        'The sandbox platform has no product with SKU "CAP-BLUE" (sandbox_settings.reject_skus)',
    });
    await updateSandboxSettings(process.handle.db, { rejectSkus: [] });
    await adminRetry(process.context, orderId);
    await untilSynced(process.eventStore, orderId);
    expect(await platform.ordersOf(store)).toHaveLength(1);
  });
});
