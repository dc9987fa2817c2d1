import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { PlatformError, type PlatformOrderRef } from '../../sync/platformPort';

const PREFIX = 'gid://fbt-sync/SandboxOrder/';

export const sandboxPlatformOrderId = (id: string) => `${PREFIX}${id}`;

/** The sandbox_orders id inside a platform order id, or REJECTED: no retry makes a bad id good. */
export function sandboxOrderRowId(ref: PlatformOrderRef): string {
  const id = ref.platformOrderId.startsWith(PREFIX) ? ref.platformOrderId.slice(PREFIX.length) : '';
  if (!/^[1-9]\d{0,18}$/.test(id)) {
    throw new PlatformError(
      'REJECTED',
      `${ref.platformOrderId} is not a sandbox platform order id`,
    );
  }
  return id;
}

export function noSuchSandboxOrder(ref: PlatformOrderRef): PlatformError {
  return new PlatformError(
    'REJECTED',
    `The sandbox platform has no order ${ref.platformOrderId} in store ${ref.store.storeId}`,
  );
}

/**
 * The order's row, locked until the transaction ends: every change after
 * sync reads the row, decides, and writes under this lock, so two calls for
 * one order take turns and the second sees what the first did.
 */
export async function lockSandboxOrder(
  trx: Transaction<Database> | Kysely<Database>,
  ref: PlatformOrderRef,
) {
  const row = await trx
    .selectFrom('sandbox_orders')
    .selectAll()
    .where('id', '=', sandboxOrderRowId(ref))
    .where('store_id', '=', ref.store.storeId)
    .forUpdate()
    .executeTakeFirst();
  if (row === undefined) throw noSuchSandboxOrder(ref);
  return row;
}
