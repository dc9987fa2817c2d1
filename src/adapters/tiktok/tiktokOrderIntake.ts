import type { CommandContext } from '../../commands/commandContext';
import type { CommandMetadata } from '../../commands/handleCommand';
import {
  loadOrder,
  recordTikTokOrder,
  recordTikTokOrderStatus,
} from '../../commands/orderCommands';
import { DomainError } from '../../domain/domainError';
import { needsCancellationDetails } from '../../domain/orderAfterSync';
import type { Order } from '../../domain/orderState';
import type { FulfillmentType } from '../../domain/orderVocabulary';
import type { TikTokOrderStatus } from '../../domain/tiktokStatus';
import type { EventStore } from '../../eventstore/createEventStore';
import type { TikTokShopClients } from './auth/tikTokShopClients';
import type { TikTokShopClient } from './createTikTokShopClient';
import type { TikTokFulfillmentType, TikTokShopOrder } from './mapTikTokOrder';
import { CANCELLATION_CHANGE_TYPE, type RETURN_CHANGE_TYPE } from './parseWebhook';
import type { TikTokShopReturn } from './mapTikTokReturn';
import {
  cancellationOfDetail,
  completedReturnsNotRecorded,
  recordCancellationFromDetail,
  recordReturnsFromSearch,
} from './recordAfterSyncFacts';
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

/** A verified cancellation (type 11) or return (type 12) notification, as the inbox keeps it. */
export interface TikTokOrderFactNotice {
  notificationId: string;
  type: typeof CANCELLATION_CHANGE_TYPE | typeof RETURN_CHANGE_TYPE;
  storeId: string;
  tiktokShopId: string;
  tiktokOrderId: string;
}

/**
 * status_recorded: the order was known, its status applied (or ignored as a
 * duplicate or stale); order_recorded: it was fetched from TikTok Shop and
 * recorded; facts_recorded: its cancellation or returns were read from
 * TikTok Shop and recorded (each once, whatever the deliveries);
 * unknown_order: not known, and fetching was not allowed; needs_api: the
 * status was recorded but TikTok Shop must be asked for more (a
 * cancellation's reason), which was not allowed.
 */
export type TikTokOrderIntakeResult =
  'status_recorded' | 'order_recorded' | 'facts_recorded' | 'unknown_order' | 'needs_api';

export interface TikTokOrderIntake {
  apply(
    notice: TikTokOrderStatusNotice,
    options: { fetchUnknownOrder: boolean },
  ): Promise<TikTokOrderIntakeResult>;
  /** Always asks TikTok Shop (Get Order Detail, Search Returns): call it where that may wait. */
  applyFact(notice: TikTokOrderFactNotice): Promise<TikTokOrderIntakeResult>;
}

