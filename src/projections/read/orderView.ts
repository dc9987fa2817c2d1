import type { OrderRow } from '../orderRow';

/** The columns of an orders row that the API shows: the rest is the sync worker's business. */
export const ORDER_VIEW_COLUMNS = [
  'id',
  'store_id',
  'tiktok_order_id',
  'fulfillment_type',
  'applied_mode',
  'tiktok_status',
  'sync_status',
  'blocked_reason',
  'failure_reason',
  'sync_attempts',
  'platform_order_id',
  'platform_order_status',
  'tags',
  'inventory_deducted_from',
  'line_items',
  'currency',
  'total_amount',
  'placed_at',
  'synced_at',
  'sync_plan',
  'on_hold_orders',
  'restock_returns',
  'after_sync',
  'mirroring_status',
  'updated_at',
  'version',
] as const satisfies ReadonlyArray<keyof OrderRow>;

/** An order as the API reads it: from the read model, or a full row built from a command's state. */
export type OrderView = Pick<OrderRow, (typeof ORDER_VIEW_COLUMNS)[number]>;
