import { afterSyncPolicy, type AfterSyncEffect, type AfterSyncOrder } from './afterSyncPolicy';
import {
  CANCEL_INITIATORS,
  CANCEL_ORDER_KEY,
  type CancelInitiator,
  cancelLinesKey,
  type LineUnits,
  type LineUnitsOf,
  RELEASE_HOLD_KEY,
  RETURN_STATUSES,
  RETURN_TYPES,
  refundKey,
  type ReturnStatus,
  type ReturnType,
} from './afterSyncVocabulary';
import { DomainError, type Problems } from './domainError';
import { currencyExponent, fromMinorUnits, normalizeAmount, toMinorUnits } from './money';
import type {
  InventoryRestocked,
  MirroringRequest,
  OrderCancelledAfterSync,
  OrderEvent,
  OrderLinesCancelled,
  OrderRefundCompleted,
} from './orderEvents';
import { evolveOrder, type Order, type PlatformMirroring } from './orderState';
import { MAX_LINE_ITEMS } from './orderValidation';
import { isPaid } from './tiktokStatus';

// ---------------------------------------------------------------------------
// Commands: TikTok Shop's after-sync facts, and the mirroring reactor's steps.
// ---------------------------------------------------------------------------

/** TikTok Shop cancelled the whole order (lines: null) or some units of some lines. */
export interface RecordTikTokCancellation {
  type: 'RecordTikTokCancellation';
  data: {
    /** TikTok's cancellation id (cancel_id); required for a cancellation of lines, its key. */
    cancellationId: string | null;
    /** null: the whole order. Otherwise the units cancelled, per line of the order. */
    lines: LineUnits[] | null;
    reason: string;
    initiator: CancelInitiator;
    /** When TikTok Shop says it was cancelled. */
    cancelledAt: string;
    now: string;
  };
}

/** A TikTok Shop return or refund, whatever its status; only COMPLETED changes anything. */
export interface RecordTikTokReturn {
  type: 'RecordTikTokReturn';
  data: {
    /** TikTok's return id: the key, so that every delivery of it is one fact. */
    returnId: string;
    status: ReturnStatus;
    returnType: ReturnType;
    /** The units refunded, per line of the order; none for a refund of money alone. */
    lines: LineUnits[];
    /** TikTok's refund total, a decimal string in the order's currency. */
    amount: string;
    currency: string;
    /** When TikTok Shop says its status changed. */
    changedAt: string;
    now: string;
  };
}

/** The mirroring reactor begins an attempt (before it calls the platform). */
export interface StartPlatformMirroring {
  type: 'StartPlatformMirroring';
  data: { key: string; now: string };
}

export interface RecordPlatformMirrored {
  type: 'RecordPlatformMirrored';
  data: {
    key: string;
    attempt: number;
    platformReference: string | null;
    alreadyOnPlatform: boolean;
    now: string;
  };
}

export interface RecordPlatformMirroringFailure {
  type: 'RecordPlatformMirroringFailure';
  data: {
    key: string;
    attempt: number;
    reason: string;
    retryable: boolean;
    /** Attempts allowed per request before the mirroring is FAILED. */
    maxAttempts: number;
    nextAttemptAt: string;
    now: string;
  };
}

// ---------------------------------------------------------------------------
// What is due, for the reactor and the read models.
// ---------------------------------------------------------------------------

export function mirroringOf(order: Order, key: string): PlatformMirroring | undefined {
  return order.afterSync.mirrorings.find((m) => m.key === key);
}

/** Whether the mirroring reactor should start an attempt of this mirroring now. */
export function isMirroringDue(order: Order, key: string, now: string): boolean {
  const mirroring = mirroringOf(order, key);
  return (
    mirroring !== undefined &&
    order.syncStatus === 'SYNCED' &&
    mirroring.status === 'PENDING' &&
    (mirroring.nextAttemptAt === null || mirroring.nextAttemptAt <= now)
  );
}

/** The mirrorings due now, in the order they were requested. */
export function mirroringsDue(order: Order, now: string): PlatformMirroring[] {
  return order.afterSync.mirrorings.filter((m) => isMirroringDue(order, m.key, now));
}

/**
 * The order's after-sync state in one word, for the Orders view: FAILED when
 * a mirroring gave up (retryOrderSync tries it again), PENDING while one is
 * due or being tried, MIRRORED when every one is done, NONE when there was
 * nothing to mirror.
 */
export function mirroringStatusOf(order: Order): 'NONE' | 'PENDING' | 'MIRRORED' | 'FAILED' {
  const statuses = order.afterSync.mirrorings.map((m) => m.status);
  if (statuses.includes('FAILED')) return 'FAILED';
  if (statuses.includes('PENDING')) return 'PENDING';
  return statuses.includes('MIRRORED') ? 'MIRRORED' : 'NONE';
}

