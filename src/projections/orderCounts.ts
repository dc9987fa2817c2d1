import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Order counts per store and sync status, kept in step with the orders rows:
 * the orders projection passes each order's status before and after a batch,
 * and the deltas are added in the same transaction (never counted per request).
 */
export class OrderCountDeltas {
  private readonly deltas = new Map<
    string,
    { store_id: string; sync_status: string; count: number }
  >();

  private add(storeId: string, status: string, delta: number): void {
    const key = `${storeId}\u0000${status}`;
    const entry = this.deltas.get(key) ?? { store_id: storeId, sync_status: status, count: 0 };
    entry.count += delta;
    this.deltas.set(key, entry);
  }

  /** An order moved from one status to another (before is undefined for a new order). */
  move(storeId: string, before: string | undefined, after: string): void {
    if (before === after) return;
    if (before !== undefined) this.add(storeId, before, -1);
    this.add(storeId, after, 1);
  }

  /** Takes the deltas so far (and starts afresh); the returned function adds them to the table. */
  takeChanges(): (db: Kysely<Database>, schema: string) => Promise<void> {
    const rows = [...this.deltas.values()].filter((d) => d.count !== 0);
    this.deltas.clear();
    return async (db, schema) => {
      if (rows.length === 0) return;
      const table = sql.table(`${schema}.order_counts`);
      const json = JSON.stringify(rows);
      await sql`
        INSERT INTO ${table} (store_id, sync_status, count)
        SELECT r.store_id, r.sync_status, r.count
        FROM json_to_recordset(${json}::json) AS r(store_id text, sync_status text, count integer)
        ON CONFLICT (store_id, sync_status) DO UPDATE SET count = order_counts.count + excluded.count`.execute(
        db,
      );
      // A count back at zero has no row, as if it had never been counted: the table
      // is then the same however the log was cut into batches (verify compares it).
      await sql`
        DELETE FROM ${table} t USING json_to_recordset(${json}::json) AS r(store_id text, sync_status text)
        WHERE t.store_id = r.store_id AND t.sync_status = r.sync_status AND t.count = 0`.execute(
        db,
      );
    };
  }
}
