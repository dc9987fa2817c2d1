import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandContext } from '../../src/commands/commandContext';
import { updateOrderSettings } from '../../src/commands/storeCommands';
import {
  recordTikTokCancellation,
  recordTikTokReturn,
  retryOrderSync,
} from '../../src/commands/orderCommands';
import type { OrderSynced, PlatformMirroringFailed } from '../../src/domain/orderEvents';
import { mirroringStatusOf } from '../../src/domain/orderAfterSync';
import { PlatformError, type PlatformPort } from '../../src/sync/platformPort';
import type { MirrorReactor } from '../../src/sync/startMirrorReactor';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import {
  shopifyLife,
  startMirroring,
  untilMirrored,
  untilMirrorQueueHasRead,
} from './mirrorHarness';
import {
  connectTestStore,
  orderEvents,
  placeOrder,
  type PlatformUnderTest,
  type Process,
  shopifyUnderTest,
  startProcess,
  type TestStore,
  untilOrder,
  untilSynced,
} from './syncHarness';

const MAX_ATTEMPTS = 3;

async function failures(process: Process, orderId: string) {
  return (await orderEvents(process.eventStore, orderId))
    .filter((e) => e.type === 'PlatformMirroringFailed')
    .map((e) => e.data as PlatformMirroringFailed['data']);
}

