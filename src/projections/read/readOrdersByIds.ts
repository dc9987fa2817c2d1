import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { ORDER_VIEW_COLUMNS, type OrderView } from './orderView';

/** Orders by id, in one statement (primary key); missing ids are missing from the map. */
export async function readOrdersByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, OrderView>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select(ORDER_VIEW_COLUMNS)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}
