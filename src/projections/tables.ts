import type { ColumnType } from 'kysely';
import type { AfterSync } from '../domain/orderState';
import type {
  FulfillmentType,
  InventoryLocation,
  LineItem,
  OrderSyncStatus,
  PlatformOrderStatus,
  SyncPlan,
} from '../domain/orderVocabulary';
import type { ShopifyConnection } from '../domain/shopifyConnection';
import type { EcommercePlatform, FbtSyncMode, OnHoldOrders, Plan } from '../domain/storeVocabulary';
import type { TikTokOrderStatus } from '../domain/tiktokStatus';
import type { TikTokAuthorization } from '../domain/tiktokAuthorization';

/** timestamptz: read as a Date, written as an ISO string. */
type Instant = ColumnType<Date, string, string>;
type NullableInstant = ColumnType<Date | null, string | null, string | null>;
/** json or jsonb: read parsed, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export interface OrdersTable {
  id: string;
  store_id: string;
  tiktok_order_id: string;
  fulfillment_type: FulfillmentType;
  platform: EcommercePlatform;
  applied_mode: FbtSyncMode | null;
  order_tag: string | null;
  tiktok_status: TikTokOrderStatus;
  sync_status: OrderSyncStatus;
  blocked_reason: string | null;
  failure_reason: string | null;
  sync_attempts: number;
  attempts_since_request: number;
  attempt_in_flight: number | null;
  sync_plan: Json<SyncPlan | null>;
  next_attempt_at: NullableInstant;
  platform_order_id: string | null;
  platform_order_status: PlatformOrderStatus | null;
  tags: Json<string[]>;
  inventory_deducted_from: InventoryLocation | null;
  line_items: Json<LineItem[]>;
  currency: string;
  /** numeric; pg returns it as a decimal string. */
  total_amount: string;
  placed_at: Instant;
  synced_at: NullableInstant;
  /** The settings the order was placed under (0010_order_life_read_models). */
  on_hold_orders: OnHoldOrders;
  restock_returns: boolean;
  /** The after-sync state as the domain folds it (AfterSync). */
  after_sync: Json<AfterSync>;
  /** NONE, PENDING, MIRRORED or FAILED (mirroringStatusOf), for the Orders filter. */
  mirroring_status: string;
  updated_at: Instant;
  version: number;
}

export interface OrderCountsTable {
  store_id: string;
  sync_status: string;
  count: number;
}

export interface StoresTable {
  id: string;
  name: string;
  tiktok_shop_id: string;
  platform: EcommercePlatform;
  shop_domain: string | null;
  plan: Plan;
  fbt_mode: FbtSyncMode;
  fbt_order_tag: string | null;
  fbt_updated_at: NullableInstant;
  fbt_updated_by: string | null;
  on_hold_orders: OnHoldOrders;
  restock_returns: boolean;
  order_settings_updated_at: NullableInstant;
  order_settings_updated_by: string | null;
  shopify_connection: Json<ShopifyConnection | null>;
  /** jsonb (migration 0013): the store's TikTok Shop authorization, null until the first. */
  tiktok_authorization: Json<TikTokAuthorization | null>;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}

export interface InventoryDeductionsTable {
  store_id: string;
  sku: string;
  location: string;
  /** bigint; pg returns it as a string. */
  quantity: ColumnType<string, number | string, number | string>;
}

export interface InventoryDeductedOrdersTable {
  order_id: string;
  store_id: string;
  location: string;
  version: number;
}

export interface ProjectionTables {
  orders: OrdersTable;
  order_counts: OrderCountsTable;
  stores: StoresTable;
  inventory_deductions: InventoryDeductionsTable;
  inventory_deducted_orders: InventoryDeductedOrdersTable;
}
