import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../../db/schema';
import type { FulfillmentType, OrderSyncStatus } from '../../domain/orderVocabulary';
import type { TikTokOrderStatus } from '../../domain/tiktokStatus';

/** Which of a store's orders to read; every condition given must hold. */
export interface OrderFilter {
  /** Any of these sync statuses (an empty list matches nothing). */
  syncStatus?: readonly OrderSyncStatus[];
  /** Any of these TikTok Shop statuses (an empty list matches nothing). */
  tiktokStatus?: readonly TikTokOrderStatus[];
  fulfillmentType?: FulfillmentType;
  /** Any of these mirroring statuses (an empty list matches nothing). */
  mirroring?: readonly string[];
  tiktokOrderId?: string;
  /** Placed strictly after this instant. */
  placedAfter?: Date;
  /** Placed strictly before this instant. */
  placedBefore?: Date;
}

/** The filter as SQL conditions on orders (each one served by an index of 0002_read_models or 0010_order_life_read_models). */
export function orderFilterConditions(
  eb: ExpressionBuilder<Database, 'orders'>,
  filter: OrderFilter,
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.syncStatus !== undefined)
    conditions.push(
      filter.syncStatus.length === 0
        ? eb.lit(false)
        : eb('orders.sync_status', 'in', [...filter.syncStatus]),
    );
  if (filter.tiktokStatus !== undefined)
    conditions.push(
      filter.tiktokStatus.length === 0
        ? eb.lit(false)
        : eb('orders.tiktok_status', 'in', [...filter.tiktokStatus]),
    );
  if (filter.fulfillmentType !== undefined)
    conditions.push(eb('orders.fulfillment_type', '=', filter.fulfillmentType));
  if (filter.mirroring !== undefined)
    conditions.push(
      filter.mirroring.length === 0
        ? eb.lit(false)
        : eb('orders.mirroring_status', 'in', [...filter.mirroring]),
    );
  if (filter.tiktokOrderId !== undefined)
    conditions.push(eb('orders.tiktok_order_id', '=', filter.tiktokOrderId));
  if (filter.placedAfter !== undefined)
    conditions.push(eb('orders.placed_at', '>', filter.placedAfter));
  if (filter.placedBefore !== undefined)
    conditions.push(eb('orders.placed_at', '<', filter.placedBefore));
  return conditions;
}

/** Whether order_counts alone answers how many orders match: no filter, or sync statuses only. */
export function countableFromOrderCounts(filter: OrderFilter): boolean {
  return (
    filter.tiktokStatus === undefined &&
    filter.fulfillmentType === undefined &&
    filter.mirroring === undefined &&
    filter.tiktokOrderId === undefined &&
    filter.placedAfter === undefined &&
    filter.placedBefore === undefined
  );
}
