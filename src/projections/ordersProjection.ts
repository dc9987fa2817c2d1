import { asDomainEvent } from '../eventstore/aggregateStream';
import { ORDER_EVENT_TYPES, ORDER_STREAM_PREFIX } from '../domain/eventCatalog';
import type { OrderEvent } from '../domain/orderEvents';
import { evolveOrder, type Order } from '../domain/orderState';
import { OrderCountDeltas } from './orderCounts';
import { ORDER_RECORD_COLUMNS, orderFromRow, orderToRecord, type OrderRow } from './orderRow';
import type { Projection } from './projection';
import { StreamRows } from './streamRows';

/**
 * The Orders view: one row per order, its state folded with the domain's own
 * evolve, and the order counts per store and sync status, written in the same
 * transaction as the rows they count.
 *
 * Handles every order event; writes `orders` and `order_counts`.
 */
export const ordersProjection: Projection = {
  name: 'orders',
  tables: ['orders', 'order_counts'],
  eventTypes: ORDER_EVENT_TYPES,
  start(options) {
    const counts = new OrderCountDeltas();
    const rows = new StreamRows<Order, OrderRow>({
      table: 'orders',
      streamPrefix: ORDER_STREAM_PREFIX,
      evolve: (state, event) => evolveOrder(state, asDomainEvent<OrderEvent>(event)),
      fromRow: orderFromRow,
      toRow: orderToRecord,
      columns: ORDER_RECORD_COLUMNS,
      tableEmpty: options?.tablesEmpty,
      onWrite: (before, after) => counts.move(after.storeId, before?.syncStatus, after.syncStatus),
    });
    return {
      fold: (db, schema, events) => rows.fold(db, schema, events),
      takeChanges() {
        const writeRows = rows.takeChanges();
        const writeCounts = counts.takeChanges();
        return async (db, schema, copy) => {
          await writeRows(db, schema, copy);
          await writeCounts(db, schema);
        };
      },
      get held() {
        return rows.held;
      },
      forget: () => rows.forget(),
    };
  },
};
