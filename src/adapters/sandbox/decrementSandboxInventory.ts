import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { PlatformLineItem } from '../../sync/platformPort';

/**
 * Takes the order's quantities off the store's stock, in one statement. An
 * SKU never seen starts at 0, and stock may go below 0: the sandbox sells
 * what it is asked to (a Shopify variant whose policy is CONTINUE).
 */
export async function decrementSandboxInventory(
  db: Kysely<Database>,
  storeId: string,
  lineItems: readonly PlatformLineItem[],
): Promise<void> {
  const bySku = new Map<string, number>();
  for (const line of lineItems) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  // Rows locked in SKU order: two orders sharing SKUs cannot deadlock.
  const skus = [...bySku.keys()].sort();
  const quantities = skus.map((sku) => bySku.get(sku)!);
  await sql`
    INSERT INTO sandbox_inventory (store_id, sku, quantity)
    SELECT ${storeId}, sku, -quantity
    FROM unnest(${skus}::text[], ${quantities}::integer[]) AS line(sku, quantity)
    ON CONFLICT (store_id, sku) DO UPDATE
      SET quantity = sandbox_inventory.quantity + excluded.quantity, updated_at = now()`.execute(
    db,
  );
}
