import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { createTikTokShopClient } from '../../src/adapters/tiktok/createTikTokShopClient';
import { type ReconcileResult, reconcileStore } from '../../src/adapters/tiktok/reconcileStore';
import { mirroringStatusOf } from '../../src/domain/orderAfterSync';
import { platformFromConfig } from '../../src/platformFromConfig';
import { installSync } from '../../src/sync/installSync';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeOrderSpec,
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
  tikTokReturnJson,
} from '../support/fakeTikTokShop';
import { connectStoreTwoDaysAgo } from '../support/reconcileScenario';
import { sandboxLife } from '../sync/mirrorHarness';
import { QUICK } from '../sync/syncHarness';
import {
  credentials,
  eventually,
  inboxRow,
  orderEvents,
  orderState,
  startWebhookTestService,
  statusWebhook,
  type WebhookTestService,
} from '../webhooks/webhookTestService';

/**
 * Lost webhooks after sync: orders synced to the sandbox, then cancelled
 * (whole or some units) or refunded on TikTok Shop, with the notifications
 * of two thirds of them lost. One reconcile brings every order where the
 * "After sync" table says, through the commands the webhooks use; a second
 * one appends nothing.
 */

const shopId = '7494000000000000121';
let database: TestDatabase;
let fake: FakeTikTokShop;
let service: WebhookTestService;
let storeId: string;

beforeAll(async () => {
  database = await createTestDatabase(10);
  // A fake of this file's own: Search Orders and Search Returns see this shop's orders only.
  fake = await startFakeTikTokShop(credentials);
  service = await startWebhookTestService(database, { env: { TIKTOK_API_BASE_URL: fake.baseUrl } });
  installSync(
    service.parts,
    platformFromConfig(service.parts.config, service.parts.database.db, service.parts.log),
    QUICK,
  );
  storeId = await connectStoreTwoDaysAgo(service.parts.eventStore, shopId);
});
afterAll(async () => {
  await service.stop();
  await fake.close();
  await database.drop();
});

const reconcile = () =>
  reconcileStore(
    {
      db: database.db,
      url: database.url,
      eventStore: service.parts.eventStore,
      client: createTikTokShopClient({ baseUrl: fake.baseUrl, ...credentials, timeoutMs: 2000 }),
      log: pino({ level: 'silent' }),
      // Small pages, so both searches page.
      pageSize: 7,
      backoff: { baseDelayMs: 5, maxDelayMs: 20 },
    },
    { storeId },
  );

function completed(result: ReconcileResult) {
  if (result.outcome !== 'completed') throw new Error(`expected a completed run: ${result.reason}`);
  return result;
}

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
    database.db,
  );
  return rows[0]!.n;
}

type Change = 'CANCELLED' | 'LINES_CANCELLED' | 'REFUNDED' | 'REFUND_REJECTED' | 'NONE';
const CHANGES: Change[] = ['CANCELLED', 'LINES_CANCELLED', 'REFUNDED', 'REFUND_REJECTED', 'NONE'];

interface Case {
  tiktokOrderId: string;
  fbt: boolean;
  change: Change;
  /** Whether the notification of the change (type 11 or 12) reached us. */
  delivered: boolean;
  createTime: number;
}

const start = Math.floor(Date.now() / 1000) - 10 * 3600;
const cases: Case[] = Array.from({ length: 30 }, (_, i) => ({
  tiktokOrderId: `578120${String(i).padStart(6, '0')}`,
  fbt: i % 2 === 1,
  change: CHANGES[i % CHANGES.length]!,
  delivered: i % 3 === 0,
  createTime: start + i * 60,
}));

/** Two red mugs at 12.50, a blue cap at 9.90: lines 0 and 1. */
const orderSpec = (c: Case, more: Partial<FakeOrderSpec> = {}): FakeOrderSpec => ({
  id: c.tiktokOrderId,
  // AWAITING_COLLECTION: synced under WAIT_FOR_AWAITING_COLLECTION too.
  status: 'AWAITING_COLLECTION',
  fulfillmentType: c.fbt ? 'FULFILLMENT_BY_TIKTOK' : 'FULFILLMENT_BY_SELLER',
  createTime: c.createTime,
  updateTime: c.createTime,
  items: [
    { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '12.50', quantity: 2 },
    { sellerSku: 'CAP-BLUE', productName: 'Blue cap', salePrice: '9.90', quantity: 1 },
  ],
  ...more,
});
const unitIds = (c: Case) =>
  (tikTokOrderJson(orderSpec(c)).line_items as Array<{ id: string }>).map((unit) => unit.id);

