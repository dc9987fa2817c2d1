import { DomainError, Problems } from './domainError';
import { fbtSyncPolicy } from './fbtSyncPolicy';
import {
  cancelAfterSync,
  checkAmount,
  checkInitiator,
  checkLines,
  checkReason,
  checkReturnKind,
  checkTikTokId,
  recordLinesCancelled,
  recordMirrored,
  recordMirroringFailure,
  recordReturn,
  releaseIfDue,
  requestsAtSync,
  retryMirrorings,
  startMirroring,
  type RecordPlatformMirrored,
  type RecordPlatformMirroringFailure,
  type RecordTikTokCancellation,
  type RecordTikTokReturn,
  type StartPlatformMirroring,
} from './orderAfterSync';
import type { InventoryDeducted, OrderEvent, OrderPlaced } from './orderEvents';
import { evolveOrder, initialOrderState, type Order, type OrderState } from './orderState';
import { checkInstant, checkOrderFacts, checkStatus, checkTikTokOrderId } from './orderValidation';
import type { FulfillmentType, LineItem, PlatformOrderStatus } from './orderVocabulary';
import {
  type EcommercePlatform,
  ORDER_SETTINGS_BEFORE_CHOICE,
  type OrderSettings,
  type Plan,
  type RulesInForce,
  sameOrderSettings,
} from './storeVocabulary';
import { movesOn, type TikTokOrderStatus } from './tiktokStatus';

/** The store an order is placed in, as the handler folded it from the store's stream. */
export interface StoreSnapshot {
  storeId: string;
  platform: EcommercePlatform;
  plan: Plan;
  /** The rules in force now (the default on plans without FBT rules). */
  rules: RulesInForce;
  /** The order settings in force now (every plan). */
  settings: OrderSettings;
}

export interface RecordTikTokOrder {
  type: 'RecordTikTokOrder';
  data: {
    orderId: string;
    tiktokOrderId: string;
    fulfillmentType: FulfillmentType;
    status: TikTokOrderStatus;
    lineItems: LineItem[];
    currency: string;
    placedAt: string;
    store: StoreSnapshot;
    now: string;
  };
}

export interface RecordTikTokOrderStatus {
  type: 'RecordTikTokOrderStatus';
  data: { status: TikTokOrderStatus; changedAt: string; now: string };
}

/** The sync reactor begins an attempt (before it calls the platform). */
export interface StartOrderSync {
  type: 'StartOrderSync';
  data: { now: string };
}

export interface RecordOrderSynced {
  type: 'RecordOrderSynced';
  data: {
    attempt: number;
    platformOrderId: string;
    platformOrderStatus: PlatformOrderStatus;
    tags: string[];
    alreadyOnPlatform: boolean;
    now: string;
  };
}

export interface RecordOrderSyncFailure {
  type: 'RecordOrderSyncFailure';
  data: {
    attempt: number;
    reason: string;
    retryable: boolean;
    /** Attempts allowed per request before the order is FAILED. */
    maxAttempts: number;
    /** When to try again if the failure is retryable and attempts remain. */
    nextAttemptAt: string;
    now: string;
  };
}

export interface RetryOrderSync {
  type: 'RetryOrderSync';
  data: { now: string; actor: string };
}

export type {
  RecordPlatformMirrored,
  RecordPlatformMirroringFailure,
  RecordTikTokCancellation,
  RecordTikTokReturn,
  StartPlatformMirroring,
};

export type OrderCommand =
  | RecordTikTokOrder
  | RecordTikTokOrderStatus
  | StartOrderSync
  | RecordOrderSynced
  | RecordOrderSyncFailure
  | RetryOrderSync
  | RecordTikTokCancellation
  | RecordTikTokReturn
  | StartPlatformMirroring
  | RecordPlatformMirrored
  | RecordPlatformMirroringFailure;

/** Whether the sync reactor should start an attempt now. */
export function isDueForSync(order: Order, now: string): boolean {
  return (
    order.syncStatus === 'PENDING' &&
    order.syncPlan !== null &&
    order.tiktokStatus !== 'CANCELLED' &&
    (order.nextAttemptAt === null || order.nextAttemptAt <= now)
  );
}