/**
 * A synced order TikTok Shop reports CANCELLED whose cancellation (reason,
 * initiator) was never recorded: the status webhook carries neither, and a
 * cancellation that came while its sync was in flight only moved the status.
 * The intake or the reconciliation fetches TikTok's cancellation and records
 * it (RecordTikTokCancellation), which cancels the platform order once.
 */
export function needsCancellationDetails(order: Order): boolean {
  return (
    order.syncStatus === 'SYNCED' &&
    order.tiktokStatus === 'CANCELLED' &&
    order.afterSync.cancellation === null
  );
}

// ---------------------------------------------------------------------------
// The order as the after-sync rules see it, and their effect as events.
// ---------------------------------------------------------------------------

const exponentOf = (order: Order): number => currencyExponent(order.currency) ?? 2;

/** The synced order's facts and what its mirrorings decided so far (afterSyncPolicy's input). */
export function afterSyncOrderOf(order: Order): AfterSyncOrder {
  const exponent = exponentOf(order);
  const lines = order.lineItems.map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: toMinorUnits(item.unitPrice, exponent) ?? 0n,
    closed: 0,
    restocked: 0,
  }));
  let refunded = 0n;
  let cancelledOnPlatform = false;
  let releaseDecided = false;
  for (const { request } of order.afterSync.mirrorings) {
    if (request.type === 'PlatformHoldReleaseRequested') {
      releaseDecided = true;
      continue;
    }
    // Decided, not done: a plan counts from its request, so that two plans
    // never share the same units, stock or money, even while both are pending.
    for (const entry of request.data.lines) {
      const line = lines[entry.line];
      if (line === undefined) continue;
      line.closed += entry.quantity;
      if (entry.restockType !== 'NO_RESTOCK') line.restocked += entry.quantity;
    }
    if (request.data.amount !== null) refunded += toMinorUnits(request.data.amount, exponent) ?? 0n;
    if (request.type === 'PlatformCancellationRequested' && request.data.scope === 'ORDER')
      cancelledOnPlatform = true;
  }
  const total = toMinorUnits(order.totalAmount, exponent) ?? 0n;
  return {
    fulfillmentType: order.fulfillmentType,
    mode: order.appliedMode,
    deductedAt: order.inventoryDeductedFrom,
    restockReturns: order.restockReturns,
    lines,
    refundable: total > refunded ? total - refunded : 0n,
    currency: order.currency,
    exponent,
    heldOnPlatform:
      order.syncStatus === 'SYNCED' && order.syncPlan?.onHold === true && !releaseDecided,
    cancelledOnPlatform,
  };
}

type Effect<A extends AfterSyncEffect['action']> = Extract<AfterSyncEffect, { action: A }>;

/** The platform cancellation a cancellation fact needs, whole order or lines. */
function cancellationRequest(
  order: Order,
  effect: Effect<'cancelOrder'> | Effect<'cancelLines'>,
  fact: OrderCancelledAfterSync | OrderLinesCancelled,
  now: string,
): MirroringRequest {
  const whole = effect.action === 'cancelOrder';
  const { cancellationId, reason, initiator } = fact.data;
  return {
    type: 'PlatformCancellationRequested',
    data: {
      orderId: order.orderId,
      key:
        fact.type === 'OrderLinesCancelled'
          ? cancelLinesKey(fact.data.cancellationId)
          : CANCEL_ORDER_KEY,
      scope: whole ? 'ORDER' : 'LINES',
      cancellationId,
      reason,
      initiator,
      restock: effect.lines.some((l) => l.restockType !== 'NO_RESTOCK'),
      lines: effect.lines,
      // The whole order is cancelled without a refund (TikTok Shop refunds
      // the buyer); cancelled lines are refunded at their value, as TikTok did.
      amount: whole ? null : fromMinorUnits(effect.amount, exponentOf(order)),
      currency: order.currency,
      why: effect.why,
      requestedAt: now,
    },
  };
}

function refundRequest(
  order: Order,
  effect: Effect<'refund'>,
  fact: OrderRefundCompleted,
  now: string,
): MirroringRequest {
  const { returnId, returnType } = fact.data;
  return {
    type: 'PlatformRefundRequested',
    data: {
      orderId: order.orderId,
      key: refundKey(returnId),
      returnId,
      returnType,
      lines: effect.lines,
      amount: fromMinorUnits(effect.amount, exponentOf(order)),
      currency: order.currency,
      note: `TikTok Shop return ${returnId}`,
      why: effect.why,
      requestedAt: now,
    },
  };
}

