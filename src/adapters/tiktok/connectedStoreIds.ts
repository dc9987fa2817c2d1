import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * Every connected store, from the stores read model. Only the list comes
 * from there (a store connected a moment ago is reconciled next round); each
 * run folds the store's own stream for what it decides on.
 */
export async function connectedStoreIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('stores').select('id').orderBy('created_at').execute();
  return rows.map((row) => row.id);
}
