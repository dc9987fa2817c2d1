import type { PlatformPort } from '../../src/sync/platformPort';

/** The line items of every benchmark order (their total is 34.90). */
export const LINE_ITEMS = [
  { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP-BLUE', title: 'Blue cap', quantity: 1, unitPrice: '9.90' },
];

/**
 * What the sync reactor asks of the platform for one order, called directly:
 * look the order up, create it when it is not there. The baseline the sync
 * benchmarks set the service's figures beside.
 */
export async function findOrCreateOrder(
  platform: PlatformPort,
  storeId: string,
  tiktokOrderId: string,
): Promise<void> {
  const store = { storeId, shopDomain: null };
  if ((await platform.findOrder(store, tiktokOrderId)) !== null) return;
  await platform.createOrder({
    store,
    orderId: `baseline-${tiktokOrderId}`,
    tiktokOrderId,
    lineItems: LINE_ITEMS,
    currency: 'USD',
    totalAmount: '34.90',
    placedAt: new Date().toISOString(),
    status: 'AWAITING_SHIPMENT',
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
    tags: [],
  });
}
