import { asDomainEvent } from '../eventstore/aggregateStream';
import type { OrderEvent } from '../domain/orderEvents';
import type { RecordedEvent } from '../eventstore/types';

/** The order events that put an order in the sync queue, move it, or take it out. */
export const SYNC_QUEUE_EVENT_TYPES = [
  'OrderSyncRequested',
  'OrderSyncFailed',
  'OrderSynced',
  'OrderCancelled',
] as const satisfies readonly OrderEvent['type'][];

/** What one batch does to one order's queue row. */
export type SyncQueueChange =
  | {
      orderId: string;
      remove: false;
      dueAt: string;
      /** null keeps the row's. */
      requestedAt: string | null;
      /** null keeps the row's. */
      correlationId: string | null;
    }
  | { orderId: string; remove: true };

/**
 * Folds a batch of order events into one change per order: the last event
 * decides. Requested: due now; a failure with more attempts to come: due at
 * its nextAttemptAt; synced, cancelled or finally failed: out of the queue.
 */
export function syncQueueChanges(events: readonly RecordedEvent[]): SyncQueueChange[] {
  const byOrder = new Map<string, SyncQueueChange>();
  for (const recorded of events) {
    const event = asDomainEvent<OrderEvent>(recorded);
    const orderId = event.data.orderId;
    const before = byOrder.get(orderId);
    switch (event.type) {
      case 'OrderSyncRequested':
        byOrder.set(orderId, {
          orderId,
          remove: false,
          dueAt: event.data.requestedAt,
          requestedAt: event.data.requestedAt,
          correlationId: recorded.metadata.correlationId ?? null,
        });
        break;
      case 'OrderSyncFailed':
        if (event.data.final) {
          byOrder.set(orderId, { orderId, remove: true });
        } else {
          byOrder.set(orderId, {
            orderId,
            remove: false,
            dueAt: event.data.nextAttemptAt ?? event.data.failedAt,
            requestedAt: before?.remove === false ? before.requestedAt : null,
            correlationId: before?.remove === false ? before.correlationId : null,
          });
        }
        break;
      case 'OrderSynced':
      case 'OrderCancelled':
        byOrder.set(orderId, { orderId, remove: true });
        break;
      default:
        // A filtered subscription brings no other type.
        break;
    }
  }
  return [...byOrder.values()];
}
