import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  PlatformError,
  REFUND_KEY_PATTERN,
  type RefundOutcome,
  type RefundPlatformLines,
} from '../../sync/platformPort';
import { fromMicros, toMicros } from '../decimalAmount';
import { adjustSandboxInventory, quantitiesBySku } from './adjustSandboxInventory';
import { lockSandboxOrder } from './lockSandboxOrder';

export const sandboxPlatformRefundId = (id: string) => `gid://fbt-sync/SandboxRefund/${id}`;

const rejected = (message: string) => new PlatformError('REJECTED', message);

/**
 * Records a refund on a sandbox order once per key. Under the order's row
 * lock, a refund with this key already there is the answer (an earlier call
 * made it, its answer perhaps lost), and the unique (order, key) pair holds
 * whatever else happens. The same lock gives what is left: no SKU refunded
 * past its quantity, no money past the order's total, and a restock (CANCEL
 * or RETURN) only of an order whose creation deducted the stock.
 */
export async function refundSandboxLines(
  db: Kysely<Database>,
  refund: RefundPlatformLines,
): Promise<RefundOutcome> {
  if (!REFUND_KEY_PATTERN.test(refund.key)) {
    throw rejected(`The refund key ${JSON.stringify(refund.key)} is not one we can look up`);
  }
  const amount = toMicros(refund.amount);
  if (amount === undefined) {
    throw rejected(`The refund amount ${JSON.stringify(refund.amount)} is not a decimal amount`);
  }
  return db.transaction().execute(async (trx) => {
    const order = await lockSandboxOrder(trx, refund);
    const refunds = await trx
      .selectFrom('sandbox_refunds')
      .select(['id', 'refund_key', 'lines', 'amount'])
      .where('sandbox_order_id', '=', order.id)
      .execute();
    const existing = refunds.find((row) => row.refund_key === refund.key);
    if (existing !== undefined) {
      return {
        kind: 'alreadyRefunded',
        platformRefundId: sandboxPlatformRefundId(existing.id),
        amountRecorded: fromMicros(toMicros(existing.amount) ?? 0n),
      };
    }

    if (refund.currency !== order.currency) {
      throw rejected(
        `The refund is in ${refund.currency}; sandbox order ${refund.platformOrderId} is in ${order.currency}`,
      );
    }
    if (refund.lines.length === 0 && amount === 0n) {
      throw rejected('The refund has neither lines nor an amount');
    }
    if (refund.lines.length > 0 && order.cancelled_at !== null) {
      throw rejected(
        `Sandbox order ${refund.platformOrderId} is cancelled: its lines went with it`,
      );
    }
    const left = quantitiesBySku(order.line_items);
    for (const [sku, quantity] of quantitiesBySku(
      refunds.flatMap((row) => row.lines),
      -1,
    )) {
      left.set(sku, left.get(sku)! + quantity);
    }
    for (const line of refund.lines) {
      if (!Number.isInteger(line.quantity) || line.quantity < 1) {
        throw rejected(
          `SKU ${JSON.stringify(line.sku)} has refund quantity ${line.quantity}; it must be at least 1`,
        );
      }
      const available = left.get(line.sku);
      if (available === undefined) {
        throw rejected(
          `Sandbox order ${refund.platformOrderId} has no line with SKU ${JSON.stringify(line.sku)}`,
        );
      }
      if (line.quantity > available) {
        throw rejected(
          `Sandbox order ${refund.platformOrderId} has ${available} unit(s) of SKU ${JSON.stringify(line.sku)} left to refund; ${line.quantity} asked`,
        );
      }
      left.set(line.sku, available - line.quantity);
    }
    const restock = refund.lines.filter((line) => line.restockType !== 'NO_RESTOCK');
    if (restock.length > 0 && order.inventory_behaviour !== 'DECREMENT_OBEYING_POLICY') {
      throw rejected(
        `Sandbox order ${refund.platformOrderId} was created with ${order.inventory_behaviour}: its stock was never deducted, so nothing is restocked`,
      );
    }

    const refunded = refunds.reduce((sum, row) => sum + (toMicros(row.amount) ?? 0n), 0n);
    const total = toMicros(order.total_amount) ?? 0n;
    if (refunded + amount > total) {
      throw rejected(
        `A refund of ${fromMicros(amount)} ${order.currency} would take sandbox order ${refund.platformOrderId} past its total of ${fromMicros(total)} (${fromMicros(refunded)} refunded already)`,
      );
    }
    // As on Shopify: an order whose payment is still pending received no money to give back.
    const recorded = order.financial_status === 'PENDING' ? 0n : amount;

    const inserted = await trx
      .insertInto('sandbox_refunds')
      .values({
        sandbox_order_id: order.id,
        refund_key: refund.key,
        note: refund.note,
        lines: JSON.stringify(refund.lines),
        amount: fromMicros(recorded),
        currency: refund.currency,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await adjustSandboxInventory(trx, order.store_id, quantitiesBySku(restock));
    return {
      kind: 'refunded',
      platformRefundId: sandboxPlatformRefundId(inserted.id),
      amountRecorded: fromMicros(recorded),
    };
  });
}
