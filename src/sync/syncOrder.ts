import { aggregateStream } from '../eventstore/aggregateStream';
import type { CommandContext } from '../commands/commandContext';
import {
  recordOrderSynced,
  recordOrderSyncFailure,
  startOrderSync,
} from '../commands/orderCommands';
import { DomainError } from '../domain/domainError';
import { orderStreamId } from '../domain/eventCatalog';
import { orderDecider } from '../domain/orderDecider';
import type { Order } from '../domain/orderState';
import type { EventStore } from '../eventstore/createEventStore';
import type { Checkpoint } from '../eventstore/types';
import {
  type CreatePlatformOrder,
  PlatformError,
  type PlatformErrorKind,
  type PlatformOrder,
  type PlatformPort,
  type PlatformStore,
} from './platformPort';
import { platformStoreFor, storeReadiness } from './platformStore';
import { jitteredBackoffMs } from '../backoff';
import type { RetryPolicy } from './retryDelay';

/** Who the reactor's events say acted. */
export const SYNC_ACTOR = 'sync-reactor';

export interface SyncOrderDependencies {
  eventStore: EventStore;
  platform: PlatformPort;
  now: () => Date;
  random: () => number;
  retry: RetryPolicy;
  /** An OrderSyncStarted was appended. */
  onAttemptStarted?: () => void;
}

/** How one go at an order ended; `checkpoint` is that of the last event it appended. */
export type SyncOutcome =
  | {
      kind: 'synced';
      attempt: number;
      platformOrderId: string;
      alreadyOnPlatform: boolean;
      checkpoint: Checkpoint | undefined;
    }
  | {
      kind: 'failed';
      attempt: number;
      errorKind: PlatformErrorKind | 'CANCELLED';
      reason: string;
      /** No automatic attempt follows: FAILED (or CANCELLED). */
      final: boolean;
      nextAttemptAt: string | null;
      checkpoint: Checkpoint | undefined;
    }
  /** The queue row is behind the order, which is not due (any more, or yet): checkpoint is its last event's. */
  | { kind: 'notDue'; syncStatus: Order['syncStatus']; checkpoint: Checkpoint | undefined }
  /** Another attempt replaced this one before its result was recorded. */
  | { kind: 'superseded'; attempt: number }
  /** Leadership was lost before the platform call that creates: the next leader's attempt takes over. */
  | { kind: 'abandoned'; attempt: number }
  /** A crashed attempt of a now cancelled order could not be looked up: try again later. */
  | { kind: 'deferred'; reason: string }
  /** The store cannot be called now (no credentials: the app is not installed): no attempt was started. */
  | { kind: 'waiting'; reason: string };

const isInvalidState = (error: unknown) =>
  error instanceof DomainError && error.code === 'INVALID_STATE';

/**
 * One attempt at an order in the sync queue: start it (recorded before the
 * platform is called), look the order up on the platform, create it only if
 * it is not there, and record the result. A crash anywhere leaves the order
 * in the queue with its attempt in flight; the next attempt supersedes it,
 * and its look-up finds whatever the crashed one created.
 */
export async function syncOrder(
  deps: SyncOrderDependencies,
  request: { orderId: string; correlationId: string },
  signal: AbortSignal,
): Promise<SyncOutcome> {
  const context: CommandContext = {
    eventStore: deps.eventStore,
    now: deps.now,
    metadata: { correlationId: request.correlationId, actor: SYNC_ACTOR },
  };
  const readiness = await storeReadiness(deps.platform, context, request.orderId);
  if (readiness.waitingFor !== null) return { kind: 'waiting', reason: readiness.waitingFor };
  let order: Order;
  try {
    order = (await startOrderSync(context, request.orderId)).state!;
  } catch (error) {
    if (!isInvalidState(error)) throw error;
    return settleStaleRow(deps, context, request.orderId, signal);
  }
  deps.onAttemptStarted?.();
  return onPlatform(deps, context, order, order.syncAttempts, signal, {
    checkedStore: readiness.store,
  });
}

/** The order is not due: the queue lags behind it, unless a crashed attempt of a cancelled order waits for its answer. */
async function settleStaleRow(
  deps: SyncOrderDependencies,
  context: CommandContext,
  orderId: string,
  signal: AbortSignal,
): Promise<SyncOutcome> {
  const { state: order, events } = await aggregateStream(
    deps.eventStore,
    orderStreamId(orderId),
    orderDecider,
  );
  if (order === null) throw new Error(`order ${orderId} is in the sync queue but has no events`);
  // The domain lets no attempt start once TikTok Shop cancelled the order, and
  // records no cancellation while an attempt is in flight: only the platform
  // can say how the crashed attempt ended.
  if (
    order.syncStatus === 'PENDING' &&
    order.attemptInFlight !== null &&
    order.tiktokStatus === 'CANCELLED'
  ) {
    return onPlatform(deps, context, order, order.attemptInFlight, signal, { cancelled: true });
  }
  return { kind: 'notDue', syncStatus: order.syncStatus, checkpoint: events.at(-1)?.checkpoint };
}

