import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** A store's orders per sync status; a status without orders is absent (its count is 0). */
export type OrderCountsByStatus = Partial<Record<string, number>>;

/**
 * The order counts of several stores, in one statement on order_counts (kept
 * by the orders projection in the same transaction as the rows), so a count
 * costs the same at a thousand orders as at a million.
 */
export async function readOrderCounts(
  db: Kysely<Database>,
  storeIds: readonly string[],
): Promise<Map<string, OrderCountsByStatus>> {
  const counts = new Map<string, OrderCountsByStatus>(storeIds.map((id) => [id, {}]));
  if (storeIds.length === 0) return counts;
  const rows = await db
    .selectFrom('order_counts')
    .select(['store_id', 'sync_status', 'count'])
    .where('store_id', 'in', [...storeIds])
    .execute();
  for (const row of rows) {
    const store = counts.get(row.store_id);
    if (store) store[row.sync_status] = row.count;
  }
  return counts;
}
