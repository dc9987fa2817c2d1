import type { CommandContext } from '../../commands/commandContext';
import type { CommandMetadata } from '../../commands/handleCommand';
import { recordTikTokOrder, recordTikTokOrderStatus } from '../../commands/orderCommands';
import { DomainError } from '../../domain/domainError';
import type { FulfillmentType } from '../../domain/orderVocabulary';
import type { TikTokOrderStatus } from '../../domain/tiktokStatus';
import type { EventStore } from '../../eventstore/createEventStore';
import type { TikTokShopClient } from './createTikTokShopClient';
import type { TikTokFulfillmentType, TikTokShopOrder } from './mapTikTokOrder';
import type { TikTokShopOrderStatus } from './tikTokShopOrderStatus';
import { TikTokOrderIntakeError } from './tiktokOrderIntakeError';

/** Who the events of webhooks are recorded by. */
export const TIKTOK_WEBHOOK_ACTOR = 'tiktok-shop-webhook';

/** A verified order-status notification, as the inbox keeps it. */
export interface TikTokOrderStatusNotice {
  notificationId: string;
  storeId: string;
  tiktokShopId: string;
  tiktokOrderId: string;
  status: TikTokShopOrderStatus;
  /** ISO-8601: when TikTok says the status changed. */
  changedAt: string;
}

/**
 * status_recorded: the order was known, its status applied (or ignored as a
 * duplicate or stale); order_recorded: it was fetched from TikTok Shop and
 * recorded; unknown_order: not known, and fetching was not allowed.
 */
export type TikTokOrderIntakeResult = 'status_recorded' | 'order_recorded' | 'unknown_order';

export interface TikTokOrderIntake {
  apply(
    notice: TikTokOrderStatusNotice,
    options: { fetchUnknownOrder: boolean },
  ): Promise<TikTokOrderIntakeResult>;
}

export interface TikTokOrderIntakeOptions {
  eventStore: EventStore;
  /** Null when the API credentials are not configured. */
  client: TikTokShopClient | null;
  now?: () => Date;
}

// The adapter and the domain each have their vocabulary; these records make the compiler check
// that every value of one has its counterpart in the other.
const DOMAIN_STATUS: Readonly<Record<TikTokShopOrderStatus, TikTokOrderStatus>> = {
  UNPAID: 'UNPAID',
  ON_HOLD: 'ON_HOLD',
  AWAITING_SHIPMENT: 'AWAITING_SHIPMENT',
  PARTIALLY_SHIPPING: 'PARTIALLY_SHIPPING',
  AWAITING_COLLECTION: 'AWAITING_COLLECTION',
  IN_TRANSIT: 'IN_TRANSIT',
  DELIVERED: 'DELIVERED',
  COMPLETED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
};
const DOMAIN_FULFILLMENT: Readonly<Record<TikTokFulfillmentType, FulfillmentType>> = {
  FULFILLED_BY_TIKTOK: 'FULFILLED_BY_TIKTOK',
  FULFILLED_BY_SELLER: 'FULFILLED_BY_SELLER',
};

/**
 * Turns a notification into commands. A known order gets the status; an
 * unknown one is fetched from TikTok Shop (a webhook carries no line items)
 * and recorded with the status TikTok reports now, and then the webhook's
 * status is applied too: both are idempotent, and a stale one is ignored.
 */
export function createTikTokOrderIntake({
  eventStore,
  client,
  now = () => new Date(),
}: TikTokOrderIntakeOptions): TikTokOrderIntake {
  return {
    async apply(notice, { fetchUnknownOrder }) {
      const metadata: CommandMetadata = {
        correlationId: notice.notificationId,
        actor: TIKTOK_WEBHOOK_ACTOR,
      };
      const context: CommandContext = { eventStore, now, metadata };
      const status = { storeId: notice.storeId, tiktokOrderId: notice.tiktokOrderId };
      const recordStatus = () =>
        recordTikTokOrderStatus(context, {
          ...status,
          status: DOMAIN_STATUS[notice.status],
          changedAt: notice.changedAt,
        });
      try {
        await recordStatus();
        return 'status_recorded';
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
      }
      if (!fetchUnknownOrder) return 'unknown_order';
      if (client === null) {
        throw new TikTokOrderIntakeError(
          'NO_API_CLIENT',
          `order ${notice.tiktokOrderId} is new and cannot be fetched: TIKTOK_ACCESS_TOKEN is not set`,
        );
      }

      const order = await client.getOrderDetail({ orderId: notice.tiktokOrderId });
      if (order.shopId !== undefined && order.shopId !== notice.tiktokShopId) {
        throw new TikTokOrderIntakeError(
          'SHOP_MISMATCH',
          `TikTok Shop returned order ${order.orderId} of shop ${order.shopId}, not of shop ${notice.tiktokShopId}`,
        );
      }
      await recordFetchedOrder(context, notice.storeId, order);
      await recordStatus();
      return 'order_recorded';
    },
  };
}

/** An order as TikTok Shop's API reports it, recorded with the status it has now (idempotent). */
function recordFetchedOrder(context: CommandContext, storeId: string, order: TikTokShopOrder) {
  return recordTikTokOrder(context, {
    storeId,
    tiktokOrderId: order.orderId,
    fulfillmentType: DOMAIN_FULFILLMENT[order.fulfillmentType],
    status: DOMAIN_STATUS[order.status],
    lineItems: order.lineItems,
    currency: order.currency,
    placedAt: order.placedAt,
  });
}

/**
 * recorded: the order was not known and is now; status_changed: a known
 * order moved to the status found; unchanged: nothing to append (the same
 * status, or a stale one).
 */
export type FoundTikTokOrderOutcome = 'recorded' | 'status_changed' | 'unchanged';

/**
 * An order found by searching TikTok Shop (reconciliation), applied through
 * the same idempotent commands as a webhook: the status of a known order,
 * as if its notification had come (the order's update_time as the change's
 * time); an unknown order recorded as the webhook's worker records a
 * fetched one. Nothing a webhook did is done again: a status already
 * recorded, or ranked below the current one, appends nothing.
 */
export async function applyFoundTikTokOrder(
  context: CommandContext,
  {
    storeId,
    tiktokShopId,
    order,
  }: { storeId: string; tiktokShopId: string; order: TikTokShopOrder },
): Promise<FoundTikTokOrderOutcome> {
  if (order.shopId !== undefined && order.shopId !== tiktokShopId) {
    throw new TikTokOrderIntakeError(
      'SHOP_MISMATCH',
      `TikTok Shop returned order ${order.orderId} of shop ${order.shopId}, not of shop ${tiktokShopId}`,
    );
  }
  try {
    const { appended } = await recordTikTokOrderStatus(context, {
      storeId,
      tiktokOrderId: order.orderId,
      status: DOMAIN_STATUS[order.status],
      changedAt: order.updatedAt,
    });
    return appended.length > 0 ? 'status_changed' : 'unchanged';
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
  }
  const { appended } = await recordFetchedOrder(context, storeId, order);
  // Recorded by someone else (a webhook's worker) in between: not missing after all.
  return appended.some((event) => event.type === 'OrderPlaced') ? 'recorded' : 'unchanged';
}
