import type { Logger } from 'pino';
import { storeIdFor } from '../../commands/ids';
import { loadStore } from '../../commands/storeCommands';
import type { EventStore } from '../../eventstore/createEventStore';
import {
  ORDER_STATUS_CHANGE_TYPE,
  type TikTokOrderFactChange,
  type TikTokOrderStatusChange,
} from './parseWebhook';
import { isFactRow, runWebhookAttempt, type WebhookAttemptDependencies } from './webhookAttempt';
import { recordWebhookNotification } from './webhookInboxRecord';
import { releaseWebhook } from './webhookInboxSettle';

export type WebhookReceipt = 'accepted' | 'duplicate' | 'unknown_shop';

export interface WebhookReceiver {
  /** A verified notification of an order; resolves once it is durably in the inbox (or known not to be wanted). */
  receive(
    change: TikTokOrderStatusChange | TikTokOrderFactChange,
    rawBody: Buffer,
  ): Promise<WebhookReceipt>;
}

export interface WebhookReceiverOptions extends WebhookAttemptDependencies {
  eventStore: EventStore;
  leaseMs: number;
  /** A row was left to the background worker. */
  wakeWorker: () => void;
  log: Logger;
}

/**
 * Stores a notification in the inbox and, when its order is already known
 * and nothing of that order is still waiting, applies it at once: that is
 * one append, and the merchant sees the change without waiting for the
 * worker. Anything that needs the TikTok API (an unknown order, any
 * cancellation or return change) is left to the worker, so the answer never
 * waits on TikTok.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { db, eventStore, leaseMs, wakeWorker, log } = options;
  return {
    async receive(change, rawBody) {
      const storeId = storeIdFor(change.shopId);
      if ((await loadStore({ eventStore }, storeId)) === null) return 'unknown_shop';

      const recorded = await recordWebhookNotification(
        db,
        {
          notificationId: change.notificationId,
          type: change.kind === 'orderFactChange' ? change.type : ORDER_STATUS_CHANGE_TYPE,
          tiktokShopId: change.shopId,
          storeId,
          tiktokOrderId: change.orderId,
          orderStatus: change.kind === 'orderFactChange' ? change.factStatus : change.status,
          statusChangedAt: change.updateTime,
          body: rawBody.toString('utf8'),
        },
        leaseMs,
      );
      if (recorded.kind === 'duplicate') return 'duplicate';

      const { row } = recorded;
      let leftToWorker = true;
      try {
        if (recorded.behind || isFactRow(row)) {
          await releaseWebhook(db, {
            notificationId: row.notification_id,
            leaseToken: row.lease_token!,
          });
        } else {
          const result = await runWebhookAttempt(options, row, { fetchUnknownOrder: false });
          leftToWorker = result === 'released' || result === 'retry';
        }
      } catch (error) {
        // The row is safe in the inbox: its lease runs out and the worker applies it.
        log.warn(
          { err: error, correlationId: change.notificationId },
          'applying a TikTok Shop notification at once failed; the worker will',
        );
      }
      if (leftToWorker) wakeWorker();
      return 'accepted';
    },
  };
}
