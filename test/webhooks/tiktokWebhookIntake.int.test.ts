import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { requeueFailedWebhooks } from '../../src/adapters/tiktok/webhookInboxMaintenance';
import { recordWebhookNotification } from '../../src/adapters/tiktok/webhookInboxRecord';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { storeIdFor } from '../../src/commands/ids';
import { recordTikTokOrder } from '../../src/commands/orderCommands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeTikTokShop,
  type FakeOrderSpec,
  startFakeTikTokShop,
  tikTokOrderJson,
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
} from './webhookTestService';

const shopId = '7494000000000000002';
let database: TestDatabase;
let fake: FakeTikTokShop;
let service: WebhookTestService;
let storeId: string;

beforeAll(async () => {
  database = await createTestDatabase(10);
  fake = await startFakeTikTokShop(credentials);
  service = await startWebhookTestService(database, {
    env: { TIKTOK_API_BASE_URL: fake.baseUrl },
    options: { apiTimeoutMs: 300 },
  });
  storeId = await connectTestStore(service.parts, shopId);
});
afterAll(async () => {
  await service.stop();
  await fake.close();
  await database.drop();
});

let serial = 0;
/** A fresh notification id per call. */
const nextNotificationId = () => `73270000000${String(++serial).padStart(8, '0')}`;

function send(orderId: string, status: string, notificationId = nextNotificationId()) {
  return service
    .post(statusWebhook({ notificationId, shopId, orderId, status }))
    .then((response) => ({ response, notificationId }));
}

/** An order the service already knows, recorded straight through the command. */
async function knownOrder(
  tiktokOrderId: string,
  status: 'UNPAID' | 'AWAITING_SHIPMENT',
  fulfillmentType: 'FULFILLED_BY_SELLER' | 'FULFILLED_BY_TIKTOK' = 'FULFILLED_BY_SELLER',
) {
  await recordTikTokOrder(commandContext(service.parts), {
    storeId,
    tiktokOrderId,
    fulfillmentType,
    status,
    lineItems: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '9.50' }],
    currency: 'USD',
    placedAt: '2024-01-23T08:00:00.000Z',
  });
}

const done = (notificationId: string) =>
  eventually(async () => {
    const row = await inboxRow(database, notificationId);
    return row?.state === 'done' || row?.state === 'failed' ? row : undefined;
  }, `notification ${notificationId} to be settled`);

const fetchesOf = (orderId: string) => fake.requests.filter((r) => r.query.ids === orderId);
const typesOf = async (orderId: string) =>
  (await orderEvents(service.parts, shopId, orderId)).map((event) => event.type);

describe('a status change for an order the service knows', () => {
  it('is recorded before the answer, without calling TikTok: CANCEL → CANCELLED', async () => {
    await knownOrder('576100000000000001', 'UNPAID');
    const { response, notificationId } = await send('576100000000000001', 'CANCEL');
    expect(response.statusCode).toBe(200);

    const events = await orderEvents(service.parts, shopId, '576100000000000001');
    expect(events.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStatusChanged',
      'OrderCancelled',
    ]);
    expect(events[1]!.data).toMatchObject({
      from: 'UNPAID',
      to: 'CANCELLED',
      changedAt: '2024-01-23T08:55:00.000Z',
    });
    expect(events[1]!.metadata).toMatchObject({
      correlationId: notificationId,
      actor: 'tiktok-shop-webhook',
    });
    expect(await orderState(service.parts, shopId, '576100000000000001')).toMatchObject({
      tiktokStatus: 'CANCELLED',
      syncStatus: 'CANCELLED',
    });
    expect(await inboxRow(database, notificationId)).toMatchObject({
      state: 'done',
      outcome: 'status_recorded',
      attempts: 1,
    });
    expect(fetchesOf('576100000000000001')).toHaveLength(0);
  });

  it('is one change when the same notification is delivered twice', async () => {
    await knownOrder('576100000000000002', 'AWAITING_SHIPMENT');
    const first = await send('576100000000000002', 'IN_TRANSIT');
    const again = await send('576100000000000002', 'IN_TRANSIT', first.notificationId);
    expect([first.response.statusCode, again.response.statusCode]).toEqual([200, 200]);
    expect(again.response.json()).toEqual({ status: 'duplicate' });
    expect(await typesOf('576100000000000002')).toEqual([
      'OrderPlaced',
      'OrderSyncRequested',
      'OrderStatusChanged',
    ]);
  });

  it('is one change when the same status comes again under another notification id', async () => {
    await knownOrder('576100000000000003', 'AWAITING_SHIPMENT', 'FULFILLED_BY_TIKTOK');
    await send('576100000000000003', 'AWAITING_COLLECTION');
    const second = await send('576100000000000003', 'AWAITING_COLLECTION');
    expect(second.response.json()).toEqual({ status: 'accepted' });
    // A stale status, delivered late, changes nothing either.
    await send('576100000000000003', 'AWAITING_SHIPMENT');
    expect(await typesOf('576100000000000003')).toEqual([
      'OrderPlaced',
      'OrderSyncRequested',
      'FbtStatusChanged',
    ]);
    expect(await inboxRow(database, second.notificationId)).toMatchObject({ state: 'done' });
  });

  it('keeps every digit of ids sent as bare JSON numbers', async () => {
    await knownOrder('576100000000000123', 'UNPAID');
    const body =
      '{"type":1,"tts_notification_id":7327000000000000123,"shop_id":7494000000000000002,' +
      '"timestamp":1706000100,"data":{"order_id":576100000000000123,"order_status":"AWAITING_SHIPMENT","update_time":1706000100}}';
    const response = await service.post(body);
    expect(response.statusCode).toBe(200);
    expect(await inboxRow(database, '7327000000000000123')).toMatchObject({
      tiktok_order_id: '576100000000000123',
      state: 'done',
    });
    expect(await typesOf('576100000000000123')).toContain('OrderStatusChanged');
  });
});

