import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  type CreatePlatformOrder,
  PlatformError,
  type PlatformOrder,
  type PlatformPort,
} from '../../sync/platformPort';
import { cancelSandboxOrder } from './cancelSandboxOrder';
import { decrementSandboxInventory } from './decrementSandboxInventory';
import { sandboxPlatformOrderId } from './lockSandboxOrder';
import { refundSandboxLines } from './refundSandboxLines';
import { holdSandboxFulfillment, markSandboxOrderPaid, releaseSandboxHold } from './sandboxHolds';
import { readSandboxSettings, type SandboxSettings } from './sandboxSettings';

export interface SandboxPlatformOptions {
  /** An answer later than this fails with TIMEOUT, like the Shopify adapter's request timeout. Default 10000. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function toPlatformOrder(row: { id: string; status: PlatformOrder['status']; tags: string[] }) {
  return { platformOrderId: sandboxPlatformOrderId(row.id), status: row.status, tags: row.tags };
}

/** The refusals of a real platform that the sandbox makes too. */
function refusal(order: CreatePlatformOrder, settings: SandboxSettings): string | null {
  if (order.lineItems.length === 0) return 'The order has no line items';
  if (order.onHold === true && order.status === 'FULFILLED') {
    return 'A FULFILLED order cannot be created with its fulfilment held';
  }
  for (const line of order.lineItems) {
    if (line.sku.trim() === '') return `A line item (${line.title ?? 'untitled'}) has no SKU`;
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      return `SKU ${JSON.stringify(line.sku)} has quantity ${line.quantity}; it must be at least 1`;
    }
  }
  const refused = [...new Set(order.lineItems.map((line) => line.sku))].filter((sku) =>
    settings.rejectSkus.includes(sku),
  );
  if (refused.length > 0) {
    return `The sandbox platform has no product with SKU ${refused.map((sku) => JSON.stringify(sku)).join(', ')} (sandbox_settings.reject_skus)`;
  }
  return null;
}

/**
 * The sandbox platform (PLATFORM=sandbox): a simulated e-commerce platform in
 * the service's own database, with Shopify's semantics: an order is found by
 * its source identifier (the TikTok order id); DECREMENT_OBEYING_POLICY takes
 * its quantities off the store's stock in the same transaction as the order,
 * BYPASS leaves the stock alone. Unlike Shopify, it never holds two orders
 * with one source identifier in a store: a second createOrder answers the
 * order that is there and deducts nothing.
 *
 * After sync it cancels once (restocking what is left, where it deducted),
 * refunds once per key (sandbox_refunds), and holds, releases and marks paid
 * the orders created on hold (SYNC_ON_HOLD: financial_status PENDING,
 * fulfillment_held), each under the order's row lock, so a repeated call
 * finds its effect and answers "already".
 *
 * The one row of `sandbox_settings`, read on every call, makes it misbehave:
 * `unavailable_until` (UNAVAILABLE until then), `latency_ms` (every answer
 * that late, after the work is done; from timeoutMs on, TIMEOUT, the work
 * done all the same, as when an answer is lost) and `reject_skus` (REJECTED).
 */
export function createSandboxPlatform(
  db: Kysely<Database>,
  { timeoutMs = 10_000, sleep = (ms) => delay(ms) }: SandboxPlatformOptions = {},
): PlatformPort {
  async function answerLate<T>(settings: SandboxSettings, answer: T): Promise<T> {
    if (settings.latencyMs >= timeoutMs) {
      await sleep(timeoutMs);
      throw new PlatformError(
        'TIMEOUT',
        `The sandbox platform did not answer within ${timeoutMs} ms (sandbox_settings.latency_ms is ${settings.latencyMs})`,
      );
    }
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    return answer;
  }

  async function settingsAllowingCalls(): Promise<SandboxSettings> {
    const settings = await readSandboxSettings(db);
    if (settings.unavailable) {
      throw new PlatformError(
        'UNAVAILABLE',
        `The sandbox platform is unavailable until ${settings.unavailableUntil!.toISOString()} (sandbox_settings.unavailable_until)`,
      );
    }
    return settings;
  }

  /** A change to a synced order: refused in an outage, answered late (or lost) after the work is done. */
  async function afterSync<T>(work: () => Promise<T>): Promise<T> {
    const settings = await settingsAllowingCalls();
    return answerLate(settings, await work());
  }

  const find = (storeId: string, tiktokOrderId: string) =>
    db
      .selectFrom('sandbox_orders')
      .select(['id', 'status', 'tags'])
      .where('store_id', '=', storeId)
      .where('source_identifier', '=', tiktokOrderId)
      .executeTakeFirst();

  return {
    async findOrder(store, tiktokOrderId) {
      const settings = await settingsAllowingCalls();
      const row = await find(store.storeId, tiktokOrderId);
      return answerLate(settings, row === undefined ? null : toPlatformOrder(row));
    },

    async createOrder(order) {
      const settings = await settingsAllowingCalls();
      const refused = refusal(order, settings);
      if (refused !== null) throw new PlatformError('REJECTED', refused);

      const created = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('sandbox_orders')
          .values({
            store_id: order.store.storeId,
            source_identifier: order.tiktokOrderId,
            order_id: order.orderId,
            status: order.status,
            tags: order.tags,
            line_items: JSON.stringify(order.lineItems),
            currency: order.currency,
            total_amount: order.totalAmount,
            inventory_behaviour: order.inventoryBehaviour,
            placed_at: order.placedAt,
            financial_status: order.onHold === true ? 'PENDING' : 'PAID',
            fulfillment_held: order.onHold === true,
          })
          .onConflict((conflict) => conflict.columns(['store_id', 'source_identifier']).doNothing())
          .returning(['id', 'status', 'tags'])
          .executeTakeFirst();
        if (row !== undefined && order.inventoryBehaviour === 'DECREMENT_OBEYING_POLICY') {
          await decrementSandboxInventory(trx, order.store.storeId, order.lineItems);
        }
        return row;
      });
      // Nothing inserted: the order is there already (a create that raced this one, committed).
      const row = created ?? (await find(order.store.storeId, order.tiktokOrderId));
      if (row === undefined) {
        throw new Error(`sandbox order ${order.tiktokOrderId} neither inserted nor found`);
      }
      return answerLate(settings, toPlatformOrder(row));
    },

    cancelOrder: (cancel) => afterSync(() => cancelSandboxOrder(db, cancel)),
    refundLines: (refund) => afterSync(() => refundSandboxLines(db, refund)),
    holdFulfillment: (ref) => afterSync(() => holdSandboxFulfillment(db, ref)),
    releaseHold: (ref) => afterSync(() => releaseSandboxHold(db, ref)),
    markPaid: (ref) => afterSync(() => markSandboxOrderPaid(db, ref)),
  };
}
