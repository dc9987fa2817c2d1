import { STORE_EVENT_TYPES, STORE_STREAM_PREFIX } from '../domain/eventCatalog';
import { evolveStore, type StoreState } from '../domain/storeDecider';
import type { StoreEvent } from '../domain/storeEvents';
import { type Projection, remember } from './projection';
import { STORE_RECORD_COLUMNS, storeFromRow, storeToRow } from './storeRow';
import { upsertRows } from './upsertRows';

interface Folded {
  store: StoreState;
  version: number;
}

/**
 * Stores: plan, platform, shop domain, the FBT rules with who changed them
 * and when, and the stream version (the expectedVersion clients pass back).
 *
 * Handles every store event; writes `stores`.
 */
export const storesProjection: Projection = {
  name: 'stores',
  tables: ['stores'],
  eventTypes: STORE_EVENT_TYPES,
  async apply(db, schema, events, memory) {
    const ids = [...new Set(events.map((e) => e.streamId.slice(STORE_STREAM_PREFIX.length)))];
    const folded = new Map<string, Folded>();
    const unknown = ids.filter((id) => {
      const known = memory?.get(id) as Folded | undefined;
      if (known) folded.set(id, known);
      return !known;
    });
    if (unknown.length > 0) {
      const rows = await db
        .withSchema(schema)
        .selectFrom('stores')
        .selectAll()
        .where('id', 'in', unknown)
        .execute();
      for (const row of rows)
        folded.set(row.id, { store: storeFromRow(row), version: row.version });
    }
    const changed = new Set<string>();
    for (const event of events) {
      const id = event.streamId.slice(STORE_STREAM_PREFIX.length);
      const current = folded.get(id) ?? { store: null, version: -1 };
      if (event.streamVersion <= current.version) continue;
      folded.set(id, {
        store: evolveStore(current.store, event as unknown as StoreEvent),
        version: event.streamVersion,
      });
      changed.add(id);
    }
    const written = [];
    for (const id of changed) {
      const { store, version } = folded.get(id)!;
      if (store === null) continue;
      written.push(storeToRow(store, version));
      remember(memory, id, { store, version });
    }
    await upsertRows(db, schema, 'stores', STORE_RECORD_COLUMNS, ['id'], written, {
      version: 'version',
    });
  },
};
