/**
 * Order statuses of the Order API 202309. The domain has an identical enum of
 * its own; the route maps one to the other so the adapter and the domain can
 * change independently.
 */
export const TIKTOK_SHOP_ORDER_STATUSES = [
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

export type TikTokShopOrderStatus = (typeof TIKTOK_SHOP_ORDER_STATUSES)[number];

const known: ReadonlySet<string> = new Set(TIKTOK_SHOP_ORDER_STATUSES);

/**
 * The status as the Order API spells it, or undefined for one we do not know.
 * The webhook documentation writes `CANCEL` where the API writes `CANCELLED`.
 */
export function normalizeTikTokShopOrderStatus(raw: unknown): TikTokShopOrderStatus | undefined {
  if (raw === 'CANCEL') return 'CANCELLED';
  return typeof raw === 'string' && known.has(raw) ? (raw as TikTokShopOrderStatus) : undefined;
}
