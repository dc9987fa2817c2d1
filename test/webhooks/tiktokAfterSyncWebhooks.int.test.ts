import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderIdFor } from '../../src/commands/ids';
import {
  recordOrderSynced,
  recordTikTokOrder,
  startOrderSync,
} from '../../src/commands/orderCommands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeOrderSpec,
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
  tikTokReturnJson,
} from '../support/fakeTikTokShop';
import {
  commandContext,
  connectTestStore,
  credentials,
  eventually,
  inboxRow,
  orderEvents,
  orderState,
  startWebhookTestService,
  statusWebhook,
  type WebhookTestService,
  writtenRows,
} from './webhookTestService';

const shopId = '7494000000000000011';
let database: TestDatabase;
let fake: FakeTikTokShop;
let service: WebhookTestService;
let storeId: string;

beforeAll(async () => {
  database = await createTestDatabase(10);
  fake = await startFakeTikTokShop(credentials);
  service = await startWebhookTestService(database, {
    env: { TIKTOK_API_BASE_URL: fake.baseUrl },
  });
  storeId = await connectTestStore(service.parts, shopId);
});
afterAll(async () => {
  await service.stop();
  await fake.close();
  await database.drop();
});

let serial = 0;
const nextNotificationId = () => `73271100000${String(++serial).padStart(8, '0')}`;

/** Two mugs at 9.50 and a cap at 5.00: lines 0 (MUG, 2 units) and 1 (CAP, 1 unit). */
const spec = (id: string, more: Partial<FakeOrderSpec> = {}): FakeOrderSpec => ({
  id,
  status: 'AWAITING_SHIPMENT',
  createTime: 1706000000,
  updateTime: 1706000600,
  items: [
    { sellerSku: 'MUG', productName: 'Mug', salePrice: '9.50', quantity: 2 },
    { sellerSku: 'CAP', productName: 'Cap', salePrice: '5.00', quantity: 1 },
  ],
  ...more,
});

/** An order on the platform already: recorded as TikTok's detail shows it, then synced. */
async function syncedOrder(tiktokOrderId: string): Promise<void> {
  fake.addOrder(tikTokOrderJson(spec(tiktokOrderId)));
  const context = commandContext(service.parts);
  await recordTikTokOrder(context, {
    storeId,
    tiktokOrderId,
    fulfillmentType: 'FULFILLED_BY_SELLER',
    status: 'AWAITING_SHIPMENT',
    lineItems: [
      { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '9.50' },
      { sku: 'CAP', title: 'Cap', quantity: 1, unitPrice: '5.00' },
    ],
    currency: 'USD',
    placedAt: '2024-01-23T08:53:20.000Z',
  });
  const orderId = orderIdFor(storeId, tiktokOrderId);
  await startOrderSync(context, orderId);
  await recordOrderSynced(context, orderId, {
    attempt: 1,
    platformOrderId: `gid://shopify/Order/${tiktokOrderId}`,
    platformOrderStatus: 'AWAITING_SHIPMENT',
    tags: [],
    alreadyOnPlatform: false,
  });
}

function factWebhook(
  type: number,
  orderId: string,
  data: Record<string, unknown>,
  notificationId = nextNotificationId(),
) {
  const body = JSON.stringify({
    type,
    tts_notification_id: notificationId,
    shop_id: shopId,
    timestamp: 1706003000,
    data: { order_id: orderId, update_time: 1706003000, ...data },
  });
  return service.post(body).then((response) => ({ response, notificationId, body }));
}

const settled = (notificationId: string) =>
  eventually(async () => {
    const row = await inboxRow(database, notificationId);
    return row?.state === 'done' || row?.state === 'failed' ? row : undefined;
  }, `notification ${notificationId} to be settled`);

const typesOf = async (orderId: string) =>
  (await orderEvents(service.parts, shopId, orderId)).map((event) => event.type);

