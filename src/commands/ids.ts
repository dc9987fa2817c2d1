import { v5 as uuidv5 } from 'uuid';

/** The namespace of fbt-sync's name-based ids (a random UUID, fixed forever). */
const NAMESPACE = '6f1b4f0e-5a1c-4d2e-9c3b-2a8e7d4f6b10';

/**
 * A store's id follows from its TikTok shop id, so one TikTok shop can only
 * ever be connected once (its stream already exists) and a webhook's shop_id
 * leads straight to its store.
 */
export function storeIdFor(tiktokShopId: string): string {
  return uuidv5(`tiktok-shop:${tiktokShopId}`, NAMESPACE);
}

/** An order's id follows from its store and TikTok order id: the same order can never get two streams. */
export function orderIdFor(storeId: string, tiktokOrderId: string): string {
  return uuidv5(`order:${storeId}:${tiktokOrderId}`, NAMESPACE);
}
