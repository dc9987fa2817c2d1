import type { OrderEvent } from '../domain/orderEvents';
import type { Order } from '../domain/orderState';

/** The order events that open a mirroring, move it, or close it. */
export const MIRROR_QUEUE_EVENT_TYPES = [
  'PlatformCancellationRequested',
  'PlatformRefundRequested',
  'PlatformHoldReleaseRequested',
  'PlatformMirroringStarted',
  'PlatformMirrored',
  'PlatformMirroringFailed',
  'PlatformMirroringRetryRequested',
] as const satisfies readonly OrderEvent['type'][];

/** One mirroring the reactor still has to carry out. */
export interface MirrorQueueRow {
  orderId: string;
  key: string;
  /** Its place among the order's mirrorings, in the order requested. */
  sequence: number;
  storeId: string;
  /** Now (requested, retried, or cut short by a crash) or a retry's time. */
  dueAt: string;
  requestedAt: string;
  attempts: number;
}

/**
 * The order's queue rows, from its folded stream: every mirroring still
 * PENDING. Folding rather than reading the batch's events one by one keeps
 * the queue to exactly what the domain says (a hold release superseded by a
 * cancellation leaves with it), whatever the events the batch holds.
 */
export function mirrorQueueRows(order: Order): MirrorQueueRow[] {
  return order.afterSync.mirrorings
    .map((m, sequence) => ({ m, sequence }))
    .filter(({ m }) => m.status === 'PENDING')
    .map(({ m, sequence }) => ({
      orderId: order.orderId,
      key: m.key,
      sequence,
      storeId: order.storeId,
      dueAt: m.nextAttemptAt ?? m.requestedAt,
      requestedAt: m.requestedAt,
      attempts: m.attempts,
    }));
}