describe('a cancellation webhook (type 11)', () => {
  it('records the whole-order cancellation from Get Order Detail, with its reason and initiator', async () => {
    const id = '577100000000000001';
    await syncedOrder(id);
    fake.addOrder(
      tikTokOrderJson(
        spec(id, {
          status: 'CANCELLED',
          updateTime: 1706003000,
          cancelReason: 'Buyer changed mind',
          cancellationInitiator: 'BUYER',
        }),
      ),
    );
    const { response, notificationId } = await factWebhook(11, id, {
      cancel_id: '580000000000000001',
      cancellation_status: 'CANCELLATION_REQUEST_COMPLETE',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted' });
    expect(await settled(notificationId)).toMatchObject({
      state: 'done',
      outcome: 'facts_recorded',
      type: 11,
      order_status: 'CANCELLATION_REQUEST_COMPLETE',
    });
    const types = await typesOf(id);
    expect(types.slice(-3)).toEqual([
      'OrderStatusChanged',
      'OrderCancelledAfterSync',
      'PlatformCancellationRequested',
    ]);
    const order = await orderState(service.parts, shopId, id);
    expect(order?.afterSync.cancellation).toMatchObject({
      reason: 'Buyer changed mind',
      initiator: 'BUYER',
      cancelledAt: '2024-01-23T09:43:20.000Z',
    });
    // The signed Get Order Detail call, as TikTok checks it.
    expect(fake.requests.filter((r) => r.query.ids === id).at(-1)).toMatchObject({
      method: 'GET',
      answeredCode: 0,
    });
  });

  it('records the cancelled units of a partial cancellation, by their line', async () => {
    const id = '577100000000000002';
    await syncedOrder(id);
    fake.addOrder(
      tikTokOrderJson(
        spec(id, {
          cancelReason: 'Out of stock',
          cancellationInitiator: 'SELLER',
          items: [
            { sellerSku: 'MUG', salePrice: '9.50', quantity: 2, cancelledUnits: 1 },
            { sellerSku: 'CAP', salePrice: '5.00', quantity: 1 },
          ],
        }),
      ),
    );
    const { notificationId } = await factWebhook(11, id, {});
    await settled(notificationId);
    const events = await orderEvents(service.parts, shopId, id);
    const cancelled = events.find((e) => e.type === 'OrderLinesCancelled');
    expect(cancelled?.data).toMatchObject({
      lines: [{ line: 0, sku: 'MUG', quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
    });
    expect(events.at(-1)!.type).toBe('PlatformCancellationRequested');
  });

  it('appends nothing when delivered twice, or again with the same detail', async () => {
    const id = '577100000000000003';
    await syncedOrder(id);
    fake.addOrder(
      tikTokOrderJson(
        spec(id, {
          items: [
            { sellerSku: 'MUG', salePrice: '9.50', quantity: 2 },
            { sellerSku: 'CAP', salePrice: '5.00', quantity: 1, cancelledUnits: 1 },
          ],
        }),
      ),
    );
    const first = await factWebhook(11, id, {});
    await settled(first.notificationId);
    const after = await typesOf(id);

    // The same notification redelivered: the inbox knows it.
    const again = await service.post(first.body);
    expect(again.json()).toEqual({ status: 'duplicate' });
    // Another notification of the same cancellation: the detail says nothing new.
    const other = await factWebhook(11, id, {});
    await settled(other.notificationId);
    expect(await typesOf(id)).toEqual(after);
    expect(after.filter((t) => t === 'OrderLinesCancelled')).toHaveLength(1);
  });
});

describe('a return webhook (type 12)', () => {
  it('records every return Search Returns lists: a completed one refunds its lines', async () => {
    const id = '577100000000000004';
    await syncedOrder(id);
    const units = (tikTokOrderJson(spec(id)).line_items as Array<{ id: string }>).map((u) => u.id);
    fake.addReturn(
      tikTokReturnJson({
        returnId: '4035000000000000001',
        orderId: id,
        status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        returnType: 'RETURN_AND_REFUND',
        refundTotal: '9.50',
        unitIds: [units[1]!],
      }),
    );
    fake.addReturn(
      tikTokReturnJson({
        returnId: '4035000000000000002',
        orderId: id,
        status: 'REFUND_OR_RETURN_REQUEST_REJECT',
        refundTotal: '5.00',
        unitIds: [units[2]!],
      }),
    );
    const { response, notificationId } = await factWebhook(12, id, {
      return_id: '4035000000000000001',
      return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
      return_type: 'RETURN_AND_REFUND',
    });
    expect(response.statusCode).toBe(200);
    expect(await settled(notificationId)).toMatchObject({ outcome: 'facts_recorded' });
    const events = await orderEvents(service.parts, shopId, id);
    const refunds = events.filter((e) => e.type === 'OrderRefundCompleted');
    expect(refunds.map((e) => e.data)).toEqual([
      expect.objectContaining({
        returnId: '4035000000000000001',
        returnType: 'RETURN_AND_REFUND',
        lines: [{ line: 0, sku: 'MUG', quantity: 1 }],
        amount: '9.50',
        currency: 'USD',
      }),
    ]);
    expect(events.at(-1)!.type).toBe('PlatformRefundRequested');
    const search = fake.requests.find(
      (r) => r.method === 'POST' && r.path === '/return_refund/202309/returns/search',
    );
    expect(search?.answeredCode).toBe(0);
  });

  it('appends nothing for a return delivered again, or out of order after it completed', async () => {
    const id = '577100000000000005';
    await syncedOrder(id);
    const units = (tikTokOrderJson(spec(id)).line_items as Array<{ id: string }>).map((u) => u.id);
    fake.addReturn(
      tikTokReturnJson({
        returnId: '4035000000000000003',
        orderId: id,
        status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        refundTotal: '5.00',
        unitIds: [units[2]!],
      }),
    );
    const completed = await factWebhook(12, id, {
      return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
    });
    await settled(completed.notificationId);
    const after = await typesOf(id);
    // The older "requested" notification arrives late; TikTok's answer is the completed return.
    const late = await factWebhook(12, id, {
      return_status: 'RETURN_OR_REFUND_REQUEST_PENDING',
      update_time: 1706001000,
    });
    await settled(late.notificationId);
    expect((await service.post(completed.body)).json()).toEqual({ status: 'duplicate' });
    expect(await typesOf(id)).toEqual(after);
  });
});

describe('a status webhook for a synced order TikTok cancelled', () => {
  it('records the cancellation from Get Order Detail too (needsCancellationDetails)', async () => {
    const id = '577100000000000006';
    await syncedOrder(id);
    fake.addOrder(
      tikTokOrderJson(
        spec(id, {
          status: 'CANCELLED',
          updateTime: 1706003000,
          cancelReason: 'Not shipped in time',
          cancellationInitiator: 'SYSTEM',
        }),
      ),
    );
    const notificationId = nextNotificationId();
    await service.post(
      statusWebhook({
        notificationId,
        shopId,
        orderId: id,
        status: 'CANCELLED',
        updateTime: 1706003000,
      }),
    );
    await settled(notificationId);
    const order = await orderState(service.parts, shopId, id);
    expect(order?.afterSync.cancellation).toMatchObject({
      reason: 'Not shipped in time',
      initiator: 'SYSTEM',
    });
    expect((await typesOf(id)).filter((t) => t === 'OrderCancelledAfterSync')).toHaveLength(1);
  });
});

describe('an unknown webhook type', () => {
  it('is acknowledged and ignored: nothing written', async () => {
    const before = await writtenRows(database);
    const response = await service.post(
      JSON.stringify({
        type: 99,
        tts_notification_id: nextNotificationId(),
        shop_id: shopId,
        timestamp: 1706003000,
        data: { order_id: '577100000000000001' },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored', type: 99 });
    expect(await writtenRows(database)).toEqual(before);
  });
});
