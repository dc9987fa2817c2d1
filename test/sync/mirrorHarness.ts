import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { refundKeyOf } from '../../src/adapters/shopify/refundNote';
import { mirroringStatusOf } from '../../src/domain/orderAfterSync';
import type { Order } from '../../src/domain/orderState';
import type { PlatformPort } from '../../src/sync/platformPort';
import { type MirrorReactor, startMirrorReactor } from '../../src/sync/startMirrorReactor';
import type { SyncReactorOptions } from '../../src/sync/startSyncReactor';
import { MIRROR_REACTOR } from '../../src/sync/subscribeMirrorQueue';
import { compareCheckpoints } from '../../src/eventstore/checkpoint';
import { loadCheckpoint } from '../../src/eventstore/checkpoints';
import type { FakeShopify } from '../support/fakeShopify';
import { orderEvents, type Process, QUICK, type TestStore, until, untilOrder } from './syncHarness';

/** The mirroring reactor in a test process, with the sync harness's short delays. */
export function startMirroring(
  process: Process,
  platform: PlatformPort,
  url: string,
  options: Partial<SyncReactorOptions> = {},
): MirrorReactor {
  return startMirrorReactor({
    ...QUICK,
    ...options,
    db: process.handle.db,
    databaseUrl: url,
    eventStore: process.eventStore,
    platform,
    log: process.log,
    registry: options.registry ?? process.registry,
  });
}

/** What the platform holds of an order after sync, the sandbox and the fake Shopify told alike. */
export interface PlatformOrderLife {
  cancelled: boolean;
  /** Whether its cancellation restocked; null when not cancelled. */
  restockedOnCancel: boolean | null;
  cancelReason: string | null;
  /** The refunds fbt-sync made (keyed); Shopify's own, of a cancellation's restock, are left out. */
  refunds: Array<{
    key: string | null;
    lines: Array<{ sku: string; quantity: number; restocked: boolean }>;
    /** The money recorded, with two decimals. */
    amount: string;
  }>;
  /** All the money refunded, with two decimals. */
  moneyRefunded: string;
  held: boolean;
  paid: boolean;
}

const twoDecimals = (amount: string | number) => Number(amount).toFixed(2);

export type LifeOf = (store: TestStore, tiktokOrderId: string) => Promise<PlatformOrderLife>;

export function sandboxLife(process: { handle: { db: Kysely<Database> } }): LifeOf {
  const { db } = process.handle;
  return async (store, tiktokOrderId) => {
    const order = await db
      .selectFrom('sandbox_orders')
      .selectAll()
      .where('store_id', '=', store.storeId)
      .where('source_identifier', '=', tiktokOrderId)
      .executeTakeFirstOrThrow();
    const refunds = await db
      .selectFrom('sandbox_refunds')
      .selectAll()
      .where('sandbox_order_id', '=', order.id)
      .orderBy('id')
      .execute();
    return {
      cancelled: order.cancelled_at !== null,
      restockedOnCancel: order.cancelled_at === null ? null : order.restocked_on_cancel !== null,
      cancelReason: order.cancel_reason,
      refunds: refunds.map((refund) => ({
        key: refund.refund_key,
        lines: refund.lines.map((line) => ({
          sku: line.sku,
          quantity: line.quantity,
          restocked: line.restockType !== 'NO_RESTOCK',
        })),
        amount: twoDecimals(refund.amount),
      })),
      moneyRefunded: twoDecimals(refunds.reduce((sum, r) => sum + Number(r.amount), 0)),
      held: order.fulfillment_held,
      paid: order.financial_status === 'PAID',
    };
  };
}

export function shopifyLife(fake: FakeShopify): LifeOf {
  return (store, tiktokOrderId) => {
    fake.runDueJobs();
    const order = fake.ordersOf(store.shopDomain).find((o) => o.sourceIdentifier === tiktokOrderId);
    if (order === undefined) throw new Error(`Shopify has no order ${tiktokOrderId}`);
    const skuOf = new Map(order.lineItems.map((line) => [line.id, line.sku ?? '']));
    const money = (refund: (typeof order.refunds)[number]) =>
      refund.transactions.reduce((sum, t) => sum + Number(t.amount), 0);
    return Promise.resolve({
      cancelled: order.cancelledAt !== null,
      restockedOnCancel: order.cancellation === null ? null : order.cancellation.restock,
      cancelReason: order.cancelReason,
      // orderCancel with restock records a refund of its own, keyless and without money.
      refunds: order.refunds
        .filter((refund) => refundKeyOf(refund.note) !== null)
        .map((refund) => {
          // One entry per SKU and restock, as the port sent them.
          const lines = new Map<string, { sku: string; quantity: number; restocked: boolean }>();
          for (const line of refund.lines) {
            const sku = skuOf.get(line.lineItemId)!;
            const restocked = line.restockType !== 'NO_RESTOCK';
            const known = lines.get(`${sku} ${restocked}`);
            if (known) known.quantity += line.quantity;
            else lines.set(`${sku} ${restocked}`, { sku, quantity: line.quantity, restocked });
          }
          return {
            key: refundKeyOf(refund.note),
            lines: [...lines.values()],
            amount: twoDecimals(money(refund)),
          };
        }),
      moneyRefunded: twoDecimals(order.refunds.reduce((sum, refund) => sum + money(refund), 0)),
      held: order.fulfillmentOrders.some((fo) => fo.holds.length > 0),
      paid: order.displayFinancialStatus === 'PAID',
    });
  };
}

export const untilMirrored = (process: Process, orderId: string): Promise<Order> =>
  untilOrder(
    process.eventStore,
    orderId,
    (o) => o.afterSync.mirrorings.length > 0 && mirroringStatusOf(o) === 'MIRRORED',
    `order ${orderId}'s mirrorings MIRRORED`,
  );

/** The port, counting the calls made on it after sync. */
export function countingPort(port: PlatformPort): {
  port: PlatformPort;
  calls: Record<'cancelOrder' | 'refundLines' | 'releaseHold' | 'markPaid', number>;
} {
  const calls = { cancelOrder: 0, refundLines: 0, releaseHold: 0, markPaid: 0 };
  return {
    calls,
    port: {
      ...port,
      cancelOrder: (cancel) => (calls.cancelOrder++, port.cancelOrder(cancel)),
      refundLines: (refund) => (calls.refundLines++, port.refundLines(refund)),
      releaseHold: (ref) => (calls.releaseHold++, port.releaseHold(ref)),
      markPaid: (ref) => (calls.markPaid++, port.markPaid(ref)),
    },
  };
}

/** Waits until the mirroring queue has read every event of the order so far; answers its rows' keys. */
export async function untilMirrorQueueHasRead(
  process: Process,
  orderId: string,
): Promise<string[]> {
  const last = (await orderEvents(process.eventStore, orderId)).at(-1)!.checkpoint;
  await until(
    async () =>
      compareCheckpoints(await loadCheckpoint(process.handle.db, MIRROR_REACTOR), last) >= 0,
    `the mirroring queue to read order ${orderId}`,
  );
  const rows = await process.handle.db
    .selectFrom('mirror_queue')
    .select('key')
    .where('order_id', '=', orderId)
    .orderBy('key')
    .execute();
  return rows.map((row) => row.key);
}
