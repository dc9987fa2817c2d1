import { asDomainEvent } from '../eventstore/aggregateStream';
import { STORE_EVENT_TYPES, STORE_STREAM_PREFIX } from '../domain/eventCatalog';
import { evolveStore, type Store } from '../domain/storeDecider';
import type { StoreEvent } from '../domain/storeEvents';
import type { Projection } from './projection';
import { STORE_RECORD_COLUMNS, storeFromRow, storeToRow, type StoreRow } from './storeRow';
import { StreamRows } from './streamRows';

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
  start(options) {
    const rows = new StreamRows<Store, StoreRow>({
      table: 'stores',
      streamPrefix: STORE_STREAM_PREFIX,
      evolve: (state, event) => evolveStore(state, asDomainEvent<StoreEvent>(event)),
      fromRow: storeFromRow,
      toRow: storeToRow,
      columns: STORE_RECORD_COLUMNS,
      tableEmpty: options?.tablesEmpty,
    });
    return {
      fold: (db, schema, events) => rows.fold(db, schema, events),
      takeChanges: () => rows.takeChanges(),
      get held() {
        return rows.held;
      },
      forget: () => rows.forget(),
    };
  },
};
