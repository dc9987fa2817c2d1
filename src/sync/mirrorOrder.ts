import type { CommandContext } from '../commands/commandContext';
import {
  recordPlatformMirrored,
  recordPlatformMirroringFailure,
  startPlatformMirroring,
} from '../commands/orderCommands';
import type { MirroringKind } from '../domain/afterSyncVocabulary';
import { DomainError } from '../domain/domainError';
import { mirroringOf } from '../domain/orderAfterSync';
import type { Order } from '../domain/orderState';
import type { EventStore } from '../eventstore/createEventStore';
import type { Checkpoint } from '../eventstore/types';
import { mirrorOnPlatform, type PlatformAnswer } from './mirrorOnPlatform';
import { PlatformError, type PlatformErrorKind, type PlatformPort } from './platformPort';
import { platformStoreFor, storeReadiness } from './platformStore';
import { jitteredBackoffMs } from '../backoff';
import type { RetryPolicy } from './retryDelay';

/** Who the mirroring reactor's events say acted. */
export const MIRROR_ACTOR = 'mirror-reactor';

export interface MirrorOrderDependencies {
  eventStore: EventStore;
  platform: PlatformPort;
  now: () => Date;
  random: () => number;
  retry: RetryPolicy;
  /** A PlatformMirroringStarted was appended. */
  onAttemptStarted?: (mirroring: MirroringKind) => void;
}

/** How one go at a mirroring ended; `checkpoint` is that of the last event it appended. */
export type MirrorOutcome =
  | {
      kind: 'mirrored';
      mirroring: MirroringKind;
      attempt: number;
      alreadyOnPlatform: boolean;
      checkpoint: Checkpoint | undefined;
    }
  | {
      kind: 'failed';
      mirroring: MirroringKind;
      attempt: number;
      errorKind: PlatformErrorKind;
      reason: string;
      final: boolean;
      nextAttemptAt: string | null;
      checkpoint: Checkpoint | undefined;
    }
  /** The queue row is behind the mirroring, which is not due (any more, or yet). */
  | { kind: 'notDue' }
  /** Another attempt recorded an outcome first. */
  | { kind: 'superseded'; attempt: number }
  /** Leadership was lost before the platform call: the next leader's attempt takes over. */
  | { kind: 'abandoned'; attempt: number }
  /** The store cannot be called now (no credentials: the app is not installed): no attempt was started. */
  | { kind: 'waiting'; reason: string };

const isInvalidState = (error: unknown) =>
  error instanceof DomainError && error.code === 'INVALID_STATE';

/**
 * One attempt at a due mirroring, as syncOrder does the sync: start it
 * (recorded before the platform is called), carry out its plan on the
 * platform (each call looks its effect up first), record the outcome. A crash
 * anywhere leaves the mirroring PENDING with its attempt in flight; the next
 * attempt supersedes it, and the platform answers "already" for whatever the
 * crashed one did.
 */
export async function mirrorOrder(
  deps: MirrorOrderDependencies,
  request: { orderId: string; key: string; correlationId: string },
  signal: AbortSignal,
): Promise<MirrorOutcome> {
  const context: CommandContext = {
    eventStore: deps.eventStore,
    now: deps.now,
    metadata: { correlationId: request.correlationId, actor: MIRROR_ACTOR },
  };
  const readiness = await storeReadiness(deps.platform, context, request.orderId);
  if (readiness.waitingFor !== null) return { kind: 'waiting', reason: readiness.waitingFor };
  let order: Order;
  try {
    order = (await startPlatformMirroring(context, request.orderId, request.key)).state!;
  } catch (error) {
    if (isInvalidState(error)) return { kind: 'notDue' };
    throw error;
  }
  const mirroring = mirroringOf(order, request.key)!;
  deps.onAttemptStarted?.(mirroring.kind);
  const attempt = mirroring.attempts;
  if (signal.aborted) return { kind: 'abandoned', attempt };

  const store = await platformStoreFor(context, order.storeId, readiness.store);
  let answer: PlatformAnswer;
  try {
    answer = await mirrorOnPlatform(
      deps.platform,
      {
        store,
        platformOrderId: order.platformOrderId!,
      },
      mirroring.request,
      { cancelled: order.afterSync.mirrorings.some((m) => m.kind === 'CANCEL_ORDER') },
    );
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return recordFailure(deps, context, order, request.key, attempt, error);
  }
  try {
    const result = await recordPlatformMirrored(context, order.orderId, {
      key: request.key,
      attempt,
      ...answer,
    });
    if (result.appended.length === 0) return { kind: 'superseded', attempt };
    return {
      kind: 'mirrored',
      mirroring: mirroring.kind,
      attempt,
      alreadyOnPlatform: answer.alreadyOnPlatform,
      checkpoint: result.checkpoint,
    };
  } catch (error) {
    if (isInvalidState(error)) return { kind: 'superseded', attempt };
    throw error;
  }
}

async function recordFailure(
  deps: MirrorOrderDependencies,
  context: CommandContext,
  order: Order,
  key: string,
  attempt: number,
  error: PlatformError,
): Promise<MirrorOutcome> {
  const mirroring = mirroringOf(order, key)!;
  // One instant for failedAt and the delay counted from it.
  const failedAt = deps.now();
  const delayMs = jitteredBackoffMs(
    deps.retry,
    Math.max(1, mirroring.attemptsSinceRequest),
    deps.random,
    error.retryAfterMs,
  );
  try {
    const result = await recordPlatformMirroringFailure(
      { ...context, now: () => failedAt },
      order.orderId,
      {
        key,
        attempt,
        reason: error.message,
        retryable: error.retryable,
        maxAttempts: deps.retry.maxAttempts,
        nextAttemptAt: new Date(failedAt.getTime() + delayMs).toISOString(),
      },
    );
    const failed = result.appended.find((event) => event.type === 'PlatformMirroringFailed');
    if (failed?.type !== 'PlatformMirroringFailed')
      throw new Error('no PlatformMirroringFailed was recorded');
    return {
      kind: 'failed',
      mirroring: mirroring.kind,
      attempt,
      errorKind: error.kind,
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
