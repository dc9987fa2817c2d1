/** TikTok Shop order statuses (Order API 202309), in lifecycle order; CANCELLED is terminal. */
export const TIKTOK_ORDER_STATUSES = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type TikTokOrderStatus = (typeof TIKTOK_ORDER_STATUSES)[number];

const rank: Record<Exclude<TikTokOrderStatus, 'CANCELLED'>, number> = {
  UNPAID: 0,
  ON_HOLD: 1,
  AWAITING_SHIPMENT: 2,
  PARTIALLY_SHIPPING: 3,
  AWAITING_COLLECTION: 4,
  IN_TRANSIT: 5,
  DELIVERED: 6,
  COMPLETED: 7,
};

export function isTikTokOrderStatus(value: unknown): value is TikTokOrderStatus {
  return typeof value === 'string' && (TIKTOK_ORDER_STATUSES as readonly string[]).includes(value);
}

/** At or past `than` in the lifecycle (never for CANCELLED). */
export function isAtOrAfter(
  status: TikTokOrderStatus,
  than: Exclude<TikTokOrderStatus, 'CANCELLED'>,
): boolean {
  return status !== 'CANCELLED' && rank[status] >= rank[than];
}

/** "Paid" means AWAITING_SHIPMENT or later. */
export function isPaid(status: TikTokOrderStatus): boolean {
  return isAtOrAfter(status, 'AWAITING_SHIPMENT');
}

/**
 * Whether `next` moves the order on from `current`. The same status again is
 * a duplicate, a lower rank is stale (delivered out of order), nothing follows
 * CANCELLED, and CANCELLED cannot follow DELIVERED or COMPLETED.
 */
export function movesOn(current: TikTokOrderStatus, next: TikTokOrderStatus): boolean {
  if (current === next || current === 'CANCELLED') return false;
  if (next === 'CANCELLED') return !isAtOrAfter(current, 'DELIVERED');
  return rank[next] > rank[current];
}
