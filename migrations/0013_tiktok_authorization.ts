import { type Kysely, sql } from 'kysely';

/**
 * Each store's TikTok Shop authorization as the stores read model shows it:
 * `{state, grantedScopes, at}` (AUTHORIZED or DEAUTHORIZED), null until the
 * seller first authorizes the app. No token: those are sealed in
 * store_credentials. A read model built before this migration is rebuilt by
 * `fbt-sync replay`; stores without authorization events read null either way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stores ADD COLUMN tiktok_authorization jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stores DROP COLUMN tiktok_authorization`.execute(db);
}
