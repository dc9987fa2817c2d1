import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * The connected stores TikTok Shop can be asked about, from the stores read
 * model: those whose seller authorized the app, and, when the global
 * TIKTOK_ACCESS_TOKEN is set, those that never authorized on their own (the
 * one-store set-up). A revoked store is left out either way. Only the list
 * comes from there (a store authorized a moment ago is reconciled next
 * round); each run folds the store's own stream for what it decides on.
 */
export async function connectedStoreIds(
  db: Kysely<Database>,
  { withGlobalToken }: { withGlobalToken: boolean },
): Promise<string[]> {
  const rows = await db
    .selectFrom('stores')
    .select('id')
    .where((eb) => {
      const authorized = eb(eb.ref('tiktok_authorization', '->>').key('state'), '=', 'AUTHORIZED');
      return withGlobalToken
        ? eb.or([authorized, eb('tiktok_authorization', 'is', null)])
        : authorized;
    })
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.id);
}
