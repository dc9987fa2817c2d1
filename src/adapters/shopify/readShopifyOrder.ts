import type { PlatformOrder } from '../../sync/platformPort';
import { isJsonObject, unexpectedAnswer } from './jsonObject';

/** An Order node selected as `id tags displayFulfillmentStatus`, as the port sees it. */
export function readShopifyOrder(node: unknown): PlatformOrder {
  if (
    !isJsonObject(node) ||
    typeof node.id !== 'string' ||
    !Array.isArray(node.tags) ||
    !node.tags.every((tag): tag is string => typeof tag === 'string') ||
    typeof node.displayFulfillmentStatus !== 'string'
  ) {
    throw unexpectedAnswer(`an order without id, tags or displayFulfillmentStatus`);
  }
  return {
    platformOrderId: node.id,
    // PARTIALLY_FULFILLED, IN_PROGRESS, ON_HOLD…: something is still to ship.
    status: node.displayFulfillmentStatus === 'FULFILLED' ? 'FULFILLED' : 'AWAITING_SHIPMENT',
    tags: node.tags,
  };
}
