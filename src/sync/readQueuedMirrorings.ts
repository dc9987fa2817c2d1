import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema';

export interface QueuedMirroring {
  orderId: string;
  key: string;
  dueAt: Date;
}

/**
 * Each order's first queued mirroring (in the order requested), by due time,
 * due or not yet, leaving out the orders the worker is busy with. One at a
 * time per order and in order: each appends to the order's stream, and a
 * later one may depend on an earlier one's effect (lines refunded before the
 * whole order is cancelled, a hold released before it is cancelled).
 */
export async function readQueuedMirrorings(
  db: Kysely<Database>,
  { limit, excludingOrders }: { limit: number; excludingOrders: readonly string[] },
): Promise<QueuedMirroring[]> {
  const firsts = db
    .selectFrom('mirror_queue')
    .distinctOn('order_id')
    .select(['order_id', 'key', 'due_at'])
    .$if(excludingOrders.length > 0, (query) =>
      query.where(sql<SqlBool>`order_id <> ALL(${[...excludingOrders]}::text[])`),
    )
    .orderBy('order_id')
    .orderBy('sequence')
    .as('firsts');
  const rows = await db.selectFrom(firsts).selectAll().orderBy('due_at').limit(limit).execute();
  return rows.map((row) => ({ orderId: row.order_id, key: row.key, dueAt: row.due_at }));
}
