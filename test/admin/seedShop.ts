import type { createFbtSyncApi, RecordOrderInput } from '../e2e/fbtSyncApi';

type Api = ReturnType<typeof createFbtSyncApi>;

/** An SKU the sandbox refuses (sandbox_settings.reject_skus): its orders end FAILED. */
export const REJECTED_SKU = 'DISCONTINUED-LAMP';

const CATALOG = [
  { sku: 'MUG-RED', title: 'Red mug', unitPrice: '12.50' },
  { sku: 'CAP-BLUE', title: 'Blue cap', unitPrice: '9.90' },
  { sku: 'TEE-WHITE-M', title: 'White tee, M', unitPrice: '19.00' },
  { sku: 'SOCKS-3P', title: 'Socks, 3 pairs', unitPrice: '8.75' },
];

export interface SeededShop {
  storeId: string;
  tiktokOrderIds: { blocked: string[]; failed: string[]; synced: string[]; cancelled: string[] };
}

/**
 * A Shopify PRO store under WAIT_FOR_AWAITING_COLLECTION with the tag "FBT",
 * and `count` orders through the API, newest last: FBT orders waiting for
 * collection (BLOCKED), FBT orders already collected and seller orders
 * (SYNCED), orders of a refused SKU (FAILED) and a few cancelled ones.
 */
export async function seedShop(
  api: Api,
  count: number,
  start = Date.UTC(2026, 10, 20, 9),
): Promise<SeededShop> {
  const store = await api.connectStore({
    name: 'Acme Outfitters',
    tiktokShopId: '7494120001',
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: 'acme-outfitters.myshopify.com',
  });
  await api.updateFbtSyncRules({
    storeId: store.id,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  const seeded: SeededShop = {
    storeId: store.id,
    tiktokOrderIds: { blocked: [], failed: [], synced: [], cancelled: [] },
  };
  for (let i = 0; i < count; i++) {
    const tiktokOrderId = `5764${String(61413038785 + i * 7919).padStart(14, '0')}`;
    const kind = i % 10;
    const item = CATALOG[i % CATALOG.length]!;
    const input: RecordOrderInput = {
      storeId: store.id,
      tiktokOrderId,
      fulfillmentType: kind < 6 ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
      status: kind === 3 ? 'AWAITING_COLLECTION' : 'AWAITING_SHIPMENT',
      lineItems: [
        { ...item, quantity: 1 + (i % 3) },
        ...(kind === 7
          ? [{ sku: REJECTED_SKU, title: 'Desk lamp', quantity: 1, unitPrice: '34.00' }]
          : []),
      ],
      currency: 'USD',
      placedAt: new Date(start + i * 11 * 60_000).toISOString(),
    };
    await api.recordTikTokOrder(input);
    if (kind === 5) {
      await api.recordTikTokOrderStatus({ storeId: store.id, tiktokOrderId, status: 'CANCELLED' });
      seeded.tiktokOrderIds.cancelled.push(tiktokOrderId);
    } else if (kind === 7) seeded.tiktokOrderIds.failed.push(tiktokOrderId);
    else if (kind < 6 && kind !== 3) seeded.tiktokOrderIds.blocked.push(tiktokOrderId);
    else seeded.tiktokOrderIds.synced.push(tiktokOrderId);
  }
  return seeded;
}
