import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandContext } from '../../src/commands/commandContext';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import {
  loadOrder,
  recordOrderSynced,
  recordPlatformMirroringFailure,
  recordTikTokCancellation,
  recordTikTokOrder,
  recordTikTokReturn,
  startOrderSync,
  startPlatformMirroring,
} from '../../src/commands/orderCommands';
import { connectStore, loadStore, updateOrderSettings } from '../../src/commands/storeCommands';
import { cancelLinesKey } from '../../src/domain/afterSyncVocabulary';
import { orderStreamId, storeStreamId } from '../../src/domain/eventCatalog';
import type { EventStore } from '../../src/eventstore/createEventStore';
import { orderFromRow } from '../../src/projections/orderRow';
import { ordersProjection } from '../../src/projections/ordersProjection';
import { applyBatch, type Projection } from '../../src/projections/projection';
import { storeFromRow } from '../../src/projections/storeRow';
import { storesProjection } from '../../src/projections/storesProjection';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let eventStore: EventStore;
let context: CommandContext;
beforeAll(async () => {
  database = await createTestDatabase(4);
  eventStore = createDomainEventStore(database.db);
  context = { eventStore, now: () => new Date(), metadata: { correlationId: 't', actor: 'test' } };
});
afterAll(() => database.drop());

/**
 * The events of a stream from the `from`-th on, applied through the projection in one batch;
 * the stream's length. (Read by stream: the log's own reader waits for transactions of other
 * databases of the cluster to end.)
 */
async function project(projection: Projection, streamId: string, from = 0): Promise<number> {
  const { events } = await eventStore.readStream(streamId);
  await database.db
    .transaction()
    .execute((trx) => applyBatch(projection, trx, 'public', events.slice(from)));
  return events.length;
}

describe('the after-sync columns', () => {
  it('hold the order settings and after-sync state folding the stream gives, folded on from the row', async () => {
    const { state: store } = await connectStore(context, {
      name: 'After',
      tiktokShopId: 'after-rows',
      platform: 'SHOPIFY',
      plan: 'FREE',
      shopDomain: 'after-rows.myshopify.com',
    });
    const storeId = store!.storeId;
    await updateOrderSettings(context, {
      storeId,
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: true,
    });
    const { state: placed } = await recordTikTokOrder(context, {
      storeId,
      tiktokOrderId: '7799000000000001',
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'AWAITING_SHIPMENT',
      lineItems: [
        { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
        { sku: 'CAP', title: 'Cap', quantity: 1, unitPrice: '5.00' },
      ],
      currency: 'USD',
      placedAt: '2026-11-28T10:00:00.000Z',
    });
    const orderId = placed!.orderId;
    const started = await startOrderSync(context, orderId);
    await recordOrderSynced(context, orderId, {
      attempt: started.state!.syncAttempts,
      platformOrderId: 'P-1',
      platformOrderStatus: 'AWAITING_SHIPMENT',
      tags: [],
      alreadyOnPlatform: false,
    });
    // The first batch ends here: the rest folds on from the row it wrote.
    const seen = await project(ordersProjection, orderStreamId(orderId));
    await project(storesProjection, storeStreamId(storeId));

    await recordTikTokCancellation(context, {
      storeId,
      tiktokOrderId: '7799000000000001',
      cancellationId: 'C-1',
      lines: [{ line: 0, quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: '2026-11-28T11:00:00.000Z',
    });
    const key = cancelLinesKey('C-1');
    const attempt = await startPlatformMirroring(context, orderId, key);
    await recordPlatformMirroringFailure(context, orderId, {
      key,
      attempt: attempt.state!.afterSync.mirrorings[0]!.attempts,
      reason: 'refused',
      retryable: false,
      maxAttempts: 3,
      nextAttemptAt: new Date().toISOString(),
    });
    await recordTikTokReturn(context, {
      storeId,
      tiktokOrderId: '7799000000000001',
      returnId: 'R-1',
      status: 'COMPLETED',
      returnType: 'RETURN_AND_REFUND',
      lines: [{ line: 1, quantity: 1 }],
      amount: '5.00',
      currency: 'USD',
      changedAt: '2026-11-29T10:00:00.000Z',
    });
    await project(ordersProjection, orderStreamId(orderId), seen);

    const row = await database.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      on_hold_orders: 'SYNC_ON_HOLD',
      restock_returns: true,
      mirroring_status: 'FAILED',
    });
    // JSON round trip: what the row holds is what the stream folds to.
    const folded = await loadOrder(context, storeId, '7799000000000001');
    expect(orderFromRow(row)).toEqual(JSON.parse(JSON.stringify(folded)));

    const storeRow = await database.db
      .selectFrom('stores')
      .selectAll()
      .where('id', '=', storeId)
      .executeTakeFirstOrThrow();
    expect(storeRow).toMatchObject({ on_hold_orders: 'SYNC_ON_HOLD', restock_returns: true });
    expect(storeFromRow(storeRow)).toEqual(await loadStore(context, storeId));
  });
});
