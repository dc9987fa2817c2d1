import {
  PlatformError,
  REFUND_KEY_PATTERN,
  type RefundOutcome,
  type RefundPlatformLines,
} from '../../sync/platformPort';
import { fromMicros, toMicros } from '../decimalAmount';
import { CREATE_REFUND, FIND_ORDER_REFUNDS } from './documents';
import { isJsonObject, unexpectedAnswer } from './jsonObject';
import { planShopifyRefund } from './planShopifyRefund';
import { readOrderRefunds } from './readOrderRefunds';
import { refundKeyOf } from './refundNote';
import { shopDomainOf } from './shopAdminApiUrl';
import type { ShopifyGraphqlClient } from './shopifyGraphqlClient';
import { mutationPayload, noSuchOrder, orderNode, refusedBy, userErrorsOf } from './shopifyPayload';

/**
 * refundCreate, at most once per key. The 2025-01 schema gives refundCreate
 * no idempotency key, so the key goes into the refund's note and the
 * order's refunds are read first: a refund whose note carries the key is
 * the one an earlier call made (its answer lost, or the process gone before
 * the outcome was recorded), and nothing is sent. The same read gives what
 * is left to refund, so no line and no amount goes past it.
 */
export async function refundShopifyLines(
  client: ShopifyGraphqlClient,
  refund: RefundPlatformLines,
): Promise<RefundOutcome> {
  const shop = shopDomainOf(refund.store);
  if (!REFUND_KEY_PATTERN.test(refund.key)) {
    throw new PlatformError(
      'REJECTED',
      `The refund key ${JSON.stringify(refund.key)} is not one we can look up`,
    );
  }
  const node = orderNode(
    await client.request(shop, FIND_ORDER_REFUNDS, { id: refund.platformOrderId }),
  );
  if (node === null) throw noSuchOrder(refund);
  const order = readOrderRefunds(node);

  const existing = order.refunds.find((candidate) => refundKeyOf(candidate.note) === refund.key);
  if (existing !== undefined) {
    return {
      kind: 'alreadyRefunded',
      platformRefundId: existing.id,
      amountRecorded: fromMicros(existing.amount),
    };
  }
  if (order.incomplete !== null) {
    throw new PlatformError(
      'REJECTED',
      `Shopify order ${order.orderId} has ${order.incomplete}: too many to be sure refund ${refund.key} is not there`,
    );
  }

  const { input, amountRecorded } = planShopifyRefund(refund, order);
  const payload = mutationPayload(
    await client.request(shop, CREATE_REFUND, { input }),
    'refundCreate',
  );
  const created = payload.refund;
  if (isJsonObject(created) && typeof created.id === 'string') {
    const total = isJsonObject(created.totalRefundedSet)
      ? created.totalRefundedSet.presentmentMoney
      : null;
    const amount =
      isJsonObject(total) && typeof total.amount === 'string' ? toMicros(total.amount) : undefined;
    return {
      kind: 'refunded',
      platformRefundId: created.id,
      amountRecorded: amount === undefined ? amountRecorded : fromMicros(amount),
    };
  }
  const userErrors = userErrorsOf(payload);
  if (userErrors.length === 0)
    throw unexpectedAnswer('refundCreate without a refund or userErrors');
  throw refusedBy(`refund ${refund.key} on order ${order.orderId}`, userErrors, 'input');
}