export interface TikTokOrderIntakeOptions {
  eventStore: EventStore;
  /** Each store's own client (its token and shop_cipher); null when the app keys are not configured. */
  clients: TikTokShopClients | null;
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
  clients,
  now = () => new Date(),
}: TikTokOrderIntakeOptions): TikTokOrderIntake {
  const contextOf = (notificationId: string): CommandContext => {
    const metadata: CommandMetadata = {
      correlationId: notificationId,
      actor: TIKTOK_WEBHOOK_ACTOR,
    };
    return { eventStore, now, metadata };
  };
  const apiClient = (
    notice: { storeId: string; tiktokOrderId: string },
    why: string,
  ): TikTokShopClient => {
    if (clients === null) {
      throw new TikTokOrderIntakeError(
        'NO_API_CLIENT',
        `order ${notice.tiktokOrderId} ${why}: TIKTOK_APP_KEY and TIKTOK_APP_SECRET are not set`,
      );
    }
    return clients.forStore(notice.storeId);
  };
  const fetchDetail = async (
    api: TikTokShopClient,
    notice: { tiktokOrderId: string; tiktokShopId: string },
  ): Promise<TikTokShopOrder> => {
    const order = await api.getOrderDetail({ orderId: notice.tiktokOrderId });
    checkShopOf(order, notice.tiktokShopId);
    return order;
  };
  return {
    async apply(notice, { fetchUnknownOrder }) {
      const context = contextOf(notice.notificationId);
      const ids = { storeId: notice.storeId, tiktokOrderId: notice.tiktokOrderId };
      const recordStatus = () =>
        recordTikTokOrderStatus(context, {
          ...ids,
          status: DOMAIN_STATUS[notice.status],
          changedAt: notice.changedAt,
        });
      let known: Order | null = null;
      try {
        known = (await recordStatus()).state;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
      }
      if (known !== null) {
        // A synced order TikTok cancelled: the status carries no reason, Get Order Detail does.
        if (!needsCancellationDetails(known) || clients === null) return 'status_recorded';
        if (!fetchUnknownOrder) return 'needs_api';
        const detail = await fetchDetail(clients.forStore(notice.storeId), notice);
        await recordCancellationFromDetail(context, ids, detail, known);
        return 'status_recorded';
      }
      if (!fetchUnknownOrder) return 'unknown_order';

      const api = apiClient(notice, 'is new and cannot be fetched');
      const detail = await fetchDetail(api, notice);
      await recordFetchedOrder(context, ids.storeId, detail);
      const after = (await recordStatus()).state;
      if (after !== null && needsCancellationDetails(after))
        await recordCancellationFromDetail(context, ids, detail, after);
      return 'order_recorded';
    },

    async applyFact(notice) {
      const context = contextOf(notice.notificationId);
      const ids = { storeId: notice.storeId, tiktokOrderId: notice.tiktokOrderId };
      const api = apiClient(notice, 'has news TikTok Shop must be asked for');
      const detail = await fetchDetail(api, notice);
      let order = await loadOrder(context, ids.storeId, ids.tiktokOrderId);
      if (order === null) {
        order = (await recordFetchedOrder(context, ids.storeId, detail)).state;
        if (order === null)
          throw new Error(`order ${ids.tiktokOrderId} was recorded but not found`);
      }
      if (notice.type === CANCELLATION_CHANGE_TYPE) {
        await recordCancellationFromDetail(context, ids, detail, order);
      } else {
        const returns = await api.searchReturns({ orderId: notice.tiktokOrderId });
        await recordReturnsFromSearch(context, ids, detail, order, returns);
      }
      return 'facts_recorded';
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

function checkShopOf(order: TikTokShopOrder, tiktokShopId: string): void {
  if (order.shopId !== undefined && order.shopId !== tiktokShopId) {
    throw new TikTokOrderIntakeError(
      'SHOP_MISMATCH',
      `TikTok Shop returned order ${order.orderId} of shop ${order.shopId}, not of shop ${tiktokShopId}`,
    );
  }
}

/**
 * An order found by searching TikTok Shop (reconciliation), applied through
 * the same idempotent commands as a webhook: the status of a known order,
 * as if its notification had come (the order's update_time as the change's
 * time); an unknown order recorded as the webhook's worker records a
 * fetched one. Nothing a webhook did is done again: a status already
 * recorded, or ranked below the current one, appends nothing. Answers the
 * order as it stands after.
 */
export async function applyFoundTikTokOrder(
  context: CommandContext,
  {
    storeId,
    tiktokShopId,
    order,
  }: { storeId: string; tiktokShopId: string; order: TikTokShopOrder },
): Promise<{ outcome: FoundTikTokOrderOutcome; state: Order }> {
  checkShopOf(order, tiktokShopId);
  const recorded = (state: Order | null) => {
    if (state === null) throw new Error(`order ${order.orderId} was recorded but not found`);
    return state;
  };
  try {
    const { appended, state } = await recordTikTokOrderStatus(context, {
      storeId,
      tiktokOrderId: order.orderId,
      status: DOMAIN_STATUS[order.status],
      changedAt: order.updatedAt,
    });
    return {
      outcome: appended.length > 0 ? 'status_changed' : 'unchanged',
      state: recorded(state),
    };
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
  }
  const { appended, state } = await recordFetchedOrder(context, storeId, order);
  // Recorded by someone else (a webhook's worker) in between: not missing after all.
  return {
    outcome: appended.some((event) => event.type === 'OrderPlaced') ? 'recorded' : 'unchanged',
    state: recorded(state),
  };
}

/** Get Order Detail of one order of the store's shop, as reconciliation asks for it (with its retries). */
export type FetchOrderDetail = (tiktokOrderId: string) => Promise<TikTokShopOrder>;

/**
 * Reconciliation's cancellation webhook (type 11) that never came: when an
 * order found by the search shows a cancellation its stream lacks (whole,
 * on a synced order, or units whose display_status is CANCELLED), its facts
 * are read from Get Order Detail, as the webhook's worker reads them, and
 * recorded with the same helper, once. A whole-order cancellation before
 * sync needs nothing past its status. Returns whether one was recorded.
 */
export async function recordFoundCancellation(
  context: CommandContext,
  {
    storeId,
    tiktokShopId,
    found,
    order,
    fetchDetail,
  }: {
    storeId: string;
    tiktokShopId: string;
    found: TikTokShopOrder;
    order: Order;
    fetchDetail: FetchOrderDetail;
  },
): Promise<boolean> {
  const seen = cancellationOfDetail(found, order);
  if (seen === null || (seen.lines === null && !needsCancellationDetails(order))) return false;
  const detail = await fetchDetail(found.orderId);
  checkShopOf(detail, tiktokShopId);
  return recordCancellationFromDetail(
    context,
    { storeId, tiktokOrderId: found.orderId },
    detail,
    order,
  );
}

/**
 * Reconciliation's return webhooks (type 12) that never came: the returns
 * TikTok's Search Returns found updated in the window, for one order,
 * recorded as the webhook's worker records them (RecordTikTokReturn, keyed
 * by the return id). Only COMPLETED returns the order has not recorded are
 * worth its detail (to map TikTok's units to lines); the others append
 * nothing wherever they come from. An order not known yet is recorded
 * first, from its detail. Returns how many returns were recorded.
 */
export async function recordFoundReturns(
  context: CommandContext,
  {
    storeId,
    tiktokShopId,
    tiktokOrderId,
    returns,
    fetchDetail,
  }: {
    storeId: string;
    tiktokShopId: string;
    tiktokOrderId: string;
    returns: readonly TikTokShopReturn[];
    fetchDetail: FetchOrderDetail;
  },
): Promise<number> {
  const known = await loadOrder(context, storeId, tiktokOrderId);
  if (known !== null && completedReturnsNotRecorded(known, returns).length === 0) return 0;
  const detail = await fetchDetail(tiktokOrderId);
  checkShopOf(detail, tiktokShopId);
  const order = known ?? (await recordFetchedOrder(context, storeId, detail)).state;
  if (order === null) throw new Error(`order ${tiktokOrderId} was recorded but not found`);
  return recordReturnsFromSearch(
    context,
    { storeId, tiktokOrderId },
    detail,
    order,
    completedReturnsNotRecorded(order, returns),
  );
}
