/**
 * The platform port: what the sync reactor needs from an e-commerce platform.
 * Adapters: the sandbox platform (src/adapters/sandbox) and Shopify
 * (src/adapters/shopify).
 */

export type PlatformOrderStatus = 'AWAITING_SHIPMENT' | 'FULFILLED';

/**
 * DECREMENT_OBEYING_POLICY: the platform deducts its inventory (default rule,
 * seller-fulfilled orders). BYPASS: platform inventory is left alone (FBT
 * orders under WAIT_FOR_AWAITING_COLLECTION, which arrive FULFILLED).
 */
export type InventoryBehaviour = 'DECREMENT_OBEYING_POLICY' | 'BYPASS';

/** The store an order belongs to, as the platform needs it. */
export interface PlatformStore {
  storeId: string;
  /** Shopify shop domain (e.g. acme.myshopify.com); null for the sandbox and other platforms. */
  shopDomain: string | null;
}

export interface PlatformLineItem {
  sku: string;
  title: string | null;
  quantity: number;
  /** Decimal string, e.g. "19.90". */
  unitPrice: string;
}

/** One order to create on the platform. */
export interface CreatePlatformOrder {
  store: PlatformStore;
  /** Our order id (stable, derived from store and TikTok order id). */
  orderId: string;
  /** The TikTok Shop order id: the platform order's source identifier, the key of lookup-before-create. */
  tiktokOrderId: string;
  lineItems: PlatformLineItem[];
  /** ISO 4217. */
  currency: string;
  /** Decimal string. */
  totalAmount: string;
  /** ISO-8601 instant the order was placed on TikTok Shop. */
  placedAt: string;
  status: PlatformOrderStatus;
  inventoryBehaviour: InventoryBehaviour;
  tags: string[];
}

/** An order as the platform has it. */
export interface PlatformOrder {
  platformOrderId: string;
  status: PlatformOrderStatus;
  tags: string[];
}

export type PlatformErrorKind =
  /** Rate limited; retry after retryAfterMs. */
  | 'THROTTLED'
  /** 5xx or an unexpected answer that may pass. */
  | 'UNAVAILABLE'
  /** No answer within the request timeout. */
  | 'TIMEOUT'
  /** Could not connect, or the connection broke. */
  | 'NETWORK'
  /** The platform refused the order for a reason that will not change by retrying (validation, unknown SKU). */
  | 'REJECTED'
  /** Credentials refused. Retrying will not help until an operator fixes the configuration. */
  | 'UNAUTHORIZED';

const RETRYABLE: ReadonlySet<PlatformErrorKind> = new Set([
  'THROTTLED',
  'UNAVAILABLE',
  'TIMEOUT',
  'NETWORK',
]);

/** A failed platform call; `message` is readable and becomes the order's failureReason. */
export class PlatformError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    /** For THROTTLED: how long until the platform will take the request. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PlatformError';
    this.retryable = RETRYABLE.has(kind);
  }
}

/**
 * Both calls throw PlatformError on failure. createOrder is not idempotent on
 * its own: the reactor always calls findOrder first, because a crash can come
 * between a create and the append that records it.
 */
export interface PlatformPort {
  /** The order whose source identifier is this TikTok order id, or null. */
  findOrder(store: PlatformStore, tiktokOrderId: string): Promise<PlatformOrder | null>;
  createOrder(order: CreatePlatformOrder): Promise<PlatformOrder>;
}
