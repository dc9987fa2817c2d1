import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';

/** The stores (read model) synced to this Shopify shop: usually one, more when several TikTok shops feed it. */
export function storesOnShop(
  db: Kysely<Database>,
  shop: string,
): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('stores')
    .select(['id', 'name'])
    .where('platform', '=', 'SHOPIFY')
    .where('shop_domain', '=', shop)
    .orderBy('id')
    .execute();
}
