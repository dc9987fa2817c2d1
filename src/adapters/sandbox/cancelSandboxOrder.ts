import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  type CancelOutcome,
  type CancelPlatformOrder,
  PlatformError,
} from '../../sync/platformPort';
import { adjustSandboxInventory, quantitiesBySku } from './adjustSandboxInventory';
import { lockSandboxOrder } from './lockSandboxOrder';

/**
 * Cancels a sandbox order once. Under the order's row lock, a cancelled_at
 * already set is the answer (an earlier call did it, its answer perhaps
 * lost): nothing is done again. A restock puts back what is left of the
 * order, each SKU's quantity less the units refunded before, and only on an
 * order whose creation deducted the stock.
 */
export async function cancelSandboxOrder(
  db: Kysely<Database>,
  cancel: CancelPlatformOrder,
): Promise<CancelOutcome> {
  return db.transaction().execute(async (trx) => {
    const order = await lockSandboxOrder(trx, cancel);
    if (order.cancelled_at !== null) {
      return { kind: 'alreadyCancelled', cancelledAt: order.cancelled_at.toISOString() };
    }
    let restocked: Map<string, number> | null = null;
    if (cancel.restock) {
      if (order.inventory_behaviour !== 'DECREMENT_OBEYING_POLICY') {
        throw new PlatformError(
          'REJECTED',
          `Sandbox order ${cancel.platformOrderId} was created with ${order.inventory_behaviour}: its stock was never deducted, so it is not restocked`,
        );
      }
      const refunds = await trx
        .selectFrom('sandbox_refunds')
        .select('lines')
        .where('sandbox_order_id', '=', order.id)
        .execute();
      restocked = quantitiesBySku(order.line_items);
      for (const [sku, quantity] of quantitiesBySku(
        refunds.flatMap((refund) => refund.lines),
        -1,
      )) {
        restocked.set(sku, (restocked.get(sku) ?? 0) + quantity);
      }
      await adjustSandboxInventory(trx, order.store_id, restocked);
    }
    const row = await trx
      .updateTable('sandbox_orders')
      .set({
        cancelled_at: new Date(),
        cancel_reason: cancel.reason,
        cancel_note: cancel.reasonText,
        restocked_on_cancel:
          restocked === null
            ? null
            : JSON.stringify(
                Object.fromEntries([...restocked].filter(([, quantity]) => quantity > 0)),
              ),
      })
      .where('id', '=', order.id)
      .returning('cancelled_at')
      .executeTakeFirstOrThrow();
    return { kind: 'cancelled', cancelledAt: row.cancelled_at!.toISOString() };
  });
}
