import {
  type HoldOutcome,
  PlatformError,
  type PlatformOrderRef,
  type ReleaseOutcome,
} from '../../sync/platformPort';
import {
  FIND_FULFILLMENT_HOLDS,
  HOLD_FULFILLMENT_ORDER,
  RELEASE_FULFILLMENT_HOLD,
} from './documents';
import { isJsonObject, unexpectedAnswer } from './jsonObject';
import { shopDomainOf } from './shopAdminApiUrl';
import type { ShopifyGraphqlClient } from './shopifyGraphqlClient';
import {
  cancelledAtOf,
  mutationPayload,
  noSuchOrder,
  orderNode,
  refusedBy,
  userErrorCodes,
  userErrorsOf,
} from './shopifyPayload';

/**
 * The handle of our hold. Since 2025-01 a fulfilment order may carry several
 * holds, each app's told apart by handle: ours is how the look-up recognises
 * the hold an earlier call placed, and how the release leaves the
 * merchant's and other apps' holds in place.
 */
export const TIKTOK_ON_HOLD_HANDLE = 'fbt-sync-tiktok-on-hold';

// A fulfilment order that may still ship, so may be held.
const HOLDABLE = new Set(['OPEN', 'SCHEDULED', 'ON_HOLD']);

interface FulfillmentOrderHolds {
  id: string;
  status: string;
  /** The ids of our holds on it. */
  ours: string[];
}

async function readHolds(
  client: ShopifyGraphqlClient,
  shop: string,
  ref: PlatformOrderRef,
): Promise<{ cancelled: boolean; fulfillmentOrders: FulfillmentOrderHolds[] }> {
  const order = orderNode(
    await client.request(shop, FIND_FULFILLMENT_HOLDS, { id: ref.platformOrderId }),
  );
  if (order === null) throw noSuchOrder(ref);
  const connection = isJsonObject(order.fulfillmentOrders) ? order.fulfillmentOrders : {};
  const { nodes, pageInfo } = connection;
  if (!Array.isArray(nodes)) throw unexpectedAnswer('fulfillmentOrders without nodes');
  if (isJsonObject(pageInfo) && pageInfo.hasNextPage === true) {
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${ref.platformOrderId} has more fulfilment orders than one look-up reads`,
    );
  }
  const fulfillmentOrders = nodes.map((node) => {
    if (!isJsonObject(node) || typeof node.id !== 'string' || typeof node.status !== 'string') {
      throw unexpectedAnswer('a fulfilment order without id or status');
    }
    const holds = Array.isArray(node.fulfillmentHolds) ? node.fulfillmentHolds : [];
    const ours = holds
      .filter(
        (hold) =>
          isJsonObject(hold) &&
          hold.handle === TIKTOK_ON_HOLD_HANDLE &&
          hold.heldByRequestingApp === true &&
          typeof hold.id === 'string',
      )
      .map((hold) => (hold as { id: string }).id);
    return { id: node.id, status: node.status, ours };
  });
  return { cancelled: cancelledAtOf(order) !== null, fulfillmentOrders };
}

/**
 * fulfillmentOrderHold on every fulfilment order that may still ship and
 * does not carry our hold yet. Our hold found on each: nothing is sent. A
 * hold placed by a call whose answer was lost is found by its handle, and
 * Shopify refuses a second hold with that handle anyway.
 */
export async function holdShopifyFulfillment(
  client: ShopifyGraphqlClient,
  ref: PlatformOrderRef,
): Promise<HoldOutcome> {
  const shop = shopDomainOf(ref.store);
  const { cancelled, fulfillmentOrders } = await readHolds(client, shop, ref);
  if (cancelled) {
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${ref.platformOrderId} is cancelled: there is nothing to hold`,
    );
  }
  const toHold = fulfillmentOrders.filter((fo) => HOLDABLE.has(fo.status) && fo.ours.length === 0);
  if (toHold.length === 0) {
    if (fulfillmentOrders.some((fo) => fo.ours.length > 0)) return { kind: 'alreadyHeld' };
    // Shopify makes fulfilment orders with the order; none yet may pass.
    if (fulfillmentOrders.length === 0) {
      throw new PlatformError(
        'UNAVAILABLE',
        `Shopify order ${ref.platformOrderId} has no fulfilment order yet`,
      );
    }
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${ref.platformOrderId} has nothing left to ship: there is nothing to hold`,
    );
  }
  for (const fo of toHold) {
    const payload = mutationPayload(
      await client.request(shop, HOLD_FULFILLMENT_ORDER, {
        id: fo.id,
        fulfillmentHold: {
          reason: 'AWAITING_PAYMENT',
          reasonNotes:
            'TikTok Shop ON_HOLD: the buyer may still cancel for free; released when TikTok Shop releases the order',
          notifyMerchant: false,
          handle: TIKTOK_ON_HOLD_HANDLE,
        },
      }),
      'fulfillmentOrderHold',
    );
    const userErrors = userErrorsOf(payload);
    if (
      userErrors.length > 0 &&
      !userErrorCodes(userErrors).includes('DUPLICATE_FULFILLMENT_HOLD_HANDLE')
    ) {
      throw refusedBy(`to hold fulfilment order ${fo.id}`, userErrors, 'fulfillmentHold');
    }
  }
  return { kind: 'held' };
}

/**
 * fulfillmentOrderReleaseHold of our holds only (holdIds), where the
 * look-up finds them. None left: nothing is sent.
 */
export async function releaseShopifyHold(
  client: ShopifyGraphqlClient,
  ref: PlatformOrderRef,
): Promise<ReleaseOutcome> {
  const shop = shopDomainOf(ref.store);
  const { fulfillmentOrders } = await readHolds(client, shop, ref);
  const held = fulfillmentOrders.filter((fo) => fo.ours.length > 0);
  if (held.length === 0) return { kind: 'alreadyReleased' };
  for (const fo of held) {
    const payload = mutationPayload(
      await client.request(shop, RELEASE_FULFILLMENT_HOLD, { id: fo.id, holdIds: fo.ours }),
      'fulfillmentOrderReleaseHold',
    );
    const userErrors = userErrorsOf(payload);
    if (userErrors.length > 0) throw refusedBy(`to release fulfilment order ${fo.id}`, userErrors);
  }
  return { kind: 'released' };
}
