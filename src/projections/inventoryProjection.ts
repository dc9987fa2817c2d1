import { asDomainEvent } from '../eventstore/aggregateStream';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { ORDER_STREAM_PREFIX } from '../domain/eventCatalog';
import type { InventoryDeducted } from '../domain/orderEvents';
import type { RecordedEvent } from '../eventstore/types';
import type { Projection } from './projection';
import type { BulkCopy } from './copyRows';
import { upsertRows } from './upsertRows';

interface Sum {
  store_id: string;
  sku: string;
  location: string;
  quantity: number;
}

/**
 * Inventory deducted by synced orders, per store, SKU and location. An
 * order's deduction is counted once: `inventory_deducted_orders` records
 * which orders are in the sums, in the same transaction as the sums.
 *
 * Handles InventoryDeducted; writes `inventory_deductions` and `inventory_deducted_orders`.
 */
export const inventoryProjection: Projection = {
  name: 'inventory',
  tables: ['inventory_deductions', 'inventory_deducted_orders'],
  eventTypes: ['InventoryDeducted'],
  start(options) {
    /** Orders known to be in the sums (written, or about to be). */
    const counted = new Set<string>();
    /** Whether `counted` holds every order of the table (then an order not in it is not counted). */
    let holdsAll = options?.tablesEmpty === true;
    let marks: Array<{ order_id: string; store_id: string; location: string; version: number }> =
      [];
    let sums = new Map<string, Sum>();

    return {
      async fold(db: Kysely<Database>, schema: string, events: readonly RecordedEvent[]) {
        const orderIds = events.map((e) => e.streamId.slice(ORDER_STREAM_PREFIX.length));
        const unknown = orderIds.filter((id) => !counted.has(id));
        if (unknown.length > 0 && !holdsAll) {
          const rows = await db
            .withSchema(schema)
            .selectFrom('inventory_deducted_orders')
            .select('order_id')
            .where('order_id', 'in', unknown)
            .execute();
          for (const row of rows) counted.add(row.order_id);
        }
        events.forEach((event, i) => {
          const orderId = orderIds[i]!;
          if (counted.has(orderId)) return;
          counted.add(orderId);
          const data = asDomainEvent<InventoryDeducted>(event).data;
          marks.push({
            order_id: orderId,
            store_id: data.storeId,
            location: data.location,
            version: event.streamVersion,
          });
          for (const item of data.items) {
            const key = `${data.storeId}\u0000${item.sku}\u0000${data.location}`;
            const sum = sums.get(key) ?? {
              store_id: data.storeId,
              sku: item.sku,
              location: data.location,
              quantity: 0,
            };
            sum.quantity += item.quantity;
            sums.set(key, sum);
          }
        });
      },
      takeChanges() {
        const newMarks = marks;
        const newSums = [...sums.values()];
        marks = [];
        sums = new Map();
        return async (db: Kysely<Database>, schema: string, copy?: BulkCopy) => {
          const columns = [
            ['order_id', 'text'],
            ['store_id', 'text'],
            ['location', 'text'],
            ['version', 'integer'],
          ] as const;
          for (let i = 0; i < newMarks.length; i += 5000) {
            await upsertRows(
              db,
              schema,
              'inventory_deducted_orders',
              columns,
              ['order_id'],
              newMarks.slice(i, i + 5000),
              // An order is marked once: `counted` held it, or the table was asked.
              { copy, fresh: true },
            );
          }
          if (newSums.length === 0) return;
          await sql`
            INSERT INTO ${sql.table(`${schema}.inventory_deductions`)} (store_id, sku, location, quantity)
            SELECT r.store_id, r.sku, r.location, r.quantity
            FROM json_to_recordset(${JSON.stringify(newSums)}::json)
              AS r(store_id text, sku text, location text, quantity bigint)
            ON CONFLICT (store_id, sku, location) DO UPDATE
              SET quantity = inventory_deductions.quantity + excluded.quantity`.execute(db);
        };
      },
      get held() {
        return counted.size;
      },
      forget: () => {
        counted.clear();
        holdsAll = false;
      },
    };
  },
};
