import {
  type MarkPaidOutcome,
  PlatformError,
  type PlatformOrderRef,
} from '../../sync/platformPort';
import { FIND_ORDER_STATE, MARK_ORDER_PAID } from './documents';
import { isJsonObject, type JsonObject, unexpectedAnswer } from './jsonObject';
import { shopDomainOf } from './shopAdminApiUrl';
import type { ShopifyGraphqlClient } from './shopifyGraphqlClient';
import {
  cancelledAtOf,
  mutationPayload,
  noSuchOrder,
  orderNode,
  refusedBy,
  userErrorsOf,
} from './shopifyPayload';

const isPaid = (order: JsonObject) => order.fullyPaid === true;

/**
 * orderMarkAsPaid, at most once: an order the look-up shows fully paid (by
 * an earlier call whose answer was lost, or by the merchant) is not marked
 * again; Shopify would refuse it anyway, and a second manual payment is what
 * must never happen.
 */
export async function markShopifyOrderPaid(
  client: ShopifyGraphqlClient,
  ref: PlatformOrderRef,
): Promise<MarkPaidOutcome> {
  const shop = shopDomainOf(ref.store);
  const readOrder = async () => {
    const order = orderNode(
      await client.request(shop, FIND_ORDER_STATE, { id: ref.platformOrderId }),
    );
    if (order === null) throw noSuchOrder(ref);
    return order;
  };

  const order = await readOrder();
  if (cancelledAtOf(order) !== null) {
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${ref.platformOrderId} is cancelled: it is not marked paid`,
    );
  }
  if (isPaid(order)) return { kind: 'alreadyPaid' };
  if (order.canMarkAsPaid !== true) {
    const status =
      typeof order.displayFinancialStatus === 'string' ? order.displayFinancialStatus : 'unknown';
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${ref.platformOrderId} cannot be marked as paid (financial status ${status})`,
    );
  }

  const payload = mutationPayload(
    await client.request(shop, MARK_ORDER_PAID, { input: { id: ref.platformOrderId } }),
    'orderMarkAsPaid',
  );
  if (isJsonObject(payload.order)) return { kind: 'markedPaid' };
  const userErrors = userErrorsOf(payload);
  if (userErrors.length === 0)
    throw unexpectedAnswer('orderMarkAsPaid without an order or userErrors');
  if (isPaid(await readOrder())) return { kind: 'alreadyPaid' };
  throw refusedBy(`to mark order ${ref.platformOrderId} as paid`, userErrors, 'input');
}
