import { ORDER_EVENT_TYPES, ORDER_STREAM_PREFIX } from '../domain/eventCatalog';
import type { OrderEvent } from '../domain/orderEvents';
import { evolveOrder, type OrderState } from '../domain/orderState';
import { OrderCountDeltas } from './orderCounts';
import { ORDER_RECORD_COLUMNS, orderFromRow, orderToRow } from './orderRow';
import type { RecordedEvent } from '../eventstore/types';
import { type Projection, remember } from './projection';
import { upsertRows } from './upsertRows';

interface Folded {
  order: OrderState;
  version: number;
}

/**
 * The Orders view: one row per order, the order's state folded with the
 * domain's own evolve (so the view can never disagree with the deciders),
 * and the order counts per store and sync status in the same transaction.
 *
 * Handles every order event; writes `orders` and `order_counts`.
 */
export const ordersProjection: Projection = {
  name: 'orders',
  tables: ['orders', 'order_counts'],
  eventTypes: ORDER_EVENT_TYPES,
  async apply(db, schema, events, memory) {
    const byOrder = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const id = event.streamId.slice(ORDER_STREAM_PREFIX.length);
      const list = byOrder.get(id);
      if (list) list.push(event);
      else byOrder.set(id, [event]);
    }

    const folded = new Map<string, Folded>();
    const unknown = [...byOrder.keys()].filter((id) => {
      const known = memory?.get(id) as Folded | undefined;
      if (known) folded.set(id, known);
      return !known;
    });
    if (unknown.length > 0) {
      const rows = await db
        .withSchema(schema)
        .selectFrom('orders')
        .selectAll()
        .where('id', 'in', unknown)
        .execute();
      for (const row of rows)
        folded.set(row.id, { order: orderFromRow(row), version: row.version });
    }

    const counts = new OrderCountDeltas();
    const written = [];
    for (const [id, orderEvents] of byOrder) {
      const current = folded.get(id) ?? { order: null, version: -1 };
      let { order, version } = current;
      const before = order?.syncStatus;
      for (const event of orderEvents) {
        if (event.streamVersion <= version) continue;
        order = evolveOrder(order, event as unknown as OrderEvent);
        version = event.streamVersion;
      }
      if (version === current.version || order === null) continue;
      counts.move(order.storeId, before, order.syncStatus);
      written.push(orderToRow(order, version));
      remember(memory, id, { order, version });
    }
    await upsertRows(db, schema, 'orders', ORDER_RECORD_COLUMNS, ['id'], written, {
      version: 'version',
    });
    await counts.write(db, schema);
  },
};
