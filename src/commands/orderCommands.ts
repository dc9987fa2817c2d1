import type {
  CancelInitiator,
  LineUnits,
  ReturnStatus,
  ReturnType,
} from '../domain/afterSyncVocabulary';
import { DomainError } from '../domain/domainError';
import { orderStreamId } from '../domain/eventCatalog';
import { orderDecider, type OrderCommand } from '../domain/orderDecider';
import type { OrderEvent } from '../domain/orderEvents';
import type { OrderState } from '../domain/orderState';
import type { FulfillmentType, LineItem, PlatformOrderStatus } from '../domain/orderVocabulary';
import type { TikTokOrderStatus } from '../domain/tiktokStatus';
import { aggregateStream } from '../eventstore/aggregateStream';
import { type CommandContext, isoNow } from './commandContext';
import { handleCommand, type HandleResult } from './handleCommand';
import { orderIdFor } from './ids';
import { storeSnapshot } from './storeCommands';

export type OrderResult = HandleResult<OrderState, OrderEvent>;

async function onOrder(
  context: CommandContext,
  orderId: string,
  command: OrderCommand,
  notFoundField: string[],
): Promise<OrderResult> {
  try {
    return await handleCommand(context.eventStore, orderStreamId(orderId), orderDecider, command, {
      metadata: context.metadata,
    });
  } catch (error) {
    // The decider does not know which input named the order; the caller does.
    if (error instanceof DomainError && error.code === 'NOT_FOUND') {
      throw DomainError.of('NOT_FOUND', notFoundField, `no order ${orderId}`);
    }
    throw error;
  }
}

export interface RecordTikTokOrderInput {
  storeId: string;
  tiktokOrderId: string;
  fulfillmentType: FulfillmentType;
  status: TikTokOrderStatus;
  lineItems: LineItem[];
  currency: string;
  /** ISO-8601 instant in UTC. */
  placedAt: string;
}

/** Idempotent on (storeId, tiktokOrderId): the order's id and stream follow from them. */
export async function recordTikTokOrder(
  context: CommandContext,
  input: RecordTikTokOrderInput,
): Promise<OrderResult> {
  const store = await storeSnapshot(context, input.storeId);
  const orderId = orderIdFor(input.storeId, input.tiktokOrderId);
  const { storeId: _storeId, ...facts } = input;
  return onOrder(
    context,
    orderId,
    { type: 'RecordTikTokOrder', data: { ...facts, orderId, store, now: isoNow(context) } },
    ['storeId'],
  );
}

export async function recordTikTokOrderStatus(
  context: CommandContext,
  input: { storeId: string; tiktokOrderId: string; status: TikTokOrderStatus; changedAt: string },
): Promise<OrderResult> {
  const orderId = orderIdFor(input.storeId, input.tiktokOrderId);
  return onOrder(
    context,
    orderId,
    {
      type: 'RecordTikTokOrderStatus',
      data: { status: input.status, changedAt: input.changedAt, now: isoNow(context) },
    },
    ['tiktokOrderId'],
  );
}

export function retryOrderSync(
  context: CommandContext,
  input: { orderId: string },
): Promise<OrderResult> {
  return onOrder(
    context,
    input.orderId,
    { type: 'RetryOrderSync', data: { now: isoNow(context), actor: context.metadata.actor } },
    ['orderId'],
  );
}

/** The sync reactor's commands: start an attempt, then record its outcome. */
export function startOrderSync(context: CommandContext, orderId: string): Promise<OrderResult> {
  return onOrder(context, orderId, { type: 'StartOrderSync', data: { now: isoNow(context) } }, [
    'orderId',
  ]);
}

export function recordOrderSynced(
  context: CommandContext,
  orderId: string,
  outcome: {
    attempt: number;
    platformOrderId: string;
    platformOrderStatus: PlatformOrderStatus;
    tags: string[];
    alreadyOnPlatform: boolean;
  },
): Promise<OrderResult> {
  return onOrder(
    context,
    orderId,
    { type: 'RecordOrderSynced', data: { ...outcome, now: isoNow(context) } },
    ['orderId'],
  );
}

export function recordOrderSyncFailure(
  context: CommandContext,
  orderId: string,
  failure: {
    attempt: number;
    reason: string;
    retryable: boolean;
    maxAttempts: number;
    nextAttemptAt: string;
  },
): Promise<OrderResult> {
  return onOrder(
    context,
    orderId,
    { type: 'RecordOrderSyncFailure', data: { ...failure, now: isoNow(context) } },
    ['orderId'],
  );
}

/**
 * TikTok Shop cancelled the whole order (lines: null) or some units of some
 * lines; idempotent on the order, or on TikTok's cancellation id for lines.
 */
export function recordTikTokCancellation(
  context: CommandContext,
  input: {
    storeId: string;
    tiktokOrderId: string;
    cancellationId: string | null;
    lines: LineUnits[] | null;
    reason: string;
    initiator: CancelInitiator;
    cancelledAt: string;
  },
): Promise<OrderResult> {
  const { storeId, tiktokOrderId, ...facts } = input;
  return onOrder(
    context,
    orderIdFor(storeId, tiktokOrderId),
    { type: 'RecordTikTokCancellation', data: { ...facts, now: isoNow(context) } },
    ['tiktokOrderId'],
  );
}

/** A TikTok Shop return or refund, whatever its status; idempotent on its return id. */
export function recordTikTokReturn(
  context: CommandContext,
  input: {
    storeId: string;
    tiktokOrderId: string;
    returnId: string;
    status: ReturnStatus;
    returnType: ReturnType;
    lines: LineUnits[];
    amount: string;
    currency: string;
    changedAt: string;
  },
): Promise<OrderResult> {
  const { storeId, tiktokOrderId, ...facts } = input;
  return onOrder(
    context,
    orderIdFor(storeId, tiktokOrderId),
    { type: 'RecordTikTokReturn', data: { ...facts, now: isoNow(context) } },
    ['tiktokOrderId'],
  );
}

/** The mirroring reactor's commands: start an attempt of a mirroring, then record its outcome. */
export function startPlatformMirroring(
  context: CommandContext,
  orderId: string,
  key: string,
): Promise<OrderResult> {
  return onOrder(
    context,
    orderId,
    { type: 'StartPlatformMirroring', data: { key, now: isoNow(context) } },
    ['orderId'],
  );
}

export function recordPlatformMirrored(
  context: CommandContext,
  orderId: string,
  outcome: {
    key: string;
    attempt: number;
    platformReference: string | null;
    alreadyOnPlatform: boolean;
  },
): Promise<OrderResult> {
  return onOrder(
    context,
    orderId,
    { type: 'RecordPlatformMirrored', data: { ...outcome, now: isoNow(context) } },
    ['orderId'],
  );
}

export function recordPlatformMirroringFailure(
  context: CommandContext,
  orderId: string,
  failure: {
    key: string;
    attempt: number;
    reason: string;
    retryable: boolean;
    maxAttempts: number;
    nextAttemptAt: string;
  },
): Promise<OrderResult> {
  return onOrder(
    context,
    orderId,
    { type: 'RecordPlatformMirroringFailure', data: { ...failure, now: isoNow(context) } },
    ['orderId'],
  );
}

/** The order folded from its stream, or null (what the intake reads to know what TikTok told already). */
export async function loadOrder(
  context: Pick<CommandContext, 'eventStore'>,
  storeId: string,
  tiktokOrderId: string,
): Promise<OrderState> {
  const stream = orderStreamId(orderIdFor(storeId, tiktokOrderId));
  return (await aggregateStream(context.eventStore, stream, orderDecider)).state;
}
