import type { ColumnType } from 'kysely';
import type {
  InventoryBehaviour,
  PlatformCancelReason,
  PlatformLineItem,
  PlatformOrderStatus,
  RefundLine,
} from '../../sync/platformPort';

/** The sandbox platform's orders; (store_id, source_identifier) is unique. */
export interface SandboxOrdersTable {
  /** bigint identity; pg returns int8 as a string. The platform order id is built from it. */
  id: ColumnType<string, never, never>;
  store_id: string;
  /** The TikTok Shop order id. */
  source_identifier: string;
  /** fbt-sync's order id. */
  order_id: string;
  status: PlatformOrderStatus;
  tags: string[];
  line_items: ColumnType<PlatformLineItem[], string, never>;
  currency: string;
  /** numeric; pg returns it as a string. */
  total_amount: ColumnType<string, string, never>;
  inventory_behaviour: InventoryBehaviour;
  placed_at: ColumnType<Date, string, never>;
  created_at: ColumnType<Date, never, never>;
  /** PENDING while created on hold (SYNC_ON_HOLD) and not marked paid yet. */
  financial_status: ColumnType<'PENDING' | 'PAID', 'PENDING' | 'PAID' | undefined, 'PAID'>;
  fulfillment_held: ColumnType<boolean, boolean | undefined, boolean>;
  /** Set once, by cancelOrder; never cleared. */
  cancelled_at: ColumnType<Date | null, never, Date | string>;
  cancel_reason: ColumnType<PlatformCancelReason | null, never, PlatformCancelReason>;
  cancel_note: ColumnType<string | null, never, string | null>;
  /** The units cancelOrder put back in stock, per SKU; null when it restocked nothing. */
  restocked_on_cancel: ColumnType<Record<string, number> | null, never, string | null>;
}

/** A refund on a sandbox order: one per (order, key). */
export interface SandboxRefundsTable {
  /** bigint identity, as a string. The platform refund id is built from it. */
  id: ColumnType<string, never, never>;
  sandbox_order_id: string;
  refund_key: string;
  note: string;
  lines: ColumnType<RefundLine[], string, never>;
  /** numeric: the money recorded; pg returns it as a string. */
  amount: ColumnType<string, string, never>;
  currency: string;
  created_at: ColumnType<Date, never, never>;
}

/** Stock per store and SKU. An SKU never seen counts as 0, and stock may go below 0. */
export interface SandboxInventoryTable {
  store_id: string;
  sku: string;
  quantity: number;
  updated_at: ColumnType<Date, never, Date | string>;
}

/** One row: the trouble the sandbox simulates (see createSandboxPlatform). */
export interface SandboxSettingsTable {
  singleton: ColumnType<boolean, never, never>;
  unavailable_until: ColumnType<Date | null, Date | string | null, Date | string | null>;
  latency_ms: number;
  reject_skus: string[];
}

export interface SandboxTables {
  sandbox_orders: SandboxOrdersTable;
  sandbox_inventory: SandboxInventoryTable;
  sandbox_settings: SandboxSettingsTable;
  sandbox_refunds: SandboxRefundsTable;
}
