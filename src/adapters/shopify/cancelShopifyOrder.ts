import {
  type CancelOutcome,
  type CancelPlatformOrder,
  PlatformError,
} from '../../sync/platformPort';
import { CANCEL_ORDER, FIND_ORDER_STATE } from './documents';
import { isJsonObject, unexpectedAnswer } from './jsonObject';
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

const MAX_STAFF_NOTE = 255;

export interface CancelDependencies {
  client: ShopifyGraphqlClient;
  sleep: (ms: number) => Promise<void>;
  /** The pauses before each look-up that confirms the cancellation job ran. */
  confirmWaitsMs: readonly number[];
}

function staffNote(reasonText: string | null): string {
  const note = `Cancelled on TikTok Shop${reasonText?.trim() ? `: ${reasonText.trim()}` : ''}`;
  return note.length > MAX_STAFF_NOTE ? `${note.slice(0, MAX_STAFF_NOTE - 1)}…` : note;
}

/**
 * orderCancel, at most once. The look-up comes first: an order Shopify shows
 * cancelled (cancelledAt) is not cancelled again, whether an earlier call
 * whose answer was lost did it or the merchant. In 2025-01 orderCancel only
 * queues a job, so the cancellation is confirmed by reading cancelledAt
 * again; while it is not there yet the call fails as retryable, and the next
 * call's look-up finds what the job did.
 */
export async function cancelShopifyOrder(
  { client, sleep, confirmWaitsMs }: CancelDependencies,
  cancel: CancelPlatformOrder,
): Promise<CancelOutcome> {
  const shop = shopDomainOf(cancel.store);
  const readCancelledAt = async (): Promise<string | null> => {
    const order = orderNode(
      await client.request(shop, FIND_ORDER_STATE, { id: cancel.platformOrderId }),
    );
    if (order === null) throw noSuchOrder(cancel);
    return cancelledAtOf(order);
  };

  // The job's effect, read back: cancelledAt within the waits, or null.
  const confirmed = async (): Promise<string | null> => {
    for (const waitMs of confirmWaitsMs) {
      if (waitMs > 0) await sleep(waitMs);
      const cancelledAt = await readCancelledAt();
      if (cancelledAt !== null) return cancelledAt;
    }
    return null;
  };

  const before = await readCancelledAt();
  if (before !== null) return { kind: 'alreadyCancelled', cancelledAt: before };

  const payload = mutationPayload(
    await client.request(shop, CANCEL_ORDER, {
      orderId: cancel.platformOrderId,
      reason: cancel.reason,
      restock: cancel.restock,
      // TikTok Shop refunds the buyer; Shopify must not refund them again.
      refund: false,
      notifyCustomer: false,
      staffNote: staffNote(cancel.reasonText),
    }),
    'orderCancel',
  );
  const userErrors = userErrorsOf(payload, 'orderCancelUserErrors');
  if (userErrors.length > 0) {
    // Perhaps refused because it is cancelled by now, or being cancelled by
    // the job of an earlier call that could not confirm it: that job's
    // effect is the answer.
    const after = await confirmed();
    if (after !== null) return { kind: 'alreadyCancelled', cancelledAt: after };
    throw refusedBy(`to cancel order ${cancel.platformOrderId}`, userErrors, 'orderId');
  }
  const job = payload.job;
  if (!isJsonObject(job) || typeof job.id !== 'string') {
    throw unexpectedAnswer('orderCancel without a job or errors');
  }
  const cancelledAt = await confirmed();
  if (cancelledAt !== null) return { kind: 'cancelled', cancelledAt };
  const waited = confirmWaitsMs.reduce((sum, ms) => sum + ms, 0);
  throw new PlatformError(
    'UNAVAILABLE',
    `Shopify accepted the cancellation of order ${cancel.platformOrderId} (job ${job.id}) but had not applied it after ${waited} ms`,
  );
}
