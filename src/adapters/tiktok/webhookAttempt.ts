import { jitteredBackoffMs } from '../../backoff';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';
import { CANCELLATION_CHANGE_TYPE, RETURN_CHANGE_TYPE } from './parseWebhook';
import type {
  TikTokOrderIntake,
  TikTokOrderIntakeResult,
  TikTokOrderStatusNotice,
} from './tiktokOrderIntake';
import { TikTokOrderIntakeError } from './tiktokOrderIntakeError';
import { normalizeTikTokShopOrderStatus } from './tikTokShopOrderStatus';
import { describeWebhookFailure, type WebhookRetryPolicy } from './webhookFailure';
import {
  completeWebhook,
  failWebhook,
  releaseWebhook,
  retryWebhookLater,
  type WebhookLease,
} from './webhookInboxSettle';
import type { WebhookMetrics } from './webhookMetrics';
import type { WebhookInboxRow } from './webhookTables';

export interface WebhookAttemptDependencies {
  db: Kysely<Database>;
  intake: TikTokOrderIntake;
  policy: WebhookRetryPolicy;
  metrics: WebhookMetrics;
  log: Logger;
}

/** done, or handed back untried (unknown order, no fetching), or to retry, or given up. */
export type WebhookAttemptResult = 'done' | 'released' | 'retry' | 'failed';

export function noticeFromRow(row: WebhookInboxRow): TikTokOrderStatusNotice {
  const status = normalizeTikTokShopOrderStatus(row.order_status);
  if (status === undefined) {
    throw new TikTokOrderIntakeError(
      'UNKNOWN_STATUS',
      `the inbox holds status ${JSON.stringify(row.order_status)}, which this version does not know`,
    );
  }
  return {
    notificationId: row.notification_id,
    storeId: row.store_id,
    tiktokShopId: row.tiktok_shop_id,
    tiktokOrderId: row.tiktok_order_id,
    status,
    changedAt: row.status_changed_at.toISOString(),
  };
}

/** Whether the row is a cancellation or return change (it always needs the TikTok API). */
export function isFactRow(row: WebhookInboxRow): boolean {
  return row.type === CANCELLATION_CHANGE_TYPE || row.type === RETURN_CHANGE_TYPE;
}

function applyRow(
  intake: TikTokOrderIntake,
  row: WebhookInboxRow,
  fetchUnknownOrder: boolean,
): Promise<TikTokOrderIntakeResult> {
  if (!isFactRow(row)) return intake.apply(noticeFromRow(row), { fetchUnknownOrder });
  // Facts are read from TikTok Shop: never where the answer to a webhook waits.
  if (!fetchUnknownOrder) return Promise.resolve('needs_api');
  return intake.applyFact({
    notificationId: row.notification_id,
    type: row.type as typeof CANCELLATION_CHANGE_TYPE | typeof RETURN_CHANGE_TYPE,
    storeId: row.store_id,
    tiktokShopId: row.tiktok_shop_id,
    tiktokOrderId: row.tiktok_order_id,
  });
}

/**
 * Applies one claimed inbox row and settles it: done, retry later with
 * backoff, or failed with its reason. Both the worker and the request's fast
 * path go through here, so they record outcomes the same way.
 */
export async function runWebhookAttempt(
  { db, intake, policy, metrics, log: baseLog }: WebhookAttemptDependencies,
  row: WebhookInboxRow,
  { fetchUnknownOrder }: { fetchUnknownOrder: boolean },
): Promise<WebhookAttemptResult> {
  if (row.lease_token === null) throw new Error('runWebhookAttempt needs a claimed row');
  const lease: WebhookLease = { notificationId: row.notification_id, leaseToken: row.lease_token };
  const log = baseLog.child({
    correlationId: row.notification_id,
    tiktokShopId: row.tiktok_shop_id,
    tiktokOrderId: row.tiktok_order_id,
    attempt: row.attempts,
  });

  let result;
  try {
    result = await applyRow(intake, row, fetchUnknownOrder);
  } catch (error) {
    const failure = describeWebhookFailure(error, row.attempts, policy);
    if (failure.retry) {
      const delayMs = jitteredBackoffMs(policy, row.attempts);
      await retryWebhookLater(db, lease, failure.reason, delayMs);
      metrics.processed('retry_scheduled');
      log.warn(
        { reason: failure.reason, delayMs },
        'TikTok Shop notification not applied; retrying',
      );
      return 'retry';
    }
    await failWebhook(db, lease, failure.reason);
    metrics.processed('failed');
    log.error(
      { reason: failure.reason },
      'TikTok Shop notification given up; it stays in the inbox as failed',
    );
    return 'failed';
  }

  if (result === 'unknown_order' || result === 'needs_api') {
    await releaseWebhook(db, lease);
    return 'released';
  }
  const seconds = await completeWebhook(db, lease, result);
  metrics.processed(result);
  if (seconds !== undefined) metrics.applied(seconds);
  log.info({ outcome: result, status: row.order_status }, 'TikTok Shop notification applied');
  return 'done';
}