const keyOfFact = (fact: OrderLinesCancelled | OrderRefundCompleted): string =>
  fact.type === 'OrderLinesCancelled'
    ? cancelLinesKey(fact.data.cancellationId)
    : refundKey(fact.data.returnId);

/** The plan for one line cancellation or completed refund of a synced order. */
function planFact(
  order: Order,
  fact: OrderLinesCancelled | OrderRefundCompleted,
  now: string,
): MirroringRequest | null {
  const effect = afterSyncPolicy(
    afterSyncOrderOf(order),
    fact.type === 'OrderLinesCancelled'
      ? { kind: 'LINES_CANCELLED', lines: fact.data.lines }
      : {
          kind: 'RETURN',
          status: 'COMPLETED',
          returnType: fact.data.returnType,
          lines: fact.data.lines,
          amount: toMinorUnits(fact.data.amount, exponentOf(order)) ?? 0n,
        },
  );
  switch (effect.action) {
    case 'cancelLines':
      return fact.type === 'OrderLinesCancelled'
        ? cancellationRequest(order, effect, fact, now)
        : null;
    case 'refund':
      return fact.type === 'OrderRefundCompleted' ? refundRequest(order, effect, fact, now) : null;
    default:
      return null;
  }
}

/** The hold release, when TikTok released an order that reached the platform held. */
export function releaseIfDue(order: Order, now: string): OrderEvent[] {
  if (order.syncStatus !== 'SYNCED' || !isPaid(order.tiktokStatus)) return [];
  const effect = afterSyncPolicy(afterSyncOrderOf(order), { kind: 'RELEASED_FROM_HOLD' });
  if (effect.action !== 'releaseHold') return [];
  return [
    {
      type: 'PlatformHoldReleaseRequested',
      data: { orderId: order.orderId, key: RELEASE_HOLD_KEY, why: effect.why, requestedAt: now },
    },
  ];
}

/**
 * What the order needs once it reached the platform: the plans for the facts
 * TikTok reported while it was on its way (line cancellations, refunds), in
 * the order recorded, and the release of a hold TikTok already released.
 */
export function requestsAtSync(order: Order, now: string): OrderEvent[] {
  const requests: OrderEvent[] = [];
  let state = order;
  for (const fact of order.afterSync.facts) {
    if (mirroringOf(state, keyOfFact(fact)) !== undefined) continue;
    // Each plan is folded in before the next is made: they share the units, stock and money.
    const request = planFact(state, fact, now);
    if (request === null) continue;
    requests.push(request);
    state = evolveOrder(state, request)!;
  }
  return [...requests, ...releaseIfDue(state, now)];
}

/** The whole-order cancellation of a synced order: the fact, and the platform cancellation it needs. */
export function cancelAfterSync(
  order: Order,
  data: RecordTikTokCancellation['data'],
  reason: string,
): OrderEvent[] {
  const cancelled: OrderCancelledAfterSync = {
    type: 'OrderCancelledAfterSync',
    data: {
      orderId: order.orderId,
      cancellationId: data.cancellationId,
      reason,
      initiator: data.initiator,
      cancelledAt: data.cancelledAt,
      recordedAt: data.now,
    },
  };
  const after = evolveOrder(order, cancelled)!;
  const effect = afterSyncPolicy(afterSyncOrderOf(after), {
    kind: 'ORDER_CANCELLED',
    reason,
    initiator: data.initiator,
  });
  return effect.action === 'cancelOrder'
    ? [cancelled, cancellationRequest(after, effect, cancelled, data.now)]
    : [cancelled];
}

/**
 * A line cancellation or completed refund: recorded, and planned at once when
 * the order is on the platform; recorded and planned at sync when it is on
 * its way. When the platform order needs nothing (every unit named was taken
 * off already, the whole order was cancelled), nothing is appended.
 */
function recordFact(
  order: Order,
  fact: OrderLinesCancelled | OrderRefundCompleted,
  now: string,
): OrderEvent[] {
  // Never synced, and never will be: nothing to mirror.
  if (order.syncStatus === 'CANCELLED') return [];
  const key = keyOfFact(fact);
  if (order.afterSync.facts.some((f) => keyOfFact(f) === key)) return [];
  if (order.syncStatus !== 'SYNCED') return [fact];
  const request = planFact(evolveOrder(order, fact)!, fact, now);
  return request === null ? [] : [fact, request];
}

const linesOf = (order: Order, lines: readonly LineUnits[]): LineUnitsOf[] =>
  lines.map(({ line, quantity }) => ({ line, sku: order.lineItems[line]!.sku, quantity }));

