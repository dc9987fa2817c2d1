import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  type HoldOutcome,
  type MarkPaidOutcome,
  PlatformError,
  type PlatformOrderRef,
  type ReleaseOutcome,
} from '../../sync/platformPort';
import { lockSandboxOrder } from './lockSandboxOrder';

// Each reads the flag under the order's row lock and flips it only when it is
// not flipped yet: a repeat finds it flipped and answers "already".

export function holdSandboxFulfillment(
  db: Kysely<Database>,
  ref: PlatformOrderRef,
): Promise<HoldOutcome> {
  return db.transaction().execute(async (trx) => {
    const order = await lockSandboxOrder(trx, ref);
    if (order.fulfillment_held) return { kind: 'alreadyHeld' };
    if (order.cancelled_at !== null) {
      throw new PlatformError(
        'REJECTED',
        `Sandbox order ${ref.platformOrderId} is cancelled: there is nothing to hold`,
      );
    }
    if (order.status === 'FULFILLED') {
      throw new PlatformError(
        'REJECTED',
        `Sandbox order ${ref.platformOrderId} is fulfilled: there is nothing to hold`,
      );
    }
    await trx
      .updateTable('sandbox_orders')
      .set({ fulfillment_held: true })
      .where('id', '=', order.id)
      .execute();
    return { kind: 'held' };
  });
}

export function releaseSandboxHold(
  db: Kysely<Database>,
  ref: PlatformOrderRef,
): Promise<ReleaseOutcome> {
  return db.transaction().execute(async (trx) => {
    const order = await lockSandboxOrder(trx, ref);
    if (!order.fulfillment_held) return { kind: 'alreadyReleased' };
    await trx
      .updateTable('sandbox_orders')
      .set({ fulfillment_held: false })
      .where('id', '=', order.id)
      .execute();
    return { kind: 'released' };
  });
}

export function markSandboxOrderPaid(
  db: Kysely<Database>,
  ref: PlatformOrderRef,
): Promise<MarkPaidOutcome> {
  return db.transaction().execute(async (trx) => {
    const order = await lockSandboxOrder(trx, ref);
    if (order.cancelled_at !== null) {
      throw new PlatformError(
        'REJECTED',
        `Sandbox order ${ref.platformOrderId} is cancelled: it is not marked paid`,
      );
    }
    if (order.financial_status === 'PAID') return { kind: 'alreadyPaid' };
    await trx
      .updateTable('sandbox_orders')
      .set({ financial_status: 'PAID' })
      .where('id', '=', order.id)
      .execute();
    return { kind: 'markedPaid' };
  });
}
