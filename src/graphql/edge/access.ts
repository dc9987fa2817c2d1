import { canAccessStore, type Viewer } from '../../auth/viewer';
import { DomainError } from '../../domain/domainError';
import { orderStreamId } from '../../domain/eventCatalog';
import type { EventStore } from '../../eventstore/createEventStore';
import { forbidden } from '../errors';

/** Admin-only fields and mutations: FORBIDDEN (a request error) for a store token. */
export function requireAdmin(viewer: Viewer, what: string): void {
  if (viewer.role !== 'admin') throw forbidden(`${what} is for admin tokens only`);
}

/**
 * A store token changes only its own store: another store reads as missing
 * (NOT_FOUND, with the message the command gives for a store that does not
 * exist), so a token learns nothing about stores that are not its own.
 */
export function requireStoreAccess(
  viewer: Viewer,
  storeId: string,
  field: string[],
  message = `no store with id ${storeId}`,
): void {
  if (!canAccessStore(viewer, storeId)) throw DomainError.of('NOT_FOUND', field, message);
}

/**
 * A store token retries only its own orders. The order's store is read from
 * its first event (OrderPlaced), not from the read model: exact even for an
 * order placed a moment ago, and an order never changes store.
 */
export async function requireOrderAccess(
  viewer: Viewer,
  eventStore: EventStore,
  orderId: string,
  field: string[],
): Promise<void> {
  if (viewer.role === 'admin') return;
  const { events } = await eventStore.readStream(orderStreamId(orderId), { maxCount: 1 });
  const storeId = (events[0]?.data as { storeId?: unknown } | undefined)?.storeId;
  if (storeId !== viewer.storeId) throw DomainError.of('NOT_FOUND', field, `no order ${orderId}`);
}
