import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { orderDecider } from '../../src/domain/orderDecider';
import type { OrderEvent } from '../../src/domain/orderEvents';
import type { StoreEvent } from '../../src/domain/storeEvents';
import { storeDecider } from '../../src/domain/storeDecider';
import { compareCheckpoints } from '../../src/eventstore/checkpoint';
import { lastCommittedCheckpoint } from './logSupport';
import type { EventStore } from '../../src/eventstore/createEventStore';
import { orderToRow } from '../../src/projections/orderRow';
import { allProjections } from '../../src/projections/allProjections';
import { projectionStatuses } from '../../src/projections/projectionCheckpoints';
import { storeToRow } from '../../src/projections/storeRow';

/**
 * Waits until every projection has applied every event committed before the
 * call. Not "everything visible": the horizon is cluster-wide, so a test
 * running beside this one can hold it back for a moment.
 */
export async function caughtUp(
  db: Kysely<Database>,
  eventStore: EventStore,
  timeoutMs = 30_000,
): Promise<void> {
  const target = await lastCommittedCheckpoint(db);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await projectionStatuses(db, eventStore, allProjections);
    if (statuses.every((s) => compareCheckpoints(s.checkpoint, target) >= 0)) return;
    if (Date.now() > deadline)
      throw new Error(`projections did not catch up to ${target}: ${JSON.stringify(statuses)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the read models must hold: every stream folded by the deciders themselves. */
export async function expectedReadModels(db: Kysely<Database>, eventStore: EventStore) {
  const ids = await sql<{
    stream_id: string;
  }>`SELECT DISTINCT stream_id FROM events ORDER BY stream_id`.execute(db);
  const streams = await eventStore.readStreams(ids.rows.map((r) => r.stream_id));
  const orders = [];
  const stores = [];
  const counts = new Map<string, number>();
  const inventory = new Map<string, number>();
  for (const [streamId, events] of streams) {
    const version = events[events.length - 1]!.streamVersion;
    if (streamId.startsWith('order-')) {
      const order = events.reduce(
        (s, e) => orderDecider.evolve(s, e as unknown as OrderEvent),
        orderDecider.initialState(),
      )!;
      orders.push(orderToRow(order, version));
      const key = `${order.storeId}/${order.syncStatus}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      for (const e of events) {
        if (e.type !== 'InventoryDeducted') continue;
        const data = e.data as {
          storeId: string;
          location: string;
          items: Array<{ sku: string; quantity: number }>;
        };
        for (const item of data.items) {
          const k = `${data.storeId}/${item.sku}/${data.location}`;
          inventory.set(k, (inventory.get(k) ?? 0) + item.quantity);
        }
      }
    } else if (streamId.startsWith('store-')) {
      const store = events.reduce(
        (s, e) => storeDecider.evolve(s, e as unknown as StoreEvent),
        storeDecider.initialState(),
      )!;
      stores.push(storeToRow(store, version));
    }
  }
  const byId = <T extends { id: string }>(rows: T[]) =>
    rows.sort((a, b) => a.id.localeCompare(b.id));
  return {
    orders: byId(orders),
    stores: byId(stores),
    counts: Object.fromEntries([...counts].sort()),
    inventory: Object.fromEntries([...inventory].sort()),
  };
}

/** What the read models hold. */
export async function actualReadModels(db: Kysely<Database>) {
  const orders = await db.selectFrom('orders').selectAll().orderBy('id').execute();
  const stores = await db.selectFrom('stores').selectAll().orderBy('id').execute();
  const counts = await db.selectFrom('order_counts').selectAll().where('count', '<>', 0).execute();
  const inventory = await db.selectFrom('inventory_deductions').selectAll().execute();
  return {
    orders,
    stores,
    counts: Object.fromEntries(
      counts.map((c) => [`${c.store_id}/${c.sync_status}`, c.count] as const).sort(),
    ),
    inventory: Object.fromEntries(
      inventory
        .map((i) => [`${i.store_id}/${i.sku}/${i.location}`, Number(i.quantity)] as const)
        .sort(),
    ),
  };
}