function platformOrder(order: Order, store: PlatformStore): CreatePlatformOrder {
  const plan = order.syncPlan!;
  return {
    store,
    orderId: order.orderId,
    tiktokOrderId: order.tiktokOrderId,
    lineItems: order.lineItems,
    currency: order.currency,
    totalAmount: order.totalAmount,
    placedAt: order.placedAt,
    status: plan.platformOrderStatus,
    inventoryBehaviour: plan.inventoryBehaviour,
    tags: plan.tags,
    ...(plan.onHold === true ? { onHold: true } : {}),
  };
}

async function onPlatform(
  deps: SyncOrderDependencies,
  context: CommandContext,
  order: Order,
  attempt: number,
  signal: AbortSignal,
  { cancelled = false, checkedStore }: { cancelled?: boolean; checkedStore?: PlatformStore } = {},
): Promise<SyncOutcome> {
  const target = await platformStoreFor(context, order.storeId, checkedStore);
  let found: PlatformOrder | null;
  let created: PlatformOrder | null = null;
  try {
    found = await deps.platform.findOrder(target, order.tiktokOrderId);
    if (found === null && !cancelled) {
      // Past this point another leader may already be attempting: do not create beside it.
      if (signal.aborted) return { kind: 'abandoned', attempt };
      created = await deps.platform.createOrder(platformOrder(order, target));
    } else if (found !== null && !cancelled && order.syncPlan?.onHold === true) {
      // SYNC_ON_HOLD: a crash (or a failed hold) may have come between the
      // create and its hold; holding is idempotent, so hold it again.
      await deps.platform.holdFulfillment({
        store: target,
        platformOrderId: found.platformOrderId,
      });
    }
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    if (cancelled) return { kind: 'deferred', reason: error.message };
    return recordFailure(deps, context, order, attempt, error);
  }
  const onPlatformNow = found ?? created;
  if (onPlatformNow === null) {
    return recordFailure(deps, context, order, attempt, null);
  }
  try {
    const result = await recordOrderSynced(context, order.orderId, {
      attempt,
      platformOrderId: onPlatformNow.platformOrderId,
      platformOrderStatus: onPlatformNow.status,
      tags: onPlatformNow.tags,
      alreadyOnPlatform: found !== null,
    });
    // Nothing appended: another attempt recorded the order synced first.
    if (result.appended.length === 0) return { kind: 'superseded', attempt };
    return {
      kind: 'synced',
      attempt,
      platformOrderId: onPlatformNow.platformOrderId,
      alreadyOnPlatform: found !== null,
      checkpoint: result.checkpoint,
    };
  } catch (error) {
    if (isInvalidState(error)) return { kind: 'superseded', attempt };
    throw error;
  }
}

/** Records a platform error, or (error null) that a cancelled order never reached the platform. */
async function recordFailure(
  deps: SyncOrderDependencies,
  context: CommandContext,
  order: Order,
  attempt: number,
  error: PlatformError | null,
): Promise<SyncOutcome> {
  // One instant for failedAt and the delay counted from it.
  const failedAt = deps.now();
  const delayMs = jitteredBackoffMs(
    deps.retry,
    // The attempt that failed is counted already (OrderSyncStarted).
    Math.max(1, order.attemptsSinceRequest),
    deps.random,
    error?.retryAfterMs,
  );
  const reason = error?.message ?? 'cancelled on TikTok Shop before it reached the platform';
  try {
    const result = await recordOrderSyncFailure(
      { ...context, now: () => failedAt },
      order.orderId,
      {
        attempt,
        reason,
        retryable: error?.retryable ?? false,
        maxAttempts: deps.retry.maxAttempts,
        nextAttemptAt: new Date(failedAt.getTime() + delayMs).toISOString(),
      },
    );
    const failed = result.appended.find((event) => event.type === 'OrderSyncFailed');
    if (failed?.type !== 'OrderSyncFailed') throw new Error('no OrderSyncFailed was recorded');
    return {
      kind: 'failed',
      attempt,
      errorKind: error?.kind ?? 'CANCELLED',
      reason: failed.data.reason,
      final: failed.data.final,
      nextAttemptAt: failed.data.nextAttemptAt,
      checkpoint: result.checkpoint,
    };
  } catch (recordingError) {
    if (isInvalidState(recordingError)) return { kind: 'superseded', attempt };
    throw recordingError;
  }
}
