import type { CancelInitiator, PlannedLine } from '../domain/afterSyncVocabulary';
import type { MirroringRequest } from '../domain/orderEvents';
import type {
  PlatformCancelReason,
  PlatformOrderRef,
  PlatformPort,
  RefundLine,
} from './platformPort';

/** What the platform answered to one mirroring's call. */
export interface PlatformAnswer {
  /** The platform had the effect already (an earlier attempt made it, its answer lost). */
  alreadyOnPlatform: boolean;
  /** The platform's id of what it made, when it has one (a refund). */
  platformReference: string | null;
}

/** TikTok's reason in the platform's words: the text itself goes along as the staff note. */
export function platformCancelReason(
  reason: string,
  initiator: CancelInitiator,
): PlatformCancelReason {
  const text = reason.toLowerCase();
  if (/stock|inventory/.test(text)) return 'INVENTORY';
  if (/fraud/.test(text)) return 'FRAUD';
  if (/payment|declin/.test(text)) return 'DECLINED';
  if (initiator === 'BUYER') return 'CUSTOMER';
  if (initiator === 'SELLER') return 'STAFF';
  return 'OTHER';
}

/** The plan's lines as the port takes them: one entry per SKU and restock type. */
export function refundLinesOf(lines: readonly PlannedLine[]): RefundLine[] {
  const bySkuAndType = new Map<string, RefundLine>();
  for (const { sku, quantity, restockType } of lines) {
    const key = `${sku}\u0000${restockType}`;
    const known = bySkuAndType.get(key);
    if (known) known.quantity += quantity;
    else bySkuAndType.set(key, { sku, quantity, restockType });
  }
  return [...bySkuAndType.values()];
}

/**
 * Carries out one mirroring's plan on the platform order. Every call of the
 * port made here looks its effect up first, so a repeat after a crash makes
 * no second effect and answers "already".
 *
 * The refund key is the mirroring's key alone (`refund:<return id>`,
 * `cancel-lines:<cancel id>`): the platform keeps one refund per key and
 * order, and the order id beside it would not fit REFUND_KEY_PATTERN's 100
 * characters. The amount is the plan's: the domain bounds it by the order's
 * total, which is the sum of its lines, as the Shopify order's total is.
 */
export async function mirrorOnPlatform(
  platform: PlatformPort,
  order: PlatformOrderRef,
  request: MirroringRequest,
  { cancelled }: { cancelled: boolean },
): Promise<PlatformAnswer> {
  switch (request.type) {
    case 'PlatformCancellationRequested': {
      const { data } = request;
      if (data.scope === 'ORDER') {
        const outcome = await platform.cancelOrder({
          ...order,
          reason: platformCancelReason(data.reason, data.initiator),
          reasonText: `TikTok Shop: ${data.reason} (cancelled by ${data.initiator.toLowerCase()})`,
          restock: data.restock,
        });
        return { alreadyOnPlatform: outcome.kind === 'alreadyCancelled', platformReference: null };
      }
      const outcome = await platform.refundLines({
        ...order,
        key: data.key,
        note: `TikTok Shop cancellation ${data.cancellationId ?? data.key}: ${data.reason}`,
        lines: refundLinesOf(data.lines),
        amount: data.amount ?? '0',
        currency: data.currency,
      });
      return {
        alreadyOnPlatform: outcome.kind === 'alreadyRefunded',
        platformReference: outcome.platformRefundId,
      };
    }
    case 'PlatformRefundRequested': {
      const { data } = request;
      const outcome = await platform.refundLines({
        ...order,
        key: data.key,
        note: data.note,
        lines: refundLinesOf(data.lines),
        amount: data.amount,
        currency: data.currency,
      });
      return {
        alreadyOnPlatform: outcome.kind === 'alreadyRefunded',
        platformReference: outcome.platformRefundId,
      };
    }
    case 'PlatformHoldReleaseRequested': {
      // Released first, then paid: a crash between the two leaves the order
      // unheld but pending, and the next attempt's markPaid finishes it.
      const released = await platform.releaseHold(order);
      // A release started before TikTok cancelled the order (then cut short
      // by a crash) is finished, but a cancelled order is never marked paid.
      if (cancelled)
        return { alreadyOnPlatform: released.kind === 'alreadyReleased', platformReference: null };
      const paid = await platform.markPaid(order);
      return {
        alreadyOnPlatform: released.kind === 'alreadyReleased' && paid.kind === 'alreadyPaid',
        platformReference: null,
      };
    }
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}
