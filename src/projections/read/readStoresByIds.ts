import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { StoreRow } from '../storeRow';

/** Stores by id, in one statement (primary key); missing ids are missing from the map. */
export async function readStoresByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, StoreRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('stores')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}
