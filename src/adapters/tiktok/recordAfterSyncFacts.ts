import { createHash } from 'node:crypto';
import type { CommandContext } from '../../commands/commandContext';
import { recordTikTokCancellation, recordTikTokReturn } from '../../commands/orderCommands';
import {
  CANCEL_INITIATORS,
  type CancelInitiator,
  type LineUnits,
  type ReturnStatus,
  type ReturnType,
} from '../../domain/afterSyncVocabulary';
import type { Order } from '../../domain/orderState';
import type { TikTokShopOrder } from './mapTikTokOrder';
import type { TikTokShopReturn } from './mapTikTokReturn';

/** Where the facts go: the order's store and TikTok id. */
export interface OrderOfFacts {
  storeId: string;
  tiktokOrderId: string;
}

function initiatorOf(raw: string | null): CancelInitiator {
  const upper = raw?.toUpperCase() ?? 'UNKNOWN';
  return (CANCEL_INITIATORS as readonly string[]).includes(upper)
    ? (upper as CancelInitiator)
    : 'UNKNOWN';
}

/** Units per line, in line order, without lines of none. */
function linesOfCounts(counts: Map<number, number>): LineUnits[] {
  return [...counts.entries()]
    .filter(([, quantity]) => quantity > 0)
    .sort(([a], [b]) => a - b)
    .map(([line, quantity]) => ({ line, quantity }));
}

/** What RecordTikTokCancellation is sent, less the order's ids. */
export type CancellationOfDetail = Omit<
  Parameters<typeof recordTikTokCancellation>[1],
  keyof OrderOfFacts
>;

/**
 * The cancellation an order's detail (Get Order Detail, or a Search Orders
 * entry, which has the same shape) reports and the order has not recorded:
 * the whole order when its status is CANCELLED, else the units whose
 * display_status is CANCELLED past those a recorded cancellation named;
 * null when there is none. TikTok's detail carries no cancellation id for a
 * line cancellation: its key is made from the ids of the units it cancels,
 * so that a redelivery, or a later fetch of the same detail, names the same
 * cancellation and appends nothing.
 */
export function cancellationOfDetail(
  detail: TikTokShopOrder,
  order: Order,
): CancellationOfDetail | null {
  const facts = {
    reason: detail.cancelReason ?? '',
    initiator: initiatorOf(detail.cancellationInitiator),
    cancelledAt: detail.updatedAt,
  };
  if (detail.status === 'CANCELLED') {
    if (order.afterSync.cancellation !== null) return null;
    return { ...facts, cancellationId: null, lines: null };
  }
  const known = new Map<number, number>();
  for (const fact of order.afterSync.facts) {
    if (fact.type !== 'OrderLinesCancelled') continue;
    for (const { line, quantity } of fact.data.lines)
      known.set(line, (known.get(line) ?? 0) + quantity);
  }
  // Per line, the cancelled units past those already recorded (by unit id, so the pick is stable).
  const fresh: string[] = [];
  const counts = new Map<number, number>();
  const cancelled = detail.units
    .filter((unit) => unit.displayStatus === 'CANCELLED')
    .sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  const seen = new Map<number, number>();
  for (const unit of cancelled) {
    const before = seen.get(unit.line) ?? 0;
    seen.set(unit.line, before + 1);
    if (before < (known.get(unit.line) ?? 0)) continue;
    fresh.push(unit.unitId);
    counts.set(unit.line, (counts.get(unit.line) ?? 0) + 1);
  }
  if (fresh.length === 0) return null;
  const cancellationId = `units-${createHash('sha256').update(fresh.join(',')).digest('hex').slice(0, 40)}`;
  return { ...facts, cancellationId, lines: linesOfCounts(counts) };
}

/**
 * The cancellation Get Order Detail reports (cancellationOfDetail), recorded
 * once. Returns whether a command was sent.
 */
export async function recordCancellationFromDetail(
  context: CommandContext,
  ids: OrderOfFacts,
  detail: TikTokShopOrder,
  order: Order,
): Promise<boolean> {
  const cancellation = cancellationOfDetail(detail, order);
  if (cancellation === null) return false;
  await recordTikTokCancellation(context, { ...ids, ...cancellation });
  return true;
}

/** TikTok's many return statuses, as the domain reduces them. */
export function returnStatusOf(status: string): ReturnStatus {
  if (status.includes('COMPLETE')) return 'COMPLETED';
  if (status.includes('REJECT')) return 'REJECTED';
  if (status.includes('CANCEL')) return 'WITHDRAWN';
  return 'REQUESTED';
}

function returnTypeOf(type: string): ReturnType | undefined {
  if (type === 'REFUND' || type === 'REFUND_ONLY') return 'REFUND_ONLY';
  if (type === 'RETURN_AND_REFUND') return 'RETURN_AND_REFUND';
  // REPLACEMENT: goods swapped, no money back; nothing to mirror.
  return undefined;
}

const refundRecorded = (order: Order, returnId: string): boolean =>
  order.afterSync.facts.some(
    (fact) => fact.type === 'OrderRefundCompleted' && fact.data.returnId === returnId,
  );

/**
 * The returns that would change the order: COMPLETED refunds (not
 * replacements) it has not recorded. The others append nothing whenever they
 * are sent, so reconciliation need not ask for the order's detail for them.
 */
export function completedReturnsNotRecorded(
  order: Order,
  returns: readonly TikTokShopReturn[],
): TikTokShopReturn[] {
  return returns.filter(
    (tiktokReturn) =>
      returnTypeOf(tiktokReturn.returnType) !== undefined &&
      returnStatusOf(tiktokReturn.status) === 'COMPLETED' &&
      !refundRecorded(order, tiktokReturn.returnId),
  );
}

/**
 * Every return Search Returns lists for the order, recorded with
 * RecordTikTokReturn (idempotent on the return id; only COMPLETED changes
 * anything). Returned units are TikTok unit ids, mapped to our lines through
 * the order detail. Returns how many were recorded.
 */
export async function recordReturnsFromSearch(
  context: CommandContext,
  ids: OrderOfFacts,
  detail: TikTokShopOrder,
  order: Order,
  returns: readonly TikTokShopReturn[],
): Promise<number> {
  const lineOfUnit = new Map(detail.units.map((unit) => [unit.unitId, unit.line]));
  let recorded = 0;
  for (const tiktokReturn of returns) {
    const returnType = returnTypeOf(tiktokReturn.returnType);
    if (returnType === undefined) continue;
    const status = returnStatusOf(tiktokReturn.status);
    // A return not COMPLETED is still sent: the command decides that it changes nothing.
    if (refundRecorded(order, tiktokReturn.returnId)) continue;
    const counts = new Map<number, number>();
    for (const unitId of tiktokReturn.unitIds) {
      const line = lineOfUnit.get(unitId);
      if (line !== undefined) counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    await recordTikTokReturn(context, {
      ...ids,
      returnId: tiktokReturn.returnId,
      status,
      returnType,
      lines: linesOfCounts(counts),
      amount: tiktokReturn.refundTotal,
      currency: tiktokReturn.currency ?? order.currency,
      changedAt: tiktokReturn.updatedAt,
    });
    recorded += 1;
  }
  return recorded;
}