/**
 * What the order needs next, now that its facts changed: block it, request
 * its sync, cancel it, or nothing. Orders synced or cancelled are settled; an
 * order already due for sync (or failed) keeps its plan.
 */
function nextStep(order: Order, now: string): OrderEvent[] {
  if (order.syncStatus === 'SYNCED' || order.syncStatus === 'CANCELLED') return [];
  if (order.tiktokStatus === 'CANCELLED') {
    // A started attempt may already have reached the platform: its answer decides.
    if (order.attemptInFlight !== null) return [];
    return [
      {
        type: 'OrderCancelled',
        data: {
          orderId: order.orderId,
          reason: 'cancelled on TikTok Shop before it was synced',
          cancelledAt: now,
        },
      },
    ];
  }
  if (order.syncPlan !== null) return [];
  const decision = fbtSyncPolicy({
    fulfillmentType: order.fulfillmentType,
    mode: order.appliedMode ?? 'SYNC_AND_DEDUCT_INVENTORY',
    status: order.tiktokStatus,
    onHoldOrders: order.onHoldOrders,
  });
  switch (decision.action) {
    case 'wait':
    case 'cancel':
      return [];
    case 'block':
      return order.syncStatus === 'BLOCKED'
        ? []
        : [
            {
              type: 'OrderBlocked',
              data: {
                orderId: order.orderId,
                reason: decision.why,
                waitingFor: 'AWAITING_COLLECTION',
                blockedAt: now,
              },
            },
          ];
    case 'sync':
      return [
        {
          type: 'OrderSyncRequested',
          data: {
            orderId: order.orderId,
            plan: {
              platformOrderStatus: decision.platformOrderStatus,
              inventoryBehaviour: decision.inventoryBehaviour,
              inventoryLocation: decision.inventoryLocation,
              tags: decision.tagged && order.orderTag !== null ? [order.orderTag] : [],
              // Only when held: every other plan reads as it did before SYNC_ON_HOLD.
              ...(decision.onHold ? { onHold: true as const } : {}),
            },
            reason: decision.why,
            requestedBy: null,
            requestedAt: now,
          },
        },
      ];
    default: {
      const _exhaustive: never = decision;
      return _exhaustive;
    }
  }
}

function changeStatus(
  order: Order,
  status: TikTokOrderStatus,
  changedAt: string,
  now: string,
): OrderEvent[] {
  if (!movesOn(order.tiktokStatus, status)) return [];
  const change = {
    orderId: order.orderId,
    from: order.tiktokStatus,
    to: status,
    changedAt,
    recordedAt: now,
  };
  const event: OrderEvent =
    order.fulfillmentType === 'FULFILLED_BY_TIKTOK'
      ? { type: 'FbtStatusChanged', data: change }
      : { type: 'OrderStatusChanged', data: change };
  const after = evolveOrder(order, event)!;
  // A synced order moves on as TikTok says, with no second sync; one synced
  // held in ON_HOLD has its hold released once TikTok releases it.
  return [event, ...nextStep(after, now), ...releaseIfDue(after, now)];
}

function recordOrder({ data }: RecordTikTokOrder, state: OrderState): OrderEvent[] {
  const problems = new Problems();
  checkTikTokOrderId(data.tiktokOrderId, problems);
  checkStatus(data.status, problems);
  checkInstant('placedAt', data.placedAt, problems);
  const facts = checkOrderFacts(data, problems);
  problems.throwIfAny();
  // The same order recorded again is one order; a later status it carries still counts.
  if (state !== null) return changeStatus(state, data.status, data.placedAt, data.now);

  const placed: OrderPlaced = {
    type: 'OrderPlaced',
    data: {
      orderId: data.orderId,
      storeId: data.store.storeId,
      tiktokOrderId: data.tiktokOrderId,
      fulfillmentType: data.fulfillmentType,
      status: data.status,
      lineItems: facts.lineItems,
      currency: facts.currency,
      totalAmount: facts.totalAmount,
      placedAt: data.placedAt,
      store: { platform: data.store.platform, plan: data.store.plan },
      rules: data.store.rules,
      recordedAt: data.now,
    },
  };
  const events: OrderEvent[] = [placed];
  const { settings } = data.store;
  if (!sameOrderSettings(settings, ORDER_SETTINGS_BEFORE_CHOICE)) {
    events.push({
      type: 'OrderSettingsRecorded',
      data: {
        orderId: data.orderId,
        onHoldOrders: settings.onHoldOrders,
        restockReturns: settings.restockReturns,
        recordedAt: data.now,
      },
    });
  }
  const order = events.reduce<OrderState>(evolveOrder, null)!;
  return [...events, ...nextStep(order, data.now)];
}

