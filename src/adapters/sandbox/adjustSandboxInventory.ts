import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * Adds each change (negative: taken, positive: put back) to the store's
 * stock of its SKU, in one statement. An SKU never seen starts at 0, and
 * stock may go below 0: the sandbox sells what it is asked to (a Shopify
 * variant whose policy is CONTINUE).
 */
export async function adjustSandboxInventory(
  db: Kysely<Database>,
  storeId: string,
  changeBySku: ReadonlyMap<string, number>,
): Promise<void> {
  // Rows locked in SKU order: two orders sharing SKUs cannot deadlock.
  const skus = [...changeBySku.keys()].filter((sku) => changeBySku.get(sku) !== 0).sort();
  if (skus.length === 0) return;
  const changes = skus.map((sku) => changeBySku.get(sku)!);
  await sql`
    INSERT INTO sandbox_inventory (store_id, sku, quantity)
    SELECT ${storeId}, sku, change
    FROM unnest(${skus}::text[], ${changes}::integer[]) AS line(sku, change)
    ON CONFLICT (store_id, sku) DO UPDATE
      SET quantity = sandbox_inventory.quantity + excluded.quantity, updated_at = now()`.execute(
    db,
  );
}

/** Quantities per SKU, summed over lines. */
export function quantitiesBySku(
  lines: readonly { sku: string; quantity: number }[],
  sign = 1,
): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + sign * line.quantity);
  return bySku;
}
