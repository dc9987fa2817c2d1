import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { PlatformLineItem } from '../../sync/platformPort';
import { adjustSandboxInventory, quantitiesBySku } from './adjustSandboxInventory';

/** Takes the order's quantities off the store's stock, in one statement (see adjustSandboxInventory). */
export async function decrementSandboxInventory(
  db: Kysely<Database>,
  storeId: string,
  lineItems: readonly PlatformLineItem[],
): Promise<void> {
  await adjustSandboxInventory(db, storeId, quantitiesBySku(lineItems, -1));
}
