import { asDomainEvent } from '../eventstore/aggregateStream';
import type { CommandContext } from '../commands/commandContext';
import { loadStore } from '../commands/storeCommands';
import { orderStreamId } from '../domain/eventCatalog';
import type { OrderEvent } from '../domain/orderEvents';
import type { PlatformPort, PlatformStore } from './platformPort';

/** The store as the platform needs it, with its app installation. */
export function platformStoreOf(
  storeId: string,
  store: Awaited<ReturnType<typeof loadStore>>,
): PlatformStore {
  return {
    storeId,
    shopDomain: store?.shopDomain ?? null,
    connection: store?.shopifyConnection?.state ?? null,
  };
}

/**
 * Asked before an attempt starts: why the order's store cannot be called
 * now (`waitingFor`, null when it can), and the store as the check read it,
 * for the attempt to use rather than read it again (undefined when the
 * platform has no such check, and the attempt reads the store itself).
 */
export async function storeReadiness(
  platform: PlatformPort,
  context: CommandContext,
  orderId: string,
): Promise<{ waitingFor: string | null; store: PlatformStore | undefined }> {
  if (platform.notReadyFor === undefined) return { waitingFor: null, store: undefined };
  const { events } = await context.eventStore.readStream(orderStreamId(orderId), {
    maxCount: 1,
  });
  const first = events[0] === undefined ? undefined : asDomainEvent<OrderEvent>(events[0]);
  if (first === undefined || !('storeId' in first.data)) {
    return { waitingFor: null, store: undefined };
  }
  const storeId = first.data.storeId;
  const store = platformStoreOf(storeId, await loadStore(context, storeId));
  return { waitingFor: await platform.notReadyFor(store), store };
}

/** The store the readiness check read, else read now. */
export async function platformStoreFor(
  context: CommandContext,
  storeId: string,
  checked: PlatformStore | undefined,
): Promise<PlatformStore> {
  return checked?.storeId === storeId
    ? checked
    : platformStoreOf(storeId, await loadStore(context, storeId));
}

/** How often an order whose store has no credentials looks again (an install may have come). */
export const STORE_NOT_READY_RECHECK_MS = 15_000;
