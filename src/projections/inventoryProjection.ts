import { sql } from 'kysely';
import { ORDER_STREAM_PREFIX } from '../domain/eventCatalog';
import type { InventoryDeducted } from '../domain/orderEvents';
import { type Projection, remember } from './projection';
import { upsertRows } from './upsertRows';

/**
 * Inventory deducted by synced orders, per store, SKU and location. An
 * order's deduction is counted once: `inventory_deducted_orders` remembers
 * which orders are in the sums.
 *
 * Handles InventoryDeducted; writes `inventory_deductions` and `inventory_deducted_orders`.
 */
export const inventoryProjection: Projection = {
  name: 'inventory',
  tables: ['inventory_deductions', 'inventory_deducted_orders'],
  eventTypes: ['InventoryDeducted'],
  async apply(db, schema, events, memory) {
    const deductions = events.map((e) => ({
      orderId: e.streamId.slice(ORDER_STREAM_PREFIX.length),
      version: e.streamVersion,
      data: (e as unknown as InventoryDeducted).data,
    }));
    const unknown = deductions.map((d) => d.orderId).filter((id) => !memory?.has(id));
    const counted = new Set<string>(
      deductions.map((d) => d.orderId).filter((id) => memory?.has(id)),
    );
    if (unknown.length > 0) {
      const rows = await db
        .withSchema(schema)
        .selectFrom('inventory_deducted_orders')
        .select('order_id')
        .where('order_id', 'in', unknown)
        .execute();
      for (const row of rows) counted.add(row.order_id);
    }

    const sums = new Map<
      string,
      { store_id: string; sku: string; location: string; quantity: number }
    >();
    const marked = [];
    for (const { orderId, version, data } of deductions) {
      if (counted.has(orderId)) continue;
      counted.add(orderId);
      marked.push({ order_id: orderId, store_id: data.storeId, location: data.location, version });
      remember(memory, orderId, true);
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
    }
    await upsertRows(
      db,
      schema,
      'inventory_deducted_orders',
      [
        ['order_id', 'text'],
        ['store_id', 'text'],
        ['location', 'text'],
        ['version', 'integer'],
      ],
      ['order_id'],
      marked,
    );
    if (sums.size === 0) return;
    await sql`
      INSERT INTO ${sql.table(`${schema}.inventory_deductions`)} (store_id, sku, location, quantity)
      SELECT r.store_id, r.sku, r.location, r.quantity
      FROM jsonb_to_recordset(${JSON.stringify([...sums.values()])}::jsonb)
        AS r(store_id text, sku text, location text, quantity bigint)
      ON CONFLICT (store_id, sku, location) DO UPDATE
        SET quantity = inventory_deductions.quantity + excluded.quantity`.execute(db);
  },
};