function startSync(order: Order, now: string): OrderEvent[] {
  if (!isDueForSync(order, now)) {
    throw DomainError.of(
      'INVALID_STATE',
      null,
      `order ${order.orderId} is not due for sync (${order.syncStatus})`,
    );
  }
  // An attempt still "in flight" here was cut short by a crash: the new one supersedes it,
  // and the platform look-up before create finds whatever the old one did.
  return [
    {
      type: 'OrderSyncStarted',
      data: { orderId: order.orderId, attempt: order.syncAttempts + 1, startedAt: now },
    },
  ];
}

/** The deduction of the order's items, summed per SKU, from the plan's inventory. */
function inventoryDeduction(order: Order, now: string): InventoryDeducted {
  const bySku = new Map<string, number>();
  for (const item of order.lineItems)
    bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
  return {
    type: 'InventoryDeducted',
    data: {
      orderId: order.orderId,
      storeId: order.storeId,
      location: order.syncPlan!.inventoryLocation,
      items: [...bySku].map(([sku, quantity]) => ({ sku, quantity })),
      deductedAt: now,
    },
  };
}

function recordSynced({ data }: RecordOrderSynced, order: Order): OrderEvent[] {
  if (order.syncStatus === 'SYNCED') return [];
  if (order.attemptInFlight !== data.attempt) {
    throw DomainError.of(
      'INVALID_STATE',
      null,
      `sync attempt ${data.attempt} of order ${order.orderId} is not in flight`,
    );
  }
  const synced: OrderEvent[] = [
    {
      type: 'OrderSynced',
      data: {
        orderId: order.orderId,
        attempt: data.attempt,
        platformOrderId: data.platformOrderId,
        platformOrderStatus: data.platformOrderStatus,
        tags: data.tags,
        alreadyOnPlatform: data.alreadyOnPlatform,
        syncedAt: data.now,
      },
    },
    inventoryDeduction(order, data.now),
  ];
  // What TikTok reported while the order was on its way is mirrored now.
  const after = synced.reduce<OrderState>(evolveOrder, order)!;
  return [...synced, ...requestsAtSync(after, data.now)];
}

function recordFailure({ data }: RecordOrderSyncFailure, order: Order): OrderEvent[] {
  if (order.attemptInFlight !== data.attempt) {
    throw DomainError.of(
      'INVALID_STATE',
      null,
      `sync attempt ${data.attempt} of order ${order.orderId} is not in flight`,
    );
  }
  const cancelled = order.tiktokStatus === 'CANCELLED';
  const final = !data.retryable || order.attemptsSinceRequest >= data.maxAttempts || cancelled;
  const reason =
    final && data.retryable && !cancelled
      ? `${data.reason} (gave up after ${order.attemptsSinceRequest} attempts)`
      : data.reason;
  const failed: OrderEvent = {
    type: 'OrderSyncFailed',
    data: {
      orderId: order.orderId,
      attempt: data.attempt,
      reason,
      retryable: data.retryable,
      final,
      nextAttemptAt: final ? null : data.nextAttemptAt,
      failedAt: data.now,
    },
  };
  return [failed, ...nextStep(evolveOrder(order, failed)!, data.now)];
}

