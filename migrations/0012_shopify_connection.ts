import { type Kysely, sql } from 'kysely';

/**
 * A store's Shopify app installation as the stores read model shows it
 * (ShopifyAppInstalled / ShopifyAppUninstalled, folded whole): null until
 * the merchant installs the app. The tokens are in store_credentials, sealed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stores ADD COLUMN shopify_connection json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stores DROP COLUMN shopify_connection`.execute(db);
}