export function recordLinesCancelled(
  order: Order,
  data: RecordTikTokCancellation['data'] & { cancellationId: string; lines: LineUnits[] },
  reason: string,
): OrderEvent[] {
  return recordFact(
    order,
    {
      type: 'OrderLinesCancelled',
      data: {
        orderId: order.orderId,
        cancellationId: data.cancellationId,
        lines: linesOf(order, data.lines),
        reason,
        initiator: data.initiator,
        cancelledAt: data.cancelledAt,
        recordedAt: data.now,
      },
    },
    data.now,
  );
}

export function recordReturn(
  order: Order,
  data: RecordTikTokReturn['data'],
  amount: string,
): OrderEvent[] {
  // The rules table's last row: a return REJECTED, WITHDRAWN or still
  // REQUESTED changes nothing (afterSyncPolicy says the same of a synced order).
  if (data.status !== 'COMPLETED') return [];
  return recordFact(
    order,
    {
      type: 'OrderRefundCompleted',
      data: {
        orderId: order.orderId,
        returnId: data.returnId,
        returnType: data.returnType,
        lines: linesOf(order, data.lines),
        amount,
        currency: order.currency,
        completedAt: data.changedAt,
        recordedAt: data.now,
      },
    },
    data.now,
  );
}

// ---------------------------------------------------------------------------
// The mirroring reactor's steps, as the sync's.
// ---------------------------------------------------------------------------

function notDue(order: Order, key: string, what: string): DomainError {
  return DomainError.of(
    'INVALID_STATE',
    ['key'],
    `mirroring ${key} of order ${order.orderId} ${what}`,
  );
}

export function startMirroring(order: Order, key: string, now: string): OrderEvent[] {
  const mirroring = mirroringOf(order, key);
  if (mirroring === undefined) throw notDue(order, key, 'does not exist');
  if (!isMirroringDue(order, key, now))
    throw notDue(order, key, `is not due (${mirroring.status})`);
  // An attempt still "in flight" was cut short by a crash: the new one
  // supersedes it, and the platform look-up before the call finds whatever
  // the old one did.
  return [
    {
      type: 'PlatformMirroringStarted',
      data: { orderId: order.orderId, key, attempt: mirroring.attempts + 1, startedAt: now },
    },
  ];
}

/** The units a mirrored plan put back into the platform's stock, per line. */
function restocked(order: Order, mirroring: PlatformMirroring, now: string): InventoryRestocked[] {
  const { request } = mirroring;
  if (request.type === 'PlatformHoldReleaseRequested') return [];
  const byLine = new Map<number, LineUnitsOf>();
  for (const entry of request.data.lines) {
    if (entry.restockType === 'NO_RESTOCK') continue;
    const known = byLine.get(entry.line);
    if (known) known.quantity += entry.quantity;
    else byLine.set(entry.line, { line: entry.line, sku: entry.sku, quantity: entry.quantity });
  }
  if (byLine.size === 0) return [];
  return [
    {
      type: 'InventoryRestocked',
      data: {
        orderId: order.orderId,
        storeId: order.storeId,
        key: mirroring.key,
        location: 'ECOMMERCE_PLATFORM',
        lines: [...byLine.values()],
        restockedAt: now,
      },
    },
  ];
}

export function recordMirrored(order: Order, data: RecordPlatformMirrored['data']): OrderEvent[] {
  const mirroring = mirroringOf(order, data.key);
  if (mirroring === undefined) throw notDue(order, data.key, 'does not exist');
  if (mirroring.status === 'MIRRORED') return [];
  if (mirroring.attemptInFlight !== data.attempt)
    throw notDue(order, data.key, `has no attempt ${data.attempt} in flight`);
  return [
    {
      type: 'PlatformMirrored',
      data: {
        orderId: order.orderId,
        key: data.key,
        attempt: data.attempt,
        platformReference: data.platformReference,
        alreadyOnPlatform: data.alreadyOnPlatform,
        mirroredAt: data.now,
      },
    },
    ...restocked(order, mirroring, data.now),
  ];
}

export function recordMirroringFailure(
  order: Order,
  data: RecordPlatformMirroringFailure['data'],
): OrderEvent[] {
  const mirroring = mirroringOf(order, data.key);
  if (mirroring === undefined) throw notDue(order, data.key, 'does not exist');
  if (mirroring.attemptInFlight !== data.attempt)
    throw notDue(order, data.key, `has no attempt ${data.attempt} in flight`);
  const final = !data.retryable || mirroring.attemptsSinceRequest >= data.maxAttempts;
  return [
    {
      type: 'PlatformMirroringFailed',
      data: {
        orderId: order.orderId,
        key: data.key,
        attempt: data.attempt,
        reason:
          final && data.retryable
            ? `${data.reason} (gave up after ${mirroring.attemptsSinceRequest} attempts)`
            : data.reason,
        retryable: data.retryable,
        final,
        nextAttemptAt: final ? null : data.nextAttemptAt,
        failedAt: data.now,
      },
    },
  ];
}

