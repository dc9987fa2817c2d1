/**
 * The words of an order's life after sync: what TikTok Shop reports
 * (cancellations, returns and refunds) and how the platform order is made to
 * say the same (a mirroring: requested, started, mirrored or failed).
 */

/** Who cancelled, as TikTok Shop names it (`role`/`cancellation_initiator`); UNKNOWN when not told. */
export const CANCEL_INITIATORS = ['BUYER', 'SELLER', 'OPERATOR', 'SYSTEM', 'UNKNOWN'] as const;
export type CancelInitiator = (typeof CANCEL_INITIATORS)[number];

/**
 * A TikTok Shop return or refund, as the intake reduces its many statuses:
 * still under way (REQUESTED), done (COMPLETED), refused by the seller or
 * TikTok (REJECTED), or called off by the buyer (WITHDRAWN). Only COMPLETED
 * changes anything.
 */
export const RETURN_STATUSES = ['REQUESTED', 'COMPLETED', 'REJECTED', 'WITHDRAWN'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** A refund with nothing sent back, or goods sent back and refunded. */
export const RETURN_TYPES = ['REFUND_ONLY', 'RETURN_AND_REFUND'] as const;
export type ReturnType = (typeof RETURN_TYPES)[number];

/**
 * Shopify's restockType names, used for every platform: back into the
 * platform's stock as a cancelled unit, as a returned unit, or not at all.
 */
export type RestockType = 'CANCEL' | 'RETURN' | 'NO_RESTOCK';

/**
 * Units of one line of the order. A line is named by its index in the
 * order's `lineItems` as OrderPlaced recorded them (TikTok's units grouped by
 * SKU and sale price, in the order of their first unit), which never changes.
 */
export interface LineUnits {
  line: number;
  quantity: number;
}

/** Units of one line, with its SKU for whoever reads the event. */
export interface LineUnitsOf extends LineUnits {
  sku: string;
}

/**
 * One entry of a mirroring plan: `quantity` units of a line leave the
 * platform order, all of them restocked the way `restockType` says, or none.
 * A line whose units are restocked only in part is two entries, as Shopify's
 * refundLineItems takes them. `why` is the sentence the audit shows.
 */
export interface PlannedLine extends LineUnitsOf {
  restockType: RestockType;
  why: string;
}

/** What a mirroring does to the platform order. */
export type MirroringKind = 'CANCEL_ORDER' | 'CANCEL_LINES' | 'REFUND' | 'RELEASE_HOLD';

/**
 * Where a mirroring stands: due or being tried (PENDING), done (MIRRORED),
 * given up on until a person retries it (FAILED), or made pointless by a
 * later fact (SUPERSEDED: a hold release once the order was cancelled).
 */
export const MIRRORING_STATUSES = ['PENDING', 'MIRRORED', 'FAILED', 'SUPERSEDED'] as const;
export type MirroringStatus = (typeof MIRRORING_STATUSES)[number];

/**
 * Keys of mirrorings, one per TikTok fact: the platform call's idempotency key
 * (with the order id) and what the outcome commands name. A whole-order
 * cancellation happens at most once per order, whatever TikTok's id for it.
 */
export const CANCEL_ORDER_KEY = 'cancel-order';
export const RELEASE_HOLD_KEY = 'release-hold';
export const cancelLinesKey = (cancellationId: string): string => `cancel-lines:${cancellationId}`;
export const refundKey = (returnId: string): string => `refund:${returnId}`;
