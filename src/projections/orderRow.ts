import type { Selectable } from 'kysely';
import { mirroringStatusOf } from '../domain/orderAfterSync';
import type { Order } from '../domain/orderState';
import type { OrdersTable } from './tables';

/** An orders row as it is read. */
export type OrderRow = Selectable<OrdersTable>;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());
const date = (instant: string | null) => (instant === null ? null : new Date(instant));

/** The order an orders row holds: the same state folding its stream gives. */
export function orderFromRow(row: OrderRow): Order {
  return {
    orderId: row.id,
    storeId: row.store_id,
    tiktokOrderId: row.tiktok_order_id,
    fulfillmentType: row.fulfillment_type,
    platform: row.platform,
    appliedMode: row.applied_mode,
    orderTag: row.order_tag,
    tiktokStatus: row.tiktok_status,
    syncStatus: row.sync_status,
    blockedReason: row.blocked_reason,
    failureReason: row.failure_reason,
    syncAttempts: row.sync_attempts,
    attemptsSinceRequest: row.attempts_since_request,
    attemptInFlight: row.attempt_in_flight,
    syncPlan: row.sync_plan,
    nextAttemptAt: iso(row.next_attempt_at),
    platformOrderId: row.platform_order_id,
    platformOrderStatus: row.platform_order_status,
    tags: row.tags,
    inventoryDeductedFrom: row.inventory_deducted_from,
    lineItems: row.line_items,
    currency: row.currency,
    totalAmount: row.total_amount,
    placedAt: row.placed_at.toISOString(),
    syncedAt: iso(row.synced_at),
    onHoldOrders: row.on_hold_orders,
    restockReturns: row.restock_returns,
    afterSync: row.after_sync,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * An orders row as a projection writes it (through json_to_recordset): the
 * instants stay the ISO strings the order holds. JSON.stringify would turn
 * Date objects back into the same strings, one method call each.
 */
export type OrderRecord = Omit<
  OrderRow,
  'next_attempt_at' | 'placed_at' | 'synced_at' | 'updated_at'
> & {
  next_attempt_at: string | null;
  placed_at: string;
  synced_at: string | null;
  updated_at: string;
};

/** The record a projection writes for a folded order at a stream version. */
export function orderToRecord(order: Order, version: number): OrderRecord {
  return {
    id: order.orderId,
    store_id: order.storeId,
    tiktok_order_id: order.tiktokOrderId,
    fulfillment_type: order.fulfillmentType,
    platform: order.platform,
    applied_mode: order.appliedMode,
    order_tag: order.orderTag,
    tiktok_status: order.tiktokStatus,
    sync_status: order.syncStatus,
    blocked_reason: order.blockedReason,
    failure_reason: order.failureReason,
    sync_attempts: order.syncAttempts,
    attempts_since_request: order.attemptsSinceRequest,
    attempt_in_flight: order.attemptInFlight,
    sync_plan: order.syncPlan,
    next_attempt_at: order.nextAttemptAt,
    platform_order_id: order.platformOrderId,
    platform_order_status: order.platformOrderStatus,
    tags: order.tags,
    inventory_deducted_from: order.inventoryDeductedFrom,
    line_items: order.lineItems,
    currency: order.currency,
    total_amount: order.totalAmount,
    placed_at: order.placedAt,
    synced_at: order.syncedAt,
    on_hold_orders: order.onHoldOrders,
    restock_returns: order.restockReturns,
    after_sync: order.afterSync,
    mirroring_status: mirroringStatusOf(order),
    updated_at: order.updatedAt,
    version,
  };
}

/** The orders row of a folded order at a stream version, as it reads back (what a payload returns). */
export function orderToRow(order: Order, version: number): OrderRow {
  const record = orderToRecord(order, version);
  return {
    ...record,
    next_attempt_at: date(record.next_attempt_at),
    placed_at: new Date(record.placed_at),
    synced_at: date(record.synced_at),
    updated_at: new Date(record.updated_at),
  };
}

/** Column types for reading rows out of a JSON array in SQL (json_to_recordset). */
export const ORDER_RECORD_COLUMNS: ReadonlyArray<[keyof OrdersTable, string]> = [
  ['id', 'text'],
  ['store_id', 'text'],
  ['tiktok_order_id', 'text'],
  ['fulfillment_type', 'text'],
  ['platform', 'text'],
  ['applied_mode', 'text'],
  ['order_tag', 'text'],
  ['tiktok_status', 'text'],
  ['sync_status', 'text'],
  ['blocked_reason', 'text'],
  ['failure_reason', 'text'],
  ['sync_attempts', 'integer'],
  ['attempts_since_request', 'integer'],
  ['attempt_in_flight', 'integer'],
  ['sync_plan', 'json'],
  ['next_attempt_at', 'timestamptz'],
  ['platform_order_id', 'text'],
  ['platform_order_status', 'text'],
  ['tags', 'json'],
  ['inventory_deducted_from', 'text'],
  ['line_items', 'json'],
  ['currency', 'text'],
  ['total_amount', 'numeric'],
  ['placed_at', 'timestamptz'],
  ['synced_at', 'timestamptz'],
  ['on_hold_orders', 'text'],
  ['restock_returns', 'boolean'],
  ['after_sync', 'json'],
  ['mirroring_status', 'text'],
  ['updated_at', 'timestamptz'],
  ['version', 'integer'],
];
