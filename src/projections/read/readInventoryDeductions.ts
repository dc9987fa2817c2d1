import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface InventoryDeductionView {
  sku: string;
  location: string;
  quantity: number;
}

/**
 * What synced orders deducted, per store, SKU and location, in one statement
 * on the inventory_deductions primary key; `skus` narrows it to those SKUs.
 */
export async function readInventoryDeductions(
  db: Kysely<Database>,
  storeIds: readonly string[],
  skus?: readonly string[],
): Promise<Map<string, InventoryDeductionView[]>> {
  const byStore = new Map<string, InventoryDeductionView[]>(storeIds.map((id) => [id, []]));
  if (storeIds.length === 0 || skus?.length === 0) return byStore;
  let query = db
    .selectFrom('inventory_deductions')
    .select(['store_id', 'sku', 'location', 'quantity'])
    .where('store_id', 'in', [...storeIds]);
  if (skus !== undefined) query = query.where('sku', 'in', [...skus]);
  const rows = await query.orderBy('store_id').orderBy('sku').orderBy('location').execute();
  for (const row of rows)
    byStore
      .get(row.store_id)
      ?.push({ sku: row.sku, location: row.location, quantity: Number(row.quantity) });
  return byStore;
}
