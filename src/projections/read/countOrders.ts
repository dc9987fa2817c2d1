import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { type OrderFilter, orderFilterConditions } from './orderFilter';

/**
 * How many orders of each store match a filter, in one statement. For filters
 * that order_counts cannot answer (anything beyond sync statuses); the
 * filter's index bounds the scan to the store's matching orders.
 */
export async function countOrders(
  db: Kysely<Database>,
  storeIds: readonly string[],
  filter: OrderFilter,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(storeIds.map((id) => [id, 0]));
  if (storeIds.length === 0) return counts;
  const rows = await db
    .selectFrom('orders')
    .select((eb) => ['store_id', eb.fn.countAll<string>().as('count')])
    .where((eb) =>
      eb.and([eb('store_id', 'in', [...storeIds]), ...orderFilterConditions(eb, filter)]),
    )
    .groupBy('store_id')
    .execute();
  for (const row of rows) counts.set(row.store_id, Number(row.count));
  return counts;
}
