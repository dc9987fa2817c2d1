import type {
  CancelInitiator,
  LineUnits,
  PlannedLine,
  ReturnStatus,
  ReturnType,
} from './afterSyncVocabulary';
import { fromMinorUnits } from './money';
import type { FulfillmentType, InventoryLocation } from './orderVocabulary';
import type { FbtSyncMode } from './storeVocabulary';

/** A synced order as the after-sync rules look at it: its facts and what was decided for it so far. */
export interface AfterSyncOrder {
  fulfillmentType: FulfillmentType;
  /** The FBT rule it was placed under; null for seller-fulfilled orders. */
  mode: FbtSyncMode | null;
  /** Where its items were deducted at sync (one location per order). */
  deductedAt: InventoryLocation | null;
  /** The store's restockReturns when the order was placed. */
  restockReturns: boolean;
  lines: ReadonlyArray<{
    sku: string;
    quantity: number;
    /** In minor units of the order's currency. */
    unitPrice: bigint;
    /** Units already cancelled or refunded by mirrorings decided before. */
    closed: number;
    /** Units already restocked at the platform by mirrorings decided before. */
    restocked: number;
  }>;
  /** The order's total less every refund decided before, in minor units. */
  refundable: bigint;
  currency: string;
  /** The currency's minor-unit digits (USD 2, JPY 0). */
  exponent: number;
  /** Synced in the ON_HOLD window with the platform's fulfilment held, and no release decided yet. */
  heldOnPlatform: boolean;
  /** A whole-order cancellation was decided before. */
  cancelledOnPlatform: boolean;
}

/** What TikTok Shop reports of an order after it was synced. */
export type AfterSyncFact =
  | { kind: 'ORDER_CANCELLED'; reason: string; initiator: CancelInitiator }
  | { kind: 'LINES_CANCELLED'; lines: readonly LineUnits[] }
  | {
      kind: 'RETURN';
      status: ReturnStatus;
      returnType: ReturnType;
      lines: readonly LineUnits[];
      /** TikTok's refund, in minor units. */
      amount: bigint;
    }
  /** TikTok released an order from ON_HOLD (AWAITING_SHIPMENT or later). */
  | { kind: 'RELEASED_FROM_HOLD' };

export type AfterSyncEffect =
  | { action: 'nothing'; why: string }
  | {
      action: 'cancelOrder';
      why: string;
      /** Shopify orderCancel's `restock`: whether the lines' remaining units go back into stock. */
      restock: boolean;
      lines: PlannedLine[];
    }
  | { action: 'cancelLines'; why: string; lines: PlannedLine[]; amount: bigint }
  | { action: 'refund'; why: string; lines: PlannedLine[]; amount: bigint }
  | { action: 'releaseHold'; why: string };

/**
 * The after-sync rules table (docs/fbt-sync-rules.md, "After sync"), one
 * branch per row, for an order the platform has:
 *
 * | order, rule placed under          | TikTok Shop reports           | effect                           | inventory                                         |
 * |-----------------------------------|-------------------------------|----------------------------------|---------------------------------------------------|
 * | seller-fulfilled, any             | CANCELLED (whole order)       | cancel the platform order, once  | restocked at the platform (deducted there)        |
 * | FBT, SYNC_AND_DEDUCT_INVENTORY    | CANCELLED                     | cancel, once                     | restocked at the platform                         |
 * | FBT, WAIT_FOR_AWAITING_COLLECTION | CANCELLED                     | cancel, once                     | not restocked (the platform was never deducted)   |
 * | any                               | some lines cancelled          | those lines off, value refunded  | CANCEL where deducted, NO_RESTOCK where not       |
 * | any                               | a return or refund COMPLETED  | refund of its lines and amount   | RETURN only with restockReturns, goods sent back, |
 * |                                   |                               |                                  | seller-fulfilled, deducted; FBT returns: never    |
 * | any                               | a return REJECTED, WITHDRAWN  | nothing                          | nothing                                           |
 * | synced held (SYNC_ON_HOLD)        | released (AWAITING_SHIPMENT+) | release the hold, mark paid      | —                                                 |
 * | synced held (SYNC_ON_HOLD)        | CANCELLED inside the window   | the CANCELLED rows above         | as above                                          |
 *
 * Never more restocked than the platform deducted for a line, never more
 * units taken off a line than it has, never more refunded than the order's
 * total: what goes beyond is left out (clamped), and the `why` says so. A
 * TikTok fact is never refused for going beyond: it is TikTok's truth, and
 * refusing it would only make the webhook come back again.
 */