describe('a status change for an order the service has not seen', () => {
  const addOrder = (spec: FakeOrderSpec) => fake.addOrder(tikTokOrderJson(spec));

  it('is answered at once; the order is fetched from TikTok Shop and recorded as FBT with quantities per SKU and decimal prices', async () => {
    addOrder({
      id: '576200000000000001',
      status: 'AWAITING_COLLECTION',
      fulfillmentType: 'FULFILLMENT_BY_TIKTOK',
      createTime: 1706000000,
      currency: 'GBP',
      items: [
        { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '19.99', quantity: 2 },
        { sellerSku: 'TEA', productName: 'Tea', salePrice: '0.10', quantity: 3 },
      ],
    });
    const { response, notificationId } = await send('576200000000000001', 'AWAITING_COLLECTION');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted' });

    expect(await done(notificationId)).toMatchObject({ state: 'done', outcome: 'order_recorded' });
    const [placed] = await orderEvents(service.parts, shopId, '576200000000000001');
    expect(placed!.type).toBe('OrderPlaced');
    expect(placed!.data).toMatchObject({
      storeId,
      tiktokOrderId: '576200000000000001',
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      status: 'AWAITING_COLLECTION',
      currency: 'GBP',
      totalAmount: '40.28',
      placedAt: '2024-01-23T08:53:20.000Z',
      lineItems: [
        { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '19.99' },
        { sku: 'TEA', title: 'Tea', quantity: 3, unitPrice: '0.10' },
      ],
    });
    expect(placed!.metadata).toMatchObject({
      correlationId: notificationId,
      actor: 'tiktok-shop-webhook',
    });
    // The fake checks app key, timestamp, signature and access token as TikTok does.
    const [fetch] = fetchesOf('576200000000000001');
    expect(fetch).toMatchObject({
      path: '/order/202309/orders',
      answeredStatus: 200,
      answeredCode: 0,
    });
    expect(fetch!.headers['x-tts-access-token']).toBe(credentials.accessToken);
  });

  it('records a seller-fulfilled order, then applies the webhook status when it is newer', async () => {
    addOrder({
      id: '576200000000000002',
      status: 'UNPAID',
      fulfillmentType: 'FULFILLMENT_BY_SELLER',
      items: [{ skuId: '1729000000000000077', salePrice: '5.00', quantity: 4 }],
    });
    const { notificationId } = await send('576200000000000002', 'AWAITING_SHIPMENT');
    await done(notificationId);
    const events = await orderEvents(service.parts, shopId, '576200000000000002');
    expect(events.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStatusChanged',
      'OrderSyncRequested',
    ]);
    expect(events[0]!.data).toMatchObject({
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'UNPAID',
      // No seller SKU: TikTok's sku_id stands in.
      lineItems: [{ sku: '1729000000000000077', quantity: 4, unitPrice: '5.00' }],
    });
    expect(events[1]!.data).toMatchObject({ from: 'UNPAID', to: 'AWAITING_SHIPMENT' });
  });

  it('is retried while TikTok Shop answers 5xx, and recorded once when it is back', async () => {
    addOrder({
      id: '576200000000000003',
      items: [{ sellerSku: 'LAMP', salePrice: '30.00', quantity: 1 }],
    });
    fake.inject({ kind: 'serverError', times: 3, httpStatus: 503 });
    const { response, notificationId } = await send('576200000000000003', 'AWAITING_SHIPMENT');
    expect(response.statusCode).toBe(200);

    const row = await done(notificationId);
    expect(row).toMatchObject({ state: 'done', outcome: 'order_recorded', attempts: 4 });
    expect(row.last_error).toMatch(/SERVER_ERROR: TikTok Shop answered HTTP 503/);
    expect(fetchesOf('576200000000000003').map((r) => r.answeredStatus)).toEqual([
      503, 503, 503, 200,
    ]);
    expect(await typesOf('576200000000000003')).toEqual(['OrderPlaced', 'OrderSyncRequested']);
  });

  it('is retried when a TikTok Shop call hangs past its timeout', async () => {
    addOrder({
      id: '576200000000000004',
      items: [{ sellerSku: 'CUP', salePrice: '2.00', quantity: 2 }],
    });
    fake.inject({ kind: 'hang' });
    const { notificationId } = await send('576200000000000004', 'AWAITING_SHIPMENT');
    const row = await done(notificationId);
    expect(row).toMatchObject({ state: 'done', attempts: 2 });
    expect(row.last_error).toMatch(/TIMEOUT/);
    expect(await typesOf('576200000000000004')).toEqual(['OrderPlaced', 'OrderSyncRequested']);
  });

  it('is failed with the reason when TikTok Shop refuses for good, kept, and applied once an operator queues it again', async () => {
    addOrder({
      id: '576200000000000005',
      items: [{ sellerSku: 'PEN', salePrice: '1.25', quantity: 1 }],
    });
    fake.inject({ kind: 'apiError', code: 36009999, message: 'Order query is not allowed' });
    const { notificationId } = await send('576200000000000005', 'AWAITING_SHIPMENT');
    const failed = await done(notificationId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.last_error).toMatch(/API_ERROR: .*36009999: Order query is not allowed/);
    expect(await typesOf('576200000000000005')).toEqual([]);

    expect(await requeueFailedWebhooks(database.db, [notificationId])).toEqual([notificationId]);
    service.webhooks.worker.wake();
    expect(
      await eventually(
        async () => (await inboxRow(database, notificationId))?.state === 'done',
        'the requeued row',
      ),
    ).toBe(true);
    expect(await typesOf('576200000000000005')).toEqual(['OrderPlaced', 'OrderSyncRequested']);
  });

  it('gives up on a retryable failure after the attempts allowed, and keeps the row', async () => {
    // TikTok does not have this order (yet): worth a few tries, not forever.
    const { notificationId } = await send('576200000000000404', 'AWAITING_SHIPMENT');
    const row = await done(notificationId);
    expect(row).toMatchObject({ state: 'failed', attempts: 5 });
    expect(row.last_error).toMatch(/NOT_FOUND.*\(gave up after 5 attempts\)/);
    expect(await typesOf('576200000000000404')).toEqual([]);
  });

  it('shows on /metrics', async () => {
    const text = (await service.parts.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(
      /^fbt_sync_tiktok_webhooks_processed_total\{outcome="order_recorded"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^fbt_sync_tiktok_webhooks_processed_total\{outcome="retry_scheduled"\} [1-9]/m,
    );
    expect(text).toMatch(/^fbt_sync_tiktok_webhooks_received_total\{outcome="duplicate"\} [1-9]/m);
    expect(text).toMatch(/^fbt_sync_tiktok_webhook_inbox_lag_seconds 0$/m);
    expect(text).toMatch(/^fbt_sync_tiktok_webhook_inbox_failed 1$/m);
    expect(text).toMatch(/^fbt_sync_tiktok_webhook_apply_delay_seconds_count [1-9]/m);
  });
});

describe('the inbox', () => {
  let other: TestDatabase;
  let stopLater: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    other = await createTestDatabase(10);
    await connectTestStore({ eventStore: createDomainEventStore(other.db) }, shopId);
  });
  afterEach(async () => {
    for (const stop of stopLater) await stop();
    stopLater = [];
  });
  afterAll(() => other.drop());

  it('keeps what was answered 200 through a crash, and applies one order’s notifications in the order they came', async () => {
    // A process that answers but dies before its worker runs (here: has none).
    const dying = await startWebhookTestService(other, {
      env: { TIKTOK_API_BASE_URL: fake.baseUrl },
      options: { startWorker: false },
    });
    fake.addOrder(
      tikTokOrderJson({
        id: '576300000000000001',
        status: 'IN_TRANSIT',
        items: [{ sellerSku: 'BOX', salePrice: '3.00', quantity: 2 }],
      }),
    );
    const bodies = [
      ['7327000000000900001', 'AWAITING_SHIPMENT', 1706000100],
      ['7327000000000900002', 'IN_TRANSIT', 1706000200],
      ['7327000000000900003', 'DELIVERED', 1706000300],
    ] as const;
    for (const [notificationId, status, updateTime] of bodies) {
      const response = await dying.post(
        statusWebhook({
          notificationId,
          shopId,
          orderId: '576300000000000001',
          status,
          updateTime,
        }),
      );
      expect(response.json()).toEqual({ status: 'accepted' });
    }
    await dying.stop();
    const before = fetchesOf('576300000000000001').length;

    const restarted = await startWebhookTestService(other, {
      env: { TIKTOK_API_BASE_URL: fake.baseUrl },
      options: { concurrency: 4 },
    });
    stopLater.push(() => restarted.stop());
    const rows = await eventually(async () => {
      const all = await other.db
        .selectFrom('tiktok_webhook_inbox')
        .selectAll()
        .orderBy('sequence')
        .execute();
      return all.every((row) => row.state === 'done') ? all : undefined;
    }, 'the restarted worker to apply the inbox');

    // The first notification fetched the order; the later ones found it known: one fetch, not three.
    expect(rows.map((row) => row.outcome)).toEqual([
      'order_recorded',
      'status_recorded',
      'status_recorded',
    ]);
    expect(fetchesOf('576300000000000001').length - before).toBe(1);
    expect(rows[0]!.processed_at!.getTime()).toBeLessThanOrEqual(rows[1]!.processed_at!.getTime());
    expect(rows[1]!.processed_at!.getTime()).toBeLessThanOrEqual(rows[2]!.processed_at!.getTime());
    const events = await orderEvents(restarted.parts, shopId, '576300000000000001');
    expect(events.map((event) => [event.type, event.metadata.correlationId])).toEqual([
      ['OrderPlaced', '7327000000000900001'],
      ['OrderSyncRequested', '7327000000000900001'],
      ['OrderStatusChanged', '7327000000000900003'],
    ]);
  });

  it('wakes the worker of another process through NOTIFY, without waiting for its poll', async () => {
    // The leader polls only every 10 minutes: only the NOTIFY can bring it in time.
    const leader = await startWebhookTestService(other, {
      env: { TIKTOK_API_BASE_URL: fake.baseUrl },
      options: { pollIntervalMs: 10 * 60 * 1000 },
    });
    stopLater.push(() => leader.stop());
    await eventually(() => Promise.resolve(leader.webhooks.worker.isLeading), 'a leader');
    // Past its first round, listening, and asleep until the next poll or a wake-up.
    await leader.webhooks.worker.settled();
    const front = await startWebhookTestService(other, {
      env: { TIKTOK_API_BASE_URL: fake.baseUrl },
      options: { startWorker: false },
    });
    stopLater.push(() => front.stop());
    fake.addOrder(
      tikTokOrderJson({
        id: '576300000000000002',
        items: [{ sellerSku: 'BAG', salePrice: '12.00', quantity: 1 }],
      }),
    );
    const response = await front.post(
      statusWebhook({
        notificationId: '7327000000000900010',
        shopId,
        orderId: '576300000000000002',
        status: 'AWAITING_SHIPMENT',
      }),
    );
    expect(response.json()).toEqual({ status: 'accepted' });
    expect(
      await eventually(
        async () => (await inboxRow(other, '7327000000000900010'))?.state === 'done',
        'the other process to apply the row',
      ),
    ).toBe(true);
  });

  it('takes over a row whose request died while holding it, once its lease runs out', async () => {
    // What a request leaves when its process dies right after writing the row: a lease, soon stale.
    await recordWebhookNotification(
      other.db,
      {
        notificationId: '7327000000000900020',
        type: 1,
        tiktokShopId: shopId,
        storeId: storeIdFor(shopId),
        tiktokOrderId: '576300000000000003',
        orderStatus: 'AWAITING_SHIPMENT',
        statusChangedAt: '2024-01-23T08:55:00.000Z',
        body: '{}',
      },
      200,
    );
    fake.addOrder(
      tikTokOrderJson({
        id: '576300000000000003',
        items: [{ sellerSku: 'HAT', salePrice: '8.00', quantity: 1 }],
      }),
    );
    const worker = await startWebhookTestService(other, {
      env: { TIKTOK_API_BASE_URL: fake.baseUrl },
    });
    stopLater.push(() => worker.stop());
    const row = await eventually(async () => {
      const found = await inboxRow(other, '7327000000000900020');
      return found?.state === 'done' ? found : undefined;
    }, 'the lease to run out and the worker to apply the row');
    // The dead request's attempt counts: it may have got as far as appending.
    expect(row).toMatchObject({ outcome: 'order_recorded', attempts: 2 });
  });
});