async function metric(process: Process, name: string, labels: Record<string, string> = {}) {
  const values = (await process.registry.getSingleMetric(name)!.get()).values;
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('a failing platform, on the fake Shopify', () => {
  let database: TestDatabase;
  let process: Process;
  let fake: FakeShopify;
  let platform: PlatformUnderTest;
  let context: CommandContext;
  let mirror: MirrorReactor;
  // Refusals the test asks for, one per call, before the fake Shopify's answer.
  const refusals: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(1);
    process = startProcess(database.url);
    fake = await startFakeShopify();
    platform = shopifyUnderTest(fake);
    context = process.context;
    process.startReactor(platform.platform);
    const refusing: PlatformPort = {
      ...platform.platform,
      refundLines: (refund) => {
        const refusal = refusals.shift();
        return refusal === undefined
          ? platform.platform.refundLines(refund)
          : Promise.reject(new PlatformError('REJECTED', refusal));
      },
    };
    mirror = startMirroring(process, refusing, database.url, {
      retry: { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: MAX_ATTEMPTS },
    });
  });
  afterAll(async () => {
    await mirror.stop();
    await process.close();
    await fake.close();
    await database.drop();
    expect(fake.validationFailures).toEqual([]);
  });

  async function syncedOrder() {
    const store = await connectTestStore(context, {});
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    const placed = await placeOrder(context, store, { fulfillmentType: 'FULFILLED_BY_SELLER' });
    await untilSynced(process.eventStore, placed.orderId);
    return { store, ...placed };
  }

  const cancel = (store: TestStore, tiktokOrderId: string) =>
    recordTikTokCancellation(context, {
      storeId: store.storeId,
      tiktokOrderId,
      cancellationId: null,
      lines: null,
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: new Date().toISOString(),
    });

  const refund = (store: TestStore, tiktokOrderId: string, returnId: string) =>
    recordTikTokReturn(context, {
      storeId: store.storeId,
      tiktokOrderId,
      returnId,
      status: 'COMPLETED',
      returnType: 'REFUND_ONLY',
      lines: [],
      amount: '5.00',
      currency: 'USD',
      changedAt: new Date().toISOString(),
    });

  const cancelMutations = (store: TestStore) =>
    fake.requests.filter((r) => r.shop === store.shopDomain && r.operationName === 'CancelOrder');

  it('5xx answers: retried with backoff, then cancelled once', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder();
    const retriedBefore = await metric(process, 'fbt_sync_mirroring_retries_total', {
      kind: 'UNAVAILABLE',
    });
    fake.inject({ kind: 'status', status: 503 }, { times: 2, operation: 'CancelOrder' });
    await cancel(store, tiktokOrderId);
    await untilMirrored(process, orderId);

    const failed = await failures(process, orderId);
    expect(failed.map((f) => [f.attempt, f.retryable, f.final])).toEqual([
      [1, true, false],
      [2, true, false],
    ]);
    // Backoff: each failure schedules the next attempt later, and the last attempt waited for it.
    for (const f of failed)
      expect(Date.parse(f.nextAttemptAt!)).toBeGreaterThan(Date.parse(f.failedAt));
    const started = (await orderEvents(process.eventStore, orderId)).filter(
      (e) => e.type === 'PlatformMirroringStarted',
    );
    expect(started).toHaveLength(3);
    expect(
      Date.parse((started[2]!.data as { startedAt: string }).startedAt),
    ).toBeGreaterThanOrEqual(Date.parse(failed[1]!.nextAttemptAt!));
    expect(cancelMutations(store).map((r) => r.outcome)).toEqual(['fault', 'fault', 'ok']);
    expect(await shopifyLife(fake)(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      cancelReason: 'INVENTORY',
    });
    expect(
      (await metric(process, 'fbt_sync_mirroring_retries_total', { kind: 'UNAVAILABLE' })) -
        retriedBefore,
    ).toBe(2);
  });

  it('throttled: retried after the wait Shopify asks, then refunded once', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder();
    fake.inject({ kind: 'throttled' }, { times: 1, operation: 'CreateRefund' });
    await refund(store, tiktokOrderId, 'R-T');
    await untilMirrored(process, orderId);
    expect((await failures(process, orderId)).map((f) => f.retryable)).toEqual([true]);
    expect((await shopifyLife(fake)(store, tiktokOrderId)).refunds).toMatchObject([
      { key: 'refund:R-T', lines: [], amount: '5.00' },
    ]);
  });

  it('out of attempts: FAILED, saying so; retryOrderSync tries again', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder();
    fake.inject({ kind: 'status', status: 502 }, { times: MAX_ATTEMPTS, operation: 'CancelOrder' });
    await cancel(store, tiktokOrderId);
    const failed = await untilOrder(
      process.eventStore,
      orderId,
      (o) => mirroringStatusOf(o) === 'FAILED',
      'the cancellation FAILED',
    );
    expect(failed.afterSync.mirrorings[0]!.failureReason).toMatch(/gave up after 3 attempts/);
    expect((await shopifyLife(fake)(store, tiktokOrderId)).cancelled).toBe(false);

    await retryOrderSync(
      { ...context, metadata: { correlationId: 'corr-retry', actor: 'admin@example.com' } },
      { orderId },
    );
    await untilMirrored(process, orderId);
    expect((await shopifyLife(fake)(store, tiktokOrderId)).cancelled).toBe(true);
    expect(cancelMutations(store).filter((r) => r.outcome === 'ok')).toHaveLength(1);
  });

  it('REJECTED: FAILED at once with the reason; retryOrderSync retries it into one refund', async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder();
    const failedBefore = await metric(process, 'fbt_sync_mirrorings_failed_total', {
      mirroring: 'REFUND',
      kind: 'REJECTED',
    });
    refusals.push('Shopify refused the refund: the order is archived');
    await refund(store, tiktokOrderId, 'R-X');
    const order = await untilOrder(
      process.eventStore,
      orderId,
      (o) => mirroringStatusOf(o) === 'FAILED',
      'the refund FAILED',
    );
    expect(order.afterSync.mirrorings[0]).toMatchObject({
      status: 'FAILED',
      failureReason: 'Shopify refused the refund: the order is archived',
    });
    expect(await failures(process, orderId)).toMatchObject([
      { attempt: 1, retryable: false, final: true, nextAttemptAt: null },
    ]);
    expect(
      (await metric(process, 'fbt_sync_mirrorings_failed_total', {
        mirroring: 'REFUND',
        kind: 'REJECTED',
      })) - failedBefore,
    ).toBe(1);
    expect(await untilMirrorQueueHasRead(process, orderId)).toEqual([]);

    await retryOrderSync(
      { ...context, metadata: { correlationId: 'corr-retry', actor: 'admin@example.com' } },
      { orderId },
    );
    await untilMirrored(process, orderId);
    expect((await shopifyLife(fake)(store, tiktokOrderId)).refunds).toMatchObject([
      { key: 'refund:R-X', amount: '5.00' },
    ]);
    const types = (await orderEvents(process.eventStore, orderId)).map((e) => e.type);
    expect(types.slice(types.indexOf('PlatformRefundRequested'))).toEqual([
      'PlatformRefundRequested',
      'PlatformMirroringStarted',
      'PlatformMirroringFailed',
      'PlatformMirroringRetryRequested',
      'PlatformMirroringStarted',
      'PlatformMirrored',
    ]);
  });

  it('SYNC_ON_HOLD, the hold lost after the create: the next attempt finds the order and holds it', async () => {
    const store = await connectTestStore(context, {});
    await updateOrderSettings(context, {
      storeId: store.storeId,
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: false,
    });
    await platform.stock(store, ['MUG-RED', 'CAP-BLUE']);
    fake.inject({ kind: 'status', status: 503 }, { operation: 'HoldFulfillmentOrder' });
    const { orderId, tiktokOrderId } = await placeOrder(context, store, {
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'ON_HOLD',
    });
    await untilSynced(process.eventStore, orderId);
    const synced = (await orderEvents(process.eventStore, orderId)).find(
      (e) => e.type === 'OrderSynced',
    )!.data as OrderSynced['data'];
    expect(synced).toMatchObject({ attempt: 2, alreadyOnPlatform: true });
    const mutations = (name: string) =>
      fake.requests
        .filter((r) => r.shop === store.shopDomain && r.operationName === name)
        .map((r) => r.outcome);
    expect(mutations('CreateOrder')).toEqual(['ok']);
    expect(mutations('HoldFulfillmentOrder')).toEqual(['fault', 'ok']);
    expect(await shopifyLife(fake)(store, tiktokOrderId)).toMatchObject({
      held: true,
      paid: false,
    });
  });

  it("an order's mirrorings in the order recorded: a cancellation waits for the lines refund being retried before it", async () => {
    const { store, orderId, tiktokOrderId } = await syncedOrder();
    fake.inject({ kind: 'status', status: 503 }, { times: 2, operation: 'CreateRefund' });
    await recordTikTokCancellation(context, {
      storeId: store.storeId,
      tiktokOrderId,
      cancellationId: 'C-FIRST',
      lines: [{ line: 1, quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: new Date().toISOString(),
    });
    await cancel(store, tiktokOrderId);
    await untilMirrored(process, orderId);
    const outcomes = (await orderEvents(process.eventStore, orderId))
      .filter((e) => e.type === 'PlatformMirrored' || e.type === 'PlatformMirroringFailed')
      .map((e) => [e.type, (e.data as { key: string }).key]);
    expect(outcomes).toEqual([
      ['PlatformMirroringFailed', 'cancel-lines:C-FIRST'],
      ['PlatformMirroringFailed', 'cancel-lines:C-FIRST'],
      ['PlatformMirrored', 'cancel-lines:C-FIRST'],
      ['PlatformMirrored', 'cancel-order'],
    ]);
    expect(await shopifyLife(fake)(store, tiktokOrderId)).toMatchObject({
      cancelled: true,
      refunds: [{ key: 'cancel-lines:C-FIRST', amount: '9.90' }],
    });
  });
});