/** Every FAILED mirroring of the order, requested again with the plan it had. */
export function retryMirrorings(order: Order, now: string, actor: string): OrderEvent[] {
  return order.afterSync.mirrorings
    .filter((m) => m.status === 'FAILED')
    .map((m) => ({
      type: 'PlatformMirroringRetryRequested' as const,
      data: {
        orderId: order.orderId,
        key: m.key,
        reason: `retry requested by ${actor} after: ${m.failureReason ?? 'a failure'}`,
        requestedBy: actor,
        requestedAt: now,
      },
    }));
}

// ---------------------------------------------------------------------------
// Checking TikTok's after-sync facts.
// ---------------------------------------------------------------------------

const tiktokIdShape = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_REASON_LENGTH = 500;

export function checkTikTokId(field: string, id: string | null, problems: Problems): void {
  if (id !== null && (typeof id !== 'string' || !tiktokIdShape.test(id)))
    problems.invalid([field], `${field} must be 1 to 64 letters, digits, dashes or underscores`);
}

/** TikTok's reason, trimmed; an empty one is named as such. */
export function checkReason(reason: string, problems: Problems): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (
    typeof reason !== 'string' ||
    [...trimmed].length > MAX_REASON_LENGTH ||
    /[\p{Cc}\p{Cs}]/u.test(trimmed)
  ) {
    problems.invalid(
      ['reason'],
      `reason must be at most ${MAX_REASON_LENGTH} printable characters`,
    );
  }
  return trimmed === '' ? 'no reason given' : trimmed;
}

export function checkInitiator(initiator: CancelInitiator, problems: Problems): void {
  if (!(CANCEL_INITIATORS as readonly string[]).includes(initiator))
    problems.invalid(['initiator'], `initiator must be one of ${CANCEL_INITIATORS.join(', ')}`);
}

export function checkReturnKind(
  status: ReturnStatus,
  returnType: ReturnType,
  problems: Problems,
): void {
  if (!(RETURN_STATUSES as readonly string[]).includes(status))
    problems.invalid(['status'], `status must be one of ${RETURN_STATUSES.join(', ')}`);
  if (!(RETURN_TYPES as readonly string[]).includes(returnType))
    problems.invalid(['returnType'], `returnType must be one of ${RETURN_TYPES.join(', ')}`);
}

/** Lines of this order, each named once, 1 to its quantity units each. */
export function checkLines(
  order: Order,
  lines: readonly LineUnits[],
  problems: Problems,
  { allowNone }: { allowNone: boolean },
): void {
  // The edge may pass anything; checked before it is read as lines.
  const named: unknown = lines;
  if (
    !Array.isArray(named) ||
    (lines.length === 0 && !allowNone) ||
    lines.length > MAX_LINE_ITEMS
  ) {
    problems.invalid(['lines'], `name 1 to ${MAX_LINE_ITEMS} lines of the order`);
    return;
  }
  const seen = new Set<number>();
  lines.forEach(({ line, quantity }, index) => {
    const at = (name: string) => ['lines', String(index), name];
    const item = Number.isInteger(line) ? order.lineItems[line] : undefined;
    if (item === undefined) {
      problems.invalid(
        at('line'),
        `line must be the index of one of the order's ${order.lineItems.length} lines`,
      );
      return;
    }
    if (seen.has(line)) problems.invalid(at('line'), `line ${line} is named twice`);
    seen.add(line);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > item.quantity)
      problems.invalid(
        at('quantity'),
        `quantity must be a whole number from 1 to ${item.quantity}`,
      );
  });
}

/** TikTok's amount, in the order's currency with its digits. */
export function checkAmount(
  order: Order,
  amount: string,
  currency: string,
  problems: Problems,
): string {
  if (currency !== order.currency)
    problems.invalid(['currency'], `currency must be the order's, ${order.currency}`);
  const exponent = exponentOf(order);
  const normalized = typeof amount === 'string' ? normalizeAmount(amount, exponent) : undefined;
  if (normalized === undefined) {
    problems.invalid(
      ['amount'],
      `amount must be a non-negative decimal with at most ${exponent} decimal places for ${order.currency}`,
    );
  }
  return normalized ?? '0';
}