export function afterSyncPolicy(order: AfterSyncOrder, fact: AfterSyncFact): AfterSyncEffect {
  switch (fact.kind) {
    case 'ORDER_CANCELLED': {
      if (order.cancelledOnPlatform)
        return { action: 'nothing', why: 'the platform order is cancelled already' };
      const lines = order.lines.flatMap((line, index) =>
        restocking(order, index, line.quantity - line.closed, 'CANCEL'),
      );
      const restock = lines.some((l) => l.restockType !== 'NO_RESTOCK');
      const window = order.heldOnPlatform ? ' inside the ON_HOLD window' : '';
      return {
        action: 'cancelOrder',
        why: `${kindOf(order)} cancelled on TikTok Shop${window} after sync (${fact.initiator}: ${fact.reason}): cancel the platform order once, refunding no money (TikTok Shop refunds the buyer), ${restock ? 'restocking what the platform deducted' : 'restocking nothing'}`,
        restock,
        lines,
      };
    }

    case 'LINES_CANCELLED': {
      if (order.cancelledOnPlatform)
        return { action: 'nothing', why: 'the whole platform order is cancelled already' };
      const { lines, value, left } = takeUnits(order, fact.lines, 'CANCEL');
      if (lines.length === 0)
        return { action: 'nothing', why: `no units left to cancel on those lines (${left})` };
      const amount = value < order.refundable ? value : order.refundable;
      return {
        action: 'cancelLines',
        why: `${kindOf(order)}: lines cancelled on TikTok Shop after sync: take them off the platform order, refunding their value${amount < value ? ` (clamped to the ${money(order, order.refundable)} of the order's total not yet refunded)` : ''}${left ? `; ${left}` : ''}`,
        lines,
        amount,
      };
    }

    case 'RETURN': {
      if (fact.status !== 'COMPLETED')
        return { action: 'nothing', why: `a return or refund ${fact.status} changes nothing` };
      const { lines, left } = takeUnits(order, fact.lines, 'RETURN', fact.returnType);
      const amount = fact.amount < order.refundable ? fact.amount : order.refundable;
      if (lines.length === 0 && amount === 0n)
        return { action: 'nothing', why: `nothing left to refund (${left || 'no units'})` };
      return {
        action: 'refund',
        why: `${kindOf(order)}: ${fact.returnType} completed on TikTok Shop: record the refund on the platform order (one way, TikTok Shop to platform)${amount < fact.amount ? `: ${money(order, fact.amount)} clamped to the ${money(order, order.refundable)} of the order's total not yet refunded` : ''}${left ? `; ${left}` : ''}`,
        lines,
        amount,
      };
    }

    case 'RELEASED_FROM_HOLD':
      if (!order.heldOnPlatform)
        return { action: 'nothing', why: 'the platform order is not held' };
      if (order.cancelledOnPlatform)
        return { action: 'nothing', why: 'the platform order is cancelled: nothing to release' };
      return {
        action: 'releaseHold',
        why: 'TikTok Shop released the order from ON_HOLD: release the platform fulfilment hold and mark the order paid',
      };

    default: {
      const _exhaustive: never = fact;
      return _exhaustive;
    }
  }
}

const money = (order: AfterSyncOrder, minor: bigint): string =>
  `${fromMinorUnits(minor, order.exponent)} ${order.currency}`;

function kindOf(order: AfterSyncOrder): string {
  return order.fulfillmentType === 'FULFILLED_BY_SELLER'
    ? 'seller-fulfilled order'
    : `FBT order under ${order.mode ?? 'SYNC_AND_DEDUCT_INVENTORY'}`;
}

/** The lines a fact names, each cut to the units still on the platform order, restocked as the rules say. */
function takeUnits(
  order: AfterSyncOrder,
  named: readonly LineUnits[],
  restockType: 'CANCEL' | 'RETURN',
  returnType?: ReturnType,
): { lines: PlannedLine[]; value: bigint; left: string } {
  const lines: PlannedLine[] = [];
  const notes: string[] = [];
  let value = 0n;
  for (const { line: index, quantity } of named) {
    const line = order.lines[index];
    if (line === undefined) continue;
    const open = Math.max(0, line.quantity - line.closed);
    const units = Math.min(quantity, open);
    if (units < quantity)
      notes.push(`line ${index} (${line.sku}) had ${open} of ${quantity} units left to take off`);
    if (units === 0) continue;
    value += BigInt(units) * line.unitPrice;
    lines.push(...restocking(order, index, units, restockType, returnType));
  }
  return { lines, value, left: notes.join('; ') };
}

/**
 * The restock of `units` units of one line: at the platform, never more than
 * it deducted for that line less what was restocked already, and for returns
 * only when the rules let the goods back in.
 */
function restocking(
  order: AfterSyncOrder,
  index: number,
  units: number,
  restockType: 'CANCEL' | 'RETURN',
  returnType?: ReturnType,
): PlannedLine[] {
  const line = order.lines[index]!;
  if (units <= 0) return [];
  const entry = (quantity: number, type: PlannedLine['restockType'], why: string): PlannedLine => ({
    line: index,
    sku: line.sku,
    quantity,
    restockType: type,
    why,
  });
  if (order.deductedAt !== 'ECOMMERCE_PLATFORM') {
    const why =
      order.deductedAt === 'TIKTOK_SHOP'
        ? "not restocked: the platform was never deducted (TikTok Shop's stock was, and it is TikTok's)"
        : 'not restocked: the platform was never deducted';
    return [entry(units, 'NO_RESTOCK', why)];
  }
  if (restockType === 'RETURN') {
    if (order.fulfillmentType === 'FULFILLED_BY_TIKTOK')
      return [
        entry(units, 'NO_RESTOCK', "not restocked: FBT returns go back to TikTok's warehouse"),
      ];
    if (!order.restockReturns)
      return [entry(units, 'NO_RESTOCK', "not restocked: the store's restockReturns is off")];
    if (returnType !== 'RETURN_AND_REFUND')
      return [entry(units, 'NO_RESTOCK', 'not restocked: a refund only, nothing came back')];
  }
  const budget = Math.max(0, line.quantity - line.restocked);
  const restocked = Math.min(units, budget);
  const entries: PlannedLine[] = [];
  if (restocked > 0)
    entries.push(
      entry(
        restocked,
        restockType,
        restockType === 'CANCEL'
          ? 'restocked at the platform: it was deducted there at sync'
          : "restocked at the platform: the store restocks returns and the platform's stock was deducted",
      ),
    );
  if (units > restocked)
    entries.push(
      entry(
        units - restocked,
        'NO_RESTOCK',
        `not restocked: only ${budget} of the ${line.quantity} units deducted were left to restock`,
      ),
    );
  return entries;
}
