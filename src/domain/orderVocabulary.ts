export const FULFILLMENT_TYPES = ['FULFILLED_BY_TIKTOK', 'FULFILLED_BY_SELLER'] as const;
export type FulfillmentType = (typeof FULFILLMENT_TYPES)[number];

/** Where the order stands in this service: the Orders view's status. */
export const ORDER_SYNC_STATUSES = ['PENDING', 'BLOCKED', 'SYNCED', 'FAILED', 'CANCELLED'] as const;
export type OrderSyncStatus = (typeof ORDER_SYNC_STATUSES)[number];

/** The status the order is given on the platform. */
export type PlatformOrderStatus = 'AWAITING_SHIPMENT' | 'FULFILLED';

export type InventoryLocation = 'ECOMMERCE_PLATFORM' | 'TIKTOK_SHOP';

/** Shopify's inventoryBehaviour names: the platform deducts its stock, or leaves it alone. */
export type InventoryBehaviour = 'DECREMENT_OBEYING_POLICY' | 'BYPASS';

export interface LineItem {
  sku: string;
  title: string | null;
  quantity: number;
  /** Decimal string with the currency's digits, e.g. "19.90". */
  unitPrice: string;
}

/** How an order reaches the platform: decided once, when it is due for sync. */
export interface SyncPlan {
  platformOrderStatus: PlatformOrderStatus;
  inventoryBehaviour: InventoryBehaviour;
  /** Whose inventory the order's items are deducted from at sync. */
  inventoryLocation: InventoryLocation;
  tags: string[];
  /**
   * Present, and true, when the order is synced inside TikTok's ON_HOLD window
   * under SYNC_ON_HOLD: the platform order is created with its payment pending
   * and its fulfilment held, and released when TikTok releases the order.
   * Every plan decided before the setting existed, and every other plan, has
   * no such key: a stored OrderSyncRequested of version 1 reads as what it
   * was, so the event keeps its version and needs no upcaster.
   */
  onHold?: true;
}