function retry({ data }: RetryOrderSync, order: Order): OrderEvent[] {
  // A synced order is retried where its mirroring failed.
  const mirrorings = retryMirrorings(order, data.now, data.actor);
  if (order.syncStatus === 'SYNCED' && mirrorings.length > 0) return mirrorings;
  if (order.syncStatus !== 'FAILED' || order.syncPlan === null) {
    throw DomainError.of(
      'INVALID_STATE',
      ['orderId'],
      `only a FAILED order can be retried; this one is ${order.syncStatus}`,
    );
  }
  return [
    {
      type: 'OrderSyncRequested',
      data: {
        orderId: order.orderId,
        plan: order.syncPlan,
        reason: `retry requested by ${data.actor} after: ${order.failureReason ?? 'a failure'}`,
        requestedBy: data.actor,
        requestedAt: data.now,
      },
    },
  ];
}

/**
 * TikTok Shop cancelled the order, or some of its lines. The whole order, not
 * synced yet, is the CANCELLED-before-sync row (as its status alone would
 * be); synced, it is cancelled on the platform once. Lines are recorded, and
 * mirrored once the order is on the platform.
 */
function recordCancellation({ data }: RecordTikTokCancellation, order: Order): OrderEvent[] {
  const problems = new Problems();
  checkTikTokId('cancellationId', data.cancellationId, problems);
  if (data.lines !== null && data.cancellationId === null)
    problems.invalid(['cancellationId'], 'a cancellation of lines needs its cancellationId');
  if (data.lines !== null) checkLines(order, data.lines, problems, { allowNone: false });
  const reason = checkReason(data.reason, problems);
  checkInitiator(data.initiator, problems);
  checkInstant('cancelledAt', data.cancelledAt, problems);
  problems.throwIfAny();

  if (data.lines !== null) {
    return recordLinesCancelled(
      order,
      { ...data, cancellationId: data.cancellationId!, lines: data.lines },
      reason,
    );
  }
  if (order.afterSync.cancellation !== null) return [];
  const events = changeStatus(order, 'CANCELLED', data.cancelledAt, data.now);
  const after = events.reduce<OrderState>(evolveOrder, order)!;
  // After DELIVERED a cancellation is ignored; before sync, or with an attempt
  // in flight, the status change has done what the table says.
  if (after.tiktokStatus !== 'CANCELLED' || after.syncStatus !== 'SYNCED') return events;
  return [...events, ...cancelAfterSync(after, data, reason)];
}

function recordTikTokReturn({ data }: RecordTikTokReturn, order: Order): OrderEvent[] {
  const problems = new Problems();
  checkTikTokId('returnId', data.returnId, problems);
  if (data.returnId === null) problems.invalid(['returnId'], 'returnId is required');
  checkReturnKind(data.status, data.returnType, problems);
  checkLines(order, data.lines, problems, { allowNone: true });
  const amount = checkAmount(order, data.amount, data.currency, problems);
  checkInstant('changedAt', data.changedAt, problems);
  problems.throwIfAny();
  return recordReturn(order, data, amount);
}

export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'RecordTikTokOrder') return recordOrder(command, state);
  if (state === null) throw DomainError.of('NOT_FOUND', ['tiktokOrderId'], 'no such order');
  switch (command.type) {
    case 'RecordTikTokOrderStatus': {
      const problems = new Problems();
      checkStatus(command.data.status, problems);
      checkInstant('changedAt', command.data.changedAt, problems);
      problems.throwIfAny();
      return changeStatus(state, command.data.status, command.data.changedAt, command.data.now);
    }
    case 'StartOrderSync':
      return startSync(state, command.data.now);
    case 'RecordOrderSynced':
      return recordSynced(command, state);
    case 'RecordOrderSyncFailure':
      return recordFailure(command, state);
    case 'RetryOrderSync':
      return retry(command, state);
    case 'RecordTikTokCancellation':
      return recordCancellation(command, state);
    case 'RecordTikTokReturn':
      return recordTikTokReturn(command, state);
    case 'StartPlatformMirroring':
      return startMirroring(state, command.data.key, command.data.now);
    case 'RecordPlatformMirrored':
      return recordMirrored(state, command.data);
    case 'RecordPlatformMirroringFailure':
      return recordMirroringFailure(state, command.data);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const orderDecider = {
  initialState: initialOrderState,
  evolve: evolveOrder,
  decide: decideOrder,
};
