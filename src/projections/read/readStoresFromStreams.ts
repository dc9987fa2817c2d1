import { foldEvents } from '../../eventstore/aggregateStream';
import { storeStreamId } from '../../domain/eventCatalog';
import { storeDecider, type StoreState } from '../../domain/storeDecider';
import type { EventStore } from '../../eventstore/createEventStore';
import { type StoreRow, storeToRow } from '../storeRow';

/**
 * Stores folded from their streams, as the stores projection would write
 * them: for the moment between a store's connection and the projection
 * catching up. Stores without events are missing from the map.
 */
export async function readStoresFromStreams(
  eventStore: EventStore,
  ids: readonly string[],
): Promise<Map<string, StoreRow>> {
  const rows = new Map<string, StoreRow>();
  if (ids.length === 0) return rows;
  for (const events of (await eventStore.readStreams(ids.map(storeStreamId))).values()) {
    const last = events[events.length - 1];
    if (last === undefined) continue;
    const state: StoreState = foldEvents(storeDecider, events);
    if (state !== null) rows.set(state.storeId, storeToRow(state, last.streamVersion));
  }
  return rows;
}
