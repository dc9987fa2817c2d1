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
  /**
   * The app's installation on the store's shop, as the store's events say
   * (Shopify: ShopifyAppInstalled / ShopifyAppUninstalled); null or absent
   * when it never installed the app (the one-store token is used then).
   */
  connection?: 'INSTALLED' | 'UNINSTALLED' | null;
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
  /**
   * SYNC_ON_HOLD: TikTok Shop still holds the order in its remorse window.
   * The platform order is created with its payment pending and its
   * fulfilment held (Shopify: financialStatus PENDING, then a fulfilment
   * order hold); releaseHold and markPaid undo both once TikTok releases it.
   * Only for AWAITING_SHIPMENT orders. Default false.
   */
  onHold?: boolean;
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
  | 'UNAUTHORIZED'
  /**
   * The store has no credentials for the platform (the app is not installed,
   * or was uninstalled): its calls wait until the merchant installs it.
   */
  | 'NOT_CONNECTED';

const RETRYABLE: ReadonlySet<PlatformErrorKind> = new Set([
  'THROTTLED',
  'UNAVAILABLE',
  'TIMEOUT',
  'NETWORK',
  'NOT_CONNECTED',
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

/** A platform order already synced: the id OrderSynced recorded. */
export interface PlatformOrderRef {
  store: PlatformStore;
  platformOrderId: string;
}

/** Why the order is cancelled, in the platform's words (Shopify's OrderCancelReason). */
export type PlatformCancelReason =
  'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'STAFF' | 'OTHER';

/** TikTok Shop cancelled the whole order after it was synced. */
export interface CancelPlatformOrder extends PlatformOrderRef {
  reason: PlatformCancelReason;
  /** TikTok Shop's own words for it, kept on the platform order for the merchant; null when none. */
  reasonText: string | null;
  /**
   * Put the order's remaining units back in the platform's stock. True only
   * when the platform deducted them at sync (DECREMENT_OBEYING_POLICY):
   * never restock what was never taken.
   */
  restock: boolean;
}

export type CancelOutcome =
  /** This call cancelled it. */
  | { kind: 'cancelled'; cancelledAt: string }
  /** It was cancelled already (by an earlier delivery whose answer was lost, or by the merchant): nothing was done. */
  | { kind: 'alreadyCancelled'; cancelledAt: string };

/**
 * What a refunded unit does to the platform's stock. CANCEL: a unit that
 * never shipped goes back. RETURN: a unit that came back goes back. Both only
 * where the platform deducted it at sync. NO_RESTOCK: stock is left alone
 * (never deducted, or an FBT return that went back to TikTok's warehouse).
 */
export type RestockType = 'CANCEL' | 'RETURN' | 'NO_RESTOCK';

export interface RefundLine {
  sku: string;
  /** Units of this SKU, whatever the lines of the platform order it spreads over. */
  quantity: number;
  restockType: RestockType;
}

/** What a refund key may hold: the platform keeps it verbatim (Shopify: in the refund's note). */
export const REFUND_KEY_PATTERN = /^[A-Za-z0-9:_.-]{1,100}$/;

/** Part of an order cancelled, or a return or refund TikTok Shop completed. */
export interface RefundPlatformLines extends PlatformOrderRef {
  /**
   * The TikTok fact this refund records (a return id, a refund id, a cancel
   * id): the platform holds at most one refund per key and order, ever.
   * Letters, digits and `:_.-`, at most 100 (REFUND_KEY_PATTERN).
   */
  key: string;
  /** Shown on the platform's refund for the merchant, naming the TikTok return or cancellation. */
  note: string;
  /** May be empty for a refund of money alone. */
  lines: RefundLine[];
  /** Decimal string: what TikTok refunded the buyer. Never more than the order has left to refund. */
  amount: string;
  /** ISO 4217; must be the order's. */
  currency: string;
}

export interface RefundOutcome {
  /** refunded: this call made it; alreadyRefunded: a refund with this key was there, nothing was done. */
  kind: 'refunded' | 'alreadyRefunded';
  platformRefundId: string;
  /**
   * Decimal string: the money the platform's refund records. Zero where the
   * platform never received any: an order still held with its payment
   * pending has only its lines refunded.
   */
  amountRecorded: string;
}

export type HoldOutcome = { kind: 'held' } | { kind: 'alreadyHeld' };
export type ReleaseOutcome = { kind: 'released' } | { kind: 'alreadyReleased' };
export type MarkPaidOutcome = { kind: 'markedPaid' } | { kind: 'alreadyPaid' };

/**
 * Every call throws PlatformError on failure. createOrder is not idempotent on
 * its own: the reactor always calls findOrder first, because a crash can come
 * between a create and the append that records it.
 *
 * The calls on a synced order (cancelOrder, refundLines, holdFulfillment,
 * releaseHold, markPaid) are idempotent: each looks its effect up on the
 * platform before making it and answers "already" when it finds it, so the
 * reactor may repeat one after a crash, a timeout or a lost answer, as long
 * as it passes the same arguments (the same key, for a refund). A repeat
 * still makes no second effect when the first answer was lost after the
 * platform applied it. They refuse (REJECTED) what would break the rules:
 * restocking or refunding more than remains, or refunding above the total.
 */
export interface PlatformPort {
  /**
   * Why the store's calls cannot be made now, or null when they can. The
   * reactors ask before they start an attempt: a store without credentials
   * (not installed, uninstalled) waits, with this reason, instead of using up
   * its orders' attempts. Absent: always ready (the sandbox).
   */
  notReadyFor?(store: PlatformStore): Promise<string | null>;
  /** The order whose source identifier is this TikTok order id, or null. */
  findOrder(store: PlatformStore, tiktokOrderId: string): Promise<PlatformOrder | null>;
  createOrder(order: CreatePlatformOrder): Promise<PlatformOrder>;
  /** Cancels the whole order once, without refunding money (TikTok Shop refunds the buyer) or telling the buyer. */
  cancelOrder(cancel: CancelPlatformOrder): Promise<CancelOutcome>;
  /** Records one refund per key: the lines (restocked by their type) and the amount. */
  refundLines(refund: RefundPlatformLines): Promise<RefundOutcome>;
  /** Holds the order's fulfilment (SYNC_ON_HOLD), once. */
  holdFulfillment(order: PlatformOrderRef): Promise<HoldOutcome>;
  /** Releases the hold holdFulfillment placed (and only that one), once. */
  releaseHold(order: PlatformOrderRef): Promise<ReleaseOutcome>;
  /** Marks an order created with its payment pending as paid, once. */
  markPaid(order: PlatformOrderRef): Promise<MarkPaidOutcome>;
}