let serial = 0;
async function deliver(body: Record<string, unknown>): Promise<void> {
  const notificationId = `73271210${String(++serial).padStart(11, '0')}`;
  const response = await service.post(
    JSON.stringify({ ...body, tts_notification_id: notificationId, shop_id: shopId }),
  );
  expect(response.statusCode).toBe(200);
  await eventually(async () => {
    const row = await inboxRow(database, notificationId);
    return row?.state === 'done' ? row : undefined;
  }, `notification ${notificationId} applied`);
}

/** What TikTok Shop says of the order after its change, an hour after it was placed. */
function change(c: Case): void {
  const later = c.createTime + 3600;
  if (c.change === 'CANCELLED') {
    fake.addOrder(
      tikTokOrderJson(
        orderSpec(c, {
          status: 'CANCELLED',
          updateTime: later,
          cancelReason: 'Buyer changed their mind',
          cancellationInitiator: 'BUYER',
        }),
      ),
    );
  } else if (c.change === 'LINES_CANCELLED') {
    const spec = orderSpec(c, {
      updateTime: later,
      cancelReason: 'Out of stock',
      cancellationInitiator: 'SELLER',
    });
    spec.items[0]!.cancelledUnits = 1;
    fake.addOrder(tikTokOrderJson(spec));
  } else if (c.change === 'REFUNDED' || c.change === 'REFUND_REJECTED') {
    // The order itself is not updated: only Search Returns by update time finds the return.
    fake.addReturn(
      tikTokReturnJson({
        returnId: `40351210${c.tiktokOrderId.slice(-6)}`,
        orderId: c.tiktokOrderId,
        status:
          c.change === 'REFUNDED'
            ? 'RETURN_OR_REFUND_REQUEST_COMPLETE'
            : 'REFUND_OR_RETURN_REQUEST_REJECT',
        returnType: 'RETURN_AND_REFUND',
        refundTotal: '12.50',
        unitIds: [unitIds(c)[0]!],
        updateTime: later,
      }),
    );
  }
}

const typesOf = async (c: Case) =>
  (await orderEvents(service.parts, shopId, c.tiktokOrderId)).map((event) => event.type);
const count = (types: string[], type: string) => types.filter((t) => t === type).length;

