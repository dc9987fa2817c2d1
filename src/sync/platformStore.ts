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

/** Why the order's store cannot be called now, or null; asked before an attempt starts. */
export async function storeNotReady(
  platform: PlatformPort,
  context: CommandContext,
  orderId: string,
): Promise<string | null> {
  if (platform.notReadyFor === undefined) return null;
  const { events } = await context.eventStore.readStream(orderStreamId(orderId), {
    maxCount: 1,
  });
  const first = events[0] === undefined ? undefined : asDomainEvent<OrderEvent>(events[0]);
  if (first === undefined || !('storeId' in first.data)) return null;
  const storeId = first.data.storeId;
  return platform.notReadyFor(platformStoreOf(storeId, await loadStore(context, storeId)));
}

/** How often an order whose store has no credentials looks again (an install may have come). */
export const STORE_NOT_READY_RECHECK_MS = 15_000;