it('one reconcile records the cancellations and refunds whose webhooks were lost, as the table says; a second appends nothing', async () => {
  // Every order placed and synced: its first webhook came.
  for (const c of cases) {
    fake.addOrder(tikTokOrderJson(orderSpec(c)));
    await deliver(
      JSON.parse(
        statusWebhook({
          notificationId: 'replaced',
          shopId,
          orderId: c.tiktokOrderId,
          status: 'AWAITING_COLLECTION',
          updateTime: c.createTime,
        }),
      ) as Record<string, unknown>,
    );
  }
  for (const c of cases) {
    await eventually(
      async () =>
        (await orderState(service.parts, shopId, c.tiktokOrderId))?.syncStatus === 'SYNCED',
      `order ${c.tiktokOrderId} SYNCED`,
    );
  }

  // Then TikTok cancelled or refunded them; a third of those notifications came.
  for (const c of cases) {
    change(c);
    if (!c.delivered || c.change === 'NONE') continue;
    const type = c.change === 'CANCELLED' || c.change === 'LINES_CANCELLED' ? 11 : 12;
    await deliver({ type, timestamp: c.createTime + 3600, data: { order_id: c.tiktokOrderId } });
  }
  const lost = cases.filter((c) => !c.delivered);
  const lostCancellations = lost.filter(
    (c) => c.change === 'CANCELLED' || c.change === 'LINES_CANCELLED',
  ).length;
  const lostRefunds = lost.filter((c) => c.change === 'REFUNDED').length;
  expect(lostCancellations).toBeGreaterThan(0);
  expect(lostRefunds).toBeGreaterThan(0);

  const first = completed(await reconcile());
  expect(first).toMatchObject({
    found: cases.length,
    recorded: 0,
    // The whole-order cancellations whose webhooks were lost also moved the status.
    statusChanges: lost.filter((c) => c.change === 'CANCELLED').length,
    cancellations: lostCancellations,
    returnsFound: cases.filter((c) => c.change === 'REFUNDED' || c.change === 'REFUND_REJECTED')
      .length,
    refunds: lostRefunds,
  });
  expect(first.returnPages).toBeGreaterThan(1);

  const life = sandboxLife({ handle: service.parts.database });
  const store = { storeId, shopDomain: '' };
  for (const c of cases) {
    const order = await eventually(async () => {
      const state = await orderState(service.parts, shopId, c.tiktokOrderId);
      return state !== null && mirroringStatusOf(state) !== 'PENDING' ? state : undefined;
    }, `order ${c.tiktokOrderId}'s mirrorings done`);
    const types = await typesOf(c);
    const platform = await life(store, c.tiktokOrderId);
    const what = `${c.tiktokOrderId} (${c.fbt ? 'FBT' : 'seller'}, ${c.change}, ${c.delivered ? 'delivered' : 'lost'})`;
    // Written out from docs/fbt-sync-rules.md, "After sync".
    switch (c.change) {
      case 'CANCELLED':
        expect({ what, cancellation: order.afterSync.cancellation }).toMatchObject({
          what,
          cancellation: { reason: 'Buyer changed their mind', initiator: 'BUYER' },
        });
        expect({ what, cancelled: platform.cancelled, refunds: platform.refunds }).toEqual({
          what,
          cancelled: true,
          refunds: [],
        });
        // FBT under WAIT_FOR_AWAITING_COLLECTION: the platform was never deducted.
        expect({ what, restocked: platform.restockedOnCancel }).toEqual({
          what,
          restocked: !c.fbt,
        });
        expect(count(types, 'OrderCancelledAfterSync')).toBe(1);
        break;
      case 'LINES_CANCELLED':
        expect({ what, cancelled: platform.cancelled, refunds: platform.refunds }).toMatchObject({
          what,
          cancelled: false,
          refunds: [
            {
              lines: [{ sku: 'MUG-RED', quantity: 1, restocked: !c.fbt }],
              amount: '12.50',
            },
          ],
        });
        expect(count(types, 'OrderLinesCancelled')).toBe(1);
        break;
      case 'REFUNDED':
        expect({ what, refunds: platform.refunds }).toMatchObject({
          what,
          // restockReturns is off: nothing goes back into stock.
          refunds: [
            {
              key: `refund:40351210${c.tiktokOrderId.slice(-6)}`,
              lines: [{ sku: 'MUG-RED', quantity: 1, restocked: false }],
              amount: '12.50',
            },
          ],
        });
        expect(count(types, 'OrderRefundCompleted')).toBe(1);
        break;
      case 'REFUND_REJECTED':
      case 'NONE':
        expect({ what, cancelled: platform.cancelled, refunds: platform.refunds }).toEqual({
          what,
          cancelled: false,
          refunds: [],
        });
        expect(order.afterSync.facts).toEqual([]);
        break;
    }
    expect({ what, status: mirroringStatusOf(order) }).toEqual({
      what,
      status: c.change === 'NONE' || c.change === 'REFUND_REJECTED' ? 'NONE' : 'MIRRORED',
    });
    expect(count(types, 'OrderSynced')).toBe(1);
    // The facts whose webhooks were lost were recorded by reconciliation.
    const facts = (await orderEvents(service.parts, shopId, c.tiktokOrderId)).filter((e) =>
      ['OrderCancelledAfterSync', 'OrderLinesCancelled', 'OrderRefundCompleted'].includes(e.type),
    );
    for (const fact of facts) {
      expect({ what, actor: (fact.metadata as { actor: string }).actor }).toEqual({
        what,
        actor: c.delivered ? 'tiktok-shop-webhook' : 'tiktok-shop-reconcile',
      });
    }
  }

  // Everything settled: a second reconcile over the same window appends nothing.
  const before = await eventCount();
  const detailsBefore = fake.requests.filter((r) => r.path === '/order/202309/orders').length;
  const second = completed(await reconcile());
  expect(second).toMatchObject({ recorded: 0, statusChanges: 0, cancellations: 0, refunds: 0 });
  expect(second.found).toBe(first.found);
  expect(second.returnsFound).toBe(first.returnsFound);
  expect(await eventCount()).toBe(before);
  // Nothing new to read: no order's detail was asked for.
  expect(fake.requests.filter((r) => r.path === '/order/202309/orders').length).toBe(detailsBefore);
}, 120_000);
